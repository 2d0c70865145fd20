"""Schemathesis against /api/schema/, with all its checks, on every operation, anonymous and with an
analyst's token: generated requests, valid and invalid, get no 5xx; every response matches the
schema (status codes, content types, headers, bodies); invalid data is refused and valid data
accepted; an operation that needs an account refuses a request without one, or with a bad one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis import checks

from config.wsgi import application
from reader.models import Document
from tests.helpers import annotation_on, make_user

SCHEMA = "/api/schema/?format=json"
anonymous = schemathesis.openapi.from_wsgi(SCHEMA, application)
with_token = schemathesis.openapi.from_wsgi(SCHEMA, application)
for schema in (anonymous, with_token):
    # The API refuses a NUL character in any string of a request, a 400 naming where (tests in
    # test_api.py), and the schema says so of every string it declares (a pattern); but it cannot
    # say it of the keys of a body's undeclared properties (OpenAPI 3.0 has no propertyNames),
    # so no NUL is generated, where schemathesis would otherwise call that 400 a wrong refusal.
    schema.config.generation.update(allow_x00=False)
TOKEN = "5c4e7a0b9d2f4c1e8a6b3d5f7e9c1a2b4d6f8e0a"  # the analyst's, made by the fixture below
# Enough examples per operation to reach every check, few enough for the suite (both tests, 22
# operations each, in well under two minutes on two cores).
EXAMPLES = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))

# What a schema cannot say: which slugs, ids, page labels and words are stored, and which
# characters a search can look for once folded. A well-formed request naming what is not there
# (a document slug, a parent note, a quote that is not in the text, a judgement on words that
# are not a claim, a cursor not from a `next` link) or searching for punctuation alone is a 400
# naming the field, by design (README), where schemathesis' "positive data acceptance" expects a
# 2xx. These fields, with messages of their own (not a nested, structural error), and a wrong
# password on the token endpoint, are the only 400s that check lets through. So are the `ids` of
# notifications that are not yours (or that, with `all`, say two things at once).
NAMES_STORED_DATA = {
    "document", "source", "source_page", "parent", "target", "judgement", "visibility",
    "translation", "original", "text", "first_page", "last_page", "cursor", "q", "ids",
    # a Web Annotation's document, a team of which the user is a member, an import's notes
    # none of which could be anchored
    "target.source", "team", "file",
}  # fmt: skip
TOKEN_ENDPOINT = "/api/auth/token/"


def names_what_is_not_stored(case: schemathesis.Case, response: schemathesis.Response) -> bool:
    if response.status_code != 400:
        return False
    if case.operation.path == TOKEN_ENDPOINT:
        return True  # wrong credentials: which passwords are right is no schema's business
    errors = response.json().get("errors", {})
    return bool(errors) and all(
        field in NAMES_STORED_DATA and all(isinstance(message, str) for message in messages)
        for field, messages in errors.items()
    )


def positive_data_acceptance(
    ctx: checks.CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> bool | None:
    """schemathesis' check, but for a 400 about data the schema cannot know of (above)."""
    try:
        return checks.positive_data_acceptance(ctx, response, case)
    except checks.Failure:
        if names_what_is_not_stored(case, response):
            return None
        raise


@with_token.auth(refresh_interval=None)
class AnalystToken:
    def get(self, case: schemathesis.Case, ctx: schemathesis.AuthContext) -> str:
        return TOKEN

    def set(self, case: schemathesis.Case, data: str, ctx: schemathesis.AuthContext) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Token {data}"}


@pytest.fixture
def unthrottled(settings: Any) -> Iterator[None]:
    settings.API_THROTTLE_RATES = {}
    # Schemathesis calls the WSGI application directly; like Django's test client, keep the
    # test's database connection (and its transaction) open across requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def analyst_token(db: None) -> str:
    return Token.objects.create(user=make_user("schemathesis", analyst=True), key=TOKEN).key


def call_and_validate(case: schemathesis.Case) -> None:
    case.call_and_validate(
        excluded_checks=[checks.positive_data_acceptance],
        additional_checks=[positive_data_acceptance],
    )


@anonymous.parametrize()
@EXAMPLES
def test_the_api_keeps_to_its_schema_for_anonymous_readers(
    case: schemathesis.Case, seed_document: Document, unthrottled: None
) -> None:
    call_and_validate(case)


@with_token.parametrize()
@EXAMPLES
def test_the_api_keeps_to_its_schema_for_an_analyst_with_a_token(
    case: schemathesis.Case, seed_document: Document, unthrottled: None, analyst_token: str
) -> None:
    call_and_validate(case)


