/* One-key moderation on a comment's admin page: A approve, R reject, S spam, P back to pending.
   Keys typed into a field are left alone. */
(() => {
  "use strict";
  const keys = { a: "approved", r: "rejected", s: "spam", p: "pending" };
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target.closest("input, textarea, select, [contenteditable]")) return;
    const status = keys[event.key.toLowerCase()];
    if (!status) return;
    const button = document.querySelector(`button[name="_moderate"][value="${status}"]`);
    if (!button) return;
    event.preventDefault();
    button.click();
  });
})();
