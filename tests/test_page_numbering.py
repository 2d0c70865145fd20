"""How the pages of a file without page labels are numbered (reader.pages.PageNumbering): the
ranges an analyst writes ("1–4: i, 5: 1"), the preview of the first and cited pages before a file
is attached, the numbering kept with the source, and changing it later from the source page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from reader.importers.source import import_source
from reader.models import Document, Source
from reader.pages import PageNumbering, PageNumberingError

from .helpers import logged_in
from .pdfs import NDS, make_pdf, nds_like_pdf, page_text, write

UPLOAD = f"/sources/{NDS}/upload/"
NUMBERING = f"/sources/{NDS}/numbering/"
FRONT = ["i", "ii", "iii", "iv"]


def nds() -> Source:
    return Source.objects.get(slug=NDS)


def unlabelled_nds(pages: int = 30) -> bytes:
    """The NDS-like file as many real PDFs come: printed i–iv then 1…, with no page labels."""
    return make_pdf([page_text(label) for label in [*FRONT, *map(str, range(1, pages + 1))]])


@pytest.fixture(autouse=True)
def _no_staged_files_left() -> Iterator[None]:
    """Previews left unconfirmed here stage files: remove them (other tests count the staged)."""
    yield
    if default_storage.exists("sources/staged/"):
        for name in default_storage.listdir("sources/staged/")[1]:
            default_storage.delete(f"sources/staged/{name}")


def printed_at(row: tuple[str, int | None, str]) -> tuple[str, int | None, str]:
    """A cited page's row of the preview: its label, its PDF page, the number printed there."""
    label, number, text = row
    return label, number, text.removeprefix("This is printed page ").split(".")[0]


def attach(client: Client, data: bytes, language: str = "en", **fields: str):
    upload = SimpleUploadedFile("nds.pdf", data, content_type="application/pdf")
    return client.post(UPLOAD, {"file": upload, **fields}, HTTP_ACCEPT_LANGUAGE=language)


# --- reading a numbering --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "labels"),
    [
        ("1–4: i, 5: 1", [*FRONT, "1", "2", "3", "4"]),
        ("1-4: i-iv; 5: 1", [*FRONT, "1", "2", "3", "4"]),
        ("１－４：ｉ、５：１", [*FRONT, "1", "2", "3", "4"]),  # typed with a Japanese keyboard
        ("1: i–iv\n5: 1", [*FRONT, "1", "2", "3", "4"]),  # the printed range says where it ends
        ("3: 1", ["", "", "1", "2", "3", "4", "5", "6"]),  # the cover pages have no number
        ("1: Cover, 2–3: A-01, 4: 1", ["Cover", "A-01", "A-02", "1", "2", "3", "4", "5"]),
        ("1–2: I, 5: 17", ["I", "II", "", "", "17", "18", "19", "20"]),
        ("", ["1", "2", "3", "4", "5", "6", "7", "8"]),
    ],
)
def test_a_numbering_as_written_gives_each_page_its_printed_label(
    written: str, labels: list[str]
) -> None:
    assert PageNumbering.parse(written).labels(8) == labels


def test_a_numbering_is_kept_and_shown_as_the_analyst_would_write_it() -> None:
    numbering = PageNumbering.parse("1-4: i-iv, 5 : 1")
    assert str(numbering) == "1–4: i, 5: 1"
    assert PageNumbering.from_json(numbering.to_json()) == numbering
    assert PageNumbering.from_json([]) == PageNumbering() == PageNumbering.parse(" ")


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("1 4", "write the PDF pages, a colon and the printed number"),
        ("x: 1", "“x” is not a PDF page or range of PDF pages"),
        ("0: 1", "PDF pages are counted from 1"),
        ("4–2: 1", "the range ends before it starts"),
        ("5: 1, 2: i", "“2: i” starts at PDF page 2, within the range before it"),
        ("1–4: i–iii", "4 PDF pages, but 3 printed pages"),
        ("1: iv–i", "“iv–i” runs backwards"),
        ("1: a/b", "a printed page label has at most 20 characters and no “/”"),
        ("1–40: 1", "the file has 8 pages, no PDF page 40"),
        ("1: Cover", "“Cover” is neither a number nor a roman numeral"),
        ("1: 1, 5: 1", "Printed page 1 would be PDF pages 1 and 5"),
    ],
)
def test_a_numbering_that_cannot_number_the_file_says_what_is_wrong(
    written: str, message: str
) -> None:
    with pytest.raises(PageNumberingError, match=message):
        PageNumbering.parse(written).labels(8)


