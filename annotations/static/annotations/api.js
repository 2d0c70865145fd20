// The annotations API: one fetch wrapper that sends the CSRF token and turns failures into
// ApiError (the server's message and the field it names), the URLs, and loading the document's
// text and its notes into the shared state.

import { mapBlock } from "./blocks.js";
import { config, MSG, state } from "./state.js";

export class ApiError extends Error {
  constructor(detail, field, status) {
    super(detail);
    this.field = field;
    this.status = status;
  }
}

// How long a POST sent again waits: the server's Retry-After (of a 503), at most this many
// seconds, or after a network failure this many milliseconds.
const RETRY_AFTER_MAX_S = 5;
const NETWORK_RETRY_MS = 1000;

// Waiting, replaceable in tests.
export const timing = { wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

// A new Idempotency-Key: a UUID where the browser makes them (secure contexts), else as random.
export function newKey() {
  if (globalThis.crypto?.randomUUID) return globalThis.crypto.randomUUID();
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function retryDelay(response) {
  if (response === null) return NETWORK_RETRY_MS;
  const seconds = Number(response.headers.get("Retry-After"));
  if (!Number.isFinite(seconds) || seconds < 0) return NETWORK_RETRY_MS;
  return Math.min(seconds, RETRY_AFTER_MAX_S) * 1000;
}

// A JSON request to the API; null for 204 No Content. A network failure is an ApiError with
// status 0 and the "offline" message. A POST (a create, a flag, a review) carries an
// Idempotency-Key of its own and is sent once more, with the same key, after a network failure
// or a 503: the server answers a repeat as it answered the first, so that a note whose answer
// was lost is not written twice.
export async function api(url, { method = "GET", data } = {}) {
  const headers = { Accept: "application/json" };
  if (data !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRFToken"] = config.csrfToken;
  const retried = method === "POST";
  if (retried) headers["Idempotency-Key"] = newKey();
  const send = () =>
    fetch(url, {
      method,
      headers,
      credentials: "same-origin",
      body: data === undefined ? undefined : JSON.stringify(data),
    }).catch(() => null);
  let response = await send();
  if (retried && (response === null || response.status === 503)) {
    await timing.wait(retryDelay(response));
    response = await send();
  }
  if (response === null) throw new ApiError(MSG.offline, null, 0);
  if (response.status === 204) return null;
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(body?.detail || response.statusText, body?.field || null, response.status);
  }
  return body;
}

export function annotationUrl(id) {
  return `${config.urls.annotations}${id}/`;
}

export async function loadText() {
  const doc = await api(config.urls.document);
  state.text = doc.text;
  state.claims = doc.claims;
  state.blocks = doc.blocks.map(mapBlock).filter(Boolean);
}

// All the notes on the document the user may see, following the API's pages, by id.
export async function fetchAnnotations() {
  const found = new Map();
  let url = `${config.urls.annotations}?document=${encodeURIComponent(config.document)}`;
  while (url) {
    const page = await api(url);
    for (const annotation of page.results) found.set(annotation.id, annotation);
    url = page.next;
  }
  return found;
}

export async function loadAnnotations() {
  state.annotations = await fetchAnnotations();
}
