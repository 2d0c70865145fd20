"""Read the citations out of footnote texts, and resolve short forms to the works they abbreviate.

Works in both source formats: a note's text is Markdown either way (*italic* titles, <URL>s).
"""

from __future__ import annotations

import re

from .parsed import (
    CommentaryFormatError,
    ParsedCitation,
    ParsedNote,
    SourceRef,
    has_cjk,
    normalise_title,
)

URL_RE = re.compile(r"<(https?://[^>\s]+)>|(https?://[^\s<>）)」]+)")
YEAR_RE = re.compile(r"(?<!\d)(19|20)\d{2}(?!\d)")
PAGE_TOKEN = r"[0-9]+|[ivxlcdm]+"
LOCATOR_RE = re.compile(
    rf"(?<![A-Za-z])pp?\.\s*(?P<a>{PAGE_TOKEN})(?:\s*[-–—~〜]\s*(?P<b>{PAGE_TOKEN}))?"
    r"|(?P<c>[0-9]+)(?:\s*[-–—~〜]\s*(?P<d>[0-9]+))?\s*(?:頁|ページ)",
    re.IGNORECASE,
)
IBID_RE = re.compile(r"^\s*(同上|同前|ibid\.?)", re.IGNORECASE)
OP_CIT_RE = re.compile(r"前掲(?:書|論文|稿)?|op\.\s*cit\.?", re.IGNORECASE)
ENGLISH_DATE_RE = re.compile(
    r"(?:(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\s+(?:\d{1,2},\s*)?)?(?:19|20)\d{2}"
)
JAPANESE_DATE_RE = re.compile(r"(?:19|20)\d{2}年(?:\d{1,2}月(?:\d{1,2}日)?)?")
SELF_REFERENCE = ("拙稿", "拙著", "筆者")


def parse_citations(
    notes: list[ParsedNote],
    *,
    document_author: str,
    errors: dict[int, CommentaryFormatError] | None = None,
) -> None:
    """Fill in each note's citations, resolving short forms against earlier notes.

    Raises CommentaryFormatError, naming the note's line, for a short form that resolves to nothing;
    given `errors`, puts each such error there under its note's number instead, and reads on.
    """
    earlier: list[SourceRef] = []
    previous: ParsedNote | None = None
    for note in notes:
        try:
            citation = _parse_note(note, previous, earlier, document_author)
        except CommentaryFormatError as error:
            if errors is None:
                raise
            errors[note.number] = error
            citation = None
        if citation is not None:
            note.citations.append(citation)
            if all(ref.key != citation.source.key for ref in earlier):
                earlier.append(citation.source)
        previous = note


def _parse_note(
    note: ParsedNote, previous: ParsedNote | None, earlier: list[SourceRef], document_author: str
) -> ParsedCitation | None:
    # The citation is the note's first sentence; what follows is the note's own commentary.
    segment = note.text.split("。", 1)[0]
    locator = LOCATOR_RE.search(segment)
    pages = _pages(locator)
    printed = locator.group(0) if locator else ""
    title = _title(segment)
    if URL_RE.search(segment) or YEAR_RE.search(_without_titles(segment)):
        source = _full_reference(segment, title, document_author)
        return ParsedCitation(source, "full", printed, *pages)
    ibid = IBID_RE.match(segment)
    if ibid:
        if previous is None or not previous.citations:
            raise CommentaryFormatError(
                f"note {note.number}: “{ibid.group(1)}” refers to the previous note, "
                "which cites no source",
                line=note.line,
            )
        return ParsedCitation(previous.citations[-1].source, "short", printed, *pages)
    if title or OP_CIT_RE.search(segment) or locator:
        resolved = _resolve_short_form(segment, title, earlier, document_author)
        if resolved is None:
            raise CommentaryFormatError(
                f"note {note.number}: the short form “{segment.strip()}” resolves to no source "
                "cited in an earlier note",
                line=note.line,
            )
        return ParsedCitation(resolved, "short", printed, *pages)
    return None


