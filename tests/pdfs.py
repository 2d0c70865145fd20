"""PDF files made for the tests: fpdf2 writes the pages, pypdf adds page labels and encryption.

`nds_like_pdf()` stands in for the National Defense Strategy: roman front matter (i–iv) and then
pages 1, 2, …, so that printed page 19 is PDF page 23 (index 22). Its pages 19 and 20–21 hold the
English originals of the passages the seed commentary quotes in Japanese.
"""

from __future__ import annotations

import io
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
            text += " " + NDS_P20_END
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
