"""Pages of the reader. Who may see them: everyone when READER_PUBLIC is on (the default), else
logged-in users only; all are read-only (GET and HEAD)."""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.db.models import Count, Max
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, gettext_lazy
from django.views import defaults
from django.views.decorators.http import require_safe

from accounts.models import is_analyst
from config.api.errors import json_error
from config.exports import safe_cell

from .alignment import suggest_originals
from .caching import SOURCES, Stamp, document_scope, shared_by_anonymous
from .checking import check_citations
from .editor_views import is_editor
from .ledger import (
    CSV_FIELDS,
    STATUSES,
    VERDICTS,
    filtered,
    ledger,
    ledger_rows,
    mark_claims,
    summarise,
)
from .middleware import DATABASE_UNAVAILABLE, unavailable
from .models import Claim, Document, Source, SourcePage, SourcePassage, SourceProcessing
from .pages import PageRange
from .reading import layout
from .signals import answers, document_page_parts

View = Callable[..., HttpResponseBase]


def readable(view: View) -> View:
    """Serve a reading page to anyone when the reader is public, else to logged-in users."""

    @require_safe
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        if not settings.READER_PUBLIC and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


@readable
def index(request: HttpRequest) -> HttpResponse:
    documents = Document.objects.all()
    return render(request, "reader/index.html", {"documents": documents})


def document_stamp(slug: str) -> Stamp | None:
    """What the reader page of a document shows anonymous readers, as of when: its revision, its
    last change (an import, a source's pages, an alignment: DocumentQuerySet.refresh_readers)
    and what the apps above add to it (annotations: the notes they see; reader.signals)."""
    row = Document.objects.filter(slug=slug).values_list("pk", "revision", "updated").first()
    if row is None:
        return None
    pk, revision, updated = row
    parts: list[tuple[str, datetime | None]] = answers(document_page_parts, document_pk=pk)
    latest = max(filter(None, [updated, *(changed for _, changed in parts)]))
    shown = ":".join(text for text, _ in parts)
    version = f"{pk}:{revision}:{updated.isoformat()}:{shown}:{latest.isoformat()}"
    return version, latest.timestamp()


def sources_stamp(**kwargs: str) -> Stamp:
    """What the sources' pages show, as of when: the sources, and the documents citing them."""
    sources = Source.objects.aggregate(latest=Max("updated"), count=Count("pk"))
    documents = Document.objects.aggregate(latest=Max("updated"), count=Count("pk"))
    times = [t for t in (sources["latest"], documents["latest"]) if t is not None]
    version = ":".join(
        str(value)
        for value in (sources["count"], sources["latest"], documents["count"], documents["latest"])
    )
    return version, max(times).timestamp() if times else 0.0


# Document bodies this process rendered or fetched lately, by the same key as in the shared cache
# (which names the revision and the last change, so a copy is never out of date): the body is most
# of the work of a page, and a cache that does not answer (config.cache) must not make every page
# render it again.
_bodies: dict[str, str] = {}
LOCAL_BODIES = 16


@readable
@shared_by_anonymous(document_scope, document_stamp)
def document(request: HttpRequest, slug: str) -> HttpResponse:
    doc = get_object_or_404(Document, slug=slug)
    key = f"reader:body:{doc.pk}:{doc.revision}:{doc.updated.timestamp()}:{get_language()}"
    body = _bodies.get(key) or cache.get(key)
    if body is None:
        rows = layout(doc)
        evidence = {row.note: row for row in ledger(doc, AnonymousUser())}  # no judgements
        for block in rows:
            for note, _ in block.notes:
                note.evidence = evidence.get(note.number)  # type: ignore[attr-defined]
        body = render_to_string("reader/_document_body.html", {"document": doc, "rows": rows})
        cache.set(key, body, settings.READER_CACHE_SECONDS)
    if len(_bodies) >= LOCAL_BODIES:
        _bodies.clear()
    _bodies[key] = body
    context = {
        "document": doc,
        "body": mark_safe(body),  # rendered from our escaped template
        "can_import": is_editor(request.user),  # False for anonymous readers: no query
    }
    return render(request, "reader/document.html", context)


@require_safe
def switch_language(request: HttpRequest, code: str) -> HttpResponse:
    """Set the interface language and go back; a plain link, so that pages need no form."""
    if code not in dict(settings.LANGUAGES):
        raise Http404("No such language.")
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, code, max_age=365 * 24 * 3600, samesite="Lax"
    )
    return response


