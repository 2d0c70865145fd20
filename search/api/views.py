"""Passage search through the API. Who may use it: as the read API (config.api.permissions)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.pagination import decode_offset, encode_offset
from config.api.permissions import ReadPermission
from reader.models import Document

from ..models import SearchEntry
from ..query import Filters, SearchQueryError, search
from ..terms import MAX_QUERY_LENGTH
from .filters import PassageFilter
from .serializers import PassageHitSerializer


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
            OpenApiParameter(
                "q",
                {"type": "string", "minLength": 1, "maxLength": MAX_QUERY_LENGTH},
                required=True,
                description="What to find: letters, digits or Japanese characters (a query of "
                "punctuation alone is a 400).",
            ),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=SearchEntry.PASSAGE_KINDS),
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
        filterset = PassageFilter(request.query_params, queryset=Document.objects.none())
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
        offset = decode_offset(request.query_params.get("cursor"))
        try:
            hits = search(data["q"], criteria, offset=offset, limit=self.page_size + 1)
        except SearchQueryError as error:
            raise ValidationError({"q": [str(error)]}) from error
        next_url, capped, shown = None, hits.capped, list(hits)
        if len(hits) > self.page_size:
            shown = shown[: self.page_size]
            query = request.query_params.copy()
            query["cursor"] = encode_offset(offset + self.page_size)
            next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
        results = PassageHitSerializer(shown, many=True, context={"request": request}).data
        return Response({"results": results, "next": next_url, "capped": capped})
