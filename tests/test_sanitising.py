"""User Markdown goes through one sanitising function: no markup from the XSS corpus survives."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.test import Client

from reader.models import Document
from reader.rendering import ALLOWED_TAGS, render_markdown

from .xss_vectors import XSS_VECTORS


class Inspector(HTMLParser):
    """Collect every element and attribute of a fragment, as a browser would parse it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def dangers(html: str) -> list[str]:
    inspector = Inspector()
    inspector.feed(html)
    found = []
    for tag, attrs in inspector.elements:
        if tag not in ALLOWED_TAGS:
            found.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on") or name in ("style", "src", "srcdoc", "xlink:href"):
                found.append(f"{tag}[{name}]")
            if name == "href":
                scheme = urlsplit((value or "").strip()).scheme.lower()
                if scheme not in ("", "http", "https", "mailto"):
                    found.append(f"{tag}[href={value}]")
        if tag == "a" and "href" in attrs and attrs.get("rel") != "nofollow noopener noreferrer":
            found.append("a without rel")
    return found


def test_the_corpus_has_at_least_60_vectors() -> None:
    assert len(XSS_VECTORS) >= 60
    assert len(set(XSS_VECTORS)) == len(XSS_VECTORS)


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_no_vector_survives_rendering(vector: str) -> None:
    assert dangers(render_markdown(vector)) == []


def test_the_inspector_catches_what_it_must() -> None:
    # The check above is only as good as this: it must flag each kind of danger.
    assert dangers('<img src="x" onerror="alert(1)">') == ["<img>", "img[src]", "img[onerror]"]
    assert dangers('<a href="javascript:alert(1)" rel="nofollow noopener noreferrer">x</a>') == [
        "a[href=javascript:alert(1)]"
    ]
    assert dangers('<a href="https://ok.example">x</a>') == ["a without rel"]


def test_safe_markdown_keeps_its_meaning() -> None:
    html = render_markdown("**bold** and [a link](https://example.org/x) and <mailto:a@b.example>")
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.org/x" rel="nofollow noopener noreferrer">a link</a>' in html
    assert 'href="mailto:a@b.example"' in html


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_no_vector_survives_the_api(
    client: Client, small_document: Document, analyst: User, vector: str
) -> None:
    client.force_login(analyst)
    response = client.post(
        "/api/annotations/",
        {
            "document": small_document.slug,
            "target": {"selector": [{"type": "TextPositionSelector", "start": 0, "end": 7}]},
            "body": vector,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["body"] == vector  # the Markdown is kept as written…
    assert dangers(data["body_html"]) == []  # …and what is shown is safe
