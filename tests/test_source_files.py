"""Attaching a source's file from the browser, keeping it, and serving it so that a PDF viewer can
seek: who may, what is refused (and that a refusal changes nothing), the preview of the printed
numbers of a PDF without page labels, and the file's answers (type, ETag, ranges)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client

from reader.models import Document, Source

from .helpers import logged_in
from .pdfs import NDS, make_pdf, nds_like_pdf, page_text, write

UPLOAD = f"/sources/{NDS}/upload/"
FILE = f"/sources/{NDS}/file/"


def attach(client: Client, name: str, data: bytes, **fields: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post(UPLOAD, {"file": upload, **fields})


def nds() -> Source:
    return Source.objects.get(slug=NDS)


def test_an_analyst_attaches_a_pdf_and_its_pages_and_file_are_there(
    seed_document: Document, analyst: User
) -> None:
    client = logged_in(analyst)
    form = client.get(UPLOAD)
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.text
    data = nds_like_pdf()
    response = attach(client, "2026-NDS.pdf", data)
    assert response.status_code == 302 and response["Location"] == f"/sources/{NDS}/"
    source = nds()
    assert source.file_name == "2026-NDS.pdf" and source.file_type == "application/pdf"
    assert source.file_sha256 == hashlib.sha256(data).hexdigest()
    assert source.pages.get(label="19").pdf_index == 22
    page = client.get(response["Location"]).text
    assert "2026-NDS.pdf attached: 34 pages (i–iv, 1–30)." in page
    assert f'href="{FILE}"' in page and "Replace the file" in page
    served = client.get(FILE)
    assert served.status_code == 200 and served["Content-Type"] == "application/pdf"
    assert b"".join(served.streaming_content) == data


def test_readers_see_the_file_but_may_not_attach_one(
    client: Client, seed_document: Document, member: User, tmp_path: Path
) -> None:
    assert "Attach the file" not in client.get(f"/sources/{NDS}/").text
    assert "not attached yet" in client.get(f"/sources/{NDS}/").text
    assert client.get(FILE).status_code == 404
    response = client.get(UPLOAD)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert attach(logged_in(member), "x.pdf", nds_like_pdf()).status_code == 403
    assert not nds().file


def test_a_post_without_the_csrf_token_is_refused(seed_document: Document, analyst: User) -> None:
    client = logged_in(analyst, Client(enforce_csrf_checks=True))
    assert attach(client, "nds.pdf", nds_like_pdf()).status_code == 403
    assert not nds().file and not nds().pages.exclude(text="").exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("nds.pdf", b"<html><body>Access denied</body></html>", "not a PDF file, but an HTML page"),
        ("nds.pdf", b"%PDF-1.7\n garbage", "cannot read the PDF"),
        ("nds.pdf", make_pdf([None, None]), "none of its 2 pages has any text"),
        ("nds.txt", b"", "the file is empty"),
    ],
)
def test_a_bad_file_is_refused_with_the_importers_message_and_nothing_changes(
    seed_document: Document, analyst: User, name: str, data: bytes, message: str
) -> None:
    client = logged_in(analyst)
    good = nds_like_pdf()
    attach(client, "first.pdf", good)
    before = (nds().file.name, list(nds().pages.values_list("label", "text")))
    response = attach(client, name, data)
    assert response.status_code == 400
    assert message in response.text and "Nothing was changed." in response.text
    assert f"{name}:" in response.text and "/tmp/" not in response.text
    assert (nds().file.name, list(nds().pages.values_list("label", "text"))) == before
    assert b"".join(client.get(FILE).streaming_content) == good


def test_a_file_over_the_limit_is_refused(
    seed_document: Document, analyst: User, settings: object
) -> None:
    settings.SOURCE_FILE_MAX_BYTES = 1000  # type: ignore[attr-defined]
    response = attach(logged_in(analyst), "nds.pdf", nds_like_pdf())
    assert response.status_code == 400
    assert "nds.pdf is 0.0 MB: files up to 0 MB can be attached." in response.text
    assert not nds().file


def test_a_pdf_without_labels_shows_its_first_pages_numbers_before_it_is_attached(
    seed_document: Document, analyst: User
) -> None:
    client = logged_in(analyst)
    data = make_pdf([page_text(str(number)) for number in range(5, 15)])  # printed from 5
    preview = attach(client, "unlabelled.pdf", data)
    assert preview.status_code == 200 and "How are the pages numbered?" in preview.text
    assert "<td>1</td><td>1</td>" in preview.text  # PDF page 1 would be printed page 1
    assert not nds().file  # nothing yet
    staged = preview.context["staged"]
    again = client.post(UPLOAD, {"staged": staged, "first_page_label": "5", "preview": "1"})
    assert "<td>1</td><td>5</td>" in again.text and "<td>2</td><td>6</td>" in again.text
    waiting = set(default_storage.listdir("sources/staged/")[1])
    done = client.post(UPLOAD, {"staged": staged, "first_page_label": "5", "confirm": "1"})
    assert done.status_code == 302
    assert nds().pages.get(label="5").pdf_index == 0 and nds().file_name == "unlabelled.pdf"
    left = set(default_storage.listdir("sources/staged/")[1])
    assert len(waiting - left) == 1 and not left - waiting  # this preview's staged copy is gone
    forged = client.post(UPLOAD, {"staged": staged + "x", "confirm": "1"})
    assert forged.status_code == 400 and "expired or is unknown" in forged.text


def test_import_source_keeps_the_file_too(seed_document: Document, tmp_path: Path) -> None:
    path = write(tmp_path / "nds.pdf", nds_like_pdf())
    call_command("import_source", NDS, str(path), stdout=open("/dev/null", "w"))
    assert nds().file_name == "nds.pdf" and nds().file.size == path.stat().st_size


@pytest.fixture
def stored(seed_document: Document, tmp_path: Path) -> bytes:
    from reader.importers.source import import_source

    data = nds_like_pdf()
    import_source(nds(), write(tmp_path / "nds.pdf", data))
    return data


def test_the_file_answers_byte_ranges_for_a_pdf_viewer(client: Client, stored: bytes) -> None:
    size = len(stored)
    whole = client.get(FILE)
    assert whole["Accept-Ranges"] == "bytes" and whole["Content-Length"] == str(size)
    part = client.get(FILE, HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206 and part.content == stored[100:200]
    assert part["Content-Range"] == f"bytes 100-199/{size}"
    tail = client.get(FILE, HTTP_RANGE="bytes=-50")
    assert tail.status_code == 206 and tail.content == stored[-50:]
    open_ended = client.get(FILE, HTTP_RANGE=f"bytes={size - 10}-")
    assert open_ended.content == stored[-10:]
    beyond = client.get(FILE, HTTP_RANGE=f"bytes={size}-")
    assert beyond.status_code == 416 and beyond["Content-Range"] == f"bytes */{size}"
    several = client.get(FILE, HTTP_RANGE="bytes=0-1,5-6")
    assert several.status_code == 200  # the whole file, as HTTP allows
    nonsense = client.get(FILE, HTTP_RANGE="bytes=abc")
    assert nonsense.status_code == 200
    # Positions are ASCII digits: Python's int() would read "1_0" as 10, "+5" as 5, "١" as 1.
    for header in ["bytes=1_0-2_0", "bytes=+5-9", "bytes=\u0661-9", "bytes= 1 - 2 ", "bytes=-"]:
        answer = client.get(FILE, HTTP_RANGE=header)
        assert (answer.status_code, answer["Content-Length"]) == (200, str(size)), header


def test_the_file_has_a_strong_etag_and_revalidates(client: Client, stored: bytes) -> None:
    etag = client.get(FILE)["ETag"]
    assert etag == f'"{hashlib.sha256(stored).hexdigest()}"'
    assert client.get(FILE, HTTP_IF_NONE_MATCH=etag).status_code == 304
    other = client.get(FILE, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"another"')
    assert other.status_code == 200  # another version held: all of this one


def test_a_stored_html_page_cannot_run_anything(
    client: Client, seed_document: Document, analyst: User
) -> None:
    html = b"<html><body><p>Speech text.</p><script>alert(1)</script></body></html>"
    attach(logged_in(analyst), "speech.html", html)
    served = client.get(FILE)
    assert served["Content-Type"] == "text/html; charset=utf-8"
    assert served["Content-Security-Policy"].startswith("sandbox; default-src 'none'")


def test_a_private_reader_keeps_files_from_visitors(
    client: Client, stored: bytes, settings: object
) -> None:
    settings.READER_PUBLIC = False  # type: ignore[attr-defined]
    assert client.get(FILE).status_code == 302
