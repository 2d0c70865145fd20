"""Pages where analysts change things: attaching a source's file and saying how its pages are
numbered, aligning a translated passage with the original text of its source page. Plain forms
posted with a CSRF token, so they work without JavaScript; the source page view shows them to
members of the analysts group."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import is_analyst
from config.idempotency import idempotent

from .alignment import AlignmentError, add_original, align
from .importers.source import (
    SourceFile,
    SourceFileError,
    import_source,
    named_labels,
    read_source_file,
    stored_numbering,
)
from .models import Source, SourcePage, SourcePassage
from .pages import PageNumbering, PageNumberingError, PageRange, label_runs
from .views import may_attach, source_page_context


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
    """Attach a source's file (PDF, HTML or text) from the browser: the same import as
    `manage.py import_source`, atomic, with its refusals shown in the form. A PDF without page
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
                context["staged"] = request.POST.get("staged") or _stage(path, name)
                status = 400 if numbering is None else 200
                return render(request, "reader/source_attach.html", context, status=status)
            result = import_source(source, path, numbering=numbering, original_name=name)
        if staged:
            default_storage.delete(staged)
    except SourceFileError as error:
        context["error"] = str(error)
        return render(request, "reader/source_attach.html", context, status=400)
    messages.success(
        request,
        _("%(name)s attached: %(pages)d pages (%(labels)s).")
        % {
            "name": result.source.file_name,
            "pages": len(result.file.pages),
            "labels": label_runs([page.label for page in result.file.pages]),
        },
    )
    return HttpResponseRedirect(source.get_absolute_url())


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
                context["own_labels"] = label_runs([page.label for page in read.pages])
            elif numbering is not None and request.POST.get("confirm"):
                result = import_source(
                    source, path, numbering=numbering, original_name=source.file_name
                )
                messages.success(
                    request,
                    _("The pages of %(name)s are numbered %(numbering)s: %(labels)s.")
                    % {
                        "name": source.file_name,
                        "numbering": numbering,
                        "labels": label_runs([page.label for page in result.file.pages]),
                    },
                )
                return HttpResponseRedirect(source.get_absolute_url())
    except SourceFileError as error:
        context["error"] = str(error)
        return render(request, "reader/source_numbering.html", context, status=400)
    status = 400 if "numbering_error" in context else 200
    return render(request, "reader/source_numbering.html", context, status=status)


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
        read = read_source_file(path, numbering=numbering)
    except PageNumberingError as error:
        context["numbering_error"] = str(error)
        numbering, read = None, read_source_file(path, numbering=PageNumbering())
    context["pages"] = len(read.pages)
    context["preview"] = [
        (page.index + 1, page.label if numbering else "", page.text)
        for page in read.pages[:PREVIEW_PAGES]
    ]
    if numbering is not None:
        context["cited"] = _cited_pages(source, read)
    return read, numbering


def _numbering_text(request: HttpRequest, source: Source) -> str:
    """The numbering as the form gives it; the printed number of the first page alone (the
    form's field before numberings) stands for "1: label"; else the source's, else from 1."""
    if "numbering" in request.POST:
        return request.POST["numbering"]
    if first := request.POST.get("first_page_label", "").strip():
        return f"1: {first}"
    return str(stored_numbering(source) or PageNumbering())


def _cited_pages(source: Source, read: SourceFile) -> list[tuple[str, int | None, str]]:
    """Each page label that the source's citations and passages name, with the PDF page that
    gets it (None: none does) and the text there: the pages whose numbers matter most."""
    pages = {page.label: page for page in read.pages}
    cited = []
    for label in sorted(named_labels(source), key=_label_order):
        page = pages.get(label)
        cited.append((label, page.index + 1 if page else None, page.text if page else ""))
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
STAGED = "sources/staged/"


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
            stored = signing.loads(signed, salt=STAGED, max_age=3600)
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


def _stage(path: Path, name: str) -> str:
    """Keep the file for its confirmation; the signed name the form carries."""
    with path.open("rb") as file:
        stored = default_storage.save(f"{STAGED}{uuid.uuid4().hex}{path.suffix}", File(file))
    return signing.dumps({"path": stored, "name": name}, salt=STAGED)
