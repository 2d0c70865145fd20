"""Evidence for claims: how fast the encoder embeds, how long a 300-page source takes from file
to every claim's evidence, how fast the claim ledger answers with evidence for 100 claims, and
each encoder's accuracy on the labelled set (tests/evidence/nds_2026.json).

Usage: .venv/bin/python bench/evidence.py [--pages 300] [--claims 100] [--encoders]

Runs on a throwaway SQLite database in a temporary directory: imports the seed commentary, an
NDS-like PDF of `--pages` pages (tests/pdfs.py; its sentences embedded in the import's
transaction, as reader.signals.source_text_changed asks), then a commentary of `--claims` claims
citing its pages, and times the ledger API (the median of 10 requests after one warm-up).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--claims", type=int, default=100)
    parser.add_argument("--encoders", action="store_true", help="accuracy of every encoder")
    parser.add_argument(
        "--calibrate", action="store_true", help="the scores the thresholds are chosen between"
    )
    options = parser.parse_args()
    from bench.machine import describe

    print(describe())
    with tempfile.TemporaryDirectory() as workdir:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(workdir) / 'bench.sqlite3'}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import override_settings

        from reader import encoder

        call_command("migrate", verbosity=0)
        if options.encoders:
            from tests.evidence.labelled import accuracy

            for name in encoder.ENCODERS:
                try:
                    with override_settings(EVIDENCE_ENCODER=name):
                        results = accuracy(encoder.encode)
                except ImportError:
                    print(f"{name}: not installed")
                    continue
                for r in results:
                    print(
                        f"{name:24} {r.lang:3} n={r.count:2} top-1 {r.top1:.0%} top-3 {r.top3:.0%}"
                    )
        if options.calibrate:
            calibrate()
            return 0
        speed(encoder.encode)
        pipeline(Path(workdir), options.pages, options.claims)
    return 0


def calibrate() -> None:
    """On the labelled set: how close the cited pages' best sentence is when it holds the claim
    (FOUND must stay below), when it does not (wrong pages, claims no page holds), and by how
    much another page's best beats the cited pages' (MARGIN must lie between the two cases)."""
    from reader.evidence import FOUND, MARGIN
    from tests.evidence.labelled import judged, set_sentences

    sentences = set_sentences()
    right, wrong, nowhere, right_gap, wrong_gap = [], [], [], [], []
    for claim, evidence in judged():
        others = sentences.windows(
            sentences.scores(claim_vector(claim.text)), ~sentences.mask(cited(claim.cited))
        )
        gap = (others[0].score if others else 0) - evidence.best
        if claim.page is None:
            nowhere.append(max(evidence.best, others[0].score if others else 0))
        elif claim.wrong_page:
            wrong.append(evidence.best)
            wrong_gap.append(gap)
        else:
            right.append(evidence.best)
            right_gap.append(gap)
    print(f"FOUND = {FOUND}, MARGIN = {MARGIN}")
    print(f"cited pages' best, right page: min {min(right):.3f} ({len(right)} claims)")
    print(f"cited pages' best, wrong page: max {max(wrong):.3f} ({len(wrong)} claims)")
    print(f"best anywhere, claims no page holds: max {max(nowhere):.3f} ({len(nowhere)} claims)")
    print(f"other pages' best minus cited, right page: max {max(right_gap):+.3f}")
    print(f"other pages' best minus cited, wrong page: min {min(wrong_gap):+.3f}")


def claim_vector(text: str) -> Any:
    from reader.encoder import encode

    return encode([text])[0]


def cited(locator: str) -> list[str]:
    first, _, last = locator.partition("-")
    return [str(n) for n in range(int(first), int(last or first) + 1)]


def speed(encode: object) -> None:
    from reader.encoder import encode as run
    from reader.sentences import split_sentences
    from tests.pdfs import NDS_P19, NDS_P20_KOREA

    sentences = split_sentences(NDS_P19 + " " + NDS_P20_KOREA) * 128
    sentences = [f"{s} ({i})" for i, s in enumerate(sentences)]
    run(sentences[:8])  # load the model
    started = time.perf_counter()
    run(sentences)
    elapsed = time.perf_counter() - started
    print(
        f"encoder: {len(sentences)} sentences in {elapsed:.2f} s: {len(sentences) / elapsed:.0f}/s"
    )


def pipeline(workdir: Path, pages: int, claims: int) -> None:
    from django.test import Client

    from reader.evidence import _memo
    from reader.importers.commentary import import_commentary
    from reader.models import Document, PageSentences
    from tests.pdfs import import_nds_like_pdf

    import_commentary(ROOT / "seed/npi-commentary-80.txt")
    _memo.clear()
    started = time.perf_counter()
    source = import_nds_like_pdf(workdir, pages=pages)
    client = Client()
    client.get("/api/documents/npi-commentary-80/claims/")
    elapsed = time.perf_counter() - started
    count = sum(len(s) for s in PageSentences.objects.values_list("sentences", flat=True))
    print(
        f"file → evidence of every claim: {pages + 4} pages, {count} sentences in {elapsed:.1f} s"
    )
    (workdir / "long.txt").write_text(long_commentary(claims))
    import_commentary(workdir / "long.txt", slug="long")
    assert Document.objects.get(slug="long").claims.count() == claims, "claims"
    client.get("/api/documents/long/claims/")  # warm: the claims' vectors are stored once
    with_evidence, rows = ledger_time(client)
    count = sum(bool(row["evidence"]) for row in rows)
    from reader import ledger

    loaded = ledger.source_sentences
    ledger.source_sentences = lambda ids: {}  # the same ledger, statuses without sentences
    without, _rows = ledger_time(client)
    ledger.source_sentences = loaded
    print(
        f"ledger of {len(rows)} claims ({count} with evidence), source of "
        f"{source.pages.count()} pages: median {with_evidence * 1000:.0f} ms (goal < 100 ms); "
        f"without the evidence sentences {without * 1000:.0f} ms"
    )


def ledger_time(client: Any) -> tuple[float, Any]:
    times = []
    for _ in range(11):
        started = time.perf_counter()
        response = client.get("/api/documents/long/claims/")
        times.append(time.perf_counter() - started)
    return statistics.median(times), response.json()


def long_commentary(claims: int) -> str:
    """A commentary in the seed's plain-text format: one paragraph per claim, each note citing
    a page of the NDS-like source."""
    superscript = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
    body, notes = [], []
    for n in range(1, claims + 1):
        body.append(
            f"韓国は北朝鮮の抑止に第一義的な責任を負うとされた（その{n}）{str(n).translate(superscript)}。"
        )
        page = 20 if n % 2 else 19
        reference = (
            "U.S. Department of War, *National Defense Strategy: Restoring Peace Through Strength "
            "for a New Golden Age of America*, January 2026, "
            "<https://media.defense.gov/2026/Jan/23/2003864773/-1/-1/0/2026-NATIONAL-DEFENSE-"
            "STRATEGY.PDF>, p.20."
            if n == 1
            else f"*National Defense Strategy*, p.{page}."
        )
        notes.append(f"{str(n).translate(superscript)} {reference}")
    return "\n\n".join(
        ["2026年2月20日", "「長い論考」 (ベンチマーク No. 1)", "研究員", "山田 太郎", *body, *notes]
    )


if __name__ == "__main__":
    raise SystemExit(main())
