"""The published PDF: rebuild the plain-text format from the characters and where they stand.

pdfminer.six gives each character with its font, size and box. From them: lines (characters that
share a baseline band), note markers (digits smaller than their line and raised above its
baseline, written back as superscript digits), running headers, footers and page numbers (dropped),
notes (the smaller lines from the first line that starts with a marker to the foot of the page,
or to the end for endnotes), and paragraphs (a line indented, a wider gap, or a change of size
starts one; a page that ends on a full line goes on into the next). Spaces: a space the PDF draws
is kept, a gap becomes a space only between Latin letters, and the letter-spaced Japanese that
justified lines give is closed up. Lines of a table of contents (dot leaders and a page number)
are dropped. The first page's leading paragraphs are read by reader.importers.header (title,
date, series, byline wherever they stand, or absent); the body and notes go through the
plain-text format's parser, and its errors name the page.

A PDF is refused, with a message that says why, before it can take a worker's memory or time:
more than MAX_PAGES pages, streams that inflate to more than MAX_INFLATED bytes (a
decompression bomb: a megabyte of zeros deflated inflates to a gigabyte), or more than
MAX_SECONDS to read.
"""

from __future__ import annotations

import io
import re
import statistics
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext
from pdfminer.cmapdb import CMapDB
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar, LTComponent, LTPage
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdffont import PDFCIDFont, PDFFont
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFStream, resolve1

from .header import Candidate, Header, read_header
from .parsed import CommentaryFormatError, ParsedDocument, has_cjk
from .structure import SENTENCE_END, ClaimSpan
from .text import MARKERS_APART, SUPERSCRIPTS, paragraphs, parse_body

MARKER_SIZE = 0.8  # a marker's size, at most, against its line's
MARKER_RISE = 0.2  # how far above the line's baseline a marker's box starts, in line sizes
NOTE_SIZE = 0.92  # notes are set smaller than the body
MARKER_GAP = 0.25  # raised digits this far apart, in their size, are two markers
WORD_GAP = 0.15  # a gap this wide, in sizes, between Latin letters is a space (Times' is 0.25)
BAND = 0.08  # the share of the page height at the top and foot where headers and footers stand
PAGE_NUMBER_RE = re.compile(r"^[-–—\s]*(?:page\s*)?\d+(?:\s*/\s*\d+)?[-–—\s]*$", re.IGNORECASE)
LETTER_SPACED_RE = re.compile(r"(?:[^\x00-\x7f] ){2,}[^\x00-\x7f]")
PDF_MAGIC = b"%PDF-"
CID_CHAR_RE = re.compile(r"<([0-9A-Fa-f]+)>\s*(\d+)")
CID_RANGE_RE = re.compile(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\d+)")
CONTENTS_RE = re.compile(r"(?:\.\s?|…|･|・){4,}\s*[\divxlc]+\s*\*?$", re.IGNORECASE)
STREAM_RE = re.compile(rb"stream\r?\n")
MAX_PAGES = 300
MAX_INFLATED = 100 * 2**20  # bytes, all streams together (real commentaries and papers: < 12 MB)
MAX_SECONDS = 120.0
HEADING_LENGTH = 100  # characters: a heading is one line no longer than this
HEADER_PARAGRAPHS = 12  # the header is among the first paragraphs


def looks_like_pdf(data: bytes) -> bool:
    return PDF_MAGIC in data[:1024]


