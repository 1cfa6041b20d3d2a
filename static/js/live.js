/* Live coverage (#13), progressively enhanced: without this file the page is complete and a
   reload shows the new updates. With it, the page asks the coverage's small JSON endpoint about
   once a second while the tab is visible. The endpoint is the same answer for every reader, so
   the front cache serves the crowd and is purged when an update is posted, edited or deleted.

   Markup: templates/articles/live/coverage.html (section.live-coverage and its data-live-*
   attributes) and update.html (one per update in [data-live-stream]); change them together. */
(() => {
  "use strict";

  // A permalink opens the coverage at its update: bring it into view and give it focus, so a
  // keyboard or screen-reader user starts there too. Live or ended alike.
  const target = document.querySelector("[data-live-focus]");
  if (target) {
    const named = target.dataset.liveFocus && document.getElementById(target.dataset.liveFocus);
    const update = named || target;
    if (!update.matches("a, button, input, select, textarea, [tabindex]")) update.tabIndex = -1;
    update.scrollIntoView({ block: "start" });
    update.focus({ preventScroll: true });
  }

  const section = document.querySelector('section.live-coverage[data-live-state="live"]');
  const stream = section && section.querySelector("[data-live-stream]");
  if (!section || !stream || !section.dataset.liveEndpoint) return;

  const INTERVAL = 1000; // "appears to readers within 2 seconds" (#13)
  const LONGEST_WAIT = 60000; // the most a failing network is retried after
  const newestFirst = section.dataset.liveOrder !== "oldest";
  // Where new updates belong on this page: at the top of the first page newest first (behind a
  // button), at the end of the last page oldest first (directly). Other pages only follow
  // edits and deletions of the updates they show.
  const takesNew = newestFirst
    ? section.dataset.liveFirstPage === "true"
    : section.dataset.liveLastPage === "true";

  let timer = null;
  let asking = false;
  let stopped = false;
  let failures = 0;
  let lastAnswer = ""; // the endpoint's last body: the same body changes nothing
  let waiting = []; // new updates behind the button, newest first

  // Announced politely: the reader is told, never interrupted.
  const status = document.createElement("p");
  status.className = "visually-hidden live-announcements";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  const bar = document.createElement("div");
  bar.className = "live-notices";
  const showButton = button("live-new-updates", showWaiting);
  const reloadButton = button("live-reload", () => location.reload());
  reloadButton.textContent = "Many updates since you left — reload";
  bar.append(showButton, reloadButton);
  stream.before(status, bar);

  function button(className, onClick) {
    const element = document.createElement("button");
    element.type = "button";
    element.className = className;
    element.hidden = true;
    element.addEventListener("click", onClick);
    return element;
  }

  function announce(message) {
    if (status.textContent !== message) status.textContent = message;
  }

  // --- Reading the page and the endpoint ---------------------------------------------------

  function shown() {
    return [...stream.querySelectorAll(":scope > .live-update[data-update-id]")];
  }

  function fromHtml(html) {
    const holder = document.createElement("template");
    holder.innerHTML = html.trim();
    return holder.content.firstElementChild;
  }

  // An update's place in the coverage: its time, then its number (the endpoint's order).
  function place(published, id) {
    return [Date.parse(published), Number(id)];
  }

  function placeOf(element) {
    const time = element.querySelector(".live-update-time time");
    return place(time ? time.dateTime : 0, element.dataset.updateId);
  }

  function later(a, b) {
    return a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
  }

  function editedOf(element) {
    const time = element.querySelector(".live-update-edited time");
    return time ? Date.parse(time.dateTime) : null;
  }

  // The local time the page prints ("14:05"): update.html writes its times in the site's time
  // zone, which the reader's clock may not share.
  function clockOf(element) {
    const time = element.querySelector(".live-update-time time");
    return { iso: time.dateTime, clock: time.dateTime.slice(11, 16) };
  }

  // --- Changing the page without moving what the reader reads ------------------------------

  // Changes above the reader's eyes (an edit, a deletion, a key event) keep the first update
  // they can see where it was. Browsers with scroll anchoring do this already; then the
  // measured shift is nothing and this does nothing.
  function keepInPlace(change) {
    const anchor = shown().find((element) => {
      const box = element.getBoundingClientRect();
      return box.bottom > 0 && box.top < window.innerHeight;
    });
    const before = anchor && anchor.getBoundingClientRect().top;
    change();
    const now = anchor && document.getElementById(anchor.id);
    if (!now || window.scrollY === 0) return;
    const shift = now.getBoundingClientRect().top - before;
    if (shift) window.scrollBy(0, shift);
  }

  // An update corrected in place; the reader's focus, if it was on it, stays on it.
  function replace(element, html) {
    const fresh = fromHtml(html);
    const hadFocus = element.contains(document.activeElement);
    element.replaceWith(fresh);
    if (hadFocus) {
      fresh.tabIndex = -1;
      fresh.focus({ preventScroll: true });
    }
  }

  function applyEditsAndDeletions(answer, listed) {
    const oldest = answer.updates.at(-1);
    const covered = oldest ? place(oldest.published, oldest.id) : null;
    for (const element of shown()) {
      const update = listed.get(element.dataset.updateId);
      if (update) {
        const edited = update.edited ? Date.parse(update.edited) : null;
        if (edited !== editedOf(element)) replace(element, update.html);
      } else if (answer.complete || (covered && !later(covered, placeOf(element)))) {
        // Inside what the endpoint covers, yet no longer listed: deleted, or unpublished.
        element.remove();
      }
    }
  }

  function refreshKeyEvents(answer, listed) {
    const list = section.querySelector("[data-live-key-events]");
    if (!list) return;
    const oldest = answer.updates.at(-1);
    // Key events older than what the endpoint covers stay as the page printed them.
    const kept = [...list.children].filter((item) => {
      if (listed.has(item.dataset.updateId) || answer.complete || !oldest) return false;
      const element = document.getElementById(`update-${item.dataset.updateId}`);
      return !element || later(place(oldest.published, oldest.id), placeOf(element));
    });
    const covered = answer.updates.filter((update) => update.key_event).map((update) => {
      const label = keyEventLabel(update);
      const item = [...list.children].find((old) => old.dataset.updateId === String(update.id));
      return item && words(item) === words(label) ? item : label;
    });
    const items = newestFirst ? [...covered, ...kept] : [...kept, ...covered.reverse()];
    const same = items.length === list.children.length;
    if (same && items.every((item, i) => item === list.children[i])) return;
    list.replaceChildren(...items);
    const nav = list.closest("nav");
    if (nav) nav.hidden = items.length === 0;
  }

  function words(element) {
    return element.textContent.replace(/\s+/g, " ").trim();
  }

  // <li data-update-id><a href="permalink"><time datetime>14:05</time> Title</a></li>, as the
  // page prints them (templates/articles/live/coverage.html); the endpoint names the update as
  // the page does (articles/live/coverage.py, update_title).
  function keyEventLabel(update) {
    const { iso, clock } = clockOf(fromHtml(update.html));
    const name = update.title;
    const item = document.createElement("li");
    item.dataset.updateId = update.id;
    const link = document.createElement("a");
    link.href = update.url;
    const time = document.createElement("time");
    time.dateTime = iso;
    time.textContent = clock;
    link.append(time, ` ${name}`);
    item.append(link);
    return item;
  }

  function refreshLatest(answer) {
    const latest = section.querySelector("[data-live-latest]");
    const newest = answer.updates[0];
    if (!latest || !newest) return;
    const { iso, clock } = clockOf(fromHtml(newest.html));
    if (latest.dateTime === iso) return;
    latest.dateTime = iso;
    latest.textContent = clock;
  }

  // New updates: those later than the newest this page shows. Oldest first they join the end
  // at once (the reader reads down towards them); newest first they wait behind a button, so
  // that nothing slides in above what the reader is reading.
  function takeNew(answer, listed) {
    const page = shown().map(placeOf);
    const newestShown = page.reduce((a, b) => (a === null || later(b, a) ? b : a), null);
    const fresh = answer.updates.filter(
      (update) =>
        !document.getElementById(`update-${update.id}`) &&
        (!newestShown || later(place(update.published, update.id), newestShown)),
    );
    // Away longer than the endpoint covers: what is missing between the page and the endpoint's
    // oldest cannot be filled in, so the reader is offered the whole page again.
    const oldest = answer.updates.at(-1);
    const missed = (newest) =>
      !listed.has(String(newest[1])) && later(place(oldest.published, oldest.id), newest);
    const gap = !answer.complete && oldest && (!newestShown || missed(newestShown));
    reloadButton.hidden = !gap;
    if (gap) {
      waiting = [];
      showButton.hidden = true;
      announce("Many updates since you left: reload the page to see them.");
      return;
    }
    if (fresh.length) {
      const empty = section.querySelector("[data-live-empty]");
      if (empty) empty.remove();
    }
    // Oldest first, or nothing on the page yet: nothing is moved by adding them directly.
    if (!newestFirst || !newestShown) {
      const elements = fresh.map((update) => fromHtml(update.html));
      if (newestFirst) stream.prepend(...elements);
      else stream.append(...elements.reverse());
      if (fresh.length) announce(`${fresh.length} new update${fresh.length === 1 ? "" : "s"}`);
      return;
    }
    waiting = fresh;
    const count = waiting.length;
    showButton.hidden = count === 0;
    const told = count === 1 ? "1 new update" : `${count} new updates`;
    showButton.textContent = `${told} — show`;
    announce(count ? told : "");
  }

  // The reader asked to see them: they go to the top of the stream, the newest first, and the
  // reader goes with them (focus on the newest). At the top of the page, where the button sits
  // in the flow, they simply take its place and nothing scrolls. Further down, where the button
  // follows the reader (.live-notices is sticky), keeping the reader's place would hide what
  // they asked for above the screen, so the page scrolls up to the newest; what they were
  // reading is where they left it, under the new updates.
  function showWaiting() {
    const elements = waiting.map((update) => fromHtml(update.html));
    waiting = [];
    showButton.hidden = true;
    announce("");
    if (!elements.length) return;
    stream.prepend(...elements);
    const newest = elements[0];
    newest.tabIndex = -1;
    newest.focus({ preventScroll: true });
    const box = newest.getBoundingClientRect();
    if (box.top < 0 || box.top > window.innerHeight) newest.scrollIntoView({ block: "start" });
  }

  function apply(answer) {
    const listed = new Map(answer.updates.map((update) => [String(update.id), update]));
    keepInPlace(() => {
      applyEditsAndDeletions(answer, listed);
      refreshKeyEvents(answer, listed);
      refreshLatest(answer);
    });
    if (takesNew) takeNew(answer, listed);
    if (answer.ended) end();
  }

  // As the page says it once the coverage has ended: the note in place of the "Live" badge.
  function end() {
    stop();
    section.dataset.liveState = "ended";
    const note = document.createElement("strong");
    note.className = "live-ended";
    note.textContent = "This live coverage has ended.";
    const badge = section.querySelector(".live-badge");
    if (badge) badge.replaceWith(note);
    else bar.prepend(note);
    announce("This live coverage has ended.");
  }

  // --- Polling -----------------------------------------------------------------------------

  async function poll() {
    timer = null;
    if (asking) return; // the answer on its way schedules the next question
    asking = true;
    let body;
    try {
      // No cookies: the endpoint is the same for everyone, so even a logged-in editor's poll is
      // answered by the front cache. "no-cache": the browser asks every time, with its copy's
      // ETag (an unchanged answer is a bodiless 304); by default it would honour the answer's
      // stale-while-revalidate and hand back the previous answer, a poll late.
      const response = await fetch(section.dataset.liveEndpoint, {
        headers: { Accept: "application/json" },
        credentials: "omit",
        cache: "no-cache",
      });
      if (response.status === 404) return stop(); // no longer live coverage, or withdrawn
      if (!response.ok) throw new Error(`status ${response.status}`);
      body = await response.text();
      if (body !== lastAnswer) apply(JSON.parse(body));
      lastAnswer = body;
      failures = 0;
    } catch {
      failures += 1; // quietly: the page stays as it is, and is asked again later and later
    }
    asking = false;
    schedule();
  }

  function schedule() {
    if (timer || stopped || document.visibilityState === "hidden") return;
    const wait = Math.min(INTERVAL * 2 ** failures, LONGEST_WAIT);
    // Readers' polls spread over the second rather than arriving together.
    timer = setTimeout(poll, wait * (0.8 + Math.random() * 0.4));
  }

  function stop() {
    stopped = true;
    clearTimeout(timer);
    timer = null;
  }

  // A background tab asks nothing; back in front it catches up at once.
  document.addEventListener("visibilitychange", () => {
    if (stopped) return;
    clearTimeout(timer);
    timer = null;
    if (document.visibilityState === "visible") poll();
  });

  schedule();
})();
