"""The read API. Who may use it: everyone when the reader is public (READER_PUBLIC), else
authenticated users; it only reads. Lists use cursor pagination."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.pagination import ById, BySlug
from config.api.permissions import ReadPermission
from reader.models import Citation, Document, Note, Source, SourcePage

from . import filters
from .serializers import (
    CitationSerializer,
    DocumentListSerializer,
    DocumentSerializer,
    NoteSerializer,
    SourceDetailSerializer,
    SourcePageSerializer,
    SourceSerializer,
)

NOTES = Note.objects.select_related("document").prefetch_related(
    Prefetch("citations", Citation.objects.select_related("source", "note__document"))
)


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
