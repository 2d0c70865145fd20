"""Annotations as CSV: one row each, with every cell safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from typing import Any

CSV_FIELDS = [
    "id", "document", "author", "created", "updated", "visibility", "motivation", "state",
    "start", "end", "exact", "body", "tags", "judgement", "judgement_reason", "claim", "parent",
    "deleted",
]  # fmt: skip


def csv_text(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_FIELDS)
    for row in rows:
        selectors = {s["type"]: s for s in (row["target"] or {"selector": []})["selector"]}
        position = selectors.get("TextPositionSelector", {})
        values = {
            **row,
            "start": position.get("start", ""),
            "end": position.get("end", ""),
            "exact": selectors.get("TextQuoteSelector", {}).get("exact", ""),
            "tags": ";".join(row["tags"]),
            "deleted": "true" if row["deleted"] else "false",
        }
        # A cell starting with = + - @ would be a formula in a spreadsheet: quote it as text.
        writer.writerow([safe_cell(values.get(name)) for name in CSV_FIELDS])
    return out.getvalue()


def safe_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