def parse_pdf(data: bytes) -> tuple[ParsedDocument, list[ClaimSpan]]:
    found = read_paragraphs(data)
    body = [paragraph for paragraph in found if not paragraph.note]
    header, body = _header(body, found_size(found))
    if not header.title:
        raise CommentaryFormatError(
            gettext("the first page has no line that could be the title"), page=1
        )
    if not body:
        raise CommentaryFormatError(gettext("the commentary has no body paragraphs"), page=1)
    rest = _markers_carried_back(body) + [paragraph for paragraph in found if paragraph.note]
    text, pages = _joined(rest)
    starts = [line for line, _ in paragraphs(text)]
    kinds = {line: paragraph.kind for line, paragraph in zip(starts, rest, strict=True)}
    language = "ja" if any(has_cjk(paragraph.text) for paragraph in rest) else "en"
    try:
        return parse_body(
            paragraphs(text),
            header,
            language=language,
            kinds=kinds,
            join_breaks=False,  # the layout has joined what a page break cut
            metadata={"header": header.other} if header.other else {},
        )
    except CommentaryFormatError as error:
        page = pages[error.line - 1] if error.line and error.line <= len(pages) else None
        raise CommentaryFormatError(error.message, page=page) from error


def _markers_carried_back(body: list[Paragraph]) -> list[Paragraph]:
    """A body paragraph that starts with a marker (a page break fell between the words and their
    marker) gives the marker back to the paragraph before it, whose last words it closes."""
    kept: list[Paragraph] = []
    for paragraph in body:
        digits = len(paragraph.text) - len(paragraph.text.lstrip(SUPERSCRIPTS + MARKERS_APART))
        if digits and kept:
            kept[-1].text += paragraph.text[:digits]
            paragraph.text = paragraph.text[digits:].lstrip()
            if not paragraph.text:
                continue
        kept.append(paragraph)
    return kept


def _header(body: list[Paragraph], body_size: float) -> tuple[Header, list[Paragraph]]:
    """Read the header from the body's leading lines; return it and the body after it (a
    paragraph the header took only some lines of goes on with the others)."""
    lines: list[tuple[int, int]] = []  # (paragraph, line in it) of each candidate
    candidates: list[Candidate] = []
    for index, paragraph in enumerate(body[:HEADER_PARAGRAPHS]):
        parts = paragraph.text.split("\n")
        if len(parts) != len(paragraph.sizes) or len(parts) == 1:
            lines.append((index, -1))
            candidates.append(paragraph.candidate())
            continue
        for number, (part, size) in enumerate(zip(parts, paragraph.sizes, strict=True)):
            lines.append((index, number))
            markers = any(ch in SUPERSCRIPTS for ch in part)
            centred = paragraph.centred[number] if paragraph.centred else False
            candidates.append(Candidate(part, size, 1, markers, centred))
    header, taken = read_header(candidates, body_size)
    if not taken:
        return header, body
    index, number = lines[taken - 1]
    rest = body[index + 1 :]
    if number >= 0:
        parts = body[index].text.split("\n")[number + 1 :]
        if parts:
            left = body[index]
            rest.insert(
                0,
                Paragraph(
                    left.page,
                    "\n".join(parts),
                    left.sizes[number + 1 :],
                    left.note,
                    body_size=body_size,
                    centred=left.centred[number + 1 :],
                ),
            )
            rest[0].heading = _heading(rest[0], body_size)
    return header, rest


def commentary_text(data: bytes) -> tuple[str, list[int]]:
    """The commentary in the plain-text format, and the PDF page (from 1) of each of its lines."""
    return _joined(read_paragraphs(data))


def _joined(found: list[Paragraph]) -> tuple[str, list[int]]:
    out: list[str] = []
    pages: list[int] = []
    for paragraph in found:
        for part in paragraph.text.split("\n"):
            out.append(part)
            pages.append(paragraph.page)
        out.append("")
        pages.append(paragraph.page)
    return "\n".join(out), pages


@dataclass
class Paragraph:
    page: int
    text: str
    sizes: list[float]  # of each of its lines
    note: bool
    heading: bool = False
    body_size: float = 0.0
    centred: list[bool] = field(default_factory=list)  # each of its lines
    set_in: bool = False  # every line indented from the text's margin: a quotation

    @property
    def size(self) -> float:
        return self.sizes[0]

    @property
    def kind(self) -> str:
        return "heading" if self.heading else "quote" if self.set_in else "paragraph"

    @property
    def lines(self) -> int:
        return len(self.sizes)

    def candidate(self) -> Candidate:
        markers = any(ch in SUPERSCRIPTS for ch in self.text)
        return Candidate(self.text, self.size, self.lines, markers, all(self.centred))


