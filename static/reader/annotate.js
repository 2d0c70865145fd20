// Annotations in the reader: for everyone, the notes they may see as highlights in the text and
// cards in the margin (anonymous readers: the public ones, read-only, on the page they all share,
// which has no editor, no card actions and no CSRF token); for analysts, writing a note on a
// selection made with the mouse or the keyboard, replying, editing and deleting their own. Loaded
// by templates/reader/document.html with its #annotator-config block.
//
// This is the entry point only: it reads the page, sets up each part and starts them. The parts
// are native ES modules, by concern, in annotations/static/annotations/ (served under
// /static/annotations/, hence the relative imports; no build step):
//   offsets.js     code points <-> UTF-16 units (pure, unit-tested in Node: tests/js/)
//   state.js       the page's configuration and messages, the shared state, the notes' tree
//   api.js         the fetch wrapper, ApiError, loading the text and the notes
//   blocks.js      the document's blocks on the page: their text nodes, offsets to blocks
//   highlights.js  the marks in the text, linked with the cards
//   cards.js       the cards in the margin, drawing them again, the filter
//   selection.js   the selection as a target, keyboard selection, the Annotate control
//   drafts.js      drafts kept in the browser as one types (pure but for the storage)
//   editor.js      the editor, its preview, its drafts, saving; the card actions and deleting
//   review.js      resolving and reopening a thread, flagging a note for the moderators
//   live.js        polling for others' changes, drawing the notes again when there are some
// None of them touches the page on import: everything starts from here.
//
// Positions are Unicode code points over the document's text, the API's unit; JavaScript strings
// count UTF-16 code units, so offsets are converted wherever the two meet (offsets.js).

import { loadAnnotations, loadText } from "../annotations/api.js";
import { filter, goToTarget, render, setUpFilter } from "../annotations/cards.js";
import { isEditing, openEditor, setUpEditor, showDrafts } from "../annotations/editor.js";
import { linkHighlightsAndCards } from "../annotations/highlights.js";
import { setUpReview } from "../annotations/review.js";
import { readVersion, startLive } from "../annotations/live.js";
import { setUpControl, startAnnotating } from "../annotations/selection.js";
import { MSG, config, readPage, reader, state } from "../annotations/state.js";

readPage();
// Listen before anything is loaded: the filter, the links between highlights and cards, the
// editor and the card actions (which hide the Annotate control, hence it is found first).
setUpFilter();
linkHighlightsAndCards();
setUpControl();
setUpEditor();
setUpReview();

async function start() {
  if (!reader) return;
  try {
    await loadText();
    await readVersion(); // before the notes: a change made while they load is not missed
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
  // There is something to show or write: the reader may show or hide it (static/reader/reader.js).
  document.getElementById("toggle-annotations").hidden = false;
  reader.classList.add("annotating");
  document.getElementById("annotator-bar").hidden = false;
  render();
  if (config.analyst) {
    startAnnotating({ openEditor, isEditing });
    showDrafts(); // drafts left by a reload or a crash
  }
  startLive();
  goToTarget();
  window.addEventListener("hashchange", goToTarget);
  reader.dataset.annotationsReady = "true";
}

start();
