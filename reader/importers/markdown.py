"""The canonical format: Markdown with footnotes ([^3] markers, [^3]: notes) and front matter.

    ---
    title: …
    series: …
    number: 80
    author: …
    affiliation: …
    date: 2026-02-20
    language: ja
    ---

Paragraphs are separated by blank lines, quotations are `>` blocks, headings start with `#`, and a
closing paragraph that starts with ※ is the disclaimer.
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING

from .parsed import CommentaryFormatError, ParsedBlock, ParsedDocument, ParsedNote
from .structure import ClaimSpan, finish, read_block
from .text import one_line, paragraphs

if TYPE_CHECKING:
    from reader.models import Document

MARKER_RE = re.compile(r"\[\^(\d+)\]")
NOTE_RE = re.compile(r"^\[\^(\d+)\]:\s*(.*)$", re.DOTALL)
FIELDS = ("title", "slug", "series", "number", "author", "affiliation", "date", "language")


def looks_like_markdown(content: str) -> bool:
    return content.lstrip().startswith("---") or bool(re.search(r"\[\^\d+\]", content))


def parse_markdown(content: str) -> tuple[ParsedDocument, list[ClaimSpan]]:
    meta, body_start = _front_matter(content)
    lines = content.splitlines()
    body = "\n".join([""] * body_start + lines[body_start:])
    blocks: list[ParsedBlock] = []
    notes: list[ParsedNote] = []
    disclaimer = ""
    for line, text in _split_notes(paragraphs(body)):
        note = NOTE_RE.match(text)
        if note:
            notes.append(ParsedNote(int(note.group(1)), one_line(note.group(2)), line))
        elif text.startswith(">"):
            quote = "\n".join(part.lstrip(">").strip() for part in text.splitlines())
            blocks.append(_block("quote", line, quote))
        elif text.startswith("#"):
            blocks.append(_block("heading", line, text.lstrip("#").strip()))
        elif text.startswith("※"):
            disclaimer = one_line(text)
        else:
            blocks.append(_block("paragraph", line, text))
    if not blocks:
        raise CommentaryFormatError("the document has no body paragraphs", line=body_start + 1)
    document = ParsedDocument(
        title=meta["title"],
        slug=meta.get("slug", ""),
        series=meta.get("series", ""),
        number=meta.get("number", ""),
        author=meta.get("author", ""),
        affiliation=meta.get("affiliation", ""),
        date=_date(meta.get("date", ""), meta.get("_date_line", 0)),
        language=meta.get("language", "ja") or "ja",
        disclaimer=disclaimer,
        blocks=blocks,
        notes=notes,
    )
    return document, finish(document, detect_quotes=False)


def _split_notes(paras: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Note definitions may follow one another without blank lines between them."""
    split: list[tuple[int, str]] = []
    for line, text in paras:
        if not NOTE_RE.match(text):
            split.append((line, text))
            continue
        for offset, part in enumerate(text.splitlines()):
            if NOTE_RE.match(part) or not split:
                split.append((line + offset, part))
            else:
                split[-1] = (split[-1][0], f"{split[-1][1]}\n{part}")
    return split


def _front_matter(content: str) -> tuple[dict[str, str], int]:
    lines = content.splitlines()
    if not lines or lines[0].strip() != "---":
        raise CommentaryFormatError(
            "a Markdown commentary starts with a front-matter block between --- lines", line=1
        )
    meta: dict[str, str] = {}
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            if not meta.get("title"):
                raise CommentaryFormatError("the front matter has no title", line=number)
            return meta, number
        if not line.strip():
            raise CommentaryFormatError(
                f"the front matter is not closed by a --- line before the blank line {number}",
                line=1,
            )
        key, separator, value = line.partition(":")
        key = key.strip().lower()
        if not separator or key not in FIELDS:
            raise CommentaryFormatError(
                f"expected “key: value” with a key among {', '.join(FIELDS)}; found “{line}”",
                line=number,
            )
        meta[key] = value.strip()
        if key == "date":
            meta["_date_line"] = str(number)
    raise CommentaryFormatError("the front matter is not closed by a --- line", line=1)


def _date(value: str, line: str | int) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommentaryFormatError(
            f"the date “{value}” is not an ISO date such as 2026-02-20", line=int(line)
        ) from error


def _block(kind: str, line: int, text: str) -> ParsedBlock:
    return read_block(kind, line, text, MARKER_RE, lambda marker: int(marker[2:-1]))


def export_markdown(document: Document) -> str:
    """Write a document in the canonical Markdown format; importing it gives the same document."""
    meta = {
        "title": document.title,
        "slug": document.slug,
        "series": document.series,
        "number": document.number,
        "author": document.author,
        "affiliation": document.affiliation,
        "date": document.date.isoformat() if document.date else "",
        "language": document.language,
    }
    out = ["---", *(f"{key}: {value}" for key, value in meta.items() if value), "---", ""]
    markers: dict[int, list[tuple[int, int]]] = {}
    for claim in document.claims.select_related("note"):
        markers.setdefault(claim.block_id, []).append((claim.end, claim.note.number))
    for block in document.blocks.all():
        text = block.text
        for offset, number in sorted(markers.get(block.pk, []), reverse=True):
            text = f"{text[:offset]}[^{number}]{text[offset:]}"
        if block.kind == "quote":
            text = f"> {text}"
        elif block.kind == "heading":
            text = f"## {text}"
        out += [text, ""]
    if document.disclaimer:
        out += [document.disclaimer, ""]
    for note in document.notes.all():
        out += [f"[^{note.number}]: {note.text}", ""]
    return "\n".join(out)
