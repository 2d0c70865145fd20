// What the in-app viewer (viewer.js) works out without a page, so that Node can test it: which
// page the page box means, where words are in a page's text, and the steps of the zoom.

// Text as the viewer compares it: folded as search folds it, with every whitespace removed (PDF
// text breaks lines, and sometimes words, wherever the page broke them).
export function compact(words) {
  return words.normalize("NFKC").toLowerCase().replace(/\s+/g, "");
}

// The one-based PDF page the page box means, or 0: a printed label first ("19", "iv", "IV",
// "p.19"), then "#23" or "pdf 23" for a PDF page, then a number no page is printed with.
export function pageFromInput(input, labels, count) {
  const text = input.normalize("NFKC").trim();
  if (!text) return 0;
  const pdf = text.match(/^(?:#|pdf\s*(?:page)?\s*)(\d+)$/i);
  if (pdf) return inFile(Number(pdf[1]), count);
  const label = text.replace(/^(?:pp?\.|page)\s*/i, "");
  const exact = labels.indexOf(label);
  if (exact >= 0) return exact + 1;
  const folded = labels.findIndex((each) => each && each.toLowerCase() === label.toLowerCase());
  if (folded >= 0) return folded + 1;
  return /^\d+$/.test(label) ? inFile(Number(label), count) : 0;
}

function inFile(number, count) {
  return number >= 1 && number <= count ? number : 0;
}

// Where `needle` starts in `text`, each time, without overlaps.
export function occurrences(text, needle) {
  const found = [];
  if (!needle) return found;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) {
    found.push(at);
  }
  return found;
}

// A passage on a page: all of it ({start, length, whole: true}); else the longest beginning of it
// near the end of the page or the longest end of it near the start of the page (a passage that
// runs over a page break), at least `least` characters long; else null.
export function findPassage(text, needle, least = 20, near = 120) {
  if (!needle) return null;
  const whole = text.indexOf(needle);
  if (whole >= 0) return { start: whole, length: needle.length, whole: true };
  for (let length = needle.length - 1; length >= Math.min(least, needle.length); length -= 1) {
    const head = text.lastIndexOf(needle.slice(0, length));
    if (head >= 0 && text.length - (head + length) <= near) {
      return { start: head, length, whole: false };
    }
    const tail = text.indexOf(needle.slice(needle.length - length));
    if (tail >= 0 && tail <= near) return { start: tail, length, whole: false };
  }
  return null;
}

export const ZOOM_STEPS = [0.25, 0.33, 0.5, 0.67, 0.75, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4];

// The next zoom step up (direction 1) or down (-1) from `scale`.
export function nextZoom(scale, direction) {
  if (direction > 0) return ZOOM_STEPS.find((step) => step > scale * 1.01) ?? ZOOM_STEPS.at(-1);
  return [...ZOOM_STEPS].reverse().find((step) => step < scale * 0.99) ?? ZOOM_STEPS[0];
}

// Replace {name} in a message with its value.
export function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}
