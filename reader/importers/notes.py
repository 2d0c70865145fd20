"""Read the citations out of footnote texts, and resolve short forms to the works they abbreviate.

Works in both source formats: a note's text is Markdown either way (*italic* or _italic_ titles,
<URL>s, [titles](links)). The styles analysts meet: Chicago notes (full, short, Author and page,
Ibid.), author-date (APA) notes, Bluebook (Id., supra note N, signals, cases and statutes
through eyecite: see legal.py) and Japanese academic notes (『書名』, 「論文」, 同上・同書・
前掲, 頁, years in kanji numerals). Each citation says how it was read (ParsedCitation.how).
What reads like a reference but cannot be read is listed to review, never dropped or invented.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextvars import ContextVar

from django.utils.translation import gettext

from .legal import ID_RE, SUPRA_RE, legal_citations
from .parsed import (
    CommentaryFormatError,
    ParsedCitation,
    ParsedNote,
    SourceRef,
    has_cjk,
    normalise_title,
)

# What the library answers for a short form this document never cited in full: the work it
# holds with that title (and, given, that author), or None (reader.library.short_form_lookup).
LibraryLookup = Callable[[str, str], SourceRef | None]
# The lookup of the import under way (reader.importers.commentary sets it around the parse), so
# that the parsers need not carry it; None outside an import (the parsers stay pure).
LIBRARY: ContextVar[LibraryLookup | None] = ContextVar("library", default=None)

URL_RE = re.compile(r"<(https?://[^>\s]+)>|(https?://[^\s<>）)」]+)")
YEAR_RE = re.compile(r"(?<!\d)(19|20)\d{2}(?!\d)")
PAGE_TOKEN = r"[0-9]+|[ivxlcdm]+"
LOCATOR_RE = re.compile(
    rf"(?<![A-Za-z])pp?\.\s*(?P<a>{PAGE_TOKEN})(?:\s*[-–—~〜]\s*(?P<b>{PAGE_TOKEN}))?"
    r"|(?P<e>[0-9]+)\s*(?:頁|ページ)\s*(?:から|[-–—~〜])\s*(?P<f>[0-9]+)\s*(?:頁|ページ)"
    r"|(?P<c>[0-9]+)(?:\s*[-–—~〜]\s*(?P<d>[0-9]+))?\s*(?:頁|ページ)",
    re.IGNORECASE,
)
# A page as Chicago and law reviews print it without “p.”: “Smith, 9.”, “(Press, 2007), 21–25.”,
# “Ibid., viii.”, “at 60”. A year is not a page.
BARE_PAGE_RE = re.compile(
    r"(?:[,，][\"”’]?|\)\s*:?|）|\bat)\s*(?P<a>[0-9]{1,4}|[ivxlc]{1,6})(?:\s*[-–—]\s*(?P<b>[0-9]{1,4}|[ivxlc]{1,6}))?"
    r"(?:\s*\([^)]*\))?\s*[.。]?\s*$"
)
# “(Cambridge, MA: MIT Press, 2017), 4. Beyond …”: a page after the publication, prose after it.
AFTER_PUBLICATION_PAGE_RE = re.compile(
    r"\)\s*,?\s*(?P<a>[0-9]{1,4})(?:\s*[-–—]\s*(?P<b>[0-9]{1,4}))?\.(?=\s|$)"
)
CONTINUATION_RE = re.compile(
    r"^\s*(?:available\s+(?:at|from)|accessed|retrieved|<?https?://)", re.I
)
# “… New York, NY: Liveright. 55-56.”: an author-date reference's pages, after its publisher.
AUTHOR_DATE_PAGE_RE = re.compile(r"\.\s+(?P<a>[0-9]{1,4})(?:\s*[-–—]\s*(?P<b>[0-9]{1,4}))?\.?\s*$")
# “(May/June 2013): 28–40”: a journal issue's date in brackets.
BRACKETED_YEAR_RE = re.compile(r"\([^()]*(?:19|20)\d{2}\)")
# “Restat 2d of Contracts, § 347”: a code or restatement cited by section.
SECTION_RE = re.compile(r"^\s*(?P<title>[A-Z][^,;§*]{3,80}?),?\s*(?P<section>§+\s*[\w().]+)")
AT_PAGE_RE = re.compile(
    r"\bat\s+(?:pp?\.\s*)?(?P<a>[0-9]{1,5})(?:\s*[-–—]\s*(?P<b>[0-9]{1,5}))?(?![:\d])"
)
IBID_RE = re.compile(r"^\s*\*?(同上|同前|同書|ibid\.?)\*?", re.IGNORECASE)
OP_CIT_RE = re.compile(r"前掲(?:書|論文|稿)?|op\.\s*cit\.?", re.IGNORECASE)
ENGLISH_DATE_RE = re.compile(
    r"(?:(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\s+(?:\d{1,2},\s*)?)?(?:19|20)\d{2}"
)
JAPANESE_DATE_RE = re.compile(r"(?:19|20)\d{2}年(?:\d{1,2}月(?:\d{1,2}日)?)?")
SELF_REFERENCE = ("拙稿", "拙著", "筆者")
KANJI_DIGITS = str.maketrans("〇一二三四五六七八九０１２３４５６７８９", "01234567890123456789")
KANJI_YEAR_RE = re.compile(r"[〇一二三四五六七八九]{4}(?=\s*年)")
UNDERSCORE_ITALIC_RE = re.compile(r"(?<![\w*/\\])_(?=[^\s_])([^_\n]+?)(?<=\S)_(?!\w)")
# Signals introduce a citation; they are never titles.
SIGNAL = (
    r"(?:see(?:,?\s+also|\s+generally|,?\s+e\.g\.,?)?|cf\.|compare|e\.g\.,?|but\s+see|"
    r"but\s+cf\.|accord|contra)"
)
SIGNAL_RE = re.compile(rf"^\s*(?:\*{SIGNAL}\*|{SIGNAL})[,:]?\s*\*?\s*", re.IGNORECASE)
NOT_TITLES = re.compile(
    rf"^(?:{SIGNAL}|id\.|ibid\.?|supra|infra|et al\.?|passim|sic|i\.e\.,?|viz\.|n\.d\.?)$",
    re.IGNORECASE,
)
# Dates of access, places and publishers name no work.
ACCESS_RE = re.compile(
    r"^(?:accessed|retrieved|last visited|visited|viewed|閲覧|最終閲覧|参照日|アクセス)",
    re.IGNORECASE,
)
NAME_PARTICLES = {
    "and",
    "de",
    "van",
    "von",
    "der",
    "den",
    "da",
    "di",
    "du",
    "la",
    "le",
    "et",
    "al.",
    "ed.",
    "eds.",
}
# Words that make a note a pointer to another note's work.
SHORT_FORM_WORD_RE = re.compile(
    r"\b(?:ibid|id|op\.\s*cit|loc\.\s*cit)\.|\bsupra\b|同上|同前|同書|前掲", re.IGNORECASE
)
# “Doe, Jane. 2009. Title.” and “Doe, J. (2009). Title.”: an author-date reference, title unmarked.
AUTHOR_DATE_RE = re.compile(
    r"^\s*(?P<author>[^()\d“”\"*「『]{2,150}?)[.,]?\s*\(?(?P<year>(?:1[5-9]|20)\d{2}[a-z]?|n\.\s?d\.?)\)?\.\s+"
    r"(?P<title>[^*“\"].{2,250}?)(?:\.\s|[,.]\s*(?:pp?\.|[0-9])|\.?$)"
)
# A publisher in brackets after a title: “『書名』（出版社）”, “*Title* (Place: Publisher”.
PUBLISHED_RE = re.compile(r"^\s*[（(][^）)]*(?:[:：]|出版|書房|書店|社|Press|Books|Publish)")


# Where a note's text divides into the parts that may each cite a work: a Japanese sentence, a
# semicolon, an English sentence (not after an abbreviation such as p., No. or U.S.).
SEGMENT_RE = re.compile(
    r"。|\s*[;；]\s*|(?:(?<=[a-z)\]>”\"'0-9]{2}\.)|(?<=>\.))\s+(?=[A-Z“\"*「『(])"
    # “…, <URL>, see also Katherine Hayles, *Writing Machines* (…)”: a second work in a sentence.
    r"|,?\s+(?=(?:see also|see|cf\.)\s+[A-Z*“「『\"])"
)
ABBREVIATION_BEFORE_RE = re.compile(r"\b[A-Z][a-z]{0,4}\.$")
# “Media.net Advert. FZ-LLC v. NetSeer”: a case's name goes on after an abbreviation.
CASE_WORD_BEFORE_RE = re.compile(r"\b[A-Z][\w'’]{0,8}\.$")
CASE_NAME_AHEAD_RE = re.compile(r"[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*){0,4}\s+v\.\s")
# “ed. Robert K. Nelson”, “trans. Tim Parks”, “et al. Title”: no sentence ends there.
LOWERCASE_ABBREVIATION_RE = re.compile(r"\b(?:ed|eds|trans|comp|rev|vol|vols|no|al|cf|repr)\.$")
ABBREVIATION_AFTER_RE = re.compile(r"[A-Z][A-Za-z]{0,5}\.")
MARKDOWN_LINK_SPAN_RE = re.compile(r"\[[^\]]{0,500}\]\([^)\s]{0,2000}\)")
# Words that introduce a citation inside a note's prose.
CUE_RE = re.compile(
    r"^(?:.*?[、，,][”\"’]?\s*)?(?:see also|see|cf\.|compare|according to)\s+"
    r"|^詳しくは[、，]?|^(?:また|なお)[、，]",
    re.IGNORECASE,
)
TRAILING_CUE_RE = re.compile(r"(?:を|も)?参照(?:され(?:たい|よ))?$|(?:を|も)?参照のこと$")
# A year as references print it: after a comma or an opening bracket, perhaps with a month and day.
REFERENCE_YEAR_RE = re.compile(
    r"[,，、(（\u3000]\s*(?:[A-Z][a-z]+\.?\s+)?(?:\d{1,2},?\s+)?(?:19|20)\d{2}(?!\d|年代)"
)
# What may follow a work's title in a reference; prose goes on with a particle or a lowercase word.
PROSE_AFTER_TITLE_RE = re.compile(
    r"^\s*(?:[\u3041-\u309f]|(?!(?:in|ed|eds|trans|vol|no|pp?)\b|https?:)[a-z])"
)


class _Unreadable(Exception):
    """A part of a note that looks like a reference but cannot be read as one."""


class _Unresolved(Exception):
    """A short form whose work no earlier note cites in full (nor, asked, the library holds)."""

    def __init__(
        self,
        message: str,
        *,
        title: str,
        author: str,
        refuse: bool,
        printed: str = "",
        pages: tuple[str, str] = ("", ""),
    ) -> None:
        super().__init__(message)
        self.title, self.author, self.refuse = title, author, refuse
        self.printed, self.pages = printed, pages  # the locator, for the library's work


class _Earlier:
    """The works cited so far, and the note that first cited each."""

    def __init__(self) -> None:
        self.works: list[SourceRef] = []
        self.first_note: dict[str, int] = {}
        self.by_note: dict[int, list[SourceRef]] = {}
        self.cases: dict[str, SourceRef] = {}  # “538 F.2d” → the case

    def add(self, note: int, citation: ParsedCitation, short_key: str = "") -> None:
        ref = citation.source
        if ref.key not in self.first_note:
            self.works.append(ref)
            self.first_note[ref.key] = note
        cited = self.by_note.setdefault(note, [])
        if all(work.key != ref.key for work in cited):
            cited.append(ref)


def parse_citations(
    notes: list[ParsedNote],
    *,
    document_author: str,
    errors: dict[int, CommentaryFormatError] | None = None,
    library: LibraryLookup | None = None,
) -> None:
    """Fill in each note's citations, resolving short forms against earlier notes.

    A part of a note that cannot be read as a reference (an ambiguous Ibid., a reference with no
    title, a short form of a work never cited in full) gives no citation; the reason goes to the
    note's `review`, and the import goes on. A short form this document never cited in full is
    asked of `library` (resolve_in_library) first. Given `errors` (the citation check re-reading
    stored notes), a short form that resolves to nothing is put there under its note's number
    instead, as an error. Raises CommentaryFormatError, naming the note's line, only for an Ibid.
    in the first note (it points to nothing).
    """
    library = library or LIBRARY.get()
    earlier = _Earlier()
    previous: ParsedNote | None = None
    for note in notes:
        try:
            _parse_note(
                note, previous, earlier, document_author, library, strict=errors is not None
            )
        except CommentaryFormatError as error:
            if errors is None:
                raise
            errors[note.number] = error
            note.citations.clear()
        for citation in note.citations:
            earlier.add(note.number, citation)
        previous = note


def resolve_in_library(library: LibraryLookup | None, title: str, author: str) -> SourceRef | None:
    """The library's work for a short form no earlier note explains, if a lookup is given."""
    if library is None or not (title or author):
        return None
    return library(title, author)


