// Writing notes, for analysts: the editor (a new note on the selected words, a reply, an edit),
// a panel beside the text or a sheet on a phone, never modal, so that the words stay in view; its
// preview rendered by the server as one types; the draft kept in the browser as one types
// (drafts.js), offered again after a reload, and not thrown away by Cancel or Escape without
// asking; saving through the API, with its state in view ("Saving…", "Annotation saved.") and
// the server's errors beside their fields; the card actions (reply, edit, delete) and the dialog
// that confirms a deletion. The focus goes back where the reader was, or to what was saved.

import { ApiError, annotationUrl, api } from "./api.js";
import { blockAt } from "./blocks.js";
import { excerpt, onCardAction, refresh } from "./cards.js";
import { draftKey, draftsOf, loadDraft, removeDraft, saveDraft } from "./drafts.js";
import { hideControl } from "./selection.js";
import {
  MSG,
  announce,
  config,
  exactOf,
  format,
  position,
  reader,
  rootOf,
  state,
} from "./state.js";

const ORDER = { private: 0, team: 1, analysts: 2, public: 3 };

// The dialogs are found by setUpEditor().
const editor = {
  dialog: null,
  form: null,
  session: null, // {mode, target, annotation, parent, returnTo}
  key: null, // where its draft is kept
  initial: null, // the fields as the editor opened, to tell whether anything was written
  focusAfter: null,
};

const confirmation = {
  dialog: null,
  annotation: null,
  focusAfter: null,
};

const FIELDS = {
  body: "editor-body",
  tags: "editor-tags",
  judgement: "editor-judgement-value",
  judgement_reason: "editor-reason",
  team: "editor-team",
};

// Whether the editor is open (a selection in it is not one of the text's).
export function isEditing() {
  return Boolean(editor.dialog?.open);
}

// --- errors beside their fields ------------------------------------------------------------------

function fieldOf(name) {
  if (name === "visibility") {
    return editor.form.querySelector("input[name=visibility]:checked");
  }
  return FIELDS[name] ? document.getElementById(FIELDS[name]) : null;
}

function errorSlotOf(name) {
  const id = name === "visibility" ? "editor-visibility-error" : `${FIELDS[name]}-error`;
  return FIELDS[name] || name === "visibility" ? document.getElementById(id) : null;
}

function clearError(name) {
  const slot = errorSlotOf(name);
  if (slot) slot.textContent = "";
  const element = name === "visibility" ? null : fieldOf(name);
  const all = name === "visibility" ? [...editor.form.elements.visibility] : [element];
  for (const field of all.filter(Boolean)) {
    field.removeAttribute("aria-invalid");
    if ("describedby" in field.dataset) {
      const before = field.dataset.describedby;
      if (before) field.setAttribute("aria-describedby", before);
      else field.removeAttribute("aria-describedby");
    }
  }
}

function clearErrors() {
  document.getElementById("editor-error").textContent = "";
  for (const name of [...Object.keys(FIELDS), "visibility"]) clearError(name);
}

// The server's message beside the field it names (aria-invalid, and said with the field), or
// above the form when it names none the form has. `focus`: take the reader to it (on saving, not
// while typing).
function setError(message, field, { focus = true } = {}) {
  clearErrors();
  const element = field ? fieldOf(field) : null;
  const slot = field ? errorSlotOf(field) : null;
  if (!element || !slot || element.closest("[hidden]")) {
    document.getElementById("editor-error").textContent = message || "";
    return;
  }
  slot.textContent = message;
  element.setAttribute("aria-invalid", "true");
  if (!("describedby" in element.dataset)) {
    element.dataset.describedby = element.getAttribute("aria-describedby") || "";
  }
  element.setAttribute("aria-describedby", `${slot.id} ${element.dataset.describedby}`.trim());
  if (focus) element.focus();
}

// --- the save status, which stays in view once the editor has closed -----------------------------

let statusTimer = 0;

function setStatus(message, kind = "") {
  const status = document.getElementById("save-status");
  clearTimeout(statusTimer);
  status.textContent = message;
  status.dataset.kind = kind;
  if (kind === "saved") {
    statusTimer = setTimeout(() => {
      status.textContent = "";
      status.dataset.kind = "";
    }, 6000);
  }
}

// --- what is written, and the draft kept of it ---------------------------------------------------

function fields() {
  const elements = editor.form.elements;
  return {
    body: elements.body.value,
    tags: elements.tags.value,
    visibility: elements.visibility.value,
    team: elements.team ? elements.team.value : "",
    judgement: elements.judgement.value,
    judgement_reason: elements.judgement_reason.value,
  };
}

