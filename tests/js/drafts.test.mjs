// Drafts kept in the browser (annotations/static/annotations/drafts.js), with a storage that
// behaves as localStorage does.

import assert from "node:assert/strict";
import { test } from "node:test";

import {
  draftKey,
  draftsOf,
  loadDraft,
  removeDraft,
  saveDraft,
} from "../../annotations/static/annotations/drafts.js";

function memoryStorage() {
  const items = new Map();
  return {
    get length() {
      return items.size;
    },
    key: (index) => [...items.keys()][index] ?? null,
    getItem: (key) => (items.has(key) ? items.get(key) : null),
    setItem: (key, value) => items.set(key, String(value)),
    removeItem: (key) => items.delete(key),
  };
}

test("a draft is kept per document and per thing written", () => {
  const target = { start: 3, end: 9, exact: "words" };
  assert.equal(draftKey("doc", { mode: "new", target }), "reader-draft:doc:new:3-9");
  assert.equal(draftKey("doc", { mode: "edit", annotation: { id: 7 } }), "reader-draft:doc:edit:7");
  assert.equal(draftKey("doc", { mode: "reply", parent: { id: 7 } }), "reader-draft:doc:reply:7");
});

test("a saved draft is read back, listed with its document's only, and removed", () => {
  const store = memoryStorage();
  saveDraft("reader-draft:doc:edit:1", { fields: { body: "one" } }, store);
  saveDraft("reader-draft:other:edit:1", { fields: { body: "elsewhere" } }, store);
  store.setItem("unrelated", "x");
  assert.equal(loadDraft("reader-draft:doc:edit:1", store).fields.body, "one");
  assert.deepEqual(
    draftsOf("doc", store).map(({ key }) => key),
    ["reader-draft:doc:edit:1"],
  );
  removeDraft("reader-draft:doc:edit:1", store);
  assert.equal(loadDraft("reader-draft:doc:edit:1", store), null);
  assert.deepEqual(draftsOf("doc", store), []);
});

test("a storage that refuses to keep anything keeps no draft, and nothing breaks", () => {
  const refusing = {
    length: 0,
    key: () => null,
    getItem: () => "{not json",
    setItem: () => {
      throw new Error("QuotaExceededError");
    },
    removeItem: () => {
      throw new Error("SecurityError");
    },
  };
  saveDraft("reader-draft:doc:new:1-2", { fields: {} }, refusing);
  assert.equal(loadDraft("reader-draft:doc:new:1-2", refusing), null);
  removeDraft("reader-draft:doc:new:1-2", refusing);
  assert.deepEqual(draftsOf("doc", null), []);
});
