"""BM25 over normalised terms, with field weights, as an inverted index.

Each article is one document whose term frequencies are weighted by field:
phrasings (title and alternate questions) and keywords count more than the
answer text. Per-posting BM25 weights are computed once at build time and kept
in NumPy arrays, so a question costs one ``bincount`` over the postings of its
own terms.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

K1 = 1.2
B = 0.75


@dataclass(frozen=True)
class FieldWeights:
    phrasings: float = 2.0
    keywords: float = 2.0
    answer: float = 1.0


class BM25Index:
    def __init__(self, docs: Sequence[Sequence[tuple[Iterable[str], float]]]) -> None:
        """``docs``: per document, a list of (terms, field weight) pairs."""
        tfs: list[dict[str, float]] = []
        for fields in docs:
            tf: dict[str, float] = {}
            for terms, weight in fields:
                for term, n in Counter(terms).items():
                    tf[term] = tf.get(term, 0.0) + n * weight
            tfs.append(tf)
        self.size = len(tfs)
        lengths = [sum(tf.values()) for tf in tfs]
        total = sum(lengths)
        avg = total / len(lengths) if total else 1.0
        doc_ids: dict[str, list[int]] = {}
        weights: dict[str, list[float]] = {}
        for doc, (tf, length) in enumerate(zip(tfs, lengths, strict=True)):
            norm = K1 * (1 - B + B * length / avg)
            for term, freq in tf.items():
                doc_ids.setdefault(term, []).append(doc)
                weights.setdefault(term, []).append(freq * (K1 + 1) / (freq + norm))
        self.idf: dict[str, float] = {t: self._idf(len(d)) for t, d in doc_ids.items()}
        self._unknown_idf = self._idf(1)
        self.postings: dict[str, tuple[npt.NDArray[np.int32], npt.NDArray[np.float64]]] = {
            t: (np.asarray(d, dtype=np.int32), np.asarray(weights[t], dtype=np.float64))
            for t, d in doc_ids.items()
        }

    def _idf(self, df: int) -> float:
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    def idf_of(self, term: str) -> float:
        """IDF of a term; a term the corpus never uses weighs as a rare one (df = 1)."""
        return self.idf.get(term, self._unknown_idf)

    def scores(self, terms: Iterable[str]) -> tuple[npt.NDArray[np.float64], float]:
        """BM25 score of every document (0 where no term matches), and the score a
        perfect match would get, which normalises scores to 0..1: a document
        holding every query term with saturated frequency would reach it."""
        ceiling = 0.0
        ids: list[npt.NDArray[np.int32]] = []
        vals: list[npt.NDArray[np.float64]] = []
        for term in sorted(set(terms)):  # fixed order: float sums are reproducible
            idf = self.idf_of(term)
            ceiling += idf * (K1 + 1)
            hit = self.postings.get(term)
            if hit is not None:
                ids.append(hit[0])
                vals.append(hit[1] * idf)
        if not ids:
            return np.zeros(self.size), ceiling
        return np.bincount(np.concatenate(ids), np.concatenate(vals), self.size), ceiling
