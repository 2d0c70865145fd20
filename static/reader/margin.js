// Stacking the items of a margin (notes, annotation cards): each as high as the line of its words,
// pushed down only as far as the item above it requires. Pure, so that it is tested in Node
// (tests/js/margin.test.mjs); static/reader/reader.js measures the page and writes the result.

// `wanted`: [{top, height, order}] in any order (top: the line of the item's words; order: its
// place in the document, which decides between items wanting the same line). Returns the items
// sorted as they stand, each with `at`, where it stands, and the bottom of the last one.
export function stack(wanted, gap) {
  const sorted = [...wanted].sort((a, b) => a.top - b.top || a.order - b.order);
  let floor = 0;
  const placed = sorted.map((item) => {
    const at = Math.max(item.top, floor);
    floor = at + item.height + gap;
    return { ...item, at };
  });
  return { placed, bottom: placed.length ? floor - gap : 0 };
}