function fill(values) {
  const elements = editor.form.elements;
  for (const [name, value] of Object.entries(values)) {
    if (name === "visibility") {
      const radio = [...elements.visibility].find((r) => r.value === value && !r.disabled);
      if (radio) radio.checked = true;
    } else if (elements[name]) {
      elements[name].value = value;
    }
  }
}

// Whether anything was written or changed since the editor opened.
function isDirty() {
  return JSON.stringify(fields()) !== JSON.stringify(editor.initial);
}

function keepDraft() {
  if (!editor.session) return;
  if (!isDirty()) {
    removeDraft(editor.key);
    return;
  }
  const { mode, target, annotation, parent } = editor.session;
  saveDraft(editor.key, {
    mode,
    target: mode === "new" ? target : null,
    annotationId: annotation?.id ?? null,
    parentId: parent?.id ?? null,
    fields: fields(),
  });
}

// --- the preview, rendered by the server as one types --------------------------------------------

const PREVIEW_DELAY = 300;
let previewTimer = 0;
let previewAsked = 0;

function schedulePreview() {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(showPreview, PREVIEW_DELAY);
}

async function showPreview() {
  clearTimeout(previewTimer);
  const asked = ++previewAsked;
  const body = editor.form.elements.body.value;
  const target = document.getElementById("editor-preview-body");
  if (!body.trim()) {
    target.textContent = MSG.previewEmpty;
    clearError("body");
    return;
  }
  try {
    const { body_html: html } = await api(config.urls.preview, { method: "POST", data: { body } });
    if (asked !== previewAsked || !editor.session) return; // typed since, or closed
    if (html.trim()) {
      // Rendered and sanitised by the server, by the function that renders saved notes.
      target.innerHTML = html;
    } else {
      target.textContent = MSG.previewEmpty;
    }
    clearError("body");
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (asked !== previewAsked || !editor.session) return;
    setError(error.message, error.field || "body", { focus: false });
  }
}

// --- opening and closing -------------------------------------------------------------------------

export function openEditor(session) {
  const { mode, target, annotation, parent } = session;
  const form = editor.form;
  editor.session = session;
  editor.focusAfter = null;
  editor.key = draftKey(config.document, session);
  form.reset();
  clearErrors();
  hideDiscard();
  setStatus("");
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
  // A team's note names its team; a reply is seen by the team of the note it answers.
  editor.teamChoice = !isReply;
  if (form.elements.team) {
    const team = annotation?.team;
    if (team && [...form.elements.team.options].some((o) => o.value === team)) {
      form.elements.team.value = team;
    } else {
      form.elements.team.selectedIndex = 0;
    }
  }
  if (annotation) {
    form.elements.body.value = annotation.body;
    form.elements.tags.value = annotation.tags.join(", ");
    form.elements.judgement.value = annotation.judgement || "";
    form.elements.judgement_reason.value = annotation.judgement_reason || "";
  }
  editor.initial = fields();
  // A draft of the same thing, left by a reload or a crash, takes up where it was.
  const draft = loadDraft(editor.key);
  if (draft?.fields) fill(draft.fields);
  showTeamChoice();
  const around = wordsOnScreen(session);
  hideControl();
  editor.dialog.show();
  document.documentElement.classList.add("editor-open");
  keepInView(around);
  form.elements.body.focus({ preventScroll: true });
  countBody();
  showPreview();
  showDrafts();
  if (draft?.fields) announce(MSG.draftRestored);
}

// Where the words written on are on the screen, before the focus moves into the editor.
function wordsOnScreen(session) {
  const selection = getSelection();
  if (selection.rangeCount && !selection.isCollapsed && reader.contains(selection.anchorNode)) {
    const rect = selection.getRangeAt(0).getBoundingClientRect();
    if (rect.height) return rect;
  }
  const returnTo = session.returnTo?.();
  return returnTo?.isConnected ? returnTo.getBoundingClientRect() : null;
}

// The words stay in view: above the sheet on a phone, on the screen beside the panel otherwise.
function keepInView(rect) {
  if (!rect) return;
  const panel = editor.dialog.getBoundingClientRect();
  const sheet = panel.left <= 1 && panel.top > 0;
  const bottom = sheet ? panel.top : window.innerHeight;
  if (rect.top >= 0 && rect.bottom <= bottom - 8) return;
  const top = rect.top - Math.max(16, (bottom - rect.height) / 3);
  window.scrollBy({ top, behavior: "instant" });
}

