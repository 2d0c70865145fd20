"""The claim ledger: for each claim of a document, in order, whether its evidence can be checked
and holds, the sentences of the source it rests on, and what the analysts judged of it.

A citation's evidence status says exactly what the machine established:
- `verified`: a quotation found on its cited pages in the source's words, directly or through
  its aligned original. Nothing else is verified by the machine;
- `evidence_found`: the cited pages hold a sentence close to the claim (reader.evidence.FOUND):
  an analyst confirms;
- `page_mismatch`: another page of the source holds the words (a quotation), or a sentence
  clearly closer than the cited pages' best (reader.evidence.MARGIN); the reason names the page
  (“the words are on p.8, not p.7”);
- `no_evidence`: nothing close on any page of the file;
- `needs_alignment`: the pages are there, but the quotation is a translation not yet aligned;
- `defect`: a cited page outside the file, a quotation found on no page, a short form or
  reference that resolves to nothing (reader.checking);
- `unverifiable`: no file for the source yet, no page cited, or its sentences not embedded yet;
  the reason says what to do.
A claim takes the worst status of its note's citations, and lists the best sentences of its cited
pages (`evidence`) and of other pages when they score clearly higher (`elsewhere`): suggestions,
the verdict stays with the analyst. The judgements are the annotations on the claim that the
viewer may see (the apps above give them: reader.signals.claim_judgements), and give a verdict:
`agreed` (two analysts or more, all the same), `disputed` (analysts differ), `one_analyst`
(one analyst's verdict, which reads as theirs), or `not_judged`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Prefetch
from django.db.models.functions import Length
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .checking import Kind, check_citations
from .evidence import SHOWN, ClaimEvidence, Found, claim_evidence, source_sentences, text_vectors
from .models import Citation, Claim, Document, Source, SourcePage, SourcePassage
from .pages import label_runs, pages_of
from .quotes import find_quotation
from .signals import answers, claim_judgements

VERIFIED, EVIDENCE_FOUND, PAGE_MISMATCH, NO_EVIDENCE = (
    "verified",
    "evidence_found",
    "page_mismatch",
    "no_evidence",
)
NEEDS_ALIGNMENT, DEFECT, UNVERIFIABLE = "needs_alignment", "defect", "unverifiable"
STATUSES = {
    VERIFIED: gettext_lazy("Verified"),
    EVIDENCE_FOUND: gettext_lazy("Evidence found"),
    PAGE_MISMATCH: gettext_lazy("Page mismatch"),
    NO_EVIDENCE: gettext_lazy("No evidence"),
    NEEDS_ALIGNMENT: gettext_lazy("Needs alignment"),
    DEFECT: gettext_lazy("Defect"),
    UNVERIFIABLE: gettext_lazy("Cannot be checked yet"),
}
# From the best to the worst: a claim takes the worst of its citations'.
ORDER = [
    VERIFIED,
    EVIDENCE_FOUND,
    NEEDS_ALIGNMENT,
    UNVERIFIABLE,
    NO_EVIDENCE,
    PAGE_MISMATCH,
    DEFECT,
]
AGREED, DISPUTED, ONE_ANALYST, NOT_JUDGED = "agreed", "disputed", "one_analyst", "not_judged"
VERDICTS = {
    AGREED: gettext_lazy("Agreed"),
    DISPUTED: gettext_lazy("Disputed among analysts"),
    ONE_ANALYST: gettext_lazy("Judged by one analyst"),
    NOT_JUDGED: gettext_lazy("Not judged"),
}


@dataclass
class Evidence:
    citation: Citation | None
    status: str
    reason: str
    missing_file: bool = False  # unverifiable for want of the source's file
    found: ClaimEvidence | None = None  # the sentences it rests on, when the file's are embedded


@dataclass
class Judgement:
    author: str
    judgement: str
    label: str
    reason: str


@dataclass
class LedgerRow:
    claim: Claim
    evidence: list[Evidence]
    judgements: list[Judgement] = field(default_factory=list)
    offset: int = 0  # where the claim's block starts in the document's plain_text()

    @property
    def start(self) -> int:
        """The claim's words in the document's plain_text(), as annotations count them."""
        return self.offset + self.claim.start

    @property
    def end(self) -> int:
        return self.offset + self.claim.end

    @property
    def note(self) -> int:
        return self.claim.note.number

    @property
    def status(self) -> str:
        return max((e.status for e in self.evidence), key=ORDER.index, default=UNVERIFIABLE)

    @property
    def status_label(self) -> str:
        return str(STATUSES[self.status])

    @property
    def reason(self) -> str:
        return "; ".join(e.reason for e in self.evidence if e.status == self.status and e.reason)

    @property
    def sources(self) -> list[Source]:
        seen: dict[int, Source] = {}
        for evidence in self.evidence:
            if evidence.citation is not None:
                seen.setdefault(evidence.citation.source_id, evidence.citation.source)
        return list(seen.values())

    @property
    def pages(self) -> str:
        return ", ".join(
            e.citation.pages_display for e in self.evidence if e.citation and e.citation.first_page
        )

    @property
    def sentences(self) -> list[Found]:
        """The best sentences of the cited pages, best first (all citations together)."""
        found = [f for e in self.evidence if e.found for f in e.found.evidence]
        return sorted(found, key=lambda f: -f.score)[:SHOWN]

    @property
    def best(self) -> Found | None:
        """The sentence the claim most likely rests on: of its cited pages, or of the page it
        seems to be on instead (a page mismatch)."""
        if self.status == PAGE_MISMATCH and self.elsewhere:
            return self.elsewhere[0]
        return self.sentences[0] if self.sentences else None

    @property
    def best_url(self) -> str:
        """The best sentence in the viewer of the stored PDF, highlighted on its page (or the
        source's page view without a PDF)."""
        best = self.best
        source = next((s for s in self.sources if best and s.slug == best.source), None)
        if best is None or source is None:
            return ""
        viewer = source.viewer_url(best.page)
        if not viewer:
            return source.page_view_url(best.page)
        return f"{viewer}&{urlencode({'find': best.text})}"

    @property
    def elsewhere(self) -> list[Found]:
        found = [f for e in self.evidence if e.found for f in e.found.elsewhere]
        return sorted(found, key=lambda f: -f.score)[:SHOWN]

    @property
    def latest(self) -> dict[str, Judgement]:
        """Each analyst's last word."""
        return {j.author: j for j in self.judgements}

    @property
    def verdict(self) -> str:
        latest = self.latest
        if not latest:
            return NOT_JUDGED
        if len(latest) == 1:
            return ONE_ANALYST  # one analyst's verdict is theirs, not an agreement
        return AGREED if len({j.judgement for j in latest.values()}) == 1 else DISPUTED

    @property
    def verdict_label(self) -> str:
        if self.verdict == ONE_ANALYST:
            [only] = self.latest.values()
            return _("%(author)s: %(label)s") % {"author": only.author, "label": only.label}
        return str(VERDICTS[self.verdict])


def ledger(document: Document, viewer: Any) -> list[LedgerRow]:
    """One row per claim of the document, in reading order."""
    return _Ledger(document, viewer).rows()


class _Ledger:
    def __init__(self, document: Document, viewer: Any) -> None:
        self.document = document
        self.viewer = viewer
        citations = Citation.objects.select_related("source", "passage__original", "passage")
        self.claims = list(
            document.claims.select_related("note", "block").prefetch_related(
                Prefetch("note__citations", citations)
            )
        )
        self.defects: dict[int, list[str]] = defaultdict(list)
        for finding in check_citations(document).findings:
            if finding.kind == Kind.UNRESOLVED_SHORT_FORM and finding.note:
                self.defects[finding.note].append(finding.message)
        sources = {c.source_id for claim in self.claims for c in claim.note.citations.all()}
        self.pages: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for source_id, label, text in (
            SourcePage.objects.filter(source__in=sources, pdf_index__isnull=False)
            .order_by("pdf_index")
            .values_list("source_id", "label", "text")
        ):
            self.pages[source_id].append((label, text))
        self.labels = {
            source: [label for label, _ in pages] for source, pages in self.pages.items()
        }
        self.sentences = source_sentences(sources)
        embedded = [c for c in self.claims if self.sentences.keys() & _cited(c)]
        vectors: Any = text_vectors([claim.text for claim in embedded]) if embedded else []
        self.vectors = dict(zip((claim.pk for claim in embedded), vectors, strict=True))

    def rows(self) -> list[LedgerRow]:
        judgements = self._judgements()
        offsets: dict[int, int] = {}
        offset = 0
        for block, length in self.document.blocks.values_list("pk", Length("text")):
            offsets[block] = offset
            offset += length + 2  # plain_text() joins blocks with a blank line
        return [
            LedgerRow(
                claim,
                self._evidence(claim),
                judgements.get(claim.pk, []),
                offsets.get(claim.block_id, 0),
            )
            for claim in self.claims
        ]

    def _evidence(self, claim: Claim) -> list[Evidence]:
        number = claim.note.number
        if self.defects.get(number):
            return [Evidence(None, DEFECT, message) for message in self.defects[number]]
        citations = list(claim.note.citations.all())
        if not citations:
            return [Evidence(None, UNVERIFIABLE, _("the note cites no source"))]
        return [self._with_sentences(claim, self._citation(citation)) for citation in citations]

    def _with_sentences(self, claim: Claim, evidence: Evidence) -> Evidence:
        """Give a citation whose pages are in the file its evidence sentences, and, unless a
        quotation settled it, the status they call for."""
        citation = evidence.citation
        if citation is None or evidence.missing_file or not citation.first_page:
            return evidence
        sentences = self.sentences.get(citation.source_id)
        vector = self.vectors.get(claim.pk)
        if evidence.status != EVIDENCE_FOUND or citation.passage is not None:
            if sentences is not None and vector is not None:
                evidence.found = claim_evidence(vector, sentences, citation.pages.labels())
            return evidence
        if sentences is None or vector is None:
            return Evidence(
                citation,
                UNVERIFIABLE,
                _("the sentences of “%(source)s” are not read yet") % {"source": citation.source},
            )
        found = claim_evidence(vector, sentences, citation.pages.labels())
        if found.mismatch:
            return Evidence(
                citation, PAGE_MISMATCH, _mismatch([found.mismatch.page], citation), found=found
            )
        if found.found:
            return Evidence(citation, EVIDENCE_FOUND, "", found=found)
        return Evidence(
            citation,
            NO_EVIDENCE,
            _("nothing close to the claim on %(pages)s or elsewhere in the source")
            % {"pages": citation.pages_display},
            found=found,
        )

    def _citation(self, citation: Citation) -> Evidence:
        source = citation.source
        pages = self.pages.get(source.pk, [])
        if not pages:
            return Evidence(
                citation,
                UNVERIFIABLE,
                _("no file yet: attach the file of “%(source)s”") % {"source": source.title},
                missing_file=True,
            )
        if not citation.first_page:
            return Evidence(citation, UNVERIFIABLE, _("no page cited"))
        labels = self.labels[source.pk]
        missing = [label for label in citation.pages.labels() if label not in labels]
        if missing:
            return Evidence(
                citation,
                DEFECT,
                _("%(pages)s of “%(source)s” not among its pages (%(labels)s)")
                % {
                    "pages": pages_of(missing),
                    "source": source.title,
                    "labels": label_runs(labels),
                },
            )
        passage = citation.passage
        if passage is None:
            return Evidence(citation, EVIDENCE_FOUND, "")  # to be weighed by its sentences
        original = passage if _same_language(passage, source) else passage.original
        if original is None:
            return Evidence(
                citation,
                NEEDS_ALIGNMENT,
                _("the quotation is a translation: align it with the words of %(pages)s")
                % {"pages": citation.pages_display},
            )
        within = citation.pages.within(labels)
        cited = [pages[place] for place in within] if within else []
        if cited and find_quotation(original.text, cited):
            return Evidence(citation, VERIFIED, "")
        found = find_quotation(original.text, pages)
        if found:
            return Evidence(citation, PAGE_MISMATCH, _mismatch(found, citation))
        return Evidence(
            citation,
            DEFECT,
            _("the quotation is not on %(pages)s; found on no page of the source")
            % {"pages": citation.pages_display},
        )

    def _judgements(self) -> dict[int, list[Judgement]]:
        judged: dict[int, list[Judgement]] = defaultdict(list)
        for answer in answers(claim_judgements, document=self.document, viewer=self.viewer):
            for claim, judgements in answer.items():
                judged[claim].extend(judgements)
        return judged


def _cited(claim: Claim) -> set[int]:
    return {c.source_id for c in claim.note.citations.all() if c.first_page}


def _mismatch(found: list[str], citation: Citation) -> str:
    """E.g. “the words are on p.8, not p.7”; `found`: the labels of the pages that hold them."""
    return _("the words are on %(found)s, not %(cited)s") % {
        "found": pages_of(found),
        "cited": citation.pages_display,
    }


def _same_language(passage: SourcePassage, source: Source) -> bool:
    return passage.language.split("-")[0].lower() == source.language.split("-")[0].lower()


CSV_FIELDS = [
    "note",
    "claim",
    "url",
    "sources",
    "pages",
    "status",
    "reason",
    "evidence",
    "verdict",
    "judgements",
]


def ledger_rows(rows: list[LedgerRow], absolute: Any) -> list[dict[str, Any]]:
    """The ledger as plain data (the API, the CSV); `absolute` makes a path a full URL."""
    return [
        {
            "note": row.note,
            "claim": row.claim.text,
            "url": absolute(row.claim.get_absolute_url()),
            "sources": [source.slug for source in row.sources],
            "pages": row.pages,
            "status": row.status,
            "reason": row.reason,
            "evidence": [found.as_dict() for found in row.sentences],
            "elsewhere": [found.as_dict() for found in row.elsewhere],
            "verdict": row.verdict,
            "judgements": [
                {"author": j.author, "judgement": j.judgement, "reason": j.reason}
                for j in row.judgements
            ],
        }
        for row in rows
    ]


def filtered(rows: list[LedgerRow], params: Any) -> list[LedgerRow]:
    """The rows whose status, verdict and source are those asked (`status`, `verdict`,
    `source`: a slug), each only when given."""
    status, verdict, source = (params.get(name, "") for name in ("status", "verdict", "source"))
    return [
        row
        for row in rows
        if (not status or row.status == status)
        and (not verdict or row.verdict == verdict)
        and (not source or source in {s.slug for s in row.sources})
    ]


@dataclass
class EvidenceSummary:
    """How many of a document's citations are verified, need alignment, are defects or cannot be
    checked yet, and the sources whose files would let them be."""

    counts: dict[str, int]
    missing_files: list[Source]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def sentence(self) -> str:
        """E.g. “3 of 10 citations verified, 2 need alignment, 5 cannot be checked yet: attach
        the files of …”."""
        counts = self.counts
        parts = [
            ngettext(
                "%(verified)d of %(total)d citation verified",
                "%(verified)d of %(total)d citations verified",
                self.total,
            )
            % {"verified": counts[VERIFIED], "total": self.total}
        ]
        for status, (singular, plural) in _COUNTED.items():
            if counts[status]:
                parts.append(ngettext(singular, plural, counts[status]) % {"count": counts[status]})
        if counts[NEEDS_ALIGNMENT]:
            parts.append(
                ngettext(
                    "%(count)d needs alignment", "%(count)d need alignment", counts[NEEDS_ALIGNMENT]
                )
                % {"count": counts[NEEDS_ALIGNMENT]}
            )
        if counts[DEFECT]:
            parts.append(
                ngettext("%(count)d defect", "%(count)d defects", counts[DEFECT])
                % {"count": counts[DEFECT]}
            )
        if counts[UNVERIFIABLE]:
            parts.append(
                ngettext(
                    "%(count)d cannot be checked yet",
                    "%(count)d cannot be checked yet",
                    counts[UNVERIFIABLE],
                )
                % {"count": counts[UNVERIFIABLE]}
            )
        sentence = _(", ").join(parts)
        if self.missing_files:
            titles = _("; ").join(f"“{source.title}”" for source in self.missing_files)
            sentence += _(": attach the files of %(titles)s") % {"titles": titles}
        return sentence + _(".")


_COUNTED = {
    EVIDENCE_FOUND: (
        "%(count)d with evidence to confirm",
        "%(count)d with evidence to confirm",
    ),
    PAGE_MISMATCH: ("%(count)d page mismatch", "%(count)d page mismatches"),
    NO_EVIDENCE: ("%(count)d without evidence", "%(count)d without evidence"),
}


def summarise(rows: list[LedgerRow]) -> EvidenceSummary:
    counts = dict.fromkeys(STATUSES, 0)
    missing: dict[int, Source] = {}
    for row in rows:
        for evidence in row.evidence:
            counts[evidence.status] += 1
            citation = evidence.citation
            if citation is not None and evidence.missing_file:
                missing.setdefault(citation.source_id, citation.source)
    return EvidenceSummary(counts, list(missing.values()))


def mark_claims(claims: list[tuple[Claim, str]], viewer: Any) -> None:
    """Give each claim (as Citation.claims lists them) its ledger row, as `claim.evidence`."""
    documents = {claim.document_id: claim.document for claim, _pages in claims}
    rows = {
        (document.pk, row.note): row
        for document in documents.values()
        for row in ledger(document, viewer)
    }
    for claim, _pages in claims:
        claim.evidence = rows.get((claim.document_id, claim.note.number))  # type: ignore[attr-defined]
