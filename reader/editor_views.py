"""Pages where editors import commentaries from the browser: a new document at /documents/new/,
a new revision of an existing one at /documents/<slug>/import/. Staff and members of the
`editors` group may; the importer's summary or its error (with the line or page) is shown, and a
refused file changes nothing (the import is one transaction)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import DataError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import in_group, is_analyst
from config.idempotency import idempotent

from .importers.commentary import ImportResult, import_commentary
from .importers.parsed import CommentaryFormatError
from .models import Document

EDITORS_GROUP = "editors"
MAX_UPLOAD = 20 * 1024 * 1024  # bytes


def is_editor(user: Any) -> bool:
    """Who may import commentaries: staff and the editors group (the user's groups are read
    once per request, as for the analysts group)."""
    if not user.is_authenticated:
        return False
    return bool(user.is_staff or in_group(user, EDITORS_GROUP))


class CommentaryUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Commentary file"),
        help_text=gettext_lazy("Plain text, Markdown with footnotes, or the published PDF."),
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


@idempotent
def new_document(request: HttpRequest) -> HttpResponse:
    """Upload a commentary; its slug comes from the front matter or the file name."""
    return _import_page(request, document=None)


@idempotent
def reimport_document(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload a new revision of a document; its annotations are re-anchored."""
    return _import_page(request, document=get_object_or_404(Document, slug=slug))


def _import_page(request: HttpRequest, *, document: Document | None) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_editor(request.user):
        raise PermissionDenied(_("Only staff and members of the editors group may import."))
    context: dict[str, object] = {
        "document": document,
        "form": CommentaryUploadForm(),
        "can_fix": request.user.is_staff or is_analyst(request.user),
    }
    if request.method != "POST":
        return render(request, "reader/document_import.html", context)
    form = CommentaryUploadForm(request.POST, request.FILES)
    context["form"] = form
    if not form.is_valid():
        return render(request, "reader/document_import.html", context, status=400)
    upload = form.cleaned_data["file"]
    try:
        context["result"] = _import_upload(upload, slug=document.slug if document else None)
    except CommentaryFormatError as error:
        context["error"] = str(error)
    except DataError:
        context["error"] = _("A value in the file is too long to be stored (a title, an author?).")
    status = 400 if "error" in context else 200
    return render(request, "reader/document_import.html", context, status=status)


def _import_upload(upload: UploadedFile, *, slug: str | None) -> ImportResult:
    """Import the uploaded file under its own name (the slug may come from the file name)."""
    name = get_valid_filename(Path(upload.name or "commentary").name)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / (name or "commentary")
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        return import_commentary(path, slug=slug)
