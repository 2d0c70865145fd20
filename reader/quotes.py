"""Find a quotation in the text of a source's pages, whatever the line breaks, hyphenation,
spacing, quotation marks or letter case of the text extracted from the file.

Text is compared folded: NFKC, case folded, letters and digits only. A quotation may leave words
out ((中略), …, [...]) or add the quoter's own words in brackets (〔…〕, [...]): it is cut there,
and its pieces must appear in order.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

ELISION_RE = re.compile(r"[（(]中略[）)]|〔[^〕]*〕|\[[^\]]*\]|…+|\.{3,}")
# Pieces shorter than this (folded) are too common to tell anything.
MIN_PIECE = 2


def fold(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


def pieces(quotation: str) -> list[str]:
    folded = (fold(part) for part in ELISION_RE.split(quotation))
    return [piece for piece in folded if len(piece) >= MIN_PIECE]


def find_quotation(quotation: str, pages: Sequence[tuple[str, str]]) -> list[str] | None:
    """The labels of the pages (label, text) the quotation runs over, in order; None when the
    quotation is not there. Pages are read as one text, so a quotation may cross a page break."""
    wanted = pieces(quotation)
    if not wanted:
        return None
    ends: list[int] = []  # where each page ends in the joined folded text
    folded_pages: list[str] = []
    for _, text in pages:
        folded_pages.append(fold(text))
        ends.append((ends[-1] if ends else 0) + len(folded_pages[-1]))
    span = _tightest_match(wanted, "".join(folded_pages))
    if span is None:
        return None
    start, stop = span
    first = next(i for i, end in enumerate(ends) if end > start)
    last = next(i for i, end in enumerate(ends) if end >= stop)
    return [label for label, _ in pages[first : last + 1]]


def _tightest_match(wanted: list[str], text: str) -> tuple[int, int] | None:
    """The shortest span of `text` that holds the pieces in order (the first piece may also
    occur earlier, away from the quotation)."""
    best: tuple[int, int] | None = None
    limit = len(text)  # a later start finds the same second piece: no tighter span
    start = text.find(wanted[0])
    while 0 <= start < limit:
        position = start
        for index, piece in enumerate(wanted):
            found = text.find(piece, position)
            if found < 0:
                return best
            if index == 1:
                limit = found
            position = found + len(piece)
        if best is None or position - start < best[1] - best[0]:
            best = (start, position)
        if len(wanted) == 1:
            break
        start = text.find(wanted[0], start + 1)
    return best
