from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from reader.evidence import embed_claims, embed_source
from reader.models import Claim, Source


class Command(BaseCommand):
    help = (
        "Embed the sentences of sources' pages for the evidence of claims (reader.evidence): "
        "every source with page texts, or the one named. Pages whose text and encoder are "
        "unchanged are kept, so running it again is safe; after changing EVIDENCE_ENCODER, "
        "it embeds everything again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", nargs="?", help="a source's slug; every source if omitted")

    def handle(self, *args: Any, **options: Any) -> None:
        sources = Source.objects.filter(pages__text__gt="").distinct().order_by("slug")
        if options["slug"]:
            sources = Source.objects.filter(slug=options["slug"])
            if not sources:
                raise CommandError(f"no source has the slug “{options['slug']}”", returncode=2)
        for source in sources:
            with transaction.atomic():
                count = embed_source(source, self._progress(source))
                embed_claims(Claim.objects.filter(note__citations__source=source))
            self.stdout.write(f"{source.slug}: {count} sentences embedded")

    def _progress(self, source: Source) -> Any:
        def report(stage: str, done: int, total: int) -> None:
            if total and self.stderr.isatty():
                self.stderr.write(f"\r{source.slug}: {stage} {done}/{total}", ending="")

        return report