@readable
def source_list(request: HttpRequest) -> HttpResponse:
    sources = Source.objects.all()
    return render(request, "reader/source_list.html", {"sources": sources})


@readable
@shared_by_anonymous(lambda slug: SOURCES, sources_stamp)
def source(request: HttpRequest, slug: str) -> HttpResponse:
    src = get_object_or_404(Source, slug=slug)
    citing = src.citations.claims()
    mark_claims(citing, request.user)
    context = {
        "source": src,
        "pages": src.pages.all(),
        "passages": src.passages.select_related("block__document", "original"),
        "citing": citing,
        "can_attach": may_attach(request.user),
    }
    if context["can_attach"]:
        context["processing"] = _shown_processing(src)
    return render(request, "reader/source.html", context)


# A finished reading stays on the source page this long, so that its end is seen.
PROCESSING_SHOWN_AFTER_DONE = timedelta(hours=1)
STAGE_LABELS = {
    "pages": gettext_lazy("Pages read"),
    "sentences": gettext_lazy("Sentences embedded"),
}


def _shown_processing(source: Source) -> dict[str, Any] | None:
    processing = SourceProcessing.objects.latest_for(source)
    if processing is None or (
        processing.status == processing.Status.DONE
        and processing.finished
        and timezone.now() - processing.finished > PROCESSING_SHOWN_AFTER_DONE
    ):
        return None
    return processing_state(processing)


def processing_state(processing: SourceProcessing) -> dict[str, Any]:
    """What the progress bar of a file's reading shows (reader/_processing.html, and the JSON
    its script polls): the state, each stage with its label, and a sentence for the state."""
    state = processing.as_json()
    if not any(stage["stage"] == "pages" for stage in state["stages"]):
        state["stages"].insert(0, {"stage": "pages", "done": 0, "total": 0})
    for stage in state["stages"]:
        stage["label"] = str(STAGE_LABELS.get(stage["stage"], stage["stage"]))
    state["message"] = _processing_message(processing)
    state["may_retry"] = processing.may_retry
    return state


def _processing_message(processing: SourceProcessing) -> str:
    values = {"name": processing.file_name, "error": processing.error}
    if processing.is_stalled:
        return (
            gettext(
                "The reading of %(name)s stopped: its worker was interrupted. It is queued again "
                "soon, or retry now."
            )
            % values
        )
    messages = {
        processing.Status.QUEUED: gettext("%(name)s is waiting for a worker to read it."),
        processing.Status.RUNNING: gettext("Reading %(name)s…"),
        processing.Status.DONE: gettext("%(name)s is read."),
        processing.Status.FAILED: gettext("%(name)s could not be read: %(error)s"),
    }
    return messages[processing.Status(processing.status)] % values


def may_attach(user: Any) -> bool:
    """Who may attach a source's file: analysts and staff."""
    return bool(user.is_authenticated and (user.is_staff or is_analyst(user)))


def offer_to_attach(citing: list[tuple[Claim, str]], src: Source, user: Any) -> None:
    """On a page's view, a claim that cannot be checked for want of the source's file links to
    the form that attaches it (`claim.attach_url`; the source's own view has the form's button
    above its claims): for those who may attach, and for visitors, who log in on the way; not
    for members who may not."""
    if user.is_authenticated and not may_attach(user):
        return
    url = reverse("reader:attach_source_file", args=[src.slug])
    for claim, _pages in citing:
        row = getattr(claim, "evidence", None)
        evidence = row.evidence if row is not None else []
        if any(e.missing_file and e.citation and e.citation.source_id == src.pk for e in evidence):
            claim.attach_url = url  # type: ignore[attr-defined]


@readable
@shared_by_anonymous(lambda slug, label: SOURCES, sources_stamp)
def source_page(request: HttpRequest, slug: str, label: str) -> HttpResponse:
    page = get_object_or_404(
        SourcePage.objects.select_related("source"), source__slug=slug, label=label
    )
    return render(request, "reader/source_page.html", source_page_context(request, page))


def source_page_context(request: HttpRequest, page: SourcePage) -> dict[str, object]:
    """What the source page shows; analysts also get a form to align each translation on it."""
    src = page.source
    can_align = bool(page.text) and is_analyst(request.user)
    citing = src.citations.of_page(page).claims()
    mark_claims(citing, request.user)
    offer_to_attach(citing, src, request.user)
    passages = list(src.passages.select_related("block__document", "original").on_page(page))
    if can_align:
        for passage in passages:  # the likeliest original sentences, each with “Use this”
            if passage.provenance != passage.Provenance.ORIGINAL and not passage.original:
                passage.suggestions = suggest_originals(passage)  # type: ignore[attr-defined]
    return {
        "source": src,
        "page": page,
        "pdf_url": src.viewer_url(page.label, _passage_to_find(passages, src))
        or src.url_at_page(page.label),
        "passages": passages,
        "citing": citing,
        "can_align": can_align,
    }