def normalise_numerals(text: str) -> str:
    """Arabic digits for kanji years (二〇二〇年) and full-width digits, *italics* for _italics_.

    Every replacement keeps the text's length: positions stay those of the note as printed."""
    text = KANJI_YEAR_RE.sub(lambda match: match.group(0).translate(KANJI_DIGITS), text)
    text = re.sub(r"[０-９]+", lambda match: match.group(0).translate(KANJI_DIGITS), text)
    return UNDERSCORE_ITALIC_RE.sub(lambda match: f"*{match.group(1)}*", text)


def _segments(text: str) -> list[tuple[str, str]]:
    """The parts of a note that may each cite a work, as (read, printed) pairs."""
    read = normalise_numerals(text)
    if AUTHOR_DATE_RE.match(read) and not _title(read.split(";")[0]):
        bounds = [match.span() for match in re.finditer(r"\s*[;；]\s*", read)]
    else:
        bounds = [match.span() for match in SEGMENT_RE.finditer(read)]
    # A sentence break inside a link's text (“[Jacobsen, 2007 U.S. Dist. LEXIS 63568](…)”) is none.
    links = [match.span() for match in MARKDOWN_LINK_SPAN_RE.finditer(read)]
    bounds = [(a, b) for a, b in bounds if not any(start < a < end for start, end in links)]
    # Nor is the period of an abbreviated name (“11 Pub. Cont. Rep. 17”, “Yale L. J.”).
    bounds = [
        (a, b)
        for a, b in bounds
        if not (ABBREVIATION_BEFORE_RE.search(read[:a]) and ABBREVIATION_AFTER_RE.match(read[b:]))
        and not LOWERCASE_ABBREVIATION_RE.search(read[:a])
        and not (CASE_WORD_BEFORE_RE.search(read[:a]) and CASE_NAME_AHEAD_RE.match(read[b:]))
    ]
    parts: list[tuple[str, str]] = []
    start = 0
    for begin, end in [*bounds, (len(read), len(read))]:
        if read[start:begin].strip():
            parts.append((read[start:begin], text[start:begin]))
        start = end
    # An author alone (“Limor Fried (n.d).”) belongs with the sentence that names the work.
    merged: list[tuple[str, str]] = []
    for part in parts:
        if merged and (_author_only(merged[-1][0]) or CONTINUATION_RE.match(part[0])):
            last = merged.pop()
            gap = " "
            part = (last[0] + gap + part[0], last[1] + gap + part[1])
        merged.append(part)
    return merged


