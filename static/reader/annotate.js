// Annotations in the reader: for everyone, the notes they may see as highlights in the text and
// cards in the margin (anonymous readers: the public ones, read-only, on the page they all share,
// which has no editor, no card actions and no CSRF token); for analysts, writing a note on a
// selection made with the mouse or the keyboard, replying, editing and deleting their own. Loaded
// by templates/reader/document.html with its #annotator-config block.
//
// Positions are Unicode code points over the document's text, the API's unit; JavaScript strings
// count UTF-16 code units, so offsets are converted wherever the two meet.

const config = JSON.parse(document.getElementById("annotator-config").textContent);
const MSG = document.getElementById("annotator-messages").dataset;
const reader = document.querySelector(".reader");
const SKIPPED = ".marker, [data-annotator-skip]"; // not part of the text: note markers
const EXCERPT = 80; // code points of the quoted words shown on a card
const ORDER = { private: 0, analysts: 1, public: 2 };

const state = {
  text: "", // the document's text, as the API gives it
  blocks: [], // {anchor, offset, length, text, root, label}
  claims: [],
  annotations: new Map(),
};

// --- text and offsets ----------------------------------------------------------------------------

function codePoints(text) {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

function unitsAt(text, points) {
  let units = 0;
  for (let seen = 0; seen < points && units < text.length; seen += 1) {
    units += text.codePointAt(units) > 0xffff ? 2 : 1;
  }
  return units;
}

function sliceByPoints(text, start, end) {
  const from = unitsAt(text, start);
  return text.slice(from, from + unitsAt(text.slice(from), end - start));
}

function format(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? values[key] : whole));
}

// The text nodes that make up a block's text, in order: note markers and the template's
// indentation are not part of it.
function textNodes(root) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      const parent = node.parentElement;
      if (parent.closest(SKIPPED)) return NodeFilter.FILTER_REJECT;
      if (!node.data.trim() && (parent === root || parent.matches("blockquote"))) {
        return NodeFilter.FILTER_REJECT;
      }
      return NodeFilter.FILTER_ACCEPT;
    },
  });
  const nodes = [];
  while (walker.nextNode()) nodes.push(walker.currentNode);
  return nodes;
}

function mapBlock(block) {
  const section = document.getElementById(block.anchor);
  const root = section?.querySelector(":scope > .text");
  if (!root) return null;
  if (textNodes(root).map((node) => node.data).join("") !== block.text) {
    console.warn(`annotate.js: the text of #${block.anchor} is not the API's; no notes on it.`);
    return null;
  }
  const label = section.getAttribute("aria-label") || block.anchor;
  return { ...block, length: codePoints(block.text), root, label };
}

function blockOf(node) {
  const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
  return state.blocks.find((block) => block.root.contains(element)) || null;
}

// Where a DOM boundary point falls in its block's text, in UTF-16 units; null outside the text.
function boundary(container, offset) {
  const block = blockOf(container);
  if (!block) return null;
  const before = document.createRange();
  before.setStart(block.root, 0);
  before.setEnd(container, offset);
  let units = 0;
  for (const node of textNodes(block.root)) {
    if (node === container) return { block, units: units + offset };
    if (!before.intersectsNode(node)) break;
    units += node.data.length;
  }
  return { block, units };
}

function globalPoint({ block, units }) {
  return block.offset + codePoints(block.text.slice(0, units));
}

// The selection as a target for the API, trimmed of surrounding white space; null when it is not
// (all) in the document's text.
function selectionTarget() {
  const selection = getSelection();
  if (!selection.rangeCount || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  // An end outside the text (a triple click takes the whole paragraph and more; a drag may start
  // in the title) is brought back to the nearest edge of the text the selection covers.
  const covered = state.blocks.filter((block) => range.intersectsNode(block.root));
  if (!covered.length) return null;
  const from = boundary(range.startContainer, range.startOffset) || { block: covered[0], units: 0 };
  const last = covered[covered.length - 1];
  const to = boundary(range.endContainer, range.endOffset) || {
    block: last,
    units: last.text.length,
  };
  let start = globalPoint(from);
  let end = globalPoint(to);
  const chars = Array.from(sliceByPoints(state.text, start, end));
  while (chars.length && !chars[0].trim()) {
    chars.shift();
    start += 1;
  }
  while (chars.length && !chars[chars.length - 1].trim()) {
    chars.pop();
    end -= 1;
  }
  if (!chars.length) return null;
  return { start, end, exact: chars.join(""), claim: claimAround(start, end) };
}

// The note number of the claim whose words hold [start, end), as the API decides it.
function claimAround(start, end) {
  const block = state.blocks.find((b) => b.offset <= start && end <= b.offset + b.length);
  if (!block) return null;
  const claim = state.claims.find(
    (c) =>
      c.block === block.anchor && c.start <= start - block.offset && end - block.offset <= c.end,
  );
  return claim ? claim.note : null;
}

// --- the API -------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(detail, field, status) {
    super(detail);
    this.field = field;
    this.status = status;
  }
}

