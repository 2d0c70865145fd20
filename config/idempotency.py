"""Which POSTs honour an `Idempotency-Key` header (draft-ietf-httpapi-idempotency-key-header), and
the header's form. A view, or a viewset's action, that creates something is marked `@idempotent`;
accounts.idempotency (the middleware that keeps the keys in the database) and the API schema
(config.api.schema) read the mark here, so that the schema lists exactly the operations the
middleware honours the key on.

The key is a Structured Field string (`Idempotency-Key: "8e03978e-40d5-43e8-bc93-6894a57f9324"`);
the quotes may be left out, as most clients do. 1 to 255 visible ASCII characters.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

HEADER = "Idempotency-Key"
MAX_LENGTH = 255  # as _KEY says
_KEY = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]{1,255}")  # no quote, no backslash

View = TypeVar("View", bound=Callable[..., Any])


def idempotent(view: View) -> View:
    """Mark a view function, or a viewset's action or an APIView's `post`, as honouring the key."""
    view.idempotent = True  # type: ignore[attr-defined]
    return view


def is_marked(handler: Any) -> bool:
    return bool(getattr(handler, "idempotent", False))


def honours_key(view: Any, method: str) -> bool:
    """Whether the view URL resolution found (a function, or DRF's as_view() of a class) honours
    an Idempotency-Key for this method."""
    cls = getattr(view, "cls", None)
    if cls is None:
        return is_marked(view)
    actions = getattr(view, "actions", None) or {}  # a viewset: {"post": "create"}
    return is_marked(getattr(cls, actions.get(method.lower(), method.lower()), None))


def parse_key(value: str) -> str | None:
    """The key a header holds (quoted or not), or None when it is not one."""
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    return value if _KEY.fullmatch(value) else None


# The header in the API schema (config.api.schema).
KEY_SCHEMA: dict[str, Any] = {
    "type": "string",
    "pattern": f'^(?:"{_KEY.pattern}"|{_KEY.pattern})$',
}
KEY_DESCRIPTION = (
    "A key of your choosing, new for each thing created (a UUID), to send the same request "
    "again safely: within a day, the same key with the same body gets the first answer again "
    "(with `Idempotent-Replayed: true`) and creates nothing more; with another body, a 422 "
    "naming the key; while the first request with that key is still running, a 409. Keys are "
    "yours: another user's same key is another key."
)
