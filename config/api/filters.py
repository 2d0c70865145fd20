"""The base of every filter set of the API: django-filter's, but a choice or a number given empty
(`?state=`, `?number=`) is a 400 naming the parameter, as the schema says, where django-filter
would quietly ignore it. An empty text or slug (`?tag=`, `?document=`) still means no filter."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy

EMPTY = gettext_lazy("Give a value, or leave the parameter out.")


class FilterSet(django_filters.FilterSet):
    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name, filter_ in self.filters.items():
            typed = isinstance(filter_, django_filters.ChoiceFilter | django_filters.NumberFilter)
            slug = isinstance(filter_, django_filters.ModelChoiceFilter)
            if typed and not slug and self.data.get(name) == "" and name not in self.form.errors:
                self.form.add_error(name, EMPTY)
                valid = False
        return valid
