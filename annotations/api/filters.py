"""Filters of the annotation list."""

from __future__ import annotations

import django_filters

from config.api.filters import FilterSet
from reader.api.filters import document_filter

from ..models import Annotation


class AnnotationFilter(FilterSet):
    document = document_filter("document")
    tag = django_filters.CharFilter(field_name="tags__name", help_text="A tag's name.")
    author = django_filters.CharFilter(field_name="author__username", help_text="A user name.")
    judgement = django_filters.ChoiceFilter(choices=Annotation.Judgement.choices)
    state = django_filters.ChoiceFilter(choices=Annotation.State.choices)
    visibility = django_filters.ChoiceFilter(choices=Annotation.Visibility.choices)

    class Meta:
        model = Annotation
        fields = ["document", "tag", "author", "judgement", "state", "visibility"]
