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
