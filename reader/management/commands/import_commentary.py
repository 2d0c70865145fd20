from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from reader.importers.commentary import FORMATS, import_commentary
from reader.importers.parsed import CommentaryFormatError


class Command(BaseCommand):
    help = (
        "Import a commentary (plain text, Markdown with footnotes, or its published PDF); "
        "re-importing updates it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--format", choices=FORMATS, help="guessed from the file when omitted")
        parser.add_argument("--slug", help="defaults to the front matter's slug or the file name")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        self.stdout.write(f"Importing {path} …")
        try:
            result = import_commentary(path, fmt=options["format"], slug=options["slug"])
        except CommentaryFormatError as error:
            raise CommandError(
                gettext("%(path)s: %(error)s. Nothing was imported.")
                % {"path": path, "error": error}
            ) from error
        document = result.document
        if result.created:
            state = "created"
        elif result.revised:
            state = f"updated to revision {document.revision}"
        else:
            state = "already up to date; metadata and notes refreshed"
        self.stdout.write(
            self.style.SUCCESS(
                f"{document.slug}: {state} — {document.blocks.count()} blocks, "
                f"{document.notes.count()} notes, {document.claims.count()} claims."
            )
        )
        for line in summary_lines(result.summary):
            self.stdout.write(line)
        if result.reanchored:
            report = result.reanchored
            self.stdout.write(
                f"Annotations re-anchored: {report.anchored} in place, {report.moved} moved, "
                f"{report.orphaned} orphaned (kept, listed as orphans in the reader)."
            )


def summary_lines(summary: dict[str, Any]) -> list[str]:
    """The import summary as the command prints it."""
    sources = summary["sources"]
    created = [source for source in sources if source["created"]]
    lines = [
        f"  {summary['paragraphs']} paragraphs, {summary['quotations']} quotations, "
        f"{summary['headings']} headings; {summary['citations']} citations.",
        f"  Sources: {len(created)} created, {len(sources) - len(created)} matched.",
    ]
    lines += [
        f"    {'+' if source['created'] else '='} {source['slug']}: {source['title']}"
        for source in sources
    ]
    if summary["short_forms"]:
        lines.append("  Short forms:")
        lines += [
            f"    note {short['note']} → {short['source']}"
            f" ({short['title']}){' ' + short['locator'] if short['locator'] else ''}"
            for short in summary["short_forms"]
        ]
    if summary.get("metadata"):
        lines.append(f"  Front matter kept as metadata: {', '.join(summary['metadata'])}")
    if summary.get("dropped"):
        dropped = ", ".join(f"{count} {what}" for what, count in sorted(summary["dropped"].items()))
        lines.append(f"  Dropped (not text): {dropped}")
    review = summary["to_review"]
    lines.append(f"  Notes to review: {len(review) or 'none'}")
    lines += [f"    note {item['note']}: {item['reason']}" for item in review]
    return lines
