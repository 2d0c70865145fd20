// Laying out the margin beside the text: footnotes first, each at the line of its claim and
// pushed down only by the notes above it; annotation cards in the room the notes leave, each
// near the line of its words or, where there is no room near it, collapsed into a marker at
// that line (a "bucket", as Hypothesis' bucket bar has), which opens its cards on demand.
// Annotations therefore never move a footnote, however many there are, and no two items of the
// margin ever overlap. Pure, so that it is tested in Node (tests/js/margin.test.mjs);
// static/reader/reader.js measures the page and writes the result.

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

// Where an item of `height` that wants to stand at `top` fits between the `taken` intervals
// ([start, end], sorted by start, never overlapping) with `gap` around each: the place nearest
// its line, at most `reach` below it or half that above it (the lower of two equally near);
// null when there is none.
export function fit(taken, top, height, gap, reach) {
  let best = null;
  let floor = 0; // the top of the free stretch being looked at
  for (const [start, end] of [...taken, [Infinity, Infinity]]) {
    const ceiling = start - gap; // the bottom of that stretch
    if (ceiling - floor >= height) {
      const at = Math.min(Math.max(top, floor), ceiling - height);
      const off = at - top;
      const nearer = best === null || Math.abs(off) <= Math.abs(best - top);
      if (off <= reach && -off <= reach / 2 && nearer) best = at;
    }
    floor = Math.max(floor, end + gap);
  }
  return best;
}

function take(taken, start, end) {
  const at = taken.findIndex(([s]) => s > start);
  taken.splice(at < 0 ? taken.length : at, 0, [start, end]);
}

// The margin for `notes` and `cards` ([{top, height, order}]; a card may be `pinned`: the
// reader opened it, works in it or unfolded its thread). Options: `gap` between two items;
// `reach`, how far below its line a card may stand and still be beside its words;
// `bucketHeight`, the height of a marker. A card that finds no room within reach of its line is
// collapsed into its line's marker, unless it is pinned: then it stands at its line as a note
// does, and what is under it makes room (for as long as the reader works in it).
// Returns {notes, cards, buckets, bottom}: the notes and the cards shown, each with `at`; the
// buckets [{top, at, cards}] holding the cards that did not fit, one per line, in the order of
// the text; and the lowest bottom of them all.
export function layout({ notes, cards, gap, reach, bucketHeight }) {
  const pinned = cards.filter((card) => card.pinned).sort(byLine);
  const free = cards.filter((card) => !card.pinned).sort(byLine);
  const standing = new Set(); // pinned cards that stand at their line among the notes
  let fixed;
  let taken;
  let shown;
  let settled = false;
  while (!settled) {
    fixed = stack([...notes, ...[...standing].map((card) => ({ ...card, standing: true }))], gap);
    taken = fixed.placed.map((item) => [item.at, item.at + item.height]);
    shown = fixed.placed.filter((item) => item.standing);
    settled = true;
    for (const card of pinned) {
      if (standing.has(card)) continue;
      const at = fit(taken, card.top, card.height, gap, reach);
      if (at === null) {
        standing.add(card);
        settled = false;
        break;
      }
      take(taken, at, at + card.height);
      shown.push({ ...card, at });
    }
  }
  const collapsed = [];
  for (const card of free) {
    const at = fit(taken, card.top, card.height, gap, reach);
    if (at === null) {
      collapsed.push(card);
      continue;
    }
    take(taken, at, at + card.height);
    shown.push({ ...card, at });
  }
  shown.sort(byLine);
  const placedNotes = fixed.placed.filter((item) => !item.standing);
  const buckets = stack(bucketsOf(collapsed), Math.round(gap / 4)).placed.map(
    ({ top, at, cards: inside }) => ({ top, at, cards: inside }),
  );
  const bottoms = [
    fixed.bottom,
    ...shown.map((card) => card.at + card.height),
    ...buckets.map((bucket) => bucket.at + bucketHeight),
  ];
  return { notes: placedNotes, cards: shown, buckets, bottom: Math.max(...bottoms, 0) };

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
