// Drafts kept in the browser (localStorage) as one types, so that a reload or a crash loses no
// word: one per document and per thing written, a new note on some words, an edit of a note or a
// reply to one. Pure but for the storage it is given (tests/js/drafts.test.mjs gives a Map-like
// one); a browser that keeps nothing (private mode, storage full) just keeps no draft.

const PREFIX = "reader-draft:";

// The key of what the session writes: a new note on [start, end), an edit of note `id`, a reply
// to note `id`.
export function draftKey(documentSlug, session) {
  const { mode, target, annotation, parent } = session;
  let what;
  if (mode === "new") what = `new:${target.start}-${target.end}`;
  else if (mode === "edit") what = `edit:${annotation.id}`;
  else what = `reply:${parent.id}`;
  return `${PREFIX}${documentSlug}:${what}`;
}

function storage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // access refused (cookies blocked)
  }
}

export function saveDraft(key, draft, store = storage()) {
  try {
    store?.setItem(key, JSON.stringify({ ...draft, savedAt: Date.now() }));
  } catch {
    // Full or refused: the draft is not kept, the editor still works.
  }
}

export function loadDraft(key, store = storage()) {
  try {
    const text = store?.getItem(key);
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

export function removeDraft(key, store = storage()) {
  try {
    store?.removeItem(key);
  } catch {
    // Nothing to do: it was never kept.
  }
}

// The document's drafts, the latest first: [{key, draft}].
export function draftsOf(documentSlug, store = storage()) {
  if (!store) return [];
  const prefix = `${PREFIX}${documentSlug}:`;
  const found = [];
  for (let index = 0; index < store.length; index += 1) {
    const key = store.key(index);
    if (!key?.startsWith(prefix)) continue;
    const draft = loadDraft(key, store);
    if (draft) found.push({ key, draft });
  }
  return found.sort((a, b) => (b.draft.savedAt || 0) - (a.draft.savedAt || 0));
}
