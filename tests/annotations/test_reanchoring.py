"""Annotations survive new revisions of the text: they move with their words, or become orphans;
never deleted, never attached to the wrong words."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from annotations.models import Annotation
from reader.importers.commentary import import_commentary
from reader.models import Document
from tests.helpers import SEED, annotation_on

SEED_TEXT = SEED.read_text(encoding="utf-8")


def revise(tmp_path: Path, *edits: tuple[str, str]) -> Document:
    text = SEED_TEXT
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "npi-commentary-80.txt"
    path.write_text(text, encoding="utf-8")
    return import_commentary(path).document


def annotate(document: Document, author: User, exact: str, occurrence: int = 0) -> Annotation:
    text = document.plain_text()
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(exact, start + 1)
    return annotation_on(document, author, start, start + len(exact), body="note")


def where(annotation: Annotation) -> tuple[str, str]:
    annotation.refresh_from_db()
    text = annotation.document.plain_text()
    assert annotation.start is not None and annotation.end is not None
    return annotation.state, text[annotation.start : annotation.end]


SENTENCE = "米韓同盟の未来を祝福したのであった"


def test_an_unchanged_passage_keeps_its_place(
    tmp_path: Path, seed_document: Document, analyst: User
) -> None:
    note = annotate(seed_document, analyst, SENTENCE)
    before = (note.start, note.end)
    revise(tmp_path, ("冷戦終焉後に", "冷戦の終焉後に"))  # an edit further on
    assert where(note) == ("anchored", SENTENCE)
    assert (note.start, note.end) == before
    assert note.created_revision == 1 and note.anchor_revision == 2


def test_an_inserted_sentence_moves_the_notes_after_it(
    tmp_path: Path, seed_document: Document, analyst: User
) -> None:
    note = annotate(seed_document, analyst, SENTENCE)
    before = note.start
    inserted = "この点は後述する。"
    revise(tmp_path, ("公表した¹。", f"公表した¹。{inserted}"))
    assert where(note) == ("anchored", SENTENCE)
    assert note.start == before + len(inserted)


def test_a_fixed_typo_inside_the_words_is_found_by_likeness(
    tmp_path: Path, analyst: User, db: None
) -> None:
    with_typo = revise(tmp_path, ("未来を祝福した", "未来を祝副した"))
    typo = "コルビー国防次官（政策担当）は、世宗研究所での講演において韓国の防衛努力を賞賛し"
    note = annotate(with_typo, analyst, "米韓同盟の未来を祝副したのであった")
    other = annotate(with_typo, analyst, typo)
    fixed = revise(tmp_path)  # the seed itself: the typo fixed
    assert fixed.revision == 2
    assert where(note) == ("anchored", SENTENCE)
    assert where(other) == ("anchored", typo)
    assert note.exact == SENTENCE and note.anchor_revision == 2 and note.created_revision == 1


def test_a_deleted_sentence_orphans_its_note_and_keeps_it(
    tmp_path: Path, seed_document: Document, analyst: User
) -> None:
    deleted = "ここで、アメリカが担う「枢要かつより限定的な支援」とは、基本的には核の拡大抑止を指すものと考えてよいだろう。"
    note = annotate(seed_document, analyst, "基本的には核の拡大抑止を指すものと考えてよいだろう")
    revise(tmp_path, (deleted, ""))
    note.refresh_from_db()
    assert note.state == "orphaned"
    assert note.exact == "基本的には核の拡大抑止を指すものと考えてよいだろう"  # kept as made
    assert note.anchor_revision == 1  # the revision its anchor was made on


def test_a_moved_paragraph_takes_its_notes_along(
    tmp_path: Path, seed_document: Document, analyst: User
) -> None:
    last = "単に対米協調の姿勢を競い合うだけではない日韓関係のあり方を追求することは、日本にとってもやはり重要だろう。"
    note = annotate(seed_document, analyst, "日韓関係のあり方を追求する")
    paragraphs = SEED_TEXT.split("\n\n")
    final = next(p for p in paragraphs if last in p)
    moved = SEED_TEXT.replace("\n\n" + final, "").replace(
        "2026年1月、アメリカ", final + "\n\n2026年1月、アメリカ", 1
    )
    path = tmp_path / "npi-commentary-80.txt"
    path.write_text(moved, encoding="utf-8")
    import_commentary(path)
    state, words = where(note)
    assert (state, words) == ("anchored", "日韓関係のあり方を追求する")
    assert note.start < 400  # now in the first paragraph


def test_a_quote_that_now_appears_twice_stays_with_its_context(
    tmp_path: Path, seed_document: Document, analyst: User
) -> None:
    words = "取り立てて新しくはない"
    note = annotate(seed_document, analyst, words)
    before = note.prefix
    revise(tmp_path, ("公表した¹。", f"公表した¹。この方針は{words}。"))
    assert where(note) == ("anchored", words)
    assert note.prefix.endswith(before[-10:])  # the original place, not the new copy


def test_a_deleted_quote_is_not_attached_to_similar_words(
    tmp_path: Path, seed_document: Document, analyst: User
) -> None:
    # Two sentences say nearly the same thing; deleting one must not move its note to the other.
    target = "このことを踏まえてトランプ政権は韓国を「模範的な同盟国」として位置づけている"
    note = annotate(seed_document, analyst, target)
    revise(
        tmp_path,
        ("、このことを踏まえてトランプ政権は韓国を「模範的な同盟国」として位置づけている", ""),
    )
    note.refresh_from_db()
    assert note.state == "orphaned"
    assert Annotation.objects.filter(pk=note.pk).exists()


def test_a_short_quote_is_never_guessed(
    tmp_path: Path, seed_document: Document, analyst: User
) -> None:
    note = annotate(seed_document, analyst, "新しくは")
    revise(tmp_path, ("取り立てて新しくはない", "取り立てて新規ではない"))
    note.refresh_from_db()
    assert note.state == "orphaned"


def test_the_import_command_reports_the_re_anchoring(
    tmp_path: Path, seed_document: Document, analyst: User
) -> None:
    from io import StringIO

    from django.core.management import call_command

    annotate(seed_document, analyst, SENTENCE)
    annotate(seed_document, analyst, "基本的には核の拡大抑止を指すもの")
    path = tmp_path / "npi-commentary-80.txt"
    path.write_text(
        SEED_TEXT.replace("基本的には核の拡大抑止を指すもの", "核の傘"), encoding="utf-8"
    )
    out = StringIO()
    call_command("import_commentary", str(path), stdout=out)
    assert "Annotations re-anchored: 1 in place, 0 moved, 1 orphaned" in out.getvalue()


def test_orphans_are_listed_by_the_api(
    tmp_path: Path, seed_document: Document, analyst: User, client: Client
) -> None:
    note = annotate(seed_document, analyst, "基本的には核の拡大抑止を指すもの")
    revise(tmp_path, ("基本的には核の拡大抑止を指すもの", "核の傘"))
    client.force_login(analyst)
    listed = client.get("/api/annotations/", {"state": "orphaned"}).json()["results"]
    assert [item["id"] for item in listed] == [note.pk]
    assert listed[0]["target"]["selector"][0]["exact"] == "基本的には核の拡大抑止を指すもの"


def test_re_anchoring_runs_inside_the_import_so_a_failure_leaves_text_and_notes_as_they_were(
    tmp_path: Path, seed_document: Document, analyst: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotations import signals

    note = annotate(seed_document, analyst, SENTENCE)
    before = (seed_document.revision, seed_document.plain_text(), where(note))

    def broken(document: Document) -> None:
        Annotation.objects.filter(pk=note.pk).update(state=Annotation.State.ORPHANED)
        raise RuntimeError("re-anchoring failed")

    monkeypatch.setattr(signals, "reanchor", broken)  # what the import's signal runs
    with pytest.raises(RuntimeError, match="re-anchoring failed"):
        revise(tmp_path, ("冷戦終焉後に", "冷戦の終焉後に"))
    seed_document.refresh_from_db()
    assert (seed_document.revision, seed_document.plain_text(), where(note)) == before
