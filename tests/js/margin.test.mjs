// The margin's stacking (static/reader/margin.js): each item at the line of its words, pushed down
// only as far as the item above it requires, never over it.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { stack } from "../../static/reader/margin.js";

const GAP = 12;

describe("stacking the margin", () => {
  test("an item with room stands at the line of its words", () => {
    const { placed } = stack(
      [
        { top: 100, height: 50, order: 0 },
        { top: 300, height: 50, order: 1 },
      ],
      GAP,
    );
    assert.deepEqual(
      placed.map((item) => item.at),
      [100, 300],
    );
  });

  test("an item is pushed just under the one above it, no further", () => {
    const { placed, bottom } = stack(
      [
        { top: 100, height: 200, order: 0 },
        { top: 150, height: 40, order: 1 },
        { top: 400, height: 40, order: 2 },
      ],
      GAP,
    );
    assert.deepEqual(
      placed.map((item) => item.at),
      [100, 312, 400],
    );
    assert.equal(bottom, 440);
  });

  test("items stand in the order of their lines, the document's order between equals", () => {
    const { placed } = stack(
      [
        { top: 200, height: 10, order: 0, name: "note 2" },
        { top: 50, height: 10, order: 1, name: "card" },
        { top: 200, height: 10, order: 2, name: "card on the same line" },
      ],
      GAP,
    );
    assert.deepEqual(
      placed.map((item) => item.name),
      ["card", "note 2", "card on the same line"],
    );
    assert.deepEqual(
      placed.map((item) => item.at),
      [50, 200, 222],
    );
  });

  test("an empty margin takes no room", () => {
    assert.deepEqual(stack([], GAP), { placed: [], bottom: 0 });
  });
});
