"""Import from the published PDF: generated here as an institute typesets a commentary (fpdf2,
Noto Sans CJK JP from fonts-noto-cjk), each must import to the same document as its text.

Without the font the tests skip, saying so; under CI (CI set) they fail instead.
"""

from __future__ import annotations

import functools
import io
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from reader.importers.commentary import import_commentary
from reader.importers.parsed import CommentaryFormatError
from reader.importers.pdf import commentary_text, read_lines
from reader.models import Document, Source

from .generated import large_commentary
from .helpers import SEED, document_shape
from .pdfs import encrypted, make_pdf, typeset_commentary

pytestmark = pytest.mark.django_db

SLUG = "npi-commentary-80"


def layouts_text() -> str:
    """The seed twice over (notes 1–20: two-digit markers), with a marker after a closing
    bracket (」¹) and one after a closing parenthesis (）²)."""
    text = large_commentary(2)
    for old, new in (
        (
            "（National Defense Strategy）」を公表した¹。",
            "（National Defense Strategy）」¹を公表した。",
        ),
        (
            "（National Security Strategy）」を2025年12月に公表している²",
            "（National Security Strategy）²」を2025年12月に公表している",
        ),
    ):
        assert old in text
        text = text.replace(old, new, 1)
    return text


TEXTS = {"seed": lambda: SEED.read_text(encoding="utf-8"), "layouts": layouts_text}


@functools.cache
def typeset(name: str, footnotes: bool, font: tuple[Path, int]) -> bytes:
    return typeset_commentary(TEXTS[name](), font, footnotes=footnotes)


def imported(path: Path) -> tuple[dict[str, object], list[tuple[object, ...]]]:
    document = import_commentary(path, slug=SLUG).document
    sources = list(
        Source.objects.order_by("title").values_list(
            "title", "author", "issued", "kind", "language", "url", "container", "editor",
            "publisher", "reference",
        )
    )  # fmt: skip
    return document_shape(document), sources


@pytest.mark.parametrize("footnotes", [False, True], ids=["endnotes", "foot-of-page notes"])
@pytest.mark.parametrize("name", ["seed", "layouts"])
def test_the_pdf_imports_as_the_same_document_as_its_text(
    tmp_path: Path, cjk_font: tuple[Path, int], name: str, footnotes: bool
) -> None:
    text_path = tmp_path / "commentary.txt"
    text_path.write_text(TEXTS[name](), encoding="utf-8")
    pdf_path = tmp_path / "commentary.pdf"
    pdf_path.write_bytes(typeset(name, footnotes, cjk_font))

    from_text = imported(text_path)
    Document.objects.all().delete()
    Source.objects.all().delete()
    from_pdf = imported(pdf_path)

    assert from_pdf == from_text
    shape = from_pdf[0]
    assert len(shape["notes"]) == (10 if name == "seed" else 20)  # type: ignore[arg-type]


def test_the_seed_pdf_has_what_the_text_has_not(cjk_font: tuple[Path, int]) -> None:
    """What the importer had to undo: headers, page numbers, raised digits, breaks, spacing."""
    data = typeset("seed", False, cjk_font)
    lines = read_lines(data)
    pages = {line.page for line in lines}
    assert len(pages) >= 3
    headers = [line for line in lines if line.plain() == "日米同盟研究会コメンタリー"]
    assert {line.page for line in headers} == pages
    assert any(line.plain() == "- 2 -" for line in lines)
    markers = [glyph.text for line in lines for glyph in line.glyphs if glyph.marker]
    assert markers.count("1") >= 3  # ¹, ¹⁰ in the text and in the notes
    # A sentence of the body runs from the foot of one page to the top of the next.
    body_ends = [
        max(
            (line for line in lines if line.page == page and line.size > 10),
            key=lambda found: found.top,
        )
        for page in sorted(pages)[:-1]
    ]
    assert any(line.plain()[-1] not in "。」" for line in body_ends)

    text, _ = commentary_text(data)
    assert "日米同盟研究会コメンタリー\n" not in text and "- 2 -" not in text
    assert "※本稿の内容は執筆者個人の見解であり" in text  # letter-spaced in the PDF
    assert "「国家防衛戦略（National Defense Strategy）」を公表した¹。" in text
    assert "¹⁰ 「李在明政権の発足と在韓米軍の戦略的柔軟性」2頁。" in text
    assert "*National Defense Strategy*, p.20-21." in text


def test_the_command_imports_a_pdf(tmp_path: Path, cjk_font: tuple[Path, int]) -> None:
    path = tmp_path / "npi-commentary-80.pdf"
    path.write_bytes(typeset("seed", False, cjk_font))
    out = io.StringIO()
    call_command("import_commentary", str(path), stdout=out)
    assert "npi-commentary-80: created — 10 blocks, 10 notes, 10 claims." in out.getvalue()


def test_an_error_in_a_pdf_names_the_page(tmp_path: Path, cjk_font: tuple[Path, int]) -> None:
    text = SEED.read_text(encoding="utf-8").replace("¹⁰ 「李在明政権", "¹¹ 「李在明政権")
    path = tmp_path / "broken.pdf"
    path.write_bytes(typeset_commentary(text, cjk_font))
    with pytest.raises(CommentaryFormatError) as raised:
        import_commentary(path)
    # The marker stands in the paragraph that starts on page 2 of the PDF.
    assert str(raised.value) == "page 2: marker 10 has no note 10"
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7\nnot really a PDF at all", "cannot be read as a PDF"),
        (make_pdf([None, None]), "the PDF has no text (a scan?)"),
        (make_pdf(["1", "2"]), "the PDF has no text (a scan?)"),  # page numbers only
        # One line: the title, and nothing after it.
        (make_pdf(["Some text."]), "page 1: the commentary has no body paragraphs"),
        (encrypted(make_pdf(["Some text."]), "secret"), "the PDF is encrypted"),
    ],
)
def test_a_pdf_it_cannot_read_is_refused_and_changes_nothing(
    tmp_path: Path, data: bytes, message: str
) -> None:
    path = tmp_path / "bad.pdf"
    path.write_bytes(data)
    with pytest.raises(CommandError, match=re.escape(message)) as raised:
        call_command("import_commentary", str(path), stdout=io.StringIO())
    assert "Nothing was imported" in str(raised.value)
    assert not Document.objects.exists()


def test_spaces_between_japanese_characters_are_closed_up_but_not_between_words(
    cjk_font: tuple[Path, int],
) -> None:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("jp", "", str(cjk_font[0]), collection_font_number=cjk_font[1])
    pdf.add_page()
    pdf.set_font("jp", size=10.5)
    for text in ("国 家 防 衛 戦 略 を 公 表 し た。", "National Defense Strategy", "石田 智範"):
        pdf.write(6, text)
        pdf.ln(14)
    pdf.set_char_spacing(3)  # justified: gaps between the characters, no space drawn
    pdf.write(6, "模範的な同盟国")
    text, _ = commentary_text(bytes(pdf.output()))
    for expected in (
        "国家防衛戦略を公表した。",
        "National Defense Strategy",
        "石田 智範",
        "模範的な同盟国",
    ):
        assert expected in text
    assert "国 家" not in text and "模 範" not in text
