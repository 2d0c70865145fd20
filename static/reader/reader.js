// Reading the commentary: notes beside the line of their claims (sidenotes) on wide screens,
// opened on demand under their paragraph on narrow ones; the reader's preferences (annotations
// shown or hidden, quiet reading, text size), remembered per browser; long passages behind
// "Show all"; and the keyboard shortcuts (j / k, n, a, ?).
// Everything here is an enhancement: without JavaScript the plain anchors do the work and each
// paragraph's notes follow it.

import { layout } from "./margin.js";

const NARROW = window.matchMedia("(max-width: 700px)");
const GAP = 12; // px between two items of the margin
const LONG_PASSAGE = 240; // code points: a longer passage is shortened behind "Show all"
const TEXT_SIZES = ["0.9", "1", "1.125", "1.25", "1.4"]; // the text's scale, smaller to larger
const html = document.documentElement;
const KEYS = {
  annotations: "reader:annotations",
  quiet: "reader:quiet",
  size: "reader:text-size",
};

function remembered(key, fallback) {
  try {
    return localStorage.getItem(key) ?? fallback;
  } catch {
    return fallback; // storage refused (private mode, a policy): the defaults hold
  }
}

function remember(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // nothing to do: the preference holds for this page only
  }
}

// --- claims and notes, linked --------------------------------------------------------------------

function partners(number) {
  return document.querySelectorAll(`.claim[data-note="${number}"], .note[data-note="${number}"]`);
}

function setActive(number, active) {
  for (const element of partners(number)) {
    element.classList.toggle("is-active", active);
  }
}

function linkClaimsAndNotes(reader) {
  for (const element of reader.querySelectorAll(".claim, .note, .marker a, .note-number")) {
    const number = element.dataset.note || element.closest("[data-note]")?.dataset.note;
    if (!number) continue;
    element.addEventListener("mouseenter", () => setActive(number, true));
    element.addEventListener("mouseleave", () => setActive(number, false));
    element.addEventListener("focusin", () => setActive(number, true));
    element.addEventListener("focusout", () => setActive(number, false));
  }
}

// --- notes on demand -----------------------------------------------------------------------------

// On a narrow screen, and in quiet reading, notes are closed until their claim asks for them.
function onDemand() {
  return NARROW.matches || html.classList.contains("quiet-reading");
}

function noteOf(number) {
  return document.getElementById(`note-${number}`);
}

function openers(number) {
  return document.querySelectorAll(
    `.claim[data-note="${number}"], .marker a[data-note="${number}"]`,
  );
}

function setOpen(note, open) {
  note.classList.toggle("is-open", open);
  for (const opener of openers(note.dataset.note)) {
    if (onDemand()) opener.setAttribute("aria-expanded", String(open));
    else opener.removeAttribute("aria-expanded");
  }
}

function markOpeners(reader) {
  for (const note of reader.querySelectorAll(".note")) {
    setOpen(note, note.classList.contains("is-open"));
  }
}

// A claim or its marker, activated: where notes open on demand, opens or closes its note; the
// keyboard takes the focus into the note, where its links are.
function onOpenerClick(event) {
  const opener = event.target.closest(".claim[data-note], .marker a[data-note]");
  if (!opener || !getSelection().isCollapsed) return;
  const note = noteOf(opener.dataset.note);
  if (!note) return;
  const byKeyboard = event.detail === 0;
  if (onDemand()) {
    event.preventDefault();
    const open = !note.classList.contains("is-open");
    setOpen(note, open);
    place();
    if (open && byKeyboard) note.focus();
  } else if (byKeyboard) {
    setTimeout(() => note.focus({ preventScroll: true }), 0); // after the anchor has scrolled
  }
}

// --- one Tab stop per claim ----------------------------------------------------------------------

// The links and buttons of a note are Tab stops only while the focus is in it: Tab goes from
// claim to claim; Enter (or n) on a claim takes the focus into its note, Escape back.
const FOCUSABLE = "a[href], button";

function setNoteStops(note, on) {
  for (const element of note.querySelectorAll(FOCUSABLE)) {
    if (on) element.removeAttribute("tabindex");
    else element.tabIndex = -1;
  }
}