function showDiscard() {
  document.getElementById("editor-discard").hidden = false;
  document.getElementById("editor-discard-keep").focus();
}

function hideDiscard() {
  document.getElementById("editor-discard").hidden = true;
}

// Cancel, or Escape: a draft with words in it is not thrown away without asking.
function requestClose() {
  if (!document.getElementById("editor-discard").hidden) {
    keepEditing();
  } else if (isDirty()) {
    showDiscard();
  } else {
    removeDraft(editor.key);
    editor.dialog.close();
  }
}

function keepEditing() {
  hideDiscard();
  editor.form.elements.body.focus();
}

// The team select shows while "My team" is chosen, for a note (a reply keeps its note's team).
function showTeamChoice() {
  const field = document.getElementById("editor-team-field");
  if (!field) return;
  field.hidden = !(editor.teamChoice && editor.form.elements.visibility.value === "team");
}

function discard() {
  removeDraft(editor.key);
  editor.dialog.close();
  announce(MSG.draftDiscarded);
}

function payload() {
  const { mode, target, annotation, parent } = editor.session;
  const form = editor.form;
  const data = { body: form.elements.body.value, visibility: form.elements.visibility.value };
  if (data.visibility === "team" && form.elements.team && editor.teamChoice) {
    data.team = form.elements.team.value;
  }
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

// What the editor refuses before asking the server: a note with no words (unless it judges the
// claim: a verdict may stand alone) and one over the length limit; null when it may be sent.
function refusal() {
  const { body, judgement } = editor.form.elements;
  const judging = !document.getElementById("editor-judgement").hidden && judgement.value;
  if (!body.value.trim() && !judging) return MSG.bodyEmpty;
  if (Array.from(body.value).length > config.maxBody) return MSG.bodyTooLong;
  return null;
}

// "12 / 10,000": the length of the note, in characters (code points, as the server counts),
// beside the field; over the limit, it says so.
function countBody() {
  const counter = document.getElementById("editor-body-count");
  if (!counter || !config.maxBody) return;
  const length = Array.from(editor.form.elements.body.value).length;
  const number = (n) => n.toLocaleString(document.documentElement.lang);
  counter.textContent = format(MSG.bodyCount, {
    count: number(length),
    max: number(config.maxBody),
  });
  counter.classList.toggle("is-over", length > config.maxBody);
}

async function save(event) {
  event.preventDefault();
  const refused = refusal();
  if (refused) {
    setError(refused, "body");
    return;
  }
  const { mode, annotation } = editor.session;
  const saveButton = document.getElementById("editor-save");
  saveButton.disabled = true;
  hideDiscard();
  setStatus(MSG.saving, "saving");
  try {
    const url = mode === "edit" ? annotationUrl(annotation.id) : config.urls.annotations;
    const saved = await api(url, { method: mode === "edit" ? "PATCH" : "POST", data: payload() });
    removeDraft(editor.key);
    await refresh();
    getSelection().removeAllRanges();
    editor.focusAfter = afterSaving(saved);
    editor.dialog.close();
    // Said by the status itself (role=status): not announced a second time.
    setStatus(saved.parent === null ? MSG.saved : MSG.replySaved, "saved");
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    setStatus(format(MSG.notSaved, { error: error.message }), "error");
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

// --- drafts left by a reload or a crash ----------------------------------------------------------

// The session a draft was written in, if what it was written on is still here.
function sessionOf(draft) {
  if (draft.mode === "new" && draft.target) {
    const { target } = draft;
    return { mode: "new", target, returnTo: () => blockAt(target.start) };
  }
  if (draft.mode === "edit") {
    const annotation = state.annotations.get(draft.annotationId);
    if (!annotation) return null;
    return { mode: "edit", annotation, returnTo: actionButton(annotation.id, "edit") };
  }
  const parent = state.annotations.get(draft.parentId);
  if (!parent) return null;
  return { mode: "reply", parent, returnTo: actionButton(parent.id, "reply") };
}

function describeDraft(session) {
  if (session.mode === "new") return format(MSG.draftOn, { words: excerpt(session.target.exact) });
  if (session.mode === "reply") return format(MSG.draftReply, { author: session.parent.author });
  const root = rootOf(session.annotation);
  const words = root?.target ? exactOf(root) : "";
  return format(MSG.draftEdit, { words: excerpt(words) });
}

// List the document's drafts with Restore and Discard, while the editor is closed.
export function showDrafts() {
  const notice = document.getElementById("draft-notice");
  if (!notice) return;
  // One thing at a time: the list comes back when the editor closes.
  notice.hidden = Boolean(editor.session);
  if (editor.session) return;
  const list = document.getElementById("draft-list");
  const template = document.getElementById("draft-item-template");
  list.replaceChildren();
  for (const { key, draft } of draftsOf(config.document)) {
    const session = sessionOf(draft);
    if (!session) continue;
    const item = template.content.firstElementChild.cloneNode(true);
    const words = item.querySelector(".draft-words");
    words.textContent = describeDraft(session);
    words.id = `draft-${list.children.length}`;
    for (const button of item.querySelectorAll("button")) {
      button.setAttribute("aria-describedby", words.id);
      button.addEventListener("click", () => {
        if (button.dataset.draft === "restore") {
          openEditor(session);
        } else {
          removeDraft(key);
          showDrafts();
          (list.querySelector("button") || document.getElementById("filter-tag"))?.focus();
          announce(MSG.draftDiscarded);
        }
      });
    }
    list.append(item);
  }
  notice.hidden = !list.children.length;
}

function actionButton(id, action) {
  return () => document.querySelector(`#annotation-${id} [data-action="${action}"]`);
}

async function confirmDeletion() {
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
  // A note others replied to stays, "deleted by its author": the focus goes to it.
  confirmation.focusAfter = () =>
    document.getElementById(`annotation-${annotation.id}`) ||
    (parent && document.getElementById(`annotation-${parent.id}`)) ||
    (start !== null && blockAt(start)) ||
    reader;
  confirmation.dialog.close();
  announce(MSG.deleted);
}

// Find the dialogs and listen to them and to the cards' actions. The editor and the delete
// dialog are absent from the page anonymous readers share: hence `?.`.
export function setUpEditor() {
  editor.dialog = document.getElementById("annotation-editor");
  editor.form = document.getElementById("annotation-form");
  editor.form?.addEventListener("submit", save);
  editor.form?.addEventListener("input", (event) => {
    keepDraft();
    if (event.target.name === "visibility") showTeamChoice();
    if (event.target.name === "body") {
      countBody();
      schedulePreview();
    }
    else if (event.target.name) clearError(event.target.name);
  });
  document.getElementById("editor-cancel")?.addEventListener("click", requestClose);
  document.getElementById("editor-discard-confirm")?.addEventListener("click", discard);
  document.getElementById("editor-discard-keep")?.addEventListener("click", keepEditing);
  // Not modal: Escape is the editor's own, and asks before a draft is thrown away.
  editor.dialog?.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    event.preventDefault();
    event.stopPropagation();
    requestClose();
  });
  editor.dialog?.addEventListener("cancel", (event) => {
    event.preventDefault();
    requestClose();
  });
  editor.dialog?.addEventListener("close", () => {
    clearTimeout(previewTimer);
    hideDiscard();
    // "Saved" stays a moment; an error whose editor is gone does not.
    if (document.getElementById("save-status").dataset.kind !== "saved") setStatus("");
    document.documentElement.classList.remove("editor-open");
    const next = (editor.focusAfter || editor.session?.returnTo)?.();
    editor.session = null;
    editor.key = null;
    showDrafts();
    if (next && next.isConnected) next.focus();
  });

  // --- card actions: reply, edit, delete ---------------------------------------------------------

  confirmation.dialog = document.getElementById("annotation-delete");

  onCardAction((action, annotation) => {
    if (action === "reply") {
      const returnTo = actionButton(annotation.id, "reply");
      openEditor({ mode: "reply", parent: annotation, returnTo });
    } else if (action === "edit") {
      openEditor({ mode: "edit", annotation, returnTo: actionButton(annotation.id, "edit") });
    } else if (action === "delete") {
      confirmation.annotation = annotation;
      // What will happen: a note others replied to stays, "deleted by its author", with them.
      const text = document.getElementById("annotation-delete-text");
      const answered = [...state.annotations.values()].some((a) => a.parent === annotation.id);
      text.textContent = answered ? text.dataset.withReplies : text.dataset.alone;
      confirmation.focusAfter = actionButton(annotation.id, "delete");
      confirmation.dialog.showModal();
      document.getElementById("delete-cancel").focus();
    }
  });

  document.getElementById("delete-cancel")?.addEventListener("click", () => {
    confirmation.dialog.close();
  });

  document.getElementById("delete-confirm")?.addEventListener("click", confirmDeletion);

  confirmation.dialog?.addEventListener("close", () => {
    const next = confirmation.focusAfter?.();
    confirmation.annotation = null;
    if (next && next.isConnected) next.focus();
  });
}
