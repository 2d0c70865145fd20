from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reader.importers.markdown import export_markdown
from reader.models import Document


class Command(BaseCommand):
    help = "Write a commentary in the canonical Markdown format (to standard output or a file)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("-o", "--output", type=Path, help="write to this file")

    def handle(self, *args: Any, **options: Any) -> None:
        document = Document.objects.filter(slug=options["slug"]).first()
        if document is None:
            known = ", ".join(Document.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"no document with slug “{options['slug']}” (known: {known})")
        text = export_markdown(document)
        if options["output"]:
            options["output"].write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {options['output']}")
        else:
            self.stdout.write(text, ending="")
