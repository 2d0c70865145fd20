"""Annotations from other tools: one W3C Web Annotation in JSON-LD, sent to POST /api/annotations/
(`Content-Type: application/ld+json`), and files of many, sent to POST /api/annotations/import/:
a JSON-LD export of ours (an AnnotationCollection, as the export action gives) or a Hypothesis
export (a list, or `{"rows": [...]}` as the Hypothesis API gives).

Each is translated into what the JSON form of the API takes, then checked by the same
AnnotationInputSerializer: what the reader accepts from a client, it accepts from a file, and
what it exports (annotations.api.jsonld) it reads back. Errors name the fields as they were sent
(`target.source`, `body[1].purpose`, `audience`).

Who may use it: analysts (AnnotationPermission: both are POSTs); what is imported is the
importer's own, private unless the `visibility` parameter says otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import Resolver404, resolve
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import renderers, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import UnsupportedMediaType, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from config.api.errors import first_error
from config.api.parsers import JSONParser
from config.api.schema import ErrorSerializer
from config.idempotency import idempotent
from reader.models import Document

from ..models import Annotation
from .serializers import (
    MAX_BODY,
    MAX_SELECTORS,
    AnnotationInputSerializer,
    selector_schema,
    team_for,
)
from .writing import create_annotation

LD_JSON = "application/ld+json"
MAX_ITEMS = 2000  # annotations in one import: each is anchored on its own
QUOTE, POSITION = "TextQuoteSelector", "TextPositionSelector"
COMMENTING = {None, "commenting", "describing", "replying"}


class JSONLDParser(JSONParser):
    """A JSON-LD body: JSON, as the JSON parser reads it (the viewset translates it)."""

    media_type = LD_JSON


class Unreadable(Exception):
    """An annotation that cannot be read: where (a JSON-LD or Hypothesis field) and why."""

    def __init__(self, where: str | None, message: str) -> None:
        super().__init__(message)
        self.where = where
        self.message = message

    def as_validation_error(self) -> ValidationError:
        return ValidationError({self.where: [self.message]} if self.where else [self.message])


# --- one annotation in JSON-LD, for POST /api/annotations/ -----------------------------------

# Where each field of the API's JSON form comes from in a Web Annotation, for its errors.
SENT_AS = {
    "document": "target.source",
    "tags": "body",
    "visibility": "audience",
    "parent": "target",
}


def _textual_body(purpose: str, value: dict[str, Any], **more: Any) -> dict[str, Any]:
    properties = {"type": {"type": "string", "enum": ["TextualBody"]}, "value": value}
    properties["purpose"] = {"type": "string", "enum": [purpose]}
    return {
        "type": "object",
        "properties": {**properties, **more},
        "required": ["value", "purpose"],
    }


TEXTUAL_BODY = {
    "oneOf": [
        _textual_body(
            "commenting", {"type": "string", "maxLength": MAX_BODY}, format={"type": "string"}
        ),
        _textual_body(
            "tagging", {"type": "string", "minLength": 1, "maxLength": 50, "pattern": "\\S"}
        ),
        _textual_body(
            "assessing",
            {"type": "string", "enum": list(Annotation.Judgement.values)},
            **{"rdfs:comment": {"type": "string", "maxLength": 500}},
        ),
    ]
}
# The schema of what POST /api/annotations/ takes as application/ld+json: what as_web_annotation
# gives (id, creator and dates are read by nobody: the note is the sender's, made now).
WEB_ANNOTATION = {
    "type": "object",
    "description": "A W3C Web Annotation: its target is the document's reader URL with its "
    "selectors, or (a reply) the API URL of the note it answers.",
    "properties": {
        "type": {"type": "string", "enum": ["Annotation"]},
        "motivation": {"type": "string", "enum": list(Annotation.Motivation.values)},
        "body": {
            "oneOf": [
                {"type": "string", "maxLength": MAX_BODY},
                TEXTUAL_BODY,
                {"type": "array", "items": TEXTUAL_BODY, "maxItems": 20},
            ]
        },
        "target": {
            "oneOf": [
                {
                    "type": "object",
                    "properties": {
                        "source": {"type": "string", "minLength": 1},
                        "selector": {
                            "type": "array",
                            "items": {
                                "oneOf": [
                                    selector_schema(QUOTE, ["exact"]),
                                    selector_schema(POSITION, ["start", "end"]),
                                ]
                            },
                            "minItems": 1,
                            "maxItems": MAX_SELECTORS,
                        },
                    },
                    "required": ["source", "selector"],
                },
                {"type": "string", "minLength": 1},
            ]
        },
        "audience": {
            "type": "string",
            "enum": [v for v in Annotation.Visibility.values if v != Annotation.Visibility.TEAM],
        },
    },
    "required": ["target"],
}


def is_jsonld(request: Request) -> bool:
    return request.content_type.split(";")[0].strip().lower() == LD_JSON


def input_data(request: Request, instance: Annotation | None = None) -> Any:
    """What the request sends, in the API's JSON form: a Web Annotation is translated (for a new
    note; an edit is sent in the JSON form)."""
    if not is_jsonld(request):
        return request.data
    if instance is not None:
        raise UnsupportedMediaType(LD_JSON)
    try:
        item = from_web_annotation(request.data)
    except Unreadable as error:
        raise error.as_validation_error() from error
    if item.replies_to is not None and "parent" not in item.data:
        message = gettext("No note of this reader is at “%s”.") % item.replies_to
        raise ValidationError({"target": [message]})
    return item.data


@contextmanager
def named_as_sent(request: Request) -> Iterator[None]:
    """Errors of the input serializer name the JSON-LD fields when a Web Annotation was sent."""
    try:
        yield
    except ValidationError as error:
        if is_jsonld(request) and isinstance(error.detail, dict):
            raise ValidationError(
                {SENT_AS.get(str(name), str(name)): value for name, value in error.detail.items()}
            ) from error
        raise


@dataclass
class Item:
    """One annotation read from a request or a file, in the API's JSON form (`data`), with where
    it was said to be (`source`), its id there, and the id of the note it replies to."""

    data: dict[str, Any]
    source: str | None = None
    original_id: str | None = None
    replies_to: str | None = None
    format: str = "jsonld"


def from_web_annotation(annotation: Any) -> Item:
    """A W3C Web Annotation (as annotations.api.jsonld gives it) in the API's JSON form."""
    if not isinstance(annotation, dict):
        raise Unreadable(None, gettext("A Web Annotation is a JSON object."))
    kind = annotation.get("type", "Annotation")
    if kind != "Annotation" and not (isinstance(kind, list) and "Annotation" in kind):
        raise Unreadable("type", gettext("The type of a Web Annotation is “Annotation”."))
    if annotation.get("as:deleted"):
        raise Unreadable(
            "as:deleted", gettext("A note deleted by its author has nothing to import.")
        )
    data = _bodies(annotation.get("body"))
    motivation = annotation.get("motivation")
    if isinstance(motivation, list) and motivation:
        motivation = motivation[0]
    if motivation in Annotation.Motivation.values:
        data["motivation"] = motivation  # another vocabulary's motivations are left out
    audience = annotation.get("audience")
    if audience is not None:
        data["visibility"] = audience  # ours is a visibility's name; the serializer checks it
    if "team" in annotation:
        data["team"] = annotation["team"]
    item = Item(data, original_id=_text_or_none(annotation.get("id")))
    _read_target(item, annotation.get("target"))
    return item


