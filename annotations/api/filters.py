"""Filters of the annotation list."""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from config.api.filters import FilterSet
from reader.api.filters import document_filter
from search.query import matching_annotations
from search.terms import MAX_QUERY_LENGTH, query_words

from ..models import Annotation

EMPTY_QUERY = gettext_lazy("the query has no letters, digits or Japanese characters to search for")


def searchable(query: str) -> None:
    """A query with something to find: letters, digits or Japanese characters."""
    if not query_words(query):
        raise ValidationError(EMPTY_QUERY)


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
    q = django_filters.CharFilter(
        method="filter_q",
        max_length=MAX_QUERY_LENGTH,
        validators=[searchable],
        help_text="Words the note, its quote or its tags hold, all of them (Japanese-aware, as "
        "passage search); empty, no filter (as the other filters, and the desk's search box); "
        "a query of punctuation alone is a 400.",
    )

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

    def filter_q(self, queryset: QuerySet[Annotation], name: str, value: str) -> QuerySet:
        return queryset.filter(pk__in=matching_annotations(value))  # checked by `searchable`
