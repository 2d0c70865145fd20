// Cards in the margin: one per note, with its replies, beside the section its words are in (or
// with the orphans, when its words are not found); drawing them all again with the highlights;
// and the filter by tag, author and judgement that hides cards and dims highlights.

import { loadAnnotations } from "./api.js";
import { blockAt, blockOf } from "./blocks.js";
import { clearHighlights, marksOf, paint } from "./highlights.js";
import {
  MSG,
  config,
  exactOf,
  format,
  position,
  reader,
  repliesTo,
  roots,
  state,
} from "./state.js";

const EXCERPT = 80; // code points of the quoted words shown on a card

export function excerpt(text) {
  const chars = Array.from(text.replace(/\s+/g, " "));
  return chars.length > EXCERPT ? `${chars.slice(0, EXCERPT).join("")}…` : chars.join("");
}

function fillMeta(element, annotation) {
  const author = element.querySelector(".annotation-author");
  author.textContent = annotation.author;
  author.id = `annotation-${annotation.id}-author`;
  const date = element.querySelector(".annotation-date");
  date.dateTime = annotation.created;
  // In the site's time zone, as the desk, the inbox and the moderation page give it.
  date.textContent = new Date(annotation.created).toLocaleString(document.documentElement.lang, {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: config.timeZone,
  });
  const seenBy = config.visibilities[annotation.visibility] || annotation.visibility;
  const team = (config.teams || []).find((t) => t.slug === annotation.team);
  element.querySelector(".annotation-visibility").textContent = annotation.team
    ? `${seenBy} (${team ? team.name : annotation.team})`
    : seenBy;
  if (annotation.edited && !annotation.deleted) {
    // Its author changed its words after writing it.
    const edited = document.createElement("span");
    edited.className = "annotation-edited";
    edited.textContent = ` · ${MSG.edited}`;
    element.querySelector(".annotation-meta").append(edited);
  }
  // body_html is sanitised by the server (reader.rendering.render_markdown) when it is saved.
  element.querySelector(".annotation-body").innerHTML = annotation.body_html;
  element.dataset.annotation = annotation.id;
  element.id = `annotation-${annotation.id}`;
  element.setAttribute("aria-labelledby", author.id);
  for (const button of element.querySelectorAll(":scope > .annotation-actions [data-action]")) {
    if (!allows(button.dataset.action, annotation)) button.remove();
    else button.setAttribute("aria-describedby", author.id);
  }
  const actions = element.querySelector(":scope > .annotation-actions");
  if (actions && annotation.flagged) {
    const flagged = document.createElement("span");
    flagged.className = "annotation-flagged";
    flagged.textContent = MSG.flagged;
    actions.append(flagged);
  }
  if (actions && !actions.children.length) actions.remove();
  if (annotation.hidden) {
    // Only its author and the moderators see a hidden note (the API sees to that): it says so.
    const hidden = document.createElement("p");
    hidden.className = "annotation-hidden";
    hidden.textContent = MSG.hiddenByModerator;
    element.querySelector(".annotation-meta").after(hidden);
  }
}

// Whether the card offers this action to the user, as the API says they may.
function allows(action, annotation) {
  if (action === "reply") return config.analyst;
  if (action === "resolve") return Boolean(annotation.can_resolve) && !annotation.resolved;
  if (action === "reopen") return Boolean(annotation.can_resolve) && Boolean(annotation.resolved);
  if (action === "flag") return Boolean(annotation.can_flag);
  return Boolean(annotation.can_edit);
}

// The resolved threads the reader opened again on the page (they stay open when redrawn).
const expanded = new Set();

