"""The annotator in the reader. For logged-in users: the header says who is logged in and logs out;
the page hands static/reader/annotate.js what it needs in a JSON block, and none of it reaches the
page that anonymous readers share from the cache. That page gets annotate.js too, with a
configuration the same for every anonymous reader, to show the public notes read-only."""

from __future__ import annotations

import json
import re

from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from reader.models import Document

READER = "/documents/npi-commentary-80/"


def annotator_config(html: str) -> dict[str, object]:
    found = re.search(r'<script id="annotator-config" type="application/json">(.*?)</script>', html)
    assert found, "no annotator-config block"
    return json.loads(found.group(1))


def test_anonymous_readers_get_a_log_in_link_and_a_read_only_annotator(
    client: Client, seed_document: Document
) -> None:
    html = client.get(READER).text
    assert f'href="/accounts/login/?next={READER}"' in html
    assert "Logged in as" not in html
    assert annotator_config(html) == {
        "document": "npi-commentary-80",
        "analyst": False,
        "urls": {
            "document": "/api/documents/npi-commentary-80/",
            "annotations": "/api/annotations/",
        },
        "visibilities": {"private": "Only me", "analysts": "Analysts", "public": "Everyone"},
        "judgements": {
            "supported": "Supported",
            "disputed": "Disputed",
            "needs_checking": "Needs checking",
        },
        "timeZone": "Asia/Tokyo",  # the cards give times as the server's pages do
    }
    assert '<script type="module" src="/static/reader/annotate.js"></script>' in html
    assert 'id="annotation-card-template"' in html and 'id="annotation-orphans"' in html
    assert 'id="annotation-filter"' in html
    # Nothing to write with: no Annotate control, no editor, no actions on cards, no token.
    for writing in (
        'id="annotate-button"',
        'id="annotation-editor"',
        'id="annotation-delete"',
        'id="draft-notice"',
        'id="save-status"',
        "data-action=",
        "csrf",
        "annotator-help",
    ):
        assert writing not in html, writing
    assert "Annotations need JavaScript: turn it on to see them.<" in html


def test_the_read_only_page_is_the_same_for_every_anonymous_reader_and_sets_no_cookie(
    seed_document: Document, analyst: User
) -> None:
    first = Client().get(READER)
    cache.clear()  # rendered again, not only served again from the cache
    alice = Client()
    alice.force_login(analyst)
    assert b'"csrfToken"' in alice.get(READER).content
    second = Client().get(READER)
    again = Client().get(READER)
    assert first.content == second.content == again.content
    assert not first.cookies and not second.cookies and not again.cookies
    assert b"alice" not in second.content and b"csrfToken" not in second.content
    assert "annotate.js" in second.text and "annotator-config" in second.text


def test_the_read_only_annotator_speaks_japanese_too(
    client: Client, seed_document: Document
) -> None:
    html = client.get(READER, HTTP_ACCEPT_LANGUAGE="ja").text
    assert annotator_config(html)["visibilities"]["public"] == "全員"
    assert "注釈の表示には JavaScript が必要です。" in html


def test_an_analyst_gets_the_annotator_with_what_it_needs(
    client: Client, seed_document: Document, analyst: User
) -> None:
    client.force_login(analyst)
    html = client.get(READER).text
    config = annotator_config(html)
    assert config["document"] == "npi-commentary-80"
    assert config["user"] == "alice" and config["analyst"] is True
    assert config["urls"] == {
        "document": "/api/documents/npi-commentary-80/",
        "annotations": "/api/annotations/",
        "preview": "/api/annotations/preview/",
    }
    assert config["csrfToken"]
    assert config["visibilities"] == {
        "private": "Only me",
        "analysts": "Analysts",
        "public": "Everyone",
    }
    assert '<script type="module" src="/static/reader/annotate.js"></script>' in html
    assert "<noscript>" in html and "Annotations need JavaScript" in html
    assert "Logged in as alice" in html
    assert 'action="/accounts/logout/"' in html and "csrfmiddlewaretoken" in html


def test_a_user_who_is_not_an_analyst_is_told_so_by_the_config(
    client: Client, seed_document: Document, member: User
) -> None:
    client.force_login(member)
    config = annotator_config(client.get(READER).text)
    assert config["analyst"] is False and config["user"] == "carol"


def test_the_page_an_analyst_sees_never_reaches_anonymous_readers(
    seed_document: Document, analyst: User
) -> None:
    anonymous = Client()
    before = anonymous.get(READER).content
    alice = Client()
    alice.force_login(analyst)
    assert b"alice" in alice.get(READER).content
    after = anonymous.get(READER)
    assert after.content == before
    assert b"alice" not in after.content and b"csrfmiddlewaretoken" not in after.content
    assert not after.cookies


def test_the_interface_of_the_annotator_speaks_japanese(
    client: Client, seed_document: Document, analyst: User
) -> None:
    client.force_login(analyst)
    html = client.get(READER, HTTP_ACCEPT_LANGUAGE="ja").text
    assert "注釈" in html
    assert annotator_config(html)["visibilities"]["private"] == "自分のみ"
    assert "Annotate" not in re.sub(r"<script.*?</script>", "", html, flags=re.S).replace(
        "annotate.js", ""
    )


def test_logging_out_returns_to_the_page_anonymous(
    client: Client, seed_document: Document, analyst: User
) -> None:
    client.force_login(analyst)
    response = client.post("/accounts/logout/", {"next": READER})
    assert response.status_code == 302 and response["Location"] == READER
    html = client.get(READER).text
    assert "Log in" in html and "alice" not in html
    config = annotator_config(html)
    assert config["analyst"] is False and "user" not in config and "csrfToken" not in config


def test_pages_of_logged_in_users_still_carry_no_inline_script(
    client: Client, seed_document: Document, analyst: User
) -> None:
    client.force_login(analyst)
    html = client.get(READER).text
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert 'type="module" src=' in tag or 'type="application/json"' in tag, tag
    assert " on" + "click=" not in html and "style=" not in html
