"""The inbox through the API: GET /api/notifications/ and POST /api/notifications/read/.

Who may use it: a logged-in user (a session or a token), for their own notifications only, and
only of notes they may still see (annotations.notifications.inbox_of)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.text import Truncator
from django.utils.translation import gettext
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from config.api.errors import JSONErrors
from config.api.fields import absolute
from config.api.filters import FilterSet
from config.api.pagination import ById
from config.api.permissions import SignedIn

from ..models import Notification
from ..notifications import inbox_of, mark_read

EXCERPT_CHARS = 200
MOST_IDS = 500
LARGEST_ID = 2**63 - 1  # a bigint: a larger number could reach no row, and PostgreSQL refuses it


class OwnNotifications(SignedIn):
    message = "Log in to read your notifications."


class NewestFirst(ById):
    ordering = "-id"


class NotificationFilter(FilterSet):
    unread = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_unread",
        help_text="Unread notifications (true) or read ones (false).",
    )

    class Meta:
        model = Notification
        fields = ["unread", "reason"]

    def filter_unread(self, queryset: QuerySet[Notification], name: str, value: str) -> QuerySet:
        return queryset.filter(read__isnull=value == "true")


class NotificationSerializer(serializers.ModelSerializer):
    annotation = serializers.IntegerField(source="annotation_id", read_only=True)
    document = serializers.CharField(source="annotation.document.slug", read_only=True)
    author = serializers.CharField(
        source="annotation.author.username", read_only=True, help_text="Who wrote the note."
    )
    excerpt = serializers.SerializerMethodField(help_text="The note's Markdown, shortened.")
    body_html = serializers.CharField(source="annotation.body_html", read_only=True)
    url = serializers.SerializerMethodField(help_text="The note in its place in the reader.")

    class Meta:
        model = Notification
        fields = [
            "id", "reason", "created", "read", "annotation", "document", "author", "excerpt",
            "body_html", "url",
        ]  # fmt: skip

    def get_excerpt(self, notification: Notification) -> str:
        return Truncator(notification.annotation.body).chars(EXCERPT_CHARS)

    def get_url(self, notification: Notification) -> str:
        return absolute(self.context, notification.annotation.get_absolute_url())


class WholeNumber(serializers.IntegerField):
    """An id as a JSON number (not "5", not true); a form's text is converted as DRF does."""

    def to_internal_value(self, data: Any) -> int:
        from_form = hasattr(getattr(self.root, "initial_data", None), "getlist")
        if not from_form and (isinstance(data, bool) or not isinstance(data, int)):
            self.fail("invalid")
        return super().to_internal_value(data)


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=WholeNumber(min_value=1, max_value=LARGEST_ID),
        required=False,
        allow_empty=False,
        max_length=MOST_IDS,
        help_text="The notifications to mark read.",
    )
    all = serializers.BooleanField(required=False, help_text="Mark every notification read.")

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if "ids" in data and data.get("all"):
            raise ValidationError({"ids": [gettext("Give either `ids` or `all`, not both.")]})
        if "ids" not in data and not data.get("all"):
            raise ValidationError(
                {"ids": [gettext("Give the `ids` of the notifications to mark read, or `all`.")]}
            )
        return data


class MarkedReadSerializer(serializers.Serializer):
    marked_read = serializers.IntegerField(help_text="How many were unread and now are read.")


class NotificationViewSet(JSONErrors, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Replies to your notes and mentions of your user name, newest first."""

    permission_classes = [OwnNotifications]
    pagination_class = NewestFirst
    filter_backends = [DjangoFilterBackend]
    filterset_class = NotificationFilter
    serializer_class = NotificationSerializer

    def get_queryset(self) -> QuerySet[Notification]:
        return inbox_of(self.request.user).select_related(
            "annotation__document", "annotation__author"
        )

    @extend_schema(request=MarkReadSerializer, responses={200: MarkedReadSerializer})
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def read(self, request: Request) -> Response:
        """Mark notifications read: `{"ids": [1, 2]}` or `{"all": true}`. An id that is not one
        of your notifications is a 400 naming it, and nothing is marked."""
        serializer = MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        notifications = self.get_queryset()
        ids = serializer.validated_data.get("ids")
        if ids is not None:
            notifications = notifications.filter(pk__in=ids)
            unknown = sorted(set(ids) - set(notifications.values_list("pk", flat=True)))
            if unknown:
                listed = ", ".join(str(pk) for pk in unknown)
                raise ValidationError(
                    {"ids": [gettext("None of your notifications has the id %s.") % listed]}
                )
        return Response({"marked_read": mark_read(notifications)})
