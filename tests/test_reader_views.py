"""The reader and source pages, as a reader without an account sees them."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from reader.importers.commentary import import_commentary
from reader.models import Document

from .generated import write_large_commentary
from .helpers import SEED, count_queries

NDS_PDF = (
    "https://media.defense.gov/2026/Jan/23/2003864773/-1/-1/0/2026-NATIONAL-DEFENSE-STRATEGY.PDF"
)
READER = "/documents/npi-commentary-80/"


def test_the_index_lists_the_documents(client: Client, seed_document: Document) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert f'href="{READER}"' in response.text
    assert "第2次トランプ政権の「国家防衛戦略」と韓国" in response.text


def test_the_index_says_how_to_import_when_empty(client: Client, db: None) -> None:
    assert "import_commentary" in client.get("/").text


def test_every_claim_links_to_its_note(client: Client, seed_document: Document) -> None:
    page = client.get(READER).text
    for number in range(1, 11):
        assert (
            f'<a class="claim" id="claim-{number}" href="#note-{number}" data-note="{number}">'
            in page
        )
        assert f'<article class="note" id="note-{number}" data-note="{number}">' in page
        assert f'href="#claim-{number}"' in page


def note_html(page: str, number: int) -> str:
    start = page.index(f'<article class="note" id="note-{number}"')
    return page[start : page.index("</article>", start)]


def test_the_note_of_a_page_citation_links_to_the_page_and_opens_the_pdf_there(
    client: Client, seed_document: Document
) -> None:
    note = note_html(client.get(READER).text, 3)
    assert "National Defense Strategy</em>, p.19." in note  # the note's words name the source
    assert ">Source page p.19</a>" in note
    assert 'href="/sources/national-defense-strategy/pages/19/"' in note
    assert f'href="{NDS_PDF}#page=19"' in note
    # The quoted passage stands beside the note in the text: the note does not repeat it.
    assert "欧州、中東、そして朝鮮半島においては" not in note


def test_a_page_range_prints_as_pp_and_opens_at_its_first_page(
    client: Client, seed_document: Document
) -> None:
    note = note_html(client.get(READER).text, 6)
    assert ">Source page pp.20–21</a>" in note
    assert f'href="{NDS_PDF}#page=20"' in note
    # The passage quoted from pp.20–21 stands in the text (q2, under note 8): the note points to it.
    assert "こうした〔米韓両国が負う〕責任のバランス" not in note
    assert '<a href="#q2">The passage of pp.20–21 is quoted in the text (¶ q2).</a>' in note


def test_a_note_gives_the_title_of_its_source_once(client: Client, seed_document: Document) -> None:
    page = client.get(READER).text
    title = "National Defense Strategy: Restoring Peace Through Strength"
    assert note_html(page, 1).count(title) == 1  # the note's own words give it
    # A short form names the work too: the full title is not added to it.
    assert note_html(page, 3).count("National Defense Strategy") == 1
    assert 'class="cited-source"' not in note_html(page, 3)


def test_markers_are_no_tab_stops_of_their_own(client: Client, seed_document: Document) -> None:
    page = client.get(READER).text
    assert page.count('<sup class="marker"><a href="#note-') == 10
    assert page.count('data-note="3" tabindex="-1" aria-label="Note 3"') == 1
    assert 'class="reader" id="text"' in page and 'href="#text"' in page  # the skip link


def test_the_quotations_are_set_as_quotations(client: Client, seed_document: Document) -> None:
    page = client.get(READER).text
    assert page.count('<blockquote class="quotation">') == 2
    quote = page[page.index('<blockquote class="quotation">') :]
    assert quote.index("欧州、中東") < quote.index('id="claim-3"') < quote.index("</blockquote>")


def test_content_carries_its_language(client: Client, seed_document: Document) -> None:
    page = client.get(READER).text
    assert '<div class="text" lang="ja">' in page
    assert '<em lang="en">National Defense Strategy' in page
    assert '<html lang="en">' in page


def test_the_interface_speaks_japanese(client: Client, seed_document: Document) -> None:
    page = client.get(READER, HTTP_ACCEPT_LANGUAGE="ja").text
    assert '<html lang="ja">' in page
    assert "出典" in page and "Sources" not in page


def test_the_language_switch_sets_the_interface_language(
    client: Client, seed_document: Document
) -> None:
    page = client.get(READER).text
    assert f'href="/language/ja/?next={READER}"' in page
    response = client.get("/language/ja/", {"next": READER})
    assert response.status_code == 302 and response["Location"] == READER
    assert '<html lang="ja">' in client.get(READER).text
    client.get("/language/en/", {"next": READER})
    assert '<html lang="en">' in client.get(READER).text


def test_the_language_switch_stays_on_this_site(client: Client, db: None) -> None:
    response = client.get("/language/ja/", {"next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert client.get("/language/xx/").status_code == 404


def test_anonymous_pages_set_no_cookie_and_are_cached_whole(
    client: Client, seed_document: Document
) -> None:
    first = client.get(READER)
    assert not first.cookies
    with CaptureQueriesContext(connection) as queries:
        again = client.get(READER)
    assert (
        again.content == first.content and len(queries) == 0
    )  # the page and its stamp: cache only
    assert "Accept-Language" in again["Vary"] and "Cookie" in again["Vary"]


def test_browsers_that_accept_gzip_get_the_page_compressed(
    client: Client, seed_document: Document
) -> None:
    plain = client.get(READER).content
    response = client.get(READER, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content) == plain
    assert len(response.content) < len(plain) / 3


@pytest.mark.parametrize("refusal", ["gzip;q=0", "br, gzip; q=0.0", "identity", "x-gzip2"])
def test_a_client_that_refuses_gzip_gets_the_page_plain(
    client: Client, seed_document: Document, refusal: str
) -> None:
    response = client.get(READER, HTTP_ACCEPT_ENCODING=refusal)
    assert "Content-Encoding" not in response
    assert "国家防衛戦略" in response.content.decode()


@pytest.mark.parametrize("acceptance", ["GZIP", "br;q=1.0, gzip;q=0.5", "*"])
def test_gzip_is_given_to_every_client_that_accepts_it(
    client: Client, seed_document: Document, acceptance: str
) -> None:
    response = client.get(READER, HTTP_ACCEPT_ENCODING=acceptance)
    assert response["Content-Encoding"] == "gzip"
    assert "国家防衛戦略" in gzip.decompress(response.content).decode()


def test_a_reimport_shows_at_once_despite_the_cache(
    client: Client, seed_document: Document, tmp_path: Path
) -> None:
    assert "取り立てて新しくはない" in client.get(READER).text
    changed = tmp_path / "npi-commentary-80.txt"
    text = SEED.read_text(encoding="utf-8").replace("取り立てて新しくはない", "目新しくはない")
    changed.write_text(text, encoding="utf-8")
    import_commentary(changed)
    assert "目新しくはない" in client.get(READER).text


def test_pages_forbid_inline_scripts(client: Client, seed_document: Document) -> None:
    response = client.get(READER)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "<script>" not in response.text and " on" + "click=" not in response.text


def test_an_unknown_document_is_a_404(client: Client, db: None) -> None:
    assert client.get("/documents/nothing/").status_code == 404


def test_pages_are_read_only(client: Client, seed_document: Document) -> None:
    assert client.post(READER).status_code == 405


def test_a_private_reader_sends_visitors_to_log_in(
    client: Client, seed_document: Document, settings: object
) -> None:
    settings.READER_PUBLIC = False  # type: ignore[attr-defined]
    response = client.get(READER)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert client.get(response["Location"]).status_code == 200


def test_the_source_page_shows_every_claim_that_cites_it(
    client: Client, seed_document: Document
) -> None:
    page = client.get("/sources/national-defense-strategy/pages/20/").text
    assert f'href="{READER}#claim-6"' in page and f'href="{READER}#claim-8"' in page
    assert f'href="{READER}#claim-3"' not in page
    assert "こうした〔米韓両国が負う〕責任のバランス" in page
    assert f'href="{NDS_PDF}#page=20"' in page


def test_the_source_shows_all_its_claims_and_pages(client: Client, seed_document: Document) -> None:
    page = client.get("/sources/national-defense-strategy/").text
    for number in (1, 3, 6, 8):
        assert f'href="{READER}#claim-{number}"' in page
    assert 'href="/sources/national-defense-strategy/pages/19/"' in page
    assert "U.S. Department of War" in page


def test_claims_in_other_documents_are_listed_too(
    client: Client, seed_document: Document, tmp_path: Path
) -> None:
    import_commentary(write_large_commentary(tmp_path / "other.txt", copies=2))
    page = client.get("/sources/national-defense-strategy/pages/19/").text
    assert f'href="{READER}#claim-3"' in page
    assert 'href="/documents/other/#claim-13"' in page


def test_an_unknown_page_is_a_404(client: Client, seed_document: Document) -> None:
    assert client.get("/sources/national-defense-strategy/pages/999/").status_code == 404
    assert client.get("/sources/nothing/").status_code == 404


def test_the_health_view_answers(client: Client, db: None) -> None:
    assert client.get("/health/").text == "ok"


@pytest.mark.parametrize("cached", [False, True])
def test_the_reader_issues_as_many_queries_for_a_document_100_times_larger(
    client: Client, seed_document: Document, tmp_path: Path, cached: bool
) -> None:
    large = import_commentary(write_large_commentary(tmp_path / "large.txt", copies=100)).document
    assert large.notes.count() == 1000 and large.blocks.count() == 1000
    if cached:
        client.get(READER), client.get(large.get_absolute_url())
    seed = count_queries(client, READER)
    assert seed == count_queries(client, large.get_absolute_url())
    # Uncached, the body also reads each claim's evidence status (reader.ledger, which runs the
    # citation check): a fixed number of queries, whatever the length.
    assert seed <= (0 if cached else 20)


def test_a_note_shows_its_own_quotation_not_every_copy_of_it(
    client: Client, seed_document: Document, tmp_path: Path
) -> None:
    import_commentary(write_large_commentary(tmp_path / "other.txt", copies=3))
    note = note_html(client.get(READER).text, 3)
    assert note.count('<blockquote class="passage"') == 0  # its quotation stands beside it
    note6 = note_html(client.get(READER).text, 6)  # cites pp.20–21 without closing a quotation
    assert note6.count('<blockquote class="passage"') == 0  # q2 stands in the text
    assert note6.count('href="#q2"') == 1  # once, though three documents quote it


def test_the_search_box_lists_snippets_that_jump_to_the_place(
    client: Client, seed_document: Document
) -> None:
    page = client.get("/search/", {"q": "模範的な同盟国"}).text
    assert "6 passages contain “模範的な同盟国”." in page
    assert "<mark>模範的な同盟国</mark>" in page
    # Each lands on its place, asking for the words to be highlighted there (static/reader/hits.js).
    assert re.search(r'href="/documents/npi-commentary-80/\?highlight=[^"#]+#p2"', page)
    assert re.search(r'href="/sources/national-defense-strategy/pages/19/\?highlight=[^"#]+"', page)
    assert 'value="模範的な同盟国"' in page


def test_the_search_box_explains_a_query_it_cannot_use(client: Client, db: None) -> None:
    page = client.get("/search/", {"q": "。。"}).text
    assert 'role="alert">the query has no letters' in page


def test_pages_for_a_logged_in_reader_are_private_and_the_shared_page_is_not(
    client: Client, seed_document: Document, analyst: User
) -> None:
    anonymous = client.get(READER)
    assert "private" not in anonymous.get("Cache-Control", "")
    client.force_login(analyst)
    for path in (READER, "/sources/", "/search/?q=同盟"):
        response = client.get(path)
        assert "private" in response["Cache-Control"], path
        assert "Cookie" in response["Vary"]


def test_the_login_form_with_its_csrf_token_is_private(client: Client, db: None) -> None:
    response = client.get("/accounts/login/")
    assert "csrfmiddlewaretoken" in response.content.decode()
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "There is no page at this address"), ("ja", "このアドレスのページはありません")],
)
def test_a_missing_page_is_the_sites_404_in_the_readers_language(
    client: Client, db: None, language: str, words: str
) -> None:
    response = client.get("/documents/nothing/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    assert words in response.text and 'class="site-header"' in response.text


def test_a_server_error_is_the_sites_500_page(client: Client, db: None) -> None:
    from reader.views import server_error

    request = RequestFactory().get("/documents/x/")
    response = server_error(request)
    assert response.status_code == 500
    assert "Something went wrong on our side and has been logged." in response.content.decode()


def test_the_language_switch_names_each_language_in_its_own_name(
    client: Client, seed_document: Document
) -> None:
    page = client.get(READER, HTTP_ACCEPT_LANGUAGE="ja").text
    assert (
        'hreflang="en">English</a>' in page
        and 'hreflang="ja" aria-current="true">日本語</a>' in page
    )
    assert "英語" not in page