def _author_only(segment: str) -> bool:
    return (
        len(segment) <= 60
        and not has_cjk(segment)
        and not _title(segment)
        and not URL_RE.search(segment)
        and not LOCATOR_RE.search(segment)
        and not SHORT_FORM_WORD_RE.search(segment)
        and bool(
            re.match(
                r"^\s*[A-Z][\w.'’-]*(?:[ ,&]+[A-Z][\w.'’-]*)*\s*(?:\([^)]*\))?\.?\s*$", segment
            )
        )
    )


def _parse_note(
    note: ParsedNote,
    previous: ParsedNote | None,
    earlier: _Earlier,
    document_author: str,
    library: LibraryLookup | None,
    *,
    strict: bool,
) -> None:
    # The note's first part is read as a citation; a later part only when a cue (see, 詳しくは)
    # introduces it, it starts with Ibid. or Id., it is a full reference or it cites a case.
    for index, (segment, printed) in enumerate(_segments(note.text)):
        cue = CUE_RE.match(segment) or SIGNAL_RE.match(segment)
        if cue and _title(cue.group(0)) and not _in_prose(cue.group(0), _title(cue.group(0))):
            cue = None  # “Doe, *Title* (Press, 2001), see <URL>”: the cue follows the reference
        body = segment[cue.end() :] if cue else segment
        printed_body = printed[cue.end() :] if cue else printed
        legal = legal_citations(body)
        if index and not (
            cue
            or IBID_RE.match(body)
            or ID_RE.match(body)
            or SUPRA_RE.search(body)
            or legal
            or _is_full_reference(body)
        ):
            continue
        try:
            citations = _read_segment(
                note, body, printed_body, previous, earlier, document_author, legal
            )
        except _Unreadable as reason:
            note.review.append(str(reason))
            continue
        except _Unresolved as unresolved:
            found = resolve_in_library(library, unresolved.title, unresolved.author)
            if found is not None:
                note.citations.append(
                    ParsedCitation(
                        found, "short", unresolved.printed, *unresolved.pages, how="library"
                    )
                )
            elif strict and unresolved.refuse:
                raise CommentaryFormatError(str(unresolved), line=note.line) from None
            else:
                note.review.append(str(unresolved))
            continue
        note.citations.extend(citations)
    if not note.citations and not note.review and _reads_like_reference(note.text):
        note.review.append(
            gettext("“%(text)s” reads like a reference but could not be read as one")
            % {"text": _clip(note.text)}
        )


