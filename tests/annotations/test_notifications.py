"""Replies that reach people: who is notified of a reply or an @mention (and who may not be), the
inbox through the API and at /inbox/, the header's count, and the e-mail with its failures."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.test import Client

from accounts.models import Team
from annotations.models import Annotation, Notification
from annotations.notifications import mentioned_names
from reader.models import Document
from tests.helpers import annotation_on, get_json, logged_in, make_user, send_json

API = "/api/annotations/"
INBOX_API = "/api/notifications/"
READ_API = "/api/notifications/read/"

Commits = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


@pytest.fixture
def commits(django_capture_on_commit_callbacks: Commits) -> Callable[[], Any]:
    """Run what waits for the commit (the notifications, their e-mail) as a request commits."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def alice(analyst: User) -> User:
    analyst.email = "alice@example.org"
    analyst.save()
    return analyst


@pytest.fixture
def bob(second_analyst: User) -> User:
    second_analyst.email = "bob@example.org"
    second_analyst.save()
    return second_analyst


@pytest.fixture
def korea_desk(alice: User, bob: User) -> Team:
    team = Team.named("korea-desk")
    team.group.user_set.add(alice, bob)
    return team


@pytest.fixture
def note(alice: User, small_document: Document) -> Annotation:
    """Alice's note, seen by analysts."""
    return annotation_on(small_document, alice, 0, 4, body="Alice's note", visibility="analysts")


def write(user: User, commits: Callable[[], Any], body: dict[str, Any], status: int = 201) -> Any:
    with commits():
        return send_json(logged_in(user), "post", API, body, status)


def reply(user: User, commits: Callable[[], Any], parent: Annotation, body: str) -> Any:
    return write(
        user, commits, {"document": parent.document.slug, "parent": parent.pk, "body": body}
    )


def new_note(user: User, commits: Callable[[], Any], document: Document, **fields: Any) -> Any:
    start = 5
    target = {"selector": [{"type": "TextPositionSelector", "start": start, "end": start + 4}]}
    return write(user, commits, {"document": document.slug, "target": target, **fields})


def inbox(user: User, **params: Any) -> list[dict[str, Any]]:
    return get_json(logged_in(user), INBOX_API, **params)["results"]


# --- who is notified ---------------------------------------------------------------------------


def test_a_reply_reaches_the_author_of_the_note_it_answers(
    alice: User, bob: User, note: Annotation, commits: Callable[[], Any]
) -> None:
    answer = reply(bob, commits, note, "I **disagree**.")
    [item] = inbox(alice)
    assert item["reason"] == "reply" and item["read"] is None
    assert item["annotation"] == answer["id"] and item["author"] == "bob"
    assert item["document"] == "small" and item["excerpt"] == "I **disagree**."
    assert item["body_html"] == "<p>I <strong>disagree</strong>.</p>"
    assert item["url"] == f"http://testserver/documents/small/#annotation-{answer['id']}"
    assert inbox(bob) == []  # the replier is not told of his own reply


def test_replying_to_ones_own_note_notifies_nobody(
    alice: User, note: Annotation, commits: Callable[[], Any]
) -> None:
    reply(alice, commits, note, "A second thought.")
    assert Notification.objects.count() == 0


def test_a_mention_reaches_the_user_named(
    alice: User, bob: User, small_document: Document, commits: Callable[[], Any]
) -> None:
    new_note(alice, commits, small_document, body="Ask @bob.", visibility="analysts")
    [item] = inbox(bob)
    assert item["reason"] == "mention" and item["author"] == "alice"


def test_a_reply_that_mentions_the_parents_author_notifies_once_as_a_reply(
    alice: User, bob: User, note: Annotation, commits: Callable[[], Any]
) -> None:
    reply(bob, commits, note, "@alice see page 3")
    assert [item["reason"] for item in inbox(alice)] == ["reply"]


def test_mentions_are_read_from_the_markdown_as_user_names() -> None:
    assert mentioned_names("Thanks @bob. And @carol-k, cc @dave_e+x!") >= {
        "bob",
        "carol-k",
        "dave_e+x",
    }
    assert mentioned_names("write to bob@example.org or @@bob") == set()
    assert "alice" in mentioned_names("@aliceさん、確認を")  # Japanese runs on after a name


def test_mentioning_oneself_or_an_unknown_name_notifies_nobody(
    alice: User, small_document: Document, commits: Callable[[], Any]
) -> None:
    new_note(alice, commits, small_document, body="@alice @nobody", visibility="public")
    assert Notification.objects.count() == 0


def test_a_team_note_mentioning_an_outsider_notifies_nobody(
    alice: User, bob: User, korea_desk: Team, small_document: Document, commits: Callable[[], Any]
) -> None:
    outsider = make_user("dave", analyst=True)
    body = "For @bob and @dave"
    new_note(alice, commits, small_document, body=body, visibility="team", team="korea-desk")
    assert [item["reason"] for item in inbox(bob)] == ["mention"]
    assert inbox(outsider) == []
    assert not Notification.objects.filter(recipient=outsider).exists()