function manageNoteStops(reader) {
  for (const note of reader.querySelectorAll(".note")) {
    note.tabIndex = -1;
    setNoteStops(note, false);
    note.addEventListener("focusin", () => setNoteStops(note, true));
    note.addEventListener("focusout", (event) => {
      if (!note.contains(event.relatedTarget)) setNoteStops(note, false);
    });
    note.addEventListener("keydown", (event) => {
      if (event.key !== "Escape") return;
      document.getElementById(`claim-${note.dataset.note}`)?.focus();
    });
  }
}

// --- long passages -------------------------------------------------------------------------------

function shortenLongPassages(reader, messages) {
  let count = 0;
  for (const text of reader.querySelectorAll(".note blockquote.passage > p")) {
    if (Array.from(text.textContent.trim()).length <= LONG_PASSAGE) continue;
    count += 1;
    text.id ||= `passage-text-${count}`;
    text.classList.add("is-shortened");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "show-all";
    button.textContent = messages.showAll;
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", text.id);
    button.tabIndex = -1; // a Tab stop once the focus is in its note, as the note's links
    button.addEventListener("click", () => {
      const open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
      button.textContent = open ? messages.showLess : messages.showAll;
      text.classList.toggle("is-shortened", !open);
      place();
    });
    text.after(button);
  }
}

// --- placing the margin --------------------------------------------------------------------------

// The words an item of the margin belongs to: a note's claim; an annotation card's highlight
// (annotations/highlights.js gives the first mark of each the id highlight-N).
function marginTarget(item) {
  return item.classList.contains("note")
    ? document.getElementById(`claim-${item.dataset.note}`)
    : document.getElementById(`highlight-${item.dataset.annotation}`);
}

function shown(element) {
  return element.getClientRects().length > 0;
}

let readerElement = null;
let messages = {};
const BUCKET_HEIGHT = 26; // px: a marker of collapsed cards, as .margin-bucket in reader.css

// The cards the reader asked for (a marker opened, a highlight followed) or last worked in: shown
// at their line rather than collapsed, until another is. Ids, as cards are drawn anew.
let opened = new Set();

// Whether a card is shown even where it does not fit beside its words: it was asked for, the
// reader works in it (the focus, the flag form) or unfolded its resolved thread.
function pinned(card) {
  return (
    opened.has(card.dataset.annotation) ||
    card.contains(document.activeElement) ||
    Boolean(card.querySelector(".annotation-flag-form")) ||
    (card.classList.contains("is-resolved") && !card.classList.contains("is-collapsed"))
  );
}

// Each note beside the line its claim starts on, pushed down only as far as the item above it
// requires (the sidenotes of Tufte CSS); each annotation card at the line of its words as long
// as it pushes no note out of view, or else collapsed into a marker at that line (Hypothesis'
// bucket bar): see margin.js. CSS sets them in the margin, absolutely placed in .reader, where
// the margin stands beside the text. Everything is measured first and written after, in one
// layout: where an item stands changes neither its height nor the text.
function place() {
  const reader = readerElement;
  if (!reader) return;
  const notes = reader.querySelectorAll(".row > .notes > .note");
  const cards = reader.querySelectorAll(".row > .annotations > .annotation-card");
  for (const card of cards) card.classList.remove("in-bucket");
  const beside = html.classList.contains("sidenotes") && !NARROW.matches;
  const origin = reader.getBoundingClientRect().top;
  // Between a note and a card wanting the same line, the note first (its order is lower).
  const wanted = (items, first = 0) => {
    const found = [];
    for (const [index, item] of [...items].entries()) {
      const order = first + index;
      const target = beside && shown(item) ? marginTarget(item) : null;
      const line = target && shown(target) ? target.getClientRects()[0] : null;
      if (line) found.push({ item, order, top: line.top - origin, height: item.offsetHeight });
    }
    return found;
  };
  // A note is in view when its claim stands in the middle of the window and it stands no more
  // than half the window less its own height below the claim: annotations push it no further.
  const half = window.innerHeight / 2;
  const wantedNotes = wanted(notes).map((note) => ({
    ...note,
    budget: Math.max(half - note.height - GAP, 0),
  }));
  const wantedCards = wanted(cards, notes.length).map((card) => ({
    ...card,
    pinned: pinned(card.item),
  }));
  const margin = layout({
    notes: wantedNotes,
    cards: wantedCards,
    gap: GAP,
    reach: half, // px: a card this far below its words is still in view beside them
    bucketHeight: BUCKET_HEIGHT,
  });
  resized.disconnect(); // the items drawn again (live updates) are new elements
  for (const { item, height } of [...wantedNotes, ...wantedCards]) {
    placedHeights.set(item, height);
    resized.observe(item);
  }
  for (const item of [...notes, ...cards]) item.style.top = "";
  for (const { item, at } of [...margin.notes, ...margin.cards]) item.style.top = `${at}px`;
  for (const bucket of margin.buckets) {
    for (const { item } of bucket.cards) {
      item.classList.add("in-bucket");
      placedHeights.set(item, 0);
    }
  }
  drawBuckets(reader, margin.buckets);
  foldNarrowMargins(reader);
  // The margin may reach lower than the text: the page makes room for it (min-height never
  // makes the reader shorter than its text).
  reader.style.minHeight = margin.bottom ? `${Math.ceil(margin.bottom)}px` : "";
}

