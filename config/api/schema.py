"""The OpenAPI schema says what the API does: who may call each operation (no account needed for
the reads of a public reader), the bounds of its parameters, and the errors it can answer with,
in the API's error format (config.api.errors)."""

from __future__ import annotations

from typing import Any, Literal

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema_field
from rest_framework import serializers

from config import idempotency

# DRF's validation errors as the API gives them in `errors`: by field, a list of messages, or
# the errors of a nested object (by field) or of a list's items (by index, only those at fault;
# a list of objects, one per item, in older DRF).
FIELD_ERRORS = "FieldErrors"
FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {"type": "string"}},
            {"$ref": f"#/components/schemas/{FIELD_ERRORS}"},
            {"type": "array", "items": {"$ref": f"#/components/schemas/{FIELD_ERRORS}"}},
        ]
    },
    "description": "Every message, by field, nested as the body is: "
    '`{"target": {"selector": {"1": {"non_field_errors": ["a TextQuoteSelector needs exact"]}}}}`.',
}


@extend_schema_field({"$ref": f"#/components/schemas/{FIELD_ERRORS}"})
class FieldErrorsField(serializers.DictField):
    pass


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What is wrong, and what to do.")
    field = serializers.CharField(allow_null=True, help_text="The parameter or field at fault.")
    status = serializers.IntegerField()
    errors = FieldErrorsField(required=False)  # type: ignore[assignment]  # named like Serializer.errors


RETRY_AFTER = {
    "Retry-After": {"schema": {"type": "integer", "minimum": 0}, "description": "Seconds to wait."}
}
# Every operation can answer with these; 401 is not among them: the first authentication is the
# session's, which names no challenge, so DRF refuses a missing or wrong token with a 403.
ERRORS = {
    "400": "A parameter or field is invalid: `field` names it (a NUL character, a malformed "
    "`cursor`, an unknown document or source, …); `errors` holds every message, by field.",
    "403": "Not allowed: the reader is private and no account is given, the token or session is "
    "not valid, the operation is for analysts, or the object is not yours to change.",
    "404": "No such object (or an unknown `format`).",
    "429": "Too many requests: wait `Retry-After` seconds and try again.",
    "500": "A fault of the server, never the answer to bad input; it is logged.",
    "503": "The database is unavailable for a moment: try again after `Retry-After` seconds.",
}
# And these, the operations that take a body.
BODY_ERRORS = {
    "413": "The body is larger than the upload limit.",
    "415": "The body is neither JSON nor a form.",
}
# And these, the operations that honour an Idempotency-Key (config.idempotency).
KEY_ERRORS = {
    "409": "A request with this `Idempotency-Key` is still running: wait for its answer, or "
    "send this one again after `Retry-After` seconds.",
    "422": "This `Idempotency-Key` was sent with another request (another body): send a new "
    "key with each new request.",
}
WITH_RETRY_AFTER = {"409", "429", "503"}
IDEMPOTENCY_KEY = OpenApiParameter(
    idempotency.HEADER,
    idempotency.KEY_SCHEMA,
    OpenApiParameter.HEADER,
    description=idempotency.KEY_DESCRIPTION,
)


class ReaderAutoSchema(AutoSchema):
    def get_auth(self) -> list[dict[str, Any]]:
        """The operation's security, with `{}` (no account) when a request without one passes
        every permission of the view (the reads of a public reader, the token endpoint)."""
        auths = super().get_auth()
        anonymous = all(
            getattr(permission, "allows_anonymous", lambda method: False)(self.method)
            for permission in self.view.get_permissions()
        )
        if anonymous and {} not in auths:
            auths.append({})
        return auths

    def honours_idempotency_key(self) -> bool:
        handler = getattr(
            self.view, getattr(self.view, "action", None) or self.method.lower(), None
        )
        return self.method == "POST" and idempotency.is_marked(handler)

    def get_override_parameters(self) -> list[Any]:
        """The operation's own parameters, and the Idempotency-Key header where it is honoured."""
        parameters = list(super().get_override_parameters())
        if self.honours_idempotency_key():
            parameters.append(IDEMPOTENCY_KEY)
        return parameters

    def map_parsers(self) -> list[str]:
        """The bodies an operation takes: JSON or a form. Multipart forms are read too (curl -F, a
        browser's form), but the API takes no files: the schema does not offer them."""
        return [media for media in super().map_parsers() if media != "multipart/form-data"]

    def _get_filter_parameters(self) -> list[dict[str, Any]]:
        """The filters' parameters, with the bounds of number filters (min_value, max_value)."""
        parameters = super()._get_filter_parameters()
        filterset = getattr(self.view, "filterset_class", None)
        filters = filterset.base_filters if filterset else {}
        for parameter in parameters:
            extra = getattr(filters.get(parameter["name"]), "extra", {})
            for option, keyword in (("min_value", "minimum"), ("max_value", "maximum")):
                if extra.get(option) is not None:
                    parameter["schema"][keyword] = extra[option]
        return parameters

    def _get_response_bodies(
        self, direction: Literal["request", "response"] = "response"
    ) -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        self.registry.register_on_missing(
            ResolvedComponent(
                name=FIELD_ERRORS,
                type=ResolvedComponent.SCHEMA,
                object=FIELD_ERRORS,
                schema=FIELD_ERRORS_SCHEMA,
            )
        )
        # Errors are JSON whatever the format asked for (config.api.errors.JSONErrors).
        media_types = ["application/json"]
        errors = dict(ERRORS)
        if self.method in ("POST", "PUT", "PATCH"):
            errors.update(BODY_ERRORS)
        if self.honours_idempotency_key():
            errors.update(KEY_ERRORS)
        for code, description in sorted(errors.items()):
            response = self._get_response_for_code(
                OpenApiResponse(ErrorSerializer, description), code, media_types
            )
            if code in WITH_RETRY_AFTER:
                response["headers"] = RETRY_AFTER
            responses.setdefault(code, response)
        return responses


# No database column stores a NUL character: every string a request sends (a parameter, a field
# of a body) with one is refused with a 400 (reader.middleware, config.api.parsers).
NO_NUL = "^[^\\x00]*$"


def refuse_nul_in_strings(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """A postprocessing hook: the strings of requests have no NUL character."""
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            for parameter in operation.get("parameters", []):
                _no_nul(parameter.get("schema", {}))
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request"):
            _no_nul(component)
    return result


def _no_nul(schema: Any) -> None:
    if isinstance(schema, list):
        for item in schema:
            _no_nul(item)
    elif isinstance(schema, dict):
        if schema.get("type") == "string" and not {"enum", "format", "pattern"} & set(schema):
            schema["pattern"] = NO_NUL
        for value in schema.values():
            _no_nul(value)
