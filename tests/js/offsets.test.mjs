// Unit tests for annotations/static/annotations/offsets.js, with Node's own test runner:
//   node --test tests/js/
// The module is plain ES module JavaScript with no package.json to say so: Node (20.19+, 22.7+)
// recognises it by its syntax.
//
// The API counts code points; JavaScript strings count UTF-16 units, in which 𠮷 (U+20BB7) and
// most emoji are two units, a surrogate pair, while Japanese kana and common kanji are one.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  codePoints,
  pointsAt,
  sliceByPoints,
  unitsAt,
} from "../../annotations/static/annotations/offsets.js";

const YOSHI = "𠮷"; // outside the BMP: "\u{20BB7}", the pair "\uD842\uDFB7"
const GRIN = "😀"; // outside the BMP: "\u{1F600}"
const JAPANESE = "模範的な同盟国"; // all in the BMP: one unit per character
// Points: 0 𠮷, 1 野, 2 家, 3 で, 4 😀, 5 を, 6 食, 7 べ, 8 た. Units: 𠮷 0–1, 😀 5–6.
const MIXED = `${YOSHI}野家で${GRIN}を食べた`;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe("codePoints", () => {
  test("counts a character outside the BMP once, though it is two UTF-16 units", () => {
    assert.equal(YOSHI.length, 2);
    assert.equal(codePoints(YOSHI), 1);
    assert.equal(GRIN.length, 2);
    assert.equal(codePoints(GRIN), 1);
    assert.equal(MIXED.length, 11);
    assert.equal(codePoints(MIXED), 9);
  });

  test("counts Japanese in the BMP as its length", () => {
    assert.equal(codePoints(JAPANESE), 7);
    assert.equal(codePoints(JAPANESE), JAPANESE.length);
  });

  test("counts the code points of an emoji sequence, not what is drawn", () => {
    assert.equal(codePoints("👍🏽"), 2); // a thumb and a skin tone: four units
    assert.equal(codePoints("👩‍💻"), 3); // woman, zero-width joiner, computer: five units
  });

  test("is 0 for the empty string, and counts a lone surrogate as one", () => {
    assert.equal(codePoints(""), 0);
    assert.equal(codePoints("\uD842"), 1);
    assert.equal(codePoints("a\uDFB7b"), 3);
  });
});

describe("unitsAt", () => {
  test("gives where each code point starts, two units after a surrogate pair", () => {
    const text = `a${YOSHI}b`;
    assert.deepEqual(
      [0, 1, 2, 3].map((p) => unitsAt(text, p)),
      [0, 1, 3, 4],
    );
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 6, 9].map((p) => unitsAt(MIXED, p)),
      [0, 2, 3, 4, 5, 7, 8, 11],
    );
  });

  test("is the identity in Japanese text", () => {
    for (let p = 0; p <= JAPANESE.length; p += 1) assert.equal(unitsAt(JAPANESE, p), p);
  });

  test("stops at the end of the text, and at 0 before its start", () => {
    assert.equal(unitsAt(MIXED, 10), MIXED.length);
    assert.equal(unitsAt(MIXED, 1000), MIXED.length);
    assert.equal(unitsAt(MIXED, -1), 0);
    assert.equal(unitsAt(`${YOSHI}`, 2), 2);
  });

  test("is 0 in the empty string", () => {
    assert.equal(unitsAt("", 0), 0);
    assert.equal(unitsAt("", 3), 0);
  });

  test("steps over a lone surrogate as one unit", () => {
    assert.equal(unitsAt("\uD842a", 1), 1);
    assert.equal(unitsAt("\uD842a", 2), 2);
  });
});

describe("pointsAt", () => {
  test("counts the code points before a unit", () => {
    const text = `a${YOSHI}b`;
    assert.equal(pointsAt(text, 0), 0);
    assert.equal(pointsAt(text, 1), 1); // before the pair
    assert.equal(pointsAt(text, 3), 2); // after the pair
    assert.equal(pointsAt(text, 4), 3);
    assert.equal(pointsAt(MIXED, 5), 4); // before 😀
    assert.equal(pointsAt(MIXED, 7), 5); // after 😀
  });

  test("counts the whole pair for a unit between its two halves", () => {
    assert.equal(pointsAt(`a${YOSHI}b`, 2), 2);
    assert.equal(pointsAt(MIXED, 1), 1);
    assert.equal(pointsAt(MIXED, 6), 5);
  });

  test("is the inverse of unitsAt at every code point", () => {
    for (const text of [MIXED, JAPANESE, `${GRIN}${GRIN}`, "👩‍💻 ok", ""]) {
      for (let p = 0; p <= codePoints(text); p += 1) {
        assert.equal(pointsAt(text, unitsAt(text, p)), p, `${text} at ${p}`);
      }
    }
  });

  test("counts all of the text past its end, and nothing in the empty string", () => {
    assert.equal(pointsAt(MIXED, 100), 9);
    assert.equal(pointsAt("", 0), 0);
    assert.equal(pointsAt("", 5), 0);
  });
});

describe("sliceByPoints", () => {
  test("takes code points, where slicing UTF-16 units would take other characters", () => {
    assert.equal(sliceByPoints(MIXED, 4, 5), GRIN);
    assert.equal(MIXED.slice(4, 5), "で");
    assert.equal(sliceByPoints(MIXED, 0, 1), YOSHI);
    assert.equal(sliceByPoints(MIXED, 1, 3), "野家");
    assert.equal(sliceByPoints(MIXED, 3, 6), `で${GRIN}を`);
    assert.equal(sliceByPoints(MIXED, 5, 9), "を食べた");
    assert.equal(sliceByPoints(MIXED, 0, 9), MIXED);
  });

  test("slices Japanese in the BMP as String.prototype.slice does", () => {
    assert.equal(sliceByPoints(JAPANESE, 4, 7), "同盟国");
    assert.equal(sliceByPoints(JAPANESE, 0, 2), JAPANESE.slice(0, 2));
  });

  test("agrees with slicing the array of code points, and never splits a pair", () => {
    const text = `${MIXED} 👩‍💻${YOSHI}`;
    const chars = Array.from(text);
    for (let start = 0; start <= chars.length + 1; start += 1) {
      for (let end = 0; end <= chars.length + 1; end += 1) {
        const slice = sliceByPoints(text, start, end);
        assert.equal(slice, chars.slice(start, end).join(""), `[${start}, ${end})`);
        assert.doesNotMatch(slice, LONE_SURROGATE, `[${start}, ${end})`);
      }
    }
  });

  test("is empty for an empty range, an end before the start and the empty string", () => {
    assert.equal(sliceByPoints(MIXED, 4, 4), "");
    assert.equal(sliceByPoints(MIXED, 5, 4), "");
    assert.equal(sliceByPoints("", 0, 0), "");
    assert.equal(sliceByPoints("", 0, 3), "");
  });

  test("is cut at the end of the text", () => {
    assert.equal(sliceByPoints(MIXED, 6, 100), "食べた");
    assert.equal(sliceByPoints(MIXED, 9, 12), "");
    assert.equal(sliceByPoints(MIXED, 20, 30), "");
  });
});