// A marker for the cards collapsed at one line: their number, a button that opens them. A marker
// is kept while it holds the same cards, so that the focus stays on it.
function drawBuckets(reader, buckets) {
  const kept = new Map();
  for (const button of reader.querySelectorAll(".margin-bucket")) {
    kept.set(button.dataset.cards, button);
  }
  for (const bucket of buckets) {
    const ids = bucket.cards.map(({ item }) => item.dataset.annotation);
    const key = ids.join(" ");
    const button = kept.get(key) || makeBucket(ids);
    kept.delete(key);
    button.style.top = `${bucket.at}px`;
    const first = bucket.cards[0].item;
    if (button.nextElementSibling !== first) first.before(button);
  }
  for (const stale of kept.values()) stale.remove();
}

function makeBucket(ids) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "margin-bucket";
  button.dataset.cards = ids.join(" ");
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", ids.map((id) => `annotation-${id}`).join(" "));
  const count = document.createElement("span");
  count.textContent = String(ids.length);
  const said = document.createElement("span");
  said.className = "visually-hidden";
  const template = ids.length === 1 ? messages.bucketOne : messages.bucketMany;
  said.textContent = ` ${(template || "annotations here").replace("{count}", ids.length)}`;
  button.append(count, said);
  button.addEventListener("click", () => openCards(ids));
  return button;
}

// Open collapsed cards (a marker's, or the card of a highlight followed): they are shown, the
// others make room, and the focus goes to the first.
function openCards(ids) {
  opened = new Set(ids.map(String));
  place();
  document.getElementById(`annotation-${ids[0]}`)?.focus({ preventScroll: false });
}

// On a narrow screen, the cards of a paragraph open under it on demand, from a button that
// counts them, so that forty notes do not push the text away. Which paragraphs are open is kept
// by their anchor, as the cards are drawn anew.
const openRows = new Set();

function foldNarrowMargins(reader) {
  for (const aside of reader.querySelectorAll(".row > .annotations")) {
    const cards = [...aside.querySelectorAll(":scope > .annotation-card:not([hidden])")];
    let toggle = aside.querySelector(":scope > .margin-fold");
    if (!cards.length) {
      toggle?.remove();
      continue;
    }
    const row = aside.closest(".row").id;
    if (!toggle) {
      toggle = document.createElement("button");
      toggle.type = "button";
      toggle.className = "margin-fold";
      toggle.addEventListener("click", () => {
        if (openRows.has(row)) openRows.delete(row);
        else openRows.add(row);
        place();
      });
      aside.prepend(toggle);
    }
    const template = cards.length === 1 ? messages.foldOne : messages.foldMany;
    toggle.textContent = (template || "{count} annotations").replace("{count}", cards.length);
    toggle.setAttribute("aria-expanded", String(openRows.has(row)));
    aside.classList.toggle("is-open", openRows.has(row));
  }
}

// A card asked for (its highlight followed, a link to it): opened where it was collapsed, in
// the margin or under its paragraph. annotations/highlights.js says so before it focuses it.
function reveal(event) {
  const card = event.target.closest?.(".annotation-card");
  if (!card) return;
  if (NARROW.matches) {
    const row = card.closest(".row");
    if (row) openRows.add(row.id);
  } else if (card.classList.contains("in-bucket")) {
    opened = new Set([card.dataset.annotation]);
  }
  place();
}

