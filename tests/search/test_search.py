"""Passage search: the same hits on SQLite and PostgreSQL, and exactly the passages that contain
the query."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from reader.importers.commentary import import_commentary
from reader.models import Document
from search.models import SearchEntry
from search.query import scan, search
from search.terms import contains, index_terms, query_terms
from tests.helpers import SEED


def entries_containing(query: str) -> set[int]:
    return {e.pk for e in SearchEntry.objects.all() if contains(e.text, query)}


def hit_entries(query: str) -> set[int]:
    return {hit.entry.pk for hit in search(query, limit=1000)}


def hit_texts(query: str) -> set[str]:
    return {hit.entry.text for hit in search(query, limit=1000)}


# The expected hit counts over the seed's 10 blocks, 10 notes and 2 source passages.
SEED_QUERIES = {
    "韓": 12,
    "韓国": 6,
    "同盟": 13,
    "模範的な同盟国": 6,
    "model allies": 2,
    "ｍｏｄｅｌ": 2,
    "MODEL ALLIES": 2,
    "National Defense Strategy": 5,
    "GDP比": 1,
    "日韓": 1,
    "p.19": 1,
    "頁": 2,
    "𠮷": 0,
    "存在しない語": 0,
    # Several words: the passages holding all of them, wherever they stand.
    "同盟 韓国": 5,
    "model allies 同盟": 2,
    "韓国　同盟　在韓米軍": 1,
    '"model allies"': 2,
    "同盟 存在しない語": 0,
}


@pytest.mark.parametrize(("query", "count"), SEED_QUERIES.items())
def test_it_finds_exactly_the_passages_that_contain_the_query(
    seed_document: Document, query: str, count: int
) -> None:
    expected = entries_containing(query)
    assert len(expected) == count
    assert hit_entries(query) == expected
    assert sorted(expected) == scan(query)


def test_a_one_character_query_finds_it_at_the_end_of_a_run(db: None, tmp_path: Path) -> None:
    path = tmp_path / "edge.md"
    path.write_text(
        "---\ntitle: T\n---\n\n協力する日韓。\n\n韓国と日本。\n\n日韓model協力。\n\n日本と米国。\n",
        encoding="utf-8",
    )
    import_commentary(path)
    assert hit_texts("韓") == {"協力する日韓。", "韓国と日本。", "日韓model協力。"}
    assert hit_texts("韓model") == {"日韓model協力。"}  # a Japanese run, then a Latin word
    assert hit_texts("modelの") == set()


def test_characters_outside_the_basic_plane_are_found(db: None, tmp_path: Path) -> None:
    path = tmp_path / "yoshi.md"
    path.write_text(
        "---\ntitle: 𠮷野家の研究\n---\n\n𠮷野家は牛丼の店である。\n\n"
        "𠮷と吉は異なる字である[^1]。\n\n[^1]: 筆者による調査。\n",
        encoding="utf-8",
    )
    import_commentary(path)
    assert {h.entry.text for h in search("𠮷")} == {
        "𠮷野家は牛丼の店である。",
        "𠮷と吉は異なる字である。",
    }
    assert {h.entry.text for h in search("𠮷野")} == {"𠮷野家は牛丼の店である。"}
    assert {h.entry.text for h in search("吉")} == {"𠮷と吉は異なる字である。"}


def test_hits_are_ranked_and_snippets_mark_the_query(seed_document: Document) -> None:
    hits = search("模範的な同盟国")
    scores = [hit.score for hit in hits]
    assert scores == sorted(scores, reverse=True)
    for hit in hits:
        assert "<mark>模範的な同盟国</mark>" in hit.snippet
    folded = search("ｍｏｄｅｌ")[0]
    assert "<mark>model</mark>" in folded.snippet


def test_snippets_escape_html(db: None, tmp_path: Path) -> None:
    path = tmp_path / "html.md"
    # The Markdown importer keeps no HTML tag (markdown-it drops them); the text's own < & > stay.
    path.write_text(
        "---\ntitle: T\n---\n\nIf 1 < 2 & 3 > 2, a claim about 同盟.\n", encoding="utf-8"
    )
    import_commentary(path)
    snippet = search("同盟")[0].snippet
    assert "1 &lt; 2 &amp; 3 &gt; 2" in snippet and "<mark>同盟</mark>" in snippet


def test_the_index_follows_a_reimport(seed_document: Document, tmp_path: Path) -> None:
    assert search("新規の語句") == []
    changed = SEED.read_text(encoding="utf-8").replace("取り立てて新しくはない", "新規の語句である")
    path = tmp_path / "npi-commentary-80.txt"
    path.write_text(changed, encoding="utf-8")
    import_commentary(path)
    assert len(search("新規の語句")) == 1
    assert search("取り立てて新しく") == []
    assert SearchEntry.objects.count() == 22


def test_the_search_uses_the_full_text_index(seed_document: Document) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = off")
            cursor.execute(
                "EXPLAIN SELECT id FROM reader_searchentry "
                "WHERE vector @@ to_tsquery('simple', %s)",
                ["'韓国'"],
            )
            plan = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("SET enable_seqscan = on")
        assert "reader_searchentry_vector" in plan
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "EXPLAIN QUERY PLAN SELECT rowid FROM reader_search_fts WHERE reader_search_fts "
                "MATCH %s",
                ['"韓国"'],
            )
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "VIRTUAL TABLE INDEX" in plan


WORDS_JA = [
    "同盟",
    "韓国",
    "日本",
    "防衛",
    "戦略",
    "抑止",
    "模範的",
    "負担",
    "分担",
    "米軍",
    "朝鮮半島",
    "日韓",
    "の",
    "は",
    "を",
    "、",
]
WORDS_EN = [
    "alliance",
    "model",
    "allies",
    "defense",
    "strategy",
    "korea",
    "burden",
    "sharing",
    "the",
    "of",
    "and",
]


def generated_corpus(count: int) -> list[str]:
    rng = random.Random(80)
    texts = []
    for index in range(count):
        if index % 3 == 0:
            texts.append(
                " ".join(rng.choice(WORDS_EN) for _ in range(rng.randint(3, 20))).capitalize() + "."
            )
        else:
            texts.append("".join(rng.choice(WORDS_JA) for _ in range(rng.randint(3, 30))) + "。")
    return texts


GENERATED_QUERIES = [
    "韓",
    "国",
    "同盟",
    "日韓",
    "韓国",
    "模範的",
    "戦略抑止",
    "国日本",
    "model allies",
    "ALLIANCE",
    "burden sharing the",
    "米軍の",
    "同盟 韓国",
    "allies model",
    '"burden sharing" allies',
    "国 戦略 抑止",
]


def test_it_finds_exactly_the_generated_passages_that_contain_the_query(db: None) -> None:
    from search.models import SearchEntry

    texts = generated_corpus(600)
    SearchEntry.objects.bulk_create(
        SearchEntry.of(SearchEntry.Kind.PASSAGE, text, f"/p/{i}", "ja")
        for i, text in enumerate(texts)
    )
    for query in GENERATED_QUERIES:
        expected = {i for i, text in enumerate(texts) if contains(text, query)}
        got = {int(hit.entry.url.rsplit("/", 1)[1]) for hit in search(query, limit=1000)}
        assert got == expected, query
        assert len(scan(query)) == len(expected)
        assert expected, f"the corpus should contain {query}"


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("日韓両国", "日韓 韓両 両国 国"),
        ("ｍｏｄｅｌ ALLIES", "model allies"),
        ("対GDP比3.5%", "対 gdp 比 3 5"),
        ("𠮷野", "𠮷野 野"),
    ],
)
def test_text_is_indexed_as_bigrams_and_words(text: str, terms: str) -> None:
    assert index_terms(text) == terms


def test_a_query_ends_a_run_only_where_a_word_follows() -> None:
    assert [(t.text, t.prefix) for t in query_terms("韓")] == [("韓", True)]
    assert [(t.text, t.prefix) for t in query_terms("韓国")] == [("韓国", False)]
    assert [(t.text, t.prefix) for t in query_terms("同盟国model")] == [
        ("同盟", False), ("盟国", False), ("国", False), ("model", False),
    ]  # fmt: skip


def test_the_api_returns_ranked_hits_with_snippets_and_reader_links(
    client: Client, seed_document: Document
) -> None:
    data = client.get("/api/passages/", {"q": "模範的な同盟国"}).json()
    assert len(data["results"]) == 6 and data["next"] is None
    first = data["results"][0]
    assert set(first) >= {"id", "kind", "document", "source", "text", "snippet", "url", "score"}
    assert "<mark>模範的な同盟国</mark>" in first["snippet"]
    kinds = {r["kind"] for r in data["results"]}
    assert kinds == {"block", "passage"}
    block = next(r for r in data["results"] if r["kind"] == "block")
    assert block["url"].startswith("http://testserver/documents/npi-commentary-80/#p")
    passage = next(r for r in data["results"] if r["kind"] == "passage")
    assert passage["source"] == "national-defense-strategy"
    assert passage["url"] == "http://testserver/sources/national-defense-strategy/pages/19/"


def test_the_api_combines_search_with_filters(client: Client, seed_document: Document) -> None:
    def kinds(**params: str) -> list[str]:
        return [r["kind"] for r in client.get("/api/passages/", params).json()["results"]]

    assert kinds(q="National Defense Strategy", kind="note") == ["note"] * 4
    assert kinds(q="模範的な同盟国", source="national-defense-strategy") == ["passage"]
    assert kinds(q="同盟", source="national-defense-strategy", source_page="20") == ["passage"]
    assert kinds(q="模範的な同盟国", document="npi-commentary-80") == ["block"] * 5


def test_the_api_pages_through_hits(client: Client, seed_document: Document, settings: Any) -> None:
    from search.api.views import PassageSearchView

    PassageSearchView.page_size, original = 5, PassageSearchView.page_size
    try:
        first = client.get("/api/passages/", {"q": "同盟"}).json()
        second = client.get(first["next"]).json()
        third = client.get(second["next"]).json()
    finally:
        PassageSearchView.page_size = original
    ids = [r["id"] for page in (first, second, third) for r in page["results"]]
    assert len(ids) == 13 == len(set(ids)) and third["next"] is None


def test_a_common_query_ranks_its_first_matches_and_says_so(
    client: Client, seed_document: Document, settings: Any
) -> None:
    exact = search("同盟", limit=1000, rank_among=0)
    assert len(exact) == exact.total == 13 and not exact.capped
    capped = search("同盟", limit=1000, rank_among=5)
    assert len(capped) == capped.total == 5 and capped.capped
    assert {h.entry.pk for h in capped} <= {h.entry.pk for h in exact}
    settings.SEARCH_RANK_AMONG = 5
    assert client.get("/api/passages/", {"q": "同盟"}).json()["capped"] is True
    page = client.get("/search/", {"q": "同盟"}).text
    assert "More than 5 passages contain “同盟”: the best of the first 5 are ranked." in page
    assert client.get("/api/passages/", {"q": "model allies"}).json()["capped"] is False


def test_the_search_page_counts_every_match(client: Client, seed_document: Document) -> None:
    from search import views

    views.SEARCH_PAGE_SIZE, original = 4, views.SEARCH_PAGE_SIZE
    try:
        page = client.get("/search/", {"q": "同盟"}).text
    finally:
        views.SEARCH_PAGE_SIZE = original
    assert "13 passages contain “同盟”. The first 4 are shown." in page
    assert page.count('<p class="snippet"') == 4


def make_entries(*texts: str) -> None:
    SearchEntry.objects.bulk_create(
        SearchEntry.of(SearchEntry.Kind.PASSAGE, text, f"/p/{i}", "en")
        for i, text in enumerate(texts)
    )


def test_several_words_find_the_passages_that_hold_them_all_in_any_order(db: None) -> None:
    make_entries(
        "韓国は同盟の負担を担う。",
        "同盟国としての日本。",
        "韓国の防衛費。",
        "The allies expect a model of burden sharing.",
    )
    assert hit_texts("同盟 韓国") == {"韓国は同盟の負担を担う。"}
    assert hit_texts("韓国 同盟") == {"韓国は同盟の負担を担う。"}
    assert hit_texts("model allies") == {"The allies expect a model of burden sharing."}
    for query in ("同盟 韓国", "model allies", "同盟 日本"):
        assert sorted(hit_entries(query)) == scan(query)


def test_a_quoted_phrase_keeps_its_words_together(db: None) -> None:
    make_entries("Model allies spend more.", "The allies expect a model.")
    assert hit_texts('"model allies"') == {"Model allies spend more."}
    assert hit_texts("“model allies”") == {"Model allies spend more."}
    assert len(hit_texts("model allies")) == 2
    assert hit_texts('"model allies" spend') == {"Model allies spend more."}
    assert hit_texts('"model allies') == hit_texts("model allies")  # an unclosed quote is ignored


def test_the_snippet_marks_every_word(db: None) -> None:
    make_entries("韓国は同盟の負担を担う。")
    snippet = search("同盟 韓国")[0].snippet
    assert snippet == "<mark>韓国</mark>は<mark>同盟</mark>の負担を担う。"
    overlapping = search("同盟 盟の")[0].snippet
    assert "<mark>同盟の</mark>" in overlapping


def test_a_hit_in_a_note_says_which_note(client: Client, seed_document: Document) -> None:
    page = client.get("/search/", {"q": "Strategy"}).text
    assert "Note 3 ·" in page
    data = client.get("/api/passages/", {"q": "Strategy", "kind": "note"}).json()
    assert {hit["note"] for hit in data["results"]} >= {3}
    blocks = client.get("/api/passages/", {"q": "同盟", "kind": "block"}).json()["results"]
    assert blocks and all(hit["note"] is None for hit in blocks)


def test_a_result_links_to_its_place_asking_for_the_words_to_be_highlighted(
    client: Client, seed_document: Document
) -> None:
    page = client.get("/search/", {"q": "同盟 韓国"}).text
    assert (
        'href="/documents/npi-commentary-80/?highlight=%E5%90%8C%E7%9B%9F+%E9%9F%93%E5%9B%BD#p'
        in page
    )


def test_no_hit_says_so_and_suggests_the_words_that_find_something(
    client: Client, seed_document: Document
) -> None:
    page = client.get("/search/", {"q": "同盟 存在しない語"}).text
    assert "No passage contains “同盟 存在しない語”." in page and "Try fewer words:" in page
    assert '<a href="?q=%E5%90%8C%E7%9B%9F">同盟</a> (13 passages)' in page
    english = client.get("/search/", {"q": "nonexistentword"}).text
    assert "No passage contains “nonexistentword”." in english
    assert "Check the spelling, or try another word" in english


def test_no_hit_is_said_in_japanese_too(client: Client, seed_document: Document) -> None:
    page = client.get("/search/", {"q": "同盟 存在しない語"}, HTTP_ACCEPT_LANGUAGE="ja").text
    assert "「同盟 存在しない語」を含む箇所はありません。" in page
    assert "語を減らしてみてください" in page and "（13件）" in page


def test_a_query_that_finds_nothing_is_offered_the_other_languages_word(
    client: Client, seed_document: Document
) -> None:
    """The commentary glosses 模範的な同盟国 as (model allies): "model ally" finds nothing (no
    passage holds "ally"), and is offered the Japanese term, which finds the passage."""
    page = client.get("/search/", {"q": "model ally"}).text
    assert "No passage contains “model ally”." in page
    assert "In the other language, as the commentary glosses it:" in page
    assert (
        '<a href="?q=%E6%A8%A1%E7%AF%84%E7%9A%84%E3%81%AA%E5%90%8C%E7%9B%9F%E5%9B%BD">模範的な同盟国</a>'
        in page
    )
    japanese = client.get("/search/", {"q": "国家防衛戦略の改訂"}, HTTP_ACCEPT_LANGUAGE="ja").text
    assert "National Defense Strategy" in japanese.split('id="other-language"')[1]
    nothing = client.get("/search/", {"q": "nonexistentword"}).text
    assert 'id="other-language"' not in nothing
