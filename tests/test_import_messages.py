"""The importers' messages in the reader's language: a refused commentary or source file is
explained in Japanese when the interface is in Japanese, in English when it is in English; the
management commands speak LANGUAGE_CODE (English by default); every message has its Japanese."""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.utils import translation

from reader.editor_views import EDITORS_GROUP
from reader.importers.commentary import import_commentary
from reader.importers.parsed import CommentaryFormatError
from reader.models import Document, Source

from .helpers import ROOT, SEED, logged_in, make_user, run_manage
from .pdfs import NDS, make_pdf
from .test_import_summary import SECOND

NEW = "/documents/new/"
UPLOAD = f"/sources/{NDS}/upload/"
# Where the importers' messages are written: the parsers and the commands that wrap them.
MESSAGE_FILES = [
    *sorted((ROOT / "reader" / "importers").glob("*.py")),
    ROOT / "reader" / "management" / "commands" / "import_commentary.py",
    ROOT / "reader" / "management" / "commands" / "import_source.py",
    ROOT / "reader" / "pages.py",  # the numbering of a source file's pages
]
PLACEHOLDER_RE = re.compile(r"%\((\w+)\)s")


def editor() -> User:
    user = make_user("erin", analyst=False)
    user.groups.add(Group.objects.get_or_create(name=EDITORS_GROUP)[0])
    return user


def post_file(client: Client, path: str, name: str, data: bytes, language: str) -> HttpResponse:
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post(path, {"file": upload}, HTTP_ACCEPT_LANGUAGE=language)


def seed_without_note_11() -> bytes:
    return SEED.read_text(encoding="utf-8").replace("公表した¹。", "公表した¹¹。", 1).encode()


def test_a_refused_commentary_is_explained_in_the_interface_language(db: None) -> None:
    client = logged_in(editor())
    japanese = post_file(client, NEW, "npi-commentary-80.txt", seed_without_note_11(), "ja")
    assert japanese.status_code == 400
    assert "ファイルは受け付けられませんでした。何も変更されていません。" in japanese.text
    assert re.search(r"\d+行目：注番号11に対応する注11がありません", japanese.text)
    assert "marker 11" not in japanese.text and "line " not in japanese.text
    english = post_file(client, NEW, "npi-commentary-80.txt", seed_without_note_11(), "en")
    assert english.status_code == 400
    assert re.search(r"line \d+: marker 11 has no note 11", english.text)
    assert "注番号11" not in english.text
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "japanese", "english"),
    [
        # A PDF's fault names its page, in the reader's words (one line: a title, no body).
        (
            "short.pdf",
            make_pdf(["Some text."]),
            "1ページ目：論考に本文の段落がありません",
            "page 1: the commentary has no body paragraphs",
        ),
        (
            "broken.pdf",
            b"%PDF-1.7 nonsense",
            "ファイルを PDF として読めません（",
            "the file cannot be read as a PDF (",
        ),
        (
            "latin1.txt",
            b"caf\xe9, a file saved in Latin-1",
            "UTF-8 のテキストではありません（",
            "not UTF-8 text (byte ",
        ),
    ],
)
def test_each_kind_of_fault_is_named_in_both_languages(
    db: None, name: str, data: bytes, japanese: str, english: str
) -> None:
    client = logged_in(editor())
    in_japanese = post_file(client, NEW, name, data, "ja")
    assert in_japanese.status_code == 400 and japanese in in_japanese.text
    assert english not in in_japanese.text
    in_english = post_file(client, NEW, name, data, "en")
    assert in_english.status_code == 400 and english in in_english.text


def test_the_notes_to_review_give_their_reason_in_japanese(db: None) -> None:
    client = logged_in(editor())
    assert (
        post_file(client, NEW, "npi-commentary-80.txt", SEED.read_bytes(), "ja").status_code == 200
    )
    page = post_file(client, NEW, "second.md", SECOND.encode(), "ja").text
    assert "要確認の注" in page
    assert "注3: 「Ministry of Defense, 2024.」は文献の参照のようですが、題名がありません" in page
    assert "names no title" not in page


