"""API errors as JSON: a message, the field or parameter at fault, and never a stack trace."""

from __future__ import annotations

from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
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
        first = errors[0] if isinstance(errors, list) and errors else errors
        message = f"{field}: {first}" if field != "non_field_errors" else str(first)
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
