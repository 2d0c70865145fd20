"""Source passages through the API, and their alignment: a translation (a commentary's Japanese
quotation of the NDS) with the original passage on the source page.

Anyone who may read gets a passage; only members of the analysts group add an original passage
(found on its pages, else 400) or align and unalign a translation.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import is_analyst
from config.api.fields import StrictCharField, StrictIntegerField
from config.api.permissions import ReadPermission
from config.idempotency import idempotent
from reader.alignment import MAX_TEXT, AlignmentError, add_original, align
from reader.models import Source, SourcePassage

from .serializers import SourcePassageSerializer


class AlignPermission(ReadPermission):
    message = "Only members of the analysts group may add or align passages."

    def has_permission(self, request: Request, view: APIView) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return super().has_permission(request, view)
        return is_analyst(request.user)

    def allows_anonymous(self, method: str) -> bool:
        return method in permissions.SAFE_METHODS and super().allows_anonymous(method)


class PassageSerializer(SourcePassageSerializer):
    source: serializers.SlugRelatedField[Source] = serializers.SlugRelatedField(  # type: ignore[assignment]  # named like Field.source
        slug_field="slug", read_only=True
    )
    original: serializers.PrimaryKeyRelatedField[SourcePassage] = (
        serializers.PrimaryKeyRelatedField(
            read_only=True,
            allow_null=True,
            help_text="The original passage this translation is aligned with.",
        )
    )
    original_text = serializers.CharField(
        source="original.text", default=None, read_only=True, allow_null=True
    )
    translations: serializers.PrimaryKeyRelatedField[SourcePassage] = (
        serializers.PrimaryKeyRelatedField(
            many=True, read_only=True, help_text="The translations aligned with this passage."
        )
    )

    class Meta(SourcePassageSerializer.Meta):
        fields = [
            "id", "source", "first_page", "last_page", "pages", "language", "provenance",
            "translator", "text", "original", "original_text", "translations", "quoted_in",
        ]  # fmt: skip


class OriginalInputSerializer(serializers.Serializer):
    translation = StrictIntegerField(help_text="The id of the translated passage.")
    text = StrictCharField(
        max_length=MAX_TEXT, help_text="The original words, as printed on the page."
    )
    first_page = StrictCharField(
        required=False, allow_blank=True, max_length=20, help_text="Default: the translation's."
    )
    last_page = StrictCharField(
        required=False, allow_blank=True, max_length=20, help_text="Default: the first page."
    )

    def validate_translation(self, value: int) -> SourcePassage:
        return _passage(value)


class AlignmentInputSerializer(serializers.Serializer):
    original = StrictIntegerField(
        allow_null=True, help_text="The id of an original passage of the same source; null undoes."
    )

    def validate_original(self, value: int | None) -> SourcePassage | None:
        return None if value is None else _passage(value)


def _passage(pk: int) -> SourcePassage:
    passage = SourcePassage.objects.select_related("source").filter(pk=pk).first()
    if passage is None:
        raise ValidationError(f"No passage has the id {pk}.")
    return passage


class SourcePassageViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Passages of sources: quotations and their translations, originals, and their alignment."""

    permission_classes = [AlignPermission]
    serializer_class = PassageSerializer
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> QuerySet[SourcePassage]:
        return SourcePassage.objects.select_related(
            "source", "original", "block__document"
        ).prefetch_related("translations")

    @extend_schema(request=OriginalInputSerializer, responses={201: PassageSerializer})
    @idempotent
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Add an original passage, found on its pages, and align the translation with it."""
        given = OriginalInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        try:
            original = add_original(
                translation=data["translation"],
                text=data["text"],
                first_page=data.get("first_page", ""),
                last_page=data.get("last_page", ""),
            )
        except AlignmentError as error:
            raise ValidationError({error.field: [str(error)]}) from error
        output = self.get_serializer(self.get_queryset().get(pk=original.pk))
        return Response(output.data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AlignmentInputSerializer, responses={200: PassageSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Align this translation with an original passage, or undo it (`original`: null)."""
        translation = self.get_object()
        given = AlignmentInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            align(translation=translation, original=given.validated_data["original"])
        except AlignmentError as error:
            raise ValidationError({error.field: [str(error)]}) from error
        return Response(self.get_serializer(self.get_queryset().get(pk=translation.pk)).data)
