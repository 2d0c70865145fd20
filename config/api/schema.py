"""The OpenAPI schema states the errors every operation can answer with."""

from __future__ import annotations

from typing import Any, Literal

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What is wrong, and what to do.")
    field = serializers.CharField(allow_null=True, help_text="The parameter or field at fault.")
    status = serializers.IntegerField()
    errors = serializers.DictField(  # type: ignore[assignment]  # named like Serializer.errors
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Every message, by field.",
    )


ERRORS = {
    "400": "A parameter or field is invalid: `field` names it.",
    "403": "Not allowed: the reader is private, or the object is not yours.",
    "404": "No such object (or an unknown `format`).",
    "429": "Too many requests: wait and try again.",
}


class ReaderAutoSchema(AutoSchema):
    def _get_response_bodies(
        self, direction: Literal["request", "response"] = "response"
    ) -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        # Errors come in the negotiated format, or as JSON when refused before negotiation.
        media_types = list(dict.fromkeys([*self.map_renderers("media_type"), "application/json"]))
        for code, description in ERRORS.items():
            responses.setdefault(
                code,
                self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description), code, media_types
                ),
            )
        return responses
