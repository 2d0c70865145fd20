"""References for reference managers: a source as CSL-JSON or BibTeX
(`/api/sources/{slug}/?format=csl-json`, `?format=bibtex`), and the bibliography of a document in
both (`/api/documents/{slug}/bibliography/`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import renderers, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.errors import JSONErrors
from config.api.permissions import ReadPermission
from reader.bibliography import bibtex, bibtex_entry, cited_sources, csl_item
from reader.models import Document

from . import views
from .serializers import SourceDetailSerializer

CSL_JSON = "application/vnd.citationstyles.csl+json"
BIBTEX = "application/x-bibtex"


class CSLJSONRenderer(renderers.JSONRenderer):
    media_type = CSL_JSON
    format = "csl-json"


class BibTeXRenderer(renderers.BaseRenderer):
    media_type = BIBTEX
    format = "bibtex"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        return str(data).encode(self.charset)


class CSLNameSerializer(serializers.Serializer):
    family = serializers.CharField(required=False)
    given = serializers.CharField(required=False)
    literal = serializers.CharField(required=False, help_text="An organisation's name.")


class CSLItemSerializer(serializers.Serializer):
    """A CSL-JSON item (https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html)."""

    id = serializers.CharField()
    type = serializers.CharField(help_text="report, webpage, chapter or article-journal.")
    title = serializers.CharField()
    language = serializers.CharField()
    author = CSLNameSerializer(many=True, required=False)
    editor = CSLNameSerializer(many=True, required=False)
    issued = serializers.DictField(required=False, help_text="`date-parts` or `literal`.")
    container_title = serializers.CharField(required=False)
    collection_title = serializers.CharField(required=False)
    publisher = serializers.CharField(required=False)
    URL = serializers.URLField(required=False)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for name in ("container_title", "collection_title"):
            fields[name.replace("_", "-")] = fields.pop(name)
        return fields


FORMATS = ["json", "csl-json", "bibtex"]
FORMAT = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=FORMATS,
    description="json (default), csl-json (reference managers, pandoc) or bibtex.",
)


@extend_schema_view(
    retrieve=extend_schema(
        parameters=[FORMAT],
        responses={
            (200, "application/json"): SourceDetailSerializer,
            (200, CSL_JSON): CSLItemSerializer,
            (200, BIBTEX): OpenApiTypes.STR,
        },
    )
)
class SourceViewSet(JSONErrors, views.SourceViewSet):
    """Cited works; the detail lists their pages and the passages quoted from them, and is also
    a reference in CSL-JSON (`?format=csl-json`) or BibTeX (`?format=bibtex`)."""

    def get_renderers(self) -> list[renderers.BaseRenderer]:
        found = super().get_renderers()
        if self.action == "retrieve":
            found += [CSLJSONRenderer(), BibTeXRenderer()]
        return found

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        chosen = request.accepted_renderer.format
        if chosen == "csl-json":
            return Response(csl_item(self.get_object()))
        if chosen == "bibtex":
            return Response(bibtex_entry(self.get_object()))
        return super().retrieve(request, *args, **kwargs)


class DocumentBibliographyView(JSONErrors, APIView):
    """The sources a document cites, in the order of their first citation: CSL-JSON items
    (`?format=json` or `csl-json`) or BibTeX entries (`?format=bibtex`)."""

    permission_classes = [ReadPermission]
    renderer_classes = [renderers.JSONRenderer, CSLJSONRenderer, BibTeXRenderer]

    @extend_schema(
        parameters=[FORMAT],
        responses={
            (200, "application/json"): CSLItemSerializer(many=True),
            (200, CSL_JSON): CSLItemSerializer(many=True),
            (200, BIBTEX): OpenApiTypes.STR,
        },
    )
    def get(self, request: Request, slug: str) -> Response:
        sources = cited_sources(get_object_or_404(Document, slug=slug))
        if request.accepted_renderer.format == "bibtex":
            return Response(bibtex(sources))
        return Response([csl_item(source) for source in sources])
