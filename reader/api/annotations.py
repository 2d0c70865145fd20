"""Annotations through the API, in the W3C Web Annotation Data Model.

Who may do what: anyone reads what is visible to them (public notes; analysts' notes for analysts;
private notes for their author) — enforced in the queryset behind every list, read and export;
only members of the analysts group create and reply; only the author edits or deletes.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import django_filters
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import permissions, renderers, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reader.anchoring import anchor_at, best_occurrence
from reader.models import Annotation, Document, Tag, is_analyst
from reader.rendering import render_markdown

from .filters import document_filter
from .serializers import AbsoluteURLField
from .views import ById

OBJECT = OpenApiTypes.OBJECT
MAX_BODY = 10_000
MAX_TAGS = 20
JSONLD = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
WIDER = {"private": 0, "analysts": 1, "public": 2}


class AnnotationPermission(permissions.BasePermission):
    message = "Only members of the analysts group may annotate; only the author may change a note."

    def has_permission(self, request: Request, view: APIView) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return is_analyst(request.user)

    def has_object_permission(self, request: Request, view: APIView, obj: Annotation) -> bool:
        return request.method in permissions.SAFE_METHODS or obj.editable_by(request.user)


# --- input ------------------------------------------------------------------------------------


class SelectorSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["TextQuoteSelector", "TextPositionSelector"])
    exact = serializers.CharField(required=False, trim_whitespace=False, max_length=MAX_BODY)
    prefix = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=64
    )
    suffix = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=64
    )
    start = serializers.IntegerField(required=False, min_value=0)
    end = serializers.IntegerField(required=False, min_value=0)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        needed = ["exact"] if data["type"] == "TextQuoteSelector" else ["start", "end"]
        missing = [name for name in needed if name not in data]
        if missing:
            raise ValidationError(f"a {data['type']} needs {' and '.join(missing)}")
        return data


class TargetSerializer(serializers.Serializer):
    selector = SelectorSerializer(many=True, allow_empty=False)


class AnnotationInputSerializer(serializers.Serializer):
    document = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Document.objects.all(),
        required=False,
        error_messages={"does_not_exist": "No document has the slug “{value}”."},
    )
    target = TargetSerializer(required=False)
    body = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        max_length=MAX_BODY,
        error_messages={"max_length": f"The note is longer than {MAX_BODY:,} characters."},
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, max_length=MAX_TAGS
    )
    visibility = serializers.ChoiceField(choices=Annotation.Visibility.choices, required=False)
    motivation = serializers.ChoiceField(choices=Annotation.Motivation.choices, required=False)
    parent = serializers.IntegerField(required=False, allow_null=True)
    judgement = serializers.ChoiceField(
        choices=Annotation.Judgement.choices, required=False, allow_blank=True
    )
    judgement_reason = serializers.CharField(required=False, allow_blank=True, max_length=500)

    def validate_parent(self, value: int | None) -> Annotation | None:
        if value is None:
            return None
        visible = Annotation.objects.visible_to(self.context["request"].user)
        parent = visible.filter(pk=value).select_related("document").first()
        if parent is None:
            raise ValidationError(f"No note {value} that you can see: you cannot reply to it.")
        return parent

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        instance: Annotation | None = self.instance
        parent = data.get("parent", instance.parent if instance else None)
        if instance is None:
            if parent is not None:
                data.setdefault("document", parent.document)
            elif "document" not in data:
                raise ValidationError({"document": ["This field is required."]})
            elif "target" not in data:
                raise ValidationError({"target": ["A note needs a target (or a parent)."]})
        if instance is not None and "document" in data and data["document"] != instance.document:
            raise ValidationError({"document": ["A note cannot move to another document."]})
        document = data.get("document") or instance.document
        if parent is not None and parent.document_id != document.pk:
            raise ValidationError({"parent": ["The note replied to is on another document."]})
        visibility = data.get("visibility", instance.visibility if instance else "private")
        if parent is not None and WIDER[visibility] > WIDER[parent.visibility]:
            raise ValidationError(
                {"visibility": ["A reply cannot be seen by more people than the note it answers."]}
            )
        if "target" in data and parent is None:
            data["anchor"] = resolve_target(document.plain_text(), data["target"]["selector"])
            data["claim"] = document.claim_around(data["anchor"].start, data["anchor"].end)
        judgement = data.get("judgement")
        if judgement:
            claim = data["claim"] if "claim" in data else (instance.claim if instance else None)
            if claim is None:
                raise ValidationError(
                    {"judgement": ["Only a selection within a claim can be judged."]}
                )
        return data


class PreviewSerializer(serializers.Serializer):
    body = serializers.CharField(
        allow_blank=True,
        trim_whitespace=False,
        max_length=MAX_BODY,
        write_only=True,
        error_messages={"max_length": f"The note is longer than {MAX_BODY:,} characters."},
    )
    body_html = serializers.CharField(read_only=True)


def resolve_target(text: str, selectors: list[dict[str, Any]]) -> Any:
    """Turn quote and/or position selectors into one anchor on the text, or a 400 saying why."""
    quote = next((s for s in selectors if s["type"] == "TextQuoteSelector"), None)
    position = next((s for s in selectors if s["type"] == "TextPositionSelector"), None)
    if position is not None:
        start, end = position["start"], position["end"]
        if start >= end:
            raise ValidationError({"target": [f"start ({start}) must be before end ({end})."]})
        if end > len(text):
            raise ValidationError(
                {"target": [f"end ({end}) is outside the text, which has {len(text)} characters."]}
            )
        anchor = anchor_at(text, start, end)
        if quote is not None and quote["exact"] != anchor.exact:
            raise ValidationError(
                {"target": [f"The quote does not match the text at {start}–{end}."]}
            )
        return anchor
    assert quote is not None
    exact = quote["exact"]
    found, tied = best_occurrence(
        text, exact, quote.get("prefix", ""), quote.get("suffix", ""), None
    )
    if found < 0:
        raise ValidationError({"target": ["The quote is not in the text of the document."]})
    if len(tied) > 1:
        raise ValidationError(
            {
                "target": [
                    f"The quote appears {len(tied)} times: add a prefix and suffix, "
                    "or a TextPositionSelector."
                ]
            }
        )
    return anchor_at(text, found, found + len(exact))


# --- output -----------------------------------------------------------------------------------


class AnnotationSerializer(serializers.ModelSerializer):
    document = serializers.CharField(source="document.slug", read_only=True)
    author = serializers.CharField(source="author.username", read_only=True)
    tags = serializers.SerializerMethodField()
    target = serializers.SerializerMethodField()
    claim = serializers.SerializerMethodField(help_text="The note number of the claim judged.")
    replies = serializers.SerializerMethodField()
    can_edit = serializers.SerializerMethodField()
    url = AbsoluteURLField()

    class Meta:
        model = Annotation
        fields = [
            "id", "document", "target", "body", "body_html", "tags", "visibility", "motivation",
            "parent", "replies", "claim", "judgement", "judgement_reason", "author", "created",
            "updated", "state", "created_revision", "anchor_revision", "can_edit", "url",
        ]  # fmt: skip

    def get_tags(self, annotation: Annotation) -> list[str]:
        return [tag.name for tag in annotation.tags.all()]

    @extend_schema_field(TargetSerializer(allow_null=True))
    def get_target(self, annotation: Annotation) -> dict[str, Any] | None:
        if annotation.parent_id is not None:
            return None
        return {
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": annotation.exact,
                    "prefix": annotation.prefix,
                    "suffix": annotation.suffix,
                },
                {"type": "TextPositionSelector", "start": annotation.start, "end": annotation.end},
            ]
        }

    def get_claim(self, annotation: Annotation) -> int | None:
        return annotation.claim.note.number if annotation.claim else None

    def get_replies(self, annotation: Annotation) -> list[int]:
        return [reply.pk for reply in getattr(annotation, "visible_replies", [])]

    def get_can_edit(self, annotation: Annotation) -> bool:
        request = self.context.get("request")
        return bool(request and annotation.editable_by(request.user))


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
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
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


class WebAnnotationRenderer(renderers.JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        request = (renderer_context or {}).get("request")
        response = (renderer_context or {}).get("response")
        if response is not None and response.status_code >= 400:
            return super().render(data, accepted_media_type, renderer_context)
        if isinstance(data, dict) and "results" in data:
            data = {
                "@context": "http://www.w3.org/ns/anno.jsonld",
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


class CSVRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        if isinstance(data, dict):  # an error
            return _csv_text([]).encode() if not data else str(data.get("detail", "")).encode()
        return data.encode()


class AnnotationFilter(django_filters.FilterSet):
    document = document_filter("document")
    tag = django_filters.CharFilter(field_name="tags__name", help_text="A tag's name.")
    author = django_filters.CharFilter(field_name="author__username", help_text="A user name.")
    judgement = django_filters.ChoiceFilter(choices=Annotation.Judgement.choices)
    state = django_filters.ChoiceFilter(choices=Annotation.State.choices)
    visibility = django_filters.ChoiceFilter(choices=Annotation.Visibility.choices)

    class Meta:
        model = Annotation
        fields = ["document", "tag", "author", "judgement", "state", "visibility"]


LD = "application/ld+json"
JSON_OR_LD = {
    "list": {(200, "application/json"): AnnotationSerializer(many=True), (200, LD): OBJECT},
    "retrieve": {(200, "application/json"): AnnotationSerializer, (200, LD): OBJECT},
}


@extend_schema_view(
    list=extend_schema(responses=JSON_OR_LD["list"]),
    retrieve=extend_schema(responses=JSON_OR_LD["retrieve"]),
)
class AnnotationViewSet(viewsets.ModelViewSet):
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

    def get_queryset(self) -> QuerySet[Annotation]:
        visible = Annotation.objects.visible_to(self.request.user)
        return (
            visible.select_related("document", "author", "claim__note")
            .prefetch_related(
                "tags",
                Prefetch("replies", visible.only("pk", "parent_id"), to_attr="visible_replies"),
            )
            .distinct()
        )

    @extend_schema(request=AnnotationInputSerializer, responses={201: AnnotationSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self._validated(request)
        anchor = data.get("anchor")
        document = data["document"]
        with transaction.atomic():
            annotation = Annotation(
                document=document,
                author=request.user,
                parent=data.get("parent"),
                body=data.get("body", ""),
                visibility=data.get("visibility") or _default_visibility(data.get("parent")),
                motivation=data.get("motivation") or _default_motivation(data),
                claim=data.get("claim"),
                judgement=data.get("judgement", ""),
                judgement_reason=data.get("judgement_reason", ""),
                created_revision=document.revision,
                anchor_revision=document.revision,
            )
            if anchor is not None:
                for field in ("start", "end", "exact", "prefix", "suffix"):
                    setattr(annotation, field, getattr(anchor, field))
            annotation.save()
            _set_tags(annotation, data.get("tags", []))
        return Response(self._output(annotation), status=201)

    @extend_schema(request=AnnotationInputSerializer, responses=AnnotationSerializer)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        annotation = self.get_object()
        data = self._validated(request, annotation, partial=kwargs.get("partial", False))
        with transaction.atomic():
            for field in ("body", "visibility", "motivation", "judgement", "judgement_reason"):
                if field in data:
                    setattr(annotation, field, data[field])
            if "anchor" in data:
                for field in ("start", "end", "exact", "prefix", "suffix"):
                    setattr(annotation, field, getattr(data["anchor"], field))
                annotation.claim = data["claim"]
                annotation.state = Annotation.State.ANCHORED
                annotation.anchor_revision = annotation.document.revision
            annotation.save()
            if "tags" in data:
                _set_tags(annotation, data["tags"])
        return Response(self._output(annotation))

    @extend_schema(request=AnnotationInputSerializer, responses=AnnotationSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(
        parameters=[
            OpenApiParameter("document", str, required=True, description="A document's slug."),
            OpenApiParameter("format", str, enum=["jsonld", "csv"], description="Default jsonld."),
        ],
        responses={(200, "application/ld+json"): dict, (200, "text/csv"): str},
    )
    @action(detail=False, renderer_classes=[JSONLDExportRenderer, CSVRenderer], filter_backends=[])
    def export(self, request: Request) -> Response:
        """A document's annotations (those visible to you), as JSON-LD or CSV."""
        slug = request.query_params.get("document")
        document = Document.objects.filter(slug=slug).first() if slug else None
        if document is None:
            raise ValidationError({"document": ["Give the slug of an existing document."]})
        rows = AnnotationSerializer(
            self.get_queryset().filter(document=document), many=True, context={"request": request}
        ).data
        if request.accepted_renderer.format == "csv":
            data: Any = _csv_text(rows)
        else:
            data = {
                "@context": "http://www.w3.org/ns/anno.jsonld",
                "type": "AnnotationCollection",
                "label": document.title,
                "total": len(rows),
                "first": {
                    "type": "AnnotationPage",
                    "items": [as_web_annotation(row, request) for row in rows],
                },
            }
        name = f"{document.slug}-annotations.{request.accepted_renderer.format}"
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
            instance, data=request.data, partial=partial, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _output(self, annotation: Annotation) -> dict[str, Any]:
        fresh = self.get_queryset().get(pk=annotation.pk)
        return AnnotationSerializer(fresh, context={"request": self.request}).data


