"""What the importer must get out of the seed commentary."""

from __future__ import annotations

import datetime

import pytest

from reader.models import Block, Citation, Claim, Document, Source, SourcePage, SourcePassage

NDS_TITLE = (
    "National Defense Strategy: Restoring Peace Through Strength for a New Golden Age of America"
)
LEE_TITLE = "李在明政権の発足と在韓米軍の戦略的柔軟性"


def citation_of(document: Document, number: int) -> Citation:
    return Citation.objects.select_related("source").get(
        note__document=document, note__number=number
    )


def test_it_reads_the_metadata(seed_document: Document) -> None:
    assert seed_document.slug == "npi-commentary-80"
    assert seed_document.date == datetime.date(2026, 2, 20)
    assert seed_document.title == "第2次トランプ政権の「国家防衛戦略」と韓国"
    assert seed_document.series == "日米同盟研究会コメンタリー"
    assert seed_document.number == "80"
    assert seed_document.affiliation == "防衛研究所主任研究官"
    assert seed_document.author == "石田 智範"
    assert seed_document.language == "ja"
    assert seed_document.disclaimer.startswith("※本稿の内容は")


def test_it_finds_eight_paragraphs_and_two_quotations(seed_document: Document) -> None:
    kinds = list(seed_document.blocks.values_list("kind", flat=True))
    assert kinds.count(Block.Kind.PARAGRAPH) == 8
    assert kinds.count(Block.Kind.QUOTE) == 2
    assert kinds[2] == kinds[5] == Block.Kind.QUOTE
    assert not any("※" in text for text in seed_document.blocks.values_list("text", flat=True))


def test_it_joins_the_sentence_split_by_a_page_break(seed_document: Document) -> None:
    texts = list(seed_document.blocks.values_list("text", flat=True))
    joined = [text for text in texts if "明示された点が注目される" in text]
    assert len(joined) == 1
    assert not any(text.endswith("明示され") or text.startswith("た点が") for text in texts)


def test_the_quotations_are_passages_of_the_nds_translated_by_the_author(
    seed_document: Document,
) -> None:
    passages = SourcePassage.objects.filter(block__document=seed_document).order_by(
        "block__position"
    )
    assert [(p.first_page, p.last_page) for p in passages] == [("19", "19"), ("20", "21")]
    for passage in passages:
        assert passage.source.title == NDS_TITLE
        assert passage.language == "ja"
        assert passage.provenance == SourcePassage.Provenance.QUOTED_TRANSLATION
        assert passage.translator == "石田 智範"
        assert passage.block.kind == Block.Kind.QUOTE
        assert passage.text == passage.block.text
    assert passages[0].text.startswith("欧州、中東、そして朝鮮半島においては")
    assert passages[1].text.startswith("こうした〔米韓両国が負う〕責任のバランス")


def test_it_finds_ten_notes_and_six_sources(seed_document: Document) -> None:
    assert list(seed_document.notes.values_list("number", flat=True)) == list(range(1, 11))
    sources = Source.objects.filter(citations__note__document=seed_document).distinct()
    assert sources.count() == 6
    assert Source.objects.count() == 6


def test_it_renders_note_markdown_to_safe_html(seed_document: Document) -> None:
    note = seed_document.notes.get(number=1)
    assert '<em lang="en">National Defense Strategy: Restoring Peace' in note.html
    assert (
        'href="https://media.defense.gov/2026/Jan/23/2003864773/-1/-1/0/2026-NATIONAL-DEFENSE-STRATEGY.PDF"'
        in note.html
    )
    assert 'rel="nofollow noopener noreferrer"' in note.html
    bare = seed_document.notes.get(number=9)
    assert (
        'href="https://www.npi.or.jp/research/data/npi_commentary_ishida_20250616.pdf"' in bare.html
    )


@pytest.mark.parametrize(
    ("number", "pages"),
    [(3, ("19", "19")), (6, ("20", "21")), (8, ("20", "21"))],
)
def test_short_forms_cite_nds_pages(
    seed_document: Document, number: int, pages: tuple[str, str]
) -> None:
    citation = citation_of(seed_document, number)
    assert citation.form == Citation.Form.SHORT
    assert citation.source.title == NDS_TITLE
    assert (citation.first_page, citation.last_page) == pages


