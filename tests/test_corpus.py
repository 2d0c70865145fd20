"""The note reader on real public documents nobody here wrote (tests/corpus/, manifest.json says
where each came from, its licence, and what a reader finds in each note): no note is lost
silently, no source is invented, and at least 85% of the reference notes are read right."""

from __future__ import annotations

import pytest

from .corpus_pdfs import NotFetched
from .corpus_reading import manifest, read_document, table


@pytest.mark.django_db
def test_the_corpus_is_read_without_silent_or_invented_notes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    try:
        results = [read_document(entry) for entry in manifest()]
    except NotFetched as missing:
        pytest.skip(str(missing))
    with capsys.disabled():
        print("\n" + table(results))
    wrong = {
        (result.id, number, verdict)
        for result in results
        for number, verdict in result.verdicts.items()
        if verdict in ("silent", "invented")
    }
    assert not wrong
    references = [
        verdict
        for result in results
        for verdict in result.verdicts.values()
        if verdict != "not a reference"
    ]
    right = references.count("right") / len(references)
    print(f"{right:.0%} of {len(references)} reference notes right")
    assert right >= 0.85


def test_the_corpus_has_the_documents_and_styles_it_claims() -> None:
    entries = manifest()
    assert {entry["style"] for entry in entries} >= {"chicago", "bluebook", "japanese"}
    assert all(entry["repo"] and entry["commit"] and entry["licence"] for entry in entries)
