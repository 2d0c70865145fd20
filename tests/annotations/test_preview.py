"""The Markdown preview of a note's body: rendered and sanitised by the one function that renders
saved notes, for analysts only."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.test import Client

from reader.rendering import render_markdown
from tests.helpers import send_json

PREVIEW = "/api/annotations/preview/"


def preview(client: Client, body: Any, status: int = 200) -> Any:
    return send_json(client, "post", PREVIEW, {"body": body}, status)


def test_it_renders_markdown_as_a_saved_note_would_be(client: Client, analyst: User) -> None:
    client.force_login(analyst)
    body = "**強い** 同盟、*NDS* p.19 <https://example.org/nds>"
    data = preview(client, body)
    assert data == {"body_html": render_markdown(body)}
    assert "<strong>強い</strong>" in data["body_html"]
    assert 'href="https://example.org/nds"' in data["body_html"]


def test_it_strips_markup_that_could_run(client: Client, analyst: User) -> None:
    client.force_login(analyst)
    html = preview(client, '<img src=x onerror="alert(1)"> [x](javascript:alert(1)) <script>')[
        "body_html"
    ]
    assert "<img" not in html and "onerror" not in html
    assert "javascript:" not in html and "<script" not in html


def test_it_refuses_a_body_over_ten_thousand_characters(client: Client, analyst: User) -> None:
    client.force_login(analyst)
    preview(client, "a" * 10_000)
    error = preview(client, "a" * 10_001, status=400)
    assert error["field"] == "body" and "10,000" in error["detail"]


def test_it_needs_a_body(client: Client, analyst: User) -> None:
    client.force_login(analyst)
    assert preview(client, None, status=400)["field"] == "body"


def test_it_refuses_users_who_are_not_analysts(client: Client, member: User) -> None:
    client.force_login(member)
    assert preview(client, "*x*", status=403)["status"] == 403


def test_it_refuses_visitors_without_an_account(client: Client, db: None) -> None:
    assert preview(client, "*x*", status=403)["status"] == 403


def test_it_checks_the_csrf_token_of_a_browser_session(analyst: User) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(analyst)
    response = browser.post(PREVIEW, {"body": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
