/* The editor's desk (#12), on the article change form: a live character count under each field
   that carries data-char-limit (headline, standfirst: the limits are articles/meta.py's, what
   search results and social cards show), and a standfirst box that grows with its text where
   the browser cannot size it by CSS alone (field-sizing: content). */
(() => {
  "use strict";

  // Python's len(), which the limits are applied with: code points, not UTF-16 units.
  const length = (text) => [...text].length;

  function countCharacters(field) {
    const limit = Number(field.dataset.charLimit);
    const note = field.dataset.charLimitNote || "longer than the limit";
    const count = document.createElement("div");
    count.className = "char-count";
    count.id = `${field.id}_char_count`;
    // Read with the field (aria-describedby); the live region below speaks only when the
    // text crosses the limit, not at every key.
    const announcement = document.createElement("div");
    announcement.className = "char-count-announcement";
    announcement.setAttribute("aria-live", "polite");
    field.after(count, announcement);
    const described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", described ? `${described} ${count.id}` : count.id);

    let wasOver = null;
    const update = () => {
      const used = length(field.value);
      const over = used > limit;
      count.textContent = `${used} / ${limit} characters${over ? `: ${note}` : ""}`;
      count.classList.toggle("char-count--over", over);
      if (wasOver !== null && over !== wasOver) {
        announcement.textContent = over
          ? `${used} characters, ${used - limit} over ${limit}: ${note}.`
          : `${used} characters, within ${limit}.`;
      }
      wasOver = over;
    };
    field.addEventListener("input", update);
    update();
  }

  function growWithText(textarea) {
    if (CSS.supports("field-sizing", "content")) return;
    const fit = () => {
      textarea.style.height = "auto";
      textarea.style.height = `${textarea.scrollHeight + textarea.offsetHeight - textarea.clientHeight}px`;
    };
    textarea.addEventListener("input", fit);
    window.addEventListener("resize", fit);
    fit();
  }

  function start() {
    document.querySelectorAll("[data-char-limit]").forEach(countCharacters);
    document.querySelectorAll(".field-standfirst textarea").forEach(growWithText);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
