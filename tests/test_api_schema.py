"""Schemathesis against /api/schema/: generated requests get no 5xx, and every response matches
the schema (status codes, content types, bodies)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks

from config.wsgi import application
from reader.models import Document

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


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


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_to_its_schema(
    case: schemathesis.Case, seed_document: Document, unthrottled: None
) -> None:
    # A schema-valid request may still name a document or page that does not exist: that is a 400
    # by design, so the "positive data acceptance" check does not apply.
    case.call_and_validate(checks=CHECKS)
