// What the PDF viewer works out without a page (static/reader/pdf_pages.js): which page the page
// box means, where a passage is on a page, and the zoom steps.

import assert from "node:assert/strict";
import { test } from "node:test";

import {
  compact,
  findPassage,
  nextZoom,
  occurrences,
  pageFromInput,
} from "../../static/reader/pdf_pages.js";

const LABELS = ["i", "ii", "iii", "iv", ...Array.from({ length: 30 }, (_, n) => String(n + 1))];

test("the page box takes a printed label first, then a PDF page", () => {
  assert.equal(pageFromInput("19", LABELS, 34), 23);
  assert.equal(pageFromInput(" iv ", LABELS, 34), 4);
  assert.equal(pageFromInput("IV", LABELS, 34), 4);
  assert.equal(pageFromInput("p.19", LABELS, 34), 23);
  assert.equal(pageFromInput("#19", LABELS, 34), 19);
  assert.equal(pageFromInput("pdf 19", LABELS, 34), 19);
  assert.equal(pageFromInput("＃１９", LABELS, 34), 19); // typed with a Japanese keyboard
  assert.equal(pageFromInput("33", LABELS, 34), 33); // no page is printed 33
  assert.equal(pageFromInput("35", LABELS, 34), 0);
  assert.equal(pageFromInput("#0", LABELS, 34), 0);
  assert.equal(pageFromInput("xii", LABELS, 34), 0);
  assert.equal(pageFromInput("", LABELS, 34), 0);
});

test("words are found whatever the spaces, case and width", () => {
  const page = compact("the Korean\nPeninsula and the KOREAN peninsula");
  assert.deepEqual(occurrences(page, compact("korean  peninsula")), [3, 24]);
  assert.deepEqual(occurrences(compact("ｍｏｄｅｌ allies"), compact("model allies")), [0]);
  assert.deepEqual(occurrences(page, ""), []);
});

test("a passage is found whole, or the part of it on each side of a page break", () => {
  const passage = compact("Korea can build a stronger, more mutually beneficial alliance");
  const whole = findPassage(compact("x Korea can build a stronger, more mutually beneficial alliance y"), passage);
  assert.deepEqual(whole, { start: 1, length: passage.length, whole: true });
  const before = compact("the Republic of Korea can build a stronger,") + "20";
  const ends = findPassage(before, passage);
  assert.equal(ends.whole, false);
  assert.equal(before.slice(ends.start, ends.start + ends.length), compact("Korea can build a stronger,"));
  const after = compact("more mutually beneficial alliance that is better aligned");
  const starts = findPassage(after, passage);
  assert.equal(after.slice(starts.start, starts.start + starts.length), compact("more mutually beneficial alliance"));
  assert.equal(findPassage(compact("nothing of it here at all, none"), passage), null);
});

test("zoom steps go up and down from any scale", () => {
  assert.equal(nextZoom(1, 1), 1.1);
  assert.equal(nextZoom(1, -1), 0.9);
  assert.equal(nextZoom(1.37, 1), 1.5);
  assert.equal(nextZoom(1.37, -1), 1.25);
  assert.equal(nextZoom(4, 1), 4);
  assert.equal(nextZoom(0.25, -1), 0.25);
});