def test_a_private_note_mentioning_someone_notifies_nobody(
    alice: User, bob: User, small_document: Document, commits: Callable[[], Any]
) -> None:
    new_note(alice, commits, small_document, body="Remind @bob", visibility="private")
    assert Notification.objects.count() == 0


def test_an_analysts_note_does_not_reach_a_member_who_is_not_an_analyst(
    alice: User, member: User, small_document: Document, commits: Callable[[], Any]
) -> None:
    new_note(alice, commits, small_document, body="@carol look", visibility="analysts")
    assert not Notification.objects.filter(recipient=member).exists()


def test_an_edit_that_adds_a_mention_notifies_the_newly_mentioned_only(
    alice: User, bob: User, small_document: Document, commits: Callable[[], Any]
) -> None:
    dave = make_user("dave", analyst=True)
    created = new_note(alice, commits, small_document, body="@bob", visibility="analysts")
    with commits():
        body = {"body": "@bob and @dave"}
        send_json(logged_in(alice), "patch", f"{API}{created['id']}/", body, 200)
    assert [item["reason"] for item in inbox(dave)] == ["mention"]
    assert len(inbox(bob)) == 1  # not told twice
    assert Notification.objects.count() == 2


def test_a_private_reply_does_not_reach_the_author_of_the_note(
    alice: User, bob: User, note: Annotation, commits: Callable[[], Any]
) -> None:
    body = {"document": "small", "parent": note.pk, "body": "Only for me", "visibility": "private"}
    write(bob, commits, body)
    assert Notification.objects.count() == 0


def test_a_reply_under_a_note_its_author_deleted_notifies_nobody(
    alice: User, bob: User, note: Annotation, commits: Callable[[], Any]
) -> None:
    reply(bob, commits, note, "first")
    note.make_tombstone()
    Notification.objects.all().delete()
    reply(bob, commits, note, "second")
    assert Notification.objects.count() == 0


# --- the inbox follows what the recipient may see ----------------------------------------------


def test_a_notification_goes_from_the_inbox_when_its_note_is_narrowed(
    alice: User, bob: User, note: Annotation, commits: Callable[[], Any]
) -> None:
    answer = reply(bob, commits, note, "Public for now")
    assert len(inbox(alice)) == 1
    send_json(logged_in(bob), "patch", f"{API}{answer['id']}/", {"visibility": "private"}, 200)
    assert inbox(alice) == []
    assert "Inbox (0)" in logged_in(alice).get("/inbox/").content.decode()


def test_a_notification_goes_from_the_inbox_when_a_moderator_hides_its_note(
    alice: User, bob: User, note: Annotation, commits: Callable[[], Any]
) -> None:
    answer = reply(bob, commits, note, "Rude words")
    Annotation.objects.filter(pk=answer["id"]).update(hidden=True)
    assert inbox(alice) == []
    assert "Inbox (0)" in logged_in(alice).get("/inbox/").content.decode()
    Annotation.objects.filter(pk=answer["id"]).update(hidden=False)  # restored
    assert len(inbox(alice)) == 1


def test_a_notification_goes_when_its_note_is_deleted(
    alice: User, bob: User, note: Annotation, commits: Callable[[], Any]
) -> None:
    answer = reply(bob, commits, note, "Oops")
    assert logged_in(bob).delete(f"{API}{answer['id']}/").status_code == 204
    assert inbox(alice) == []


# --- the API -----------------------------------------------------------------------------------


def test_the_inbox_is_ones_own_newest_first_and_filters_unread(
    alice: User, bob: User, note: Annotation, commits: Callable[[], Any]
) -> None:
    first = reply(bob, commits, note, "one")
    second = reply(bob, commits, note, "two")
    Notification.objects.filter(annotation_id=first["id"]).update(read="2026-01-01T00:00Z")
    assert [item["annotation"] for item in inbox(alice)] == [second["id"], first["id"]]
    assert [item["annotation"] for item in inbox(alice, unread="true")] == [second["id"]]
    assert [item["annotation"] for item in inbox(alice, unread="false")] == [first["id"]]
    assert inbox(bob) == []


def test_the_inbox_is_paginated_like_other_lists(
    alice: User, bob: User, note: Annotation, commits: Callable[[], Any]
) -> None:
    for words in ("one", "two", "three"):
        reply(bob, commits, note, words)
    client = logged_in(alice)
    page = get_json(client, INBOX_API, page_size=2)
    assert [item["excerpt"] for item in page["results"]] == ["three", "two"]
    rest = get_json(client, page["next"])
    assert [item["excerpt"] for item in rest["results"]] == ["one"] and rest["next"] is None