async function api(url, { method = "GET", data } = {}) {
  const headers = { Accept: "application/json" };
  if (data !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRFToken"] = config.csrfToken;
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      credentials: "same-origin",
      body: data === undefined ? undefined : JSON.stringify(data),
    });
  } catch {
    throw new ApiError(MSG.offline, null, 0);
  }
  if (response.status === 204) return null;
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(body?.detail || response.statusText, body?.field || null, response.status);
  }
  return body;
}

function annotationUrl(id) {
  return `${config.urls.annotations}${id}/`;
}

async function loadText() {
  const doc = await api(config.urls.document);
  state.text = doc.text;
  state.claims = doc.claims;
  state.blocks = doc.blocks.map(mapBlock).filter(Boolean);
}

async function loadAnnotations() {
  const found = new Map();
  let url = `${config.urls.annotations}?document=${encodeURIComponent(config.document)}`;
  while (url) {
    const page = await api(url);
    for (const annotation of page.results) found.set(annotation.id, annotation);
    url = page.next;
  }
  state.annotations = found;
}

// --- reading the annotations ---------------------------------------------------------------------

function position(annotation) {
  const selector = annotation.target.selector.find((s) => s.type === "TextPositionSelector");
  return { start: selector.start, end: selector.end };
}

function exactOf(annotation) {
  return annotation.target.selector.find((s) => s.type === "TextQuoteSelector").exact;
}

function roots() {
  const all = [...state.annotations.values()].filter((a) => a.parent === null);
  return all.sort((a, b) => position(a).start - position(b).start || a.id - b.id);
}

function rootOf(annotation) {
  let current = annotation;
  const seen = new Set();
  while (current && current.parent !== null && !seen.has(current.id)) {
    seen.add(current.id);
    current = state.annotations.get(current.parent);
  }
  return current || null;
}

function repliesTo(root) {
  const replies = [...state.annotations.values()].filter(
    (a) => a.parent !== null && rootOf(a) === root,
  );
  return replies.sort((a, b) => a.id - b.id);
}

// --- highlights ----------------------------------------------------------------------------------

function clearHighlights() {
  for (const mark of reader.querySelectorAll("mark.annotation-highlight")) {
    const parent = mark.parentNode;
    mark.replaceWith(...mark.childNodes);
    parent.normalize();
  }
}

// Wrap [from, to) (UTF-16 units of a block's text) in marks: one per text node, so that a
// highlight crossing a claim's link is cut at its edges.
function wrap(root, from, to, id) {
  const marks = [];
  let end = 0;
  for (const node of textNodes(root)) {
    const start = end;
    end += node.data.length;
    if (end <= from || start >= to) continue;
    const a = Math.max(from - start, 0);
    const b = Math.min(to - start, node.data.length);
    if (b < node.data.length) node.splitText(b);
    const piece = a > 0 ? node.splitText(a) : node;
    const mark = document.createElement("mark");
    mark.className = "annotation-highlight";
    mark.dataset.annotation = id;
    piece.replaceWith(mark);
    mark.append(piece);
    marks.push(mark);
  }
  return marks;
}

