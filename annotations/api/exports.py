"""Annotations as CSV (one row each, with every cell safe to open in a spreadsheet) and as
Markdown (each note under its quote, with a link back to its place)."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils.translation import gettext

from config.exports import safe_cell

from ..models import Annotation

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


def markdown_text(rows: list[dict[str, Any]], titles: dict[str, str], heading: str) -> str:
    """Annotations as a Markdown file: under the heading, each document's notes in text order,
    each under its quote (a blockquote), with its body as written, who wrote it when, its tags and
    judgement and a link back to its place in the reader; replies indented under their note.
    `rows` are the API's serialized notes (in text order); a reply whose note is not among them
    stands on its own."""
    shown = {row["id"] for row in rows}
    replies: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        if row["parent"] in shown:
            replies.setdefault(row["parent"], []).append(row)
    lines = [f"# {_line(heading)}", ""]
    documents = list(dict.fromkeys(row["document"] for row in rows))
    for slug in documents:
        if len(titles) > 1:
            lines += [f"## {_line(titles[slug])}", ""]
        for row in rows:
            if row["document"] == slug and row["parent"] not in shown:
                lines += _note(row, replies, reply=False)
    if not rows:
        lines.append(gettext("No annotations."))
    return "\n".join(lines).rstrip() + "\n"


def _note(row: dict[str, Any], replies: dict[int, list[dict[str, Any]]], reply: bool) -> list[str]:
    """A note's lines; a reply's as an item of a list under its note (so indented)."""
    out: list[str] = []
    quote = _quote(row)
    if quote and not reply:
        out += ["> " + line if line else ">" for line in quote.splitlines()] + [""]
    body = row["body"] if not row["deleted"] else gettext("(Deleted by its author.)")
    if body.strip():
        out += body.strip("\n").splitlines() + [""]
    out += [_meta(row), ""]
    for answer in replies.get(row["id"], []):
        out += _note(answer, replies, reply=True)
    if not reply:
        return [*out, "---", ""]
    return ["- " + out[0], *("  " + line if line else "" for line in out[1:])]


def _quote(row: dict[str, Any]) -> str:
    selectors = (row["target"] or {"selector": []})["selector"]
    return next((s["exact"] for s in selectors if s["type"] == "TextQuoteSelector"), "")


def _meta(row: dict[str, Any]) -> str:
    """One line: author, date, tags, judgement, resolved, and the link to the note's place."""
    parts = [f"**{_line(row['author'])}**", str(row["created"])[:10]]
    if row["tags"]:
        parts.append(gettext("tags: %(tags)s") % {"tags": ", ".join(map(_line, row["tags"]))})
    if row["judgement"]:
        label = str(Annotation.Judgement(row["judgement"]).label)
        reason = f" ({_line(row['judgement_reason'])})" if row["judgement_reason"] else ""
        parts.append(gettext("judgement: %(judgement)s") % {"judgement": label + reason})
    if row["resolved"]:
        parts.append(gettext("resolved"))
    parts.append(f"[{gettext('Open in the reader')}](<{row['url']}>)")
    return " · ".join(parts)


def _line(text: str) -> str:
    """Text for one line of Markdown: no line breaks (that would end the heading or the line)."""
    return " ".join(text.split())