def _bodies(body: Any) -> dict[str, Any]:
    """The note, its tags and its judgement, from a body or a list of bodies."""
    if body is None:
        return {}
    if isinstance(body, str):
        return {"body": body}
    bodies = body if isinstance(body, list) else [body]
    comments: list[str] = []
    data: dict[str, Any] = {}
    for index, each in enumerate(bodies):
        where = f"body[{index}]" if isinstance(body, list) else "body"
        if not isinstance(each, dict):
            raise Unreadable(where, gettext("A body is a JSON object (a TextualBody)."))
        if each.get("type", "TextualBody") != "TextualBody":
            raise Unreadable(f"{where}.type", gettext("Only a TextualBody can be read."))
        value = each.get("value")
        if not isinstance(value, str):
            raise Unreadable(f"{where}.value", gettext("A TextualBody needs a text value."))
        purpose = each.get("purpose")
        if not isinstance(purpose, str | None):
            raise Unreadable(f"{where}.purpose", gettext("A body's purpose is a word."))
        if purpose in COMMENTING:
            comments.append(value)
        elif purpose == "tagging":
            data.setdefault("tags", []).append(value)
        elif purpose == "assessing":
            data["judgement"] = value
            reason = each.get("rdfs:comment", "")
            data["judgement_reason"] = reason if isinstance(reason, str) else ""
        else:
            raise Unreadable(
                f"{where}.purpose",
                gettext("A body is commenting, tagging or assessing, not “%s”.") % purpose,
            )
    if comments:
        data["body"] = "\n\n".join(comments)
    return data


