"""The claim ledger: every claim with its evidence status, the judgements the viewer may see and
a verdict, as a page (with filters), a CSV file and in the API."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from reader.alignment import add_original
from reader.models import Document, SourcePassage

from .helpers import annotation_on, get_json, logged_in
from .pdfs import import_nds_like_pdf

LEDGER = "/documents/npi-commentary-80/claims/"
API = "/api/documents/npi-commentary-80/claims/"
NDS_TITLE = (
    "National Defense Strategy: Restoring Peace Through Strength for a New Golden Age of America"
)


def statuses(client: Client) -> dict[int, str]:
    return {row["note"]: row["status"] for row in get_json(client, API)}


def judge(document: Document, author: User, note: int, judgement: str, **fields: str) -> None:
    claim = document.claims.get(note__number=note)
    annotation_on(
        document, author, claim.start, claim.end, claim=claim, judgement=judgement,
        motivation="assessing", **{"visibility": "public", **fields},
    )  # fmt: skip


def test_before_any_file_every_claim_says_what_to_attach(
    client: Client, seed_document: Document
) -> None:
    rows = get_json(client, API)
    assert [row["note"] for row in rows] == list(range(1, 11))
    assert {row["status"] for row in rows} == {"unverifiable"}
    third = rows[2]
    assert third["reason"] == f"no file yet: attach the file of “{NDS_TITLE}”"
    assert third["url"] == "http://testserver/documents/npi-commentary-80/#claim-3"
    assert third["sources"] == ["national-defense-strategy"] and third["pages"] == "p.19"
    assert third["verdict"] == "not_judged" and third["judgements"] == []


def test_with_the_nds_attached_quotations_need_alignment_and_then_are_verified(
    client: Client, seed_document: Document, tmp_path: Path
) -> None:
    import_nds_like_pdf(tmp_path)
    found = statuses(client)
    assert found[3] == found[8] == "needs_alignment"
    assert found[6] == "verified"  # the cited pages are in the file, no quotation
    assert found[1] == "unverifiable"  # cites the NDS with no page
    assert found[4] == found[5] == "unverifiable"  # the fact sheet and the speech: no file
    quote = SourcePassage.objects.get(block__anchor="q1", block__document=seed_document)
    add_original(translation=quote, text="model allies - those that spend")
    assert statuses(client)[3] == "verified"


def test_a_quotation_not_on_its_page_is_a_defect_saying_where_it_is(
    client: Client, seed_document: Document, tmp_path: Path
) -> None:
    import_nds_like_pdf(tmp_path)
    quote = SourcePassage.objects.get(block__anchor="q1", block__document=seed_document)
    add_original(translation=quote, text="model allies - those that spend")
    citation = seed_document.notes.get(number=3).citations.get()
    citation.first_page = citation.last_page = "18"
    citation.save()
    row = get_json(client, API)[2]
    assert row["status"] == "defect"
    assert row["reason"] == "the quotation is not on p.18; found on p.19"
    citation.first_page = citation.last_page = "99"
    citation.save()
    assert "p.99 of “National Defense Strategy" in get_json(client, API)[2]["reason"]


def test_judgements_give_a_verdict_and_follow_the_visibility_rules(
    client: Client, seed_document: Document, analyst: User, second_analyst: User
) -> None:
    judge(seed_document, analyst, 3, "supported", judgement_reason="On p.19.")
    third = get_json(client, API)[2]
    # One analyst's verdict is theirs: "Agreed" needs two analysts at least.
    assert third["verdict"] == "one_analyst"
    assert third["judgements"] == [
        {"author": "alice", "judgement": "supported", "reason": "On p.19."}
    ]
    assert "<td>alice: Supported</td>" in client.get(LEDGER).text
    judge(seed_document, second_analyst, 3, "disputed", visibility="analysts")
    assert get_json(client, API)[2]["verdict"] == "one_analyst"  # bob's is not for anonymous
    assert get_json(logged_in(analyst), API)[2]["verdict"] == "disputed"
    judge(seed_document, second_analyst, 3, "supported", visibility="private")
    assert get_json(logged_in(second_analyst), API)[2]["verdict"] == "agreed"  # bob's last word
    assert get_json(logged_in(analyst), API)[2]["verdict"] == "disputed"  # bob's private word


def test_the_ledger_page_lists_every_claim_and_filters(
    client: Client, seed_document: Document, tmp_path: Path
) -> None:
    page = client.get(LEDGER).text
    assert page.count('<tr id="ledger-') == 10
    assert 'href="/documents/npi-commentary-80/#claim-3"' in page
    assert "Cannot be checked yet 10" in page
    import_nds_like_pdf(tmp_path)
    needing = client.get(LEDGER, {"status": "needs_alignment"}).text
    assert needing.count('<tr id="ledger-') == 2
    cited = client.get(LEDGER, {"source": "national-defense-strategy"}).text
    assert cited.count('<tr id="ledger-') == 4
    assert "No claim matches these filters." in client.get(LEDGER, {"verdict": "agreed"}).text
    assert f'href="{LEDGER}"' in client.get("/documents/npi-commentary-80/").text


def test_the_ledger_in_japanese(client: Client, seed_document: Document) -> None:
    page = client.get(LEDGER, HTTP_ACCEPT_LANGUAGE="ja").text
    assert "主張の台帳" in page and "まだ確認できません" in page


def test_the_csv_has_one_row_per_claim_and_no_formula(
    client: Client, seed_document: Document, analyst: User
) -> None:
    judge(seed_document, analyst, 5, "disputed", judgement_reason='=HYPERLINK("http://x")')
    response = client.get(LEDGER, {"format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "note", "claim", "url", "sources", "pages", "status", "reason", "verdict", "judgements",
    ]  # fmt: skip
    assert len(rows) == 11 and [row[0] for row in rows[1:]] == [str(n) for n in range(1, 11)]
    fifth = dict(zip(rows[0], rows[5], strict=True))
    assert fifth["judgements"] == 'alice: disputed (=HYPERLINK("http://x"))'
    assert fifth["verdict"] == "one_analyst"  # alice's verdict, not an agreement
    filtered = client.get(LEDGER, {"format": "csv", "verdict": "one_analyst"}).content.decode()
    assert len(list(csv.reader(io.StringIO(filtered)))) == 2


def test_a_cell_that_would_be_a_formula_is_quoted(client: Client, seed_document: Document) -> None:
    claim = seed_document.claims.get(note__number=2)
    claim.text = "=1+1"
    claim.save()
    rows = list(csv.reader(io.StringIO(client.get(LEDGER, {"format": "csv"}).content.decode())))
    assert rows[2][1] == "'=1+1"


@pytest.mark.parametrize(("name", "value"), [("status", "great"), ("verdict", "maybe")])
def test_the_api_refuses_an_unknown_filter_value(
    client: Client, seed_document: Document, name: str, value: str
) -> None:
    response = client.get(API, {name: value})
    assert response.status_code == 400
    assert response.json()["field"] == name and value in response.json()["detail"]


def test_an_unknown_document_has_no_ledger(client: Client, db: None) -> None:
    assert client.get("/documents/nothing/claims/").status_code == 404
    assert client.get("/api/documents/nothing/claims/").json()["status"] == 404


def test_the_check_leads_with_what_could_be_checked(
    client: Client, seed_document: Document, tmp_path: Path
) -> None:
    page = client.get("/documents/npi-commentary-80/check/").text
    assert "0 of 10 citations verified, 10 cannot be checked yet: attach the files of" in page
    assert f"“{NDS_TITLE}”" in page
    import_nds_like_pdf(tmp_path)
    page = client.get("/documents/npi-commentary-80/check/").text
    assert "1 of 10 citations verified, 2 need alignment, 7 cannot be checked yet" in page
    assert page.index("citations verified") < page.index("No defect found.")
    japanese = client.get("/documents/npi-commentary-80/check/", HTTP_ACCEPT_LANGUAGE="ja").text
    assert "10件の引用のうち1件を確認済み" in japanese


def test_check_citations_prints_the_evidence_counts(seed_document: Document) -> None:
    from io import StringIO

    from django.core.management import call_command
    from django.utils import translation

    out = StringIO()
    with translation.override("en"):  # as from the shell (LANGUAGE_CODE)
        call_command("check_citations", "npi-commentary-80", stdout=out)
    assert (
        "  evidence: 0 of 10 citations verified, 10 cannot be checked yet: attach" in out.getvalue()
    )


def test_the_reader_and_the_source_page_show_each_claims_status(
    client: Client, seed_document: Document, tmp_path: Path
) -> None:
    import_nds_like_pdf(tmp_path)
    page = client.get("/documents/npi-commentary-80/").text
    assert (
        f'<a class="evidence status-needs_alignment" href="{LEDGER}#ledger-3">Needs alignment</a>'
        in page
    )
    assert f'<a class="evidence status-verified" href="{LEDGER}#ledger-6">Verified</a>' in page
    source = client.get("/sources/national-defense-strategy/").text
    assert source.count('class="evidence status-needs_alignment"') == 2
    assert "the quotation is a translation: align it with the words of p.19" in source
    page19 = client.get("/sources/national-defense-strategy/pages/19/").text
    assert 'class="evidence status-needs_alignment"' in page19


def test_the_check_findings_are_in_the_readers_language(
    client: Client, seed_document: Document
) -> None:
    page = client.get("/documents/npi-commentary-80/check/", HTTP_ACCEPT_LANGUAGE="ja").text
    assert "原文とはまだ対応付けられていません" in page and "の翻訳（ja）" in page
    assert "no original aligned yet" not in page
