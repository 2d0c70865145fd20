// The annotation modules (annotations/static/annotations/) touch the page only when
// static/reader/annotate.js, the entry point, calls them: each imports in Node, where there is no
// document. And every module the entry point imports is there, at the path its URL resolves to.

import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const MODULES = join(ROOT, "annotations/static/annotations");
const ENTRY = join(ROOT, "static/reader/annotate.js");

describe("the annotation modules", () => {
  const names = readdirSync(MODULES).filter((name) => name.endsWith(".js"));

  test("are there", () => {
    assert.ok(names.includes("offsets.js"), names.join(", "));
    assert.ok(names.length > 1, names.join(", "));
  });

  for (const name of names) {
    test(`${name} imports without a page`, async () => {
      assert.equal(typeof globalThis.document, "undefined");
      const module = await import(pathToFileURL(join(MODULES, name)));
      assert.ok(Object.keys(module).length, `${name} exports nothing`);
    });
  }
});

test("what annotate.js imports exists under the static directories it is served from", () => {
  const source = readFileSync(ENTRY, "utf8");
  const specifiers = [...source.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
  assert.ok(specifiers.length, "annotate.js imports nothing");
  for (const specifier of specifiers) {
    // /static/reader/annotate.js imports ../annotations/x.js: /static/annotations/x.js.
    const url = new URL(specifier, "http://reader.test/static/reader/annotate.js");
    assert.match(url.pathname, /^\/static\/annotations\/[\w-]+\.js$/, specifier);
    const file = join(MODULES, url.pathname.slice("/static/annotations/".length));
    assert.ok(existsSync(file), `${specifier} is not ${file}`);
  }
});

describe("the search highlight (static/reader/hits.js)", () => {
  test("reads a query as the server does: words, quoted phrases, folded, once each", async () => {
    const { queryWords } = await import(pathToFileURL(join(ROOT, "static/reader/hits.js")));
    assert.deepEqual(queryWords('"model  allies" 同盟 ＭＯＤＥＬ 同盟'), ["model allies", "同盟", "model"]);
    assert.deepEqual(queryWords("“日米 同盟”　韓国"), ["日米 同盟", "韓国"]);
    assert.deepEqual(queryWords('"unclosed phrase'), ["unclosed", "phrase"]);
    assert.deepEqual(queryWords("、 同盟"), ["同盟"]);
  });
});
