"""Cursor pagination of the API's lists; a malformed cursor is a 400 naming the parameter."""

from __future__ import annotations

import base64
from typing import Any

from django.utils.translation import gettext, gettext_lazy
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request

INVALID_CURSOR = gettext_lazy("Invalid cursor: use the `next` link as given.")
MAX_OFFSET = 10_000


class ById(CursorPagination):
    ordering = "id"
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"

    def get_page_size(self, request: Request) -> int:
        """`page_size` as given (more than max_page_size is cut to it); not a whole number of 1
        or more is a 400 (DRF would quietly take the default)."""
        given = request.query_params.get("page_size")
        if given is None:
            return self.page_size
        if not (given.isascii() and given.isdigit()) or int(given) < 1:
            raise ValidationError(
                {
                    "page_size": [
                        gettext("A whole number of 1 or more (at most %(most)s).")
                        % {"most": self.max_page_size}
                    ]
                }
            )
        return min(int(given), self.max_page_size)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == "page_size":
                parameter["schema"]["minimum"] = 1
                parameter["description"] = (
                    f"Results per page (default {self.page_size}, at "
                    f"most {self.max_page_size}: more is cut to {self.max_page_size})."
                )
        return parameters

    def decode_cursor(self, request: Request) -> Any:
        try:
            cursor = super().decode_cursor(request)
        except NotFound as error:  # DRF answers 404; a malformed parameter is a 400
            raise ValidationError({"cursor": [INVALID_CURSOR]}) from error
        # DRF takes the position as it comes; a made-up one would reach the database.
        position = None if cursor is None else cursor.position
        if position is not None:
            text = str(position)  # a string as decoded, whatever the stubs say
            if "\x00" in text or not self.is_position(text):
                raise ValidationError({"cursor": [INVALID_CURSOR]})
        return cursor

    def is_position(self, position: str) -> bool:
        """Whether the cursor's position can be a value of the ordering field."""
        return position.isascii() and position.isdigit()


class BySlug(ById):
    ordering = "slug"

    def is_position(self, position: str) -> bool:
        return True


def encode_offset(offset: int) -> str:
    """The cursor of a list that is paged by offset (a ranked search)."""
    return base64.urlsafe_b64encode(str(offset).encode()).decode()


def decode_offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        offset = int(base64.urlsafe_b64decode(cursor.encode()).decode())
    except ValueError as error:
        raise ValidationError({"cursor": [INVALID_CURSOR]}) from error
    if offset < 0 or offset > MAX_OFFSET:
        raise ValidationError({"cursor": [INVALID_CURSOR]})
    return offset