# --- attaching a file without page labels ----------------------------------------------------


def test_a_pdf_without_labels_is_numbered_by_ranges_seen_before_it_is_attached(
    seed_document: Document, analyst: User
) -> None:
    client = logged_in(analyst)
    first = attach(client, unlabelled_nds())
    assert first.status_code == 200 and "How are the pages numbered?" in first.text
    assert 'name="numbering" id="id_numbering" value="1: 1"' in first.text
    # The cited pages, where they would be: printed p.19 is PDF page 19 by page order.
    assert printed_at(first.context["cited"][0]) == ("19", 19, "15")
    assert not nds().file  # nothing yet
    staged = first.context["staged"]
    again = client.post(UPLOAD, {"staged": staged, "numbering": "1–4: i, 5: 1", "preview": "1"})
    assert again.status_code == 200
    assert [row[:2] for row in again.context["preview"]][:6] == [
        (1, "i"), (2, "ii"), (3, "iii"), (4, "iv"), (5, "1"), (6, "2")
    ]  # fmt: skip
    assert printed_at(again.context["cited"][0]) == ("19", 23, "19")
    assert "<td>p.19</td><td>23</td>" in again.text
    done = client.post(UPLOAD, {"staged": staged, "numbering": "1–4: i, 5: 1", "confirm": "1"})
    assert done.status_code == 302
    source = nds()
    assert (
        source.pages.get(label="19").pdf_index == 22 and source.pages.get(label="iv").pdf_index == 3
    )
    assert PageNumbering.from_json(source.page_numbering) == PageNumbering.parse("1-4: i, 5: 1")
    assert "34 pages (i–iv, 1–30)" in client.get(done["Location"]).text


def test_a_wrong_numbering_is_refused_beside_its_field_and_the_file_waits(
    seed_document: Document, analyst: User
) -> None:
    client = logged_in(analyst)
    staged = attach(client, unlabelled_nds()).context["staged"]
    wrong = client.post(UPLOAD, {"staged": staged, "numbering": "1–4: i, 2: 1", "confirm": "1"})
    assert wrong.status_code == 400 and not nds().file
    assert 'id="numbering-error" role="alert"' in wrong.text and 'aria-invalid="true"' in wrong.text
    assert "“2: 1” starts at PDF page 2, within the range before it" in wrong.text
    assert wrong.context["staged"] == staged  # the file still waits: correct and confirm
    assert "<td>1</td><td>—</td>" in wrong.text  # its pages are shown, without labels
    fixed = client.post(UPLOAD, {"staged": staged, "numbering": "1–4: i, 5: 1", "confirm": "1"})
    assert fixed.status_code == 302 and nds().pages.get(label="1").pdf_index == 4


def test_no_refusal_of_the_numbering_names_a_command_line_flag(
    seed_document: Document, analyst: User
) -> None:
    client, japanese = logged_in(analyst), []
    for fields in [
        {"first_page_label": "Cover"},
        {"numbering": "1: a/b"},
        {"numbering": "nonsense"},
    ]:
        response = attach(client, unlabelled_nds(), **fields)
        assert response.status_code == 400 and "numbering_error" in response.context
        ja = attach(client, unlabelled_nds(), "ja", **fields)
        errors = [
            text.split('id="numbering-error"')[1].split("</p>")[0]
            for text in (response.text, ja.text)
        ]
        assert not [error for error in errors if "--" in error], errors
        japanese.append(errors[1])
    assert "「1: a/b」：ページ番号は20文字以内で、「/」を含められません" in japanese[1]
    assert "「nonsense」：PDFのページ、コロン、その最初のページの印刷上の番号の順に" in japanese[2]


def test_a_pdf_with_its_own_labels_is_attached_at_once(
    seed_document: Document, analyst: User
) -> None:
    response = attach(logged_in(analyst), nds_like_pdf(), numbering="1: 5")
    assert response.status_code == 302
    assert nds().pages.get(label="19").pdf_index == 22 and nds().page_numbering == []


# --- changing it later -------------------------------------------------------------------------


@pytest.fixture
def attached(seed_document: Document, tmp_path) -> Source:
    """The NDS-like file without labels, imported counting from 1: printed p.19 is wrong."""
    import_source(nds(), write(tmp_path / "nds.pdf", unlabelled_nds()))
    return nds()


