"""Long work off the request: reading a source's file runs as a task (django-tasks, the backport of
Django 6's django.tasks; the backend is settings.TASKS: the database, RQ on Redis, or at once in
tests), and its state is a SourceProcessing that the source page's progress bar polls.

A task can be delivered twice, and a worker can stop half-way (a restart, a killed process): every
step is safe to run again. A run claims its processing (queued → running) or does nothing; the
pages are replaced by label in one transaction; the uploaded file stays in the storage until the
work is done. A running processing that reports nothing for SOURCE_TASK_STALLED_SECONDS lost its
worker, and the upkeep queues it again.

django-tasks has no scheduler, so the upkeep (removing staged uploads nobody confirmed, queueing
stalled work again) runs when it is due (at most every TASKS_UPKEEP_SECONDS) at the end of each
task and after each upload, and whenever `manage.py clean_staged_uploads` runs (from cron).
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from django_tasks import task

from .importers.source import (
    SourceFileError,
    SourceImportResult,
    StageProgress,
    import_source,
)
from .models import Source, SourceProcessing
from .pages import PageNumbering, PageNumberingError

# Uploads wait here for their task, or for the analyst's confirmation after a preview; the name
# starts with the time they were put there (seconds since the epoch), which says when they expire.
STAGED = "sources/staged/"
STAGED_NAME_RE = re.compile(r"^(\d{10,})-")
# Progress is written at most this often (and at each stage's end): a poll every second or so
# sees it move, and a 60,000-page file does not make 60,000 writes.
REPORT_EVERY = 0.5
UPKEEP_KEY = "reader:tasks-upkeep"


def stage_file(path: Path) -> str:
    """Keep a file in the storage for a task or a confirmation; its name there."""
    stamp = int(timezone.now().timestamp())
    with path.open("rb") as file:
        return default_storage.save(f"{STAGED}{stamp}-{uuid.uuid4().hex}{path.suffix}", File(file))


def start_reading(
    source: Source,
    *,
    staged: str,
    file_name: str,
    first_page_label: str = "",
    numbering: PageNumbering | None = None,
) -> SourceProcessing:
    """Record the work to do on a staged file and queue it. Called outside a transaction (a
    worker must find the processing it is given), as the views and commands are."""
    processing = SourceProcessing.objects.create(
        source=source,
        file=staged,
        file_name=file_name[:255],
        first_page_label=first_page_label,
        numbering=str(numbering) if numbering is not None else "",
    )
    enqueue(processing)
    return processing


def enqueue(processing: SourceProcessing) -> None:
    result = read_source_file_task.enqueue(processing.pk)
    # Only the task id: with the immediate backend the task has run and saved its own state.
    SourceProcessing.objects.filter(pk=processing.pk).update(task_id=str(result.id)[:64])


def retry(processing: SourceProcessing) -> bool:
    """Queue a failed or stalled processing again; False if it is neither (nothing to do)."""
    if not processing.may_retry:
        return False
    queued = SourceProcessing.objects.filter(pk=processing.pk, status=processing.status).update(
        status=SourceProcessing.Status.QUEUED, error="", finished=None
    )
    if queued:
        enqueue(processing)
    return bool(queued)


@task()
def read_source_file_task(processing_pk: int) -> None:
    try:
        run(processing_pk)
    finally:
        upkeep_if_due()


def run(
    processing_pk: int,
    *,
    echo: StageProgress | None = None,
    password: str | None = None,
    shown_as: str = "",
    raise_refusal: bool = False,
) -> SourceImportResult | None:
    """Read the processing's file into its source's pages; its state says how it went. None when
    there was nothing to do (done already, or running elsewhere) or the file was refused (raised
    instead with `raise_refusal`). The importer's messages name the file `shown_as` (the command
    line's path), else by its name."""
    now = timezone.now()
    claimed = SourceProcessing.objects.filter(
        pk=processing_pk, status=SourceProcessing.Status.QUEUED
    ).update(
        status=SourceProcessing.Status.RUNNING,
        attempts=F("attempts") + 1,
        started=now,
        heartbeat=now,
        finished=None,
        error="",
        stage="",
        stages={},
    )
    if not claimed:
        return None
    processing = SourceProcessing.objects.select_related("source").get(pk=processing_pk)
    try:
        with _copy_of(processing, shown_as or processing.file_name) as path:
            result = import_source(
                processing.source,
                path,
                first_page_label=processing.first_page_label or None,
                numbering=PageNumbering.parse(processing.numbering)
                if processing.numbering
                else None,
                password=password,
                progress=_Reporter(processing, echo),
                original_name=processing.file_name,
            )
    except (SourceFileError, PageNumberingError) as error:
        _finish(processing, SourceProcessing.Status.FAILED, str(error))
        if raise_refusal:
            raise
        return None
    except Exception as error:
        reason = gettext(
            "the work stopped on an unexpected error (%(error)s): retry; if it fails again, "
            "tell the administrator"
        ) % {"error": type(error).__name__}
        _finish(processing, SourceProcessing.Status.FAILED, reason)
        raise
    _finish(processing, SourceProcessing.Status.DONE)
    default_storage.delete(processing.file)
    return result