def _default_visibility(parent: Annotation | None) -> str:
    return parent.visibility if parent is not None else Annotation.Visibility.PRIVATE


def _default_motivation(data: dict[str, Any]) -> str:
    if data.get("parent") is not None:
        return Annotation.Motivation.REPLYING
    if data.get("judgement"):
        return Annotation.Motivation.ASSESSING
    if not data.get("body"):
        return Annotation.Motivation.HIGHLIGHTING
    return Annotation.Motivation.COMMENTING


def _set_tags(annotation: Annotation, names: list[str]) -> None:
    cleaned = sorted({name.strip().lower() for name in names if name.strip()})
    tags = [Tag.objects.get_or_create(name=name)[0] for name in cleaned]
    annotation.tags.set(tags)


CSV_FIELDS = [
    "id", "document", "author", "created", "updated", "visibility", "motivation", "state",
    "start", "end", "exact", "body", "tags", "judgement", "judgement_reason", "claim", "parent",
]  # fmt: skip


def _csv_text(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_FIELDS)
    for row in rows:
        selector = (row["target"] or {"selector": [{}, {}]})["selector"]
        values = {
            **row,
            "start": selector[1].get("start", ""),
            "end": selector[1].get("end", ""),
            "exact": selector[0].get("exact", ""),
            "tags": ";".join(row["tags"]),
        }
        # A cell starting with = + - @ would be a formula in a spreadsheet: quote it as text.
        writer.writerow([_safe_cell(values.get(name)) for name in CSV_FIELDS])
    return out.getvalue()


def _safe_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