def test_the_numbering_is_changed_later_from_the_source_page(
    attached: Source, analyst: User
) -> None:
    client = logged_in(analyst)
    assert attached.pages.get(label="19").pdf_index == 18
    source_page = client.get(f"/sources/{NDS}/").text
    assert f'href="{NUMBERING}"' in source_page and "Change the page numbering" in source_page
    form = client.get(NUMBERING)
    assert form.status_code == 200 and 'value="1: 1"' in form.text
    preview = client.post(NUMBERING, {"numbering": "1-4: i, 5: 1", "preview": "1"})
    assert printed_at(preview.context["cited"][0]) == ("19", 23, "19")
    assert nds().pages.get(label="19").pdf_index == 18  # a preview changes nothing
    done = client.post(NUMBERING, {"numbering": "1-4: i, 5: 1", "confirm": "1"})
    assert done.status_code == 302 and done["Location"] == f"/sources/{NDS}/"
    source = nds()
    assert source.pages.get(label="19").pdf_index == 22
    assert source.pages.get(label="19").text.startswith("This is printed page 19.")
    assert str(PageNumbering.from_json(source.page_numbering)) == "1–4: i, 5: 1"
    shown = client.get(done["Location"]).text
    assert "The pages of nds.pdf are numbered 1–4: i, 5: 1: i–iv, 1–30." in shown
    assert 'value="1–4: i, 5: 1"' in client.get(NUMBERING).text  # the numbering kept


def test_the_kept_numbering_numbers_the_file_when_it_is_imported_again(
    attached: Source, tmp_path
) -> None:
    import_source(
        attached,
        write(tmp_path / "a.pdf", unlabelled_nds()),
        numbering=PageNumbering.parse("1-4: i, 5: 1"),
    )
    import_source(nds(), write(tmp_path / "b.pdf", unlabelled_nds()))
    assert nds().pages.get(label="19").pdf_index == 22


def test_a_refused_change_changes_nothing(attached: Source, analyst: User) -> None:
    response = logged_in(analyst).post(NUMBERING, {"numbering": "1–99: 1", "confirm": "1"})
    assert response.status_code == 400
    assert "the file has 34 pages, no PDF page 99" in response.text
    assert nds().pages.get(label="19").pdf_index == 18 and nds().page_numbering[0]["label"] == "1"


def test_only_analysts_and_staff_change_the_numbering(
    client: Client, attached: Source, member: User
) -> None:
    assert client.get(NUMBERING).status_code == 302
    assert (
        logged_in(member).post(NUMBERING, {"numbering": "5: 1", "confirm": "1"}).status_code == 403
    )
    assert "Change the page numbering" not in logged_in(member).get(f"/sources/{NDS}/").text
    assert nds().pages.get(label="19").pdf_index == 18


def test_a_pdf_with_its_own_labels_says_so_instead(
    seed_document: Document, analyst: User, tmp_path
) -> None:
    import_source(nds(), write(tmp_path / "nds.pdf", nds_like_pdf()))
    page = logged_in(analyst).get(NUMBERING)
    assert page.status_code == 200
    assert (
        "nds.pdf numbers its pages itself (i–iv, 1–30): its own page labels are used." in page.text
    )
    assert 'name="numbering"' not in page.text


# --- a real document ----------------------------------------------------------------------------


def test_a_real_manual_without_its_labels_is_numbered_back_by_ranges(tmp_path) -> None:
    """The GNU Libtasn1 manual (tests/documents/README.md) numbers its pages T-1, T-2, i, 1–33
    with page labels; without them, as many PDFs come, the ranges an analyst reads off its pages
    give the same labels, and each numbered page's running head carries the number it gets."""
    import io

    from pypdf import PdfReader, PdfWriter

    from reader.importers.source import read_source_file

    real = Path(__file__).parent / "documents" / "libtasn1-4.19.0.pdf"
    printed = list(PdfReader(real).page_labels)
    assert printed[:4] == ["T-1", "T-2", "i", "1"] and printed[-1] == "33"
    writer = PdfWriter(clone_from=real)
    del writer.root_object["/PageLabels"]
    out = io.BytesIO()
    writer.write(out)
    bare = write(tmp_path / "libtasn1.pdf", out.getvalue())
    assert read_source_file(bare).pages[3].label == "4"  # counted from 1: wrong from page 1
    read = read_source_file(bare, numbering=PageNumbering.parse("1–2: T-1, 3: i, 4: 1"))
    assert [page.label for page in read.pages] == printed
    for page in read.pages[3:]:  # the running head: "1", or "Chapter 2: … 3"
        head = page.text.split("\n", 1)[0].split()
        assert page.label in (head[0], head[-1]), (page.label, page.text[:40])
