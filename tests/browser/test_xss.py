"""Markup from users never runs in the reader: every vector of tests/xss_vectors.py, posted through
the API as the body of a note and of a reply (and as a tag), then shown in Chromium as cards and
previewed in the editor. The page's Content-Security-Policy is bypassed, so that what is tested is
the sanitiser and the way the reader inserts its output, not the policy that would also stop an
inline script."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from playwright.sync_api import BrowserContext, Dialog, expect
from pytest_django.live_server_helper import LiveServer

from reader.models import Document
from tests.helpers import drag_select, log_in
from tests.xss_vectors import XSS_VECTORS

from .test_annotating import SENTENCE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

# What may appear inside a rendered body, per reader.rendering; anything else is an injection.
FORBIDDEN = (
    "script, img, svg, math, iframe, frame, object, embed, style, link, meta, base, form, input, "
    "button, textarea, select, video, audio, source, details, marquee, title, noscript, template"
)
# Run in the page: every dangerous element or attribute under the given containers.
INSPECT = """selector => {
  const found = [];
  for (const container of document.querySelectorAll(selector)) {
    for (const element of container.querySelectorAll(arguments_forbidden)) {
      found.push(`<${element.localName}>`);
    }
    for (const element of container.querySelectorAll("*")) {
      for (const attribute of element.attributes) {
        const name = attribute.name.toLowerCase();
        if (name.startsWith("on") || name === "style" || name === "srcdoc") {
          found.push(`${element.localName}[${name}]`);
        }
        if (["href", "src", "action", "formaction", "xlink:href"].includes(name)) {
          const url = new URL(attribute.value, location.href);
          if (!["http:", "https:", "mailto:"].includes(url.protocol)) {
            found.push(`${element.localName}[${name}=${attribute.value}]`);
          }
        }
      }
    }
  }
  return found;
}""".replace("arguments_forbidden", repr(FORBIDDEN))


def places(document: Document, count: int) -> list[tuple[int, int]]:
    """`count` distinct spans of five characters, each within one paragraph."""
    text = document.plain_text()
    spans: list[tuple[int, int]] = []
    start = 0
    while len(spans) < count:
        start = (start + 37) % (len(text) - 5)
        if "\n" not in text[start : start + 5] and (start, start + 5) not in spans:
            spans.append((start, start + 5))
    return spans


def post(client: Client, data: dict[str, Any]) -> int:
    response = client.post("/api/annotations/", data, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_no_vector_runs_or_leaves_markup_in_cards_replies_or_the_preview(
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    live_document: Document,
    analyst: User,
) -> None:
    assert len(XSS_VECTORS) >= 60
    client = Client()
    client.force_login(analyst)
    for vector, (start, end) in zip(
        XSS_VECTORS, places(live_document, len(XSS_VECTORS)), strict=True
    ):
        target = {"selector": [{"type": "TextPositionSelector", "start": start, "end": end}]}
        note = post(
            client,
            {
                "document": live_document.slug,
                "target": target,
                "body": vector,
                "tags": [vector[:50]],
                "visibility": "analysts",
            },
        )
        post(client, {"parent": note, "body": vector})

    page = new_context(bypass_csp=True).new_page()
    dialogs: list[str] = []

    def refuse(dialog: Dialog) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", refuse)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server, analyst)
    expect(page.locator(".annotation-card")).to_have_count(len(XSS_VECTORS))
    expect(page.locator(".annotation-reply")).to_have_count(len(XSS_VECTORS))
    page.wait_for_load_state("networkidle")
    # Pass the pointer over cards, for payloads that wait for an event.
    for card in page.locator(".annotation-card:visible").all()[:12]:
        card.hover()
    assert page.evaluate(INSPECT, ".annotation-body") == []
    assert page.evaluate(INSPECT, ".annotation-tags") == []
    assert page.locator(".annotation-tags li *").count() == 0

    # The editor's preview shows the server's rendering of each vector the same way.
    drag_select(page, SENTENCE)
    page.get_by_role("button", name="Annotate").click()
    editor = page.get_by_role("dialog", name="New annotation")
    preview = editor.locator("#editor-preview-body")
    for index, vector in enumerate(XSS_VECTORS):
        # Previewed as it is typed: wait for this vector's rendering, not the last one's.
        editor.get_by_label("Note (Markdown)").fill(f"{vector}\n\nvector-{index}-end")
        expect(preview).to_contain_text(f"vector-{index}-end")
        assert page.evaluate(INSPECT, "#editor-preview-body") == [], vector
    page.keyboard.press("Escape")

    page.wait_for_timeout(300)
    assert dialogs == []
    assert page.evaluate("window.__xss") is None
    assert page.evaluate("window.parent.__xss") is None
    assert errors == []