def _reads_like_reference(text: str) -> bool:
    """A URL, a short-form word or a page locator: what a note that is not a reference lacks."""
    read = normalise_numerals(text)
    return bool(
        URL_RE.search(read)
        or SHORT_FORM_WORD_RE.search(read)
        or LOCATOR_RE.search(read)
        or AT_PAGE_RE.search(read)
    )


def _read_segment(
    note: ParsedNote,
    segment: str,
    printed_segment: str,
    previous: ParsedNote | None,
    earlier: _Earlier,
    document_author: str,
    legal: list,
) -> list[ParsedCitation]:
    if legal:
        return _legal(note, segment, legal, previous, earlier)
    locator = LOCATOR_RE.search(segment)
    pages = locator_pages(locator)
    printed = locator.group(0) if locator else ""
    if locator is None:
        bare = _bare_page(segment) or (
            AUTHOR_DATE_PAGE_RE.search(segment) if AUTHOR_DATE_RE.match(segment) else None
        )
        if bare is not None:
            printed, pages = bare.group(0).strip(" ,.。"), locator_pages(bare)
    quoted = _title(segment)
    # A term in quotation marks within a sentence is not a work's title.
    prose = bool(quoted) and _in_prose(segment, quoted)
    title = "" if prose else quoted
    ibid = IBID_RE.match(segment) or ID_RE.match(segment)
    if ibid and not _is_full_reference(segment):
        word = ibid.group(0).strip(" *")
        if ID_RE.match(segment) and ID_RE.match(segment).group("a"):  # type: ignore[union-attr]
            match = ID_RE.match(segment)
            pages = (match.group("a"), match.group("b") or match.group("a"))  # type: ignore[union-attr]
            printed = match.group(0).strip()  # type: ignore[union-attr]
        work = _ibid(note, word, previous)
        return [_short(work, printed, pages, earlier)]
    supra = SUPRA_RE.search(segment)
    if supra and not title:
        return [_supra(supra, earlier)]
    section = SECTION_RE.match(segment)
    if section and not title:
        work = SourceRef(title=section.group("title").strip(), reference=printed_segment.strip())
        return [ParsedCitation(work, "full", section.group("section"), how="full")]
    if _is_full_reference(segment):
        source = _full_reference(segment, printed_segment, title, document_author)
        return [ParsedCitation(source, "full", printed, *pages, how="full")]
    if not quoted and (URL_RE.search(segment) or REFERENCE_YEAR_RE.search(segment)):
        raise _Unreadable(
            gettext("“%(text)s” reads like a reference but names no title")
            % {"text": _clip(segment)}
        )
    if title or OP_CIT_RE.search(segment):
        resolved, how = _resolve_short_form(segment, title, earlier, document_author)
        if (
            resolved is None
            and title
            and not (printed or SHORT_FORM_WORD_RE.search(segment))
            and _only_a_name_before(segment, title)
        ):
            # A work named with no page and no word pointing back (『歎異抄』, a bibliography's
            # entry): the note cites the work as a whole, not a short form of it.
            source = _full_reference(segment, printed_segment, title, document_author)
            return [ParsedCitation(source, "full", how="full")]
        if resolved is None:
            raise _Unresolved(
                gettext(
                    "note %(number)s: the short form “%(text)s” resolves to no source "
                    "cited in an earlier note"
                )
                % {"number": note.number, "text": segment.strip()},
                title=title,
                author=_author(segment.partition(title)[0] if title else segment, document_author),
                refuse=bool(locator or OP_CIT_RE.search(segment)),
                printed=printed,
                pages=pages,
            )
        return [_short(resolved, printed, pages, earlier, how)]
    if printed:
        before = segment[: locator.start()] if locator else segment[: segment.rfind(printed)]
        resolved = _by_author(before, earlier.works, document_author)
        if resolved is None:
            raise _Unreadable(
                gettext("“%(text)s”: a page locator with no work it belongs to")
                % {"text": _clip(segment)}
            )
        return [_short(resolved, printed, pages, earlier)]
    return []


