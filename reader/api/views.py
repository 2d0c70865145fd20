"""The read API. Who may use it: everyone when the reader is public (READER_PUBLIC), else
authenticated users; it only reads. Lists use cursor pagination."""

from __future__ import annotations

import base64
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reader.models import Citation, Document, Note, SearchEntry, Source, SourcePage
from reader.search import Filters, SearchQueryError, search

from . import filters
from .permissions import ReadPermission
from .serializers import (
    CitationSerializer,
    DocumentListSerializer,
    DocumentSerializer,
    NoteSerializer,
    PassageHitSerializer,
    SourceDetailSerializer,
    SourcePageSerializer,
    SourceSerializer,
)
from .throttles import ClientAddressThrottle

INVALID_CURSOR = "Invalid cursor: use the `next` link as given."
NOTES = Note.objects.select_related("document").prefetch_related(
    Prefetch("citations", Citation.objects.select_related("source", "note__document"))
)


class ById(CursorPagination):
    ordering = "id"
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"

    def decode_cursor(self, request: Request) -> Any:
        try:
            return super().decode_cursor(request)
        except NotFound as error:  # DRF answers 404; a malformed parameter is a 400
            raise ValidationError({"cursor": [INVALID_CURSOR]}) from error


class BySlug(ById):
    ordering = "slug"


class ReadOnly(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ReadPermission]
    filter_backends = [DjangoFilterBackend]


class DocumentViewSet(ReadOnly):
    """Commentaries; the detail holds the text, blocks, notes with citations, and claims."""

    lookup_field = "slug"
    lookup_value_regex = "[^/]+"
    pagination_class = BySlug
    filterset_class = filters.DocumentFilter

    def get_queryset(self) -> QuerySet[Document]:
        documents = Document.objects.all()
        if self.action == "retrieve":
            documents = documents.prefetch_related("blocks", Prefetch("notes", NOTES))
        return documents

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return DocumentSerializer if self.action == "retrieve" else DocumentListSerializer


class NoteViewSet(ReadOnly):
    """Footnotes of every document, with their citations."""

    serializer_class = NoteSerializer
    pagination_class = ById
    filterset_class = filters.NoteFilter
    queryset = NOTES


class CitationViewSet(ReadOnly):
    """Each note → source link, with its page locator."""

    serializer_class = CitationSerializer
    pagination_class = ById
    filterset_class = filters.CitationFilter
    queryset = Citation.objects.select_related("source", "note__document")


class SourceViewSet(ReadOnly):
    """Cited works; the detail lists their pages and the passages quoted from them."""

    lookup_field = "slug"
    lookup_value_regex = "[^/]+"
    pagination_class = BySlug
    filterset_class = filters.SourceFilter

    def get_queryset(self) -> QuerySet[Source]:
        sources = Source.objects.all()
        if self.action == "retrieve":
            sources = sources.prefetch_related("pages", "passages__block__document")
        return sources

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return SourceDetailSerializer if self.action == "retrieve" else SourceSerializer


class SourcePageView(APIView):
    """A page of a source: its text when the source file was imported, the passages quoted from
    it, and `cited_by`: every claim that cites it."""

    permission_classes = [ReadPermission]

    @extend_schema(responses=SourcePageSerializer)
    def get(self, request: Request, slug: str, label: str) -> Response:
        page = get_object_or_404(
            SourcePage.objects.select_related("source"), source__slug=slug, label=label
        )
        source = page.source
        context = {
            "request": request,
            "passages": source.passages.select_related("block__document").on_page(page),
            "cited_by": source.citations.of_page(page).claims(),
        }
        return Response(SourcePageSerializer(page, context=context).data)


class PassageSearchView(APIView):
    """Search the commentaries' paragraphs and notes, source passages and source pages.

    Japanese-aware: one- and two-character queries find every passage that contains them; full-
    and half-width forms and letter case are folded. Results are ranked, best first; each has a
    snippet with the hits in <mark> and its place in the reader.
    """

    permission_classes = [ReadPermission]
    page_size = 20

    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, required=True, description="What to find."),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=SearchEntry.Kind.values),
            OpenApiParameter("document", OpenApiTypes.STR, description="A document's slug."),
            OpenApiParameter("source", OpenApiTypes.STR, description="A source's slug."),
            OpenApiParameter(
                "source_page", OpenApiTypes.STR, description="A page label of `source`."
            ),
            OpenApiParameter("cursor", OpenApiTypes.STR, description="The `next` link's cursor."),
        ],
        responses=inline_serializer(
            "PassageSearchPage",
            {
                "results": PassageHitSerializer(many=True),
                "next": serializers.URLField(allow_null=True),
                "capped": serializers.BooleanField(
                    help_text="More passages matched than are ranked (SEARCH_RANK_AMONG, 5,000 "
                    "by default): the best of the first matches are returned; narrow the query."
                ),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        filterset = filters.PassageFilter(request.query_params, queryset=Document.objects.none())
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        filterset.qs  # noqa: B018 - runs the filter methods, which check source_page
        data: dict[str, Any] = filterset.form.cleaned_data
        page = filterset.source_page_object
        criteria = Filters(
            kind=data.get("kind") or None,
            document_id=data["document"].pk if data.get("document") else None,
            source_id=data["source"].pk if data.get("source") else None,
            source_page_id=page.pk if page else None,
        )
        offset = _offset(request.query_params.get("cursor"))
        try:
            hits = search(data["q"], criteria, offset=offset, limit=self.page_size + 1)
        except SearchQueryError as error:
            raise ValidationError({"q": [str(error)]}) from error
        next_url, capped = None, hits.capped
        if len(hits) > self.page_size:
            hits = hits[: self.page_size]
            query = request.query_params.copy()
            query["cursor"] = base64.urlsafe_b64encode(
                str(offset + self.page_size).encode()
            ).decode()
            next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
        results = PassageHitSerializer(hits, many=True, context={"request": request}).data
        return Response({"results": results, "next": next_url, "capped": capped})


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        offset = int(base64.urlsafe_b64decode(cursor.encode()).decode())
    except ValueError as error:
        raise ValidationError(
            {"cursor": ["Invalid cursor: use the `next` link as given."]}
        ) from error
    if offset < 0 or offset > 10_000:
        raise ValidationError({"cursor": ["Invalid cursor: use the `next` link as given."]})
    return offset


class TokenView(ObtainAuthToken):
    """Exchange a user name and password for a token, sent as `Authorization: Token …`.
    Throttled per client address (DRF leaves this view unthrottled)."""

    throttle_classes = [ClientAddressThrottle]
