"""References for reference managers: each source in CSL-JSON and BibTeX, and the bibliography of
a document in both."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from reader.bibliography import csl_name, date_parts, tex
from reader.models import Document, Source

NDS = "national-defense-strategy"
CHAPTER = "米韓同盟における基地政治"
CSL_JSON = "application/vnd.citationstyles.csl+json"


def test_a_source_in_csl_json(client: Client, seed_document: Document) -> None:
    response = client.get(f"/api/sources/{NDS}/", {"format": "csl-json"})

    assert response.status_code == 200
    assert response["Content-Type"] == CSL_JSON
    assert json.loads(response.content) == {
        "id": NDS,
        "type": "report",
        "title": "National Defense Strategy: Restoring Peace Through Strength for a New Golden "
        "Age of America",
        "language": "en",
        "author": [{"literal": "U.S. Department of War"}],
        "issued": {"date-parts": [[2026, 1]]},
        "URL": "https://media.defense.gov/2026/Jan/23/2003864773/-1/-1/0/"
        "2026-NATIONAL-DEFENSE-STRATEGY.PDF",
    }


def test_a_source_in_bibtex(client: Client, seed_document: Document) -> None:
    response = client.get(f"/api/sources/{NDS}/", {"format": "bibtex"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response.content.decode() == (
        "@techreport{national-defense-strategy,\n"
        "  author = {{U.S. Department of War}},\n"
        "  title = {{National Defense Strategy: Restoring Peace Through Strength for a New "
        "Golden Age of America}},\n"
        "  institution = {{U.S. Department of War}},\n"
        "  year = {2026},\n"
        "  date = {2026-01},\n"
        "  month = jan,\n"
        "  url = {https://media.defense.gov/2026/Jan/23/2003864773/-1/-1/0/"
        "2026-NATIONAL-DEFENSE-STRATEGY.PDF},\n"
        "  langid = {english}\n"
        "}\n"
    )


def test_a_book_chapter_by_a_japanese_author(client: Client, seed_document: Document) -> None:
    item = client.get(f"/api/sources/{CHAPTER}/", {"format": "csl-json"}).json()
    assert item["type"] == "chapter"
    assert item["author"] == [{"family": "石田", "given": "智範"}]
    assert item["container-title"] == "基地問題の国際比較"
    assert item["editor"] == [{"literal": "川名晋史"}]
    assert (item["publisher"], item["issued"]) == ("明石書店", {"date-parts": [[2021]]})

    entry = client.get(f"/api/sources/{CHAPTER}/", {"format": "bibtex"}).content.decode()
    key = f"source-{Source.objects.get(slug=CHAPTER).pk}"  # BibTeX keys are ASCII
    assert entry.startswith(f"@incollection{{{key},\n  author = {{石田, 智範}},\n")
    assert "  booktitle = {基地問題の国際比較},\n" in entry
    assert "  publisher = {明石書店},\n" in entry and "  langid = {japanese}\n" in entry


def test_the_json_detail_is_unchanged_by_default(client: Client, seed_document: Document) -> None:
    data = client.get(f"/api/sources/{NDS}/", HTTP_ACCEPT="application/json").json()
    assert data["slug"] == NDS and "pages" in data


def test_a_documents_bibliography_lists_its_sources_in_citation_order(
    client: Client, seed_document: Document
) -> None:
    path = "/api/documents/npi-commentary-80/bibliography/"

    items = client.get(path, {"format": "csl-json"}).json()
    entries = client.get(path, {"format": "bibtex"}).content.decode()

    assert [item["id"] for item in items] == [
        NDS,
        "national-security-strategy-of-the-united-states-of-america",
        "joint-fact-sheet-on-president-donald-j-trumps-meeting-with-p",
        "remarks-by-under-secretary-of-war-for-policy-elbridge-colby",
        CHAPTER,
        "李在明政権の発足と在韓米軍の戦略的柔軟性",
    ]
    assert items[5]["collection-title"] == "日米同盟研究会コメンタリー第68号"
    assert items[5]["issued"] == {"date-parts": [[2025, 6, 16]]}
    assert client.get(path, HTTP_ACCEPT="application/json").json() == items
    assert entries.count("\n@") + 1 == 6
    assert [line.split("{")[0] for line in entries.splitlines() if line.startswith("@")] == [
        "@techreport", "@techreport", "@misc", "@misc", "@incollection", "@techreport",
    ]  # fmt: skip
    assert entries.count("{") == entries.count("}")


@pytest.mark.parametrize(
    "path",
    [
        f"/api/sources/{NDS}/?format=endnote",
        "/api/documents/nothing/bibliography/?format=bibtex",
        "/api/sources/nothing/?format=csl-json",
    ],
)
def test_an_unknown_format_or_object_is_a_json_404(
    client: Client, seed_document: Document, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == 404


def test_people_are_split_and_organisations_kept_whole() -> None:
    assert csl_name("Elbridge Colby") == {"family": "Colby", "given": "Elbridge"}
    assert csl_name("石田 智範") == {"family": "石田", "given": "智範"}
    assert csl_name("The White House") == {"literal": "The White House"}
    assert csl_name("U.S. Department of War") == {"literal": "U.S. Department of War"}
    assert csl_name("中曽根平和研究所") == {"literal": "中曽根平和研究所"}


def test_printed_dates_become_date_parts() -> None:
    assert date_parts("November 13, 2025") == [2025, 11, 13]
    assert date_parts("January 2026") == [2026, 1]
    assert date_parts("2025年6月16日") == [2025, 6, 16]
    assert date_parts("2026-01-23") == [2026, 1, 23]
    assert date_parts("n.d.") == []


def test_tex_special_characters_are_escaped() -> None:
    assert tex("Trade & Tariffs: 50% of {GDP}") == r"Trade \& Tariffs: 50\% of \{GDP\}"
