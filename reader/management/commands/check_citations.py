from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from reader.checking import CitationReport, Kind, check_citations
from reader.ledger import NO_EVIDENCE, PAGE_MISMATCH, ledger, summarise
from reader.models import Document

CHECKED = [
    ("notes", "notes"),
    ("markers", "markers"),
    ("citations", "citations"),
    ("page_locators", "page locators"),
    ("quotations", "quotations in the source's language"),
    ("translations", "translations"),
]


class Command(BaseCommand):
    help = (
        "Check the citations of a document (or of every document): markers and notes, short "
        "forms, page locators against imported source pages, quotations against the page text. "
        "Exit status 1 when there is a defect."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", nargs="?", help="a document's slug; every document if omitted")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):  # the interface's default language
            self._check(options)

    def _check(self, options: dict[str, Any]) -> None:
        documents = Document.objects.order_by("slug")
        if options["slug"]:
            documents = documents.filter(slug=options["slug"])
            if not documents:
                known = ", ".join(Document.objects.values_list("slug", flat=True)) or "none"
                raise CommandError(
                    f"no document has the slug “{options['slug']}” (known: {known})", returncode=2
                )
        defects = 0
        failing = 0
        for document in documents:
            report = check_citations(document)
            self.stdout.write("\n".join(self.describe(report)) + "\n")
            defects += len(report.defects)
            failing += bool(report.defects)
        if defects:
            raise CommandError(
                f"{defects} defect{'s' if defects != 1 else ''} in {failing} "
                f"document{'s' if failing != 1 else ''}.",
                returncode=1,
            )

    def describe(self, report: CitationReport) -> list[str]:
        document = report.document
        checked = ", ".join(f"{report.checked[key]} {name}" for key, name in CHECKED)
        lines = [self.style.MIGRATE_HEADING(f"{document.slug}: {document.title}")]
        rows = ledger(document, AnonymousUser())
        lines.append(f"  evidence: {summarise(rows).sentence()}")
        for row in rows:  # what an analyst should look at first: the machine found no support
            if row.status in (PAGE_MISMATCH, NO_EVIDENCE):
                lines.append(self.style.WARNING(f"    - note {row.note}: {row.reason}"))
        lines.append(f"  checked: {checked}")
        for section in report.sections():
            if not section.findings:
                continue
            style = self.style.ERROR if section.kind not in NOTICES else (lambda text: text)
            if section.kind == Kind.TO_REVIEW:
                style = self.style.WARNING
            lines.append(style(f"  {section.title} ({len(section.findings)}):"))
            lines += [f"    - {finding.message}" for finding in section.findings]
        count = len(report.defects)
        review = len({f.note for f in report.findings if f.kind == Kind.TO_REVIEW})
        to_review = f"; {review} note{'s' if review != 1 else ''} to review" if review else ""
        if count:
            lines.append(
                self.style.ERROR(f"  {count} defect{'s' if count != 1 else ''}{to_review}")
            )
        else:
            lines.append(self.style.SUCCESS(f"  no defect{to_review}"))
        return lines


NOTICES = {Kind.TO_REVIEW, Kind.TRANSLATION, Kind.NOT_CHECKED}