def abandon(processing: SourceProcessing) -> None:
    """The work was stopped on purpose (Ctrl-C on `import_source`): failed, and its file gone."""
    _finish(processing, SourceProcessing.Status.FAILED, gettext("stopped by hand"))
    default_storage.delete(processing.file)


def _finish(processing: SourceProcessing, status: str, error: str = "") -> None:
    processing.status, processing.error, processing.finished = status, error, timezone.now()
    processing.save(update_fields=["status", "error", "finished"])


@contextmanager
def _copy_of(processing: SourceProcessing, name: str) -> Iterator[Path]:
    """The staged file on local disk for the importer (the storage may be S3); the importer's
    messages name it `name`, not by the temporary path."""
    if not processing.file or not default_storage.exists(processing.file):
        raise SourceFileError(
            gettext("%(name)s is no longer kept (uploads expire): choose the file again")
            % {"name": name}
        )
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"upload{Path(processing.file).suffix.lower()[:10]}"
        with default_storage.open(processing.file, "rb") as handle, path.open("wb") as out:
            shutil.copyfileobj(handle, out)
        try:
            yield path
        except SourceFileError as error:  # of its kind (an encrypted file's, say)
            raise type(error)(str(error).replace(str(path), name)) from error


class _Reporter:
    """The `progress` the importer and the apps above call: stored in the processing (now and
    then), and passed on to `echo` (the command line's progress bar) every time."""

    def __init__(self, processing: SourceProcessing, echo: StageProgress | None) -> None:
        self.processing, self.echo, self.written = processing, echo, 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.echo:
            self.echo(stage, done, total)
        now = time.monotonic()
        new_stage = stage != self.processing.stage
        if new_stage or done >= total or now - self.written >= REPORT_EVERY:
            self.processing.report(stage, done, total)
            self.written = now


# --- upkeep -------------------------------------------------------------------------------------


def upkeep_if_due() -> None:
    if cache.add(UPKEEP_KEY, True, settings.TASKS_UPKEEP_SECONDS):
        clean_staged_uploads()
        requeue_stalled()


def clean_staged_uploads() -> list[str]:
    """Remove the staged uploads older than STAGED_UPLOAD_MAX_AGE that no queued or running work
    needs (previewed and never confirmed, or whose work failed long ago); their names."""
    try:
        names = default_storage.listdir(STAGED)[1]
    except FileNotFoundError:
        return []
    oldest = timezone.now() - timedelta(seconds=settings.STAGED_UPLOAD_MAX_AGE)
    needed = set(
        SourceProcessing.objects.filter(
            status__in=[SourceProcessing.Status.QUEUED, SourceProcessing.Status.RUNNING]
        ).values_list("file", flat=True)
    )
    removed = []
    for name in names:
        path = f"{STAGED}{name}"
        if path not in needed and _staged_at(path) < oldest:
            default_storage.delete(path)
            removed.append(path)
    return removed


def _staged_at(path: str) -> datetime:
    stamp = STAGED_NAME_RE.match(Path(path).name)
    if stamp:
        return datetime.fromtimestamp(int(stamp.group(1)), tz=UTC)
    return default_storage.get_modified_time(path)  # staged before names carried the time


def requeue_stalled() -> list[SourceProcessing]:
    """Queue again the work whose worker stopped; give up (failed, with the reason) after
    SOURCE_TASK_ATTEMPTS runs. The processings queued again."""
    queued = []
    for processing in SourceProcessing.objects.stalled():
        if processing.attempts >= settings.SOURCE_TASK_ATTEMPTS:
            _finish(
                processing,
                SourceProcessing.Status.FAILED,
                gettext(
                    "the work was interrupted %(count)d times (its worker stopped): retry, or "
                    "tell the administrator"
                )
                % {"count": processing.attempts},
            )
        elif retry(processing):
            queued.append(processing)
    return queued
