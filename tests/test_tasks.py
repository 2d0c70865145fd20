"""Reading a source's file off the request (reader.tasks): an upload answers at once and a worker
reads the pages, with progress the source page polls; a failure shows its reason and can be
retried; a reading interrupted by a worker's restart runs again without duplicating anything;
`import_source` waits and shows its progress; staged uploads nobody confirmed expire; a PDF too
long to read in a request is queued, not read there."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Worker
from pypdf import PageObject, PdfReader, PdfWriter

from reader import tasks
from reader.editor_views import EDITORS_GROUP
from reader.models import Document, Source, SourcePage, SourceProcessing
from reader.signals import source_text_changed

from .helpers import logged_in, make_user
from .pdfs import NDS, make_pdf, nds_like_pdf, page_text, write

UPLOAD = f"/sources/{NDS}/upload/"
STATUS = f"/sources/{NDS}/processing/"
RETRY = f"/sources/{NDS}/processing/retry/"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def attach(client: Client, name: str, data: bytes, **fields: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post(UPLOAD, {"file": upload, **fields})


def nds() -> Source:
    return Source.objects.get(slug=NDS)


def staged_files() -> list[str]:
    try:
        return default_storage.listdir(tasks.STAGED)[1]
    except FileNotFoundError:
        return []


def run_worker() -> None:
    """What `manage.py db_worker` does, in this process: run the queued tasks, then stop. (The
    test's transaction holds the connection: the worker must not close it between tasks, as it
    does with a connection out of autocommit, which PostgreSQL's test connection then is.)"""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        worker.run()


@pytest.fixture(autouse=True)
def _nothing_staged() -> None:
    """The media directory is the session's: start each test with no staged upload."""
    for name in staged_files():
        default_storage.delete(f"{tasks.STAGED}{name}")


@pytest.fixture
def queued(settings: Any) -> None:
    """Tasks wait in the database for a worker, as they do by default."""
    settings.TASKS = DATABASE_TASKS


@pytest.fixture
def sentences() -> Iterator[list[dict[str, Any]]]:
    """A receiver of the new text that does long work in steps and reports it, as the evidence
    app does (stage "sentences"); what it was sent is recorded."""
    sent: list[dict[str, Any]] = []

    def embed(sender: type, source: Source, progress: Any = None, **kwargs: Any) -> None:
        sent.append({"source": source, "progress": progress})
        if progress is not None:
            for done in range(0, 101, 25):
                progress("sentences", done, 100)

    source_text_changed.connect(embed, dispatch_uid="test-sentences")
    yield sent
    source_text_changed.disconnect(dispatch_uid="test-sentences")


def test_an_upload_answers_at_once_and_a_worker_reads_the_pages(
    seed_document: Document, analyst: User, queued: None, sentences: list[dict[str, Any]]
) -> None:
    client = logged_in(analyst)
    response = attach(client, "2026-NDS.pdf", nds_like_pdf())
    assert response.status_code == 302 and response["Location"] == f"/sources/{NDS}/"
    assert not nds().pages.exclude(text="").exists()  # nothing read in the request
    page = client.get(response["Location"]).text
    assert "2026-NDS.pdf is being read" in page
    assert '<progress id="progress-pages"' in page and "reader/progress" in page
    assert "2026-NDS.pdf is waiting for a worker to read it." in page
    state = client.get(STATUS).json()
    assert state["status"] == "queued" and state["may_retry"] is False
    assert state["stages"] == [{"stage": "pages", "done": 0, "total": 0, "label": "Pages read"}]

    run_worker()

    assert nds().pages.get(label="19").pdf_index == 22 and nds().file_name == "2026-NDS.pdf"
    state = client.get(STATUS).json()
    assert state["status"] == "done" and state["message"] == "2026-NDS.pdf is read."
    assert [(s["stage"], s["done"], s["total"]) for s in state["stages"]] == [
        ("pages", 34, 34),
        ("sentences", 100, 100),
    ]
    assert state["stages"][1]["label"] == "Sentences embedded"
    assert sentences[0]["source"] == nds() and callable(sentences[0]["progress"])
    assert not staged_files()  # the upload is kept as the source's file, not twice


def test_the_status_is_for_analysts_only(
    client: Client, seed_document: Document, analyst: User, member: User
) -> None:
    assert logged_in(analyst).get(STATUS).status_code == 404  # nothing read yet
    attach(logged_in(analyst), "nds.pdf", nds_like_pdf())
    for reader in (client, logged_in(member)):
        answer = reader.get(STATUS)
        assert answer.status_code == 403 and "analysts" in answer.json()["detail"]
        assert "progress-pages" not in reader.get(f"/sources/{NDS}/").text
    assert logged_in(analyst).get(STATUS)["Cache-Control"] == "private, no-store"


def test_a_failed_reading_shows_its_reason_and_can_be_retried(
    seed_document: Document, analyst: User, queued: None
) -> None:
    calls: list[int] = []

    def flaky(sender: type, source: Source, **kwargs: Any) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("the index is down")

    source_text_changed.connect(flaky, dispatch_uid="test-flaky")
    try:
        client = logged_in(analyst)
        attach(client, "nds.pdf", nds_like_pdf())
        run_worker()
        state = client.get(STATUS).json()
        assert state["status"] == "failed" and state["may_retry"] is True
        assert "unexpected error (ConnectionError)" in state["message"]
        page = client.get(f"/sources/{NDS}/").text
        assert "nds.pdf could not be read" in page and "ConnectionError" in page
        assert f'action="{RETRY}"' in page and "<button" in page

        retried = client.post(RETRY)
        assert retried.status_code == 302
        assert client.get(STATUS).json()["status"] == "queued"
        assert client.post(RETRY).status_code == 302  # a second click queues nothing more
        run_worker()
    finally:
        source_text_changed.disconnect(dispatch_uid="test-flaky")
    state = client.get(STATUS).json()
    assert state["status"] == "done" and state["attempts"] == 2 and len(calls) == 2
    assert nds().pages.filter(pdf_index__isnull=False).count() == 34
    assert "nothing to retry" in client.post(RETRY, follow=True).text


def test_a_file_refused_by_the_worker_says_why(
    seed_document: Document, analyst: User, queued: None
) -> None:
    # Twelve pages: the request reads the first eight (blank), the worker finds no text at all.
    attach(logged_in(analyst), "scan.pdf", make_pdf([None] * 12), first_page_label="1", confirm="1")
    run_worker()
    state = logged_in(analyst).get(STATUS).json()
    assert state["status"] == "failed"
    assert "scan.pdf: none of its 12 pages has any text (a scan?)" in state["error"]
    assert "/tmp/" not in state["error"] and not nds().file


class WorkerKilled(BaseException):
    """What a worker's end looks like to the code it was running (SIGKILL gives no chance to
    record anything: the processing is left running, as here)."""


@pytest.mark.parametrize("when", ["reading pages", "after the pages are stored"])
def test_a_reading_interrupted_by_a_worker_restart_runs_again_without_duplicates(
    seed_document: Document, analyst: User, when: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    attach(logged_in(analyst), "first.pdf", nds_like_pdf())  # a file read before: pages exist
    page_19 = nds().pages.get(label="19").pk
    original_report = SourceProcessing.report

    def killed(self: SourceProcessing, stage: str, done: int, total: int) -> None:
        original_report(self, stage, done, total)
        dies = stage == ("pages" if when == "reading pages" else "sentences") and done >= 1
        if dies and self.attempts == 1:
            raise WorkerKilled

    def embed(sender: type, source: Source, progress: Any = None, **kwargs: Any) -> None:
        progress("sentences", 1, 10)

    monkeypatch.setattr(SourceProcessing, "report", killed)
    source_text_changed.connect(embed, dispatch_uid="test-embed")
    try:
        data = make_pdf([page_text(str(number)) for number in range(1, 41)])
        attach(logged_in(analyst), "second.pdf", data, first_page_label="1", confirm="1")
        processing = SourceProcessing.objects.latest_for(nds())
        assert processing is not None and processing.status == "running"
        assert not processing.is_stalled and tasks.requeue_stalled() == []  # still working?
        later = timezone.now() + timedelta(minutes=6)
        with time_machine.travel(later, tick=False):
            state = logged_in(analyst).get(STATUS).json()
            assert state["stalled"] is True and state["may_retry"] is True
            assert "its worker was interrupted" in state["message"]
            cache.delete(tasks.UPKEEP_KEY)
            tasks.upkeep_if_due()  # what a worker does after a task, or an upload
    finally:
        source_text_changed.disconnect(dispatch_uid="test-embed")
    processing.refresh_from_db()
    assert processing.status == "done" and processing.attempts == 2
    labels = list(nds().pages.filter(pdf_index__isnull=False).values_list("label", flat=True))
    assert labels == [str(number) for number in range(1, 41)]  # each page once
    assert SourcePage.objects.filter(source=nds(), label="19").get().pk == page_19
    assert nds().file_name == "second.pdf"


def test_a_reading_whose_worker_keeps_dying_fails_after_its_attempts(
    seed_document: Document, analyst: User, settings: Any
) -> None:
    source = nds()
    processing = SourceProcessing.objects.create(
        source=source,
        file="sources/staged/gone.pdf",
        file_name="nds.pdf",
        status="running",
        attempts=settings.SOURCE_TASK_ATTEMPTS,
        heartbeat=timezone.now() - timedelta(hours=1),
    )
    assert tasks.requeue_stalled() == []
    processing.refresh_from_db()
    assert processing.status == "failed" and "interrupted 3 times" in processing.error


def test_import_source_waits_and_shows_its_progress(
    seed_document: Document, tmp_path: Path, sentences: list[dict[str, Any]]
) -> None:
    path = write(tmp_path / "long.pdf", make_pdf([page_text(str(n)) for n in range(1, 61)]))

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Terminal()
    call_command("import_source", NDS, str(path), "--first-page-label", "1", stdout=out)
    shown = out.getvalue()
    assert "\r  [###############...............] 30/60 pages read" in shown
    assert "\r  [##############################] 60/60 pages read\n" in shown
    assert "\r  [##############################] 100/100 sentences embedded\n" in shown
    assert f"Reading {path} …" in shown and "60 pages (1–60)" in shown
    processing = SourceProcessing.objects.latest_for(nds())
    assert processing is not None and processing.status == "done"  # the source page shows it
    assert processing.stages == {"pages": [60, 60], "sentences": [100, 100]}
    assert not staged_files()


def test_import_source_says_why_a_file_is_refused_and_keeps_nothing(
    seed_document: Document, tmp_path: Path
) -> None:
    path = write(tmp_path / "scan.pdf", make_pdf([None, None]))
    with pytest.raises(CommandError, match=rf"^{path}: none of its 2 pages has any text.*Nothing"):
        call_command("import_source", NDS, str(path), stdout=io.StringIO())
    assert SourceProcessing.objects.get().status == "failed"  # the source page says so too
    assert not staged_files() and not nds().file


def test_an_abandoned_preview_is_removed_after_an_hour(
    seed_document: Document, analyst: User, queued: None
) -> None:
    client = logged_in(analyst)
    unlabelled = make_pdf([page_text(str(number)) for number in range(5, 15)])
    with time_machine.travel(timezone.now(), tick=False) as clock:
        preview = attach(client, "unlabelled.pdf", unlabelled)
        assert preview.status_code == 200 and len(staged_files()) == 1
        waiting = attach(client, "labelled.pdf", nds_like_pdf())  # queued, no worker yet
        assert waiting.status_code == 302 and len(staged_files()) == 2

        clock.shift(timedelta(minutes=59))
        call_command("clean_staged_uploads", stdout=io.StringIO())
        assert len(staged_files()) == 2  # not an hour old yet

        clock.shift(timedelta(minutes=2))
        out = io.StringIO()
        call_command("clean_staged_uploads", stdout=out)
        assert "1 staged uploads older than 1 h removed" in out.getvalue()
        # The preview is gone; the file its task still needs is kept.
        assert staged_files() == [Path(SourceProcessing.objects.get().file).name]
        confirm = {"staged": preview.context["staged"], "first_page_label": "5", "confirm": "1"}
        late = client.post(UPLOAD, confirm)
        assert late.status_code == 400 and "expired or is unknown" in late.text


def test_the_workers_upkeep_removes_abandoned_previews(
    seed_document: Document, analyst: User
) -> None:
    client = logged_in(analyst)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        attach(client, "unlabelled.pdf", make_pdf([page_text(str(n)) for n in range(5, 15)]))
        clock.shift(timedelta(hours=2))
        cache.delete(tasks.UPKEEP_KEY)
        attach(client, "nds.pdf", nds_like_pdf())  # its task ends with the upkeep
        assert staged_files() == []


@pytest.fixture(scope="module")
def long_pdf() -> bytes:
    """5,000 pages: reading them all takes a worker minutes on this machine, far more than a
    request may take."""
    page = PdfReader(io.BytesIO(make_pdf([page_text("1")]))).pages[0]
    writer = PdfWriter()
    for _ in range(5000):
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_too_long_to_read_in_a_request_is_queued_not_read(
    seed_document: Document,
    analyst: User,
    queued: None,
    long_pdf: bytes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    read: list[int] = []
    extract_text = PageObject.extract_text

    def counted(self: PageObject, *args: Any, **kwargs: Any) -> str:
        read.append(1)
        return extract_text(self, *args, **kwargs)

    monkeypatch.setattr(PageObject, "extract_text", counted)
    client = logged_in(analyst)
    preview = attach(client, "long.pdf", long_pdf)
    assert preview.status_code == 200 and "long.pdf has 5000 pages" in preview.text
    assert len(read) == 8 + 3  # the preview's pages and the cited ones (19–21), not the file's
    confirm = {"staged": preview.context["staged"], "first_page_label": "1", "confirm": "1"}
    answer = client.post(UPLOAD, confirm)
    assert answer.status_code == 302 and len(read) == 2 * 11
    assert "long.pdf is being read" in client.get(answer["Location"]).text
    processing = SourceProcessing.objects.get()
    assert processing.status == "queued" and not nds().pages.exclude(text="").exists()


def test_a_commentary_pdf_slower_than_the_requests_budget_is_refused_naming_it(
    db: None, settings: Any
) -> None:
    settings.COMMENTARY_PDF_SECONDS = 0  # every PDF takes longer than that
    staff = make_user("erin", analyst=False)
    staff.groups.add(Group.objects.get_or_create(name=EDITORS_GROUP)[0])
    pdf = make_pdf([page_text(str(number)) for number in range(1, 21)])
    response = logged_in(staff).post(
        "/documents/new/", {"file": SimpleUploadedFile("long.pdf", pdf)}
    )
    assert response.status_code == 400
    assert "reading the PDF took more than 0 seconds (at page 1)" in response.text
    assert not Document.objects.exists()


def nested_pdf(texts: list[str]) -> bytes:
    """A PDF whose page tree is nested, as long reports' are (pages under intermediate nodes that
    hold the font the pages inherit): all pages but the last under one node, the last alone."""
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }
    first_kids, number = [], 10
    for index, text in enumerate(texts):
        stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
        objects[number + 1] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
        last = index == len(texts) - 1
        parent, resources = (2, b" /Resources << /Font << /F1 3 0 R >> >>") if last else (4, b"")
        objects[number] = (
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792]%s /Contents %d 0 R >>"
            % (
                parent,
                resources,
                number + 1,
            )
        )
        if not last:
            first_kids.append(number)
        number += 2
    refs = b" ".join(b"%d 0 R" % kid for kid in first_kids)
    objects[4] = (
        b"<< /Type /Pages /Parent 2 0 R /Kids [%s] /Count %d /Resources << /Font << /F1 3 0 R >> >> >>"
        % (
            refs,
            len(first_kids),
        )
    )
    objects[2] = b"<< /Type /Pages /Kids [4 0 R %d 0 R] /Count %d >>" % (number - 2, len(texts))
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = {}
    for key in sorted(objects):
        offsets[key] = out.tell()
        out.write(b"%d 0 obj\n%s\nendobj\n" % (key, objects[key]))
    xref = out.tell()
    size = max(objects) + 1
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for key in range(1, size):
        out.write(
            b"%010d 00000 n \n" % offsets[key] if key in offsets else b"0000000000 65535 f \n"
        )
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref))
    return out.getvalue()


