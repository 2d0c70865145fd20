"""The plain-text format: text extracted from a commentary's PDF, with superscript note markers.

In order: a date line; the title in 「」 and the series in parentheses; the author's position and
name; body paragraphs separated by blank lines; a disclaimer starting with ※; the notes, each
starting with its number in superscript digits.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.utils.translation import gettext

from .header import Header, split_title
from .parsed import CommentaryFormatError, ParsedBlock, ParsedDocument, ParsedNote
from .structure import ClaimSpan, finish, join_page_breaks, read_block

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
# Between two markers side by side (⁹ and ¹⁰, not ⁹¹⁰), an invisible word joiner, which the
# first marker takes with it; the PDF reader writes it where the raised digits stand apart.
MARKERS_APART = "\u2060"
MARKER_RE = re.compile(f"[{SUPERSCRIPTS}]+{MARKERS_APART}?")
NOTE_RE = re.compile(f"^([{SUPERSCRIPTS}]+)\\s*(.*)$", re.DOTALL)
DATE_RE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$|^(\d{4})-(\d{2})-(\d{2})$")
NO_MARKER = re.compile(r"(?!)")  # matches nothing


def superscript_number(digits: str) -> int:
    return int("".join(str(SUPERSCRIPTS.index(ch)) for ch in digits if ch in SUPERSCRIPTS))


def paragraphs(content: str) -> list[tuple[int, str]]:
    """Split on blank lines; return (first line number, text) for each paragraph."""
    found: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(content.splitlines(), start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line.strip())
        elif current:
            found.append((start, "\n".join(current)))
            current = []
    if current:
        found.append((start, "\n".join(current)))
    return found


def parse_text(content: str) -> tuple[ParsedDocument, list[ClaimSpan]]:
    paras = paragraphs(content)
    if len(paras) < 4:
        raise CommentaryFormatError(
            gettext(
                "the file is too short for a commentary: expected a date line, a title, the "
                "author and at least one paragraph, separated by blank lines"
            ),
            line=paras[-1][0] if paras else 1,
        )
    date = _date(*paras[0])
    title, series, number = split_title(one_line(paras[1][1]))
    affiliation, author, rest = _byline(paras[2:])
    header = Header(title, series, number, author, affiliation, date)
    return parse_body(rest, header, language="ja")


def parse_body(
    paras: list[tuple[int, str]],
    header: Header,
    *,
    language: str,
    kinds: dict[int, str] | None = None,
    join_breaks: bool = True,
    metadata: dict[str, Any] | None = None,
) -> tuple[ParsedDocument, list[ClaimSpan]]:
    """The body after the header: paragraphs, the ※ disclaimer, then the notes, each starting
    with its number in superscript digits. `kinds` gives, by its first line, a paragraph that is
    a heading or a quotation; `join_breaks` joins a paragraph cut mid-sentence by a page break."""
    body: list[ParsedBlock] = []
    notes: list[ParsedNote] = []
    disclaimer = ""
    for line, text in paras:
        note = NOTE_RE.match(text)
        if note:
            notes.append(
                ParsedNote(superscript_number(note.group(1)), one_line(note.group(2)), line)
            )
        elif notes:
            raise CommentaryFormatError(
                gettext(
                    "a paragraph after the notes does not start with a note number in "
                    "superscript digits: “%(text)s”"
                )
                % {"text": text[:30]},
                line=line,
            )
        elif text.startswith("※"):
            disclaimer = one_line(text)
        else:
            body.append(_block(line, text, (kinds or {}).get(line, "paragraph")))
    if not body:
        raise CommentaryFormatError(
            gettext("the commentary has no body paragraphs"), line=paras[0][0] if paras else 1
        )
    document = ParsedDocument(
        title=header.title,
        series=header.series,
        number=header.number,
        author=header.author,
        affiliation=header.affiliation,
        date=header.date,
        language=language,
        disclaimer=disclaimer,
        blocks=join_page_breaks(body) if join_breaks else body,
        notes=notes,
        metadata=metadata or {},
    )
    return document, finish(document, detect_quotes=True)


def _date(line: int, text: str) -> datetime.date:
    match = DATE_RE.match(text.strip())
    if not match:
        raise CommentaryFormatError(
            gettext("expected the date (e.g. 2026年2月20日) on the first line, found “%(text)s”")
            % {"text": text[:40]},
            line=line,
        )
    year, month, day = (int(group) for group in match.groups() if group is not None)
    try:
        return datetime.date(year, month, day)
    except ValueError as error:
        raise CommentaryFormatError(
            gettext("the date “%(date)s” is not a real date") % {"date": text}, line=line
        ) from error


def _byline(rest: list[tuple[int, str]]) -> tuple[str, str, list[tuple[int, str]]]:
    """The author's position and name: two lines of one paragraph, or two short paragraphs."""
    line, text = rest[0]
    lines = text.splitlines()
    if len(lines) == 2:
        return lines[0], lines[1], rest[1:]
    if len(lines) == 1 and len(rest) > 1 and len(rest[1][1]) <= 40 and len(text) <= 60:
        return text, rest[1][1], rest[2:]
    raise CommentaryFormatError(
        gettext("expected the author's position and name on two lines after the title"),
        line=line,
    )


def _block(line: int, text: str, kind: str = "paragraph") -> ParsedBlock:
    return read_block(kind, line, text, MARKER_RE, superscript_number)


def one_line(text: str) -> str:
    return read_block("paragraph", 0, text, NO_MARKER, int).text
