// The project's own behaviour on top of server-rendered pages. Everything
// here is an enhancement: each form works without it.
"use strict";

// Forms marked data-confirm ask before they submit (a CSP-safe stand-in for
// an inline onsubmit handler).
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.dataset ? form.dataset.confirm : undefined;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// Drafts: the server saves as the author types (htmx). Should the connection
// drop, the text is also kept in this tab's sessionStorage and put back after
// a reload; it is cleared as soon as the server has it. sessionStorage dies
// with the tab, so nothing stays on a shared phone or computer.
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-draft-key]")) {
    const key = `peersupport:${form.dataset.draftKey}`;
    const body = form.querySelector("textarea[name=body]");
    if (!body) continue;
    const kept = window.sessionStorage.getItem(key);
    if (kept !== null && kept !== body.value) {
      body.value = kept;
      const status = form.querySelector("[role=status]");
      if (status && status.dataset.restored) status.textContent = status.dataset.restored;
    }
    body.addEventListener("input", () => window.sessionStorage.setItem(key, body.value));
    form.addEventListener("htmx:afterRequest", (event) => {
      if (event.detail.successful && window.sessionStorage.getItem(key) === body.value) {
        window.sessionStorage.removeItem(key);
      }
    });
    form.addEventListener("htmx:sendError", () => {
      const status = form.querySelector("[role=status]");
      if (status && status.dataset.offline) status.textContent = status.dataset.offline;
    });
    form.addEventListener("submit", () => window.sessionStorage.removeItem(key));
  }
});