let pending = 0;
function placeSoon() {
  cancelAnimationFrame(pending);
  pending = requestAnimationFrame(place);
}

// An item that grows or shrinks where it stands (a card's flag form or editor opened, a thread
// unfolded, a long note shown whole) is placed again with the items under it, so that no item
// ever covers another. Only a height that differs from the one placed counts: observing an item
// reports its size once, and placing must not start itself over.
const placedHeights = new WeakMap();
const resized = new ResizeObserver((entries) => {
  const changed = entries.some(
    ({ target }) => target.isConnected && target.offsetHeight !== placedHeights.get(target),
  );
  if (changed) placeSoon();
});

// --- preferences ---------------------------------------------------------------------------------

function applyPreferences() {
  html.classList.toggle("annotations-hidden", remembered(KEYS.annotations, "shown") === "hidden");
  html.classList.toggle("quiet-reading", remembered(KEYS.quiet, "off") === "on");
  const size = TEXT_SIZES.includes(remembered(KEYS.size, "1")) ? remembered(KEYS.size, "1") : "1";
  html.style.setProperty("--text-scale", size);
  return size;
}

// Highlights of hidden annotations are no Tab stops; annotations/cards.js sets them again on
// every drawing, and says so with reader:layout, after which this runs.
function quietHighlights() {
  if (!html.classList.contains("annotations-hidden")) return;
  for (const mark of document.querySelectorAll("mark.annotation-highlight[tabindex]")) {
    mark.tabIndex = -1;
  }
}

function restoreHighlights() {
  if (html.classList.contains("annotations-hidden")) return;
  for (const mark of document.querySelectorAll("mark.annotation-highlight[id]:not(.is-filtered)")) {
    mark.tabIndex = 0;
  }
}

function setUpControls(reader) {
  const controls = document.getElementById("reading-controls");
  if (!controls) return;
  controls.hidden = false;
  const annotations = document.getElementById("toggle-annotations");
  const quiet = document.getElementById("toggle-quiet");
  const smaller = document.getElementById("text-smaller");
  const larger = document.getElementById("text-larger");
  const sync = () => {
    const size = applyPreferences();
    const hidden = html.classList.contains("annotations-hidden");
    annotations.setAttribute("aria-pressed", String(!hidden));
    quiet.setAttribute("aria-pressed", String(html.classList.contains("quiet-reading")));
    smaller.disabled = size === TEXT_SIZES[0];
    larger.disabled = size === TEXT_SIZES[TEXT_SIZES.length - 1];
    markOpeners(reader);
    quietHighlights();
    restoreHighlights();
    placeSoon();
  };
  annotations.addEventListener("click", () => {
    const hidden = annotations.getAttribute("aria-pressed") === "true";
    remember(KEYS.annotations, hidden ? "hidden" : "shown");
    sync();
  });
  quiet.addEventListener("click", () => {
    remember(KEYS.quiet, quiet.getAttribute("aria-pressed") === "true" ? "off" : "on");
    sync();
  });
  for (const [button, step] of [
    [smaller, -1],
    [larger, 1],
  ]) {
    button.addEventListener("click", () => {
      const at = TEXT_SIZES.indexOf(applyPreferences());
      const next = TEXT_SIZES[Math.min(Math.max(at + step, 0), TEXT_SIZES.length - 1)];
      remember(KEYS.size, next);
      sync();
    });
  }
  document.getElementById("show-shortcuts").addEventListener("click", showShortcuts);
  // Another tab of this browser changed a preference: this one follows.
  window.addEventListener("storage", (event) => {
    if (Object.values(KEYS).includes(event.key)) sync();
  });
  sync();
}

// --- keyboard shortcuts --------------------------------------------------------------------------

function showShortcuts() {
  const dialog = document.getElementById("reader-shortcuts");
  if (dialog && !dialog.open) dialog.showModal();
}

function claims(reader) {
  return [...reader.querySelectorAll(".claim[id^='claim-']")];
}

// The claim the focus is on or in: a claim, its marker, its note; null elsewhere.
function currentClaim(reader) {
  const active = document.activeElement;
  const holder = active && reader.contains(active) ? active.closest("[data-note]") : null;
  return holder ? document.getElementById(`claim-${holder.dataset.note}`) : null;
}