// Highlight an anchored note; false when its words are not where the API says (then it is shown
// with the orphans rather than on the wrong words).
function paint(annotation) {
  if (annotation.state !== "anchored" || !annotation.target) return false;
  const { start, end } = position(annotation);
  if (sliceByPoints(state.text, start, end) !== exactOf(annotation)) return false;
  const marks = [];
  for (const block of state.blocks) {
    const from = Math.max(start, block.offset);
    const to = Math.min(end, block.offset + block.length);
    if (from >= to) continue;
    const units = [from, to].map((p) => unitsAt(block.text, p - block.offset));
    marks.push(...wrap(block.root, units[0], units[1], annotation.id));
  }
  if (!marks.length) return false;
  marks[0].id = `highlight-${annotation.id}`;
  marks[0].tabIndex = 0;
  for (const mark of marks) mark.title = format(MSG.noteBy, { author: annotation.author });
  return true;
}

// --- cards ---------------------------------------------------------------------------------------

function excerpt(text) {
  const chars = Array.from(text.replace(/\s+/g, " "));
  return chars.length > EXCERPT ? `${chars.slice(0, EXCERPT).join("")}…` : chars.join("");
}

function fillMeta(element, annotation) {
  const author = element.querySelector(".annotation-author");
  author.textContent = annotation.author;
  author.id = `annotation-${annotation.id}-author`;
  const date = element.querySelector(".annotation-date");
  date.dateTime = annotation.created;
  date.textContent = new Date(annotation.created).toLocaleString(document.documentElement.lang, {
    dateStyle: "medium",
    timeStyle: "short",
  });
  element.querySelector(".annotation-visibility").textContent =
    config.visibilities[annotation.visibility] || annotation.visibility;
  // body_html is sanitised by the server (reader.rendering.render_markdown) when it is saved.
  element.querySelector(".annotation-body").innerHTML = annotation.body_html;
  element.dataset.annotation = annotation.id;
  element.id = `annotation-${annotation.id}`;
  element.setAttribute("aria-labelledby", author.id);
  for (const button of element.querySelectorAll(":scope > .annotation-actions [data-action]")) {
    const allowed =
      button.dataset.action === "reply" ? config.analyst : Boolean(annotation.can_edit);
    if (!allowed) button.remove();
    else button.setAttribute("aria-describedby", author.id);
  }
  const actions = element.querySelector(":scope > .annotation-actions");
  if (actions && !actions.children.length) actions.remove();
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
    replies.append(item);
  }
  replies.hidden = !replies.children.length;
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

function render() {
  const focused = document.activeElement?.closest?.("[data-annotation]");
  clearHighlights();
  for (const aside of reader.querySelectorAll(".row > .annotations")) aside.remove();
  const orphans = document.getElementById("annotation-orphans");
  const orphanCards = orphans.querySelector(".orphan-cards");
  orphanCards.replaceChildren();
  for (const annotation of roots()) {
    const painted = paint(annotation);
    const card = makeCard(annotation, painted);
    if (painted) {
      const first = document.getElementById(`highlight-${annotation.id}`);
      const block = blockOf(first);
      marginOf(block.root.closest(".row"), block.label).append(card);
    } else {
      orphanCards.append(card);
    }
  }
  orphans.hidden = !orphanCards.children.length;
  fillFilterOptions();
  applyFilter();
  if (focused && !focused.isConnected) refocus(focused);
}

function refocus(stale) {
  const again = document.getElementById(stale.id);
  if (again) again.focus({ preventScroll: true });
}

function relayout() {
  document.dispatchEvent(new CustomEvent("reader:layout"));
}

async function refresh() {
  await loadAnnotations();
  render();
}

// --- filters -------------------------------------------------------------------------------------

const filter = document.getElementById("annotation-filter");

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
    aside.hidden = ![...aside.children].some((card) => !card.hidden);
  }
  document.getElementById("filter-status").textContent = format(MSG.showing, {
    shown,
    total: all.length,
  });
  relayout();
}

filter.addEventListener("change", applyFilter);
filter.addEventListener("submit", (event) => event.preventDefault());

// --- cards and highlights, linked ----------------------------------------------------------------

function marksOf(id) {
  return reader.querySelectorAll(`mark.annotation-highlight[data-annotation="${id}"]`);
}

function setActive(id, active) {
  for (const mark of marksOf(id)) mark.classList.toggle("is-active", active);
  document.getElementById(`annotation-${id}`)?.classList.toggle("is-active", active);
}

