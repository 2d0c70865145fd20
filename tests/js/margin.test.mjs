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

// The whole margin (layout): the footnotes first, the annotation cards in the room they leave.

const OPTIONS = { gap: GAP, reach: 100, bucketHeight: 20 };

function overlapping(boxes) {
  const sorted = [...boxes].sort((a, b) => a[0] - b[0]);
  return sorted.some(([, end], i) => i + 1 < sorted.length && end > sorted[i + 1][0]);
}

function boxesOf({ notes, cards }) {
  return [...notes, ...cards].map((item) => [item.at, item.at + item.height]);
}

describe("laying out the margin", () => {
  test("a note stands at its claim's line however many cards want the same place", () => {
    const cards = Array.from({ length: 40 }, (_, n) => ({ top: 100 + n, height: 80, order: n }));
    const notes = [
      { top: 120, height: 60, order: 0, name: "note 1" },
      { top: 600, height: 60, order: 41, name: "note 2" },
    ];
    const margin = layout({ notes, cards, ...OPTIONS });
    assert.deepEqual(
      margin.notes.map((note) => note.at),
      [120, 600],
    );
    assert.equal(overlapping(boxesOf(margin)), false);
  });

  test("a card stands at its line when there is room, and in the room left near it", () => {
    const notes = [{ top: 100, height: 50, order: 1 }];
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
    assert.deepEqual(margin.buckets, []);
  });

  test("a card takes the room nearest its line, a little above it rather than far below", () => {
    const notes = [
      { top: 0, height: 100, order: 0 },
      { top: 200, height: 300, order: 2 },
    ];
    const card = { top: 150, height: 60, order: 1 };
    const margin = layout({ notes, cards: [card], ...OPTIONS });
    assert.deepEqual(
      margin.cards.map((placed) => placed.at),
      [128],
    );
  });

  test("a card with no room within reach of its line is collapsed into a bucket at the line", () => {
    const notes = [{ top: 0, height: 500, order: 0 }];
    const cards = [
      { top: 50, height: 40, order: 1, name: "a" },
      { top: 50, height: 40, order: 2, name: "b" },
      { top: 450, height: 40, order: 3, name: "c" },
    ];
    const margin = layout({ notes, cards, ...OPTIONS });
    assert.deepEqual(
      margin.cards.map((card) => card.name),
      ["c"],
    );
    assert.equal(margin.cards[0].at, 512);
    assert.deepEqual(
      margin.buckets.map((bucket) => [bucket.at, bucket.cards.map((card) => card.name)]),
      [[50, ["a", "b"]]],
    );
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

  test("a pinned card has the room near its line before the others", () => {
    const notes = [{ top: 0, height: 300, order: 0 }];
    const cards = [
      { top: 300, height: 60, order: 4, name: "first" },
      { top: 260, height: 70, order: 3, name: "pinned", pinned: true },
    ];
    const margin = layout({ notes, cards, ...OPTIONS });
    assert.deepEqual(
      margin.cards.map((card) => [card.name, card.at]),
      [
        ["pinned", 312],
        ["first", 394],
      ],
    );
  });

  test("a card grown too tall for its room collapses, or, pinned, stands at its line", () => {
    const notes = [
      { top: 0, height: 100, order: 0, name: "note 1" },
      { top: 200, height: 100, order: 2, name: "note 2" },
      { top: 900, height: 100, order: 3, name: "note 3" },
    ];
    const grown = { top: 110, height: 150, order: 1, name: "card" };
    const free = layout({ notes, cards: [grown], ...OPTIONS });
    assert.deepEqual(free.cards, []);
    assert.deepEqual(
      free.notes.map((note) => note.at),
      [0, 200, 900],
    );
    assert.equal(free.buckets[0].at, 110);
    // The reader works in it: it stays at its line, and the note under it makes room, as far
    // as it must and no further; the notes below that one keep their place.
    const pinned = layout({ notes, cards: [{ ...grown, pinned: true }], ...OPTIONS });
    assert.deepEqual(
      pinned.cards.map((card) => card.at),
      [112],
    );
    assert.deepEqual(
      pinned.notes.map((note) => [note.name, note.at]),
      [
        ["note 1", 0],
        ["note 2", 274],
        ["note 3", 900],
      ],
    );
    assert.deepEqual(pinned.buckets, []);
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

  test("many cards and notes at random lines never overlap, and notes never move for cards", () => {
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
      }));
      const cards = Array.from({ length: 40 }, (_, n) => ({
        top: Math.round(random() * 3000),
        height: 30 + Math.round(random() * 150),
        order: 10 + n,
        pinned: random() < 0.1,
      }));
      const margin = layout({ notes, cards, ...OPTIONS });
      if (!cards.some((card) => card.pinned)) {
        assert.deepEqual(margin.notes, stack(notes, GAP).placed);
      }
      assert.equal(overlapping(boxesOf(margin)), false);
      const held = margin.buckets.flatMap((bucket) => bucket.cards).length;
      assert.equal(margin.cards.length + held, cards.length);
      for (const card of margin.cards) {
        if (card.pinned) continue;
        assert.ok(card.at - card.top <= OPTIONS.reach, "a card too far below its line");
        assert.ok(card.top - card.at <= OPTIONS.reach / 2, "a card too far above its line");
      }
    }
  });
});
