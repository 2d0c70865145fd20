"""Serializer fields every app's API uses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


def absolute(context: Mapping[str, Any], path: str) -> str:
    """The path as an absolute URL when the serializer has the request at hand."""
    request = context.get("request")
    return request.build_absolute_uri(path) if request else path


@extend_schema_field({"type": "string", "format": "uri"})
class AbsoluteURLField(serializers.Field):
    """The object's place in the reader, as an absolute URL."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("source", "*")
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str:
        return absolute(self.context, value.get_absolute_url())
