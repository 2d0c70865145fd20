// Live updates: the notes others add, edit, resolve or delete on this document appear without a
// reload. The page polls the version of the document's annotations (GET
// /api/annotations/changes/?document=…, a 304 while its ETag holds) every few seconds while the
// tab is visible, and seldom while it is hidden; when the version changes it fetches the notes
// again and draws them anew, keeping the scroll position (the editor, a panel of its own, and
// its draft are not touched), and says politely how many new notes came ("1 new note").
//
// readVersion() is called before the notes are first loaded, so that a change made while they
// load is not missed; startLive() then polls.

import { fetchAnnotations } from "./api.js";
import { render } from "./cards.js";
import { MSG, announce, config, format, reader, state } from "./state.js";

const VISIBLE_MS = 3000; // between two polls while the reader looks at the page
const HIDDEN_MS = 60000; // while the tab is hidden: a poll a minute, and one at once on return
const MAX_FAILING_MS = 60000; // the longest wait after failures (offline, the server down)

let etag = null;
let timer = 0;
let failures = 0;
let polling = false; // one poll at a time: a return to the tab may come during one

function changesUrl() {
  return `${config.urls.annotations}changes/?document=${encodeURIComponent(config.document)}`;
}

// The version now, with its ETag; null when nothing changed since the ETag held (a 304).
async function fetchVersion() {
  const headers = { Accept: "application/json" };
  if (etag) headers["If-None-Match"] = etag;
  const response = await fetch(changesUrl(), { headers, credentials: "same-origin" });
  if (response.status === 304) return null;
  if (!response.ok) throw new Error(response.statusText);
  return response.headers.get("ETag");
}

export async function readVersion() {
  try {
    etag = await fetchVersion();
  } catch {
    etag = null; // the first poll reads it
  }
}

// Whether the reader is in the middle of selecting words: drawing the highlights again would
// take the selection away, so the new notes wait for the next poll.
function selecting() {
  const selection = getSelection();
  return Boolean(
    selection?.rangeCount && !selection.isCollapsed && reader.contains(selection.anchorNode),
  );
}

async function poll() {
  if (selecting()) return;
  const changed = await fetchVersion();
  if (changed === null) return;
  const first = etag === null;
  etag = changed;
  if (first) return;
  const loaded = await fetchAnnotations();
  // The reader's own save changes the version too, and the editor draws it itself, maybe while
  // this poll was loading: only what differs from what is drawn now is news. (Compared with the
  // notes as they were when the poll began, one's own edit would draw every card again, and the
  // focus on a card's button would be taken away under the reader's hands.)
  if (same(state.annotations, loaded)) return;
  const before = state.annotations;
  state.annotations = loaded;
  const fresh = [...state.annotations.values()].filter(
    (annotation) => !before.has(annotation.id) && annotation.author !== config.user,
  );
  const { scrollX, scrollY } = window;
  render();
  window.scrollTo(scrollX, scrollY);
  if (fresh.length === 1) announce(MSG.newNote);
  else if (fresh.length > 1) announce(format(MSG.newNotes, { count: fresh.length }));
}

function same(before, after) {
  if (before.size !== after.size) return false;
  for (const [id, annotation] of after) {
    if (JSON.stringify(before.get(id)) !== JSON.stringify(annotation)) return false;
  }
  return true;
}

function schedule() {
  clearTimeout(timer);
  const wait = document.hidden ? HIDDEN_MS : VISIBLE_MS;
  const backoff = failures ? Math.min(MAX_FAILING_MS, wait * 2 ** failures) : wait;
  timer = setTimeout(tick, backoff);
}

async function tick() {
  if (polling) return;
  polling = true;
  try {
    await poll();
    failures = 0;
  } catch {
    failures = Math.min(failures + 1, 5);
  } finally {
    polling = false;
  }
  schedule();
}

export function startLive() {
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) schedule();
    else tick(); // back to the page: what changed meanwhile, at once
  });
  schedule();
}