def test_the_inbox_needs_an_account(db: None) -> None:
    error = get_json(Client(), INBOX_API, status=403)
    assert error["status"] == 403
    send_json(Client(), "post", READ_API, {"all": True}, 403)


def test_a_bad_unread_filter_is_a_400_naming_it(alice: User) -> None:
    error = get_json(logged_in(alice), INBOX_API, status=400, unread="maybe")
    assert error["field"] == "unread"


def test_marking_read_by_id_counts_those_marked(
    alice: User, bob: User, note: Annotation, commits: Callable[[], Any]
) -> None:
    reply(bob, commits, note, "one")
    reply(bob, commits, note, "two")
    ids = [item["id"] for item in inbox(alice)]
    client = logged_in(alice)
    assert send_json(client, "post", READ_API, {"ids": ids[:1]}, 200) == {"marked_read": 1}
    assert [item["id"] for item in inbox(alice, unread="true")] == ids[1:]
    assert send_json(client, "post", READ_API, {"ids": ids[:1]}, 200) == {"marked_read": 0}
    assert send_json(client, "post", READ_API, {"all": True}, 200) == {"marked_read": 1}
    assert inbox(alice, unread="true") == []


def test_marking_someone_elses_notification_is_a_400_naming_it_and_marks_nothing(
    alice: User, bob: User, note: Annotation, commits: Callable[[], Any]
) -> None:
    reply(bob, commits, note, "one")
    [mine] = inbox(alice)
    error = send_json(logged_in(bob), "post", READ_API, {"ids": [mine["id"]]}, 400)
    assert error["field"] == "ids" and str(mine["id"]) in error["detail"]
    error = send_json(logged_in(alice), "post", READ_API, {"ids": [mine["id"], 999]}, 400)
    assert "999" in error["detail"]
    assert inbox(alice)[0]["read"] is None


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "ids"),
        ({"ids": "1"}, "ids"),
        ({"ids": ["1"]}, "ids"),
        ({"ids": [True]}, "ids"),
        ({"ids": [1.5]}, "ids"),
        ({"ids": [0]}, "ids"),
        ({"ids": [2**64]}, "ids"),
        ({"ids": []}, "ids"),
        ({"ids": [1], "all": True}, "ids"),
        ({"all": "yes please"}, "all"),
        ([1, 2], "non_field_errors"),
    ],
)
def test_bad_input_to_mark_read_is_a_400_naming_the_field(
    alice: User, body: Any, field: str
) -> None:
    error = send_json(logged_in(alice), "post", READ_API, body, 400)
    assert error["field"] == (None if field == "non_field_errors" else field)
    assert error["detail"]


# --- the inbox page and the header -------------------------------------------------------------


def test_the_inbox_page_lists_notifications_with_unread_marked(
    alice: User, bob: User, note: Annotation, commits: Callable[[], Any]
) -> None:
    answer = reply(bob, commits, note, "Look at *this*")
    page = logged_in(alice).get("/inbox/")
    html = page.content.decode()
    assert page.status_code == 200 and "private" in page["Cache-Control"]
    assert "Inbox (1)" in html and "bob replied to your note" in html
    assert "Unread" in html and '<em lang="en">this</em>' in html and "Small" in html
    [pk] = Notification.objects.values_list("pk", flat=True)
    assert f'href="/inbox/{pk}/"' in html
    opened = logged_in(alice).get(f"/inbox/{pk}/")
    assert opened.status_code == 302
    assert opened["Location"] == f"/documents/small/#annotation-{answer['id']}"
    assert Notification.objects.get().read is not None
    assert "Inbox (0)" in logged_in(alice).get("/inbox/").content.decode()


def test_mark_all_as_read_is_a_post(
    alice: User, bob: User, note: Annotation, commits: Callable[[], Any]
) -> None:
    reply(bob, commits, note, "one")
    client = logged_in(alice)
    assert client.get("/inbox/read/").status_code == 405
    assert Notification.objects.get().read is None
    response = client.post("/inbox/read/")
    assert response.status_code == 302 and response["Location"] == "/inbox/"
    assert Notification.objects.get().read is not None


def test_mark_all_as_read_needs_the_csrf_token(
    alice: User, bob: User, note: Annotation, commits: Callable[[], Any]
) -> None:
    reply(bob, commits, note, "one")
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post("/inbox/read/").status_code == 403
    assert Notification.objects.get().read is None


