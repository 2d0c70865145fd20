"""One library of sources: a second commentary joins the works the library holds without
changing them; a different year is a different work; analysts merge sources and fix notes."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser

from reader.importers.commentary import Library, import_commentary
from reader.importers.parsed import SourceRef
from reader.ledger import ledger
from reader.library import MergeRefused, find_short, find_work, merge_sources, url_key, year_of
from reader.models import Citation, Document, Source, SourceAlias, SourcePage, SourcePassage

pytestmark = pytest.mark.django_db

NDS = "National Defense Strategy: Restoring Peace Through Strength for a New Golden Age of America"

# A second commentary, in English, citing the seed's works the way other institutes do: the NDS
# by its full title with no URL, the fact sheet by its URL spelled with a trailing slash, the
# Colby remarks by title and date, and the 2022 NDS, which is another work.
SECOND = f"""---
title: Burden sharing after the 2026 NDS
author: Jane Smith
date: 2026-03-01
language: en
---

The strategy asks allies to carry more of the load.[^1] The fact sheet says so.[^2] Colby said the
same in Seoul.[^3] The 2022 strategy spoke of integrated deterrence.[^4] Again the 2026 text.[^5]

[^1]: U.S. Department of War, *{NDS}* (Washington, DC: Department of War, 2026), 19.
[^2]: The White House, "Joint Fact Sheet on President Donald J. Trump's Meeting with President
    Lee Jae Myung," November 13, 2025,
    <https://www.whitehouse.gov/fact-sheets/2025/11/joint-fact-sheet-on-president-donald-j-trumps-meeting-with-president-lee-jae-myung/>.
[^3]: U.S. Department of War, "Remarks by Under Secretary of War for Policy Elbridge Colby at the
    Sejong Institute in South Korea (As Delivered)," January 26, 2026.
[^4]: U.S. Department of Defense, *National Defense Strategy of the United States of America*
    (Washington, DC: Department of Defense, 2022), 8.
