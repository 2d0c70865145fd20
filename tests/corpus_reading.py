"""Read the notes of the real documents in tests/corpus/ and judge each against what a reader of
the note expects (manifest.json): right, partial, to review, silent or invented."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader.importers.notes import parse_citations
from reader.importers.parsed import ParsedNote, normalise_title

from .corpus_pdfs import as_markdown

CORPUS = Path(__file__).parent / "corpus"
DEFINITION_RE = re.compile(r"^\[\^([^\]]+)\]:[ \t]*", re.MULTILINE)
VERDICTS = ("right", "partial", "to review", "silent", "invented", "not a reference")


def manifest() -> list[dict[str, Any]]:
    return json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))


def read_notes(text: str) -> list[ParsedNote]:
    """The footnote definitions of a Markdown file, numbered in order, continuation lines joined."""
    starts = list(DEFINITION_RE.finditer(text))
    notes = []
    for number, match in enumerate(starts, start=1):
        end = starts[number].start() if number < len(starts) else len(text)
        body = re.sub(r"\s*\n\s*", " ", text[match.end() : end].strip())
        notes.append(ParsedNote(number, body, text[: match.start()].count("\n") + 1))
    return notes


def same_work(work: dict[str, str], title: str) -> bool:
    """The expected work (or the alternative name it may be cited by: a book for its chapter)."""
    got = normalise_title(unicodedata.normalize("NFKC", title))
    for name in (work["title"], work.get("or", "")):
        wanted = normalise_title(unicodedata.normalize("NFKC", name))
        if got and wanted and (wanted == got or wanted.startswith(got) or got.startswith(wanted)):
            return True
    return False


def judge(note: ParsedNote, expected: Any) -> str:
    """One note's verdict. `expected` is "not a reference", "review", or a list of works, each
    {"title": ..., "page": ...} (page "" when the note cites the work as a whole)."""
    got = note.citations
    if expected == "not a reference":
        return "invented" if got else "not a reference"
    if expected == "review":
        if got:
            return "invented"
        return "right" if note.review else "silent"
    if any(not any(same_work(work, c.source.title) for work in expected) for c in got):
        return "invented"
    if not got:
        return "to review" if note.review else "silent"
    right = sum(
        any(same_work(work, c.source.title) and c.first_page == work.get("page", "") for c in got)
        for work in expected
    )
    return "right" if right == len(expected) else "partial"


@dataclass
class DocumentResult:
    id: str
    style: str
    verdicts: dict[int, str] = field(default_factory=dict)

    def count(self, verdict: str) -> int:
        return sum(1 for value in self.verdicts.values() if value == verdict)


def read_document(entry: dict[str, Any]) -> DocumentResult:
    if entry["format"].startswith("pdf"):
        text = as_markdown(entry)  # read from the fetched repository, not stored here
    else:
        text = (CORPUS / entry["file"]).read_text(encoding="utf-8")
    notes = read_notes(text)
    parse_citations(notes, document_author=entry.get("author", ""))
    result = DocumentResult(entry["id"], entry["style"])
    for note in notes:
        result.verdicts[note.number] = judge(note, entry["expect"][str(note.number)])
    return result


def table(results: list[DocumentResult]) -> str:
    header = f"{'document':32} {'style':12} " + " ".join(f"{v[:9]:>9}" for v in VERDICTS)
    lines = [header]
    for result in results:
        counts = " ".join(f"{result.count(v):>9}" for v in VERDICTS)
        lines.append(f"{result.id:32} {result.style:12} {counts}")
    return "\n".join(lines)
