from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from reader.importers.source import EncryptedFileError, SourceFileError, import_source
from reader.models import Source
from reader.pages import PageNumbering, PageNumberingError, label_runs

# Files with more pages than this report their progress as they are read.
PROGRESS_FROM = 40


class Command(BaseCommand):
    help = (
        "Import a source's file (PDF, HTML or plain text): the printed label, PDF index and text "
        "of each page. Re-importing replaces the pages; citations and passages stay linked."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the source's slug (see /sources/ or /api/sources/)")
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--first-page-label",
            help="the printed number of the file's first page (5, iii), when a PDF has no page "
            "labels of its own; default 1",
        )
        parser.add_argument(
            "--numbering",
            help="how a file without page labels is numbered, as ranges of PDF pages and the "
            "printed label of the first of each: '1-4: i, 5: 1'; default: as at the last import",
        )
        parser.add_argument("--password", help="the password of an encrypted PDF")

    def handle(self, *args: Any, **options: Any) -> None:
        slug, path = options["slug"], options["path"]
        source = Source.objects.filter(slug=slug).first()
        if source is None:
            known = ", ".join(Source.objects.values_list("slug", flat=True)[:20]) or "none yet"
            raise CommandError(
                f"no source has the slug “{slug}”: import the commentary that cites it first "
                f"(sources: {known}). Nothing was imported."
            )
        self.stdout.write(f"Reading {path} …")
        started = time.perf_counter()
        try:
            numbering = options["numbering"]
            result = import_source(
                source,
                path,
                first_page_label=options["first_page_label"],
                numbering=PageNumbering.parse(numbering) if numbering is not None else None,
                password=options["password"],
                progress=self._progress,
            )
        except EncryptedFileError as error:
            raise CommandError(
                gettext("%(error)s (or give its password with --password). Nothing was imported.")
                % {"error": error}
            ) from error
        except (SourceFileError, PageNumberingError) as error:
            raise CommandError(
                gettext("%(error)s. Nothing was imported.") % {"error": error}
            ) from error
        read = result.file
        labels = [page.label for page in read.pages]
        self.stdout.write(
            self.style.SUCCESS(
                f"{source.slug}: {len(labels)} pages ({label_runs(labels)}), labels from "
                f"{read.labels_from}; {result.added} added, {result.updated} updated "
                f"in {time.perf_counter() - started:.1f} s."
            )
        )
        flags = ("--first-page-label", "--numbering")
        ignored = [flag for flag in flags if options[flag[2:].replace("-", "_")]]
        if ignored and read.own_labels:
            self.stdout.write(
                f"The PDF has page labels of its own: {' and '.join(ignored)} was ignored."
            )
        if read.unlabelled:
            self.stdout.write(
                f"{len(read.unlabelled)} pages had no usable printed label (none, or one already "
                f"used) and are named after their place in the file: pdf-{read.unlabelled[0] + 1}…"
            )
        empty = [page.label for page in read.pages if not page.text]
        if empty:
            self.stdout.write(f"Pages with no text: {label_runs(empty)}.")
        if result.detached:
            self.stdout.write(
                self.style.WARNING(
                    f"Cited but not in the file: {label_runs(result.detached)} "
                    "(kept without text; check_citations lists them)."
                )
            )

    def _progress(self, done: int, total: int) -> None:
        step = max(10, total // 10)
        if total >= PROGRESS_FROM and (done % step == 0 or done == total):
            self.stdout.write(f"  {done}/{total} pages read")
            self.stdout.flush()
