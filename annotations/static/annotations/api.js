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

// A JSON request to the API; null for 204 No Content. A network failure is an ApiError with
// status 0 and the "offline" message.
export async function api(url, { method = "GET", data } = {}) {
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