def _read_target(item: Item, target: Any) -> None:
    """Where the annotation is: a document's reader URL with selectors, or (a reply) the URL of
    the note it answers."""
    if isinstance(target, list):
        if len(target) != 1:
            raise Unreadable("target", gettext("Give one target."))
        target = target[0]
    if isinstance(target, str):  # a reply: the URL of the note it answers
        item.replies_to = target
        parent = annotation_at(target)
        if parent is not None:
            item.data["parent"] = parent
        return
    if not isinstance(target, dict):
        raise Unreadable("target", gettext("Give a target: a source and its selectors."))
    source = target.get("source")
    if not isinstance(source, str):
        raise Unreadable("target.source", gettext("Give the reader URL of the document."))
    item.source = source
    document = document_at(source)
    if document is not None:
        item.data["document"] = document.slug
    selectors = target.get("selector")
    if isinstance(selectors, dict):
        selectors = [selectors]
    if not isinstance(selectors, list):
        raise Unreadable("target.selector", gettext("Give a list of selectors."))
    ours = _our_selectors(selectors)
    if not ours:
        raise Unreadable(
            "target.selector", gettext("Give a TextQuoteSelector or a TextPositionSelector.")
        )
    item.data["target"] = {"selector": ours}


def _our_selectors(selectors: list[Any]) -> list[dict[str, Any]]:
    """The selectors this reader reads (quote and position); other kinds are left out."""
    return [s for s in selectors if isinstance(s, dict) and s.get("type") in (QUOTE, POSITION)]


def document_at(url: str) -> Document | None:
    """The document whose reader page is at this URL (absolute, or a path), if one of ours."""
    kwargs = _resolved(url, "reader:document")
    slug = kwargs.get("slug") if kwargs else None
    return Document.objects.filter(slug=slug).first() if slug else None


def annotation_at(url: str) -> int | None:
    """The id of the note this API URL names, e.g. /api/annotations/12/."""
    kwargs = _resolved(url, "api:annotation-detail")
    pk = str(kwargs.get("pk", "")) if kwargs else ""
    return int(pk) if pk.isascii() and pk.isdigit() and len(pk) < 19 else None


def _resolved(url: str, name: str) -> dict[str, Any] | None:
    try:
        path = urlsplit(url).path
        match = resolve(path)
    except (ValueError, Resolver404):
        return None
    return match.kwargs if match.view_name == name else None


def _text_or_none(value: Any) -> str | None:
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else None


# --- a Hypothesis annotation -------------------------------------------------------------------


