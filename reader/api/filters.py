"""Filters of the read API. An unknown document, source or page is a 400 naming the parameter."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext
from rest_framework.exceptions import ValidationError

from config.api.filters import FilterSet
from reader.models import Citation, Document, Source, SourcePage


def by_slug(model: type[Document | Source], field_name: str, **kwargs: object) -> Any:
    """A filter naming a document or source by slug; an unknown slug is a 400 saying so."""
    what = model._meta.verbose_name
    return django_filters.ModelChoiceFilter(
        field_name=field_name,
        to_field_name="slug",
        queryset=model.objects.all(),
        error_messages={"invalid_choice": f"No {what} has the slug “%(value)s”."},
        help_text=f"A {what}'s slug.",
        **kwargs,
    )


def document_filter(field_name: str, **kwargs: object) -> django_filters.ModelChoiceFilter:
    return by_slug(Document, field_name, **kwargs)


def source_filter(field_name: str, **kwargs: object) -> django_filters.ModelChoiceFilter:
    return by_slug(Source, field_name, **kwargs)


class SourcePageFilterSet(FilterSet):
    """`source_page` is a printed page label, of the source named by `source`."""

    source_page = django_filters.CharFilter(
        method="filter_source_page", help_text="A printed page label of `source` (needs `source`)."
    )

    def page(self, label: str) -> SourcePage:
        source = self.form.cleaned_data.get("source")
        if source is None:
            raise ValidationError(
                {
                    "source_page": [
                        gettext("source_page needs source: pages are labelled per source.")
                    ]
                }
            )
        page = source.pages.filter(label=label).first()
        if page is None:
            raise ValidationError(
                {
                    "source_page": [
                        gettext("The source “%(source)s” has no page “%(label)s”.")
                        % {"source": source.slug, "label": label}
                    ]
                }
            )
        return page


class DocumentFilter(FilterSet):
    class Meta:
        model = Document
        fields = ["language"]


class SourceFilter(FilterSet):
    document = document_filter("citations__note__document", distinct=True)

    class Meta:
        model = Source
        fields = ["language", "kind", "document"]


class NoteFilter(SourcePageFilterSet):
    document = document_filter("document")
    source = source_filter("citations__source", distinct=True)
    number = django_filters.NumberFilter(min_value=1)
    language = django_filters.CharFilter(field_name="document__language")

    def filter_source_page(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        citations = Citation.objects.of_page(self.page(value))
        return queryset.filter(citations__in=citations).distinct()


class CitationFilter(SourcePageFilterSet):
    document = document_filter("note__document")
    source = source_filter("source")
    note = django_filters.NumberFilter(field_name="note__number", min_value=1)
    language = django_filters.CharFilter(field_name="note__document__language")
    form = django_filters.ChoiceFilter(choices=Citation.Form.choices)

    def filter_source_page(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(pk__in=Citation.objects.of_page(self.page(value)))
