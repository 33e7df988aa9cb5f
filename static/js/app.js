// The project's own behaviour on top of server-rendered pages. Everything
// here is an enhancement: each form works without it.
"use strict";

// A form, or the button that submits it, marked data-confirm asks before it
// submits (a CSP-safe stand-in for an inline onsubmit handler). The button's
// question wins: "Sign" asks, "Save draft" in the same form does not. Runs in
// the capture phase so nothing else (htmx, the draft keeper) sees a refused submit.
document.addEventListener(
  "submit",
  (event) => {
    const form = event.target;
    const button = event.submitter;
    const question =
      (button && button.dataset && button.dataset.confirm) || (form.dataset && form.dataset.confirm);
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  },
  true,
);

// Offline copies of what is being typed. A form marked data-draft-key keeps
// its fields in this tab's sessionStorage and puts them back after a reload
// or a failed submit. sessionStorage dies with the tab, so nothing stays on a
// shared phone or computer (never localStorage).
//
// A copy is cleared only once the server has the text: after a successful
// htmx autosave whose text is still what the form shows, or when the server
// names the key in the short-lived "peersupport_drafts_saved" cookie it sets
// on the redirect that follows a successful submit. Submitting alone clears
// nothing: the request may still fail (no connection, a server error).
//
// A phone may be shared: every key names its user ("u12:note-40", set by the
// server), a form drops the copies of any other user when it opens, and the
// sign-out form and the sign-in page forget every copy of the tab.
const PREFIX = "peersupport:";
const SAVED_COOKIE = "peersupport_drafts_saved";
// Never kept: the CSRF token changes, a draft's id is the server's business,
// and a one-time token put back into a later form would turn that form's
// submit into a repeat of one already saved.
// Nor the version a form was drawn from (peersupport.concurrency): a page
// opened again carries the version saved now.
const NOT_KEPT = new Set(["csrfmiddlewaretoken", "draft", "submission_token", "draft_token", "version"]);

function copyKeys() {
  const keys = [];
  for (let i = 0; i < window.sessionStorage.length; i += 1) {
    const key = window.sessionStorage.key(i);
    if (key && key.startsWith(PREFIX)) keys.push(key);
  }
  return keys;
}

function forgetCopies(keep = () => false) {
  for (const key of copyKeys()) {
    if (!keep(key)) window.sessionStorage.removeItem(key);
  }
}

// The owner part of a key such as "u12:note-40": copies of anyone else (or
// older copies without an owner) are never put back into this user's forms.
function forgetOtherUsersCopies(form) {
  const owner = form.dataset.draftKey.split(":")[0];
  forgetCopies((key) => key.startsWith(`${PREFIX}${owner}:`));
}

function clearSavedDrafts() {
  const entry = document.cookie.split("; ").find((part) => part.startsWith(`${SAVED_COOKIE}=`));
  if (!entry) return;
  // The server joins the keys with "|", which a cookie holds unquoted.
  const keys = decodeURIComponent(entry.slice(SAVED_COOKIE.length + 1)).split("|");
  for (const key of keys) {
    if (key) window.sessionStorage.removeItem(PREFIX + key);
  }
  const secure = window.location.protocol === "https:" ? "; Secure" : "";
  document.cookie = `${SAVED_COOKIE}=; Max-Age=0; Path=/; SameSite=Lax${secure}`;
}

// Signing out forgets the tab's copies (the next person may use this phone),
// whatever the request's outcome; so does the sign-in page, for a session
// that ended without a sign-out.
document.addEventListener("submit", (event) => {
  if (event.target.matches('form[action$="/logout/"]')) forgetCopies();
});

function keptFields(form) {
  return [...form.elements].filter(
    (el) => el.name && !NOT_KEPT.has(el.name) && !["submit", "button", "file"].includes(el.type),
  );
}

function snapshot(form) {
  const state = {};
  for (const el of keptFields(form)) {
    if (el.type === "checkbox" || el.type === "radio") {
      state[el.name] = state[el.name] || [];
      if (el.checked) state[el.name].push(el.value);
    } else if (el.tagName === "SELECT" && el.multiple) {
      state[el.name] = [...el.selectedOptions].map((option) => option.value);
    } else {
      state[el.name] = el.value;
    }
  }
  return JSON.stringify(state);
}

function restore(form, state) {
  for (const el of keptFields(form)) {
    if (!(el.name in state)) continue;
    const value = state[el.name];
    if (el.type === "checkbox" || el.type === "radio") {
      el.checked = Array.isArray(value) && value.includes(el.value);
    } else if (el.tagName === "SELECT" && el.multiple) {
      for (const option of el.options) option.selected = value.includes(option.value);
    } else if (typeof value === "string") {
      el.value = value;
    }
  }
}

function announce(form, key) {
  const status = form.querySelector("[role=status][data-restored], [data-restored]");
  if (status && status.dataset[key]) status.textContent = status.dataset[key];
}

