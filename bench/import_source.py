"""How long `manage.py import_source` takes on a long PDF, first import and re-import.

Usage: .venv/bin/python bench/import_source.py [--pages N] [--database-url URL]

Generates an NDS-like PDF (tests/pdfs.py: roman front matter, then N numbered pages; needs the
test extras: fpdf2), builds a throwaway database (SQLite in a temporary directory, or a new
PostgreSQL database named by --database-url, created and dropped here), imports the seed
commentary, then imports the PDF into the seed's NDS twice and runs check_citations. Prints the
wall-clock time of each command (Django's start-up included) and the import time the command
reports itself.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pdfs import NDS, nds_like_pdf  # noqa: E402


def manage(env: dict[str, str], *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1) or (done.returncode and args[0] != "check_citations"):
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stderr}")
    return elapsed, done.stdout


def postgres(url: str, statement: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    admin = urlunsplit(("postgresql", parts.netloc, "/postgres", parts.query, ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL(statement).format(sql.Identifier(parts.path.lstrip("/"))))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300, help="numbered pages (plus i–iv)")
    parser.add_argument("--database-url", help="a PostgreSQL database to create and drop")
    options = parser.parse_args()
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    with tempfile.TemporaryDirectory() as workdir:
        url = options.database_url or f"sqlite:///{Path(workdir) / 'bench.sqlite3'}"
        if options.database_url:
            postgres(url, "CREATE DATABASE {}")
        env = {**os.environ, "DATABASE_URL": url}
        try:
            started = time.perf_counter()
            pdf = Path(workdir) / "nds.pdf"
            pdf.write_bytes(nds_like_pdf(options.pages))
            made = time.perf_counter() - started
            size = pdf.stat().st_size / 1024
            print(f"{cpus} CPUs; {urlsplit(url).scheme}; {options.pages + 4} pages, {size:.0f} KiB")
            print(f"generated the PDF in {made:.1f} s")
            manage(env, "migrate")
            manage(env, "import_commentary", str(ROOT / "seed" / "npi-commentary-80.txt"))
            for attempt in ("first import", "re-import"):
                elapsed, output = manage(env, "import_source", NDS, str(pdf))
                summary = next(line for line in output.splitlines() if " pages (" in line)
                print(f"{attempt}: {elapsed:.1f} s wall clock; {summary}")
            elapsed, output = manage(env, "check_citations")
            print(f"check_citations: {elapsed:.1f} s wall clock\n{output}")
        finally:
            if options.database_url:
                postgres(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
