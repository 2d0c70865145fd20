"""Pages where analysts tend the library of sources: merge a source into another that is the same
work (/sources/<slug>/merge/), and say what a note cites when the importer could not read it, or
read it wrong (/documents/<slug>/notes/<n>/fix/): choose the source from the library or describe
a new one, and the pages. A fix is kept for the note's text (reader.models.CitationFix), so a
re-import of the same revision keeps it. Analysts and staff may; plain forms with a CSRF token."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .importers.commentary import CITED_PAGES, _source_slug, note_hash
from .importers.notes import LOCATOR_RE, locator_pages
from .importers.parsed import has_cjk
from .library import MergeRefused, library_choices, merge_sources
from .models import Citation, CitationFix, Document, Note, Source, SourcePage, SourcePassage
from .pages import PageRange
from .signals import source_text_changed
from .views import may_attach

NEW = "__new__"


def _allowed(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not may_attach(request.user):
        raise PermissionDenied(_("Only analysts and staff may change the library of sources."))
    return None


class MergeForm(forms.Form):
    into = forms.ChoiceField(label=gettext_lazy("Merge this source into"))

    def __init__(self, *args: Any, source: Source, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *[(slug, label) for slug, label in library_choices() if slug != source.slug],
        ]


def merge_source(request: HttpRequest, slug: str) -> HttpResponse:
    source = get_object_or_404(Source, slug=slug)
    if (refused := _allowed(request)) is not None:
        return refused
    form = MergeForm(request.POST or None, source=source)
    context: dict[str, Any] = {
        "source": source,
        "form": form,
        "counts": {
            "citations": source.citations.count(),
            "pages": source.pages.count(),
            "passages": source.passages.count(),
        },
    }
    if request.method != "POST":
        return render(request, "reader/source_merge.html", context)
    if not form.is_valid():
        return render(request, "reader/source_merge.html", context, status=400)
    kept = Source.objects.get(slug=form.cleaned_data["into"])
    try:
        merged = merge_sources(kept, source)
    except MergeRefused as error:
        context["error"] = str(error)
        return render(request, "reader/source_merge.html", context, status=400)
    messages.success(
        request,
        _(
            "“%(merged)s” is now part of this source: %(citations)d citations, %(pages)d pages "
            "and %(passages)d passages moved; its old address leads here."
        )
        % {
            "merged": source.title,
            "citations": merged.citations,
            "pages": merged.pages,
            "passages": merged.passages,
        },
    )
    return HttpResponseRedirect(kept.get_absolute_url())


class FixForm(forms.Form):
    source = forms.ChoiceField(
        label=gettext_lazy("Source"),
        help_text=gettext_lazy("A work of the library, or a new one described below."),
    )
    locator = forms.CharField(
        label=gettext_lazy("Pages"),
        required=False,
        max_length=50,
        help_text=gettext_lazy("As printed: p.19, pp.20–21, 70-72頁. Empty for the whole work."),
    )
    title = forms.CharField(label=gettext_lazy("Title of the new source"), required=False)
    author = forms.CharField(label=gettext_lazy("Author or issuer"), required=False)
    issued = forms.CharField(label=gettext_lazy("Date as printed"), required=False)
    url = forms.URLField(
        label=gettext_lazy("URL"), required=False, max_length=500, assume_scheme="https"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            (NEW, _("A new source (describe it below)")),
            *library_choices(),
        ]

    def clean_locator(self) -> str:
        locator = self.cleaned_data["locator"].strip()
        if locator and locator.isdigit():
            locator = f"p.{locator}"
        if locator and not LOCATOR_RE.fullmatch(locator):
            raise forms.ValidationError(
                _("Write the pages as printed, for example p.19, pp.20–21 or 70-72頁.")
            )
        return locator

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("source") == NEW and not (data.get("title") or "").strip():
            self.add_error("title", _("A new source needs its title."))
        return data

    def pages(self) -> tuple[str, str]:
        return locator_pages(LOCATOR_RE.fullmatch(self.cleaned_data["locator"]))


def fix_note(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    note = get_object_or_404(
        Note.objects.select_related("document"), document__slug=slug, number=number
    )
    if (refused := _allowed(request)) is not None:
        return refused
    document = note.document
    review = [
        item["reason"]
        for item in document.import_summary.get("to_review", [])
        if item.get("note") == number
    ]
    form = FixForm(request.POST or None)
    context: dict[str, Any] = {
        "document": document,
        "note": note,
        "citations": note.citations.select_related("source"),
        "review": review,
        "form": form,
    }
    if request.method != "POST":
        return render(request, "reader/note_fix.html", context)
    if not form.is_valid():
        return render(request, "reader/note_fix.html", context, status=400)
    with transaction.atomic():
        source = _chosen_source(form)
        first, last = form.pages()
        CitationFix.objects.filter(document=document, note_number=number).delete()
        CitationFix.objects.create(
            document=document,
            note_number=number,
            note_hash=note_hash(note.text),
            source=source,
            locator=form.cleaned_data["locator"],
            first_page=first,
            last_page=last,
            created_by=request.user,  # type: ignore[misc]
        )
        _apply(note, source, form.cleaned_data["locator"], first, last)
    messages.success(
        request,
        _("Note %(number)d now cites “%(title)s”%(pages)s.")
        % {
            "number": number,
            "title": source.title,
            "pages": f" {first and PageRange(first, last)}",
        },
    )
    return HttpResponseRedirect(note.get_absolute_url())


def _chosen_source(form: FixForm) -> Source:
    data = form.cleaned_data
    if data["source"] != NEW:
        return Source.objects.get(slug=data["source"])
    title = data["title"].strip()
    return Source.objects.create(
        slug=_source_slug(title),
        title=title,
        author=data["author"].strip(),
        issued=data["issued"].strip(),
        url=data["url"],
        kind=Source.Kind.PDF if data["url"].lower().endswith(".pdf") else Source.Kind.WEB,
        language="ja" if has_cjk(title) else "en",
    )


def _apply(note: Note, source: Source, locator: str, first: str, last: str) -> None:
    """Make the note cite what the analyst said, now (the import does the same on a re-import)."""
    old_sources = list(note.citations.values_list("source_id", flat=True))
    passage = note.citations.exclude(passage=None).values_list("passage", flat=True).first()
    note.citations.all().delete()
    Citation.objects.create(
        note=note,
        source=source,
        form=Citation.Form.FIXED,
        locator=locator,
        first_page=first,
        last_page=last,
        first_number=int(first) if first.isdigit() else None,
        last_number=int(last) if last.isdigit() else None,
        passage_id=passage,
    )
    if passage:  # the quotation the note closes is a passage of the work it now cites
        SourcePassage.objects.filter(pk=passage).update(
            source=source, first_page=first, last_page=last
        )
    SourcePage.objects.bulk_create(
        [
            SourcePage(source=source, label=label)
            for label in PageRange(first, last).labels(CITED_PAGES)
        ],
        ignore_conflicts=True,
    )
    document = note.document
    summary = dict(document.import_summary)
    summary["to_review"] = [
        item for item in summary.get("to_review", []) if item.get("note") != note.number
    ]
    summary["fixed"] = sorted({*summary.get("fixed", []), note.number})
    Document.objects.filter(pk=document.pk).update(import_summary=summary)
    document.import_summary = summary
    for changed in Source.objects.filter(pk__in=[source.pk, *old_sources]):
        source_text_changed.send(Source, source=changed)
    Document.objects.filter(pk=document.pk).refresh_readers()