def _pages(locator: re.Match[str] | None) -> tuple[str, str]:
    if locator is None:
        return "", ""
    first = locator.group("a") or locator.group("c")
    last = locator.group("b") or locator.group("d") or first
    return first, last


def _title(segment: str) -> str:
    # An article's title is quoted, the journal or book it appears in italicised or in 『』.
    for pattern in (r"“([^”]+)”", r"「([^」]+)」", r'"([^"]+)"', r"\*([^*]+)\*", r"『([^』]+)』"):
        match = re.search(pattern, segment)
        if match:
            return match.group(1).strip().rstrip(",，、")
    return ""


def _without_titles(segment: str) -> str:
    return re.sub(r"\*[^*]+\*|“[^”]+”|「[^」]+」|『[^』]+』", "", segment)


def _full_reference(segment: str, title: str, document_author: str) -> SourceRef:
    url_match = URL_RE.search(segment)
    url = ""
    if url_match:
        url = (url_match.group(1) or url_match.group(2)).rstrip(".,;")
    title = title or segment.split(",")[0].strip()
    before, _, after = segment.partition(title)
    author = _author(before, document_author)
    container, editor, publisher = _container(after)
    issued_match = JAPANESE_DATE_RE.search(after) or ENGLISH_DATE_RE.search(after)
    kind = "web"
    if url.lower().endswith(".pdf"):
        kind = "pdf"
    elif "『" in after:
        kind = "chapter"
    elif container:
        kind = "article"
    return SourceRef(
        title=title,
        author=author,
        issued=issued_match.group(0) if issued_match else "",
        kind=kind,
        language="ja" if has_cjk(title) else "en",
        url=url,
        container=container,
        editor=editor,
        publisher=publisher,
        reference=segment.strip(),
    )


def _author(before: str, document_author: str) -> str:
    text = before.strip().rstrip('*“「『"').strip().rstrip(",，、").strip()
    # "この点については例えば、拙稿" names the author in its last clause.
    text = re.split(r"[、，]", text)[-1].strip()
    if text in SELF_REFERENCE:
        return document_author
    return text


def _container(after: str) -> tuple[str, str, str]:
    """Return (container, editor, publisher) from what follows the title."""
    rest = after.lstrip('*”」』"').strip().lstrip(",，、").strip()
    book = re.search(r"(?:(?P<editor>[^、，,『]+?)編)?『(?P<book>[^』]+)』", rest)
    publisher_match = re.search(r"[（(]([^、，,）)]+)[、，,]", rest)
    if book:
        publisher = publisher_match.group(1) if publisher_match else ""
        return book.group("book"), (book.group("editor") or "").strip(), publisher
    if not has_cjk(rest):
        journal = re.search(r"\*([^*]+)\*", rest)
        return (journal.group(1).strip() if journal else ""), "", ""
    parts = [part.strip() for part in re.split(r"[、，]", rest) if part.strip()]
    container = parts[0] if parts and not YEAR_RE.search(parts[0]) else ""
    publisher = parts[1] if len(parts) > 2 and not YEAR_RE.search(parts[1]) else ""
    return container, "", publisher


def _resolve_short_form(
    segment: str, title: str, earlier: list[SourceRef], document_author: str
) -> SourceRef | None:
    if title:
        wanted = normalise_title(title)
        for ref in reversed(earlier):
            if normalise_title(ref.title) == wanted:
                return ref
        for ref in reversed(earlier):
            if normalise_title(ref.title).startswith(wanted) and len(wanted) >= 4:
                return ref
        return None
    op_cit = OP_CIT_RE.search(segment)
    if op_cit:
        author = _author(segment[: op_cit.start()], document_author)
        for ref in reversed(earlier):
            if author and (author in ref.author or _surname(author) in ref.author):
                return ref
    return None


def _surname(name: str) -> str:
    return name.replace("　", " ").split()[0] if name.strip() else name
