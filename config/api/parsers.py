"""Request body parsers: DRF's, with a clear 400 for JSON nested too deeply to parse and for a NUL
character in any string of a body (JSON, a form or multipart), which no database column stores."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.utils.translation import gettext
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError


class JSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:  # Python's json decoder recurses once per level
            raise ParseError(gettext("JSON parse error: the body is nested too deeply.")) from error
        where = _nul_at(data)
        if where is not None:
            field = where or "body"
            raise ValidationError({field: [gettext("NUL characters are not allowed.")]})
        return data


class FormParser(parsers.FormParser):
    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        data = super().parse(stream, media_type, parser_context)
        _refuse_nul_in_form(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        parsed = super().parse(stream, media_type, parser_context)
        _refuse_nul_in_form(parsed.data)
        return parsed


def _refuse_nul_in_form(data: Any) -> None:
    for name, values in data.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            raise ValidationError({name: [gettext("NUL characters are not allowed.")]})


def _nul_at(data: Any, path: str = "") -> str | None:
    """Where the first string holding a NUL character is (a dotted path), or None."""
    if isinstance(data, str):
        return path if "\x00" in data else None
    items: Any = ()
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    for key, value in items:
        if isinstance(key, str) and "\x00" in key:
            return f"{path}.{key}".strip(".")
        found = _nul_at(value, f"{path}.{key}".strip("."))
        if found is not None:
            return found
    return None
