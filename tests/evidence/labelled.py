"""The labelled set of claims and the source sentences they rest on (nds_2026.json, where its
text comes from), and how well an encoder finds them: top-1 and top-3 over every sentence of the
source, by language of the claim."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

SET = Path(__file__).with_name("nds_2026.json")


@dataclass
class Claim:
    lang: str
    kind: str
    cited: str
    page: str | None  # None: no page holds it
    sentence: int | None
    text: str

    @property
    def wrong_page(self) -> bool:
        return self.page is not None and self.page not in _labels(self.cited)


def _labels(cited: str) -> list[str]:
    first, _, last = cited.partition("-")
    return [str(n) for n in range(int(first), int(last or first) + 1)]


def load() -> tuple[dict[str, list[str]], list[Claim]]:
    data = json.loads(SET.read_text())
    return data["pages"], [Claim(**claim) for claim in data["claims"]]


def page_text(pages: dict[str, list[str]], label: str) -> str:
    return " ".join(pages[label])


@dataclass
class Accuracy:
    lang: str
    count: int
    top1: float
    top3: float


def accuracy(encode: Callable[[list[str]], np.ndarray]) -> list[Accuracy]:
    """Rank every sentence of the source for each claim; the claim's sentence first (top-1) or
    among the first three (top-3), by claim language, then over all."""
    pages, claims = load()
    claims = [claim for claim in claims if claim.page is not None]
    places = [(label, i) for label, sentences in pages.items() for i in range(len(sentences))]
    sentences = encode([pages[label][i] for label, i in places])
    queries = encode([claim.text for claim in claims])
    ranks = []
    for claim, row in zip(claims, queries @ sentences.T, strict=True):
        order = [places[i] for i in np.argsort(-row)]
        ranks.append(order.index((claim.page, claim.sentence)))
    results = []
    for lang in ("ja", "en", None):
        mine = [r for c, r in zip(claims, ranks, strict=True) if lang is None or c.lang == lang]
        results.append(
            Accuracy(
                lang or "all",
                len(mine),
                sum(r == 0 for r in mine) / len(mine),
                sum(r < 3 for r in mine) / len(mine),
            )
        )
    return results


def set_sentences() -> Any:
    """The set's pages as the evidence ranking sees them (reader.evidence.SourceSentences)."""
    from reader.encoder import encode
    from reader.evidence import SourceSentences, _pack

    pages, _claims = load()
    return SourceSentences.of(
        "nds-2026",
        [(label, sentences, _pack(encode(sentences))) for label, sentences in pages.items()],
    )


def judged(claims: list[Claim] | None = None) -> list[tuple[Claim, Any]]:
    """Each claim of the set with its evidence on its cited pages (reader.evidence)."""
    from reader.encoder import encode
    from reader.evidence import claim_evidence

    sentences = set_sentences()
    claims = claims if claims is not None else load()[1]
    vectors = encode([claim.text for claim in claims])
    return [
        (claim, claim_evidence(vector, sentences, _labels(claim.cited)))
        for claim, vector in zip(claims, vectors, strict=True)
    ]
