// Selecting words to annotate, for analysts: the selection (made with the mouse, or with Shift
// and the arrow keys from the focused text) as a target for the API, in code points and trimmed of
// white space; and the Annotate control shown beside it, which opens the editor.

import { blockAt, blockOf, textNodes } from "./blocks.js";
import { excerpt } from "./cards.js";
import { pointsAt, sliceByPoints } from "./offsets.js";
import { MSG, announce, reader, state } from "./state.js";

// --- the selection as a target -------------------------------------------------------------------

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
  return block.offset + pointsAt(block.text, units);
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

// --- the Annotate control ------------------------------------------------------------------------

let control = null;
let annotateButton = null;
let pending = null; // {target, origin}: the selection the Annotate control would annotate
let selectionTimer = 0;
// Given by startAnnotating(): open the editor on a session; whether it is open.
let openEditor = null;
let isEditing = null;

// Find the control, which the editor hides when it opens, whoever opens it.
export function setUpControl() {
  control = document.getElementById("annotate-control");
  annotateButton = document.getElementById("annotate-button");
}

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

export function hideControl() {
  control.hidden = true;
}

function onSelectionChange() {
  clearTimeout(selectionTimer);
  selectionTimer = setTimeout(() => {
    if (isEditing()) return;
    const target = selectionTarget();
    if (target) showControl(target);
    else if (document.activeElement !== annotateButton) hideControl();
  }, 120);
}

// --- selecting with the keyboard and over claims -------------------------------------------------

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

// For analysts, once the notes are drawn: the text can be focused and selected, and the Annotate
// control opens the editor, with `editor.openEditor`, unless `editor.isEditing()` (a selection in
// the open editor is not one of the text's). The editor is given rather than imported: it hides
// the control, and the modules do not import each other in a circle.
export function startAnnotating(editor) {
  openEditor = editor.openEditor;
  isEditing = editor.isEditing;
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
