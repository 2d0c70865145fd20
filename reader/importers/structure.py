"""Format-independent steps: checking markers against notes, finding quotations, claim spans."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext

from .notes import parse_citations
from .parsed import CommentaryFormatError, Marker, ParsedBlock, ParsedDocument

SENTENCE_END = "。．！？!?"
# A paragraph ending in one of these is complete; anything else was cut by a page break.
PARAGRAPH_END = SENTENCE_END + ".」』”）):：…"
LEAD_IN_RE = re.compile(
    r"次のように|以下のように|次の一節|次のとおり|次の通り|as follows|[:：]\s*$"
)
CLAIM_LEADING = " \t\n、，,"
# A full stop after these ends no sentence: initials (U.S., J. Smith) and common abbreviations.
ABBREVIATION_RE = re.compile(
    r"(?:\b[A-Z]|\b(?:Mr|Mrs|Ms|Dr|Prof|St|Jr|Sr|Inc|Co|Corp|Ltd|No|Nos|Vol|vs|v|cf|"
    r"e\.g|i\.e|etc|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec))$"
)


def read_block(
    kind: str, line: int, text: str, marker: re.Pattern[str], number: Callable[[str], int]
) -> ParsedBlock:
    """Join a paragraph's lines and take its note markers out, remembering where they stood."""
    plain = ""
    markers: list[Marker] = []
    for line_number, raw in enumerate(text.splitlines(), start=line):
        part = raw.strip()
        if not part:
            continue
        # Lines wrapped by a PDF extraction: Japanese joins without a space, Latin with one.
        if plain and plain[-1:].isascii() and part[:1].isascii():
            plain += " "
        position = 0
        for match in marker.finditer(part):
            plain += part[position : match.start()]
            markers.append(Marker(number(match.group(0)), len(plain), line_number))
            position = match.end()
        plain += part[position:]
    return ParsedBlock(kind, plain, line, markers)


@dataclass
class ClaimSpan:
    block: int  # index into ParsedDocument.blocks
    number: int
    start: int
    end: int
    text: str


def finish(document: ParsedDocument, *, detect_quotes: bool) -> list[ClaimSpan]:
    """Check and complete a parsed document; return the span of every claim."""
    check_markers(document)
    parse_citations(document.notes, document_author=document.author)
    if detect_quotes:
        mark_quotations(document)
    return claim_spans(document)


def check_markers(document: ParsedDocument) -> None:
    seen_notes: dict[int, int] = {}
    for note in document.notes:
        if note.number in seen_notes:
            raise CommentaryFormatError(
                gettext("note %(number)s is defined twice (first at line %(first)s)")
                % {"number": note.number, "first": seen_notes[note.number]},
                line=note.line,
            )
        seen_notes[note.number] = note.line
    seen_markers: dict[int, int] = {}
    for block in document.blocks:
        for marker in block.markers:
            if marker.number in seen_markers:
                raise CommentaryFormatError(
                    gettext("marker %(number)s appears twice (first at line %(first)s)")
                    % {"number": marker.number, "first": seen_markers[marker.number]},
                    line=marker.line,
                )
            seen_markers[marker.number] = marker.line
            if marker.number not in seen_notes:
                raise CommentaryFormatError(
                    gettext("marker %(number)s has no note %(number)s") % {"number": marker.number},
                    line=marker.line,
                )
    for note in document.notes:
        if note.number not in seen_markers and note.marked_in is None:
            raise CommentaryFormatError(
                gettext("note %(number)s has no marker in the text") % {"number": note.number},
                line=note.line,
            )


def join_page_breaks(blocks: list[ParsedBlock]) -> list[ParsedBlock]:
    """Join a paragraph that stops mid-sentence with the paragraph that continues it."""
    joined: list[ParsedBlock] = []
    for block in blocks:
        previous = joined[-1] if joined else None
        if previous and previous.kind == "paragraph" and not ends_sentence(previous):
            separator = " " if _latin(previous.text[-1:]) and _latin(block.text[:1]) else ""
            offset = len(previous.text) + len(separator)
            previous.text += separator + block.text
            previous.markers += [Marker(m.number, m.offset + offset, m.line) for m in block.markers]
        else:
            joined.append(block)
    return joined


def ends_sentence(block: ParsedBlock) -> bool:
    return block.text.rstrip()[-1:] in PARAGRAPH_END


def mark_quotations(document: ParsedDocument) -> None:
    """Mark as quotations the paragraphs a lead-in announces and a page-citing note closes.

    The plain-text format does not mark quotations; the seed's two NDS quotations each follow a
    sentence such as …次のように述べている。 and end with a note citing an NDS page.
    """
    notes = {note.number: note for note in document.notes}
    for previous, block in zip(document.blocks, document.blocks[1:], strict=False):
        if block.kind != "paragraph" or previous.kind != "paragraph" or not block.markers:
            continue
        last = block.markers[-1]
        if block.text[last.offset :].strip() not in ("", "。", "."):
            continue
        citations = notes[last.number].citations
        if not citations or not citations[0].first_page:
            continue
        if LEAD_IN_RE.search(last_sentence(previous.text)):
            block.kind = "quote"


def last_sentence(text: str) -> str:
    stripped = text.rstrip().rstrip(SENTENCE_END)
    cut = max(stripped.rfind(ch) for ch in SENTENCE_END)
    return text[cut + 1 :]


def claim_spans(document: ParsedDocument) -> list[ClaimSpan]:
    """A claim runs from the start of its sentence, or the previous marker in it, to its marker."""
    spans: list[ClaimSpan] = []
    for index, block in enumerate(document.blocks):
        previous_end = 0
        previous_start = 0
        for marker in sorted(block.markers, key=lambda m: m.offset):
            if spans and spans[-1].block == index and spans[-1].end == marker.offset:
                start = previous_start  # markers side by side close the same words
            else:
                start = max(_sentence_start(block.text, marker.offset), previous_end)
                while start < marker.offset and block.text[start] in CLAIM_LEADING:
                    start += 1
            spans.append(
                ClaimSpan(
                    index, marker.number, start, marker.offset, block.text[start : marker.offset]
                )
            )
            previous_end, previous_start = marker.offset, start
    return spans


def _sentence_start(text: str, offset: int) -> int:
    # A marker after the sentence's full stop (English style: "… January.¹") closes that sentence.
    while offset > 0 and text[offset - 1] in SENTENCE_END + ".”」』)）\"'":
        offset -= 1
    for position in range(offset - 1, -1, -1):
        ch = text[position]
        if ch in "。．！？":
            return position + 1
        if ch in ".!?" and text[position + 1 : position + 2] in (" ", ""):
            if not (ch == "." and ABBREVIATION_RE.search(text, 0, position)):
                return position + 1
    return 0


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()