def test_the_first_pages_of_a_nested_page_tree_are_those_a_full_reading_gives(
    tmp_path: Path,
) -> None:
    from reader.importers.source import pdf_page_texts, read_source_file

    texts = [f"This is printed page {number} of the report." for number in range(1, 10)]
    path = write(tmp_path / "nested.pdf", nested_pdf(texts))
    first = read_source_file(path, first_pages=6)
    full = read_source_file(path)
    assert first.count == full.count == 9
    assert [page.text for page in full.pages] == texts
    assert [(p.label, p.text) for p in first.pages[:6]] == [
        (p.label, p.text) for p in full.pages[:6]
    ]
    # The other pages are numbered, and not read.
    assert [(p.label, p.text) for p in first.pages[6:]] == [(p.label, "") for p in full.pages[6:]]
    # A page further on is found by the tree's counts (the preview's cited pages).
    assert pdf_page_texts(path, [8, 6, 0]) == {8: texts[8], 6: texts[6], 0: texts[0]}


def test_import_source_stopped_by_hand_is_not_taken_up_again_by_a_worker(
    seed_document: Document, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(self: SourceProcessing, stage: str, done: int, total: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(SourceProcessing, "report", interrupted)
    path = write(tmp_path / "nds.pdf", nds_like_pdf())
    with pytest.raises(KeyboardInterrupt):
        call_command("import_source", NDS, str(path), stdout=io.StringIO())
    processing = SourceProcessing.objects.get()
    assert processing.status == "failed" and processing.error == "stopped by hand"
    assert not staged_files() and not nds().file
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        assert tasks.requeue_stalled() == []


def test_a_pdf_whose_cross_references_are_off_gives_the_same_first_pages(tmp_path: Path) -> None:
    """The quick look does not check where every object starts; a file whose table of objects
    points two bytes off (a sloppy writer's) still gives what the full, lenient reading gives."""
    import re

    from reader.importers.source import read_source_file

    texts = [f"Page {number} of a sloppily written file." for number in range(1, 10)]
    off = re.sub(
        rb"(\d{10}) 00000 n",
        lambda match: b"%010d 00000 n" % (int(match.group(1)) + 2),
        nested_pdf(texts),
    )
    path = write(tmp_path / "off.pdf", off)
    first, full = read_source_file(path, first_pages=6), read_source_file(path)
    assert [page.text for page in full.pages] == texts
    assert [(p.label, p.text) for p in first.pages[:6]] == [
        (p.label, p.text) for p in full.pages[:6]
    ]
    assert first.count == 9
