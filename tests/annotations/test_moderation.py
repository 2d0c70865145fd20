"""Moderation: any reader with an account flags a note others see, once, with a reason; the
moderators see the flagged notes on /moderation/ and hide, restore or dismiss them there or
through the API; every action is logged with who and when; a hidden note is gone for everyone
but its author and the moderators, in lists, reads and exports."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from annotations.models import MODERATORS_GROUP, Annotation, Flag, ModerationAction
from reader.models import Document
from tests.helpers import annotation_on, get_json, logged_in, make_user, reply_to, send_json


@pytest.fixture
def moderator(db: None) -> User:
    user = make_user("maria", analyst=False)
    user.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    return user


@pytest.fixture
def public_note(small_document: Document, analyst: User) -> Annotation:
    return annotation_on(small_document, analyst, 3, 7, body="Spam, spam", visibility="public")


def flag(client: Client, annotation: Annotation, data: object, status: int) -> dict:
    return send_json(client, "post", f"/api/annotations/{annotation.pk}/flag/", data, status)


def flag_note(annotation: Annotation, user: User, reason: str = "Off topic") -> Flag:
    return Flag.objects.create(annotation=annotation, user=user, reason=reason)


# --- flagging --------------------------------------------------------------------------------


def test_a_reader_who_is_not_an_analyst_flags_a_public_note(
    public_note: Annotation, member: User
) -> None:
    answer = flag(logged_in(member), public_note, {"reason": "Advertising"}, 201)
    assert answer["flagged"] is True and answer["can_flag"] is False
    stored = Flag.objects.get()
    assert (stored.annotation, stored.user, stored.reason) == (public_note, member, "Advertising")


def test_the_list_offers_the_flag_to_others_only(
    public_note: Annotation, analyst: User, member: User
) -> None:
    theirs = get_json(logged_in(member), f"/api/annotations/{public_note.pk}/")
    mine = get_json(logged_in(analyst), f"/api/annotations/{public_note.pk}/")
    anonymous = get_json(Client(), f"/api/annotations/{public_note.pk}/")
    assert (theirs["can_flag"], mine["can_flag"], anonymous["can_flag"]) == (True, False, False)


def test_flagging_twice_is_refused_as_already_flagged(
    public_note: Annotation, member: User
) -> None:
    client = logged_in(member)
    flag(client, public_note, {"reason": "Advertising"}, 201)
    error = flag(client, public_note, {"reason": "Still advertising"}, 400)
    assert "already flagged" in error["detail"]
    assert Flag.objects.get().reason == "Advertising"


def test_one_cannot_flag_ones_own_note(public_note: Annotation, analyst: User) -> None:
    error = flag(logged_in(analyst), public_note, {"reason": "Oops"}, 403)
    assert "your own note" in error["detail"]
    assert not Flag.objects.exists()


def test_a_note_one_cannot_see_is_not_found(
    small_document: Document, analyst: User, member: User
) -> None:
    analysts_only = annotation_on(small_document, analyst, 3, 7, visibility="analysts")
    flag(logged_in(member), analysts_only, {"reason": "Nosy"}, 404)
    assert not Flag.objects.exists()


def test_a_visitor_without_an_account_may_not_flag(public_note: Annotation) -> None:
    flag(Client(), public_note, {"reason": "Spam"}, 403)
    assert not Flag.objects.exists()


@pytest.mark.parametrize(
    "data, fault",
    [
        ({}, "reason"),
        ({"reason": ""}, "reason"),
        ({"reason": "x" * 501}, "reason"),
        ({"reason": 5}, "reason"),
    ],
)
def test_a_missing_empty_long_or_wrong_reason_is_refused(
    public_note: Annotation, member: User, data: object, fault: str
) -> None:
    error = flag(logged_in(member), public_note, data, 400)
    assert error["field"] == fault
    assert not Flag.objects.exists()


def test_a_tombstone_cannot_be_flagged(
    public_note: Annotation, second_analyst: User, member: User
) -> None:
    Annotation.objects.create(
        document=public_note.document,
        author=second_analyst,
        parent=public_note,
        body="A reply",
        visibility="public",
        created_revision=1,
        anchor_revision=1,
    )
    public_note.delete_by_author()
    error = flag(logged_in(member), public_note, {"reason": "Empty"}, 400)
    assert "deleted" in error["detail"]


# --- the moderation page -----------------------------------------------------------------------


def test_the_page_is_for_moderators_only(analyst: User, moderator: User) -> None:
    assert logged_in(moderator).get("/moderation/").status_code == 200
    refused = logged_in(analyst).get("/moderation/")
    assert refused.status_code == 403
    assert "Only moderators may see this page." in refused.content.decode()
    anonymous = Client().get("/moderation/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/?next=/moderation/")


def test_the_header_links_to_the_page_for_moderators_only(
    small_document: Document, analyst: User, moderator: User
) -> None:
    assert 'href="/moderation/"' in logged_in(moderator).get("/").content.decode()
    assert 'href="/moderation/"' not in logged_in(analyst).get("/").content.decode()
    assert 'href="/moderation/"' not in Client().get("/").content.decode()


def test_the_page_lists_flagged_notes_newest_first_with_their_flags(
    small_document: Document,
    analyst: User,
    second_analyst: User,
    member: User,
    moderator: User,
) -> None:
    older = annotation_on(small_document, analyst, 3, 7, body="Older words", visibility="public")
    newer = annotation_on(small_document, analyst, 8, 12, body="Newer words", visibility="public")
    untouched = annotation_on(small_document, analyst, 13, 15, body="Fine", visibility="public")
    flag_note(older, member, "Rude to the reader")
    flag_note(newer, second_analyst, "Copied from elsewhere")
    page = logged_in(moderator).get("/moderation/").content.decode()
    assert page.index("Newer words") < page.index("Older words")
    assert "Rude to the reader" in page and "carol" in page
    assert "Copied from elsewhere" in page
    assert f'href="{newer.get_absolute_url()}"' in page
    assert untouched.body not in page


def test_hiding_from_the_page_hides_handles_the_flags_and_logs(
    public_note: Annotation, member: User, moderator: User
) -> None:
    flag_note(public_note, member)
    client = logged_in(moderator)
    response = client.post(f"/moderation/{public_note.pk}/hide/", {"reason": "Spam"})
    assert response.status_code == 302
    public_note.refresh_from_db()
    assert public_note.hidden
    assert not Flag.objects.filter(handled=False).exists()
    entry = ModerationAction.objects.get()
    assert (entry.kind, entry.moderator, entry.annotation_number, entry.reason) == (
        "hide",
        moderator,
        public_note.pk,
        "Spam",
    )
    assert entry.created is not None
    page = client.get("/moderation/").content.decode()
    assert f'id="hidden-{public_note.pk}"' in page
    assert f'id="flagged-{public_note.pk}"' not in page


def test_restoring_shows_the_note_again_and_logs(
    public_note: Annotation, member: User, moderator: User
) -> None:
    public_note.hidden = True
    public_note.save()
    logged_in(moderator).post(f"/moderation/{public_note.pk}/restore/", {"reason": "Appeal"})
    public_note.refresh_from_db()
    assert not public_note.hidden
    assert ModerationAction.objects.get().kind == "restore"
    assert (
        get_json(logged_in(member), f"/api/annotations/{public_note.pk}/")["id"] == public_note.pk
    )


def test_dismissing_leaves_the_note_takes_it_off_the_list_and_logs(
    public_note: Annotation, member: User, moderator: User
) -> None:
    flag_note(public_note, member)
    client = logged_in(moderator)
    client.post(f"/moderation/{public_note.pk}/dismiss/")
    public_note.refresh_from_db()
    assert not public_note.hidden
    assert Flag.objects.get().handled
    assert ModerationAction.objects.get().kind == "dismiss"
    page = client.get("/moderation/").content.decode()
    assert f'id="flagged-{public_note.pk}"' not in page
    assert "Flags dismissed" in page  # in the log


def test_the_log_shows_who_did_what(public_note: Annotation, member: User, moderator: User) -> None:
    flag_note(public_note, member)
    client = logged_in(moderator)
    client.post(f"/moderation/{public_note.pk}/hide/", {"reason": "Spam for sure"})
    log = client.get("/moderation/").content.decode().split('class="moderation-log"')[1]
    assert "maria" in log and "Hidden" in log and f"#{public_note.pk}" in log
    assert "Spam for sure" in log


def test_hiding_twice_says_so_and_logs_once(public_note: Annotation, moderator: User) -> None:
    client = logged_in(moderator)
    client.post(f"/moderation/{public_note.pk}/hide/")
    response = client.post(f"/moderation/{public_note.pk}/hide/", follow=True)
    assert "hidden already" in response.content.decode()
    assert ModerationAction.objects.count() == 1


def test_others_may_not_moderate_from_the_page(public_note: Annotation, analyst: User) -> None:
    assert logged_in(analyst).post(f"/moderation/{public_note.pk}/hide/").status_code == 403
    assert Client().post(f"/moderation/{public_note.pk}/hide/").status_code == 302
    public_note.refresh_from_db()
    assert not public_note.hidden
    assert not ModerationAction.objects.exists()


def test_the_page_takes_only_posts(public_note: Annotation, moderator: User) -> None:
    assert logged_in(moderator).get(f"/moderation/{public_note.pk}/hide/").status_code == 405
    public_note.refresh_from_db()
    assert not public_note.hidden


def test_an_unknown_note_is_not_found(moderator: User) -> None:
    assert logged_in(moderator).post("/moderation/999999/hide/").status_code == 404


def test_the_page_needs_the_csrf_token(public_note: Annotation, moderator: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    assert client.post(f"/moderation/{public_note.pk}/hide/").status_code == 403
    public_note.refresh_from_db()
    assert not public_note.hidden


# --- the API for moderators ----------------------------------------------------------------------


def test_a_moderator_hides_and_restores_through_the_api(
    public_note: Annotation, moderator: User
) -> None:
    client = logged_in(moderator)
    path = f"/api/annotations/{public_note.pk}/"
    assert send_json(client, "post", path + "hide/", {"reason": "Spam"}, 200)["hidden"] is True
    assert send_json(client, "post", path + "restore/", {}, 200)["hidden"] is False
    kinds = list(ModerationAction.objects.values_list("kind", "moderator__username"))
    assert kinds == [("restore", "maria"), ("hide", "maria")]


def test_others_may_not_hide_through_the_api(
    public_note: Annotation, analyst: User, member: User
) -> None:
    path = f"/api/annotations/{public_note.pk}/hide/"
    for client in (logged_in(analyst), logged_in(member), Client()):
        error = send_json(client, "post", path, {}, 403)
        assert error["status"] == 403
    public_note.refresh_from_db()
    assert not public_note.hidden
    assert not ModerationAction.objects.exists()


def test_restoring_a_note_that_is_not_hidden_is_refused(
    public_note: Annotation, moderator: User
) -> None:
    path = f"/api/annotations/{public_note.pk}/restore/"
    error = send_json(logged_in(moderator), "post", path, {}, 400)
    assert "not hidden" in error["detail"]
    assert not ModerationAction.objects.exists()


# --- a hidden note --------------------------------------------------------------------------------


def hidden_note(public_note: Annotation, moderator: User) -> Annotation:
    send_json(logged_in(moderator), "post", f"/api/annotations/{public_note.pk}/hide/", {}, 200)
    return public_note


def test_a_hidden_note_vanishes_from_list_read_and_export_for_others(
    public_note: Annotation, second_analyst: User, member: User, moderator: User
) -> None:
    note = hidden_note(public_note, moderator)
    for client in (logged_in(second_analyst), logged_in(member), Client()):
        listed = get_json(client, "/api/annotations/", document="small")["results"]
        assert note.pk not in [row["id"] for row in listed]
        get_json(client, f"/api/annotations/{note.pk}/", status=404)
        export = client.get("/api/annotations/export/", {"document": "small", "format": "csv"})
        assert "Spam, spam" not in export.content.decode()


def test_its_author_and_the_moderators_still_see_it_marked_hidden(
    public_note: Annotation, analyst: User, moderator: User
) -> None:
    note = hidden_note(public_note, moderator)
    for user in (analyst, moderator):
        read = get_json(logged_in(user), f"/api/annotations/{note.pk}/")
        assert read["hidden"] is True


def test_the_page_and_its_link_are_in_japanese(moderator: User) -> None:
    page = logged_in(moderator).get("/moderation/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "<h1>モデレーション</h1>" in page
    assert ">モデレーション</a>" in page


def test_a_moderator_sees_the_flagged_notes_their_visibility_lets_them_see(
    small_document: Document, analyst: User, second_analyst: User, moderator: User
) -> None:
    analysts_only = annotation_on(
        small_document, analyst, 3, 7, body="Inner", visibility="analysts"
    )
    flag_note(analysts_only, second_analyst)
    assert "Inner" not in logged_in(moderator).get("/moderation/").content.decode()
    assert logged_in(moderator).post(f"/moderation/{analysts_only.pk}/hide/").status_code == 404
    moderator.groups.add(Group.objects.get(name="analysts"))
    assert "Inner" in logged_in(moderator).get("/moderation/").content.decode()


def test_a_hidden_notes_replies_go_with_it_and_come_back_with_it(
    public_note: Annotation,
    analyst: User,
    second_analyst: User,
    moderator: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Hiding a note hides its thread: no reply to it stays readable, listed, exported or in an
    inbox; restoring it shows them again, but not a reply a moderator hid on its own."""
    with django_capture_on_commit_callbacks(execute=True):  # the notifications, after commit
        reply = reply_to(public_note, second_analyst, "Agreed, @alice")
    assert len(get_json(logged_in(analyst), "/api/notifications/")["results"]) == 1
    deeper = reply_to(reply, analyst, "A reply to the reply")
    spam = reply_to(public_note, second_analyst, "Buy now")
    mod = logged_in(moderator)
    send_json(mod, "post", f"/api/annotations/{spam.pk}/hide/", {}, 200)
    hidden_note(public_note, moderator)
    others = Client()
    listed = [row["id"] for row in get_json(others, "/api/annotations/")["results"]]
    assert listed == []
    get_json(others, f"/api/annotations/{reply.pk}/", status=404)
    export = others.get("/api/annotations/export/", {"document": "small", "format": "csv"})
    assert "Agreed" not in export.content.decode()
    inbox = get_json(logged_in(analyst), "/api/notifications/")["results"]
    assert inbox == []  # the reply mentioning alice is hidden with its thread
    # Its own author still sees the reply, marked hidden.
    assert get_json(logged_in(second_analyst), f"/api/annotations/{reply.pk}/")["hidden"] is True

    send_json(mod, "post", f"/api/annotations/{public_note.pk}/restore/", {}, 200)
    listed = {row["id"] for row in get_json(others, "/api/annotations/")["results"]}
    assert listed == {public_note.pk, reply.pk, deeper.pk}  # the spam stays hidden
