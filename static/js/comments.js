/* Comments, progressively enhanced: the form works without this file; with it, replies open in
   place, posting happens without a page load, and a draft survives a closed tab or lost network. */
// Reporting a comment: its "Report" link opens the report form in place and sends it without a
// page load; without JavaScript the link leads to the same form on a page of its own.
(() => {
  "use strict";
  const section = document.getElementById("comments");
  const source = section && section.querySelector("[data-report-form-source] form");
  if (!source) return;

  function close(open) {
    if (open) open.remove();
  }

  section.addEventListener("click", (event) => {
    const link = event.target.closest("[data-report]");
    if (!link) return;
    event.preventDefault();
    const main = link.closest(".comment-main");
    const already = main.querySelector("[data-report-form]");
    close(section.querySelector(".comment-main [data-report-form]"));
    if (already) return; // the link closes the form it opened
    const form = source.cloneNode(true);
    form.action = link.href;
    main.append(form);
    form.querySelector("input[type=radio]").focus();
    form.addEventListener("submit", async (submitted) => {
      submitted.preventDefault();
      const button = form.querySelector("[type=submit]");
      const problem = form.querySelector("[data-report-problem]");
      button.disabled = true;
      let reply;
      try {
        const response = await fetch(form.action, {
          method: "POST",
          body: new URLSearchParams(new FormData(form)),
          headers: { "X-Requested-With": "fetch", Accept: "application/json" },
          credentials: "same-origin",
        });
        reply = await response.json();
      } catch {
        reply = { ok: false, message: "We could not reach the site. Please try again in a moment." };
      }
      button.disabled = false;
      if (reply.ok) {
        const thanks = document.createElement("p");
        thanks.className = "report-thanks";
        thanks.setAttribute("role", "status");
        thanks.textContent = reply.message;
        form.replaceWith(thanks);
        link.remove();
        return;
      }
      problem.textContent = reply.message;
      problem.classList.remove("d-none");
      problem.tabIndex = -1;
      problem.focus();
    });
  });
})();

(() => {
  "use strict";
  const section = document.getElementById("comments");
  const respond = section && section.querySelector("[data-respond]");
  if (!respond) return;

  const home = document.createComment("comment form home");
  respond.before(home);
  const draftKey = `newsportal:comment-draft:${location.pathname}`;
  const storage = {
    get: () => { try { return localStorage.getItem(draftKey) || ""; } catch { return ""; } },
    set: (text) => { try { localStorage.setItem(draftKey, text); } catch { /* private mode */ } },
    clear: () => { try { localStorage.removeItem(draftKey); } catch { /* private mode */ } },
  };

  const form = () => respond.querySelector("form[data-comment-form]");
  const statusLine = () => respond.querySelector("[data-form-status]");

  function announce(message) {
    const line = statusLine();
    if (line) line.textContent = message;
  }

  function setReply(link) {
    const current = form();
    const heading = respond.querySelector("[data-respond-heading]");
    const cancelWrap = respond.querySelector("[data-cancel-wrap]");
    if (link) {
      current.elements.parent.value = link.dataset.replyTo;
      heading.textContent = `Reply to ${link.dataset.replyName}`;
      cancelWrap.classList.remove("d-none");
      link.closest(".comment-card").after(respond);
      respond.classList.add("is-reply");
    } else {
      current.elements.parent.value = "";
      heading.textContent = "Leave a comment";
      cancelWrap.classList.add("d-none");
      home.after(respond);
      respond.classList.remove("is-reply");
    }
    current.elements.comment.focus();
  }

  function insertComment(html, parentId) {
    const holder = document.createElement("template");
    holder.innerHTML = html.trim();
    const item = holder.content.firstElementChild;
    let list = section.querySelector("[data-comment-list]");
    if (parentId) {
      const parent = document.getElementById(`comment-${parentId}`);
      if (parent) {
        list = parent.querySelector(":scope > .comment-replies");
        if (!list) {
          list = document.createElement("ol");
          list.className = "comment-replies list-unstyled";
          parent.append(list);
        }
      }
    }
    list.append(item);
    const empty = section.querySelector("[data-no-comments]");
    if (empty) empty.remove();
    item.tabIndex = -1;
    item.focus();
  }

  function showProblem(current, message) {
    let summary = current.querySelector("[data-error-summary]");
    if (!summary) {
      summary = document.createElement("div");
      summary.className = "alert alert-danger";
      summary.setAttribute("role", "alert");
      summary.tabIndex = -1;
      summary.dataset.errorSummary = "";
      current.prepend(summary);
    }
    summary.textContent = message;
    summary.focus();
  }

  // The page may come from a cache shared by every reader, so it carries no form token: one is
  // fetched for this reader when they start on the form (the time it is issued starts the
  // fill-time check), and again after each comment (a token lets one comment in).
  async function ensureToken(current) {
    if (current.elements.issued.value) return;
    const response = await fetch(current.dataset.tokenUrl, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      cache: "no-store",
    });
    current.elements.issued.value = (await response.json()).issued;
  }

  async function submit(event) {
    event.preventDefault();
    const current = event.currentTarget;
    const button = current.querySelector("[type=submit]");
    const parentId = current.elements.parent.value;
    button.disabled = true;
    announce("Posting your comment…");
    let response;
    let reply;
    try {
      await ensureToken(current);
      response = await fetch(current.action, {
        method: "POST",
        // URL-encoded, as the form posts without JavaScript: the only body the endpoint takes.
        body: new URLSearchParams(new FormData(current)),
        headers: { "X-Requested-With": "fetch", Accept: "application/json" },
        credentials: "same-origin",
      });
      // 503: the site or its database is down for a moment (Retry-After says how long).
      if (response.status === 503) throw new Error("unavailable");
      reply = await response.json();
    } catch {
      button.disabled = false;
      announce("");
      const wait = Number(response && response.headers.get("Retry-After")) || 0;
      showProblem(current, "We could not reach the site, so your comment was not posted. " +
        (wait ? `It is still here: please try again in ${wait} seconds.`
              : "It is still here: please try again in a moment."));
      return;
    }
    if (reply.ok) {
      storage.clear();
      current.elements.comment.value = "";
      current.elements.issued.value = "";
      const summary = current.querySelector("[data-error-summary]");
      if (summary) summary.remove();
      button.disabled = false;
      setReply(null);
      if (reply.html) insertComment(reply.html, parentId);
      announce(reply.message);
      return;
    }
    respond.querySelector("[data-form-wrap]").outerHTML = reply.html;
    bind();
    const summary = form().querySelector("[data-error-summary]");
    if (summary) summary.focus();
  }

  function bind() {
    const current = form();
    if (!current) return;
    const text = current.elements.comment;
    if (!text.value) text.value = storage.get();
    text.addEventListener("input", () => storage.set(text.value));
    current.addEventListener("submit", submit);
    current.addEventListener("focusin", () => ensureToken(current).catch(() => {}), { once: true });
    const cancel = respond.querySelector("[data-cancel-reply]");
    if (cancel) cancel.addEventListener("click", (event) => { event.preventDefault(); setReply(null); });
  }

  section.addEventListener("click", (event) => {
    const link = event.target.closest("[data-reply-to]");
    if (!link) return;
    event.preventDefault();
    setReply(link);
  });
  bind();
})();