@pytest.mark.parametrize(
    ("name", "data", "japanese", "english"),
    [
        (
            "nds.txt",
            b"",
            "nds.txt：ファイルが空です。",
            "nds.txt: the file is empty; download it again",
        ),
        (
            "nds.pdf",
            b"<!doctype html><html><body>Not found</body></html>",
            "nds.pdf：PDF ファイルではなく HTML ページです",
            "nds.pdf: not a PDF file, but an HTML page",
        ),
        (
            "nds.pdf",
            make_pdf([None, None]),
            "nds.pdf：2ページのどれにもテキストがありません",
            "nds.pdf: none of its 2 pages has any text",
        ),
    ],
)
def test_a_refused_source_file_is_explained_in_the_interface_language(
    seed_document: Document, analyst: User, name: str, data: bytes, japanese: str, english: str
) -> None:
    client = logged_in(analyst)
    in_japanese = post_file(client, UPLOAD, name, data, "ja")
    assert in_japanese.status_code == 400
    assert japanese in in_japanese.text and "何も変更されていません。" in in_japanese.text
    assert english not in in_japanese.text and "/tmp/" not in in_japanese.text
    in_english = post_file(client, UPLOAD, name, data, "en")
    assert in_english.status_code == 400
    assert english in in_english.text and "Nothing was changed." in in_english.text
    assert not Source.objects.get(slug=NDS).pages.exclude(text="").exists()


def test_a_wrong_page_numbering_is_explained_in_japanese(
    seed_document: Document, analyst: User
) -> None:
    upload = SimpleUploadedFile("nds.pdf", make_pdf(["a", "b"]), content_type="application/pdf")
    response = logged_in(analyst).post(
        UPLOAD, {"file": upload, "numbering": "1: Cover"}, HTTP_ACCEPT_LANGUAGE="ja"
    )
    assert response.status_code == 400
    assert "「Cover」は数字でもローマ数字でもありません" in response.text
    assert "--" not in response.text.split('id="numbering-error"')[1].split("</p>")[0]


def test_the_commands_speak_language_code_english_by_default(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.txt")
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    environment.pop("LANGUAGE_CODE", None)
    english = run_manage("import_commentary", missing, env=environment)
    assert english.returncode != 0
    assert f"{missing}: no such file. Nothing was imported." in english.stderr
    japanese = run_manage("import_commentary", missing, env={**environment, "LANGUAGE_CODE": "ja"})
    assert japanese.returncode != 0
    assert f"{missing}：ファイルがありません。何も取り込んでいません。" in japanese.stderr


def importer_messages() -> list[str]:
    """Every literal message the importers (and their commands) pass to gettext."""
    found = []
    for path in MESSAGE_FILES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("gettext", "_")
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.append(node.args[0].value)
    return found


def test_every_importer_message_has_its_japanese() -> None:
    messages = importer_messages()
    assert len(messages) >= 60  # the walk found the messages, not nothing
    with translation.override("ja"):
        for message in messages:
            japanese = translation.gettext(message)
            assert japanese != message, f"no Japanese for {message!r}"
            # The translation takes the same placeholders, so it formats without a KeyError.
            assert set(PLACEHOLDER_RE.findall(japanese)) == set(PLACEHOLDER_RE.findall(message))
            names = dict.fromkeys(PLACEHOLDER_RE.findall(message), "x")
            assert "%(" not in (japanese % names if names else japanese)


def test_the_line_prefix_follows_the_active_language() -> None:
    with translation.override("ja"):
        assert str(CommentaryFormatError("x", line=3)) == "3行目：x"
        assert str(CommentaryFormatError("x", page=2)) == "2ページ目：x"
    with translation.override("en"):
        assert str(CommentaryFormatError("x", line=3)) == "line 3: x"
        assert str(CommentaryFormatError("x")) == "x"


def test_the_citation_check_reads_the_notes_again_in_the_readers_language(
    db: None, tmp_path: Path
) -> None:
    import_commentary(SEED)
    path = tmp_path / "second.md"
    path.write_text(SECOND, encoding="utf-8")
    with translation.override("en"):  # as from the shell
        import_commentary(path)
    check = "/documents/second-look/check/"
    japanese = Client().get(check, HTTP_ACCEPT_LANGUAGE="ja").text
    assert "「Ministry of Defense, 2024.」は文献の参照のようですが、題名がありません" in japanese
    assert "names no title" not in japanese
    assert "names no title" in Client().get(check, HTTP_ACCEPT_LANGUAGE="en").text
