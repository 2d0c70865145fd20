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
    assert found[6] == "evidence_found"  # not a quotation: only an analyst verifies it
    assert found[1] == "unverifiable"  # cites the NDS with no page
    assert found[4] == found[5] == "unverifiable"  # the fact sheet and the speech: no file
    quote = SourcePassage.objects.get(block__anchor="q1", block__document=seed_document)
    add_original(translation=quote, text="model allies - those that spend")
    assert statuses(client)[3] == "verified"


def test_a_claim_lists_the_sentences_it_rests_on_across_languages(
    client: Client, seed_document: Document, tmp_path: Path
) -> None:
    import_nds_like_pdf(tmp_path)
    sixth = get_json(client, API)[5]
    assert sixth["status"] == "evidence_found" and sixth["reason"] == ""
    best = sixth["evidence"][0]
    assert best["source"] == "national-defense-strategy" and best["page"] == "20"
    assert best["text"].startswith("With its powerful military")
    assert 0.45 <= best["score"] <= 1 and sixth["elsewhere"] == []
    eighth = get_json(client, API)[7]  # a translated quotation: its original, found by meaning
    assert eighth["status"] == "needs_alignment"
    assert eighth["evidence"][0]["text"].startswith("more mutually beneficial alliance")
    assert get_json(client, API)[0]["evidence"] == []  # note 1 cites no page


def test_a_claim_on_the_wrong_page_is_a_page_mismatch_naming_the_page(
    client: Client, seed_document: Document, tmp_path: Path
) -> None:
    import_nds_like_pdf(tmp_path)
    citation = seed_document.notes.get(number=6).citations.get()
    citation.first_page, citation.last_page = "7", ""
    citation.save()
    sixth = get_json(client, API)[5]
    assert sixth["status"] == "page_mismatch"
    assert sixth["reason"] == "the words are on p.20, not p.7"
    assert sixth["elsewhere"][0]["page"] == "20"
    assert sixth["elsewhere"][0]["score"] > sixth["evidence"][0]["score"]


def test_check_citations_names_the_page_a_claim_s_words_are_on(
    seed_document: Document, tmp_path: Path
) -> None:
    from io import StringIO

    from django.core.management import call_command
    from django.utils import translation

    import_nds_like_pdf(tmp_path)
    citation = seed_document.notes.get(number=6).citations.get()
    citation.first_page, citation.last_page = "7", ""
    citation.save()
    out = StringIO()
    with translation.override("en"):
        call_command("check_citations", "npi-commentary-80", stdout=out)
    assert "1 page mismatch" in out.getvalue()
    assert "    - note 6: the words are on p.20, not p.7" in out.getvalue()


def test_a_claim_nothing_in_the_file_supports_has_no_evidence(
    client: Client, seed_document: Document, tmp_path: Path
) -> None:
    import_nds_like_pdf(tmp_path)
    claim = seed_document.claims.get(note__number=6)
    claim.text = "筆者はこの2月に韓国を訪問して多数の専門家から意見を聞く機会を得た。"
    claim.save()
    sixth = get_json(client, API)[5]
    assert sixth["status"] == "no_evidence"
    assert sixth["reason"] == "nothing close to the claim on pp.20–21 or elsewhere in the source"


def test_a_quotation_not_on_its_page_is_a_page_mismatch_saying_where_it_is(
    client: Client, seed_document: Document, tmp_path: Path
) -> None:
    import_nds_like_pdf(tmp_path)
    quote = SourcePassage.objects.get(block__anchor="q1", block__document=seed_document)
    add_original(translation=quote, text="model allies - those that spend")
    citation = seed_document.notes.get(number=3).citations.get()
    citation.first_page = citation.last_page = "18"
    citation.save()
    row = get_json(client, API)[2]
    assert row["status"] == "page_mismatch"
    assert row["reason"] == "the words are on p.19, not p.18"
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
    sixth = client.get(LEDGER, {"status": "evidence_found"}).text
    assert "p.20 (0." in sixth and '<q lang="en">With its powerful military' in sixth
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
        "note", "claim", "url", "sources", "pages", "status", "reason", "evidence", "verdict",
        "judgements",
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
    assert (
        "0 of 10 citations verified, 1 with evidence to confirm, 2 need alignment, "
        "7 cannot be checked yet" in page
    )  # note 6 is no quotation: the machine found its evidence, an analyst verifies it
    assert page.index("citations verified") < page.index("No defect found.")
    japanese = client.get("/documents/npi-commentary-80/check/", HTTP_ACCEPT_LANGUAGE="ja").text
    assert "10件の引用のうち0件を確認済み、1件は根拠あり（要確認）" in japanese


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
    assert (
        f'<a class="evidence status-evidence_found" href="{LEDGER}#ledger-6">Evidence found</a>'
        in page
    )
    assert 'class="evidence status-verified"' not in page  # no quotation verified yet
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


def test_a_note_shows_its_best_evidence_sentence_and_the_buttons_to_judge(
    client: Client, seed_document: Document, tmp_path: Path
) -> None:
    import_nds_like_pdf(tmp_path)
    page = client.get("/documents/npi-commentary-80/").text
    note = page[page.index('id="note-6"') : page.index('id="note-7"')]
    assert "Evidence on p.20:" in note
    assert '<q lang="en">With its powerful military' in note
    assert (
        'class="evidence-show" href="/sources/national-defense-strategy/view/?page=20&amp;find=With+its'
        in note
    )
    assert '<button type="button" data-judgement="supported">Supported</button>' in note
    assert 'class="judge" role="group"' in note and " hidden>" in note  # evidence.js shows them
    viewer = client.get("/sources/national-defense-strategy/view/?page=20&find=With+its+powerful")
    assert '<script id="viewer-find" type="application/json">{"text": "With its powerful"' in (
        viewer.text
    )


def test_a_rows_offsets_are_the_claims_words_in_the_documents_text(
    seed_document: Document,
) -> None:
    from django.contrib.auth.models import AnonymousUser

    from reader.ledger import ledger

    text = seed_document.plain_text()
    rows = ledger(seed_document, AnonymousUser())
    assert [text[row.start : row.end] for row in rows] == [row.claim.text for row in rows]