def _short(
    work: SourceRef,
    printed: str,
    pages: tuple[str, str],
    earlier: _Earlier,
    how: str = "short",
) -> ParsedCitation:
    return ParsedCitation(
        work, "short", printed, *pages, how=how, short_of=earlier.first_note.get(work.key)
    )


def _legal(
    note: ParsedNote,
    segment: str,
    legal: list,
    previous: ParsedNote | None,
    earlier: _Earlier,
) -> list[ParsedCitation]:
    citations: list[ParsedCitation] = []
    for found in legal:
        if found.source is not None:
            earlier.cases.setdefault(found.short_key, found.source)
            citations.append(
                ParsedCitation(
                    found.source,
                    "full",
                    found.printed,
                    found.first_page,
                    found.last_page,
                    how="full",
                )
            )
            continue
        work = earlier.cases.get(found.short_key)
        if work is None:
            raise _Unresolved(
                gettext(
                    "note %(number)s: the short form “%(text)s” resolves to no source "
                    "cited in an earlier note"
                )
                % {"number": note.number, "text": found.printed},
                title=found.antecedent,
                author="",
                refuse=False,
                printed=found.printed,
                pages=(found.first_page, found.last_page),
            )
        pages = (found.first_page, found.last_page)
        citations.append(_short(work, found.printed, pages, earlier))
    return citations


