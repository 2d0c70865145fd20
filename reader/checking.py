"""Check a document's citations against what is stored, and against the text of the sources.

The importers refuse a marker without a note, a note without a marker and a short form that
resolves to nothing, so this re-checks the stored document for what later edits (the admin, a
deleted claim) can break: a claim whose note is empty or belongs to another document; a note that
no claim closes; a note that reads as a citation but links to no source, a short form whose text
no longer resolves (the importer's own rule, run again), or one that points to a source no earlier
note cites; a note the importer could not read as a citation (an ambiguous Ibid., a reference
with no title) is listed to review. Then the sources: a page locator outside the pages of an
imported source file, and a quotation in the source's own language that is not on the page it
cites (with the page where it is, if any). Quotations in another language are translations:
listed, not defects.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .importers.notes import parse_citations
from .importers.parsed import CommentaryFormatError, ParsedNote, SourceRef, normalise_title
from .library import short_form_lookup
from .models import Citation, Document, Source, SourcePage, SourcePassage
from .pages import label_runs, pages_of
from .quotes import find_quotation


class Kind(enum.StrEnum):
    MARKER_WITHOUT_NOTE = "marker_without_note"
    NOTE_WITHOUT_MARKER = "note_without_marker"
    UNRESOLVED_SHORT_FORM = "unresolved_short_form"
    PAGE_OUTSIDE_SOURCE = "page_outside_source"
    QUOTATION_NOT_ON_PAGE = "quotation_not_on_page"
    TO_REVIEW = "to_review"
    TRANSLATION = "translation"
    NOT_CHECKED = "not_checked"


DEFECTS = [
    Kind.MARKER_WITHOUT_NOTE,
    Kind.NOTE_WITHOUT_MARKER,
    Kind.UNRESOLVED_SHORT_FORM,
    Kind.PAGE_OUTSIDE_SOURCE,
    Kind.QUOTATION_NOT_ON_PAGE,
]
TITLES = {
    Kind.MARKER_WITHOUT_NOTE: _("Markers without notes"),
    Kind.NOTE_WITHOUT_MARKER: _("Notes without markers"),
    Kind.UNRESOLVED_SHORT_FORM: _("Short forms that resolve to nothing"),
    Kind.PAGE_OUTSIDE_SOURCE: _("Page locators outside the source’s pages"),
    Kind.QUOTATION_NOT_ON_PAGE: _("Quotations not found on the cited page"),
    Kind.TO_REVIEW: _("Notes to review: read as no citation"),
    Kind.TRANSLATION: _("Translations, not compared with the page"),
    Kind.NOT_CHECKED: _("Not checked"),
}


@dataclass
class Finding:
    kind: Kind
    message: str
    note: int | None = None
    url: str = ""  # its place in the reader
    page_url: str = ""  # the source page it concerns
    found_on: list[str] = field(default_factory=list)  # where a misplaced quotation is

    @property
    def is_defect(self) -> bool:
        return self.kind in DEFECTS


@dataclass
class Section:
    kind: Kind
    title: str
    findings: list[Finding]


@dataclass
class CitationReport:
    document: Document
    findings: list[Finding]
    checked: dict[str, int]

    @property
    def defects(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.is_defect]

    def sections(self) -> list[Section]:
        """Every kind of defect (found or not), then the notices that have findings."""
        by_kind = defaultdict(list)
        for finding in self.findings:
            by_kind[finding.kind].append(finding)
        return [
            Section(kind, str(TITLES[kind]), by_kind[kind])
            for kind in Kind
            if kind in DEFECTS or by_kind[kind]
        ]


def check_citations(document: Document) -> CitationReport:
    return _Check(document).run()


class _Check:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.findings: list[Finding] = []
        citations = Citation.objects.select_related("source")
        self.notes = list(document.notes.prefetch_related(Prefetch("citations", citations)))
        self.claims = list(document.claims.select_related("note", "block"))
        self.passages = list(
            SourcePassage.objects.filter(
                Q(block__document=document)
                | Q(pk__in=Citation.objects.filter(note__document=document).values("passage_id"))
            )
            .select_related("source", "block__document", "original")
            .order_by("block__position", "id")
        )
        sources = {c.source_id: c.source for note in self.notes for c in note.citations.all()}
        sources |= {passage.source_id: passage.source for passage in self.passages}
        self.sources: dict[int, Source] = sources
        self.imported: dict[int, list[str]] = defaultdict(list)  # labels in file order
        for source_id, label in (
            SourcePage.objects.filter(source__in=sources, pdf_index__isnull=False)
            .order_by("pdf_index")
            .values_list("source_id", "label")
        ):
            self.imported[source_id].append(label)
        self.texts: dict[int, list[tuple[str, str]]] = {}
        self.unchecked: dict[int, list[str]] = defaultdict(list)
        self.checked = {
            "notes": len(self.notes),
            "markers": len(self.claims),
            "citations": 0,
            "page_locators": 0,
            "quotations": 0,
            "translations": 0,
        }

    def run(self) -> CitationReport:
        self._markers()
        self._short_forms()
        self._page_locators()
        self._quotations()
        for source_id, what in self.unchecked.items():
            source = self.sources[source_id]
            self._add(
                Kind.NOT_CHECKED,
                gettext(
                    "%(source)s: %(what)s not checked: its pages are not imported "
                    "(manage.py import_source %(slug)s FILE)"
                )
                % {"source": _short(source), "what": gettext(", ").join(what), "slug": source.slug},
                page_url=source.get_absolute_url(),
            )
        order = {kind: position for position, kind in enumerate(Kind)}
        self.findings.sort(key=lambda f: (order[f.kind], f.note or 0))
        return CitationReport(self.document, self.findings, self.checked)

    # --- markers and notes -----------------------------------------------------------------

    def _markers(self) -> None:
        closed = {claim.note_id for claim in self.claims}
        for claim in self.claims:
            number = claim.note.number
            where = f"¶ {claim.block.anchor}"
            if claim.note.document_id != self.document.pk:
                self._add(
                    Kind.MARKER_WITHOUT_NOTE,
                    gettext(
                        "the marker %(number)s in %(where)s points to a note of another document"
                    )
                    % {"number": number, "where": where},
                    note=number,
                    url=self._url(f"claim-{number}"),
                )
            elif not claim.note.text.strip():
                self._add(
                    Kind.MARKER_WITHOUT_NOTE,
                    gettext("the marker %(number)s in %(where)s has an empty note")
                    % {"number": number, "where": where},
                    note=number,
                    url=self._url(f"claim-{number}"),
                )
        for note in self.notes:
            if note.pk not in closed:
                self._add(
                    Kind.NOTE_WITHOUT_MARKER,
                    gettext("note %(number)s is closed by no marker in the text")
                    % {"number": note.number},
                    note=note.number,
                    url=self._url(f"note-{note.number}"),
                )

    # --- short forms ---------------------------------------------------------------------------

    def _short_forms(self) -> None:
        parsed = [ParsedNote(note.number, note.text, 0) for note in self.notes]
        errors: dict[int, CommentaryFormatError] = {}
        parse_citations(
            parsed,
            document_author=self.document.author,
            errors=errors,
            library=short_form_lookup,  # as the import read them
        )
        cited_before: set[int] = set()
        for note, reread in zip(self.notes, parsed, strict=True):
            citations = list(note.citations.all())
            self.checked["citations"] += len(citations)
            url = self._url(f"note-{note.number}")
            if note.number in errors:
                self._add(Kind.UNRESOLVED_SHORT_FORM, str(errors[note.number]), note.number, url)
            for reason in reread.review:
                self._add(Kind.TO_REVIEW, f"note {note.number}: {reason}", note.number, url)
            if reread.citations and not citations:
                title = _short(reread.citations[0].source)
                self._add(
                    Kind.UNRESOLVED_SHORT_FORM,
                    gettext(
                        "note %(number)s: reads as a citation of “%(title)s” but links to no source"
                    )
                    % {"number": note.number, "title": title},
                    note.number,
                    url,
                )
            for citation in citations:
                if citation.form == Citation.Form.SHORT and citation.source_id not in cited_before:
                    self._add(
                        Kind.UNRESOLVED_SHORT_FORM,
                        gettext(
                            "note %(number)s: the short form points to “%(source)s”, which no "
                            "earlier note cites"
                        )
                        % {"number": note.number, "source": _short(citation.source)},
                        note.number,
                        url,
                    )
                elif reread.citations and not any(
                    _same_work(named.source, citation) for named in reread.citations
                ):
                    self._add(
                        Kind.UNRESOLVED_SHORT_FORM,
                        gettext(
                            "note %(number)s: its text names “%(named)s” but it links to "
                            "“%(linked)s”"
                        )
                        % {
                            "number": note.number,
                            "named": _short(reread.citations[0].source),
                            "linked": _short(citation.source),
                        },
                        note.number,
                        url,
                    )
            cited_before |= {citation.source_id for citation in citations}

    # --- page locators -------------------------------------------------------------------------

    def _page_locators(self) -> None:
        for note in self.notes:
            for citation in note.citations.all():
                if not citation.first_page:
                    continue
                source = citation.source
                labels = self.imported.get(source.pk)
                if not labels:
                    self._not_checked(source, gettext("page locators"))
                    continue
                self.checked["page_locators"] += 1
                have = set(labels)
                missing = [label for label in citation.pages.labels() if label not in have]
                if missing:
                    self._add(
                        Kind.PAGE_OUTSIDE_SOURCE,
                        ngettext(
                            "note %(number)s: %(cited)s of “%(source)s”: %(missing)s is not among "
                            "its %(count)s pages (%(labels)s)",
                            "note %(number)s: %(cited)s of “%(source)s”: %(missing)s are not among "
                            "its %(count)s pages (%(labels)s)",
                            len(missing),
                        )
                        % {
                            "number": note.number,
                            "cited": citation.pages_display,
                            "source": _short(source),
                            "missing": pages_of(missing),
                            "count": len(labels),
                            "labels": label_runs(labels),
                        },
                        note.number,
                        self._url(f"note-{note.number}"),
                        page_url=source.get_absolute_url(),
                    )

    # --- quotations ------------------------------------------------------------------------

    def _quotations(self) -> None:
        numbers = {
            citation.passage_id: note.number
            for note in self.notes
            for citation in note.citations.all()
            if citation.passage_id
        }
        for passage in self.passages:
            number = numbers.get(passage.pk)
            where = f"¶ {passage.block.anchor}" if passage.block else f"passage {passage.pk}"
            label = (
                gettext("note %(number)s (%(where)s)") % {"number": number, "where": where}
                if number
                else where
            )
            url = passage.block.get_absolute_url() if passage.block else ""
            source = passage.source
            if _language(passage.language) != _language(source.language):
                self.checked["translations"] += 1
                original = passage.original
                aligned = (
                    gettext("aligned with the original on %(pages)s")
                    % {"pages": original.pages_display}
                    if original
                    else gettext("no original aligned yet")
                )
                self._add(
                    Kind.TRANSLATION,
                    gettext(
                        "%(label)s: a translation (%(language)s) of “%(source)s” %(pages)s "
                        "(%(source_language)s); %(aligned)s"
                    )
                    % {
                        "label": label,
                        "language": passage.language,
                        "source": _short(source),
                        "pages": passage.pages_display,
                        "source_language": source.language,
                        "aligned": aligned,
                    },
                    number,
                    url,
                    page_url=passage.page_view_url(),
                )
                if original:
                    the_original = gettext("%(label)s, the original") % {"label": label}
                    self._quotation(original, the_original, number, url)
            else:
                self._quotation(passage, label, number, url)

    def _quotation(self, passage: SourcePassage, label: str, number: int | None, url: str) -> None:
        source = passage.source
        if not self.imported.get(source.pk):
            self._not_checked(source, gettext("quotations"))
            return
        self.checked["quotations"] += 1
        pages = self._texts(source)
        if passage.pages:
            within = passage.pages.within([label for label, _ in pages])
            cited = [pages[place] for place in within] if within else []
        else:  # a passage with no pages is looked for on every page
            cited = pages
        if cited and find_quotation(passage.text, cited):
            return
        found = find_quotation(passage.text, pages)
        elsewhere = (
            gettext("found on %(pages)s") % {"pages": pages_of(found)}
            if found
            else gettext("found on no page of the source")
        )
        self._add(
            Kind.QUOTATION_NOT_ON_PAGE,
            gettext("%(label)s: the quotation of “%(source)s” is not on %(pages)s; %(elsewhere)s")
            % {
                "label": label,
                "source": _short(source),
                "pages": passage.pages_display or gettext("its pages"),
                "elsewhere": elsewhere,
            },
            number,
            url,
            page_url=source.page_view_url((found or [passage.first_page])[0]),
            found_on=found or [],
        )

    def _texts(self, source: Source) -> list[tuple[str, str]]:
        if source.pk not in self.texts:
            self.texts[source.pk] = list(
                source.pages.filter(pdf_index__isnull=False)
                .order_by("pdf_index")
                .values_list("label", "text")
            )
        return self.texts[source.pk]

    # --- helpers ---------------------------------------------------------------------------

    def _not_checked(self, source: Source, what: str) -> None:
        if what not in self.unchecked[source.pk]:
            self.unchecked[source.pk].append(what)

    def _url(self, anchor: str) -> str:
        return f"{self.document.get_absolute_url()}#{anchor}"

    def _add(
        self,
        kind: Kind,
        message: str,
        note: int | None = None,
        url: str = "",
        *,
        page_url: str = "",
        found_on: list[str] | None = None,
    ) -> None:
        self.findings.append(Finding(kind, message, note, url, page_url, found_on or []))


def _short(work: Source | SourceRef) -> str:
    """The title without its subtitle: National Defense Strategy."""
    return work.title.replace("：", ":").split(":")[0].strip() or work.title


def _same_work(ref: SourceRef, citation: Citation) -> bool:
    return ref.key in (citation.source.url, normalise_title(citation.source.title))


def _language(code: str) -> str:
    return code.split("-")[0].lower()
