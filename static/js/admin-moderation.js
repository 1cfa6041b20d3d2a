/* One-key moderation on a comment's admin page: each moderation button names its key
   (data-key, from MODERATION_MOVES in comments/admin/queue.py). Keys typed into a field are left alone. */
(() => {
  "use strict";
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target.closest("input, textarea, select, [contenteditable]")) return;
    const key = event.key.toLowerCase();
    const button = [...document.querySelectorAll('button[name="_moderate"][data-key]')]
      .find((candidate) => candidate.dataset.key === key);
    if (!button) return;
    event.preventDefault();
    button.click();
  });
})();
