"""Idempotency-Key on the POSTs that create (accounts.idempotency): a create sent again with its
key gets its first answer and makes nothing more, whether the first answer was lost on the way
or the request failed after its write reached the database."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import OperationalError, connections
from django.test import Client
from django.test.client import encode_multipart
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import IdempotencyKey
from annotations.api.views import AnnotationViewSet
from annotations.models import Annotation, Flag
from reader.models import Document
from tests.helpers import SEED, logged_in, make_user

API = "/api/annotations/"
QUOTE = "模範的な同盟国（model allies）"
KEY = "5f0c1a52-9c1e-4c8e-9f57-1d8c0b6e2a11"


def note(document: Document, body: str = "A model ally") -> dict[str, Any]:
    selector = [{"type": "TextQuoteSelector", "exact": QUOTE}]
    return {"document": document.slug, "body": body, "target": {"selector": selector}}


def post(client: Client, data: Any, key: str | None = KEY, path: str = API, **headers: str) -> Any:
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(path, json.dumps(data), content_type="application/json", **headers)


@pytest.fixture
def alice(analyst: User) -> Client:
    return logged_in(analyst)


def test_the_same_key_twice_creates_one_note_and_answers_the_same(
    alice: Client, seed_document: Document
) -> None:
    first = post(alice, note(seed_document))
    again = post(alice, note(seed_document))
    assert first.status_code == again.status_code == 201
    assert again.content == first.content and again.json()["body"] == "A model ally"
    assert again["Content-Type"] == first["Content-Type"] == "application/json"
    assert again["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")
    assert Annotation.objects.count() == 1


def test_the_key_may_be_sent_as_a_structured_field_string(
    alice: Client, seed_document: Document
) -> None:
    assert post(alice, note(seed_document)).status_code == 201
    assert post(alice, note(seed_document), key=f'"{KEY}"').status_code == 201
    assert Annotation.objects.count() == 1


def test_the_same_key_with_another_body_is_a_422_naming_the_key_and_creates_nothing(
    alice: Client, seed_document: Document
) -> None:
    assert post(alice, note(seed_document)).status_code == 201
    refused = post(alice, note(seed_document, body="Something else"))
    assert refused.status_code == 422
    assert refused.json()["field"] == "Idempotency-Key" and KEY in refused.json()["detail"]
    assert list(Annotation.objects.values_list("body", flat=True)) == ["A model ally"]


def test_without_a_key_each_post_creates_as_before(alice: Client, seed_document: Document) -> None:
    assert post(alice, note(seed_document), key=None).status_code == 201
    assert post(alice, note(seed_document), key=None).status_code == 201
    assert Annotation.objects.count() == 2 and not IdempotencyKey.objects.exists()


def test_a_key_that_is_no_key_is_a_400(alice: Client, seed_document: Document) -> None:
    for bad in ["", '"', "with space", "x" * 256, "日本"]:
        headers = {"HTTP_IDEMPOTENCY_KEY": bad}
        answer = post(alice, note(seed_document), key=None, **headers)
        assert answer.status_code == 400 and answer.json()["field"] == "Idempotency-Key", bad
    assert not Annotation.objects.exists()


def test_another_users_same_key_is_another_key(
    alice: Client, second_analyst: User, seed_document: Document
) -> None:
    assert post(alice, note(seed_document)).status_code == 201
    bob = post(logged_in(second_analyst), note(seed_document))
    assert bob.status_code == 201 and not bob.has_header("Idempotent-Replayed")
    assert sorted(Annotation.objects.values_list("author__username", flat=True)) == ["alice", "bob"]


def test_a_token_is_its_users_scope(
    alice: Client, analyst: User, second_analyst: User, seed_document: Document
) -> None:
    """An API client with a token is scoped by its user, as a session is: alice's token replays
    her session's answer, bob's does not."""
    assert post(alice, note(seed_document)).status_code == 201
    alices = Token.objects.create(user=analyst).key
    bobs = Token.objects.create(user=second_analyst).key
    again = post(Client(), note(seed_document), HTTP_AUTHORIZATION=f"Token {alices}")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    other = post(Client(), note(seed_document), HTTP_AUTHORIZATION=f"Token {bobs}")
    assert other.status_code == 201 and not other.has_header("Idempotent-Replayed")
    assert Annotation.objects.count() == 2


def test_a_request_still_running_with_the_key_gets_a_409(
    alice: Client, analyst: User, seed_document: Document
) -> None:
    first = post(alice, note(seed_document))
    # The first request's claim, as it stands while its view is still at work.
    row = IdempotencyKey.objects.get()
    row.running_until = timezone.now() + timedelta(seconds=30)
    row.save()
    busy = post(alice, note(seed_document))
    assert busy.status_code == 409 and busy.json()["field"] == "Idempotency-Key"
    assert busy["Retry-After"] == "1"
    # Once it is done, its answer is given again.
    row.running_until = None
    row.save()
    assert post(alice, note(seed_document)).content == first.content
    assert Annotation.objects.count() == 1


def test_a_claim_whose_worker_died_is_taken_over(alice: Client, seed_document: Document) -> None:
    with time_machine.travel(timezone.now() - timedelta(minutes=5)):
        post(alice, note(seed_document))
    row = IdempotencyKey.objects.get()
    Annotation.objects.all().delete()
    row.running_until, row.status, row.body = timezone.now() - timedelta(minutes=4), None, b""
    row.save()  # claimed five minutes ago and never finished: the worker was killed
    again = post(alice, note(seed_document))
    assert again.status_code == 201 and not again.has_header("Idempotent-Replayed")
    assert Annotation.objects.count() == 1


def test_a_refused_request_keeps_nothing_and_the_key_may_be_sent_again(
    alice: Client, seed_document: Document
) -> None:
    refused = post(alice, {"document": seed_document.slug, "target": {"selector": []}})
    assert refused.status_code == 400 and not IdempotencyKey.objects.exists()
    assert post(alice, note(seed_document)).status_code == 201
    assert Annotation.objects.count() == 1


def test_a_key_is_kept_a_day_then_forgotten(
    alice: Client, analyst: User, seed_document: Document
) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert post(alice, note(seed_document)).status_code == 201
    with time_machine.travel(start + timedelta(hours=23), tick=False):
        assert post(alice, note(seed_document))["Idempotent-Replayed"] == "true"
    with time_machine.travel(start + timedelta(hours=25), tick=False):
        # Expired: removed when alice next sends a key, and the same key is a new request.
        alice.force_login(analyst)
        again = post(alice, note(seed_document))
        assert again.status_code == 201 and not again.has_header("Idempotent-Replayed")
    assert Annotation.objects.count() == 2 and IdempotencyKey.objects.count() == 1


def test_the_command_removes_expired_keys_only(
    alice: Client, seed_document: Document, settings: Any
) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        post(alice, note(seed_document), key="old")
    with time_machine.travel(start + timedelta(hours=12), tick=False):
        post(alice, note(seed_document, body="Later"), key="recent")
    out = StringIO()
    with time_machine.travel(start + timedelta(hours=30), tick=False):
        call_command("forget_idempotency_keys", stdout=out)
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["recent"]
    assert out.getvalue().startswith("1 expired")


@pytest.mark.django_db(transaction=True)
def test_a_create_whose_answer_failed_after_its_write_is_not_stored_twice(
    analyst: User, seed_document: Document
) -> None:
    """The fault of issue 23: the note was written, then the database went away before the
    answer was made (a 503). The client sends it again with its key: one note, not two."""
    client = logged_in(analyst)
    output = AnnotationViewSet._output
    calls = {"n": 0}

    def answer_fails_once(view: AnnotationViewSet, annotation: Annotation) -> dict[str, Any]:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return output(view, annotation)

    with mock.patch.object(AnnotationViewSet, "_output", answer_fails_once):
        lost = post(client, note(seed_document))
        assert lost.status_code == 503 and lost.has_header("Retry-After")
        retried = post(client, note(seed_document))
    assert retried.status_code == 201
    assert Annotation.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_create_committed_whose_answer_was_lost_is_answered_again(
    analyst: User, seed_document: Document
) -> None:
    """The write and its answer are committed together: a client that never got the answer
    (the connection dropped) gets it on sending again, and the note is not written twice."""
    client = logged_in(analyst)
    first = post(client, note(seed_document))  # the answer the client never read
    again = post(client, note(seed_document))
    assert again.status_code == 201 and again.json() == first.json()
    assert Annotation.objects.count() == 1


def test_an_import_sent_again_with_another_multipart_boundary_is_the_same_request(
    alice: Client, seed_document: Document
) -> None:
    """Clients pick a new boundary each time they send a form: it is no part of the body."""
    export = {
        "type": "AnnotationCollection",
        "first": {"items": [{
            "type": "Annotation", "body": "Imported",
            "target": {"source": f"http://testserver/documents/{seed_document.slug}/",
                       "selector": [{"type": "TextQuoteSelector", "exact": QUOTE}]},
        }]},
    }  # fmt: skip
    content = json.dumps(export).encode()
    answers = []
    for boundary in ("first-boundary-1234", "another-boundary-98765"):
        from django.core.files.uploadedfile import SimpleUploadedFile

        body = encode_multipart(boundary, {"file": SimpleUploadedFile("notes.json", content)})
        answers.append(
            alice.post(
                f"{API}import/",
                body,
                content_type=f"multipart/form-data; boundary={boundary}",
                HTTP_IDEMPOTENCY_KEY=KEY,
            )
        )
    assert [answer.status_code for answer in answers] == [201, 201]
    assert answers[1]["Idempotent-Replayed"] == "true"
    assert answers[1].json() == answers[0].json()
    assert Annotation.objects.filter(body="Imported").count() == 1


def test_a_flag_sent_twice_with_its_key_is_one_flag(
    alice: Client, second_analyst: User, seed_document: Document
) -> None:
    bobs = post(logged_in(second_analyst), {**note(seed_document), "visibility": "analysts"})
    path = f"{API}{bobs.json()['id']}/flag/"
    answers = [post(alice, {"reason": "Off topic"}, path=path) for _ in range(2)]
    assert [answer.status_code for answer in answers] == [201, 201]
    assert Flag.objects.count() == 1


def test_a_commentary_imported_from_the_browser_twice_with_its_key_is_imported_once(
    client: Client, db: None
) -> None:
    editor = make_user("editor", analyst=False)
    editor.is_staff = True
    editor.save()
    client.force_login(editor)
    answers = []
    for _ in range(2):
        with SEED.open("rb") as file:
            answers.append(client.post("/documents/new/", {"file": file}, HTTP_IDEMPOTENCY_KEY=KEY))
    assert [answer.status_code for answer in answers] == [200, 200]
    assert answers[1]["Idempotent-Replayed"] == "true"
    assert answers[1].content == answers[0].content
    document = Document.objects.get()
    assert document.revision == 1


@pytest.mark.django_db(transaction=True)
def test_a_second_request_while_the_first_is_at_work_gets_a_409_and_one_note_is_made(
    analyst: User, seed_document: Document
) -> None:
    """Two requests with one key at once (a double click, a retry too soon): the first claims
    the key before its view runs; the second, arriving meanwhile, is told to wait."""
    import threading

    from annotations.api import views

    at_work, go_on = threading.Event(), threading.Event()
    create = views.create_annotation

    def slow_create(**kwargs: Any) -> Annotation:
        at_work.set()
        assert go_on.wait(10)
        return create(**kwargs)

    answers: list[Any] = []

    def first_request() -> None:
        answers.append(post(logged_in(analyst), note(seed_document)))
        connections.close_all()  # this thread's own connection

    with mock.patch.object(views, "create_annotation", slow_create):
        first = threading.Thread(target=first_request)
        first.start()
        assert at_work.wait(10)
        busy = post(logged_in(analyst), note(seed_document))
        go_on.set()
        first.join(10)
    assert busy.status_code == 409 and busy["Retry-After"] == "1"
    assert answers[0].status_code == 201
    assert Annotation.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_commit_that_fails_leaves_no_note_and_the_key_free_for_the_retry(
    analyst: User, seed_document: Document
) -> None:
    """The database goes away while the note and its answer are being kept: the client gets a
    503, nothing was stored, and its retry with the same key is not told to wait."""
    from accounts import idempotency

    client = Client(raise_request_exception=False)
    client.force_login(analyst)

    def database_gone(claim: IdempotencyKey, response: Any) -> bool:
        raise OperationalError("server closed the connection unexpectedly")

    with mock.patch.object(idempotency, "_keep", database_gone):
        failed = post(client, note(seed_document))
    assert failed.status_code == 503 and failed.has_header("Retry-After")
    assert not Annotation.objects.exists() and not IdempotencyKey.objects.exists()
    retried = post(client, note(seed_document))
    assert retried.status_code == 201 and Annotation.objects.count() == 1


@pytest.mark.parametrize("chunk", [1, 3, 7, 64 * 1024])
def test_a_forms_boundary_is_taken_out_wherever_the_chunks_of_the_body_cut_it(chunk: int) -> None:
    import hashlib
    from io import BytesIO

    from accounts import idempotency

    body = b"--XyZ12\r\nname=a\r\n--XyZ12\r\nfile=b\r\n--XyZ12--\r\n"
    expected = hashlib.sha256(body.replace(b"XyZ12", b"")).hexdigest()
    digest = hashlib.sha256()
    with mock.patch.object(idempotency, "CHUNK", chunk):
        idempotency._hash_without(BytesIO(body), b"XyZ12", digest)
    assert digest.hexdigest() == expected
