from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from reader import tasks
from reader.importers.source import EncryptedFileError, SourceFileError, SourceImportResult
from reader.models import Source, SourceProcessing
from reader.pages import PageNumbering, PageNumberingError, label_runs

# Files with more pages than this report their progress as they are read.
PROGRESS_FROM = 40
BAR_WIDTH = 30
STAGE_NAMES = {"pages": "pages read", "sentences": "sentences embedded"}


class Command(BaseCommand):
    help = (
        "Import a source's file (PDF, HTML or plain text): the printed label, PDF index and text "
        "of each page. Re-importing replaces the pages; citations and passages stay linked. The "
        "work is the task an upload queues, run here with its progress shown (and on the source "
        "page): the command waits for it to finish."
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
        try:
            result = self._read(source, path, options)
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
                f"in {time.perf_counter() - self._started:.1f} s."
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

    def _read(self, source: Source, path: Path, options: dict[str, Any]) -> SourceImportResult:
        """Run the reading task here, with its progress shown; its refusals are raised."""
        if options["numbering"] is not None:
            PageNumbering.parse(options["numbering"])  # refused before anything is kept
        if not path.is_file():
            if path.is_dir():
                message = gettext("%(path)s: is a directory; give the path of a file")
            else:
                message = gettext("%(path)s: no such file; check the path")
            raise SourceFileError(message % {"path": path})
        self.stdout.write(f"Reading {path} …")
        self._started = time.perf_counter()
        processing = SourceProcessing.objects.create(
            source=source,
            file=tasks.stage_file(path),
            file_name=path.name,
            first_page_label=options["first_page_label"] or "",
            numbering=options["numbering"] or "",
        )
        self._bar_open = False
        try:
            result = tasks.run(
                processing.pk,
                echo=self._progress,
                password=options["password"],
                shown_as=str(path),
                raise_refusal=True,
            )
        except KeyboardInterrupt:
            # Stopped by hand: not a worker's loss, so no worker takes the work up again later.
            tasks.abandon(processing)
            raise
        except (SourceFileError, PageNumberingError):
            processing.refresh_from_db()
            default_storage.delete(processing.file)
            raise
        finally:
            self._end_bar()
        assert result is not None  # claimed here, and not refused
        return result

    def _progress(self, stage: str, done: int, total: int) -> None:
        """A bar redrawn in place on a terminal; elsewhere (a log) a line every tenth."""
        if total < PROGRESS_FROM:
            return
        name = STAGE_NAMES.get(stage, stage)
        if self.stdout.isatty():
            filled = BAR_WIDTH * done // total
            bar = "#" * filled + "." * (BAR_WIDTH - filled)
            self.stdout.write(f"\r  [{bar}] {done}/{total} {name}", ending="")
            self._bar_open = done < total
            if done >= total:
                self.stdout.write("")
        elif done % max(10, total // 10) == 0 or done == total:
            self.stdout.write(f"  {done}/{total} {name}")
        self.stdout.flush()

    def _end_bar(self) -> None:
        if self._bar_open:  # the work stopped half-way: end the bar's line
            self.stdout.write("")
            self._bar_open = False