// A resolved thread folds to one line, "Resolved by bob", a button that unfolds it.
function foldResolved(element, annotation) {
  element.classList.add("is-resolved");
  const line = document.createElement("p");
  line.className = "annotation-resolution";
  const toggle = document.createElement("button");
  toggle.type = "button";
  toggle.className = "resolution-toggle";
  toggle.textContent = format(MSG.resolvedBy, { user: annotation.resolved_by || "" });
  toggle.setAttribute("aria-describedby", `annotation-${annotation.id}-author`);
  line.append(toggle);
  element.prepend(line);
  const show = (open) => {
    element.classList.toggle("is-collapsed", !open);
    toggle.setAttribute("aria-expanded", String(open));
  };
  show(expanded.has(annotation.id));
  toggle.addEventListener("click", () => {
    const open = !expanded.has(annotation.id);
    if (open) expanded.add(annotation.id);
    else expanded.delete(annotation.id);
    show(open);
    relayout();
  });
}

// A note its author deleted, kept for the replies to it (a tombstone): it says so in place of
// its words, and shows no quote (the API gives none).
function markDeleted(element) {
  element.classList.add("is-deleted");
  element.querySelector(":scope > .annotation-target")?.remove();
  const said = document.createElement("p");
  said.className = "annotation-deleted";
  said.textContent = MSG.deletedByAuthor;
  element.querySelector(".annotation-body").replaceChildren(said);
}

function makeCard(annotation, painted) {
  const card = document.getElementById("annotation-card-template").content.firstElementChild;
  const element = card.cloneNode(true);
  fillMeta(element, annotation);
  const link = element.querySelector(".annotation-target a");
  const quote = link.querySelector("q");
  quote.textContent = excerpt(exactOf(annotation));
  if (painted) link.href = `#highlight-${annotation.id}`;
  else link.replaceWith(quote);
  if (annotation.deleted) markDeleted(element);
  if (annotation.judgement) {
    const judgement = element.querySelector(".annotation-judgement");
    judgement.hidden = false;
    judgement.querySelector(".judgement-label").textContent =
      config.judgements[annotation.judgement] || annotation.judgement;
    if (annotation.judgement_reason) {
      const reason = judgement.querySelector(".judgement-reason");
      reason.textContent = ` — ${annotation.judgement_reason}`;
    }
  }
  const tags = element.querySelector(".annotation-tags");
  for (const tag of annotation.tags) {
    const item = document.createElement("li");
    item.textContent = tag;
    tags.append(item);
  }
  tags.hidden = !annotation.tags.length;
  const replies = element.querySelector(".annotation-replies");
  for (const reply of repliesTo(annotation)) {
    const template = document.getElementById("annotation-reply-template").content;
    const item = template.firstElementChild.cloneNode(true);
    fillMeta(item, reply);
    if (reply.deleted) markDeleted(item);
    replies.append(item);
  }
  replies.hidden = !replies.children.length;
  if (annotation.resolved) foldResolved(element, annotation);
  return element;
}

function marginOf(section, label) {
  let aside = section.querySelector(":scope > .annotations");
  if (!aside) {
    aside = document.createElement("aside");
    aside.className = "annotations";
    aside.setAttribute("aria-label", format(MSG.annotationsOn, { section: label }));
    section.append(aside);
  }
  return aside;
}

// Draw every note again, highlights and cards, from state.annotations; the focus, on a card, a
// button or link of a card, or a highlight that is drawn anew, goes to its new self.
export function render() {
  const active = document.activeElement;
  const focused = active?.closest?.("[data-annotation]");
  const within = focused && active !== focused ? focusKey(active) : null;
  clearHighlights();
  for (const aside of reader.querySelectorAll(".row > .annotations")) aside.remove();
  const orphans = document.getElementById("annotation-orphans");
  const orphanCards = orphans.querySelector(".orphan-cards");
  orphanCards.replaceChildren();
  for (const annotation of roots()) {
    const painted = paint(annotation);
    const card = makeCard(annotation, painted);
    // A tombstone has no words to highlight: its thread stays beside the place they were.
    const place = painted
      ? document.getElementById(`highlight-${annotation.id}`)
      : annotation.deleted && blockAt(position(annotation).start);
    const block = place ? blockOf(place) : null;
    if (block) marginOf(block.root.closest(".row"), block.label).append(card);
    else orphanCards.append(card);
  }
  orphans.hidden = !orphanCards.children.length;
  fillFilterOptions();
  applyFilter();
  if (focused && !focused.isConnected) refocus(focused, within);
}

