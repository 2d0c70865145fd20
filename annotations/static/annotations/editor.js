// Writing notes, for analysts: the editor dialog (a new note on the selected words, a reply, an
// edit), its preview rendered by the server, saving through the API; the card actions (reply,
// edit, delete) and the dialog that confirms a deletion. The focus goes back where the reader
// was, or to what was saved.

import { ApiError, annotationUrl, api } from "./api.js";
import { blockAt } from "./blocks.js";
import { refresh } from "./cards.js";
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

const ORDER = { private: 0, analysts: 1, public: 2 };

// The dialogs are found by setUpEditor().
const editor = {
  dialog: null,
  form: null,
  session: null, // {mode, target, annotation, parent, returnTo}
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
};

// Whether the editor is open (a selection in it is not one of the text's).
export function isEditing() {
  return editor.dialog.open;
}

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

export function openEditor(session) {
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
  document.getElementById("editor-cancel")?.addEventListener("click", () => editor.dialog.close());
  document.getElementById("editor-preview-button")?.addEventListener("click", showPreview);
  editor.dialog?.addEventListener("close", () => {
    const next = (editor.focusAfter || editor.session?.returnTo)?.();
    editor.session = null;
    if (next && next.isConnected) next.focus();
  });

  // --- card actions: reply, edit, delete ---------------------------------------------------------

  confirmation.dialog = document.getElementById("annotation-delete");

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

  document.getElementById("delete-confirm")?.addEventListener("click", confirmDeletion);

  confirmation.dialog?.addEventListener("close", () => {
    const next = confirmation.focusAfter?.();
    confirmation.annotation = null;
    if (next && next.isConnected) next.focus();
  });
}