def from_hypothesis(row: Any) -> Item:
    """A Hypothesis annotation (as its API and exports give it) in the API's JSON form."""
    if not isinstance(row, dict):
        raise Unreadable(None, gettext("An annotation is a JSON object."))
    data: dict[str, Any] = {}
    text = row.get("text", "")
    if not isinstance(text, str):
        raise Unreadable("text", gettext("The text of an annotation is a string."))
    if text:
        data["body"] = text
    tags = row.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise Unreadable("tags", gettext("Tags are a list of strings."))
    if tags:
        data["tags"] = tags
    item = Item(data, original_id=_text_or_none(row.get("id")), format="hypothesis")
    uri = row.get("uri")
    item.source = uri if isinstance(uri, str) else None
    references = row.get("references")
    if isinstance(references, list) and references:
        item.replies_to = _text_or_none(references[-1])  # the last is the note answered
        return item
    targets = row.get("target")
    target = targets[0] if isinstance(targets, list) and targets else targets
    if not isinstance(target, dict):
        raise Unreadable("target", gettext("Give a target with its selectors."))
    if isinstance(target.get("source"), str):
        item.source = target["source"]
    if item.source is None:
        raise Unreadable("uri", gettext("Give the URI of the page annotated."))
    document = document_at(item.source)
    if document is not None:
        data["document"] = document.slug
    selectors = target.get("selector")
    selectors = selectors if isinstance(selectors, list) else []
    ours = _our_selectors(selectors)
    if not ours:
        raise Unreadable("target.selector", gettext("Give a TextQuoteSelector."))
    data["target"] = {"selector": ours}
    return item


# --- a file of many, for POST /api/annotations/import/ ---------------------------------------


class ImportReportSerializer(serializers.Serializer):
    class FailedSerializer(serializers.Serializer):
        index = serializers.IntegerField(help_text="The annotation's place in the file, from 0.")
        id = serializers.CharField(allow_null=True, help_text="Its id in the file.")
        reason = serializers.CharField()

    created = serializers.ListField(child=serializers.IntegerField(), help_text="The new ids.")
    failed = FailedSerializer(many=True)


class ImportFailedSerializer(ErrorSerializer):
    """An import refused: the error; when it created nothing, with the report of why."""

    created = serializers.ListField(child=serializers.IntegerField(), required=False)
    failed = ImportReportSerializer.FailedSerializer(many=True, required=False)


IMPORT_BODY = {
    "type": "object",
    "description": "An AnnotationCollection exported by this reader, or a Hypothesis export "
    '(`{"rows": [...]}`); a JSON list of annotations is taken too.',
    "additionalProperties": True,
}


