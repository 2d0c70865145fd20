"""PDF files made for the tests: fpdf2 writes the pages, pypdf adds page labels and encryption.

`nds_like_pdf()` stands in for the National Defense Strategy: roman front matter (i–iv) and then
pages 1, 2, …, so that printed page 19 is PDF page 23 (index 22). Its pages 19 and 20–21 hold the
English originals of the passages the seed commentary quotes in Japanese.
"""

from __future__ import annotations

import io
import re
import struct
import subprocess
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from fpdf import FPDF
from pypdf import PdfWriter

if TYPE_CHECKING:
    from reader.models import Source

NDS = "national-defense-strategy"

FRONT_MATTER = 4  # pages i–iv

NDS_P19 = (
    "In Europe, the Middle East, and on the Korean Peninsula, the Department will focus on "
    "strengthening incentives for allies and partners to take primary responsibility for their "
    "own defense, with critical but more limited support from U.S. forces. Incentives work, and "
    "they will be a core part of our approach to alliances. We will therefore prioritize "
    "cooperation and arrangements with model allies - those that spend what is needed and take "
    "visible steps to meet the threats in their regions, with critical but limited support from "
    "the United States."
)
# What the claim of note 6 rests on (the 2026 NDS's words as reports of its release quote them).
NDS_P20_KOREA = (
    "With its powerful military, supported by high defense spending, a robust defense industry, "
    "and mandatory conscription, South Korea is capable of taking primary responsibility for "
    "deterring North Korea with critical but more limited U.S. support."
)
# The quotation of note 8 runs over the break between printed pages 20 and 21.
NDS_P20_END = (
    "This shift in the balance of responsibility is consistent with America's interest in "
    "updating the posture of U.S. forces on the Korean Peninsula. In doing so, the United States "
    "and the Republic of Korea can build a stronger,"
)
NDS_P21_START = (
    "more mutually beneficial alliance that is better aligned with U.S. defense priorities and "
    "lays the foundation for a durable peace."
)


def page_text(label: str) -> str:
    """What an ordinary generated page says: enough words to be a page, and its printed label."""
    return (
        f"This is printed page {label}. The Department of War sets out its priorities for the "
        "defense of the homeland and the Western Hemisphere, deterrence in the Indo-Pacific, "
        "burden sharing with allies and partners, and the defense industrial base."
    )


def make_pdf(texts: list[str | None]) -> bytes:
    """One page per text; None leaves a page with nothing on it."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_font("Helvetica", size=10)
    for text in texts:
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 5, text)
    return bytes(pdf.output())


def with_labels(data: bytes, ranges: list[tuple[int, int, str, int]]) -> bytes:
    """Add page labels: (first index, last index, style /r /D …, start number) for each range."""
    writer = PdfWriter(clone_from=io.BytesIO(data))
    for first, last, style, start in ranges:
        writer.set_page_label(first, last, style=style, start=start)
    return _written(writer)


def encrypted(data: bytes, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(data))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-128")
    return _written(writer)


def nds_like_pdf(pages: int = 30) -> bytes:
    """Front matter i–iv, then printed pages 1..`pages`, with labels to say so."""
    texts: list[str | None] = [page_text(label) for label in ("i", "ii", "iii", "iv")]
    for number in range(1, pages + 1):
        text = page_text(str(number))
        if number == 19:
            text += " " + NDS_P19
        elif number == 20:
            text += " " + NDS_P20_KOREA + " " + NDS_P20_END
        elif number == 21:
            text = NDS_P21_START + " " + text
        texts.append(text)
    last = FRONT_MATTER + pages - 1
    return with_labels(
        make_pdf(texts), [(0, FRONT_MATTER - 1, "/r", 1), (FRONT_MATTER, last, "/D", 1)]
    )


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def import_nds_like_pdf(directory: Path, pages: int = 30) -> Source:
    """Import a generated NDS-like PDF into the seed's NDS source (the seed must be imported)."""
    # Imported here so that the generators above also serve outside Django (bench/).
    from reader.importers.source import import_source
    from reader.models import Source

    source = Source.objects.get(slug=NDS)
    import_source(source, write(directory / "nds.pdf", nds_like_pdf(pages)))
    return source


