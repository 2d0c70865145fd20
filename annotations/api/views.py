"""Annotations through the API, in the W3C Web Annotation Data Model.

Who may do what: anyone reads what is visible to them (public notes; analysts' notes for analysts;
private notes for their author) — enforced in the queryset behind every list, read and export;
only members of the analysts group create and reply; only the author edits or deletes.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import renderers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from config.api.errors import JSONErrors
from config.api.pagination import ById
from config.idempotency import idempotent
from reader.models import Document
from reader.rendering import render_markdown

from ..models import Annotation
from .exports import csv_text, markdown_text
from .filters import AnnotationFilter
from .interchange import WEB_ANNOTATION, ImportAnnotations, JSONLDParser, input_data, named_as_sent
from .jsonld import CONTEXT, as_web_annotation
from .live import LiveChanges
from .permissions import AnnotationPermission
from .renderers import (
    CSVRenderer,
    JSONLDExportRenderer,
    MarkdownRenderer,
    WebAnnotationRenderer,
)
from .review import ReviewActions
from .serializers import (
    AnnotationInputSerializer,
    AnnotationSerializer,
    PreviewSerializer,
    note_answers,
)
from .writing import create_annotation

OBJECT = OpenApiTypes.OBJECT
LD = "application/ld+json"
JSON_OR_FORM = {  # what every write takes; a new note may be a Web Annotation (LD) too
    media: AnnotationInputSerializer
    for media in ("application/json", "application/x-www-form-urlencoded")
}
JSON_OR_LD = {
    "list": {(200, "application/json"): AnnotationSerializer(many=True), (200, LD): OBJECT},
    "retrieve": note_answers(200),
}


@extend_schema_view(
    list=extend_schema(responses=JSON_OR_LD["list"]),
    retrieve=extend_schema(responses=JSON_OR_LD["retrieve"]),
)
class AnnotationViewSet(
    JSONErrors, ReviewActions, ImportAnnotations, LiveChanges, viewsets.ModelViewSet
):
    """Highlights and notes on documents, with replies and judgements of claims."""

    permission_classes = [AnnotationPermission]
    pagination_class = ById
    filter_backends = [DjangoFilterBackend]
    filterset_class = AnnotationFilter
    serializer_class = AnnotationSerializer
    renderer_classes = [
        renderers.JSONRenderer,
        WebAnnotationRenderer,
    ]
    parser_classes = [*api_settings.DEFAULT_PARSER_CLASSES, JSONLDParser]

    def get_queryset(self) -> QuerySet[Annotation]:
        visible = Annotation.objects.visible_to(self.request.user)
        return (
            visible.select_related("document", "author", "claim__note", "team", "resolved_by")
            .prefetch_related(
                "tags",
                Prefetch("replies", visible.only("pk", "parent_id"), to_attr="visible_replies"),
            )
            .distinct()
        )

    @extend_schema(
        request={**JSON_OR_FORM, LD: WEB_ANNOTATION},
        responses=note_answers(201),
    )
    @idempotent
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self._validated(request)
        with transaction.atomic():
            annotation = create_annotation(author=request.user, data=data)
        return Response(self._output(annotation), status=201)

    @extend_schema(request=JSON_OR_FORM, responses=note_answers(200))
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        annotation = self.get_object()
        data = self._validated(request, annotation, partial=kwargs.get("partial", False))
        reach = (annotation.visibility, annotation.team_id)
        with transaction.atomic():
            if "body" in data and data["body"] != annotation.body:
                annotation.edited = timezone.now()
            fields = ("body", "visibility", "team", "motivation", "judgement", "judgement_reason")
            for field in fields:
                if field in data:
                    setattr(annotation, field, data[field])
            if "anchor" in data:
                annotation.place_at(data["anchor"], annotation.document.revision)
                annotation.claim = data["claim"]
            annotation.save()
            if (annotation.visibility, annotation.team_id) != reach:
                annotation.narrow_replies()
            if "tags" in data:
                annotation.set_tags(data["tags"])
        return Response(self._output(annotation))

    @extend_schema(request=JSON_OR_FORM, responses=note_answers(200))
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    def perform_destroy(self, instance: Annotation) -> None:
        """A note others have replied to is kept as a tombstone, "deleted by its author"."""
        with transaction.atomic():
            instance.delete_by_author()

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "document",
                {"type": "string", "minLength": 1},
                description="A document's slug (needed unless `author` is `me`).",
            ),
            OpenApiParameter(
                "format", str, enum=["jsonld", "csv", "markdown"], description="Default jsonld."
            ),
        ],
        responses={
            (200, "application/ld+json"): dict,
            (200, "text/csv"): str,
            (200, "text/markdown"): str,
        },
    )
    @action(
        detail=False,
        renderer_classes=[JSONLDExportRenderer, CSVRenderer, MarkdownRenderer],
        pagination_class=None,
    )
    def export(self, request: Request) -> Response:
        """A document's annotations (those visible to you), or your own across documents
        (`author=me`), as JSON-LD, CSV or Markdown; narrowed by the list's filters."""
        slug = request.query_params.get("document")
        document = Document.objects.filter(slug=slug).first() if slug else None
        mine = request.query_params.get("author") == "me" and request.user.is_authenticated
        if document is None and (slug or not mine):
            raise ValidationError({"document": [gettext("Give the slug of an existing document.")]})
        notes = self.filter_queryset(self.get_queryset()).order_by("document__title", "start", "id")
        rows = list(AnnotationSerializer(notes, many=True, context={"request": request}).data)
        label = document.title if document else gettext("My annotations")
        export_format = request.accepted_renderer.format
        data: Any
        if export_format == "csv":
            data = csv_text(rows)
        elif export_format == "markdown":
            titles = dict(notes.values_list("document__slug", "document__title").distinct())
            data = markdown_text(rows, titles, label)
        else:
            data = {
                "@context": CONTEXT,
                "type": "AnnotationCollection",
                "label": label,
                "total": len(rows),
                "first": {
                    "type": "AnnotationPage",
                    "items": [as_web_annotation(row, request) for row in rows],
                },
            }
        stem = document.slug if document else "my"
        extension = "md" if export_format == "markdown" else export_format
        name = f"{stem}-annotations.{extension}"
        return Response(data, headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @extend_schema(request=PreviewSerializer, responses={200: PreviewSerializer})
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def preview(self, request: Request) -> Response:
        """A note's Markdown body as it would be shown, sanitised as when it is saved."""
        serializer = PreviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response({"body_html": render_markdown(serializer.validated_data["body"])})

    def _validated(
        self, request: Request, instance: Annotation | None = None, partial: bool = False
    ) -> dict[str, Any]:
        serializer = AnnotationInputSerializer(
            instance,
            data=input_data(request, instance),
            partial=partial,
            context={"request": request},
        )
        with named_as_sent(request):
            serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _output(self, annotation: Annotation) -> dict[str, Any]:
        fresh = self.get_queryset().get(pk=annotation.pk)
        return AnnotationSerializer(fresh, context={"request": self.request}).data