// The claim after (step 1) or before (step -1) the focus, in the order of the text.
function neighbourClaim(reader, step) {
  const all = claims(reader);
  const current = currentClaim(reader);
  if (current) return all[all.indexOf(current) + step] || null;
  const active = document.activeElement;
  if (!active || !reader.contains(active)) {
    // From outside the text: the first claim in view, or the one before it.
    const first = all.findIndex((claim) => claim.getBoundingClientRect().top >= 0);
    const at = first < 0 ? all.length : first;
    return step > 0 ? all[at] || null : all[at - 1] || null;
  }
  const after = all.filter(
    (claim) => active.compareDocumentPosition(claim) & Node.DOCUMENT_POSITION_FOLLOWING,
  );
  return step > 0 ? after[0] || null : all[all.length - after.length - 1] || null;
}

function focusClaim(claim) {
  if (!claim) return;
  claim.focus({ preventScroll: true });
  claim.scrollIntoView({ block: "center" });
}

function openNote(reader) {
  const claim = currentClaim(reader) || neighbourClaim(reader, 1);
  const note = claim && noteOf(claim.dataset.note);
  if (!note) return;
  if (onDemand()) setOpen(note, true);
  place();
  note.focus({ preventScroll: true });
  note.scrollIntoView({ block: "nearest" });
}

function typing(target) {
  return target.closest?.(
    "input, textarea, select, [contenteditable]:not([contenteditable=false])",
  );
}

function onShortcut(event, reader) {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
  if (typing(event.target) || document.querySelector("dialog[open]")) return;
  const key = event.key;
  if (key === "?") {
    showShortcuts();
  } else if (event.shiftKey) {
    return;
  } else if (key === "j" || key === "k") {
    focusClaim(neighbourClaim(reader, key === "j" ? 1 : -1));
  } else if (key === "n") {
    openNote(reader);
  } else if (key === "a") {
    // The Annotate control of analysts (annotations/selection.js), on the current selection.
    const button = document.getElementById("annotate-button");
    if (!button || getSelection().isCollapsed) return;
    button.click();
  } else {
    return;
  }
  event.preventDefault();
}

// --- starting ------------------------------------------------------------------------------------

function openTargetedNote() {
  const target = location.hash.startsWith("#note-")
    ? document.getElementById(location.hash.slice(1))
    : null;
  if (target?.classList.contains("note") && onDemand()) {
    setOpen(target, true);
    placeSoon();
  }
}

function start() {
  const reader = document.querySelector(".reader");
  if (!reader) return;
  readerElement = reader;
  messages = document.getElementById("reader-messages")?.dataset || {
    showAll: "Show all",
    showLess: "Show less",
  };
  linkClaimsAndNotes(reader);
  manageNoteStops(reader);
  shortenLongPassages(reader, messages);
  reader.addEventListener("click", onOpenerClick);
  document.addEventListener("keydown", (event) => onShortcut(event, reader));
  setUpControls(reader);
  html.classList.add("sidenotes");
  markOpeners(reader);
  openTargetedNote();
  window.addEventListener("hashchange", openTargetedNote);
  NARROW.addEventListener("change", () => {
    markOpeners(reader);
    place();
  });
  // annotations/cards.js announces each change to the highlights and cards it shows.
  document.addEventListener("reader:layout", () => {
    quietHighlights();
    place();
  });
  document.addEventListener("reader:reveal", reveal);
  // The card the reader last worked in stays open after the focus has left it (a reply saved,
  // the editor closed): it does not vanish into a marker as it grows.
  document.addEventListener("focusin", (event) => {
    const card = event.target.closest?.(".row > .annotations > .annotation-card");
    if (card && !opened.has(card.dataset.annotation)) opened = new Set([card.dataset.annotation]);
  });
  window.addEventListener("resize", placeSoon);
  let width = reader.clientWidth;
  new ResizeObserver(() => {
    if (reader.clientWidth === width) return;
    width = reader.clientWidth;
    placeSoon();
  }).observe(reader);
  document.fonts?.ready.then(place);
  document.fonts?.addEventListener("loadingdone", placeSoon);
  place();
  html.classList.add("reader-enhanced");
}

start();
