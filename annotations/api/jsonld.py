"""Annotations as W3C Web Annotations (JSON-LD), from what the API's serializer gives."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
_TEXT = {"type": "string"}
# One note as as_web_annotation makes it, for the API schema.
WEB_ANNOTATION_ANSWER: dict[str, Any] = {
    "type": "object",
    "description": "The note as a W3C Web Annotation (JSON-LD).",
    "properties": {
        "@context": {"type": "string", "enum": [CONTEXT]},
        "id": {"type": "string", "format": "uri"},
        "type": {"type": "string", "enum": ["Annotation"]},
        "motivation": _TEXT,
        "creator": {"type": "object", "properties": {"type": _TEXT, "nickname": _TEXT}},
        "created": {"type": "string", "format": "date-time"},
        "modified": {"type": "string", "format": "date-time"},
        "body": {"type": "array", "items": {"type": "object"}},
        "target": {
            "oneOf": [
                {"type": "string", "description": "The note a reply answers."},
                {"type": "object"},
            ]
        },
        "audience": _TEXT,
        "as:deleted": {"type": "string", "format": "date-time"},
    },
    "required": ["@context", "id", "type", "motivation", "creator", "created", "body", "target"],
}


def as_web_annotation(data: dict[str, Any], request: Request | None) -> dict[str, Any]:
    """One annotation in W3C JSON-LD."""
    document_url = data["url"].split("#")[0]
    body: list[dict[str, Any]] = []
    if data["body"]:
        body.append(
            {"type": "TextualBody", "value": data["body"], "format": "text/markdown",
             "purpose": "commenting"}
        )  # fmt: skip
    body += [{"type": "TextualBody", "value": tag, "purpose": "tagging"} for tag in data["tags"]]
    if data["judgement"]:
        body.append(
            {"type": "TextualBody", "value": data["judgement"], "purpose": "assessing",
             "rdfs:comment": data["judgement_reason"]}
        )  # fmt: skip
    base = request.build_absolute_uri("/api/annotations/") if request else "/api/annotations/"
    target: Any
    if data["parent"]:
        target = f"{base}{data['parent']}/"
    else:
        target = {"source": document_url, "selector": data["target"]["selector"]}
    annotation: dict[str, Any] = {
        "@context": CONTEXT,
        "id": f"{base}{data['id']}/",
        "type": "Annotation",
        "motivation": data["motivation"],
        "creator": {"type": "Person", "nickname": data["author"]},
        "created": data["created"],
        "modified": data["updated"],
        "body": body,
        "target": target,
        "audience": data["visibility"],
    }
    if data["deleted"]:  # a tombstone: ActivityStreams' term for when its words were deleted
        annotation["as:deleted"] = data["updated"]
    return annotation