def found_size(found: list[Paragraph]) -> float:
    return found[0].body_size if found else 0.0


def read_paragraphs(data: bytes) -> list[Paragraph]:
    """The body's paragraphs, then the notes', in reading order."""
    lines = _without_headers_and_footers([line for line in read_lines(data) if line.glyphs])
    lines = [line for line in lines if not CONTENTS_RE.search(line.plain())]
    if not lines:
        raise CommentaryFormatError(
            gettext(
                "the PDF has no text (a scan?): export it from the original document, "
                "or run OCR first"
            )
        )
    body_size = _most_common_size(lines)
    body, notes = _split_notes(lines, body_size)
    layout = _Layout(body + notes)
    found = layout.paragraphs(body, notes=False) + layout.paragraphs(notes, notes=True)
    for paragraph in found:
        paragraph.body_size = body_size
        paragraph.heading = _heading(paragraph, body_size)
    return found


def _heading(paragraph: Paragraph, body_size: float) -> bool:
    """One short line, not a sentence, set larger or in capitals: a heading of the body."""
    text = paragraph.text
    if paragraph.note or paragraph.lines > 1 or len(text) > HEADING_LENGTH:
        return False
    if text[-1:] in SENTENCE_END or any(ch in SUPERSCRIPTS for ch in text):
        return False
    letters = [ch for ch in text if ch.isalpha()]
    capitals = len(letters) > 3 and all(ch.isupper() for ch in letters if ch.isascii())
    return paragraph.size > body_size * 1.1 or (capitals and text.isascii())


# --- characters and lines ---------------------------------------------------------------------


@dataclass
class Glyph:
    text: str
    x0: float
    x1: float
    y0: float  # from the top of the page: y0 the box's top, y1 its bottom
    y1: float
    size: float
    italic: bool
    marker: bool = False


@dataclass
class Line:
    page: int
    height: float  # of the page
    glyphs: list[Glyph] = field(default_factory=list)

    @property
    def size(self) -> float:
        return max(glyph.size for glyph in self.glyphs)

    @property
    def top(self) -> float:
        return min(glyph.y0 for glyph in self.full())

    @property
    def bottom(self) -> float:
        return max(glyph.y1 for glyph in self.full())

    @property
    def x0(self) -> float:
        return self.glyphs[0].x0

    @property
    def x1(self) -> float:
        return self.glyphs[-1].x1

    def full(self) -> list[Glyph]:
        size = self.size
        return [glyph for glyph in self.glyphs if glyph.size >= size * MARKER_SIZE]

    def plain(self) -> str:
        return "".join(glyph.text for glyph in self.glyphs).strip()

    def starts_with_marker(self) -> bool:
        """A note's first line: its number in raised digits, then a space or a gap."""
        count = 0
        while count < len(self.glyphs) and self.glyphs[count].marker:
            count += 1
        if not count or count == len(self.glyphs):
            return False
        after = self.glyphs[count]
        return after.text == " " or after.x0 - self.glyphs[count - 1].x1 > 0.15 * self.size


class _FontReader(PDFResourceManager):
    """Reads CID fonts whose encoding is a CMap embedded in the file (fpdf2 writes them so).

    pdfminer.six looks such a CMap up by name and finds nothing; read it, and keep the codes as
    they are (the ToUnicode map is keyed by them) with the widths of the CIDs they stand for.
    """

    def __init__(self) -> None:
        super().__init__()
        self._read: set[int] = set()

    def get_font(self, objid: object, spec: Any) -> PDFFont:
        font = super().get_font(objid, spec)
        if not isinstance(font, PDFCIDFont) or id(font) in self._read:
            return font
        self._read.add(id(font))  # a Type0 font and its descendant are one object
        descendant = resolve1((resolve1(spec.get("DescendantFonts")) or [{}])[0])
        encoding = resolve1(spec.get("Encoding") or resolve1(descendant).get("Encoding"))
        if isinstance(encoding, PDFStream):
            widths = dict(font.widths)
            font.widths = {
                code: widths.get(cid, font.default_width)
                for code, cid in _code_to_cid(encoding.get_data().decode("latin-1"))
            }
            font.cmap = CMapDB.get_cmap("Identity-H")
        return font