def _passage_to_find(passages: list[SourcePassage], src: Source) -> int | None:
    """The passage that the viewer opened from a page's view finds, as it does from the reader:
    the first one quoted from the page whose words the source has (its own language, or aligned
    with its original), else the first one."""
    findable = [p for p in passages if p.language == src.language or p.original_id]
    chosen = findable or passages
    return chosen[0].pk if chosen else None


@readable
def document_check(request: HttpRequest, slug: str) -> HttpResponse:
    """The citation integrity report of a document (what `manage.py check_citations` prints)."""
    doc = get_object_or_404(Document, slug=slug)
    context = {
        "report": check_citations(doc),
        "evidence": summarise(ledger(doc, request.user)),
        "can_import": is_editor(request.user),
        "can_fix": may_attach(request.user),
    }
    return render(request, "reader/document_check.html", context)


@require_safe
def health(request: HttpRequest) -> HttpResponse:
    """A minimal view for load balancers (and the baseline of bench/reader.py); open to all."""
    return HttpResponse("ok", content_type="text/plain")


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A 404 for every URL: JSON under /api/, the HTML page elsewhere."""
    if request.path.startswith("/api/"):
        return json_error(gettext("Not found."), 404)
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A request Django refuses before any view (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many
    fields): JSON under /api/, with 413 for a body too large; the HTML page elsewhere."""
    if not request.path.startswith("/api/"):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        detail = gettext("The request body is larger than %(limit)s bytes: send less.") % {
            "limit": f"{limit:,}"
        }
        return json_error(detail, 413)
    return json_error(gettext("Bad request: %(reason)s") % {"reason": exception}, 400)


def server_error(request: HttpRequest) -> HttpResponse:
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return unavailable(request)  # raised outside a view (a middleware saving a session)
    if request.path.startswith("/api/"):
        return json_error(gettext("Server error: it has been logged."), 500)
    return defaults.server_error(request)


@readable
def source_file(request: HttpRequest, slug: str) -> HttpResponseBase:
    """The source's stored file, for whoever may read the source: its type, a strong ETag (its
    SHA-256), and single byte ranges (206), so that a PDF viewer can fetch the pages it shows."""
    src = get_object_or_404(Source, slug=slug)
    if not src.file:
        raise Http404("No file is stored for this source.")
    etag = f'"{src.file_sha256}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return not_modified
    try:
        size = src.file.size
        handle = src.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("The stored file is missing: attach it again.") from error
    ranges = _byte_range(request.headers.get("Range", ""), size)
    if request.headers.get("If-Range", etag) != etag:
        ranges = None  # the client holds another version: send it all
    if ranges == "unsatisfiable":
        handle.close()
        response: HttpResponseBase = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    elif isinstance(ranges, tuple):
        first, last = ranges
        handle.seek(first)
        response = HttpResponse(handle.read(last - first + 1), status=206)
        handle.close()
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    else:
        response = FileResponse(handle)
        response["Content-Length"] = str(size)
    response["Content-Type"] = src.file_type or "application/octet-stream"
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    name = src.file_name or "file"
    response["Content-Disposition"] = content_disposition_header(False, name) or "inline"
    # What the file itself says never runs here: a stored HTML page gets no scripts, no forms.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; style-src 'unsafe-inline'"
    return response


BYTE_RANGE = re.compile(r"([0-9]*)-([0-9]*)")


def _byte_range(header: str, size: int) -> tuple[int, int] | str | None:
    """The one range of a `Range: bytes=…` header, as (first, last) inclusive; "unsatisfiable";
    or None to send the whole file (no header, several ranges, a header we do not read)."""
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or not spec or "," in spec:
        return None
    # RFC 9110 byte positions are ASCII digits only: int() would also take "1_0", "+1" or "١".
    match = BYTE_RANGE.fullmatch(spec.strip())
    if match is None or match.group() == "-":
        return None
    start, end = match.groups()
    if not start:  # the last `end` bytes
        length = int(end)
        if length <= 0:
            return "unsatisfiable"
        return max(0, size - length), size - 1
    first = int(start)
    last = int(end) if end else size - 1
    if first >= size or last < first:
        return "unsatisfiable"
    return first, min(last, size - 1)