@dataclass
class Importer:
    """Annotations of a file, created in the order that lets replies find their parent."""

    request: Request
    document: Document | None
    visibility: str
    team: str | None
    created: list[int] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    new_ids: dict[str, int] = field(default_factory=dict)  # by id in the file

    def run(self, rows: list[Any]) -> None:
        pending: list[tuple[int, Item]] = []
        for index, row in enumerate(rows):
            try:
                pending.append((index, self._read(row)))
            except Unreadable as error:
                self._fail(index, row, _reason(error.where, error.message))
        in_file = {item.original_id for _, item in pending if item.original_id is not None}
        while pending:  # roots first, then the replies whose parent was created, and so on
            ready = [(i, item) for i, item in pending if self._ready(item)]
            if not ready:
                break
            pending = [(i, item) for i, item in pending if not self._ready(item)]
            for index, item in ready:
                self._create(index, item)
        for index, item in pending:
            reason = (
                gettext("The note it replies to (%s) could not be imported.")
                if item.replies_to in in_file
                else gettext("The note it replies to (%s) is not in the file.")
            )
            where = "target" if item.format == "jsonld" else "references"
            self._fail(index, item, _reason(where, reason % item.replies_to))
        self.failed.sort(key=lambda failure: failure["index"])

    def _read(self, row: Any) -> Item:
        hypothesis = isinstance(row, dict) and ("uri" in row or "references" in row)
        return from_hypothesis(row) if hypothesis else from_web_annotation(row)

    def _ready(self, item: Item) -> bool:
        """Whether the item can be created now: a note, or a reply whose parent was."""
        return item.replies_to is None or item.replies_to in self.new_ids

    def _create(self, index: int, item: Item) -> None:
        try:
            data = self._input(item)
        except Unreadable as error:
            self._fail(index, item, _reason(error.where, error.message))
            return
        serializer = AnnotationInputSerializer(data=data, context={"request": self.request})
        if not serializer.is_valid():
            name, errors = next(iter(serializer.errors.items()))
            where, message = first_error(errors)
            at = None if name == "non_field_errors" else _sent_as(name, item.format) + where
            self._fail(index, item, _reason(at, message))
            return
        with transaction.atomic():
            annotation = create_annotation(author=self.request.user, data=serializer.validated_data)
        self.created.append(annotation.pk)
        if item.original_id is not None:
            self.new_ids[item.original_id] = annotation.pk

    def _input(self, item: Item) -> dict[str, Any]:
        """The item's data for the serializer: in the document asked for, the reply under the
        note made of its parent, with the visibility asked for."""
        data = {**item.data, "visibility": self.visibility}
        if self.team:
            data["team"] = self.team
        if item.replies_to is not None:
            data["parent"] = self.new_ids[item.replies_to]
            data.pop("document", None)
            data.pop("target", None)
            return data
        ours = data.get("document")
        if self.document is None:
            if ours is None:
                raise Unreadable(
                    "target.source" if item.format == "jsonld" else "uri",
                    gettext(
                        "No document of this reader is at “%s”: name the document to import "
                        "into with the `document` parameter."
                    )
                    % item.source,
                )
            return data
        if ours is not None and ours != self.document.slug:
            raise Unreadable(
                "target.source" if item.format == "jsonld" else "uri",
                gettext("It is on another document of this reader (%(other)s), not %(slug)s.")
                % {"other": ours, "slug": self.document.slug},
            )
        if ours is None:  # a page elsewhere: its offsets count another text, its quote stands
            quotes = [s for s in data["target"]["selector"] if s.get("type") == QUOTE]
            if not quotes:
                raise Unreadable(
                    "target.selector",
                    gettext("Only a position in another page's text: give the quoted words."),
                )
            data["target"] = {"selector": quotes}
        data["document"] = self.document.slug
        return data

    def _fail(self, index: int, row: Any, reason: str) -> None:
        original = row.original_id if isinstance(row, Item) else None
        if original is None and isinstance(row, dict):
            original = _text_or_none(row.get("id"))
        self.failed.append({"index": index, "id": original, "reason": reason})


def _sent_as(name: str, format: str) -> str:
    if format == "hypothesis":
        return {"document": "uri", "body": "text", "parent": "references"}.get(name, name)
    return SENT_AS.get(name, name)


def _reason(where: str | None, message: str) -> str:
    return f"{where}: {message}" if where else message


def rows_of(payload: Any) -> list[Any]:
    """The annotations of a file: ours (an AnnotationCollection, an AnnotationPage, or one
    Annotation) or Hypothesis' (a list, or its API's `{"rows": [...]}`)."""
    if isinstance(payload, list):
        return payload
    if isinstance(payload, dict):
        first = payload.get("first")
        if isinstance(first, dict) and isinstance(first.get("items"), list):
            return first["items"]
        for key in ("items", "rows"):
            if isinstance(payload.get(key), list):
                return payload[key]
        if payload.get("type") == "Annotation":
            return [payload]
    raise ValidationError(
        {
            "file": [
                gettext(
                    "Neither an AnnotationCollection of ours nor a Hypothesis export: "
                    "no annotations found."
                )
            ]
        }
    )


