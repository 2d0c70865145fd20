// Laying out the margin beside the text: footnotes first, each at the line of its claim and
// pushed down only as far as the item above it requires; annotation cards among them, each at
// the line of its words, as long as it pushes no footnote out of view (out of the window when
// its claim stands in the middle of it) and stands near its words; a card that cannot is
// collapsed into a marker at its line (a "bucket", as Hypothesis' bucket bar has), which opens
// its cards on demand. Annotations therefore never push a footnote out of view, however many
// there are, and no two items of the margin ever overlap. Pure, so that it is tested in Node
// (tests/js/margin.test.mjs); static/reader/reader.js measures the page and writes the result.

// `wanted`: [{top, height, order}] in any order (top: the line of the item's words; order: its
// place in the document, which decides between items wanting the same line). Returns the items
// sorted as they stand, each with `at`, where it stands, and the bottom of the last one.
export function stack(wanted, gap) {
  const sorted = [...wanted].sort(byLine);
  let floor = 0;
  const placed = sorted.map((item) => {
    const at = Math.max(item.top, floor);
    floor = at + item.height + gap;
    return { ...item, at };
  });
  return { placed, bottom: placed.length ? floor - gap : 0 };
}

function byLine(a, b) {
  return a.top - b.top || a.order - b.order;
}

// The margin for `notes` and `cards` ([{top, height, order}]). A note may have a `budget`: how
// far below its claim's line it may stand and still be in view (reader.js: half the window less
// its height); cards never push it further than that, nor further than the notes alone do. A
// card may be `pinned`: the reader opened it, works in it or unfolded its thread, and it is
// shown whatever it pushes (for as long as the reader works in it). Options: `gap` between two
// items; `reach`, how far below its line a card may stand and still be beside its words;
// `bucketHeight`, the height of a marker.
// Returns {notes, cards, buckets, bottom}: the notes and the cards shown, each with `at`; the
// buckets [{top, at, cards}] holding the cards collapsed, one per line, in the order of the
// text, stacked in a column of their own; and the lowest bottom of them all.
export function layout({ notes, cards, gap, reach, bucketHeight }) {
  const tagged = notes.map((note, index) => ({ ...note, noteIndex: index }));
  const allowed = new Map();
  for (const note of stack(tagged, gap).placed) {
    allowed.set(note.noteIndex, Math.max(note.at - note.top, note.budget ?? Infinity));
  }
  const pinned = cards.filter((card) => card.pinned).sort(byLine);
  const free = cards.filter((card) => !card.pinned).sort(byLine);
  let shown = [];
  let margin = stack(tagged, gap);
  const collapsed = [];
  for (const card of [...pinned, ...free]) {
    const trial = stack([...tagged, ...shown, card], gap);
    const fits = trial.placed.every((item) =>
      item.noteIndex === undefined
        ? item.pinned || item.at - item.top <= reach
        : item.at - item.top <= allowed.get(item.noteIndex),
    );
    if (card.pinned || fits) {
      shown = [...shown, card];
      margin = trial;
    } else {
      collapsed.push(card);
    }
  }
  const buckets = stack(bucketsOf(collapsed.sort(byLine)), Math.round(gap / 4)).placed.map(
    ({ top, at, cards: inside }) => ({ top, at, cards: inside }),
  );
  const bottoms = [margin.bottom, ...buckets.map((bucket) => bucket.at + bucketHeight)];
  return {
    notes: margin.placed
      .filter((item) => item.noteIndex !== undefined)
      .map(({ noteIndex, ...note }) => note),
    cards: margin.placed.filter((item) => item.noteIndex === undefined),
    buckets,
    bottom: Math.max(...bottoms, 0),
  };

  function bucketsOf(held) {
    const lines = [];
    for (const card of held) {
      const line = lines[lines.length - 1];
      if (line && Math.abs(card.top - line.top) < 1) line.cards.push(card);
      else lines.push({ top: card.top, order: card.order, height: bucketHeight, cards: [card] });
    }
    return lines;
  }
}