def test_the_inbox_page_needs_a_login_and_shows_no_one_elses(
    alice: User, bob: User, note: Annotation, commits: Callable[[], Any]
) -> None:
    reply(bob, commits, note, "one")
    response = Client().get("/inbox/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    [pk] = Notification.objects.values_list("pk", flat=True)
    assert logged_in(bob).get(f"/inbox/{pk}/").status_code == 404
    assert "bob replied" not in logged_in(bob).get("/inbox/").content.decode()


def test_the_header_counts_unread_notifications_for_the_user_only(
    alice: User, bob: User, note: Annotation, commits: Callable[[], Any]
) -> None:
    reply(bob, commits, note, "one")
    anonymous = Client().get("/documents/small/").content.decode()  # cached for anonymous readers
    assert "Inbox" not in anonymous
    assert "Inbox (1)" in logged_in(alice).get("/documents/small/").content.decode()
    assert "Inbox (0)" in logged_in(bob).get("/documents/small/").content.decode()
    assert "Inbox" not in Client().get("/documents/small/").content.decode()


def test_the_header_count_is_one_query(
    alice: User,
    bob: User,
    note: Annotation,
    commits: Callable[[], Any],
    django_assert_num_queries: Any,
) -> None:
    from django.template import Context, Template
    from django.test import RequestFactory

    from annotations.inbox import unread_notifications

    reply(bob, commits, note, "one")
    request = RequestFactory().get("/")
    request.user = alice
    alice._group_names = {"analysts"}  # type: ignore[attr-defined]  # known from the request
    context = unread_notifications(request)
    with django_assert_num_queries(1):
        assert (
            Template("{{ n }} {{ n }}").render(Context({"n": context["unread_notifications"]}))
            == "1 1"
        )


# --- e-mail ------------------------------------------------------------------------------------


def test_a_notification_is_emailed_with_the_note_and_a_link_to_its_place(
    alice: User, bob: User, note: Annotation, commits: Callable[[], Any], settings: Any
) -> None:
    settings.SITE_URL = "https://reader.example.org"
    answer = reply(bob, commits, note, "See **page 3**, @alice")
    [message] = mail.outbox
    assert message.to == ["alice@example.org"]
    assert message.subject == "bob replied to your note on “Small”"
    assert "See **page 3**, @alice" in message.body
    assert f"https://reader.example.org/documents/small/#annotation-{answer['id']}" in message.body
    assert Notification.objects.get().emailed is not None


def test_the_email_is_in_the_sites_language(
    alice: User, bob: User, note: Annotation, commits: Callable[[], Any], settings: Any
) -> None:
    settings.LANGUAGE_CODE = "ja"
    reply(bob, commits, note, "確認します")
    [message] = mail.outbox
    assert "返信" in message.subject and "確認します" in message.body


def test_no_email_without_an_address_or_with_emails_turned_off(
    alice: User,
    bob: User,
    member: User,
    note: Annotation,
    commits: Callable[[], Any],
    settings: Any,
) -> None:
    settings.NOTIFICATION_EMAILS = False
    reply(bob, commits, note, "one")
    settings.NOTIFICATION_EMAILS = True
    new_note(alice, commits, note.document, body="@carol", visibility="public")  # no address
    assert mail.outbox == []
    assert Notification.objects.count() == 2
    assert not Notification.objects.filter(emailed__isnull=False).exists()


class FlakyBackend(EmailBackend):
    """Fails the first `failures` sends, then delivers to mail.outbox."""

    failures = 0
    calls = 0

    def send_messages(self, messages: Any) -> int:
        FlakyBackend.calls += 1
        if FlakyBackend.calls <= FlakyBackend.failures:
            raise ConnectionRefusedError("the SMTP server is down")
        return super().send_messages(messages)


@pytest.fixture
def flaky(settings: Any) -> Iterator[type[FlakyBackend]]:
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.calls = 0
    yield FlakyBackend
    FlakyBackend.failures = 0


def test_an_email_that_fails_once_is_retried_and_sent(
    alice: User, bob: User, note: Annotation, commits: Callable[[], Any], flaky: Any, caplog: Any
) -> None:
    flaky.failures = 1
    reply(bob, commits, note, "one")
    assert flaky.calls == 2 and len(mail.outbox) == 1
    assert Notification.objects.get().emailed is not None
    assert "attempt 1 of 2" in caplog.text


def test_an_email_that_fails_twice_does_not_fail_the_reply_and_is_logged(
    alice: User, bob: User, note: Annotation, commits: Callable[[], Any], flaky: Any, caplog: Any
) -> None:
    flaky.failures = 2
    with caplog.at_level(logging.WARNING, logger="annotations.notifications"):
        answer = reply(bob, commits, note, "one")  # still a 201
    assert Annotation.objects.filter(pk=answer["id"]).exists()
    assert flaky.calls == 2 and mail.outbox == []
    notification = Notification.objects.get()
    assert notification.emailed is None and len(inbox(alice)) == 1
    logged = [r for r in caplog.records if r.name == "annotations.notifications"]
    assert [r.levelname for r in logged] == ["WARNING", "WARNING", "ERROR"]