def payload_of(request: Request) -> Any:
    """The JSON of the file uploaded (multipart `file`), or of the body."""
    upload = request.FILES.get("file")
    media = request.content_type.split(";")[0].strip().lower()
    if upload is None:
        if media in ("multipart/form-data", "application/x-www-form-urlencoded"):
            raise ValidationError({"file": [gettext("Send the annotations as the file `file`.")]})
        return request.data
    limit = settings.ANNOTATIONS_IMPORT_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            {"file": [gettext("The file is larger than %(limit)s bytes.") % {"limit": limit}]}
        )
    try:
        payload = json.loads(upload.read())
        has_nul = "\\u0000" in json.dumps(payload)
    except (ValueError, RecursionError) as error:
        raise ValidationError(
            {"file": [gettext("The file %(name)s is not JSON.") % {"name": upload.name}]}
        ) from error
    if has_nul:
        raise ValidationError({"file": [gettext("NUL characters are not allowed.")]})
    return payload


class ImportAnnotations:
    """POST /api/annotations/import/, for the annotation viewset (analysts only: a POST)."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "document",
                {"type": "string", "minLength": 1},
                description="The slug of the document to import into, when the annotations "
                "point to pages elsewhere (a Hypothesis export).",
            ),
            OpenApiParameter(
                "visibility",
                str,
                enum=list(Annotation.Visibility.values),
                description="Who sees the imported notes: default private.",
            ),
            OpenApiParameter("team", str, description="The team's slug, with visibility team."),
        ],
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            },
            "application/json": IMPORT_BODY,
            LD_JSON: IMPORT_BODY,
        },
        responses={
            201: ImportReportSerializer,
            400: OpenApiResponse(
                ImportFailedSerializer,
                description="Nothing could be imported (`failed` says why), or the file is "
                "not JSON, too large, or not a file of annotations (`field` names it).",
            ),
        },
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        renderer_classes=[renderers.JSONRenderer],
        filter_backends=[],
        pagination_class=None,
    )
    @idempotent
    def import_annotations(self, request: Request) -> Response:
        """Create the annotations of a file (a JSON-LD export of ours, or a Hypothesis export):
        all that can be anchored, each on its own; the report lists the rest and why."""
        document, visibility, team = _import_parameters(request)
        rows = rows_of(payload_of(request))
        if len(rows) > MAX_ITEMS:
            raise ValidationError(
                {"file": [gettext("More than %s annotations: split the file.") % MAX_ITEMS]}
            )
        importer = Importer(request, document, visibility, team)
        importer.run(rows)
        report: dict[str, Any] = {"created": importer.created, "failed": importer.failed}
        if importer.created:
            return Response(report, status=201)
        first = importer.failed[0]["reason"] if importer.failed else gettext("The file is empty.")
        message = gettext("Nothing could be imported: %s") % first
        return Response(
            {
                "detail": f"file: {message}",
                "field": "file",
                "status": 400,
                "errors": {"file": [message]},
                **report,
            },
            status=400,
        )


def _import_parameters(request: Request) -> tuple[Document | None, str, str | None]:
    """The document, visibility and team asked for, in the query string or the form."""
    given = {**request.query_params.dict()}
    form: Any = request.data
    if hasattr(form, "getlist"):
        given.update({k: v for k, v in form.items() if k != "file"})
    slug = given.get("document")
    document = None
    if slug is not None:
        document = Document.objects.filter(slug=slug).first()
        if document is None:
            raise ValidationError({"document": [gettext("No document has the slug “%s”.") % slug]})
    visibility = given.get("visibility") or Annotation.Visibility.PRIVATE
    if visibility not in Annotation.Visibility.values:
        raise ValidationError({"visibility": [gettext("Not a visibility: “%s”.") % visibility]})
    team = team_for(visibility, given.get("team") or None, request.user)
    return document, visibility, team.slug if team else None
