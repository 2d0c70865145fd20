"""How annotations are rendered besides JSON: W3C JSON-LD, and CSV for the export."""

from __future__ import annotations

from typing import Any

from rest_framework import renderers

from .jsonld import CONTEXT, as_web_annotation


class WebAnnotationRenderer(renderers.JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        request = (renderer_context or {}).get("request")
        if isinstance(data, dict) and "results" in data:
            data = {
                "@context": CONTEXT,
                "type": "AnnotationPage",
                "next": data.get("next"),
                "items": [as_web_annotation(item, request) for item in data["results"]],
            }
        elif isinstance(data, dict) and "id" in data:
            data = as_web_annotation(data, request)
        return super().render(data, accepted_media_type, renderer_context)


class JSONLDExportRenderer(renderers.JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


class TextRenderer(renderers.BaseRenderer):
    """An export already written as text (the view makes it), sent as UTF-8."""

    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        return data.encode()  # errors never come here: they are JSON (config.api.errors)


class CSVRenderer(TextRenderer):
    media_type = "text/csv"
    format = "csv"


class MarkdownRenderer(TextRenderer):
    media_type = "text/markdown"
    format = "markdown"
