"""Read the citations out of footnote texts, and resolve short forms to the works they abbreviate.

Works in both source formats: a note's text is Markdown either way (*italic* titles, <URL>s).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext

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


# Where a note's text divides into the parts that may each cite a work: a Japanese sentence, a
# semicolon, an English sentence (not after an abbreviation such as p., No. or U.S.).
SEGMENT_RE = re.compile(r"。|\s*[;；]\s*|(?<=[a-z)\]>”\"'0-9]{2}\.)\s+(?=[A-Z“\"*「『(])")
# Words that introduce a citation inside a note's prose.
CUE_RE = re.compile(
    r"^(?:.*?[、，,]\s*)?(?:see also|see|cf\.|compare)\s+|^詳しくは[、，]?|^(?:また|なお)[、，]",
    re.IGNORECASE,
)
TRAILING_CUE_RE = re.compile(r"(?:を|も)?参照(?:され(?:たい|よ))?$|(?:を|も)?参照のこと$")
# A year as references print it: after a comma or an opening bracket, perhaps with a month and day.
REFERENCE_YEAR_RE = re.compile(
    r"[,，、(（]\s*(?:[A-Z][a-z]+\.?\s+)?(?:\d{1,2},?\s+)?(?:19|20)\d{2}(?!\d|年代)"
)
# What may follow a work's title in a reference; prose goes on with a particle or a lowercase word.
PROSE_AFTER_TITLE_RE = re.compile(
    r"^\s*(?:[\u3041-\u309f]|(?!(?:in|ed|eds|trans|vol|no|pp?)\b)[a-z])"
)


class _Unreadable(Exception):
    """A part of a note that looks like a reference but cannot be read as one."""


def parse_citations(
    notes: list[ParsedNote],
    *,
    document_author: str,
    errors: dict[int, CommentaryFormatError] | None = None,
) -> None:
    """Fill in each note's citations, resolving short forms against earlier notes.

    A part of a note that cannot be read as a reference (an ambiguous Ibid., a reference with no
    title) gives no citation; the reason goes to the note's `review`. Raises CommentaryFormatError,
    naming the note's line, for a short form that resolves to nothing; given `errors`, puts each
    such error there under its note's number instead, and reads on.
    """
    earlier: list[SourceRef] = []
    previous: ParsedNote | None = None
    for note in notes:
        try:
            _parse_note(note, previous, earlier, document_author)
        except CommentaryFormatError as error:
            if errors is None:
                raise
            errors[note.number] = error
            note.citations.clear()
        for citation in note.citations:
            if all(ref.key != citation.source.key for ref in earlier):
                earlier.append(citation.source)
        previous = note


def _parse_note(
    note: ParsedNote, previous: ParsedNote | None, earlier: list[SourceRef], document_author: str
) -> None:
    # The note's first part is read as a citation; a later part only when a cue (see, 詳しくは)
    # introduces it, it starts with Ibid., or it is a full reference.
    for index, segment in enumerate(part for part in SEGMENT_RE.split(note.text) if part.strip()):
        cue = CUE_RE.match(segment)
        body = segment[cue.end() :] if cue else segment
        if index and not (cue or IBID_RE.match(body) or _is_full_reference(body)):
            continue
        try:
            citation = _read_segment(note, body, previous, earlier, document_author)
        except _Unreadable as reason:
            note.review.append(str(reason))
            continue
        if citation is not None:
            note.citations.append(citation)


def _read_segment(
    note: ParsedNote,
    segment: str,
    previous: ParsedNote | None,
    earlier: list[SourceRef],
    document_author: str,
) -> ParsedCitation | None:
    locator = LOCATOR_RE.search(segment)
    pages = _pages(locator)
    printed = locator.group(0) if locator else ""
    quoted = _title(segment)
    # A term in quotation marks within a sentence is not a work's title.
    prose = bool(quoted) and bool(PROSE_AFTER_TITLE_RE.match(_after_title(segment, quoted)))
    title = "" if prose else quoted
    if _is_full_reference(segment):
        source = _full_reference(segment, title, document_author)
        return ParsedCitation(source, "full", printed, *pages)
    ibid = IBID_RE.match(segment)
    if ibid:
        return ParsedCitation(_ibid(note, ibid.group(1), previous), "short", printed, *pages)
    if not quoted and (URL_RE.search(segment) or REFERENCE_YEAR_RE.search(segment)):
        raise _Unreadable(
            gettext("“%(text)s” reads like a reference but names no title")
            % {"text": _clip(segment)}
        )
    if title or OP_CIT_RE.search(segment):
        resolved = _resolve_short_form(segment, title, earlier, document_author)
        if resolved is None and (locator or OP_CIT_RE.search(segment)):
            raise CommentaryFormatError(
                gettext(
                    "note %(number)s: the short form “%(text)s” resolves to no source "
                    "cited in an earlier note"
                )
                % {"number": note.number, "text": segment.strip()},
                line=note.line,
            )
        return ParsedCitation(resolved, "short", printed, *pages) if resolved else None
    if locator:
        resolved = _by_author(segment[: locator.start()], earlier, document_author)
        if resolved is None:
            raise _Unreadable(
                gettext("“%(text)s”: a page locator with no work it belongs to")
                % {"text": _clip(segment)}
            )
        return ParsedCitation(resolved, "short", printed, *pages)
    return None


def _is_full_reference(segment: str) -> bool:
    """A work's title and its date or address, as a reference prints them (not as prose does)."""
    title = _title(segment)
    if URL_RE.search(segment):
        return bool(title) or segment.count(",") >= 2
    if not title or not REFERENCE_YEAR_RE.search(_without_titles(segment)):
        return False
    return not PROSE_AFTER_TITLE_RE.match(_after_title(segment, title))


def _ibid(note: ParsedNote, word: str, previous: ParsedNote | None) -> SourceRef:
    cited = note.citations or (previous.citations if previous else [])
    works = {citation.source.key: citation.source for citation in cited}
    if previous is None and not works:
        raise CommentaryFormatError(
            gettext(
                "note %(number)s: “%(word)s” refers to the previous note, which cites no source"
            )
            % {"number": note.number, "word": word},
            line=note.line,
        )
    if not works:
        raise _Unreadable(
            gettext("“%(word)s” follows a note that cites no source") % {"word": word}
        )
    if len(works) > 1:
        titles = "”, “".join(_clip(work.title) for work in works.values())
        raise _Unreadable(
            gettext("“%(word)s” follows a note that cites %(count)s works (“%(titles)s”)")
            % {"word": word, "count": len(works), "titles": titles}
        )
    return next(iter(works.values()))


def _by_author(before: str, earlier: list[SourceRef], document_author: str) -> SourceRef | None:
    """“Doe, p. 4”: the one earlier work by that author."""
    author = _author(before, document_author)
    if len(author) < 2:
        return None
    works = {
        ref.key: ref for ref in earlier if author in ref.author or _surname(author) == ref.author
    }
    return next(iter(works.values())) if len(works) == 1 else None


def _after_title(segment: str, title: str) -> str:
    after = segment.partition(title)[2]
    return after.lstrip('*”」』"').lstrip(",，、") if after[:1] in '*”」』"' else after


def _clip(text: str, length: int = 40) -> str:
    text = text.strip()
    return text if len(text) <= length else text[: length - 1] + "…"


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
        reference=TRAILING_CUE_RE.sub("", segment.strip()).rstrip("、，,"),
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
