"""Pages where analysts change things: attaching a source's file and saying how its pages are
numbered, aligning a translated passage with the original text of its source page. Plain forms
posted with a CSRF token, so they work without JavaScript; the source page view shows them to
members of the analysts group."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.models import is_analyst
from config.idempotency import idempotent

from .alignment import AlignmentError, add_original, align
from .importers.source import (
    SourceFile,
    SourceFileError,
    named_labels,
    pdf_page_texts,
    read_source_file,
    stored_numbering,
)
from .models import Source, SourcePage, SourcePassage, SourceProcessing
from .pages import PageNumbering, PageNumberingError, PageRange, label_runs
from .tasks import STAGED, retry, stage_file, start_reading, upkeep_if_due
from .views import may_attach, processing_state, source_page_context


@idempotent
@require_POST
def align_passage(request: HttpRequest, pk: int) -> HttpResponse:
    """Align the translation `pk` with the text the analyst gives (found on the page), or undo
    the alignment (`remove`); then go back to the source page the form was on."""
    translation = get_object_or_404(SourcePassage.objects.select_related("source"), pk=pk)
    label = request.POST.get("page") or translation.first_page
    page = get_object_or_404(SourcePage, source=translation.source, label=label)
    page.source = translation.source
    if not request.user.is_authenticated:
        return redirect_to_login(page.get_absolute_url())
    if not is_analyst(request.user):
        raise PermissionDenied(_("Only members of the analysts group may align passages."))
    try:
        if request.POST.get("remove"):
            align(translation=translation, original=None)
        else:
            add_original(
                translation=translation,
                text=request.POST.get("text", ""),
                first_page=request.POST.get("first_page", ""),
                last_page=request.POST.get("last_page", ""),
            )
    except AlignmentError as error:
        context = source_page_context(request, page)
        for passage in context["passages"]:  # type: ignore[attr-defined]
            if passage.pk == pk:  # the form shows the error and keeps what was typed
                passage.align_error, passage.align_values = error, request.POST
        return render(request, "reader/source_page.html", context, status=400)
    return HttpResponseRedirect(f"{page.get_absolute_url()}#passage-{pk}")


@idempotent
def attach_source_file(request: HttpRequest, slug: str) -> HttpResponse:
    """Attach a source's file (PDF, HTML or text) from the browser. The request only looks at the
    file (its kind, page count and labels, the text of its first pages: refusals are shown in the
    form) and answers at once; reading every page is a task (reader.tasks) whose progress the
    source page shows. A PDF without page
    labels is first shown, its first pages and the cited ones with the labels they will get, so
    that the analyst can say how it is numbered (ranges: "1–4: i, 5: 1") before confirming; the
    file waits in the storage meanwhile (`staged`, signed so that no one names another file)."""
    source = get_object_or_404(Source, slug=slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not may_attach(request.user):
        raise PermissionDenied(_("Only analysts and staff may attach a source's file."))
    context: dict[str, Any] = {"source": source, "limit": settings.SOURCE_FILE_MAX_BYTES}
    if request.method != "POST":
        return render(request, "reader/source_attach.html", context)
    try:
        with _received(request) as (path, name, staged):
            context["file_name"] = name
            read, numbering = _numbered(request, source, path, context)
            if read.kind != "pdf":
                numbering = PageNumbering()  # a text is counted from 1, an HTML page is one
            elif not read.own_labels and (numbering is None or not request.POST.get("confirm")):
                context["staged"] = request.POST.get("staged") or _sign(stage_file(path), name)
                status = 400 if numbering is None else 200
                return render(request, "reader/source_attach.html", context, status=status)
            processing = start_reading(
                source, staged=staged or stage_file(path), file_name=name, numbering=numbering
            )
    except SourceFileError as error:
        context["error"] = str(error)
        return render(request, "reader/source_attach.html", context, status=400)
    upkeep_if_due()
    processing.refresh_from_db()  # the immediate backend (tests) has read it already
    if processing.status == processing.Status.FAILED:
        context["error"] = processing.error
        return render(request, "reader/source_attach.html", context, status=400)
    messages.success(request, _attached_message(processing))
    return HttpResponseRedirect(source.get_absolute_url())


def _attached_message(processing: SourceProcessing) -> str:
    if processing.status != processing.Status.DONE:
        return _(
            "%(name)s is being read: its pages are stored as the progress below shows; "
            "you may leave this page meanwhile."
        ) % {"name": processing.file_name}
    return _("%(name)s attached: %(pages)d pages (%(labels)s).") % {
        "name": processing.file_name,
        "pages": len(labels := _file_labels(processing.source)),
        "labels": label_runs(labels),
    }


def _file_labels(source: Source) -> list[str]:
    """The labels of the pages the source's file has, in its order."""
    pages = source.pages.filter(pdf_index__isnull=False).order_by("pdf_index")
    return list(pages.values_list("label", flat=True))