// How to find a focused control of a card again in the card drawn anew.
function focusKey(element) {
  if (element.dataset.action) return `[data-action="${element.dataset.action}"]`;
  for (const selector of [".annotation-target a", ".resolution-toggle"]) {
    if (element.matches(selector)) return selector;
  }
  return null;
}

function refocus(stale, within) {
  const again = document.getElementById(stale.id);
  if (!again) return;
  const control = within
    ? [...again.querySelectorAll(within)].find((c) => c.closest("[data-annotation]") === again)
    : null;
  (control || again).focus({ preventScroll: true });
}

// reader.js lines the margins up with the text again: highlights or cards have changed.
function relayout() {
  document.dispatchEvent(new CustomEvent("reader:layout"));
}

export async function refresh() {
  await loadAnnotations();
  render();
}

// --- filters -------------------------------------------------------------------------------------

export let filter = null; // the filter's form, found by setUpFilter()

// Call `handle(action, annotation, button)` when a card's action button (data-action) is clicked.
export function onCardAction(handle) {
  document.addEventListener("click", (event) => {
    const button = event.target.closest?.(".annotation-actions [data-action]");
    if (!button) return;
    const id = Number(button.closest("[data-annotation]").dataset.annotation);
    const annotation = state.annotations.get(id);
    if (annotation) handle(button.dataset.action, annotation, button);
  });
}

export function setUpFilter() {
  filter = document.getElementById("annotation-filter");
  filter.addEventListener("change", applyFilter);
  filter.addEventListener("submit", (event) => event.preventDefault());
}

function fillSelect(select, values) {
  const current = select.value;
  for (const option of [...select.options].slice(1)) option.remove();
  for (const value of values) select.add(new Option(value, value));
  select.value = values.includes(current) ? current : "";
}

function fillFilterOptions() {
  const all = roots();
  fillSelect(filter.elements.tag, [...new Set(all.flatMap((a) => a.tags))].sort());
  fillSelect(filter.elements.author, [...new Set(all.map((a) => a.author))].sort());
}

function matches(annotation) {
  const { tag, author, judgement } = filter.elements;
  return (
    (!tag.value || annotation.tags.includes(tag.value)) &&
    (!author.value || annotation.author === author.value) &&
    (!judgement.value || annotation.judgement === judgement.value)
  );
}

function applyFilter() {
  const all = roots();
  let shown = 0;
  for (const annotation of all) {
    const visible = matches(annotation);
    shown += visible ? 1 : 0;
    const card = document.getElementById(`annotation-${annotation.id}`);
    if (card) card.hidden = !visible;
    for (const mark of marksOf(annotation.id)) {
      mark.classList.toggle("is-filtered", !visible);
      if (mark.id) mark.tabIndex = visible ? 0 : -1;
    }
  }
  for (const aside of reader.querySelectorAll(".row > .annotations")) {
    // The margin's markers and buttons (static/reader/reader.js) are not cards.
    aside.hidden = ![...aside.querySelectorAll(":scope > .annotation-card")].some((c) => !c.hidden);
  }
  document.getElementById("filter-status").textContent = format(MSG.showing, {
    shown,
    total: all.length,
  });
  relayout();
}

// --- a link to a note or a reply (the inbox's, #annotation-N) ------------------------------------

// The note or reply the address names, once the cards are drawn: its thread unfolded, its card
// opened where the margin had collapsed it, scrolled to and focused. The browser's own scroll to
// the fragment came before the cards existed.
export function goToTarget() {
  const match = /^#annotation-(\d+)$/.exec(window.location.hash);
  const target = match && document.getElementById(`annotation-${match[1]}`);
  if (!target) return;
  const card = target.closest(".annotation-card");
  if (card?.classList.contains("is-collapsed")) {
    card.querySelector(":scope > .annotation-resolution .resolution-toggle")?.click();
  }
  target.dispatchEvent(new CustomEvent("reader:reveal", { bubbles: true }));
  target.focus({ preventScroll: true });
  target.scrollIntoView({ block: "center" });
}
