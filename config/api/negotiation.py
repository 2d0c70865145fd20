"""Content negotiation: DRF's, but `?format=` given empty is a 400 naming the parameter (DRF would
quietly negotiate by Accept), as every other empty choice is (config.api.filters)."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request

from .filters import EMPTY


class ContentNegotiation(DefaultContentNegotiation):
    def select_renderer(
        self, request: Request, renderers: Any, format_suffix: str | None = None
    ) -> Any:
        name = self.settings.URL_FORMAT_OVERRIDE
        if format_suffix is None and name and request.query_params.get(name) == "":
            raise ValidationError({name: [EMPTY]})
        return super().select_renderer(request, renderers, format_suffix)
