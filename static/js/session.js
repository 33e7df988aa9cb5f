// The time-out warning. The server keeps the time (peersupport/session_limits.py);
// this script only asks it, shows the warning in #session-timeout before the
// session ends, and, once it has ended, takes the page to the sign-in page so
// that what it showed does not stay on the screen.
//
// Asking how long is left is a background request (X-Background: 1): it does
// not renew the session. "Stay signed in" posts the form, which does.
"use strict";

(() => {
  const box = document.getElementById("session-timeout");
  if (!box) return;
  const form = box.querySelector("form");
  const stay = box.querySelector("[data-session-stay]");
  const close = box.querySelector("[data-session-close]");
  const statusUrl = form.action;
  const loginUrl = box.dataset.loginUrl;
  // Offline or a server error: ask again a little later, the session may live on.
  const RETRY_MS = 30000;
  // Ask just after the end, so the server has surely passed it too.
  const AFTER_END_MS = 1000;
  let timer = null;
  let returnFocus = null;
  let dismissed = false;

  function signInAgain() {
    window.clearTimeout(timer);
    const next = window.location.pathname + window.location.search;
    window.location.assign(`${loginUrl}?next=${encodeURIComponent(next)}`);
  }

  function show(reason) {
    for (const text of box.querySelectorAll("[data-session-reason]")) {
      text.hidden = text.dataset.sessionReason !== reason;
    }
    // An idle session can be renewed; one at its absolute limit cannot.
    stay.hidden = reason !== "idle";
    close.hidden = reason === "idle";
    if (!box.hidden || (reason === "absolute" && dismissed)) return;
    box.hidden = false;
    returnFocus = document.activeElement;
    (reason === "idle" ? stay : close).focus();
  }

  function hide() {
    if (box.hidden) return;
    box.hidden = true;
    if (returnFocus && document.contains(returnFocus)) returnFocus.focus();
    returnFocus = null;
  }

  function schedule(limits) {
    window.clearTimeout(timer);
    const idle = limits.idle_seconds_left * 1000;
    const absolute = limits.absolute_seconds_left * 1000;
    const left = Math.min(idle, absolute);
    const warning = limits.warning_seconds * 1000;
    if (left <= 0) {
      signInAgain();
    } else if (left <= warning) {
      show(absolute < idle ? "absolute" : "idle");
      timer = window.setTimeout(check, left + AFTER_END_MS);
    } else {
      hide();
      timer = window.setTimeout(check, left - warning);
    }
  }

  async function ask(options) {
    window.clearTimeout(timer);
    let response;
    try {
      response = await window.fetch(statusUrl, {
        credentials: "same-origin",
        cache: "no-store",
        ...options,
        headers: { Accept: "application/json", ...options.headers },
      });
    } catch {
      timer = window.setTimeout(check, RETRY_MS);
      return;
    }
    // Sent to the sign-in page: the session had already ended (signed out in
    // another tab). Another redirect (a password to change first) ends nothing.
    if (response.redirected) {
      const signIn = new URL(loginUrl, window.location.href).pathname;
      if (new URL(response.url).pathname === signIn) signInAgain();
      else timer = window.setTimeout(check, RETRY_MS);
    } else if (response.ok) {
      const answer = await response.json();
      // signed_out: the server has just ended the session.
      if (answer.signed_out) signInAgain();
      else schedule(answer);
    } else {
      timer = window.setTimeout(check, RETRY_MS);
    }
  }

  function check() {
    return ask({ method: "GET", headers: { "X-Background": "1" } });
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    ask({ method: "POST", body: new FormData(form), headers: {} });
  });
  close.addEventListener("click", () => {
    dismissed = true;
    hide();
  });
  // Typing in a form that saves itself is activity: the server renewed the
  // session, so a warning on the screen is out of date.
  document.addEventListener("htmx:afterRequest", () => {
    if (!box.hidden) check();
  });
  // Timers of a hidden tab or a sleeping phone run late, if at all: ask as
  // soon as the page is seen again, or comes back from the back-forward cache.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") check();
  });
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) check();
  });

  schedule({
    idle_seconds_left: Number(box.dataset.idleSeconds),
    absolute_seconds_left: Number(box.dataset.absoluteSeconds),
    warning_seconds: Number(box.dataset.warningSeconds),
  });
})();