@require_safe
def source_processing(request: HttpRequest, slug: str) -> HttpResponse:
    """The state of the latest reading of a source's file, for the source page's progress bar
    (analysts and staff, as the page shows it to them only)."""
    source = get_object_or_404(Source, slug=slug)
    if not may_attach(request.user):
        return JsonResponse(
            {
                "detail": _("Only analysts and staff may follow the reading of a file."),
                "status": 403,
            },
            status=403,
        )
    processing = SourceProcessing.objects.latest_for(source)
    if processing is None:
        return JsonResponse(
            {"detail": _("No file of this source has been read yet."), "status": 404}, status=404
        )
    response = JsonResponse(processing_state(processing))
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def retry_source_processing(request: HttpRequest, slug: str) -> HttpResponse:
    """Queue again the latest reading of a source's file, when it failed or its worker stopped."""
    source = get_object_or_404(Source, slug=slug)
    if not request.user.is_authenticated:
        return redirect_to_login(source.get_absolute_url())
    if not may_attach(request.user):
        raise PermissionDenied(_("Only analysts and staff may attach a source's file."))
    processing = SourceProcessing.objects.latest_for(source)
    if processing is not None and retry(processing):
        messages.success(request, _("Queued again: %(name)s.") % {"name": processing.file_name})
    else:
        messages.info(request, _("There is nothing to retry: the file is being read or is read."))
    return HttpResponseRedirect(f"{source.get_absolute_url()}#file-heading")


