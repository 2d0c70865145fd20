"""After an import, a summary of what was found: counts, the sources created or matched (and the
source each short form was matched to), the notes to review; printed by the command, stored on
the document and given by the API."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from reader.importers.commentary import import_commentary
from reader.models import Document

from .helpers import SEED, get_json

pytestmark = pytest.mark.django_db

NDS = "national-defense-strategy"
LEE = "李在明政権の発足と在韓米軍の戦略的柔軟性"
SECOND = """---
title: A second look
slug: second-look
language: en
---

The strategy was published in January.[^1] Allies must do more.[^2] The minister agreed.[^3]

[^1]: U.S. Department of War, *National Defense Strategy: Restoring Peace Through Strength for a New Golden Age of America*, January 2026, <https://media.defense.gov/2026/Jan/23/2003864773/-1/-1/0/2026-NATIONAL-DEFENSE-STRATEGY.PDF>.
[^2]: Ibid., p. 19.
[^3]: Ministry of Defense, 2024.
"""


def test_the_summary_counts_what_the_seed_holds_and_the_sources_it_created() -> None:
    summary = import_commentary(SEED).summary

    counts = {key: summary[key] for key in ("blocks", "paragraphs", "quotations", "headings")}
    assert counts == {"blocks": 10, "paragraphs": 8, "quotations": 2, "headings": 0}
    assert (summary["notes"], summary["claims"], summary["citations"]) == (10, 10, 10)
    assert len(summary["sources"]) == 6 and all(s["created"] for s in summary["sources"])
    assert [(s["note"], s["source"], s["locator"]) for s in summary["short_forms"]] == [
        (3, NDS, "p.19"),
        (6, NDS, "p.20-21"),
        (8, NDS, "p.20-21"),
        (10, LEE, "2頁"),
    ]
    assert summary["to_review"] == []
    assert Document.objects.get().import_summary == summary


def test_a_second_import_matches_the_sources_it_already_has(tmp_path: Path) -> None:
    import_commentary(SEED)
    assert not any(s["created"] for s in import_commentary(SEED).summary["sources"])

    path = tmp_path / "second.md"
    path.write_text(SECOND, encoding="utf-8")
    summary = import_commentary(path).summary
    assert summary["sources"] == [
        {
            "slug": NDS,
            "title": "National Defense Strategy: Restoring Peace Through Strength for a New "
            "Golden Age of America",
            "created": False,
        }
    ]
    assert [(s["note"], s["source"]) for s in summary["short_forms"]] == [(2, NDS)]
    [review] = summary["to_review"]
    assert review["note"] == 3 and "names no title" in review["reason"]


def test_the_command_prints_the_summary(tmp_path: Path) -> None:
    out = StringIO()
    call_command("import_commentary", str(SEED), stdout=out)
    path = tmp_path / "second.md"
    path.write_text(SECOND, encoding="utf-8")
    call_command("import_commentary", str(path), stdout=out)
    printed = out.getvalue()
    assert "8 paragraphs, 2 quotations, 0 headings; 10 citations." in printed
    assert "Sources: 6 created, 0 matched." in printed
    assert f"note 3 → {NDS} (National Defense Strategy: " in printed
    assert f"note 10 → {LEE} ({LEE}) 2頁" in printed
    assert "Sources: 0 created, 1 matched." in printed and f"    = {NDS}: " in printed
    assert "Notes to review: 1\n    note 3: “Ministry of Defense, 2024.” reads like" in printed


def test_the_api_gives_the_summary_beside_the_fields_it_had(client: Client) -> None:
    import_commentary(SEED)
    data = get_json(client, "/api/documents/npi-commentary-80/")
    assert list(data) == [
        "slug", "title", "series", "number", "author", "affiliation", "date", "language",
        "revision", "url", "disclaimer", "text", "blocks", "notes", "claims", "import_summary",
        "metadata",
    ]  # fmt: skip
    assert data["metadata"] == {}  # the seed's text has no front matter
    assert data["import_summary"] == Document.objects.get().import_summary
    assert data["import_summary"]["short_forms"][0] == {
        "note": 3,
        "source": NDS,
        "title": "National Defense Strategy: Restoring Peace Through Strength for a New "
        "Golden Age of America",
        "locator": "p.19",
    }
    assert "import_summary" not in get_json(client, "/api/documents/")["results"][0]
