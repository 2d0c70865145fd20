"""The corpus's PDFs are read where `fetch` left them (the search tool's mirror of their public
repository, /work/.mirror/<owner>+<name>/), never committed here: the project commits none of
what `fetch` brings. A PDF's notes are its endnotes under “Footnotes” as a user copies the text
(pdfminer.six), the page furniture of the service that printed it dropped, one note a paragraph.
Without the mirror the test that needs them is skipped with the command that brings it."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from pdfminer.high_level import extract_text

MIRROR = Path(os.environ.get("CORPUS_MIRROR", "/work/.mirror"))
FURNITURE_RE = re.compile(
    r"© \d{4} Thomson Reuters|End of Document|WESTLAW|For Educational Use Only"
)


class NotFetched(LookupError):
    """The repository holding a PDF of the corpus is not on this machine."""


def pdf_bytes(entry: dict[str, Any]) -> bytes:
    return fetched(entry["repo"], entry["commit"], entry["path"], what=entry["id"])


def fetched(repo: str, commit: str, path: str, *, what: str = "") -> bytes:
    """A file of a public repository as `fetch` brought it onto this machine."""
    owner, name = repo.split("/")
    git_dir = MIRROR / f"{owner}+{name}" / "repo"
    if not git_dir.is_dir():
        raise NotFetched(
            f"{what or path}: read from the mirror of github:{repo} ({git_dir}); bring it "
            f"with the search tool's `fetch github:{repo}`"
        )
    shown = subprocess.run(
        ["git", f"--git-dir={git_dir}", "show", f"{commit}:{path}"],
        capture_output=True,
        check=True,
    )
    return shown.stdout


def endnotes(data: bytes) -> list[str]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(data)
        file.flush()
        text = extract_text(file.name)
    heads = [line.strip() for line in text.splitlines() if line.strip()][:4]  # running heads
    tail = text[text.index("Footnotes") :].split("\n", 1)[1]
    notes = []
    for paragraph in re.split(r"\n\s*\n", tail):
        paragraph = re.sub(r"\s+", " ", paragraph).strip()
        if not paragraph or paragraph.isdigit() or paragraph in heads:
            continue  # a note's number stands apart from its text; a running head
        if FURNITURE_RE.search(paragraph) or re.fullmatch(r"\d{4} WL \d+(?: \d+)?", paragraph):
            continue
        notes.append(paragraph)
    return notes


def as_markdown(entry: dict[str, Any]) -> str:
    """The PDF's endnotes as footnote definitions, as the Markdown documents of the corpus are."""
    return "\n".join(
        f"[^{number}]: {note}" for number, note in enumerate(endnotes(pdf_bytes(entry)), start=1)
    )