def test_note_1_cites_the_nds_as_a_whole(seed_document: Document) -> None:
    citation = citation_of(seed_document, 1)
    assert citation.form == Citation.Form.FULL
    assert citation.source.title == NDS_TITLE
    assert citation.source.author == "U.S. Department of War"
    assert citation.source.kind == Source.Kind.PDF
    assert (citation.first_page, citation.last_page, citation.locator) == ("", "", "")


def test_note_10_resolves_to_the_source_of_note_9(seed_document: Document) -> None:
    full, short = citation_of(seed_document, 9), citation_of(seed_document, 10)
    assert full.form == Citation.Form.FULL and short.form == Citation.Form.SHORT
    assert short.source == full.source
    assert full.source.title == LEE_TITLE
    assert full.source.author == "石田 智範"  # 拙稿: the commentary's author
    assert (short.first_page, short.last_page, short.locator) == ("2", "2", "2頁")


def test_note_7_keeps_its_commentary_and_cites_pages_70_to_72(seed_document: Document) -> None:
    citation = citation_of(seed_document, 7)
    assert citation.source.title == "米韓同盟における基地政治"
    assert citation.source.container == "基地問題の国際比較"
    assert citation.source.editor == "川名晋史"
    assert citation.source.publisher == "明石書店"
    assert (citation.first_page, citation.last_page, citation.locator) == ("70", "72", "70-72頁")
    assert "付言すれば" in citation.note.text
    assert citation.pages_display == "pp.70–72"


def test_page_locators_print_as_p_and_pp(seed_document: Document) -> None:
    assert citation_of(seed_document, 3).pages_display == "p.19"
    assert citation_of(seed_document, 6).pages_display == "pp.20–21"
    assert citation_of(seed_document, 6).locator == "p.20-21"


def test_every_cited_page_has_a_page_of_its_own(seed_document: Document) -> None:
    nds = Source.objects.get(title=NDS_TITLE)
    assert sorted(nds.pages.values_list("label", flat=True), key=int) == ["19", "20", "21"]
    assert SourcePage.objects.filter(source__title=LEE_TITLE, label="2").exists()


CLAIMS = {
    1: "2026年1月、アメリカの国防総省（戦争省）は、第2次トランプ政権の国防政策の指針となる"
    "「国家防衛戦略（National Defense Strategy）」を公表した",
    2: "これに先立ってトランプ政権は、より上位の戦略文書である「国家安全保障戦略"
    "（National Security Strategy）」を2025年12月に公表している",
    3: "そこには、武器売却や防衛産業協力、情報共有、その他両国の利益となる種々の取り組みが含まれる",
    4: "とはいえ、トランプ政権の期待に応じて、すでに韓国は防衛費を対GDP比3.5%の水準へと"
    "段階的に引き上げる方針を表明済みであり",
    6: "第2次トランプ政権",  # checked by prefix and suffix below
}


def test_each_marker_closes_a_claim_from_its_sentence_start(seed_document: Document) -> None:
    claims = {
        c.note.number: c
        for c in Claim.objects.filter(document=seed_document).select_related("note", "block")
    }
    assert sorted(claims) == list(range(1, 11))
    for number in (1, 2, 3, 4):
        assert claims[number].text == CLAIMS[number]
    for claim in claims.values():
        assert claim.block.text[claim.start : claim.end] == claim.text
    # The claim of note 6 spans the sentence that the page break had split.
    assert claims[6].text.startswith("第2に、国家防衛戦略においては")
    assert claims[6].text.endswith("役割分担が明示された点が注目される")


def test_a_claim_after_a_marker_in_the_same_sentence_starts_after_it(
    seed_document: Document,
) -> None:
    claims = {c.note.number: c for c in seed_document.claims.select_related("note")}
    # ⁴ closes a clause (…表明済みであり⁴、); the next sentence holds ⁵.
    assert claims[5].text.startswith("事実、国家防衛戦略の発表直後に")
    assert claims[7].text == (
        "こうした米韓同盟における役割分担のあり方は、冷戦終焉後にアメリカが追求してきた"
        "朝鮮半島政策の基本的な方向性に沿うものであり"
    )
    assert claims[3].block.kind == Block.Kind.QUOTE
    assert claims[8].block.kind == Block.Kind.QUOTE