def _supra(supra: re.Match[str], earlier: _Earlier) -> ParsedCitation:
    """“Doe, supra note 12, at 373”: the work note 12 cites (by Doe, if it cites several)."""
    number = int(supra.group("note"))
    works = earlier.by_note.get(number, [])
    author = supra.group("author").strip(" *")
    if len(works) > 1:
        works = [work for work in works if _surname(author) in work.author + work.title] or works
    if len(works) != 1:
        raise _Unreadable(
            gettext("“%(text)s”: note %(number)s cites %(count)s works")
            % {"text": _clip(supra.group(0)), "number": number, "count": len(works)}
        )
    pages = (supra.group("a") or "", supra.group("b") or supra.group("a") or "")
    printed = f"at {supra.group('a')}" if supra.group("a") else ""
    return ParsedCitation(works[0], "short", printed, *pages, how="short", short_of=number)


def _bare_page(segment: str) -> re.Match[str] | None:
    match = BARE_PAGE_RE.search(segment.rstrip("*"))
    if match is None:
        return AFTER_PUBLICATION_PAGE_RE.search(segment) or AT_PAGE_RE.search(segment)
    first = match.group("a")
    if first.isdigit() and len(first) == 4 and 1500 <= int(first) <= 2099 and not match.group("b"):
        return None
    return match


