"""How long importing a commentary takes: a 150-note Markdown document and a 30-page PDF.

Usage: .venv/bin/python bench/import_commentary.py [--copies N] [--pdf-copies N]

Generates the documents from the seed (tests/generated.py: the seed's body and notes repeated and
renumbered; the PDF typeset by tests/pdfs.py with fpdf2 and Noto Sans CJK JP, so it needs the test
extras and fonts-noto-cjk), builds a throwaway SQLite database in a temporary directory, and for
each document prints: the parse alone, in this process (best of three), and `manage.py
import_commentary` twice (first import, then re-import of the same file), wall clock with Django's
start-up. The machine's description comes first.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.import_source import manage  # noqa: E402
from bench.machine import describe  # noqa: E402
from tests.generated import large_commentary, large_markdown  # noqa: E402
from tests.pdfs import japanese_font, typeset_commentary  # noqa: E402


def parse_time(data: bytes) -> float:
    from reader.importers.commentary import parse_commentary

    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        parse_commentary(data)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=15, help="seed copies in the Markdown")
    parser.add_argument("--pdf-copies", type=int, default=13, help="seed copies in the PDF")
    options = parser.parse_args()
    print(describe())
    font = japanese_font()
    if font is None:
        raise SystemExit("Noto Sans CJK JP is needed for the PDF (apt-get install fonts-noto-cjk)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from reader.importers.pdf import read_lines

    with tempfile.TemporaryDirectory() as workdir:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{Path(workdir) / 'bench.sqlite3'}"}
        manage(env, "migrate")
        markdown = Path(workdir) / "long-markdown.md"
        markdown.write_text(large_markdown(options.copies), encoding="utf-8")
        started = time.perf_counter()
        pdf_data = typeset_commentary(large_commentary(options.pdf_copies), font)
        made = time.perf_counter() - started
        pdf = Path(workdir) / "long-pdf.pdf"
        pdf.write_bytes(pdf_data)
        pages = max(line.page for line in read_lines(pdf_data))
        size = markdown.stat().st_size // 1024
        for path, what in (
            (markdown, f"Markdown, {options.copies * 10} notes, {size} KiB"),
            (pdf, f"PDF, {pages} pages, {options.pdf_copies * 10} notes, "
                  f"{len(pdf_data) // 1024} KiB (typeset in {made:.1f} s)"),
        ):  # fmt: skip
            print(f"{what}:")
            print(f"  parse only: {parse_time(path.read_bytes()):.2f} s (best of 3)")
            for attempt in ("first import", "re-import"):
                elapsed, output = manage(env, "import_commentary", str(path))
                counts = output.splitlines()[1]
                print(f"  {attempt}: {elapsed:.2f} s wall clock; {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
