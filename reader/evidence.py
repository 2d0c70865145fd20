"""Evidence for claims: the sentences of a source's pages that a claim rests on, found across
languages by the sentence encoder (reader.encoder), and ranked with numpy.

When a source's text changes (reader.signals.source_text_changed, sent by an import inside its
transaction, or by a background task with a `progress` callable), `embed_source` cuts each page
into sentences (reader.sentences) and stores their vectors with the page (PageSentences); a page
whose text and encoder are unchanged is left as it is, so running it again replaces, never
duplicates. A claim's vector is kept by the SHA-256 of its words (TextVector).

A claim is compared with every sentence, and with every two adjacent sentences of one page (their
vectors summed: a claim often rests on a sentence and the next); the score is the cosine, cut to
0..1. The thresholds were calibrated on the labelled set (tests/evidence/nds_2026.json: 54 claims,
35 in Japanese; `python bench/evidence.py --calibrate` prints these figures). There, the cited
page's best sentence scores 0.464 at least when it holds the claim, and a claim no page holds
finds nothing above 0.414 anywhere; another page beats the cited pages' best by 0.037 at most when
the citation is right, and by 0.092 at least when it is wrong. Hence:
- FOUND (0.45): the cited pages hold a sentence at least this close: `evidence_found`;
- MARGIN (0.07): a sentence of another page at FOUND or more that scores this much above the
  cited pages' best makes the claim a `page_mismatch` naming its page, and is listed as
  `elsewhere`; nothing at FOUND on the cited pages and no such sentence: `no_evidence`.
The scores are suggestions; the verdict stays with the analyst.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import QuerySet
from django.dispatch import receiver

from .encoder import encode, encoder_name
from .models import Claim, Document, PageSentences, Source, SourcePage, TextVector
from .sentences import split_sentences
from .signals import document_imported, source_text_changed

FOUND = 0.45
MARGIN = 0.07
PAIR_GAIN = 0.03  # two sentences are shown together only when they score this much above one
SHOWN = 3  # sentences shown per list
Progress = Callable[[str, int, int], None]


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _pack(vectors: np.ndarray) -> bytes:
    return vectors.astype(np.float16).tobytes()


def _unpack(data: bytes | memoryview, rows: int) -> np.ndarray:
    vectors = np.frombuffer(bytes(data), dtype=np.float16).astype(np.float32)
    return vectors.reshape(rows, -1) if rows else np.zeros((0, 0), dtype=np.float32)


# --- embedding ------------------------------------------------------------------------------

_memo: dict[tuple[str, str], np.ndarray] = {}  # (encoder, text) → vector, within one process
MEMO_SIZE = 20_000


def _encode_memoised(texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
    """The texts' vectors, encoding only those this process has not encoded lately (a bounded
    memo); `progress` is told after every batch how many of the texts are done."""
    name = encoder_name()
    batch = 256
    rows: list[np.ndarray] = []
    for start in range(0, len(texts), batch):
        chunk = texts[start : start + batch]
        missing = list(dict.fromkeys(t for t in chunk if (name, t) not in _memo))
        fresh = dict(zip(missing, encode(missing), strict=True)) if missing else {}
        rows.append(np.vstack([fresh[t] if t in fresh else _memo[(name, t)] for t in chunk]))
        if len(_memo) + len(fresh) > MEMO_SIZE:
            _memo.clear()
        _memo.update(((name, text), vector) for text, vector in fresh.items())
        if progress:
            progress("sentences", start + len(chunk), len(texts))
    return np.vstack(rows) if rows else np.zeros((0, 0), dtype=np.float32)


def encode_texts(texts: Sequence[str]) -> np.ndarray:
    """The vectors of some sentences, from the memo of this process when it has them."""
    return _encode_memoised(texts)


def embed_source(source: Source, progress: Progress | None = None) -> int:
    """Cut the source's pages into sentences and store their vectors; return how many sentences
    were embedded (0 when nothing changed). Pages whose text and encoder are unchanged are kept."""
    name = encoder_name()
    kept = {
        row.page_id: row
        for row in PageSentences.objects.filter(page__source=source).only(
            "page_id", "encoder", "text_sha256"
        )
    }
    todo: list[tuple[SourcePage, str, list[str]]] = []
    for page in source.pages.all():
        digest = _sha256(page.text)
        row = kept.get(page.pk)
        if row is None or row.encoder != name or row.text_sha256 != digest:
            todo.append((page, digest, split_sentences(page.text)))
    texts = [sentence for _page, _digest, sentences in todo for sentence in sentences]
    if progress:
        progress("sentences", 0, len(texts))
    vectors = _encode_memoised(texts, progress)
    start = 0
    for page, digest, sentences in todo:
        rows = vectors[start : start + len(sentences)]
        start += len(sentences)
        PageSentences.objects.update_or_create(
            page=page,
            defaults={
                "encoder": name,
                "text_sha256": digest,
                "sentences": sentences,
                "vectors": _pack(rows) if sentences else b"",
            },
        )
    _loaded.pop(source.pk, None)
    return len(texts)


@receiver(source_text_changed)
def embed_on_change(
    sender: Any, source: Source, progress: Progress | None = None, **kwargs: Any
) -> None:
    embed_source(source, progress)
    embed_claims(Claim.objects.filter(note__citations__source=source))


@receiver(document_imported)
def embed_imported_claims(sender: Any, document: Document, **kwargs: Any) -> None:
    cited = Source.objects.filter(citations__note__document=document)
    if PageSentences.objects.filter(page__source__in=cited).exists():
        embed_claims(document.claims.all())


def embed_claims(claims: QuerySet[Claim]) -> None:
    """Store the vectors of the claims, so that the ledger finds them (and writes nothing)."""
    text_vectors(list(claims.values_list("text", flat=True).distinct()))


def text_vectors(texts: Sequence[str]) -> np.ndarray:
    """The vectors of some texts (claims, quotations), stored so that each is encoded once."""
    name = encoder_name()
    digests = [_sha256(text) for text in texts]
    stored = {
        digest: vector
        for digest, vector in TextVector.objects.filter(
            encoder=name, text_sha256__in=set(digests)
        ).values_list("text_sha256", "vector")
    }
    missing = [text for text, digest in zip(texts, digests, strict=True) if digest not in stored]
    if missing:
        fresh = _encode_memoised(missing)
        TextVector.objects.bulk_create(
            [
                TextVector(encoder=name, text_sha256=_sha256(text), vector=_pack(vector[None]))
                for text, vector in zip(missing, fresh, strict=True)
            ],
            ignore_conflicts=True,
        )
        stored.update(
            (_sha256(text), _pack(v[None])) for text, v in zip(missing, fresh, strict=True)
        )
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    return np.vstack([_unpack(stored[digest], 1) for digest in digests])


# --- ranking --------------------------------------------------------------------------------


@dataclass
class Found:
    """A sentence (or two adjacent ones) of a page, and how close it is to a claim (0..1)."""

    source: str
    page: str
    text: str
    score: float

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "page": self.page, "text": self.text, "score": self.score}


@dataclass
class SourceSentences:
    """Every embedded sentence of a source, in page order, as one matrix."""

    slug: str
    pages: np.ndarray  # the page label of each sentence
    texts: list[str]
    vectors: np.ndarray
    pair_norms: np.ndarray  # |v[i] + v[i+1]|, or 0 where sentence i ends its page
    runs: dict[str, tuple[int, int]] = field(
        default_factory=dict
    )  # a page's sentences: [start, end)
    _masks: dict[tuple[str, ...], np.ndarray] = field(default_factory=dict)
    # The evidence found for a claim's vector on some pages: the ledger asks again and again
    # while the source's sentences (this object, reloaded when they change) stay the same.
    _found: dict[tuple[bytes, tuple[str, ...]], ClaimEvidence] = field(default_factory=dict)

    @classmethod
    def of(
        cls, slug: str, rows: Iterable[tuple[str, list[str], bytes | memoryview]]
    ) -> SourceSentences:
        labels: list[str] = []
        texts: list[str] = []
        blocks: list[np.ndarray] = []
        for label, sentences, data in rows:
            if sentences:
                labels.extend([label] * len(sentences))
                texts.extend(sentences)
                blocks.append(_unpack(data, len(sentences)))
        vectors = np.vstack(blocks) if blocks else np.zeros((0, 1), dtype=np.float32)
        pages = np.array(labels, dtype=object)
        norms = np.zeros(len(texts), dtype=np.float32)
        if len(texts) > 1:
            same = pages[:-1] == pages[1:]
            norms[:-1] = np.where(same, np.linalg.norm(vectors[:-1] + vectors[1:], axis=1), 0)
        runs: dict[str, tuple[int, int]] = {}
        for i, label in enumerate(labels):
            runs[label] = (runs.get(label, (i, i))[0], i + 1)
        return cls(slug, pages, texts, vectors, norms, runs)

    @property
    def empty(self) -> bool:
        return not self.texts

    def mask(self, labels: Sequence[str]) -> np.ndarray:
        """True for the sentences of the pages `labels` (each page's sentences are a run)."""
        key = tuple(labels)
        if key not in self._masks:
            mask = np.zeros(len(self.texts), dtype=bool)
            for label in labels:
                start, end = self.runs.get(label, (0, 0))
                mask[start:end] = True
            self._masks[key] = mask
        return self._masks[key]

    def scores(self, vector: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """How close each sentence is to `vector`, and each pair of a sentence and the next on
        its page (-1 where there is no such pair or it is not clearly better than either)."""
        single = self.vectors @ vector
        following = np.append(single[1:], -1)
        pair = np.full(len(single), -1.0, dtype=np.float32)
        paired = self.pair_norms > 0
        pair[paired] = (single[paired] + following[paired]) / self.pair_norms[paired]
        pair[pair <= np.maximum(single, following) + PAIR_GAIN] = -1
        return single, pair

    def windows(
        self, scores: tuple[np.ndarray, np.ndarray], mask: np.ndarray, at_least: float = -1
    ) -> list[Found]:
        """The sentences (and pairs of adjacent sentences) of the masked pages scoring
        `at_least`, best first, none overlapping a better one."""
        keep = 4 * SHOWN  # enough to skip the overlapping ones
        candidates: list[tuple[float, int, int]] = []
        for values, count in ((scores[0], 1), (scores[1], 2)):
            places = np.flatnonzero(mask & (values > -1) & (values >= at_least))
            if len(places) > keep:
                places = places[np.argpartition(-values[places], keep)[:keep]]
            candidates.extend((float(values[i]), int(i), count) for i in places)
        candidates.sort(key=lambda c: -c[0])
        taken: set[int] = set()
        found: list[Found] = []
        for score, start, count in candidates:
            span = set(range(start, start + count))
            if span & taken:
                continue
            taken |= span
            text = " ".join(self.texts[start : start + count])
            found.append(Found(self.slug, str(self.pages[start]), text, _score(score)))
            if len(found) == SHOWN:
                break
        return found


def _score(cosine: float) -> float:
    return round(min(max(cosine, 0.0), 1.0), 3)


_loaded: dict[int, tuple[tuple[Any, ...], SourceSentences]] = {}


def source_sentences(source_ids: Iterable[int]) -> dict[int, SourceSentences]:
    """The embedded sentences of the sources (those with none are left out), from a cache of
    this process while their pages' texts and the encoder are unchanged."""
    name = encoder_name()
    signatures: dict[int, list[tuple[int, str, str]]] = {}
    for source_id, page_id, digest, encoder in PageSentences.objects.filter(
        page__source__in=list(source_ids)
    ).values_list("page__source_id", "page_id", "text_sha256", "encoder"):
        signatures.setdefault(source_id, []).append((page_id, digest, encoder))
    found: dict[int, SourceSentences] = {}
    for source_id, signature in signatures.items():
        if any(encoder != name for _p, _d, encoder in signature):
            continue  # embedded by another encoder: not comparable until embedded again
        key = tuple(sorted(signature))
        cached = _loaded.get(source_id)
        if cached is None or cached[0] != key:
            cached = (key, _load(source_id))
            _loaded[source_id] = cached
        if not cached[1].empty:
            found[source_id] = cached[1]
    return found


def _load(source_id: int) -> SourceSentences:
    rows = list(
        PageSentences.objects.filter(page__source_id=source_id)
        .order_by("page__pdf_index", "page_id")
        .values_list("page__source__slug", "page__label", "sentences", "vectors")
    )
    slug = rows[0][0] if rows else ""
    return SourceSentences.of(slug, [(label, s, data) for _slug, label, s, data in rows])


@dataclass
class ClaimEvidence:
    """The best sentences of the cited pages, and of other pages when clearly better."""

    evidence: list[Found]
    elsewhere: list[Found]

    @property
    def best(self) -> float:
        return self.evidence[0].score if self.evidence else 0.0

    @property
    def found(self) -> bool:
        return self.best >= FOUND

    @property
    def mismatch(self) -> Found | None:
        """The other page's sentence that makes this claim a page mismatch, if any: one at FOUND
        or more, and MARGIN above the best of the cited pages (`elsewhere` holds no other)."""
        if not self.elsewhere or self.elsewhere[0].score < FOUND:
            return None
        return self.elsewhere[0]


def claim_evidence(
    vector: np.ndarray, sentences: SourceSentences, cited: Sequence[str]
) -> ClaimEvidence:
    """The evidence of a claim (its vector) on the `cited` page labels of a source."""
    key = (vector.tobytes(), tuple(cited))
    if key not in sentences._found:
        if len(sentences._found) > MEMO_SIZE:
            sentences._found.clear()
        sentences._found[key] = _claim_evidence(vector, sentences, cited)
    return sentences._found[key]


def _claim_evidence(
    vector: np.ndarray, sentences: SourceSentences, cited: Sequence[str]
) -> ClaimEvidence:
    mask = sentences.mask(cited)
    scores = sentences.scores(vector)
    evidence = sentences.windows(scores, mask, at_least=1e-9)
    best = evidence[0].score if evidence else 0.0
    elsewhere = sentences.windows(scores, ~mask, at_least=best + MARGIN - 5e-4)
    return ClaimEvidence(evidence, [f for f in elsewhere if f.score >= best + MARGIN])
