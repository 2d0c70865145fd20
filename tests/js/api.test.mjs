// The annotations API's fetch wrapper (annotations/static/annotations/api.js): every POST carries
// an Idempotency-Key, and is sent once more with the same key after a network failure or a 503,
// waiting Retry-After (at most a few seconds).

import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

import { api, ApiError, timing } from "../../annotations/static/annotations/api.js";
import { readPage } from "../../annotations/static/annotations/state.js";

globalThis.document = {
  getElementById: (id) =>
    id === "annotator-config"
      ? { textContent: JSON.stringify({ csrfToken: "csrf" }) }
      : { dataset: { offline: "The server could not be reached." } },
  querySelector: () => null,
};
readPage();

let sent; // the requests fetch was given: {url, method, headers, body}
let waits; // the waits before a retry, in milliseconds

function answer(status, body = {}, headers = {}) {
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

// fetch answering each request with the next of `answers` (an Error is a network failure).
function serve(...answers) {
  globalThis.fetch = async (url, options) => {
    sent.push({ url, ...options });
    const next = answers.shift();
    if (next instanceof Error) throw next;
    return next;
  };
}

beforeEach(() => {
  sent = [];
  waits = [];
  timing.wait = async (ms) => {
    waits.push(ms);
  };
});

test("a create carries a fresh Idempotency-Key each time", async () => {
  serve(answer(201, { id: 1 }), answer(201, { id: 2 }));
  assert.deepEqual(await api("/api/annotations/", { method: "POST", data: { body: "a" } }), {
    id: 1,
  });
  await api("/api/annotations/", { method: "POST", data: { body: "b" } });
  const [first, second] = sent.map((request) => request.headers["Idempotency-Key"]);
  assert.match(first, /^[0-9a-f-]{32,36}$/);
  assert.notEqual(first, second);
  assert.deepEqual(waits, []);
});

test("a create that met a network failure is sent once more with the same key", async () => {
  serve(new TypeError("Failed to fetch"), answer(201, { id: 7 }));
  const created = await api("/api/annotations/", { method: "POST", data: { body: "a" } });
  assert.deepEqual(created, { id: 7 });
  assert.equal(sent.length, 2);
  assert.equal(sent[0].headers["Idempotency-Key"], sent[1].headers["Idempotency-Key"]);
  assert.equal(sent[1].body, sent[0].body);
  assert.deepEqual(waits, [1000]);
});

test("a 503 is retried after its Retry-After, waiting at most five seconds", async () => {
  serve(answer(503, { detail: "down" }, { "Retry-After": "2" }), answer(201, { id: 8 }));
  assert.deepEqual(await api("/api/annotations/", { method: "POST", data: {} }), { id: 8 });
  serve(answer(503, { detail: "down" }, { "Retry-After": "120" }), answer(201, { id: 9 }));
  await api("/api/annotations/", { method: "POST", data: {} });
  assert.deepEqual(waits, [2000, 5000]);
  assert.equal(sent[2].headers["Idempotency-Key"], sent[3].headers["Idempotency-Key"]);
});

test("it is retried once only: a second failure is the error", async () => {
  serve(answer(503, { detail: "down", field: null }), answer(503, { detail: "still down" }));
  await assert.rejects(
    api("/api/annotations/", { method: "POST", data: {} }),
    (error) => error instanceof ApiError && error.status === 503 && error.message === "still down",
  );
  serve(new TypeError("offline"), new TypeError("offline"));
  await assert.rejects(
    api("/api/annotations/", { method: "POST", data: {} }),
    (error) => error instanceof ApiError && error.status === 0,
  );
  assert.equal(sent.length, 4);
});

test("other answers, and other methods, are not sent again", async () => {
  serve(answer(400, { detail: "body: bad", field: "body" }));
  await assert.rejects(api("/api/annotations/", { method: "POST", data: {} }), /body: bad/);
  serve(answer(503, { detail: "down" }));
  await assert.rejects(api("/api/annotations/1/", { method: "PATCH", data: {} }), /down/);
  serve(new TypeError("offline"));
  await assert.rejects(api("/api/annotations/"), ApiError);
  assert.equal(sent.length, 3);
  assert.equal(sent[1].headers["Idempotency-Key"], undefined);
  assert.deepEqual(waits, []);
});
