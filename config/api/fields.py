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


class StrictJSONType:
    """A field that, in a JSON body, takes only the JSON type the schema gives it: DRF would take
    5 for "5" and "5" for 5. A form's values are all text, converted as DRF does."""

    json_types: tuple[type, ...] = ()

    def to_internal_value(self, data: Any) -> Any:
        from_form = hasattr(getattr(self.root, "initial_data", None), "getlist")  # type: ignore[attr-defined]
        if not from_form and (isinstance(data, bool) or not isinstance(data, self.json_types)):
            self.fail("invalid")  # type: ignore[attr-defined]
        return super().to_internal_value(data)  # type: ignore[misc]


class StrictCharField(StrictJSONType, serializers.CharField):
    json_types = (str,)


class StrictIntegerField(StrictJSONType, serializers.IntegerField):
    json_types = (int, float)  # 5.0 is a whole number in JSON; 5.5 is refused as DRF does
