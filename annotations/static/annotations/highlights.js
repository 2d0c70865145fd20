// Highlights: the words of each anchored note wrapped in marks in the text, cleared before the
// notes are drawn again; and each highlight linked with its card, on hover, focus and click.

import { textNodes } from "./blocks.js";
import { sliceByPoints, unitsAt } from "./offsets.js";
import { MSG, exactOf, format, position, reader, state } from "./state.js";

export function clearHighlights() {
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
export function paint(annotation) {
  if (annotation.state !== "anchored" || !annotation.target || annotation.deleted) return false;
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

export function marksOf(id) {
  return reader.querySelectorAll(`mark.annotation-highlight[data-annotation="${id}"]`);
}

// --- cards and highlights, linked ----------------------------------------------------------------

function setActive(id, active) {
  for (const mark of marksOf(id)) mark.classList.toggle("is-active", active);
  document.getElementById(`annotation-${id}`)?.classList.toggle("is-active", active);
}

function focusCard(id) {
  const card = document.getElementById(`annotation-${id}`);
  if (!card || card.hidden) return;
  // The reader's margin opens it where it had collapsed it (static/reader/reader.js).
  card.dispatchEvent(new CustomEvent("reader:reveal", { bubbles: true }));
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

// A highlight and its card light up together on hover and focus; a card's quote leads to its
// highlight, a highlight (clicked, or Enter or Space) to its card. Listens on the document and
// the reader, so it holds for the cards and marks that every render makes anew.
export function linkHighlightsAndCards() {
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
      // In a claim, the highlight leads to its card, not to the claim's note.
      event.preventDefault();
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
}