def _code_to_cid(cmap: str) -> list[tuple[int, int]]:
    """The cidchar and cidrange entries of an embedded CMap (pdfminer.six reads them as Unicode)."""
    found: list[tuple[int, int]] = []
    for block in re.findall(r"begincidchar(.*?)endcidchar", cmap, re.DOTALL):
        found += [(int(code, 16), int(cid)) for code, cid in CID_CHAR_RE.findall(block)]
    for block in re.findall(r"begincidrange(.*?)endcidrange", cmap, re.DOTALL):
        for first, last, cid in CID_RANGE_RE.findall(block):
            start = int(first, 16)
            found += [(code, int(cid) + code - start) for code in range(start, int(last, 16) + 1)]
    return found


def _pages(data: bytes) -> list[LTPage]:
    check_inflated_size(data)
    started = time.monotonic()
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        if not document.is_extractable:
            raise CommentaryFormatError(
                gettext("the PDF forbids text extraction: ask for an open copy")
            )
        manager = _FontReader()
        device = PDFPageAggregator(manager, laparams=None)
        interpreter = PDFPageInterpreter(manager, device)
        pages: list[LTPage] = []
        for page in PDFPage.create_pages(document):
            if len(pages) == MAX_PAGES:
                raise CommentaryFormatError(
                    gettext(
                        "the PDF has more than %(count)s pages: a commentary has fewer; "
                        "import the part that is the commentary"
                    )
                    % {"count": MAX_PAGES}
                )
            if time.monotonic() - started > _max_seconds():
                raise CommentaryFormatError(
                    gettext(
                        "reading the PDF took more than %(seconds)s seconds (at page %(page)s): "
                        "save it again from the original document, or import its text"
                    )
                    % {"seconds": f"{_max_seconds():g}", "page": len(pages) + 1}
                )
            interpreter.process_page(page)
            pages.append(device.get_result())
        return pages
    except (PDFPasswordIncorrect, PDFEncryptionError) as error:
        raise CommentaryFormatError(
            gettext("the PDF is encrypted: save a copy without a password and import that")
        ) from error
    except CommentaryFormatError:
        raise
    except Exception as error:  # pdfminer raises many kinds of error on a damaged file
        raise CommentaryFormatError(
            gettext(
                "the file cannot be read as a PDF (%(error)s): "
                "export it again from the original document"
            )
            % {"error": type(error).__name__}
        ) from error


def _max_seconds() -> float:
    """MAX_SECONDS, or less where a request must end sooner (settings.COMMENTARY_PDF_SECONDS:
    the PDF is read in the request that imports it, well within gunicorn's --timeout)."""
    return min(MAX_SECONDS, settings.COMMENTARY_PDF_SECONDS)


