"""Requests and files that once gave a 500 or a traceback, and a corpus of bad input over cookies,
headers and paths: each gets a 4xx with a clear message (the API's JSON under /api/), or a
refusal with no traceback from a command, and changes nothing. On PostgreSQL in CI too, where
some of them (a NUL character) used to reach the database."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from rest_framework.authtoken.models import Token

from annotations.models import Annotation
from reader.editor_views import EDITORS_GROUP
from reader.models import Document

from .helpers import make_user

FOOTNOTED = "Text.[^1]\n\n[^1]: A note.\n"


def markdown(front_matter: str) -> str:
    return f"---\n{front_matter}\n---\n\n{FOOTNOTED}"


def test_a_session_cookie_holding_a_nul_is_ignored_on_every_path(seed_document: Document) -> None:
    client = Client(HTTP_COOKIE='sessionid="abcdefgh\\000ijklmnop"; csrftoken="a\\000b"')
    for path in ["/", f"/documents/{seed_document.slug}/", "/sources/", "/annotations/", "/api/"]:
        response = client.get(path)
        assert response.status_code in (200, 302), (path, response.status_code)
    assert client.get("/annotations/")["Location"].startswith("/accounts/login/")  # anonymous


def test_a_user_name_longer_than_any_account_is_a_400_naming_it_at_the_token(db: None) -> None:
    for length in (151, 256, 5000):
        response = Client().post(
            "/api/auth/token/", {"username": "a" * length, "password": "secret"}
        )
        assert response.status_code == 400
        error = response.json()
        assert error["field"] == "username" and "150 characters" in error["detail"]
    assert not AccessAttempt.objects.exists()


@pytest.mark.parametrize("name", ["a" * 151, "has space", "slash/name", "semi;colon"])
def test_create_analyst_refuses_a_name_django_would_refuse(
    db: None, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANALYST_PASSWORD", "a long enough password 2026")
    with pytest.raises(CommandError, match="cannot be a user name"):
        call_command("create_analyst", name)
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "front_matter, message",
    [
        ("title: " + "[" * 5000 + "]" * 5000, "nested too deeply"),
        ("title:\n" + "".join(" " * (n + 1) + "-\n" for n in range(3000)), "nested too deeply"),
        ("title: T\nslug: a/b", "the slug “a/b” cannot name a page"),
        ("title: T\nslug: 'a b?#'", "the slug “a b?#” cannot name a page"),
        ("title: T\nslug: " + "x" * 101, "at most 100 characters"),
    ],
    ids=["flow", "block", "slash", "punctuation", "long"],
)
def test_a_markdown_file_the_reader_cannot_take_is_refused_by_the_command_and_the_browser(
    db: None, tmp_path: Path, front_matter: str, message: str
) -> None:
    path = tmp_path / "bad.md"
    path.write_text(markdown(front_matter), encoding="utf-8")
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("import_commentary", str(path))

    editor = make_user("erin", analyst=False)
    editor.groups.add(Group.objects.get_or_create(name=EDITORS_GROUP)[0])
    client = Client()
    client.force_login(editor)
    upload = SimpleUploadedFile("bad.md", path.read_bytes())
    response = client.post("/documents/new/", {"file": upload})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Document.objects.exists()


def test_a_three_megabyte_body_with_a_token_is_the_apis_json_413(
    seed_document: Document, analyst: User
) -> None:
    token = Token.objects.create(user=analyst)
    body = json.dumps({"document": seed_document.slug, "body": "x" * 3_000_000})
    for content_type in ["application/json", "application/ld+json"]:
        response = Client().post(
            "/api/annotations/",
            body,
            content_type=content_type,
            HTTP_AUTHORIZATION=f"Token {token.key}",
        )
        assert response.status_code == 413, response.content[:200]
        assert response["Content-Type"] == "application/json"
        assert "larger than" in response.json()["detail"]
    assert not Annotation.objects.exists()


@pytest.mark.parametrize("path", ["/api/", "/api/docs/", "/api/schema/", "/api/documents/"])
def test_trace_on_the_api_is_a_json_405(db: None, path: str) -> None:
    response = Client().generic("TRACE", path)
    assert response.status_code == 405
    assert response.json()["status"] == 405


def test_the_api_docs_keep_their_own_content_security_policy(db: None) -> None:
    response = Client().get("/api/docs/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "<style" not in page and " style=" not in page
    assert "<script>" not in page  # every script has a src
    assert 'href="/static/api/docs.css"' in page


# What clients, proxies and scanners send that nobody meant: each on each path below.
BAD_COOKIES = [
    'sessionid="\\000"',
    "sessionid=" + "x" * 5000,
    "sessionid=セッション".encode().decode("latin-1"),  # UTF-8 bytes, as a WSGI server gives them
    "sessionid=; sessionid=abc",
    'csrftoken="\\000"; django_language=xx-NOPE',
    "django_language=" + "ja" * 500,
    "messages=notsigned",
    "=; ==; ;;",
]
BAD_HEADERS = {
    "HTTP_ACCEPT_LANGUAGE": ["*;q=x", "ja-" + "x" * 3000, "\x00", "en;q=1.0.0,ja;q=-1"],
    "HTTP_ACCEPT": ["text/html;q=abc", "*/*;q=0", "/", "application/json; version=\x00"],
    "HTTP_IF_NONE_MATCH": ['"\x00"', "W/", "*" * 3000],
    "HTTP_IF_MODIFIED_SINCE": ["yesterday", "Mon, 99 Foo 9999 99:99:99 GMT", "-1"],
    "HTTP_AUTHORIZATION": ["Token", "Token a b", "Token \x00", "Basic !!!", "Bearer x"],
    "HTTP_X_FORWARDED_FOR": ["not-an-address", "::ffff:999.1.1.1", ", , ,"],
    "HTTP_RANGE": ["bytes=9999999999999999999999-", "bytes=-0", "pages=1-2"],
    "HTTP_ORIGIN": ["null", "http://\x00", "https://evil.example"],
    "HTTP_IDEMPOTENCY_KEY": ["\x00", "k" * 5000],
}
BAD_PATHS = [
    "/documents/%00/",
    "/documents/%ff%fe/",
    "/documents/" + "x" * 3000 + "/",
    "/documents/../admin/",
    "/sources/%E3%80%8C/pages/%00/",
    "/sources/national-defense-strategy/pages/" + "9" * 400 + "/",
    "/api/documents/%ff/",
    "/api/sources/?page_size=1e3",
    "/api/annotations/?cursor=%00",
    "/api/passages/?q=" + "韓" * 2000,
    "/search/?q=%EF%BF%BF&page=-1",
    "/language/%00/",
    "/static/../config/settings.py",
]
PATHS = ["/", "/documents/npi-commentary-80/", "/sources/", "/api/annotations/", "/search/?q=a"]


def answered(response: object, path: str) -> None:
    status = response.status_code  # type: ignore[attr-defined]
    assert status < 500, (path, status)
    if path.startswith("/api/") and status >= 400:
        assert response["Content-Type"].startswith("application/json"), path  # type: ignore[index]


def test_no_bad_cookie_header_or_path_gives_a_server_error(
    seed_document: Document, analyst: User
) -> None:
    for cookie in BAD_COOKIES:
        for path in PATHS:
            answered(Client(HTTP_COOKIE=cookie).get(path), path)
    for header, values in BAD_HEADERS.items():
        for value in values:
            for path in PATHS:
                answered(Client(**{header: value}).get(path), path)
    for path in BAD_PATHS:
        answered(Client().get(path), path)
        answered(Client().generic("TRACE", path), path)
    # The same for a logged-in analyst, whose pages are not the cached ones.
    client = Client(HTTP_COOKIE=BAD_COOKIES[-1])
    client.force_login(analyst)
    for path in PATHS + BAD_PATHS:
        answered(client.get(path), path)
