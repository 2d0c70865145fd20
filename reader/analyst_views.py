"""Pages where analysts change things: attaching a source's file, aligning a translated passage
with the original text of its source page. Plain forms posted with a CSRF token, so they work
without JavaScript; the source page view shows them to members of the analysts group."""

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
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.models import is_analyst

from .alignment import AlignmentError, add_original, align
from .importers.source import SourceFileError, read_source_file
from .models import Source, SourcePage, SourcePassage, SourceProcessing
from .pages import label_runs
from .tasks import STAGED, retry, stage_file, start_reading, upkeep_if_due
from .views import may_attach, processing_state, source_page_context


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


def attach_source_file(request: HttpRequest, slug: str) -> HttpResponse:
    """Attach a source's file (PDF, HTML or text) from the browser. The request only looks at the
    file (its kind, its page count and labels, its first pages: refusals are shown in the form)
    and answers at once; reading every page is a task (reader.tasks) whose progress the source
    page shows. A PDF without page labels is first shown, its first pages with the labels they
    will get, so that the analyst can say where printed page 1 starts before confirming; the
    file waits in the storage meanwhile (`staged`, signed so that no one names another file)."""
    source = get_object_or_404(Source, slug=slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not may_attach(request.user):
        raise PermissionDenied(_("Only analysts and staff may attach a source's file."))
    context: dict[str, Any] = {"source": source, "limit": settings.SOURCE_FILE_MAX_BYTES}
    if request.method != "POST":
        return render(request, "reader/source_attach.html", context)
    label = request.POST.get("first_page_label", "").strip() or None
    context["first_page_label"] = label or ""
    try:
        with _received(request) as (path, name, staged):
            context["file_name"] = name
            read = read_source_file(path, first_page_label=label, first_pages=PREVIEW_PAGES)
            if read.kind == "pdf" and read.labels_from != "the PDF's page labels":
                if not request.POST.get("confirm"):
                    context.update(preview=read.pages, pages=read.count)
                    context["staged"] = request.POST.get("staged") or _sign(stage_file(path), name)
                    return render(request, "reader/source_attach.html", context)
            processing = start_reading(
                source,
                staged=staged or stage_file(path),
                file_name=name,
                first_page_label=label or "",
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
    labels = list(
        processing.source.pages.filter(pdf_index__isnull=False)
        .order_by("pdf_index")
        .values_list("label", flat=True)
    )
    return _("%(name)s attached: %(pages)d pages (%(labels)s).") % {
        "name": processing.file_name,
        "pages": len(labels),
        "labels": label_runs(labels),
    }


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


PREVIEW_PAGES = 6


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