def _is_full_reference(segment: str) -> bool:
    """A work's title and its date or address, as a reference prints them (not as prose does)."""
    title = _title(segment)
    if URL_RE.search(segment):
        if title:
            return not _in_prose(segment, title)
        return segment.count(",") >= 2 and segment.lstrip()[:1].isupper()
    if not title:
        match = AUTHOR_DATE_RE.match(segment)
        return match is not None and not NOT_TITLES.match(match.group("title").strip())
    if _in_prose(segment, title):
        return False
    after = _after_title(segment, title)
    rest = _without_titles(segment)
    return bool(
        REFERENCE_YEAR_RE.search(rest)
        or BRACKETED_YEAR_RE.search(rest)
        or PUBLISHED_RE.match(after)
    )


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
        ref.key: ref
        for ref in earlier
        if ref.author and (author in ref.author or _surname(author) in ref.author.split())
    }
    return next(iter(works.values())) if len(works) == 1 else None


def _only_a_name_before(segment: str, title: str) -> bool:
    """Whether nothing but an author's name comes before the title (Smith, *Title*; 親鸞『…』),
    not a sentence (“As discussed in Chapter 1, "Getting started,"”)."""
    before = segment.partition(title)[0]
    if re.search(r"[\u3041-\u309f]", before):
        return False
    words = re.findall(r"[A-Za-z][\w.'’-]*", before)
    return all(word[0].isupper() or word in NAME_PARTICLES for word in words)


def _in_prose(segment: str, title: str) -> bool:
    """Whether the sentence goes on after the title (“Model allies” is …, 「…」という): a term
    quoted in prose, not a work cited. A comma after the title ends it as a reference does."""
    after = segment.partition(title)[2].lstrip('*”」』"’]')
    return bool(PROSE_AFTER_TITLE_RE.match(after))


def _after_title(segment: str, title: str) -> str:
    after = segment.partition(title)[2]
    return after.lstrip('*”」』"’]').lstrip(",，、") if after[:1] in '*”」』"’]' else after


def _clip(text: str, length: int = 40) -> str:
    text = text.strip()
    return text if len(text) <= length else text[: length - 1] + "…"


def locator_pages(locator: re.Match[str] | None) -> tuple[str, str]:
    """The first and last page a LOCATOR_RE match names ("", "" for none)."""
    if locator is None:
        return "", ""
    names = locator.re.groupindex
    first = next(
        locator.group(name) for name in ("a", "e", "c") if name in names and locator.group(name)
    )
    last = next(
        (locator.group(name) for name in ("b", "f", "d") if name in names and locator.group(name)),
        first,
    )
    if first.isdigit() and last.isdigit() and len(last) < len(first):  # “1105-06”
        last = first[: len(first) - len(last)] + last
    return first, last


# Titles are at most a few hundred characters: the bound keeps a stray quotation mark in a long
# note from costing a scan of the rest of the note at every position.
TITLE_PATTERNS = (
    r"“([^”\"]{1,500})[”\"]",
    r"「([^」]{1,500})」",
    r'"([^"]{1,500})"',
    r"(?<![\w])‘(.{1,500}?)’(?=[\s,.;:)]|$)",
    r"\[([^\]]{1,500})\]\(https?://[^)\s]{1,2000}\)",
    r"\*([^*]{1,500})\*",
    r"『([^』]{1,500})』",
)