def check_inflated_size(data: bytes) -> None:
    """Refuse a file whose streams inflate beyond MAX_INFLATED, before anything inflates them.

    pdfminer.six inflates a stream whole, in memory; here each deflated stream is inflated a
    piece at a time and only counted, so a bomb is refused after MAX_INFLATED bytes, at once.
    """
    total = 0
    view = memoryview(data)
    for start in STREAM_RE.finditer(data):
        inflater = zlib.decompressobj()
        end = data.find(b"endstream", start.end())
        pending: bytes | memoryview = view[start.end() : end if end >= 0 else len(data)]
        try:
            while pending and not inflater.eof:
                total += len(inflater.decompress(pending, 2**20))
                pending = inflater.unconsumed_tail
                if total > MAX_INFLATED:
                    raise CommentaryFormatError(
                        gettext(
                            "the PDF's streams inflate to more than %(size)s MB "
                            "(a decompression bomb?): it was not read"
                        )
                        % {"size": MAX_INFLATED // 2**20}
                    )
        except zlib.error:
            continue  # not a deflated stream (an image, plain text): pdfminer reads it as is


def _characters(item: LTComponent) -> list[LTChar]:
    if isinstance(item, LTChar):
        return [item]
    found: list[LTChar] = []
    for child in getattr(item, "_objs", []):
        found += _characters(child)
    return found


def read_lines(data: bytes) -> list[Line]:
    """Every line of every page, top to bottom, its glyphs left to right, markers found."""
    lines: list[Line] = []
    for number, page in enumerate(_pages(data), start=1):
        height = page.height
        glyphs = [
            Glyph(
                text=" " if char.get_text().isspace() else char.get_text(),
                x0=char.x0,
                x1=char.x1,
                y0=height - char.y1,
                y1=height - char.y0,
                size=char.size,
                italic=bool(re.search(r"italic|oblique", char.fontname, re.IGNORECASE)),
            )
            for char in _characters(page)
            if char.get_text() and char.get_text() not in "\r\n"
        ]
        for line in sorted(_place(glyphs, number, height), key=lambda line: line.top):
            line.glyphs.sort(key=lambda glyph: glyph.x0)
            _find_markers(line)
            while line.glyphs and line.glyphs[-1].text == " ":
                line.glyphs.pop()
            while line.glyphs and line.glyphs[0].text == " ":
                line.glyphs.pop(0)
            lines.append(line)
    return lines


def _place(glyphs: list[Glyph], page: int, height: float) -> list[Line]:
    """Put each glyph on the line whose band it overlaps most, or start a line.

    Glyphs come largest first, so a line is there before the raised digits that mark it.
    """
    lines: list[Line] = []
    bands: list[list[float]] = []  # each line's top, bottom and size, from its full-size glyphs
    for glyph in sorted(glyphs, key=lambda glyph: -glyph.size):
        best, overlap = -1, 0.0
        for index, (top, bottom, _) in enumerate(bands):
            shared = min(glyph.y1, bottom) - max(glyph.y0, top)
            share = shared / max(min(glyph.y1 - glyph.y0, bottom - top), 0.1)
            if share > overlap:
                best, overlap = index, share
        small = best >= 0 and glyph.size <= bands[best][2] * MARKER_SIZE
        if best < 0 or overlap < (0.05 if small else 0.3):
            lines.append(Line(page, height))
            bands.append([glyph.y0, glyph.y1, glyph.size])
            best = len(lines) - 1
        elif not small:
            band = bands[best]
            band[0], band[1] = min(band[0], glyph.y0), max(band[1], glyph.y1)
        lines[best].glyphs.append(glyph)
    return lines


def _find_markers(line: Line) -> None:
    size = line.size
    baseline = statistics.median(glyph.y1 for glyph in line.full())
    for glyph in line.glyphs:
        glyph.marker = (
            glyph.text.isdigit()
            and glyph.size <= size * MARKER_SIZE
            and glyph.y1 < baseline - MARKER_RISE * size
        )


# --- what is not the commentary's text --------------------------------------------------------


def _in_band(line: Line) -> bool:
    return line.bottom < line.height * BAND or line.top > line.height * (1 - BAND)


def _without_headers_and_footers(lines: list[Line]) -> list[Line]:
    """Drop page numbers, and lines at the top or foot of a page that repeat on other pages."""

    def key(line: Line) -> str:
        return re.sub(r"\d+", "#", line.plain())

    pages_of: dict[str, set[int]] = {}
    for line in lines:
        if _in_band(line):
            pages_of.setdefault(key(line), set()).add(line.page)
    return [
        line
        for line in lines
        if not (
            _in_band(line) and (PAGE_NUMBER_RE.match(line.plain()) or len(pages_of[key(line)]) > 1)
        )
    ]


def _most_common_size(lines: list[Line]) -> float:
    sizes = Counter(round(glyph.size, 1) for line in lines for glyph in line.glyphs)
    return sizes.most_common(1)[0][0]


def _split_notes(lines: list[Line], body_size: float) -> tuple[list[Line], list[Line]]:
    """Notes are the smaller lines from a line that starts with a marker to the page's foot; a
    note that runs over into the next page goes on in the small lines at that page's foot,
    below its last line of body text. A law review numbers its notes in plain digits (“2. See
    …”): a small line there that starts with the next note's number and a full stop starts it."""
    body: list[Line] = []
    notes: list[Line] = []
    last_body: dict[int, float] = {}
    for line in lines:
        if line.size >= body_size * NOTE_SIZE:
            last_body[line.page] = max(last_body.get(line.page, 0.0), line.top)
    in_notes = False
    page = 0
    following = 1  # the number the next note should have
    for line in lines:
        small = line.size < body_size * NOTE_SIZE
        if line.page != page:
            # Endnotes go on over the page; foot-of-page notes end with it.
            in_notes = in_notes and small
            page = line.page
        below = line.top > last_body.get(line.page, -1.0)
        if small and (below or in_notes) and not line.starts_with_marker():
            _plain_number_as_marker(line, following)
        if small and line.starts_with_marker():
            in_notes = True
            following = _leading_number(line) + 1
        (notes if in_notes or (small and below and notes) else body).append(line)
    return body, notes


def _plain_number_as_marker(line: Line, number: int) -> None:
    """Read “12. …” at the start of a note's line as the marker 12, if 12 is the number due."""
    digits = str(number)
    glyphs = line.glyphs
    if len(glyphs) <= len(digits) + 1:
        return
    if "".join(glyph.text for glyph in glyphs[: len(digits)]) != digits:
        return
    if glyphs[len(digits)].text not in ".)":
        return
    for glyph in glyphs[: len(digits)]:
        glyph.marker = True
    glyphs[len(digits)].text = " "


def _leading_number(line: Line) -> int:
    digits = ""
    for glyph in line.glyphs:
        if not glyph.marker:
            break
        digits += glyph.text
    return int(digits) if digits.isdigit() else 0


# --- paragraphs -----------------------------------------------------------------------------


class _Layout:
    """The text block's left and right edges and its usual line spacing, to tell paragraphs."""

    def __init__(self, lines: list[Line]) -> None:
        self.left = Counter(round(line.x0) for line in lines).most_common(1)[0][0]
        self.right = sorted(line.x1 for line in lines)[int(len(lines) * 0.95)]
        steps = [
            (line.top - previous.top) / line.size
            for previous, line in zip(lines, lines[1:], strict=False)
            if line.page == previous.page and line.top > previous.top
        ]
        self.step = statistics.median(steps) if steps else 1.5

    def full(self, line: Line) -> bool:
        return line.x1 >= self.right - 1.5 * line.size

    def centred(self, line: Line) -> bool:
        """Set in the middle of the text block, clear of its left edge (a title, a byline)."""
        middle = (self.left + self.right) / 2
        return (
            line.x0 > self.left + 2 * line.size
            and abs((line.x0 + line.x1) / 2 - middle) < 2 * line.size
        )

    def set_in(self, line: Line) -> bool:
        return line.x0 > self.left + 1.5 * line.size

    def indented(self, line: Line) -> bool:
        return line.x0 > self.left + 0.6 * line.size

    def starts_paragraph(self, previous: Line | None, line: Line, *, notes: bool) -> bool:
        if previous is None:
            return True
        if notes:
            return line.starts_with_marker()
        if abs(line.size - previous.size) > 0.15 * line.size:
            return True
        if line.page != previous.page:
            return not self.full(previous)
        if (line.top - previous.top) / line.size > self.step * 1.3:
            return True
        # An indented line starts a paragraph, unless it goes on an indented block (a quotation
        # set in from the margin) at the same indent.
        same_indent = self.indented(previous) and abs(line.x0 - previous.x0) < 0.5 * line.size
        return self.indented(line) and not same_indent

    def paragraphs(self, lines: list[Line], *, notes: bool) -> list[Paragraph]:
        found: list[tuple[int, list[Line]]] = []
        previous = None
        for line in lines:
            if self.starts_paragraph(previous, line, notes=notes):
                found.append((line.page, []))
            found[-1][1].append(line)
            previous = line
        return [
            Paragraph(
                page,
                self._text(group),
                [line.size for line in group],
                notes,
                centred=[self.centred(line) for line in group],
                set_in=len(group) > 1 and all(self.set_in(line) for line in group),
            )
            for page, group in found
        ]

    def _text(self, lines: list[Line]) -> str:
        pieces: list[tuple[str, bool]] = []  # (character, italic)
        for index, line in enumerate(lines):
            text = _line_pieces(line)
            if index and pieces and text:
                before, after = pieces[-1][0], text[0][0]
                if not self.full(lines[index - 1]) and _same_join(before, after):
                    pieces.append(("\n", False))  # a line that ends early is a line break
                elif _spaced(pieces, after):
                    pieces.append((" ", pieces[-1][1] and text[0][1]))
            pieces += text
        return _with_italics(pieces)


def _line_pieces(line: Line) -> list[tuple[str, bool]]:
    pieces: list[tuple[str, bool]] = []
    previous: Glyph | None = None
    for glyph in line.glyphs:
        text = glyph.text
        if glyph.marker:
            text = SUPERSCRIPTS[int(text)]
            if (
                previous is not None
                and previous.marker
                and glyph.x0 - previous.x1 > MARKER_GAP * glyph.size
            ):
                pieces.append((MARKERS_APART, False))  # ⁹ ¹⁰ set apart: two markers, not ⁹¹⁰
        elif previous is not None and text != " " and previous.text != " ":
            gap = glyph.x0 - previous.x1
            # A gap the PDF leaves between words, not a drawn space: a space between Latin
            # letters only (Japanese has none).
            if gap > WORD_GAP * glyph.size and not (has_cjk(text) or has_cjk(previous.text)):
                pieces.append((" ", glyph.italic and previous.italic))
        if text == " " and pieces and pieces[-1][0] == " ":
            continue
        pieces.append((text, glyph.italic and not glyph.marker))
        previous = glyph
    plain = "".join(piece for piece, _ in pieces)
    # Letter-spaced Japanese (あ い う) is closed up; a single space between names stays.
    for match in reversed(list(LETTER_SPACED_RE.finditer(plain))):
        if has_cjk(match.group(0).replace(" ", "")):
            keep = [i for i in range(match.start(), match.end()) if plain[i] != " "]
            pieces[match.start() : match.end()] = [pieces[i] for i in keep]
            plain = "".join(piece for piece, _ in pieces)
    return pieces


def _same_join(before: str, after: str) -> bool:
    """Whether the plain-text format joins these two lines as a wrapped line would be joined."""
    return (has_cjk(before) and has_cjk(after)) or (before.isascii() and after.isascii())


def _spaced(pieces: list[tuple[str, bool]], after: str) -> bool:
    """A wrapped line joins the next with a space between Latin words, not in Japanese or a URL."""
    before = pieces[-1][0]
    if has_cjk(before) or has_cjk(after) or before in " -/":
        return False
    word = "".join(piece for piece, _ in pieces[-200:]).rsplit(" ", 1)[-1]
    return not (("http://" in word or "https://" in word) and ">" not in word)


def _with_italics(pieces: list[tuple[str, bool]]) -> str:
    """Italic runs become Markdown *emphasis*, with the spaces around them left outside."""
    out: list[str] = []
    index = 0
    while index < len(pieces):
        text, italic = pieces[index]
        if not italic or text.isspace():
            out.append(text)
            index += 1
            continue
        end = index
        while end < len(pieces) and pieces[end][1]:
            end += 1
        while pieces[end - 1][0].isspace():
            end -= 1
        out.append("*" + "".join(piece for piece, _ in pieces[index:end]) + "*")
        index = end
    return "".join(out)
