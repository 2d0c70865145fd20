// What the annotation modules share: the page's configuration and messages, what is known of the
// document and its notes, and reading the notes' tree.
//
// config, MSG and reader are bound by readPage(), which annotate.js calls first, not on import:
// the modules can be imported where there is no page (Node). Imports of them are live bindings,
// so every module sees them once they are read.

export let config = null; // the #annotator-config block: URLs, the user's rights, labels
export let MSG = null; // the messages, translated, from #annotator-messages
export let reader = null; // the document's text, .reader

export function readPage() {
  config = JSON.parse(document.getElementById("annotator-config").textContent);
  MSG = document.getElementById("annotator-messages").dataset;
  reader = document.querySelector(".reader");
}

export const state = {
  text: "", // the document's text, as the API gives it
  blocks: [], // {anchor, offset, length, text, root, label}
  claims: [],
  annotations: new Map(),
};

export function format(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? values[key] : whole));
}

// Say `message` in the live region, emptied first so that the same message is said again.
export function announce(message) {
  const status = document.getElementById("annotator-status");
  status.textContent = "";
  setTimeout(() => {
    status.textContent = message;
  }, 50);
}

// --- reading the annotations ---------------------------------------------------------------------

export function position(annotation) {
  const selector = annotation.target.selector.find((s) => s.type === "TextPositionSelector");
  return { start: selector.start, end: selector.end };
}

// The quoted words; none for a note deleted by its author, whose target keeps only the place.
export function exactOf(annotation) {
  return annotation.target.selector.find((s) => s.type === "TextQuoteSelector")?.exact ?? "";
}

export function roots() {
  const all = [...state.annotations.values()].filter((a) => a.parent === null);
  return all.sort((a, b) => position(a).start - position(b).start || a.id - b.id);
}

export function rootOf(annotation) {
  let current = annotation;
  const seen = new Set();
  while (current && current.parent !== null && !seen.has(current.id)) {
    seen.add(current.id);
    current = state.annotations.get(current.parent);
  }
  return current || null;
}

export function repliesTo(root) {
  const replies = [...state.annotations.values()].filter(
    (a) => a.parent !== null && rootOf(a) === root,
  );
  return replies.sort((a, b) => a.id - b.id);
}