[^5]: U.S. Department of War, *{NDS}* (2026), 21.
"""


def sources_as_stored() -> list[tuple[object, ...]]:
    return list(
        Source.objects.order_by("slug").values_list(
            "slug", "title", "author", "issued", "kind", "language", "url", "publisher", "reference"
        )
    )


def statuses(document: Document) -> list[tuple[int, str, str]]:
    return [(row.note, row.status, row.reason) for row in ledger(document, AnonymousUser())]


def import_second(tmp_path: Path, text: str = SECOND) -> Document:
    path = tmp_path / "burden-sharing.md"
    path.write_text(text, encoding="utf-8")
    return import_commentary(path).document


def test_a_second_commentary_joins_the_seeds_sources_and_changes_nothing_of_them(
    seed_document: Document, tmp_path: Path
) -> None:
    before_sources, before_ledger = sources_as_stored(), statuses(seed_document)
    nds = Source.objects.get(title=NDS)

    second = import_second(tmp_path)

    cited = {
        number: source
        for number, source in Citation.objects.filter(note__document=second).values_list(
            "note__number", "source__slug"
        )
    }
    assert cited[1] == cited[5] == nds.slug
    assert cited[2] == Source.objects.get(title__startswith="Joint Fact Sheet").slug
    assert cited[3] == Source.objects.get(title__startswith="Remarks by Under Secretary").slug
    assert cited[4] != nds.slug  # the 2022 NDS is another work
    # Nothing the seed's sources hold changed, and the seed's claims read as before.
    after = {row[0]: row for row in sources_as_stored()}
    for row in before_sources:
        assert after[row[0]] == row
    assert statuses(seed_document) == before_ledger
    assert Source.objects.get(pk=nds.pk).kind == Source.Kind.PDF
    summary = second.import_summary
    matched = {item["slug"]: item["created"] for item in summary["sources"]}
    assert matched[nds.slug] is False
    assert summary["doubtful"] == []


def test_a_field_the_reference_gives_otherwise_is_kept_and_listed(
    seed_document: Document, tmp_path: Path
) -> None:
    text = SECOND.replace("(Washington, DC: Department of War, 2026), 19.", "(2026), 19.").replace(
        "[^1]: U.S. Department of War,", "[^1]: Department of War,"
    )
    text = text.replace(
        'The White House, "Joint Fact Sheet', 'White House Press Office, "Joint Fact Sheet'
    )
    second = import_second(tmp_path, text)
    fact_sheet = Source.objects.get(title__startswith="Joint Fact Sheet")
    assert fact_sheet.author == "The White House"  # kept
    conflicts = second.import_summary["conflicts"]
    assert {
        "note": 2,
        "source": fact_sheet.slug,
        "field": "author",
        "kept": "The White House",
        "cited": "White House Press Office",
    } in conflicts
    # "Department of War" and "U.S. Department of War" name the same issuer: no conflict.
    assert not [c for c in conflicts if c["note"] == 1 and c["field"] == "author"]


def test_an_empty_field_of_a_shared_source_is_filled(
    seed_document: Document, tmp_path: Path
) -> None:
    colby = Source.objects.get(title__startswith="Remarks by Under Secretary")
    assert colby.publisher == ""
    text = SECOND.replace(
        '(As Delivered)," January 26, 2026.',
        '(As Delivered)" (Seoul: Sejong Institute, January 26, 2026).',
    )
    import_second(tmp_path, text)
    colby.refresh_from_db()
    assert colby.issued == "January 26, 2026"  # kept as it was


def test_a_different_year_is_a_different_work(db: None, tmp_path: Path) -> None:
    text = SECOND
    first = import_second(tmp_path, text)
    nds_2022 = Citation.objects.get(note__document=first, note__number=4).source
    nds_2026 = Citation.objects.get(note__document=first, note__number=1).source
    assert nds_2022 != nds_2026
    assert year_of(nds_2022.issued) == "2022"


def test_a_reference_that_could_be_two_works_joins_neither_and_is_listed(
    db: None, tmp_path: Path
) -> None:
    for year in ("2018", "2022"):
        Source.objects.create(
            slug=f"nds-{year}",
            title="National Defense Strategy",
            author="U.S. Department of Defense",
            issued=year,
        )
    document = Document.objects.create(slug="undated", title="Undated", language="en")
    library = Library(document)
    ref = SourceRef(title="National Defense Strategy", author="U.S. Department of Defense")
    assert find_work(ref).doubtful == list(Source.objects.filter(slug__startswith="nds-"))
    source, created = library.store(ref, 1)
    assert created and source.slug not in ("nds-2018", "nds-2022")
    assert library.doubtful == [
        {"note": 1, "title": "National Defense Strategy", "sources": ["nds-2018", "nds-2022"]}
    ]
    # The year tells them apart.
    dated = SourceRef(title="National Defense Strategy", issued="2022")
    assert find_work(dated).source == Source.objects.get(slug="nds-2022")


def test_addresses_and_years_compare_as_readers_write_them() -> None:
    assert url_key("https://www.example.org/a/b/") == url_key("http://example.org/a/b#top")
    assert url_key("https://example.org/a?x=1") != url_key("https://example.org/a?x=2")
    assert year_of("二〇二〇年") == "2020"
    assert year_of("January 2026") == "2026"
    assert year_of("no date") == ""


def test_a_short_form_finds_the_work_in_the_library(seed_document: Document) -> None:
    nds = Source.objects.get(title=NDS)
    assert find_short("National Defense Strategy", "Department of War") == nds
    assert find_short("National Defense Strategy", "Ministry of Defence") is None
    assert find_short("Na") is None


def test_merging_moves_citations_pages_passages_and_file_and_redirects(
    seed_document: Document, tmp_path: Path, client: object
) -> None:
    nds = Source.objects.get(title=NDS)
    duplicate = Source.objects.create(
        slug="nds-copy",
        title="NDS 2026 (copy)",
        author="U.S. Department of War",
        url="https://example.org/nds.pdf",
    )
    SourcePage.objects.create(source=duplicate, label="99", text="A page only the copy has.")
    SourcePage.objects.create(source=duplicate, label="19", text="")
    document = import_second(
        tmp_path,
        SECOND.replace(f"*{NDS}* (Washington", "*NDS 2026 (copy)* (Washington"),
    )
    moved = Citation.objects.filter(source=duplicate).count()
    assert moved >= 1
    passages_before = SourcePassage.objects.filter(source__in=[nds, duplicate]).count()

    result = merge_sources(nds, duplicate)

    assert result.citations == moved
    assert not Source.objects.filter(pk=duplicate.pk).exists()
    assert Citation.objects.filter(note__document=document, source=nds).count() >= moved
    assert nds.pages.filter(label="99").exists()
    assert nds.pages.filter(label="19").count() == 1
    assert SourcePassage.objects.filter(source=nds).count() == passages_before
    assert SourceAlias.objects.get(slug="nds-copy").source == nds
    response = client.get("/sources/nds-copy/")  # type: ignore[attr-defined]
    assert response.status_code == 301
    assert response["Location"] == nds.get_absolute_url()
    response = client.get("/sources/nds-copy/pages/99/")  # type: ignore[attr-defined]
    assert response.status_code == 301
    assert response["Location"] == nds.page_view_url("99")


def test_a_source_cannot_be_merged_into_itself(seed_document: Document) -> None:
    nds = Source.objects.get(title=NDS)
    with pytest.raises(MergeRefused):
        merge_sources(nds, nds)


def test_the_api_follows_a_merged_source_too(seed_document: Document, client: object) -> None:
    nds = Source.objects.get(title=NDS)
    copy = Source.objects.create(slug="nds-copy", title="NDS (copy)")
    merge_sources(nds, copy)
    response = client.get("/api/sources/nds-copy/?format=json")  # type: ignore[attr-defined]
    assert response.status_code == 301
    assert response["Location"] == f"/api/sources/{nds.slug}/?format=json"
    assert client.get("/api/sources/never-was/").status_code == 404  # type: ignore[attr-defined]


def test_a_short_form_of_a_work_only_the_library_holds_joins_it(
    seed_document: Document, tmp_path: Path
) -> None:
    """This document never cites the NDS in full: its short form resolves in the library (how:
    library), and the import neither refuses nor invents a source."""
    nds = Source.objects.get(title=NDS)
    sources_before = Source.objects.count()
    text = """---
title: A short note on the NDS
language: en
---

The strategy puts the homeland first.[^1]

[^1]: Department of War, *National Defense Strategy*, 19.
"""
    document = import_second(tmp_path, text)
    citation = Citation.objects.get(note__document=document)
    assert (citation.source, citation.how, citation.first_page) == (nds, "library", "19")
    assert Source.objects.count() == sources_before
    assert document.import_summary["to_review"] == []


def test_a_short_form_the_library_does_not_hold_goes_to_review(db: None, tmp_path: Path) -> None:
    text = """---
title: A short note
language: en
---

The strategy puts the homeland first.[^1] Another claim.[^2]

[^1]: Department of War, *National Defense Strategy*, 19.
[^2]: Jane Smith, *A Full Book* (Boston: Press, 2020), 4.
"""
    document = import_second(tmp_path, text)
    assert not Citation.objects.filter(note__document=document, note__number=1).exists()
    assert [item["note"] for item in document.import_summary["to_review"]] == [1]
    assert Citation.objects.get(note__document=document, note__number=2).source.title == (
        "A Full Book"
    )
