"""Filters of the passage search."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from reader.api.filters import SourcePageFilterSet, document_filter, source_filter
from reader.models import SourcePage

from ..models import SearchEntry


class PassageFilter(SourcePageFilterSet):
    """Filters of the passage search, applied inside the search query itself."""

    q = django_filters.CharFilter(method="keep", required=True, help_text="What to search for.")
    kind = django_filters.ChoiceFilter(
        choices=[c for c in SearchEntry.Kind.choices if c[0] in SearchEntry.PASSAGE_KINDS],
        method="keep",
    )
    document = document_filter("document", method="keep")
    source = source_filter("source", method="keep")

    def keep(self, queryset: QuerySet, name: str, value: object) -> QuerySet:
        return queryset

    source_page_object: SourcePage | None = None

    def filter_source_page(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        self.source_page_object = self.page(value)
        return queryset