function focusCard(id) {
  const card = document.getElementById(`annotation-${id}`);
  if (!card || card.hidden) return;
  card.focus({ preventScroll: true });
  card.scrollIntoView({ block: "nearest", behavior: "smooth" });
}

function focusHighlight(id) {
  const mark = document.getElementById(`highlight-${id}`);
  if (!mark) return;
  mark.focus({ preventScroll: true });
  mark.scrollIntoView({ block: "center", behavior: "smooth" });
}

function linkedId(target) {
  const element = target.closest?.("mark.annotation-highlight, .annotation-card");
  return element ? Number(element.dataset.annotation) : null;
}

for (const [type, active] of [
  ["mouseover", true],
  ["mouseout", false],
  ["focusin", true],
  ["focusout", false],
]) {
  document.addEventListener(type, (event) => {
    const id = linkedId(event.target);
    if (id !== null) setActive(id, active);
  });
}

document.addEventListener("click", (event) => {
  const target = event.target.closest?.(".annotation-target a");
  if (target) {
    event.preventDefault();
    focusHighlight(target.closest(".annotation-card").dataset.annotation);
    return;
  }
  const mark = event.target.closest?.("mark.annotation-highlight:not(.is-filtered)");
  if (mark && getSelection().isCollapsed) {
    event.preventDefault(); // in a claim, the highlight leads to its card, not to the claim's note
    focusCard(mark.dataset.annotation);
  }
});

reader.addEventListener("keydown", (event) => {
  const mark = event.target.closest?.("mark.annotation-highlight");
  if (mark && (event.key === "Enter" || event.key === " ") && !event.shiftKey) {
    event.preventDefault();
    focusCard(mark.dataset.annotation);
  }
});

// --- selecting, for analysts ---------------------------------------------------------------------

const control = document.getElementById("annotate-control");
const annotateButton = document.getElementById("annotate-button");
let pending = null; // {target, origin}: the selection the Annotate control would annotate

function showControl(target) {
  const origin = reader.contains(document.activeElement) ? document.activeElement : null;
  if (document.activeElement !== annotateButton) pending = { target, origin };
  const rects = getSelection().getRangeAt(0).getClientRects();
  const last = rects[rects.length - 1];
  if (!last) return;
  control.hidden = false;
  control.style.top = `${last.bottom + window.scrollY + 6}px`;
  control.style.left = `${Math.min(last.right, window.innerWidth - 140) + window.scrollX}px`;
}

function hideControl() {
  control.hidden = true;
}

let selectionTimer = 0;
function onSelectionChange() {
  clearTimeout(selectionTimer);
  selectionTimer = setTimeout(() => {
    if (editor.dialog.open) return;
    const target = selectionTarget();
    if (target) showControl(target);
    else if (document.activeElement !== annotateButton) hideControl();
  }, 120);
}

const KEYS = {
  ArrowRight: ["forward", "character"],
  ArrowLeft: ["backward", "character"],
  ArrowDown: ["forward", "line"],
  ArrowUp: ["backward", "line"],
  End: ["forward", "lineboundary"],
  Home: ["backward", "lineboundary"],
};

// Shift and the arrow keys select text from where the focus is (a paragraph, a claim, a
// highlight), as a caret would; with Ctrl (or Alt), word by word.
function extendSelection(event, block) {
  const selection = getSelection();
  const [direction, unit] = KEYS[event.key];
  const granularity = unit === "character" && (event.ctrlKey || event.altKey) ? "word" : unit;
  const focus = selection.focusNode;
  if (selection.isCollapsed || !focus || !block.root.contains(focus)) {
    const first = textNodes(event.target)[0] || textNodes(block.root)[0];
    if (!first) return;
    selection.collapse(first, 0);
  }
  selection.modify("extend", direction, granularity);
}

function caretAt(x, y) {
  if (document.caretPositionFromPoint) {
    const caret = document.caretPositionFromPoint(x, y);
    return caret && [caret.offsetNode, caret.offset];
  }
  const range = document.caretRangeFromPoint(x, y);
  return range && [range.startContainer, range.startOffset];
}

