"""Printed page labels and page ranges: the one place that knows how pages are numbered.

A label is what is printed on a page: a number (19), a roman numeral (iii, IV) or anything else a
file gives (A-3, pdf-50). A range runs from a first label to a last; numbers compare as numbers,
other labels only by their place in a file (`order`, the labels in file order) or by equality.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

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
