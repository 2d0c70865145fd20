// Offsets in the document's text. The API counts Unicode code points; JavaScript strings count
// UTF-16 code units, in which a character outside the Basic Multilingual Plane (𠮷, an emoji) is
// two units, a surrogate pair. These convert between the two wherever they meet.
//
// Pure functions over strings, with no access to the page: Node imports this module for the unit
// tests (tests/js/offsets.test.mjs).

// How many code points `text` holds (a lone surrogate counts as one).
export function codePoints(text) {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

// The UTF-16 units taken by the first `points` code points of `text`: where code point `points`
// starts. Past the end of the text, the end; before its start, 0.
export function unitsAt(text, points) {
  let units = 0;
  for (let seen = 0; seen < points && units < text.length; seen += 1) {
    units += text.codePointAt(units) > 0xffff ? 2 : 1;
  }
  return units;
}

// The code points before UTF-16 unit `units` (0 to text.length) of `text`: the inverse of
// unitsAt. A unit inside a surrogate pair counts the whole pair; past the end, all of the text.
export function pointsAt(text, units) {
  return codePoints(text.slice(0, units));
}

// The code points [start, end) of `text` (offsets from 0): cut at the end of the text, empty
// when end is not after start.
export function sliceByPoints(text, start, end) {
  const from = unitsAt(text, start);
  return text.slice(from, from + unitsAt(text.slice(from), end - start));
}
