// The margin's stacking (static/reader/margin.js): each item at the line of its words, pushed down
// only as far as the item above it requires, never over it.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { layout, stack } from "../../static/reader/margin.js";

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

// The whole margin (layout): the footnotes first, the annotation cards among them as long as
// they push no footnote out of view.

const OPTIONS = { gap: GAP, reach: 100, bucketHeight: 20 };

function overlapping(boxes) {
  const sorted = [...boxes].sort((a, b) => a[0] - b[0]);
  return sorted.some(([, end], i) => i + 1 < sorted.length && end > sorted[i + 1][0]);
}

function boxesOf({ notes, cards }) {
  return [...notes, ...cards].map((item) => [item.at, item.at + item.height]);
}

describe("laying out the margin", () => {
  test("a card with room stands at its line and pushes what is under it, within budgets", () => {
    const notes = [{ top: 100, height: 50, order: 1, budget: 100, name: "note" }];
    const cards = [
      { top: 40, height: 40, order: 0, name: "before the note" },
      { top: 120, height: 40, order: 2, name: "beside the note" },
    ];
    const margin = layout({ notes, cards, ...OPTIONS });
    assert.deepEqual(
      margin.cards.map((card) => [card.name, card.at]),
      [
        ["before the note", 40],
        ["beside the note", 162],
      ],
    );
    assert.deepEqual(
      margin.notes.map((note) => [note.name, note.at]),
      [["note", 100]],
    );
    assert.deepEqual(margin.buckets, []);
  });

  test("a card that would push a note past its budget collapses into a marker at its line", () => {
    const notes = [
      { top: 0, height: 80, order: 0, budget: 300, name: "note 1" },
      { top: 100, height: 80, order: 2, budget: 30, name: "note 2" },
    ];
    const cards = [
      { top: 50, height: 60, order: 1, name: "a" },
      { top: 50, height: 40, order: 1.5, name: "b" },
      { top: 150, height: 40, order: 3, name: "c" },
    ];
    const margin = layout({ notes, cards, ...OPTIONS });
    // a: at 92, pushes note 2 to 164 (64 > 30): collapsed; b: at 92, note 2 to 144 (44): too;
    // c: under note 2, which it does not move.
    assert.deepEqual(
      margin.notes.map((note) => note.at),
      [0, 100],
    );
    assert.deepEqual(
      margin.cards.map((card) => [card.name, card.at]),
      [["c", 192]],
    );
    assert.deepEqual(
      margin.buckets.map((bucket) => [bucket.at, bucket.cards.map((card) => card.name)]),
      [[50, ["a", "b"]]],
    );
  });

  test("cards never push a note further than the notes alone push it, even with no budget", () => {
    const notes = [
      { top: 0, height: 200, order: 0, budget: 0 },
      { top: 100, height: 50, order: 2, budget: 0 },
    ];
    const cards = [{ top: 190, height: 30, order: 3 }];
    const margin = layout({ notes, cards, ...OPTIONS });
    assert.deepEqual(
      margin.notes.map((note) => note.at),
      [0, 212],
    );
    assert.deepEqual(
      margin.cards.map((card) => card.at),
      [274],
    );
  });

  test("a card pushed more than `reach` below its line by the notes is collapsed", () => {
    const notes = [{ top: 0, height: 500, order: 0 }];
    const cards = [
      { top: 50, height: 40, order: 1 },
      { top: 450, height: 40, order: 2 },
    ];
    const margin = layout({ notes, cards, ...OPTIONS });
    assert.deepEqual(
      margin.cards.map((card) => card.at),
      [512],
    );
    assert.equal(margin.buckets[0].at, 50);
  });

  test("buckets on neighbouring lines are stacked, never over each other", () => {
    const notes = [{ top: 0, height: 1000, order: 0 }];
    const cards = [10, 15, 20].map((top, order) => ({ top, height: 40, order: order + 1 }));
    const { buckets } = layout({ notes, cards, ...OPTIONS });
    assert.deepEqual(
      buckets.map((bucket) => bucket.at),
      [10, 33, 56],
    );
  });

  test("a pinned card is shown at its line whatever it pushes, and first", () => {
    const notes = [
      { top: 0, height: 100, order: 0, budget: 10, name: "note 1" },
      { top: 200, height: 100, order: 3, budget: 10, name: "note 2" },
    ];
    const cards = [
      { top: 110, height: 50, order: 1, name: "free" },
      { top: 120, height: 150, order: 2, name: "pinned", pinned: true },
    ];
    const margin = layout({ notes, cards, ...OPTIONS });
    assert.deepEqual(
      margin.cards.map((card) => [card.name, card.at]),
      [["pinned", 120]],
    );
    assert.deepEqual(
      margin.notes.map((note) => [note.name, note.at]),
      [
        ["note 1", 0],
        ["note 2", 282],
      ],
    );
    assert.deepEqual(
      margin.buckets.map((bucket) => bucket.cards.map((card) => card.name)),
      [["free"]],
    );
  });

  test("the margin's bottom is the lowest of its items", () => {
    const margin = layout({
      notes: [{ top: 0, height: 50, order: 0 }],
      cards: [{ top: 30, height: 40, order: 1 }],
      ...OPTIONS,
    });
    assert.equal(margin.bottom, 102);
    assert.equal(layout({ notes: [], cards: [], ...OPTIONS }).bottom, 0);
  });

  test("many cards and notes at random lines: no overlap, no note pushed past its budget", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    for (let round = 0; round < 50; round += 1) {
      const notes = Array.from({ length: 10 }, (_, n) => ({
        top: Math.round(random() * 3000),
        height: 40 + Math.round(random() * 200),
        order: n,
        budget: 450 - 240,
      }));
      const cards = Array.from({ length: 40 }, (_, n) => ({
        top: Math.round(random() * 3000),
        height: 30 + Math.round(random() * 150),
        order: 10 + n,
      }));
      const margin = layout({ notes, cards, ...OPTIONS });
      const alone = stack(notes, GAP).placed;
      assert.equal(overlapping(boxesOf(margin)), false);
      for (const [n, note] of margin.notes.entries()) {
        assert.ok(note.at - note.top <= Math.max(alone[n].at - alone[n].top, note.budget));
      }
      const held = margin.buckets.flatMap((bucket) => bucket.cards).length;
      assert.equal(margin.cards.length + held, cards.length);
      for (const card of margin.cards) {
        assert.ok(card.at >= card.top && card.at - card.top <= OPTIONS.reach);
      }
      assert.ok(margin.cards.length > 0);
    }
  });
});