@readable
def source_viewer(request: HttpRequest, slug: str) -> HttpResponse:
    """The stored PDF in the browser (pdf.js, static/reader/viewer.js), opened at the PDF page that
    carries the printed page `?page=`, with the words of `?passage=` found on its pages: the
    passage itself when it is in the source's language, else its aligned original. The page
    list marks the pages the commentaries cite."""
    src = get_object_or_404(Source, slug=slug)
    if not src.has_pdf_file:
        raise Http404("No PDF file is stored for this source.")
    indexes: dict[str, int | None] = dict(
        src.pages.exclude(pdf_index=None).values_list("label", "pdf_index")
    )
    by_index = {index: label for label, index in indexes.items() if index is not None}
    label = request.GET.get("page", "")
    number = src.pdf_page_number(label, indexes) if label else 1
    if number is None and re.fullmatch(r"#[0-9]+", label):  # a PDF page, as the viewer writes it
        number = min(int(label[1:]), max(by_index, default=0) + 1) or 1
    labels = [by_index.get(index, "") for index in range(max(by_index, default=-1) + 1)]
    cited = {
        page for first, last in src.citations.values_list("first_page", "last_page")
        for page in PageRange(first, last).labels()
    }  # fmt: skip
    context: dict[str, Any] = {
        "source": src,
        "labels": labels,
        "page_list": [(place + 1, name, name in cited) for place, name in enumerate(labels)],
        "number": number or 1,
        "missing": label if label and number is None else "",
        "find": "",
    }
    wanted = request.GET.get("passage", "")
    passage = src.passages.filter(pk=int(wanted)).first() if wanted.isdigit() else None
    if passage is not None:
        original = passage if passage.language == src.language else passage.original
        where = original or passage
        numbers = [indexes[page] for page in where.pages.labels() if indexes.get(page) is not None]
        context["passage"] = passage
        context["find"] = {
            "text": original.text if original else "",
            "pages": [index + 1 for index in numbers if index is not None],
            "where": where.pages_display,
        }
    elif wanted := request.GET.get("find", "")[:MAX_FIND]:  # a claim's evidence sentence
        label = request.GET.get("page", "")
        context["find"] = {"text": wanted, "pages": [], "where": f"p.{label}" if label else ""}
    return render(request, "reader/source_viewer.html", context)


MAX_FIND = 2000  # characters: two sentences, with room


@readable
def claim_ledger(request: HttpRequest, slug: str) -> HttpResponse:
    """Every claim of the document with its evidence status and the judgements the viewer may
    see (reader.ledger), filtered by status, verdict and source; `?format=csv` as a spreadsheet."""
    doc = get_object_or_404(Document, slug=slug)
    rows = ledger(doc, request.user)
    shown = filtered(rows, request.GET)
    if request.GET.get("format") == "csv":
        data = ledger_rows(shown, request.build_absolute_uri)
        response = HttpResponse(ledger_csv(data), content_type="text/csv; charset=utf-8")
        name = f"{doc.slug}-claims.csv"
        response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
        return response
    counts = {status: sum(row.status == status for row in rows) for status in STATUSES}
    context = {
        "document": doc,
        "rows": shown,
        "total": len(rows),
        "counts": [(status, STATUSES[status], counts[status]) for status in STATUSES],
        "statuses": STATUSES.items(),
        "verdicts": VERDICTS.items(),
        "sources": sorted({s for row in rows for s in row.sources}, key=lambda s: s.title),
        "chosen": {name: request.GET.get(name, "") for name in ("status", "verdict", "source")},
        "csv_query": request.GET.urlencode(),
    }
    return render(request, "reader/claim_ledger.html", context)


def ledger_csv(data: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_FIELDS)
    for row in data:
        cells = {
            **row,
            "sources": ";".join(row["sources"]),
            "evidence": " | ".join(
                f"p.{found['page']} ({found['score']:.2f}): {found['text']}"
                for found in row["evidence"][:1] + row["elsewhere"][:1]
            ),
            "judgements": "; ".join(
                f"{j['author']}: {j['judgement']}" + (f" ({j['reason']})" if j["reason"] else "")
                for j in row["judgements"]
            ),
        }
        writer.writerow([safe_cell(cells[name]) for name in CSV_FIELDS])
    return out.getvalue()
