"""Printed page labels and page ranges: the one place that knows how pages are numbered.

A label is what is printed on a page: a number (19), a roman numeral (iii, IV) or anything else a
file gives (A-3, pdf-50). A range runs from a first label to a last; numbers compare as numbers,
other labels only by their place in a file (`order`, the labels in file order) or by equality.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_RANGE = 1000  # pages; a wider numeric range is expanded to its two ends only
ROMAN = [
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
    (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
]  # fmt: skip
ROMAN_RE = re.compile(r"^m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")


@dataclass(frozen=True)
class PageRange:
    """Pages `first` to `last` as printed; one page when they are equal, none when `first` is
    empty. `last` defaults to `first`."""

    first: str = ""
    last: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "last", self.last or self.first)

    def __bool__(self) -> bool:
        return bool(self.first)

    def __str__(self) -> str:
        """The range as printed everywhere: p.19, pp.20–21 (empty for no pages)."""
        if not self.first:
            return ""
        return f"pp.{self.first}–{self.last}" if self.last != self.first else f"p.{self.first}"

    @property
    def numbers(self) -> tuple[int, int] | None:
        """The first and last page as numbers, when both are numbers."""
        if self.first.isdigit() and self.last.isdigit():
            return int(self.first), int(self.last)
        return None

    def covers(self, label: str) -> bool:
        """Whether the page `label` is in the range."""
        numbers = self.numbers
        if numbers is not None and label.isdigit():
            return numbers[0] <= int(label) <= numbers[1]
        return bool(label) and label in (self.first, self.last)

    def overlaps(self, other: PageRange, order: Mapping[str, int | None] | None = None) -> bool:
        """Whether the two ranges share a page: by number, else by the pages' places in the file
        (`order` maps labels to file positions), else when they begin on the same page."""
        if not self or not other:
            return False
        mine, theirs = self.numbers, other.numbers
        if mine is not None and theirs is not None:
            return mine[0] <= theirs[1] and theirs[0] <= mine[1]
        if order is not None:
            ends = (self.first, self.last, other.first, other.last)
            first, last, start, end = (order.get(label) for label in ends)
            if first is None or last is None or start is None or end is None:
                return False
            return start <= last and first <= end
        return self.first == other.first

    def labels(self, limit: int = MAX_RANGE) -> list[str]:
        """Every label in the range: each number of a numeric range (narrower than `limit`),
        else its two ends."""
        numbers = self.numbers
        if numbers is not None and 0 <= numbers[1] - numbers[0] < limit:
            return [str(number) for number in range(numbers[0], numbers[1] + 1)]
        return list(dict.fromkeys(label for label in (self.first, self.last) if label))

    def within(self, order: Sequence[str]) -> range | None:
        """The positions in `order` (a file's labels, in file order) from the first page to the
        last; None when the file lacks either."""
        if self.first not in order or self.last not in order:
            return None
        return range(order.index(self.first), order.index(self.last) + 1)


def is_page_number(label: str) -> bool:
    """Whether the label is a number or a roman numeral, which later pages count on from."""
    return label.isdigit() or bool(label and ROMAN_RE.match(label.lower()))


def numbered_from(first: str, count: int) -> list[str]:
    """Labels for `count` pages numbered on from `first`: 5, 6, 7… or iii, iv, v…"""
    if first.isdigit():
        return [str(int(first) + offset) for offset in range(count)]
    start = roman_value(first.lower())
    labels = [roman(start + offset) for offset in range(count)]
    return [label.upper() for label in labels] if first.isupper() else labels


def roman(number: int) -> str:
    out = []
    for value, letters in ROMAN:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def roman_value(numeral: str) -> int:
    total, rest = 0, numeral
    for value, letters in ROMAN:
        while rest.startswith(letters):
            total, rest = total + value, rest[len(letters) :]
    return total


def label_runs(labels: Iterable[str]) -> str:
    """Print labels as runs: i–iv, 1–44, pdf-50."""
    runs: list[list[str]] = []
    for label in labels:
        if runs and _follows(runs[-1][-1], label):
            runs[-1].append(label)
        else:
            runs.append([label])
    return ", ".join(run[0] if len(run) == 1 else f"{run[0]}–{run[-1]}" for run in runs)


def pages_of(labels: Sequence[str]) -> str:
    """Some pages, as printed in a message: p.19, or pp.19–21, 40."""
    return f"p.{labels[0]}" if len(labels) == 1 else f"pp.{label_runs(labels)}"


def _follows(previous: str, label: str) -> bool:
    if previous.isdigit() and label.isdigit():
        return int(label) == int(previous) + 1
    pair = (previous.lower(), label.lower())
    if all(part and ROMAN_RE.match(part) for part in pair):
        return roman_value(pair[1]) == roman_value(pair[0]) + 1
    return False


# --- how a file is numbered ---------------------------------------------------------------------

LABEL_LENGTH = 20  # characters at most: reader.models.SourcePage.label
MAX_NUMBERING = 2000  # characters of a numbering as written
MAX_NUMBERED_RANGES = 200
NUMBERING_PARTS = re.compile(r"[,;\n、，；]+")
DASHES = "-‐‑‒–—―~〜～−"
PDF_PAGES_RE = re.compile(rf"^(\d+)(?:\s*[{DASHES}]\s*(\d*))?$")
PREFIXED_RE = re.compile(r"^(.*?)(\d+)$")


class PageNumberingError(ValueError):
    """A numbering that cannot number the file; the message names the part at fault."""


@dataclass(frozen=True)
class NumberedPages:
    """PDF pages `first` to `last` (one-based; `last` None: up to the next range or the end of
    the file), printed `label` on the first and counting on from it (5, 6…; iii, iv…; A-1, A-2…)."""

    first: int
    last: int | None
    label: str

    def __str__(self) -> str:
        pages = f"{self.first}–{self.last}" if self.last and self.last != self.first else ""
        return f"{pages or self.first}: {self.label}"


@dataclass(frozen=True)
class PageNumbering:
    """How the pages of a file without page labels of its own are printed, as ranges, in the
    analyst's words: "1–4: i, 5: 1" says that PDF pages 1–4 are i–iv and that PDF page 5 is
    printed page 1 (and the pages after it 2, 3…). A page no range covers has no printed label."""

    ranges: tuple[NumberedPages, ...] = (NumberedPages(1, None, "1"),)

    def __str__(self) -> str:
        return ", ".join(str(part) for part in self.ranges)

    @classmethod
    def starting_at(cls, label: str) -> PageNumbering:
        """Every page, numbered on from `label` on the first."""
        return cls((NumberedPages(1, None, label),))

    @classmethod
    def parse(cls, text: str) -> PageNumbering:
        """Read a numbering as written ("1–4: i, 5: 1"; an empty one numbers from 1). Ranges are
        separated by commas, semicolons or lines; the printed side may be a range too (1–4:
        i–iv), which says where the PDF range ends."""
        text = unicodedata.normalize("NFKC", text).strip()
        if len(text) > MAX_NUMBERING:
            raise PageNumberingError(
                _("The numbering is longer than %(limit)s characters: give fewer ranges.")
                % {"limit": MAX_NUMBERING}
            )
        parts = [part.strip() for part in NUMBERING_PARTS.split(text) if part.strip()]
        if not parts:
            return cls()
        if len(parts) > MAX_NUMBERED_RANGES:
            raise PageNumberingError(
                _("The numbering has %(count)s ranges: give at most %(limit)s.")
                % {"count": len(parts), "limit": MAX_NUMBERED_RANGES}
            )
        ranges: list[NumberedPages] = []
        for part in parts:
            numbered = _numbered_pages(part)
            if ranges and numbered.first <= (ranges[-1].last or ranges[-1].first):
                raise PageNumberingError(
                    _(
                        "“%(part)s” starts at PDF page %(page)s, within the range before it: "
                        "give the ranges in the order of the file, without overlap."
                    )
                    % {"part": part, "page": numbered.first}
                )
            ranges.append(numbered)
        return cls(tuple(ranges))

    @classmethod
    def from_json(cls, data: object) -> PageNumbering:
        """The numbering stored as `to_json` wrote it (the default one for anything else)."""
        if not isinstance(data, list) or not data:
            return cls()
        try:
            return cls(tuple(NumberedPages(r["first"], r.get("last"), r["label"]) for r in data))
        except (KeyError, TypeError):
            return cls()

    def to_json(self) -> list[dict[str, object]]:
        return [{"first": r.first, "last": r.last, "label": r.label} for r in self.ranges]

    def labels(self, count: int) -> list[str]:
        """The printed label of each of `count` pages ("" where no range numbers it); refused when
        a range lies beyond the file, a label that is no number names several pages, or two
        pages would get the same label."""
        labels = [""] * count
        for place, numbered in enumerate(self.ranges):
            following = self.ranges[place + 1].first - 1 if place + 1 < len(self.ranges) else count
            last = numbered.last or following
            if numbered.first > count or last > count:
                raise PageNumberingError(
                    _("“%(part)s”: the file has %(count)s pages, no PDF page %(page)s.")
                    % {"part": numbered, "count": count, "page": max(numbered.first, last)}
                )
            if last > numbered.first and not counts_on(numbered.label):
                raise PageNumberingError(
                    _(
                        "“%(label)s” is neither a number nor a roman numeral: it can be printed "
                        "on one page only, not on PDF pages %(first)s–%(last)s."
                    )
                    % {"label": numbered.label, "first": numbered.first, "last": last}
                )
            for offset in range(last - numbered.first + 1):
                labels[numbered.first - 1 + offset] = count_on(numbered, offset)
        _refuse_repeats(labels)
        return labels


def counts_on(label: str) -> bool:
    """Whether the pages after one printed `label` can be numbered on from it."""
    return is_page_number(label) or PREFIXED_RE.match(label) is not None


def count_on(numbered: NumberedPages, offset: int) -> str:
    """The label `offset` pages after the first page of `numbered` (which counts on)."""
    label = numbered.label
    if offset == 0:
        return label
    if label.isdigit():
        return str(int(label) + offset)
    if is_page_number(label):
        following = roman(roman_value(label.lower()) + offset)
        return following.upper() if label.isupper() else following
    prefix, digits = PREFIXED_RE.match(label).groups()  # type: ignore[union-attr]
    return f"{prefix}{int(digits) + offset:0{len(digits)}d}"


def _numbered_pages(part: str) -> NumberedPages:
    pieces = re.split(r"\s*([:=→])\s*", part, maxsplit=1)
    if len(pieces) != 3 or not pieces[2].strip():
        raise PageNumberingError(
            _(
                "“%(part)s”: write the PDF pages, a colon and the printed number of the first of "
                "them, e.g. 1–4: i or 5: 1."
            )
            % {"part": part}
        )
    pages, _colon, printed = pieces
    found = PDF_PAGES_RE.match(pages)
    if found is None:
        raise PageNumberingError(
            _("“%(part)s”: “%(pages)s” is not a PDF page or range of PDF pages (5, 1–4).")
            % {"part": part, "pages": pages}
        )
    first, last = int(found.group(1)), int(found.group(2)) if found.group(2) else None
    if first < 1:
        raise PageNumberingError(_("“%(part)s”: PDF pages are counted from 1.") % {"part": part})
    if last is not None and last < first:
        raise PageNumberingError(_("“%(part)s”: the range ends before it starts.") % {"part": part})
    label, printed_last = _printed_range(printed.strip())
    _check_label(label, part)
    if printed_last is not None:
        span = _span(label, printed_last)
        if last is not None and last - first + 1 != span:
            raise PageNumberingError(
                _(
                    "“%(part)s”: %(pdf)s PDF pages, but %(printed)s printed pages: make the two "
                    "ranges the same length."
                )
                % {"part": part, "pdf": last - first + 1, "printed": span}
            )
        last = first + span - 1
    return NumberedPages(first, last, label)


def _printed_range(printed: str) -> tuple[str, str | None]:
    """A printed label, or a range of them (i–iv, 1–10, A-1–A-4) as its first label and last."""
    for at, character in enumerate(printed):
        if character not in DASHES or at == 0:
            continue
        first, last = printed[:at].strip(), printed[at + 1 :].strip()
        if last and _same_kind(first, last):
            return first, last
    return printed, None


def _same_kind(first: str, last: str) -> bool:
    if first.isdigit() and last.isdigit():
        return True
    romans = [bool(ROMAN_RE.match(label.lower())) and label.isalpha() for label in (first, last)]
    if all(romans):
        return True
    ends = [PREFIXED_RE.match(label) for label in (first, last)]
    return bool(ends[0] and ends[1] and ends[0].group(1) and ends[0].group(1) == ends[1].group(1))


def _span(first: str, last: str) -> int:
    """How many pages a printed range covers (refused when it runs backwards)."""
    if first.isdigit():
        start, end = int(first), int(last)
    elif first.isalpha():
        start, end = roman_value(first.lower()), roman_value(last.lower())
    else:
        start, end = (int(PREFIXED_RE.match(label).group(2)) for label in (first, last))  # type: ignore[union-attr]
    if end < start:
        raise PageNumberingError(
            _("“%(first)s–%(last)s” runs backwards.") % {"first": first, "last": last}
        )
    return end - start + 1


def _check_label(label: str, part: str) -> None:
    if len(label) > LABEL_LENGTH or "/" in label:
        raise PageNumberingError(
            _("“%(part)s”: a printed page label has at most %(limit)s characters and no “/”.")
            % {"part": part, "limit": LABEL_LENGTH}
        )


def _refuse_repeats(labels: list[str]) -> None:
    seen: dict[str, int] = {}
    for index, label in enumerate(labels):
        if not label:
            continue
        if label in seen:
            raise PageNumberingError(
                _(
                    "Printed page %(label)s would be PDF pages %(first)s and %(second)s: each "
                    "printed label names one page (a prefix tells two sequences apart: A-1, B-1)."
                )
                % {"label": label, "first": seen[label] + 1, "second": index + 1}
            )
        seen[label] = index
