"""API errors as JSON: a message, the field or parameter at fault, and never a stack trace."""

from __future__ import annotations

from typing import Any

from django.http import Http404, JsonResponse
from rest_framework import renderers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import exception_handler


def json_error(detail: str, status: int, field: str | None = None) -> JsonResponse:
    """An error in the API's format, for the answers given outside DRF (404, 413, 500, …)."""
    return JsonResponse({"detail": detail, "field": field, "status": status}, status=status)


class JSONErrors:
    """Errors are JSON whatever format was asked for (CSV, BibTeX, JSON-LD), as everywhere in the
    API, and so is what OPTIONS says of the view: a view with this mixin renders them with DRF's
    JSON renderer."""

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)  # type: ignore[misc]
        self._answer_in_json()
        return response

    def options(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        response = super().options(request, *args, **kwargs)  # type: ignore[misc]
        self._answer_in_json()
        return response

    def _answer_in_json(self) -> None:
        self.request.accepted_renderer = renderers.JSONRenderer()  # type: ignore[attr-defined]
        self.request.accepted_media_type = "application/json"  # type: ignore[attr-defined]


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Http404):
        # Django's "No Document matches the given query." is in no catalog: DRF's "Not found."
        # is, in the reader's language.
        exc = NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None  # a server error: Django's 500 handling (and logging) takes over
    data = response.data
    field = None
    message = ""
    if isinstance(data, dict) and "detail" in data and len(data) == 1:
        message = str(data["detail"])
    elif isinstance(data, dict) and data:
        field, errors = next(iter(data.items()))
        where, first = first_error(errors)
        path = field + where
        message = f"{path}: {first}" if field != "non_field_errors" else first
        field = None if field == "non_field_errors" else field
    elif isinstance(data, list) and data:
        message = str(data[0])
    response.data = {
        "detail": message or "Invalid request.",
        "field": field,
        "status": response.status_code,
    }
    if isinstance(data, dict) and field is not None:
        response.data["errors"] = data
    return response


def first_error(errors: Any) -> tuple[str, str]:
    """The first message in DRF's nested errors, and where it is under the field: for
    {"selector": [{"exact": ["Required."]}]}, (".selector[0].exact", "Required.")."""
    if isinstance(errors, dict) and errors:
        key, inner = next(iter(errors.items()))
        where, message = first_error(inner)
        if key == "non_field_errors":
            return where, message
        return (f"[{key}]" if str(key).isdigit() else f".{key}") + where, message
    if isinstance(errors, list) and errors:
        index, inner = next(((i, item) for i, item in enumerate(errors) if item), (0, errors[0]))
        where, message = first_error(inner)
        return (f"[{index}]" if where else "") + where, message
    return "", str(errors)