// Claims are links, and Chromium never starts a selection on a link: a drag that starts on a
// claim selects by hand, from the caret under the pointer when pressed to the one under it now.
// Let go on the claim, it does not follow the link.
function selectByDraggingOverClaims() {
  let drag = null;
  for (const claim of reader.querySelectorAll("a.claim")) claim.draggable = false;
  reader.addEventListener("mousedown", (event) => {
    const onClaim = event.target.closest("a.claim");
    const plain = !event.shiftKey && !event.ctrlKey && !event.metaKey && !event.altKey;
    drag = onClaim && event.button === 0 && plain ? { x: event.clientX, y: event.clientY } : null;
    if (drag) drag.anchor = caretAt(event.clientX, event.clientY);
  });
  document.addEventListener("mousemove", (event) => {
    if (!drag?.anchor) return;
    if (!(event.buttons & 1)) {
      drag = null;
      return;
    }
    if (!drag.moved && Math.hypot(event.clientX - drag.x, event.clientY - drag.y) < 4) return;
    drag.moved = true;
    const focus = caretAt(event.clientX, event.clientY);
    if (focus) getSelection().setBaseAndExtent(...drag.anchor, ...focus);
    event.preventDefault();
  });
  document.addEventListener("mouseup", () => {
    drag = null;
  });
  // Chromium would start dragging the words selected so far: keep selecting instead.
  reader.addEventListener("dragstart", (event) => {
    if (drag) event.preventDefault();
  });
  reader.addEventListener("click", (event) => {
    if (event.target.closest("a.claim") && !getSelection().isCollapsed) event.preventDefault();
  });
}

function announce(message) {
  const status = document.getElementById("annotator-status");
  status.textContent = "";
  setTimeout(() => {
    status.textContent = message;
  }, 50);
}

function startAnnotating() {
  reader.addEventListener("keydown", (event) => {
    const block = blockOf(event.target);
    if (!block || event.defaultPrevented) return;
    if (event.shiftKey && KEYS[event.key] && !event.metaKey) {
      event.preventDefault();
      extendSelection(event, block);
      clearTimeout(selectionTimer);
      const target = selectionTarget();
      if (target) {
        showControl(target);
        announce(`${MSG.selectionReady} “${excerpt(target.exact)}”`);
      }
    } else if (event.key === "Tab" && !event.shiftKey && !control.hidden && pending) {
      event.preventDefault();
      annotateButton.focus();
    } else if (event.key === "Escape" && !getSelection().isCollapsed) {
      getSelection().removeAllRanges();
      hideControl();
    }
  });
  selectByDraggingOverClaims();
  for (const block of state.blocks) {
    block.root.tabIndex = 0;
    block.root.setAttribute("aria-describedby", "annotator-help");
  }
  document.addEventListener("selectionchange", onSelectionChange);
  control.addEventListener("mousedown", (event) => event.preventDefault());
  annotateButton.addEventListener("click", () => {
    const target = selectionTarget() || pending?.target;
    if (!target) return;
    const origin = pending?.origin;
    openEditor({ mode: "new", target, returnTo: () => origin || blockAt(target.start) });
  });
  annotateButton.addEventListener("keydown", (event) => {
    if (event.key === "Escape" || (event.key === "Tab" && event.shiftKey)) {
      event.preventDefault();
      const back = pending?.origin || blockAt(pending?.target.start ?? 0);
      if (event.key === "Escape") {
        getSelection().removeAllRanges();
        hideControl();
      }
      back?.focus();
    }
  });
}

function blockAt(point) {
  const block = state.blocks.find((b) => b.offset <= point && point <= b.offset + b.length);
  return block ? block.root : null;
}

// --- the editor ----------------------------------------------------------------------------------

const editor = {
  dialog: document.getElementById("annotation-editor"),
  form: document.getElementById("annotation-form"),
  session: null, // {mode, target, annotation, parent, returnTo}
  focusAfter: null,
};

const FIELDS = {
  body: "editor-body",
  tags: "editor-tags",
  judgement: "editor-judgement-value",
  judgement_reason: "editor-reason",
};