class Workflows(with_token.as_state_machine()):  # type: ignore[misc]
    """Sequences of calls, each using what an earlier answer gave (a note's id to reply to,
    resolve, flag or export; a passage's id to align), from the links schemathesis infers."""

    def validate_response(
        self,
        response: schemathesis.Response,
        case: schemathesis.Case,
        additional_checks: list[Any] | None = None,
        **kwargs: Any,
    ) -> None:
        case.validate_response(
            response,
            excluded_checks=[checks.positive_data_acceptance],
            additional_checks=[positive_data_acceptance, *(additional_checks or [])],
            recorder=self.recorder,
        )


@pytest.fixture
def notes(seed_document: Document, analyst_token: str) -> None:
    """Notes for the sequences to find in lists and act on: the analyst's own, and one of
    another analyst's that the analyst may reply to and flag."""
    own = Token.objects.get(key=analyst_token).user
    other = make_user("another", analyst=True)
    start = seed_document.plain_text().index("同盟")
    annotation_on(seed_document, own, start, start + 2, body="Mine", visibility="private")
    annotation_on(seed_document, other, start, start + 2, body="Theirs", visibility="analysts")


def test_sequences_of_calls_keep_to_the_schema(
    seed_document: Document, unthrottled: None, analyst_token: str, notes: None
) -> None:
    Workflows.run(
        settings=settings(
            max_examples=12,  # scenarios, each of up to 6 calls: some 10 s of CPU
            stateful_step_count=6,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
    )


# --- what the schema says, read directly -----------------------------------------------------


@pytest.fixture
def document(client: Any) -> dict[str, Any]:
    return client.get(SCHEMA).json()


def operation(document: dict[str, Any], path: str, method: str = "get") -> dict[str, Any]:
    return document["paths"][path][method]


def parameter(document: dict[str, Any], path: str, name: str) -> dict[str, Any]:
    found = [p for p in operation(document, path)["parameters"] if p["name"] == name]
    return found[0]["schema"]


def test_the_schema_says_reads_need_no_account_and_writes_do(document: dict[str, Any]) -> None:
    assert {} in operation(document, "/api/documents/")["security"]
    assert {} in operation(document, "/api/annotations/{id}/")["security"]
    assert {} in operation(document, "/api/auth/token/", "post")["security"]
    for path, method in [("/api/annotations/", "post"), ("/api/annotations/{id}/", "delete"),
                         ("/api/source-passages/", "post")]:  # fmt: skip
        assert {} not in operation(document, path, method)["security"], (path, method)


def test_the_schema_gives_the_bounds_of_parameters(document: dict[str, Any]) -> None:
    assert parameter(document, "/api/notes/", "number")["minimum"] == 1
    assert parameter(document, "/api/citations/", "note")["minimum"] == 1
    assert parameter(document, "/api/notes/", "page_size")["minimum"] == 1
    assert parameter(document, "/api/passages/", "q")["minLength"] == 1
    assert parameter(document, "/api/annotations/export/", "document")["minLength"] == 1
    assert parameter(document, "/api/notes/", "document")["pattern"] == "^[^\\x00]*$"


def test_the_schema_lists_the_errors_each_operation_can_give(document: dict[str, Any]) -> None:
    read = operation(document, "/api/notes/")["responses"]
    write = operation(document, "/api/annotations/", "post")["responses"]
    assert {"400", "403", "404", "429", "500", "503"} <= set(read) and "413" not in read
    assert {"400", "403", "404", "413", "415", "429", "500", "503"} <= set(write)
    assert "Retry-After" in read["503"]["headers"] and "Retry-After" in read["429"]["headers"]
    assert read["500"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")


def test_a_nested_error_matches_the_schema_of_errors(
    document: dict[str, Any], client: Any, analyst: Any, seed_document: Document
) -> None:
    client.force_login(analyst)
    body = {"document": seed_document.slug, "target": {"selector": [
        {"type": "TextPositionSelector", "start": 0, "end": 4}, {"type": "TextQuoteSelector"}]}}  # fmt: skip
    error = client.post("/api/annotations/", body, content_type="application/json").json()
    # Nested: by field, then by index of the selector at fault.
    assert error["errors"]["target"]["selector"] == {
        "1": {"non_field_errors": ["a TextQuoteSelector needs exact"]}
    }
    components = document["components"]["schemas"]
    # The root holds the components, so that #/components/schemas/… resolves within it.
    jsonschema.validate(error, {**components["Error"], "components": {"schemas": components}})
