"""GET /api/annotations/changes/?document=slug: the version of a document's annotations, for the
reader's page to poll (annotations/static/annotations/live.js), with an ETag and a 304 when it has
not changed. Who may use it: whoever may read the document's annotations (the annotation
viewset's permission); the version says that something changed, never what."""

from __future__ import annotations

from django.utils.cache import patch_cache_control
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import renderers, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from reader.models import Document

from .. import live


class ChangesSerializer(serializers.Serializer):
    document = serializers.CharField()
    version = serializers.CharField(help_text="Changes whenever a note of the document changes.")


class LiveChanges:
    """The `changes` action of the annotation viewset."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "document",
                {"type": "string", "minLength": 1},
                required=True,
                description="A document's slug.",
            ),
            OpenApiParameter(
                "If-None-Match",
                str,
                location=OpenApiParameter.HEADER,
                description="The ETag of the version held: a 304 if it is still current.",
            ),
        ],
        responses={
            200: ChangesSerializer,
            304: OpenApiResponse(description="The version held is current."),
        },
    )
    @action(
        detail=False,
        filter_backends=[],
        pagination_class=None,
        renderer_classes=[renderers.JSONRenderer],
    )
    def changes(self, request: Request) -> Response:
        """The version of a document's annotations: poll it, and fetch the list again when it
        changes."""
        slug = request.query_params.get("document")
        document = Document.objects.filter(slug=slug).first() if slug else None
        if document is None:
            raise ValidationError({"document": [gettext("Give the slug of an existing document.")]})
        version = live.version(document)
        etag = f'"{version}"'
        held = request.headers.get("If-None-Match", "")
        if etag in [tag.strip().removeprefix("W/") for tag in held.split(",")]:
            response = Response(status=304)
        else:
            response = Response({"document": document.slug, "version": version})
        response["ETag"] = etag
        patch_cache_control(response, no_cache=True, private=True)
        return response
