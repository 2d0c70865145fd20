"""What a commentary's first page says it is: title, date, series and number, author, affiliation.

The plain-text format puts them in a fixed order (a date line, the title, the byline). A PDF has
no such order: an institute's commentary opens with its date line, a typeset one may set the date
and the title on one line, a paper opens with its title and puts the date under the byline, a
law review puts its journal's name first, and many give no date at all. So the first page's
leading paragraphs (before the first paragraph of running text) are read by what each is: a
date wherever it stands, the title as the largest type (else the first line that is nothing
else), a series by its words (No., Vol., コメンタリー, Working Paper…), the byline after the title.
What is left between them is kept as the document's metadata, not thrown away.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from .parsed import has_cjk

MONTHS = (
    "january february march april may june july august september october november december"
).split()
MONTH_RE = r"(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925}  # the year before each era's first
FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
DATE_RES = [
    re.compile(r"(?P<year>\d{4})\s*年\s*(?P<mon>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日"),
    re.compile(
        rf"(?P<era>{'|'.join(ERAS)})\s*(?P<year>\d{{1,2}}|元)\s*年\s*(?P<mon>\d{{1,2}})\s*月"
        r"\s*(?P<day>\d{1,2})\s*日"
    ),
    re.compile(r"(?<!\d)(?P<year>\d{4})[-/.](?P<mon>\d{1,2})[-/.](?P<day>\d{1,2})(?!\d)"),
    re.compile(rf"(?<!\d)(?P<day>\d{{1,2}})\s*{MONTH_RE}\s*,?\s*(?P<year>\d{{4}})", re.I),
    re.compile(rf"\b{MONTH_RE}\s*(?P<day>\d{{1,2}})\s*,\s*(?P<year>\d{{4}})", re.I),
]
TITLE_RE = re.compile(r"^「(?P<title>.+)」\s*(?:[（(](?P<series>[^()（）]+)[)）])?$")
SERIES_NUMBER_RE = re.compile(r"^(?P<series>.*?)\s*(?:No\.?|第)\s*(?P<number>\d+)\s*号?$")
SERIES_RE = re.compile(
    r"No\.\s*\d|Vol\.|Volume\b|第\s*\d+\s*号|コメンタリー|ブリーフ|レポート|Commentary|"
    r"Working Paper|Policy Brief|Issue Brief|Discussion Paper|Law Review|Journal",
    re.IGNORECASE,
)
# Words of a position or an institution: the line of a byline that is not the name.
AFFILIATION_RE = re.compile(
    r"研究所|研究員|研究官|教授|大学|センター|財団|機構|研究会|University|College|Institute|"
    r"Center|Centre|School|Foundation|Council|Fellow|Professor|Director|Department|Ministry",
    re.IGNORECASE,
)
BY_RE = re.compile(r"^(?:by|written by)\s+", re.IGNORECASE)
SENTENCE_END = "。．！？.!?"
RUNNING_TEXT = 120  # characters: a paragraph this long at the body's size is running text
NAME_LENGTH = 60  # characters: a byline is no longer


@dataclass
class Candidate:
    """A leading paragraph of the first page, as the PDF sets it."""

    text: str
    size: float
    lines: int = 1
    markers: bool = False  # holds a note marker
    centred: bool = False  # set in the middle of the page


@dataclass
class Header:
    title: str = ""
    series: str = ""
    number: str = ""
    author: str = ""
    affiliation: str = ""
    date: datetime.date | None = None
    other: list[str] = field(default_factory=list)  # leading lines that are none of these


def find_date(text: str) -> tuple[datetime.date, re.Match[str]] | None:
    """The first real date written in the text (full-width digits and the Japanese eras too),
    and where it stands."""
    text = text.translate(FULL_WIDTH_DIGITS)  # one character for one: positions stay
    for pattern in DATE_RES:
        for match in pattern.finditer(text):
            parts = match.groupdict()
            year = parts["year"]
            if parts.get("era"):
                year = str(ERAS[parts["era"]] + (1 if year == "元" else int(year)))
            month = (
                int(parts["mon"])
                if parts.get("mon")
                else next(
                    number
                    for number, name in enumerate(MONTHS, start=1)
                    if name.startswith(parts["month"].lower()[:3])
                )
            )
            try:
                return datetime.date(int(year), month, int(parts["day"])), match
            except ValueError:
                continue
    return None


def split_title(text: str) -> tuple[str, str, str]:
    """A title, and the series and number a 「title」（series No. N） line gives with it."""
    match = TITLE_RE.match(text)
    if not match:
        return text, "", ""
    series = (match.group("series") or "").strip()
    numbered = SERIES_NUMBER_RE.match(series)
    if numbered:
        return match.group("title"), numbered.group("series"), numbered.group("number")
    return match.group("title"), series, ""


def series_and_number(text: str) -> tuple[str, str]:
    numbered = SERIES_NUMBER_RE.match(text)
    if numbered:
        return numbered.group("series").strip(" ,:："), numbered.group("number")
    return text, ""


def is_running_text(candidate: Candidate, body_size: float) -> bool:
    same_size = abs(candidate.size - body_size) <= 0.1 * body_size
    long = len(candidate.text) >= RUNNING_TEXT or candidate.lines >= 3
    return candidate.markers or (same_size and long)


def read_header(candidates: list[Candidate], body_size: float) -> tuple[Header, int]:
    """Read the leading paragraphs; return what they say and how many of them the header took
    (the paragraphs after the last one it used are the body's)."""
    region: list[Candidate] = []
    for candidate in candidates:
        if is_running_text(candidate, body_size):
            break
        region.append(candidate)
    if len(region) == len(candidates):
        region = region[:1]  # no running text after them: the first line alone may be a title
    region, ends = _title_lines_joined(region, body_size)
    header = Header()
    texts = [" ".join(candidate.text.split("\n")) for candidate in region]
    used: set[int] = set()
    _date(header, texts, used)
    title_at = _title(header, region, texts, used)
    _series(header, texts, used, title_at)
    _byline(header, region, texts, used, title_at)
    if not used:
        return header, 0
    last = max(used)
    header.other = [text for index, text in enumerate(texts[:last]) if index not in used and text]
    return header, ends[last] + 1


def _title_lines_joined(
    region: list[Candidate], body_size: float
) -> tuple[list[Candidate], list[int]]:
    """A title set larger than the text over several lines is one title; return the candidates
    and, for each, the index of its last line in the region."""
    joined: list[Candidate] = []
    ends: list[int] = []
    for index, candidate in enumerate(region):
        previous = joined[-1] if joined else None
        large = candidate.size > body_size * 1.1
        if (
            previous
            and large
            and abs(previous.size - candidate.size) < 0.05
            and ends[-1] == index - 1
        ):
            cjk = has_cjk(previous.text[-1:]) and has_cjk(candidate.text[:1])
            previous.text += ("" if cjk else " ") + candidate.text
            ends[-1] = index
            continue
        joined.append(
            Candidate(
                candidate.text,
                candidate.size,
                candidate.lines,
                candidate.markers,
                candidate.centred,
            )
        )
        ends.append(index)
    return joined, ends


def _date(header: Header, texts: list[str], used: set[int]) -> None:
    for index, text in enumerate(texts):
        found = find_date(text)
        if not found:
            continue
        header.date, match = found
        # A date set on the line of the title (or of the series) leaves that line to be read.
        texts[index] = (text[: match.start()] + " " + text[match.end() :]).strip(" 　,|/–—-")
        if not texts[index]:
            used.add(index)
        return


def _title(header: Header, region: list[Candidate], texts: list[str], used: set[int]) -> int:
    free = [index for index, text in enumerate(texts) if index not in used and text]
    if not free:
        return -1
    largest = max(region[index].size for index in free)
    sized = [index for index in free if region[index].size >= largest - 0.05]
    plain = [index for index in sized if not SERIES_RE.search(texts[index])]
    at = (plain or sized)[0]
    if largest <= min(region[index].size for index in free) + 0.05:
        # All one size: the title is the first line set in the middle that is not a series, or
        # the first that is not a series.
        plain = [index for index in free if not SERIES_RE.search(texts[index])] or free
        at = next((index for index in plain if region[index].centred), plain[0])
    header.title, header.series, header.number = split_title(texts[at])
    used.add(at)
    return at


def _series(header: Header, texts: list[str], used: set[int], title_at: int) -> None:
    if header.series:
        return
    for index, text in enumerate(texts):
        if index not in used and text and SERIES_RE.search(text) and len(text) <= NAME_LENGTH * 2:
            header.series, header.number = series_and_number(text)
            used.add(index)
            return


def _byline(
    header: Header, region: list[Candidate], texts: list[str], used: set[int], title_at: int
) -> None:
    """The author's name, and their position or institution: one paragraph of two lines, or two
    short paragraphs, after the title (else before it); which line is the name is read from its
    words."""
    after = [
        index
        for index in [*range(title_at + 1, len(texts)), *range(title_at)]
        if index not in used and texts[index] and _short(texts[index])
    ]
    if not after:
        return
    first = after[0]
    lines = [line.strip() for line in region[first].text.split("\n") if line.strip()]
    if len(lines) == 2:
        pair, taken = lines, [first]
    elif len(after) > 1 and after[1] == first + 1 and AFFILIATION_RE.search(texts[after[1]]):
        pair, taken = [texts[first], texts[after[1]]], [first, after[1]]
    elif len(after) > 1 and after[1] == first + 1 and AFFILIATION_RE.search(texts[first]):
        pair, taken = [texts[first], texts[after[1]]], [first, after[1]]
    else:
        pair, taken = [texts[first]], [first]
    if len(pair) == 2 and AFFILIATION_RE.search(pair[0]) and not AFFILIATION_RE.search(pair[1]):
        pair.reverse()  # position first, then the name (as Japanese bylines run)
    header.author = BY_RE.sub("", pair[0])
    header.affiliation = pair[1] if len(pair) == 2 else ""
    used.update(taken)


def _short(text: str) -> bool:
    """A byline line: short, not a sentence, no date or figures."""
    return (
        len(text) <= NAME_LENGTH
        and text[-1:] not in SENTENCE_END
        and not any(ch.isdigit() for ch in text)
        and (has_cjk(text) or len(text.split()) <= 8)
    )
