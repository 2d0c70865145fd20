"""What a parser makes of a commentary file, before anything touches the database."""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext


class CommentaryFormatError(ValueError):
    """A commentary file that cannot be imported; the message names the line (or, in a PDF, the
    page) and the fault."""

    def __init__(self, message: str, *, line: int | None = None, page: int | None = None) -> None:
        self.message, self.line, self.page = message, line, page
        if line:
            message = gettext("line %(line)s: %(message)s") % {"line": line, "message": message}
        elif page:
            message = gettext("page %(page)s: %(message)s") % {"page": page, "message": message}
        super().__init__(message)


@dataclass
class Marker:
    number: int
    offset: int  # code points into the block's text, markers excluded
    line: int


@dataclass
class ParsedBlock:
    kind: str  # "paragraph", "quote" or "heading"
    text: str
    line: int
    markers: list[Marker] = field(default_factory=list)
    level: int = 0  # a Markdown heading's level (1 for #)


@dataclass
class SourceRef:
    """A work as a full citation describes it."""

    title: str
    author: str = ""
    issued: str = ""
    kind: str = "web"
    language: str = "en"
    url: str = ""
    container: str = ""
    editor: str = ""
    publisher: str = ""
    reference: str = ""

    @property
    def key(self) -> str:
        return self.url or normalise_title(self.title)


@dataclass
class ParsedCitation:
    source: SourceRef
    form: str  # "full" or "short"
    locator: str = ""
    first_page: str = ""
    last_page: str = ""
    # How the work was found: "full" (the note describes it), "short" (a short form of the work
    # note `short_of` cites in full), "library" (a short form the library resolved), "guessed"
    # (only the start of its title or its author matched).
    how: str = ""
    short_of: int | None = None


@dataclass
class ParsedNote:
    number: int
    text: str
    line: int
    citations: list[ParsedCitation] = field(default_factory=list)
    review: list[str] = field(default_factory=list)  # why a part of it could not be read
    marked_in: int | None = None  # the note whose text carries its marker (a note on a note)


@dataclass
class ParsedDocument:
    title: str
    blocks: list[ParsedBlock]
    notes: list[ParsedNote]
    series: str = ""
    number: str = ""
    author: str = ""
    affiliation: str = ""
    date: datetime.date | None = None
    language: str = "ja"
    disclaimer: str = ""
    slug: str = ""
    # Front-matter keys the reader has no field for (a blog's description, tags), kept as given.
    metadata: dict[str, Any] = field(default_factory=dict)
    # What the file holds that is not the document's text, dropped and counted: {"images": 2}.
    dropped: dict[str, int] = field(default_factory=dict)


def normalise_title(title: str) -> str:
    return "".join(ch for ch in title.casefold() if ch.isalnum())


def has_cjk(text: str) -> bool:
    return any(unicodedata.east_asian_width(ch) in "WF" for ch in text)