function setError(message, field) {
  document.getElementById("editor-error").textContent = message || "";
  for (const element of editor.form.querySelectorAll("[aria-invalid]")) {
    element.removeAttribute("aria-invalid");
  }
  const invalid =
    field === "visibility"
      ? editor.form.querySelector("input[name=visibility]:checked")
      : document.getElementById(FIELDS[field]);
  if (invalid) {
    invalid.setAttribute("aria-invalid", "true");
    invalid.focus();
  }
}

function openEditor(session) {
  const { mode, target, annotation, parent } = session;
  const form = editor.form;
  editor.session = session;
  editor.focusAfter = null;
  form.reset();
  setError("");
  const preview = document.getElementById("editor-preview");
  preview.hidden = true;
  document.getElementById("editor-preview-body").replaceChildren();
  const titles = { new: MSG.titleNew, edit: MSG.titleEdit, reply: MSG.titleReply };
  const isReply = mode === "reply" || (mode === "edit" && annotation.parent !== null);
  let title = titles[mode];
  if (mode === "reply") title = format(title, { author: parent.author });
  if (mode === "edit" && isReply) title = MSG.titleEditReply;
  document.getElementById("annotation-editor-title").textContent = title;

  const root = mode === "new" ? null : rootOf(parent || annotation);
  const words = mode === "new" ? target.exact : root && root.target ? exactOf(root) : "";
  document.getElementById("editor-quote").hidden = !words;
  document.getElementById("editor-quote-text").textContent = words;
  document.getElementById("editor-tags-field").hidden = isReply;

  const claim = mode === "new" ? target.claim : isReply ? null : annotation?.claim;
  const judging = claim !== null && claim !== undefined;
  document.getElementById("editor-judgement").hidden = !judging;

  // A reply may not be seen by more people than the note it answers.
  const widest = isReply ? (parent || state.annotations.get(annotation.parent))?.visibility : null;
  for (const radio of form.elements.visibility) {
    radio.disabled = Boolean(widest) && ORDER[radio.value] > ORDER[widest];
  }
  const visibility = annotation?.visibility || (mode === "reply" ? parent.visibility : "private");
  form.elements.visibility.value = visibility;
  if (annotation) {
    form.elements.body.value = annotation.body;
    form.elements.tags.value = annotation.tags.join(", ");
    form.elements.judgement.value = annotation.judgement || "";
    form.elements.judgement_reason.value = annotation.judgement_reason || "";
  }
  hideControl();
  editor.dialog.showModal();
  form.elements.body.focus();
}

function payload() {
  const { mode, target, annotation, parent } = editor.session;
  const form = editor.form;
  const data = { body: form.elements.body.value, visibility: form.elements.visibility.value };
  const isReply = mode === "reply" || (mode === "edit" && annotation.parent !== null);
  if (!isReply) {
    data.tags = form.elements.tags.value
      .split(/[,、，]/)
      .map((tag) => tag.trim())
      .filter(Boolean);
  }
  if (!document.getElementById("editor-judgement").hidden) {
    data.judgement = form.elements.judgement.value;
    data.judgement_reason = data.judgement ? form.elements.judgement_reason.value : "";
  }
  if (mode === "new") {
    data.document = config.document;
    data.target = {
      selector: [
        { type: "TextQuoteSelector", exact: target.exact },
        { type: "TextPositionSelector", start: target.start, end: target.end },
      ],
    };
  }
  if (mode === "reply") data.parent = parent.id;
  return data;
}

async function save(event) {
  event.preventDefault();
  const { mode, annotation } = editor.session;
  const saveButton = document.getElementById("editor-save");
  saveButton.disabled = true;
  try {
    const url = mode === "edit" ? annotationUrl(annotation.id) : config.urls.annotations;
    const saved = await api(url, { method: mode === "edit" ? "PATCH" : "POST", data: payload() });
    await refresh();
    getSelection().removeAllRanges();
    editor.focusAfter = afterSaving(saved);
    editor.dialog.close();
    announce(saved.parent === null ? MSG.saved : MSG.replySaved);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    setError(error.message, error.field);
  } finally {
    saveButton.disabled = false;
  }
}

// Where the focus goes once a note is saved: a new note's highlight, where the words were
// selected; the edited card or reply, or the card replied to.
function afterSaving(saved) {
  if (editor.session.mode === "new") {
    return () => document.getElementById(`highlight-${saved.id}`) || editor.session.returnTo();
  }
  const id = editor.session.mode === "reply" ? editor.session.parent.id : saved.id;
  return () => document.getElementById(`annotation-${id}`);
}