function keepDrafts(form) {
  let key = PREFIX + form.dataset.draftKey;
  let state = null;
  try {
    state = JSON.parse(window.sessionStorage.getItem(key) || "null");
  } catch {
    state = null; // an older copy in another shape: not worth a broken page
  }
  if (state && typeof state === "object" && state !== null && snapshot(form) !== JSON.stringify(state)) {
    restore(form, state);
    form.dispatchEvent(new Event("draft:restored"));
    announce(form, "restored");
    offerDiscard(form, () => window.sessionStorage.removeItem(key));
  }
  const keep = () => window.sessionStorage.setItem(key, snapshot(form));
  form.addEventListener("input", keep);
  form.addEventListener("change", keep);
  form.addEventListener("htmx:afterRequest", (event) => {
    // A new note's first autosave creates its draft: the server names the
    // draft's own key, and the copy moves there (the address bar too, by
    // HX-Replace-Url), so a reload opens that draft with the text kept.
    const moved = event.detail.xhr && event.detail.xhr.getResponseHeader("X-Draft-Key");
    if (moved && PREFIX + moved !== key) {
      const copy = window.sessionStorage.getItem(key);
      window.sessionStorage.removeItem(key);
      key = PREFIX + moved;
      form.dataset.draftKey = moved;
      if (copy !== null) window.sessionStorage.setItem(key, copy);
    }
    // An answer saying "Not saved" (saved meanwhile in another tab) keeps the copy.
    const refused = event.detail.xhr && event.detail.xhr.getResponseHeader("X-Draft-Not-Saved");
    if (event.detail.successful && !refused && window.sessionStorage.getItem(key) === snapshot(form)) {
      window.sessionStorage.removeItem(key);
    }
  });
  form.addEventListener("htmx:sendError", () => announce(form, "offline"));
}

// What was put back is said where it shows (templates/includes/restored_notice.html),
// with a way to drop it: the copy is forgotten and the form shows again what
// the server has.
function offerDiscard(form, forget) {
  const notice = form.querySelector("[data-restored-notice]");
  const button = notice && notice.querySelector("[data-discard-restored]");
  if (!button) return;
  notice.hidden = false;
  button.addEventListener(
    "click",
    () => {
      forget();
      form.reset();
      form.dispatchEvent(new Event("draft:restored"));
      notice.textContent = notice.dataset.discarded;
      notice.focus();
    },
    { once: true },
  );
}

// The database away (peersupport/outage.py): an htmx request answered 503
// with X-Records-Unavailable swaps nothing away and leaves the offline copy
// alone (the request did not succeed); the server's short message shows in
// the form's status line, or in an alert at the top of the page.
document.addEventListener("htmx:beforeSwap", (event) => {
  const xhr = event.detail.xhr;
  if (!xhr || xhr.status !== 503 || xhr.getResponseHeader("X-Records-Unavailable") !== "1") return;
  event.preventDefault();
  const message = xhr.responseText.trim();
  const form = event.detail.elt.closest && event.detail.elt.closest("form[data-draft-key]");
  const status = form && form.querySelector("[data-restored]");
  if (status) {
    status.textContent = message;
    return;
  }
  let alert = document.getElementById("records-unavailable");
  if (!alert) {
    alert = document.createElement("p");
    alert.id = "records-unavailable";
    alert.className = "alert alert-warning";
    alert.setAttribute("role", "alert");
    (document.querySelector("main") || document.body).prepend(alert);
  }
  alert.textContent = message;
});

// The encounter form offers the buttons that fit what was typed: "Save
// encounter" without a note; with one, the explicit choice between keeping
// it as a draft and signing it.
function matchButtonsToNote(form) {
  const note = form.querySelector("textarea[name=note]");
  if (!note) return;
  const update = () => {
    const typed = note.value.trim() !== "";
    for (const button of form.querySelectorAll("[data-with-note]")) {
      button.hidden = (button.dataset.withNote === "yes") !== typed;
    }
  };
  note.addEventListener("input", update);
  form.addEventListener("draft:restored", update);
  update();
}

document.addEventListener("DOMContentLoaded", () => {
  if (document.querySelector("form[data-forget-drafts]")) forgetCopies();
  clearSavedDrafts();
  for (const form of document.querySelectorAll("form[data-draft-key]")) {
    forgetOtherUsersCopies(form);
    keepDrafts(form);
  }
  for (const form of document.querySelectorAll("form.encounter-form")) matchButtonsToNote(form);
});

// A read-only field marked data-select-all (the calendar feed's address) is
// selected whole on focus, ready to copy by hand. A button marked
// data-copy-from copies that field: hidden in the page, shown here, so
// without JavaScript the field alone remains, selectable.
document.addEventListener("DOMContentLoaded", () => {
  for (const field of document.querySelectorAll("[data-select-all]")) {
    field.addEventListener("focus", () => field.select());
  }
  for (const button of document.querySelectorAll("button[data-copy-from]")) {
    const field = document.getElementById(button.dataset.copyFrom);
    const status = button.closest("section")?.querySelector("[data-copy-status]");
    if (!field) continue;
    const say = (text) => {
      if (status) status.textContent = text;
    };
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(field.value);
        say(button.dataset.copied);
      } catch {
        field.focus();
        field.select();
        say(button.dataset.copyFailed);
      }
    });
  }
});

// A note's "Let these teammates know": each teammate's box names the
// audiences that let them read the note (data-audiences). Those the chosen
// audience does not reach are greyed out and not sent; without JavaScript,
// signing says on the field who cannot read it.
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form.note-editor")) {
    const boxes = form.querySelectorAll("input[name=mentions][data-audiences]");
    if (!boxes.length) continue;
    const update = () => {
      const chosen = form.querySelector("input[name=audience]:checked")?.value;
      if (!chosen) return;
      for (const box of boxes) {
        const reaches = box.dataset.audiences.split(" ").includes(chosen);
        box.disabled = !reaches;
        box.closest(".form-check")?.classList.toggle("mention-unreachable", !reaches);
      }
    };
    for (const radio of form.querySelectorAll("input[name=audience]")) {
      radio.addEventListener("change", update);
    }
    update();
  }
});