# --- commentaries as an institute typesets them -------------------------------------------------

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
RUN_RE = re.compile(f"([{SUPERSCRIPTS}]+)|\\*([^*]+)\\*")
SENTENCE_END = "。．！？!?.」』”）):：…"


def japanese_font() -> tuple[Path, int] | None:
    """Noto Sans CJK JP (fonts-noto-cjk): its file and its index in the collection."""
    try:
        listed = subprocess.run(
            ["fc-list", ":lang=ja", "file", "index", "family", "style"],
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        listed = ""
    for line in sorted(listed.splitlines()):
        if "Noto Sans CJK JP" in line and "Regular" in line and "Mono" not in line:
            file, _, rest = line.partition(": ")
            index = re.search(r"index=(\d+)", rest)
            return Path(file), int(index.group(1)) if index else 0
    for path in sorted(Path("/usr/share/fonts").glob("**/NotoSansCJK*-Regular.tt[cf]")):
        return path, 0
    return None


class _Commentary(FPDF):
    """Running header on every page, page number at the foot, and (for that layout) each page's
    notes at its foot."""

    def __init__(self, header_text: str, notes: dict[int, str], footnotes: bool) -> None:
        super().__init__(format="A4")
        self.header_text = header_text
        self.note_texts = notes
        self.footnotes = footnotes
        self.on_page: list[int] = []  # the markers written on the current page

    def header(self) -> None:
        self.set_font("jp", size=8)
        self.set_xy(self.l_margin, 9)
        self.cell(0, 4, self.header_text, align="R")
        self.set_xy(self.l_margin, self.t_margin)

    def footer(self) -> None:
        if self.footnotes and self.on_page:
            margin = self.b_margin
            self.set_auto_page_break(False)  # the notes stand in the bottom margin
            self.set_y(self.h - margin + 4)
            self.line(self.l_margin, self.get_y(), self.l_margin + 50, self.get_y())
            self.set_y(self.get_y() + 2)
            for number in self.on_page:
                write_note(self, number, self.note_texts[number])
            self.on_page = []
            self.set_auto_page_break(True, margin)
        self.set_font("jp", size=9)
        self.set_xy(self.l_margin, self.h - 13)
        self.cell(0, 4, f"- {self.page_no()} -", align="C")


def write_runs(
    pdf: _Commentary, height: float, text: str, size: float, *, body: bool = True
) -> None:
    """Text with superscript digits as small raised digits and *emphasis* in italics."""
    position = 0
    for match in RUN_RE.finditer(text):
        if match.start() > position:
            pdf.write(height, text[position : match.start()])
        if match.group(1):
            pdf.char_vpos = "SUP"
            pdf.write(height, "".join(str(SUPERSCRIPTS.index(ch)) for ch in match.group(1)))
            pdf.char_vpos = "LINE"
            pdf.set_font("jp", size=size)
            if body:
                pdf.on_page.append(int("".join(str(SUPERSCRIPTS.index(c)) for c in match.group(1))))
        else:
            pdf.set_font("helvetica", "I", size - 1)
            pdf.write(height, match.group(2))
            pdf.set_font("jp", size=size)
        position = match.end()
    pdf.write(height, text[position:])


def write_note(pdf: _Commentary, number: int, text: str) -> None:
    pdf.set_font("jp", size=8)
    pdf.set_x(pdf.l_margin)
    # A no-break space, or fpdf2 would put a Japanese note's text on the line below its number.
    number_text = "".join(SUPERSCRIPTS[int(digit)] for digit in str(number))
    write_runs(pdf, 4, f"{number_text}\u00a0{text}", 8, body=False)
    pdf.ln(5)


def typeset_commentary(
    text: str, font: tuple[Path, int], *, footnotes: bool = False, date_beside_title: bool = False
) -> bytes:
    """The PDF of a commentary in the plain-text format (the seed's), as an institute sets it.

    A date, the title (larger), the byline on two lines; body paragraphs with an indented first
    line, flowing over pages (a paragraph cut by a page break in the text is one paragraph here);
    the ※ disclaimer letter-spaced; the notes in a smaller size at the end, or with
    `footnotes`, at the foot of the page of their marker. A running header and page numbers.
    With `date_beside_title`, the date is set at the right of the title's first line, so that
    the two come out of the PDF as one line.
    """
    paras = [part.strip() for part in re.split(r"\n\s*\n", text.strip())]
    date, title, byline = paras[:3]
    notes: dict[int, str] = {}
    body: list[str] = []
    for para in paras[3:]:
        digits = re.match(f"^([{SUPERSCRIPTS}]+)\\s*", para)
        if digits:
            number = int("".join(str(SUPERSCRIPTS.index(ch)) for ch in digits.group(1)))
            notes[number] = " ".join(para[digits.end() :].split("\n"))
        elif body and body[-1][-1:] not in SENTENCE_END and not body[-1].startswith("※"):
            body[-1] += para  # the text's page break: one paragraph in print
        else:
            body.append(para)
    pdf = _Commentary("日米同盟研究会コメンタリー", notes, footnotes)
    pdf.add_font("jp", "", str(font[0]), collection_font_number=font[1])
    pdf.set_margins(22, 24, 22)
    pdf.set_auto_page_break(True, 90 if footnotes else 24)
    pdf.add_page()
    if date_beside_title:
        top = pdf.get_y()
        pdf.set_font("jp", size=10.5)
        pdf.set_xy(pdf.l_margin, top + 1)
        pdf.cell(0, 6, date, align="R")
        pdf.set_xy(pdf.l_margin, top)
        pdf.set_font("jp", size=14)
        pdf.multi_cell(pdf.epw - 35, 8, title)
    else:
        pdf.set_font("jp", size=10.5)
        pdf.write(6, date)
        pdf.ln(12)
        pdf.set_font("jp", size=14)
        pdf.multi_cell(0, 8, title)
    pdf.ln(5)
    pdf.set_font("jp", size=10.5)
    for line in byline.splitlines():
        pdf.write(6, line)
        pdf.ln(6)
    pdf.ln(4)
    for para in body:
        pdf.set_font("jp", size=10.5)
        if para.startswith("※"):
            pdf.set_char_spacing(1.5)
            pdf.write(6, para)
            pdf.set_char_spacing(0)
        else:
            pdf.set_x(pdf.l_margin + 4)
            write_runs(pdf, 6, para, 10.5)
        pdf.ln(9)
    if not footnotes:
        pdf.on_page = []
        pdf.ln(4)
        for number, note in notes.items():
            write_note(pdf, number, note)
    return bytes(pdf.output())


def typeset_paper(
    title: str,
    body: list[str],
    notes: dict[int, str],
    font: tuple[Path, int],
    *,
    footnotes: bool = False,
    title_size: float = 16,
) -> bytes:
    """A paper with no institute's header: its title on the first line, no date, no byline;
    paragraphs (superscript digits as raised markers, *emphasis* in italics), the notes at the
    foot of each page or, without `footnotes`, at the end."""
    pdf = _Commentary("", notes, footnotes)
    pdf.add_font("jp", "", str(font[0]), collection_font_number=font[1])
    pdf.set_margins(22, 24, 22)
    pdf.set_auto_page_break(True, 90 if footnotes else 24)
    pdf.add_page()
    pdf.set_font("jp", size=title_size)
    pdf.multi_cell(0, 8, title)
    pdf.ln(6)
    for para in body:
        pdf.set_font("jp", size=10.5)
        pdf.set_x(pdf.l_margin + 4)
        write_runs(pdf, 6, para, 10.5)
        pdf.ln(9)
    if not footnotes:
        pdf.on_page = []
        pdf.ln(4)
        for number, note in notes.items():
            write_note(pdf, number, note)
    return bytes(pdf.output())


def decompression_bomb(inflated: int = 2**30) -> bytes:
    """A one-page PDF whose content stream, about 1 MB deflated, inflates to `inflated` bytes of
    zeros. Built from one flushed block repeated, so that it takes a second, not a minute."""
    chunk = 2**24
    compressor = zlib.compressobj(9)
    first = compressor.compress(bytes(chunk)) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(bytes(chunk)) + compressor.flush(zlib.Z_FULL_FLUSH)
    count = inflated // chunk
    # After a full flush: an empty final block, then the Adler-32 of the zeros (a is 1).
    stream = (
        first
        + block * (count - 1)
        + b"\x03\x00"
        + struct.pack(">I", (chunk * count % 65521) << 16 | 1)
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
