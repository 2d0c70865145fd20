"""Filters of the annotation list."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from config.api.filters import FilterSet
from reader.api.filters import document_filter

from ..models import Annotation


class AnnotationFilter(FilterSet):
    document = document_filter("document")
    tag = django_filters.CharFilter(field_name="tags__name", help_text="A tag's name.")
    author = django_filters.CharFilter(
        method="filter_author", help_text="A user name; `me` for your own notes."
    )
    team = django_filters.CharFilter(field_name="team__slug", help_text="A team's slug.")
    resolved = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_resolved",
        help_text="Threads resolved (true) or open (false).",
    )
    judgement = django_filters.ChoiceFilter(choices=Annotation.Judgement.choices)
    state = django_filters.ChoiceFilter(choices=Annotation.State.choices)
    visibility = django_filters.ChoiceFilter(choices=Annotation.Visibility.choices)

    class Meta:
        model = Annotation
        fields = ["document", "tag", "author", "judgement", "state", "visibility", "team"]

    def filter_author(self, queryset: QuerySet[Annotation], name: str, value: str) -> QuerySet:
        user = self.request.user if self.request else None
        if value == "me":
            if user is None or not user.is_authenticated:
                return queryset.none()
            return queryset.filter(author=user)
        return queryset.filter(author__username=value)

    def filter_resolved(self, queryset: QuerySet[Annotation], name: str, value: str) -> QuerySet:
        return queryset.filter(resolved__isnull=value != "true")
