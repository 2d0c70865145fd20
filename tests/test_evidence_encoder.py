"""The evidence encoder on the labelled set (tests/evidence/nds_2026.json), and the sentence
splitter it is fed by."""

from __future__ import annotations

from reader.encoder import encode, encoder_name
from reader.sentences import split_sentences

from .evidence.labelled import accuracy, judged, load, page_text


def test_the_chosen_encoder_finds_the_sentence_a_japanese_claim_rests_on() -> None:
    by_lang = {result.lang: result for result in accuracy(encode)}
    assert by_lang["ja"].count >= 30 and by_lang["en"].count >= 15
    assert by_lang["ja"].top1 >= 0.85 and by_lang["ja"].top3 >= 0.95
    assert by_lang["en"].top3 >= 0.9


def test_the_encoder_is_named_with_its_version() -> None:
    assert encoder_name().startswith("use-multilingual-v3@0.")


def test_vectors_are_unit_rows_one_per_text() -> None:
    vectors = encode(["Incentives work.", "インセンティブは働いている。", ""])
    assert vectors.shape[0] == 3
    assert abs(float((vectors**2).sum(axis=1).max()) - 1) < 1e-4


def test_the_pages_of_the_set_split_back_into_their_sentences() -> None:
    pages, _claims = load()
    for label, sentences in pages.items():
        assert split_sentences(page_text(pages, label)) == sentences


def test_sentences_split_in_english_and_japanese_across_pdf_line_breaks() -> None:
    text = "The U.S. Department of War\nsaid so. See p. 19 for more. Mr. Colby agreed.\n"
    assert split_sentences(text) == [
        "The U.S. Department of War said so.",
        "See p. 19 for more.",
        "Mr. Colby agreed.",
    ]
    assert split_sentences("韓国は\n同意した。インセンティブは働く！ Then English.") == [
        "韓国は同意した。",
        "インセンティブは働く！",
        "Then English.",
    ]


def test_every_claim_of_the_set_gets_the_status_its_pages_call_for() -> None:
    from reader.evidence import FOUND

    for claim, evidence in judged():
        mismatch = evidence.mismatch
        if claim.page is None:
            assert not evidence.found and mismatch is None, claim.text
        elif claim.wrong_page:
            assert mismatch is not None and mismatch.page == claim.page, claim.text
        else:
            assert evidence.found and mismatch is None, claim.text
            assert evidence.best >= FOUND