async function showPreview() {
  const body = editor.form.elements.body.value;
  const target = document.getElementById("editor-preview-body");
  try {
    const { body_html: html } = await api(config.urls.preview, { method: "POST", data: { body } });
    if (html.trim()) {
      // Rendered and sanitised by the server, by the function that renders saved notes.
      target.innerHTML = html;
    } else {
      target.textContent = MSG.previewEmpty;
    }
    document.getElementById("editor-preview").hidden = false;
    setError("");
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    setError(error.message, error.field);
  }
}

// The editor and the delete dialog are absent from the page anonymous readers share: hence `?.`.
editor.form?.addEventListener("submit", save);
document.getElementById("editor-cancel")?.addEventListener("click", () => editor.dialog.close());
document.getElementById("editor-preview-button")?.addEventListener("click", showPreview);
editor.dialog?.addEventListener("close", () => {
  const next = (editor.focusAfter || editor.session?.returnTo)?.();
  editor.session = null;
  if (next && next.isConnected) next.focus();
});

// --- card actions: reply, edit, delete -----------------------------------------------------------

const confirmation = {
  dialog: document.getElementById("annotation-delete"),
  annotation: null,
  focusAfter: null,
};

function actionButton(id, action) {
  return () => document.querySelector(`#annotation-${id} [data-action="${action}"]`);
}

document.addEventListener("click", (event) => {
  const button = event.target.closest?.(".annotation-actions [data-action]");
  if (!button) return;
  const id = Number(button.closest("[data-annotation]").dataset.annotation);
  const annotation = state.annotations.get(id);
  if (!annotation) return;
  const { action } = button.dataset;
  if (action === "reply") {
    const returnTo = actionButton(annotation.id, "reply");
    openEditor({ mode: "reply", parent: annotation, returnTo });
  } else if (action === "edit") {
    openEditor({ mode: "edit", annotation, returnTo: actionButton(annotation.id, "edit") });
  } else if (action === "delete") {
    confirmation.annotation = annotation;
    confirmation.focusAfter = actionButton(annotation.id, "delete");
    confirmation.dialog.showModal();
    document.getElementById("delete-cancel").focus();
  }
});

document.getElementById("delete-cancel")?.addEventListener("click", () => {
  confirmation.dialog.close();
});

document.getElementById("delete-confirm")?.addEventListener("click", async () => {
  const annotation = confirmation.annotation;
  const parent = annotation.parent === null ? null : rootOf(annotation);
  const start = annotation.target ? position(annotation).start : null;
  try {
    await api(annotationUrl(annotation.id), { method: "DELETE" });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    confirmation.dialog.close();
    announce(error.message);
    return;
  }
  await refresh();
  confirmation.focusAfter = () =>
    (parent && document.getElementById(`annotation-${parent.id}`)) ||
    (start !== null && blockAt(start)) ||
    reader;
  confirmation.dialog.close();
  announce(MSG.deleted);
});

confirmation.dialog?.addEventListener("close", () => {
  const next = confirmation.focusAfter?.();
  confirmation.annotation = null;
  if (next && next.isConnected) next.focus();
});

// --- start ---------------------------------------------------------------------------------------

async function start() {
  if (!reader) return;
  try {
    await loadText();
    await loadAnnotations();
  } catch (error) {
    document.getElementById("annotator-bar").hidden = false;
    filter.hidden = true;
    const message = document.createElement("p");
    message.setAttribute("role", "alert");
    message.textContent = `${MSG.loadFailed} ${error.message}`;
    filter.after(message);
    return;
  }
  // Who cannot annotate and has nothing to read here (an anonymous reader, where no note is
  // public) keeps the page as it is: no bar, no margin.
  if (!config.analyst && !state.annotations.size) {
    reader.dataset.annotationsReady = "true";
    return;
  }
  document.documentElement.classList.add("annotator-on");
  reader.classList.add("annotating");
  document.getElementById("annotator-bar").hidden = false;
  render();
  if (config.analyst) startAnnotating();
  reader.dataset.annotationsReady = "true";
}

start();
