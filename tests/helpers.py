"""What many tests need: the seed, named users, manage.py in a process of its own, JSON calls to the
API, counting queries, and annotations made directly in the database."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import ANALYSTS_GROUP
from annotations.anchoring import anchor_at
from annotations.models import Annotation
from reader import views as reader_views
from reader.models import Citation, Document, SourcePassage

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seed" / "npi-commentary-80.txt"
SEED_READER = "/documents/npi-commentary-80/"  # where the reader shows the seed
PASSWORD = "correct-horse-battery-9"
WIDE = {"width": 1280, "height": 900}  # browser windows
NARROW = {"width": 600, "height": 900}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run manage.py in a process of its own, with exactly this environment."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def make_user(username: str, *, analyst: bool) -> User:
    user = User.objects.create_user(username, password=PASSWORD)
    if analyst:
        user.groups.add(Group.objects.get_or_create(name=ANALYSTS_GROUP)[0])
    return user


def logged_in(user: User | None, client: Client | None = None) -> Client:
    """A client with the user's session (none for an anonymous reader)."""
    client = client or Client()
    if user is not None:
        client.force_login(user)
    return client


def get_json(client: Client, path: str, status: int = 200, **params: Any) -> Any:
    """GET an API path and return its JSON, checking the status and that the answer is JSON."""
    response = client.get(path, params, HTTP_ACCEPT="application/json")
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def send_json(client: Client, method: str, path: str, data: Any, status: int) -> Any:
    """POST, PUT or PATCH a JSON body to an API path and return the JSON answer."""
    call = getattr(client, method.lower())
    response = call(path, data, content_type="application/json", HTTP_ACCEPT="application/json")
    assert response.status_code == status, response.content
    return response.json()


def count_queries(client: Client, url: str, *, cold: bool = False) -> int:
    """The SQL queries one GET of the page costs (`cold`: with the cache emptied first)."""
    if cold:
        cache.clear()
        reader_views._bodies.clear()  # the bodies this process keeps of its own
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def annotation_on(
    document: Document, author: User, start: int, end: int, **fields: Any
) -> Annotation:
    """An annotation on the words [start, end) of the document's text, made directly."""
    anchor = anchor_at(document.plain_text(), start, end)
    annotation = Annotation(
        document=document,
        author=author,
        created_revision=document.revision,
        anchor_revision=document.revision,
        **fields,
    )
    annotation.place_at(anchor, document.revision)
    annotation.save()
    return annotation


def reply_to(parent: Annotation, author: User, body: str = "A reply") -> Annotation:
    """A reply to a note, seen by whoever sees the note (made directly)."""
    return Annotation.objects.create(
        document=parent.document,
        author=author,
        parent=parent,
        body=body,
        visibility=parent.visibility,
        team=parent.team,
        created_revision=parent.created_revision,
        anchor_revision=parent.anchor_revision,
    )


def document_shape(document: Document) -> dict[str, object]:
    """What two imports of one commentary must agree on: metadata, blocks, notes, claims,
    citations and quotations."""
    return {
        "meta": [
            getattr(document, field)
            for field in (
                "title",
                "series",
                "number",
                "author",
                "affiliation",
                "date",
                "language",
                "disclaimer",
            )
        ],
        "blocks": list(document.blocks.values_list("anchor", "kind", "text")),
        "notes": list(document.notes.values_list("number", "text")),
        "claims": list(
            document.claims.values_list("block__anchor", "note__number", "start", "end", "text")
        ),
        "citations": list(
            Citation.objects.filter(note__document=document).values_list(
                "note__number", "source__title", "form", "locator", "first_page", "last_page"
            )
        ),
        "passages": list(
            SourcePassage.objects.filter(block__document=document).values_list(
                "block__anchor", "source__title", "first_page", "last_page", "provenance"
            )
        ),
    }


# --- in a browser -------------------------------------------------------------------------------


def log_in(page: Page, live_server: LiveServer, user: User, path: str = SEED_READER) -> None:
    page.goto(live_server.url + path)
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("User name").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + path)
    wait_for_annotations(page)


def wait_for_annotations(page: Page) -> None:
    expect(page.locator(".reader")).to_have_attribute("data-annotations-ready", "true")


def drag_select(page: Page, words: str) -> None:
    """Select `words` in the text by dragging the mouse from its first character to its last."""
    # The page may still be moving (the margin placing its items, the scroll below): measure
    # until two measures agree, so that the drag starts on the words and not where they were.
    points, previous = None, None
    for _ in range(20):
        previous, points = points, _word_ends(page, words)
        if points is None or points == previous:
            break
        page.wait_for_timeout(50)
    assert points, f"{words!r} is not in the text"
    x1, y1, x2, y2 = points
    page.mouse.move(x1, y1)
    page.mouse.down()
    page.mouse.move((x1 + x2) / 2, (y1 + y2) / 2, steps=5)
    page.mouse.move(x2, y2, steps=5)
    page.mouse.up()
    assert page.evaluate("getSelection().toString()").replace("\n", "") == words


def _word_ends(page: Page, words: str) -> list[float] | None:
    """Where `words` begin and end in the window, scrolled to the middle of it; None if absent."""
    return page.evaluate(
        """words => {
          const nodes = [];
          const walker = document.createTreeWalker(document.querySelector(".reader"),
            NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) {
            const node = walker.currentNode;
            if (node.parentElement.closest(".text") && !node.parentElement.closest(".marker")) {
              nodes.push(node);
            }
          }
          const text = nodes.map(n => n.data).join("");
          const at = text.indexOf(words);
          if (at < 0) return null;
          function place(offset) {
            for (const node of nodes) {
              if (offset < node.data.length) return [node, offset];
              offset -= node.data.length;
            }
          }
          function rect(offset) {
            const [node, inNode] = place(offset);
            const range = document.createRange();
            range.setStart(node, inNode);
            range.setEnd(node, inNode + 1);
            return range.getClientRects()[0];
          }
          place(at)[0].parentElement.scrollIntoView({block: "center"});
          const first = rect(at), last = rect(at + words.length - 1);
          return [first.left + 1, first.top + first.height / 2,
                  last.right - 1, last.top + last.height / 2];
        }""",
        words,
    )
