"""What every export in CSV shares."""

from __future__ import annotations

from typing import Any


def safe_cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (CSV injection): text starting
    with =, +, -, @, a tab or a carriage return gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