def _title(segment: str) -> str:
    # An article's title is quoted, the journal or book it appears in italicised or in 『』; a
    # Markdown link's text names the page it links to.
    books = [match.span() for match in re.finditer(r"『[^』]{1,500}』", segment)]
    for pattern in TITLE_PATTERNS:
        for match in re.finditer(pattern, segment):
            if pattern.startswith("「") and any(a < match.start() < b for a, b in books):
                continue  # 『「許せない」がやめられない』: the book's title holds the quotation
            title = match.group(1).strip().strip("*").strip().rstrip(",，、")
            title = re.sub(rf"^{SIGNAL}\s+", "", title, flags=re.IGNORECASE)
            if title and not (NOT_TITLES.match(title) or ACCESS_RE.match(title)):
                if not URL_RE.fullmatch(title):  # [https://…](https://…) names no work
                    return title
    return ""


def _without_titles(segment: str) -> str:
    return re.sub(
        r"\*[^*]{1,500}\*|“[^”]{1,500}”|「[^」]{1,500}」|『[^』]{1,500}』|‘[^‘]{1,500}’(?=[\s,.;:)]|$)",
        "",
        segment,
    )


def _full_reference(
    segment: str, printed_segment: str, title: str, document_author: str
) -> SourceRef:
    url_match = URL_RE.search(segment)
    url = ""
    if url_match:
        url = (url_match.group(1) or url_match.group(2)).rstrip(".,;")
    author_date = AUTHOR_DATE_RE.match(segment) if not title else None
    if author_date:
        title = author_date.group("title").strip().rstrip(".,")
    elif not title:
        first = segment.split(",")[0].strip()
        if ACCESS_RE.match(first) or URL_RE.match(first) or not first[:1].isupper():
            raise _Unreadable(
                gettext("“%(text)s” reads like a reference but names no title")
                % {"text": _clip(segment)}
            )
        title = first
    before, _, after = segment.partition(title)
    author = (
        author_date.group("author").strip() if author_date else _author(before, document_author)
    )
    container, editor, publisher = _container(after)
    issued_match = JAPANESE_DATE_RE.search(after) or ENGLISH_DATE_RE.search(after)
    if author_date:
        issued_match = YEAR_RE.search(author_date.group("year")) or issued_match
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
        reference=TRAILING_CUE_RE.sub("", printed_segment.strip()).rstrip("、，,"),
    )


def _author(before: str, document_author: str) -> str:
    text = before.strip().rstrip('*“「『"‘[').strip().rstrip(",，、").strip()
    # "この点については例えば、拙稿" names the author in its last clause.
    text = re.split(r"[、，]", text)[-1].strip()
    text = re.sub(r"\s*(?:著|編|編著|訳)$", "", text)
    if text in SELF_REFERENCE:
        return document_author
    return text


def _container(after: str) -> tuple[str, str, str]:
    """Return (container, editor, publisher) from what follows the title."""
    rest = after.lstrip('*”」』"’').strip().lstrip(",，、").strip()
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
    segment: str, title: str, earlier: _Earlier, document_author: str
) -> tuple[SourceRef | None, str]:
    """The earlier work a short form names, and how: "short" (its title), "guessed" (the start
    of its title, or its author alone)."""
    if title:
        wanted = _short_title(title)
        for ref in reversed(earlier.works):
            main_title = re.split(r"[:：]", ref.title)[0]
            if wanted in (_short_title(ref.title), _short_title(main_title)):
                return ref, "short"
        for ref in reversed(earlier.works):
            if _short_title(ref.title).startswith(wanted) and len(wanted) >= 4:
                return ref, "guessed"
        return None, ""
    op_cit = OP_CIT_RE.search(segment)
    if op_cit:
        author = _author(segment[: op_cit.start()], document_author)
        for ref in reversed(earlier.works):
            if author and (author in ref.author or _surname(author) in ref.author):
                return ref, "guessed"
    return None, ""


def _short_title(title: str) -> str:
    """A title as a short form may print it: without a leading article (The Alliance Dilemma →
    Alliance Dilemma)."""
    return normalise_title(re.sub(r"^\s*(?:the|an?)\s+", "", title, flags=re.IGNORECASE))


def _surname(name: str) -> str:
    return name.replace("　", " ").split()[0] if name.strip() else name