def change_numbering(request: HttpRequest, slug: str) -> HttpResponse:
    """Say again how the pages of a source's stored PDF are numbered: its first pages and the
    cited ones are shown with the labels a numbering gives them; confirmed, the stored file is
    imported again with it (pages keep their rows, and so their links, by label)."""
    source = get_object_or_404(Source, slug=slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not may_attach(request.user):
        raise PermissionDenied(_("Only analysts and staff may attach a source's file."))
    if not source.has_pdf_file:
        raise Http404("No PDF file is stored for this source.")
    context: dict[str, Any] = {"source": source, "file_name": source.file_name}
    try:
        with _stored_file(source) as path:
            read, numbering = _numbered(request, source, path, context)
            if read.own_labels:
                context["own_labels"] = label_runs(_file_labels(source))  # as stored
            elif numbering is not None and request.POST.get("confirm"):
                processing = start_reading(
                    source, staged=stage_file(path), file_name=source.file_name, numbering=numbering
                )
                processing.refresh_from_db()  # the immediate backend (tests) has read it already
                if processing.status == processing.Status.FAILED:
                    raise SourceFileError(processing.error)
                messages.success(request, _renumbered_message(processing, numbering))
                return HttpResponseRedirect(source.get_absolute_url())
    except SourceFileError as error:
        context["error"] = str(error)
        return render(request, "reader/source_numbering.html", context, status=400)
    status = 400 if "numbering_error" in context else 200
    return render(request, "reader/source_numbering.html", context, status=status)


def _renumbered_message(processing: SourceProcessing, numbering: PageNumbering) -> str:
    if processing.status != processing.Status.DONE:
        return _attached_message(processing)
    return _("The pages of %(name)s are numbered %(numbering)s: %(labels)s.") % {
        "name": processing.file_name,
        "numbering": numbering,
        "labels": label_runs(_file_labels(processing.source)),
    }


def _numbered(
    request: HttpRequest, source: Source, path: Path, context: dict[str, Any]
) -> tuple[SourceFile, PageNumbering | None]:
    """Read the file with the numbering of the form (at first, the one the source keeps), and
    put in `context` what the page shows of it; the numbering is None when it cannot number
    this file (its error in `context`, the pages shown without labels)."""
    text = _numbering_text(request, source)
    context["numbering"] = text
    numbering: PageNumbering | None
    try:
        numbering = PageNumbering.parse(text)
        read = read_source_file(path, numbering=numbering, first_pages=PREVIEW_PAGES)
    except PageNumberingError as error:
        context["numbering_error"] = str(error)
        numbering = None
        read = read_source_file(path, numbering=PageNumbering(), first_pages=PREVIEW_PAGES)
    context["pages"] = len(read.pages)
    context["preview"] = [
        (page.index + 1, page.label if numbering else "", page.text)
        for page in read.pages[:PREVIEW_PAGES]
    ]
    if numbering is not None:
        context["cited"] = _cited_pages(source, read, path)
    return read, numbering


def _numbering_text(request: HttpRequest, source: Source) -> str:
    """The numbering as the form gives it; the printed number of the first page alone (the
    form's field before numberings) stands for "1: label"; else the source's, else from 1."""
    if "numbering" in request.POST:
        return request.POST["numbering"]
    if first := request.POST.get("first_page_label", "").strip():
        return f"1: {first}"
    return str(stored_numbering(source) or PageNumbering())


def _cited_pages(source: Source, read: SourceFile, path: Path) -> list[tuple[str, int | None, str]]:
    """Each page label that the source's citations and passages name, with the PDF page that
    gets it (None: none does) and the text there: the pages whose numbers matter most. Only the
    first pages were read: the text of the cited ones is read here, the first CITED_TEXTS."""
    pages = {page.label: page for page in read.pages}
    labels = sorted(named_labels(source), key=_label_order)
    wanted = [pages[label].index for label in labels if label in pages][:CITED_TEXTS]
    texts = pdf_page_texts(path, wanted) if read.kind == "pdf" else {}
    cited = []
    for label in labels:
        page = pages.get(label)
        text = (texts.get(page.index) or page.text) if page else ""
        cited.append((label, page.index + 1 if page else None, text))
    return cited


def _label_order(label: str) -> tuple[int, int, str]:
    numbers = PageRange(label).numbers
    return (0, numbers[0], "") if numbers else (1, 0, label)


@contextmanager
def _stored_file(source: Source) -> Iterator[Path]:
    """The source's stored file on disk for the importer (the storage may be remote)."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"stored{Path(source.file.name or '').suffix}"
        try:
            with source.file.open("rb") as handle, path.open("wb") as out:
                shutil.copyfileobj(handle, out)
        except FileNotFoundError as error:
            raise SourceFileError(
                _("The stored file is missing: attach the file again.")
            ) from error
        try:
            yield path
        except SourceFileError as error:
            raise SourceFileError(str(error).replace(str(path), source.file_name)) from error


PREVIEW_PAGES = 8
CITED_TEXTS = 20  # the cited pages whose text the preview shows (each a page read)


@contextmanager
def _received(request: HttpRequest) -> Iterator[tuple[Path, str, str]]:
    """The file of the form on disk for the importer, its name as given, and where it is staged
    (for a file confirmed after its preview; else ""). The importer's messages name the file by
    its name as given, not by the temporary path."""
    signed = request.POST.get("staged", "")
    upload = request.FILES.get("file")
    staged = ""
    if upload is not None:
        name, size = upload.name or "file", upload.size or 0
    elif signed:
        try:
            stored = signing.loads(signed, salt=STAGED, max_age=settings.STAGED_UPLOAD_MAX_AGE)
            staged, name = stored["path"], stored["name"]
            size = default_storage.size(staged)
        except (signing.BadSignature, KeyError, TypeError, OSError) as error:
            raise SourceFileError(
                _("The file to confirm has expired or is unknown: choose it again.")
            ) from error
    else:
        raise SourceFileError(_("Choose a file to attach (PDF, HTML or text)."))
    if size > settings.SOURCE_FILE_MAX_BYTES:
        raise SourceFileError(
            _("%(name)s is %(size)s MB: files up to %(limit)s MB can be attached.")
            % {
                "name": name,
                "size": f"{size / 2**20:.1f}",
                "limit": f"{settings.SOURCE_FILE_MAX_BYTES / 2**20:.0f}",
            }
        )
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"upload{Path(name).suffix.lower()[:10]}"
        with path.open("wb") as out:
            if upload is not None:
                for chunk in upload.chunks():
                    out.write(chunk)
            else:
                with default_storage.open(staged, "rb") as handle:
                    shutil.copyfileobj(handle, out)
        try:
            yield path, name, staged
        except SourceFileError as error:
            raise SourceFileError(str(error).replace(str(path), name)) from error


def _sign(staged: str, name: str) -> str:
    """What the preview's form carries to name the staged file at its confirmation."""
    return signing.dumps({"path": staged, "name": name}, salt=STAGED)
