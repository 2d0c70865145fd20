"""Aligning a translation (the commentary's Japanese quotation of NDS p.19) with the original
passage on the source page: through the API and through the source page's form; only analysts;
the original must be on the page; the reader then shows the original beside the translation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from reader.models import Document, Source, SourcePassage
from search.models import SearchEntry
from search.query import search

from .helpers import send_json
from .pdfs import NDS, import_nds_like_pdf

READER = "/documents/npi-commentary-80/"
ORIGINAL = "Incentives work, and they will be a core part of our approach to alliances."
ON_PAGE_20 = "This shift in the balance of responsibility"


@pytest.fixture
def nds(seed_document: Document, tmp_path: Path) -> Source:
    return import_nds_like_pdf(tmp_path)


@pytest.fixture
def quote_of_p19(seed_document: Document) -> SourcePassage:
    return SourcePassage.objects.get(block__anchor="q1", block__document=seed_document)


def logged_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def note3(client: Client) -> str:
    html = client.get(READER).content.decode()
    match = re.search(r'<article class="note" id="note-3".*?</article>', html, re.DOTALL)
    assert match
    return match.group(0)


# --- API ------------------------------------------------------------------------------------


def test_an_analyst_adds_the_original_found_on_the_page_and_aligns_the_translation(
    client: Client, analyst: User, nds: Source, quote_of_p19: SourcePassage
) -> None:
    data = send_json(
        logged_in(client, analyst),
        "post",
        "/api/source-passages/",
        {"translation": quote_of_p19.pk, "text": ORIGINAL},
        201,
    )

    assert data["provenance"] == "original" and data["language"] == "en"
    assert (data["first_page"], data["last_page"], data["source"]) == ("19", "19", NDS)
    assert data["translations"] == [quote_of_p19.pk]
    translation = send_json(client, "get", f"/api/source-passages/{quote_of_p19.pk}/", {}, 200)
    assert (translation["original"], translation["original_text"]) == (data["id"], ORIGINAL)
    # The original is searchable like every passage.
    hits = search("core part of our approach")
    assert [hit.entry.passage_id for hit in hits if hit.entry.kind == SearchEntry.Kind.PASSAGE] == [
        data["id"]
    ]


def test_text_that_is_not_on_the_page_is_a_400_that_says_where_it_is(
    client: Client, analyst: User, nds: Source, quote_of_p19: SourcePassage
) -> None:
    data = send_json(
        logged_in(client, analyst),
        "post",
        "/api/source-passages/",
        {"translation": quote_of_p19.pk, "text": ON_PAGE_20},
        400,
    )

    assert data["field"] == "text"
    assert "This text is not on p.19 of" in data["detail"] and "It is on p.20" in data["detail"]
    assert not SourcePassage.objects.filter(provenance="original").exists()
    quote_of_p19.refresh_from_db()
    assert quote_of_p19.original is None


def test_an_original_spanning_two_pages_is_found_across_the_page_break(
    client: Client, analyst: User, nds: Source, seed_document: Document
) -> None:
    quote_of_p20 = SourcePassage.objects.get(block__anchor="q2", block__document=seed_document)
    text = "can build a stronger, more mutually beneficial alliance"

    data = send_json(
        logged_in(client, analyst),
        "post",
        "/api/source-passages/",
        {"translation": quote_of_p20.pk, "text": text},
        201,
    )

    assert data["pages"] == "pp.20–21"


def test_before_the_source_is_imported_no_original_can_be_added(
    client: Client, analyst: User, quote_of_p19: SourcePassage
) -> None:
    data = send_json(
        logged_in(client, analyst),
        "post",
        "/api/source-passages/",
        {"translation": quote_of_p19.pk, "text": ORIGINAL},
        400,
    )
    assert "are not imported yet" in data["detail"] and "import_source" in data["detail"]


def test_a_page_the_source_does_not_have_is_a_400_naming_the_field(
    client: Client, analyst: User, nds: Source, quote_of_p19: SourcePassage
) -> None:
    data = send_json(
        logged_in(client, analyst),
        "post",
        "/api/source-passages/",
        {"translation": quote_of_p19.pk, "text": ORIGINAL, "first_page": "99"},
        400,
    )
    assert data["field"] == "first_page"


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_only_analysts_may_add_or_align(
    client: Client,
    member: User,
    nds: Source,
    quote_of_p19: SourcePassage,
    who: str,
) -> None:
    if who == "member":
        logged_in(client, member)
    data = send_json(
        client,
        "post",
        "/api/source-passages/",
        {"translation": quote_of_p19.pk, "text": ORIGINAL},
        403,
    )
    if who == "member":
        assert data["detail"] == "Only members of the analysts group may add or align passages."
    send_json(client, "patch", f"/api/source-passages/{quote_of_p19.pk}/", {"original": None}, 403)
    assert not SourcePassage.objects.filter(provenance="original").exists()


def test_an_analyst_aligns_with_an_existing_original_and_undoes_it(
    client: Client, analyst: User, nds: Source, quote_of_p19: SourcePassage
) -> None:
    original = SourcePassage.objects.create(
        source=nds, first_page="19", last_page="19", text=ORIGINAL, language="en",
        provenance=SourcePassage.Provenance.ORIGINAL,
    )  # fmt: skip
    path = f"/api/source-passages/{quote_of_p19.pk}/"

    aligned = send_json(logged_in(client, analyst), "patch", path, {"original": original.pk}, 200)
    assert aligned["original"] == original.pk

    undone = send_json(client, "patch", path, {"original": None}, 200)
    assert undone["original"] is None


def test_the_original_must_be_the_same_sources_own_text_on_the_same_pages(
    client: Client, analyst: User, nds: Source, quote_of_p19: SourcePassage, seed_document: Document
) -> None:
    logged_in(client, analyst)
    path = f"/api/source-passages/{quote_of_p19.pk}/"
    other_translation = SourcePassage.objects.get(block__anchor="q2", block__document=seed_document)
    elsewhere = SourcePassage.objects.create(
        source=nds, first_page="25", last_page="25", text="x", language="en",
        provenance=SourcePassage.Provenance.ORIGINAL,
    )  # fmt: skip
    other_source = SourcePassage.objects.create(
        source=Source.objects.exclude(pk=nds.pk).first(), first_page="19", last_page="19",
        text="x", language="en", provenance=SourcePassage.Provenance.ORIGINAL,
    )  # fmt: skip

    for original, expected in [
        (other_translation, "is itself a translation"),
        (elsewhere, "The original is on p.25, the translation quotes p.19"),
        (other_source, "is from another source"),
        (123456, "No passage has the id 123456."),
    ]:
        pk = original if isinstance(original, int) else original.pk
        data = send_json(client, "patch", path, {"original": pk}, 400)
        assert data["field"] == "original" and expected in data["detail"]
    quote_of_p19.refresh_from_db()
    assert quote_of_p19.original is None


def test_an_unknown_passage_is_a_json_404(client: Client, db: None) -> None:
    assert send_json(client, "get", "/api/source-passages/999/", {}, 404)["status"] == 404


# --- the reader -----------------------------------------------------------------------------


def test_the_reader_shows_the_original_beside_the_translation_once_aligned(
    client: Client, analyst: User, nds: Source, quote_of_p19: SourcePassage
) -> None:
    assert "page-text" in note3(client)  # cached, with the text of p.19

    send_json(
        logged_in(client, analyst),
        "post",
        "/api/source-passages/",
        {"translation": quote_of_p19.pk, "text": ORIGINAL},
        201,
    )
    client.logout()

    html = note3(client)
    assert '<blockquote class="passage passage-original" lang="en">' in html
    assert ORIGINAL in html
    # The translation stands beside the note in the text (q1): the note gives only the original.
    assert quote_of_p19.text not in html
    assert "page-text" not in html  # the original passage stands for the page


def test_the_source_page_offers_analysts_a_form_and_no_one_else(
    client: Client, analyst: User, member: User, nds: Source, quote_of_p19: SourcePassage
) -> None:
    page = f"/sources/{NDS}/pages/19/"
    assert "align-form" not in client.get(page).content.decode()
    assert "align-form" not in logged_in(client, member).get(page).content.decode()

    html = logged_in(client, analyst).get(page).content.decode()

    assert f'action="/passages/{quote_of_p19.pk}/original/"' in html
    assert 'method="post"' in html and 'name="csrfmiddlewaretoken"' in html
    assert 'src="/static/reader/align.js"' in html and "<script>" not in html


def test_the_form_aligns_and_goes_back_to_the_page_with_the_original_beside(
    analyst: User, nds: Source, quote_of_p19: SourcePassage
) -> None:
    client = logged_in(Client(enforce_csrf_checks=True), analyst)
    page = client.get(f"/sources/{NDS}/pages/19/")
    token = page.cookies["csrftoken"].value
    form = {"csrfmiddlewaretoken": token, "page": "19", "text": ORIGINAL}

    response = client.post(f"/passages/{quote_of_p19.pk}/original/", form)

    assert response.status_code == 302
    assert response["Location"] == f"/sources/{NDS}/pages/19/#passage-{quote_of_p19.pk}"
    html = client.get(response["Location"]).content.decode()
    assert 'class="passage-original" lang="en"><p>' + ORIGINAL in html
    assert "Remove the alignment" in html

    undone = client.post(f"/passages/{quote_of_p19.pk}/original/", {**form, "remove": "1"})
    assert undone.status_code == 302
    quote_of_p19.refresh_from_db()
    assert quote_of_p19.original is None


def test_the_form_keeps_the_text_and_says_what_is_wrong(
    client: Client, analyst: User, nds: Source, quote_of_p19: SourcePassage
) -> None:
    logged_in(client, analyst)

    response = client.post(
        f"/passages/{quote_of_p19.pk}/original/", {"page": "19", "text": ON_PAGE_20}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert">This text is not on p.19' in html
    assert f">{ON_PAGE_20}</textarea>" in html and 'aria-invalid="true"' in html


def test_the_form_needs_a_csrf_token(
    analyst: User, nds: Source, quote_of_p19: SourcePassage
) -> None:
    client = logged_in(Client(enforce_csrf_checks=True), analyst)
    response = client.post(
        f"/passages/{quote_of_p19.pk}/original/", {"page": "19", "text": ORIGINAL}
    )
    assert response.status_code == 403
    quote_of_p19.refresh_from_db()
    assert quote_of_p19.original is None


def test_a_visitor_posting_the_form_is_sent_to_log_in_and_a_member_is_refused(
    client: Client, member: User, nds: Source, quote_of_p19: SourcePassage
) -> None:
    path = f"/passages/{quote_of_p19.pk}/original/"
    response = client.post(path, {"page": "19", "text": ORIGINAL})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")

    assert logged_in(client, member).post(path, {"page": "19", "text": ORIGINAL}).status_code == 403
    assert not SourcePassage.objects.filter(provenance="original").exists()


# --- help to align ---------------------------------------------------------------------------


def test_the_source_page_suggests_the_likeliest_originals_and_one_click_aligns(
    client: Client, quote_of_p19: SourcePassage, analyst: User, tmp_path: Path
) -> None:
    import_nds_like_pdf(tmp_path)
    page = logged_in(client, analyst).get(f"/sources/{NDS}/pages/19/").text
    suggestions = re.findall(r'<q lang="en">(.*?)</q>', page)
    assert 1 <= len(suggestions) <= 3
    assert "model allies - those that spend" in " ".join(suggestions[:2])
    assert page.count("Use this") == len(suggestions)
    chosen = next(s for s in suggestions if "model allies" in s)
    response = client.post(
        f"/passages/{quote_of_p19.pk}/original/",
        {
            "page": "19",
            "text": chosen.replace("&#x27;", "'"),
            "first_page": "19",
            "last_page": "19",
        },
    )
    assert response.status_code == 302
    quote_of_p19.refresh_from_db()
    assert quote_of_p19.original is not None and "model allies" in quote_of_p19.original.text
    rows = client.get("/api/documents/npi-commentary-80/claims/").json()
    assert rows[2]["status"] == "verified"
    assert "Use this" not in client.get(f"/sources/{NDS}/pages/19/").text  # aligned now


def test_no_suggestion_for_readers_who_may_not_align(
    client: Client, quote_of_p19: SourcePassage, member: User, tmp_path: Path
) -> None:
    import_nds_like_pdf(tmp_path)
    assert "Use this" not in client.get(f"/sources/{NDS}/pages/19/").text
    assert "Use this" not in logged_in(client, member).get(f"/sources/{NDS}/pages/19/").text


def test_an_original_pasted_with_other_line_breaks_is_found_on_the_page(
    client: Client, quote_of_p19: SourcePassage, analyst: User, tmp_path: Path
) -> None:
    import_nds_like_pdf(tmp_path)
    pasted = "model allies -\nthose   that\r\nspend what is\tneeded"
    created = send_json(
        logged_in(client, analyst),
        "post",
        "/api/source-passages/",
        {"translation": quote_of_p19.pk, "text": pasted},
        201,
    )
    assert created["first_page"] == "19"


def test_analysts_are_told_at_the_top_of_the_page_which_translation_to_align(
    client: Client, quote_of_p19: SourcePassage, analyst: User, tmp_path: Path
) -> None:
    import_nds_like_pdf(tmp_path)
    page = logged_in(client, analyst).get(f"/sources/{NDS}/pages/19/").text
    notice = f'<a href="#passage-{quote_of_p19.pk}">The translation quoted in ¶ q1 is not aligned'
    assert notice in page and page.index(notice) < page.index("Text of the page")


def test_the_alignment_form_says_what_is_wrong_in_japanese(
    client: Client, quote_of_p19: SourcePassage, analyst: User, tmp_path: Path
) -> None:
    import_nds_like_pdf(tmp_path)
    response = logged_in(client, analyst).post(
        f"/passages/{quote_of_p19.pk}/original/",
        {"page": "19", "text": "model allies - those that spend", "first_page": "20"},
        HTTP_ACCEPT_LANGUAGE="ja",
    )
    assert response.status_code == 400
    assert "p.19にあります。そのページを指定してください。" in response.content.decode()


def test_a_japanese_translation_with_no_latin_word_is_offered_its_english_original_first(
    nds: Source, seed_document: Document
) -> None:
    from reader.alignment import suggest_originals

    quote = SourcePassage.objects.get(block__anchor="q2", block__document=seed_document)
    assert not re.search(r"[A-Za-z]", quote.text)
    best = suggest_originals(quote)[0]
    assert best.page == "20"
    assert best.text.startswith("This shift in the balance of responsibility")
