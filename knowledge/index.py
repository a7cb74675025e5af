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
        """``docs``: per document, a list of (terms, field weight) pairs.

        Postings are stored CSR-style: for term id ``i``, its documents and
        weights are ``_docs[_ptr[i]:_ptr[i + 1]]`` and ``_weights[...]``.
        """
        term_ids: dict[str, int] = {}
        col_terms: list[int] = []
        col_freqs: list[float] = []
        doc_sizes: list[int] = []
        for fields in docs:
            tf: dict[str, float] = {}
            for terms, weight in fields:
                for term, n in Counter(terms).items():
                    tf[term] = tf.get(term, 0.0) + n * weight
            col_terms.extend(term_ids.setdefault(t, len(term_ids)) for t in tf)
            col_freqs.extend(tf.values())
            doc_sizes.append(len(tf))
        self.size = len(doc_sizes)
        terms_arr = np.asarray(col_terms, dtype=np.int32)
        freqs = np.asarray(col_freqs, dtype=np.float64)
        doc_arr = np.repeat(np.arange(self.size, dtype=np.int32), doc_sizes)
        lengths = np.bincount(doc_arr, freqs, self.size) if self.size else np.zeros(0)
        avg = float(lengths.mean()) if self.size and lengths.sum() else 1.0
        norm = K1 * (1 - B + B * lengths[doc_arr] / avg)
        weights = freqs * (K1 + 1) / (freqs + norm)
        order = np.argsort(terms_arr, kind="stable")  # documents stay in index order
        df = np.bincount(terms_arr, minlength=len(term_ids))
        self._ptr = np.concatenate(([0], np.cumsum(df))).astype(np.int64)
        self._docs = doc_arr[order]
        self._weights = weights[order]
        self._term_ids = term_ids
        self.idf: dict[str, float] = {t: self._idf(int(df[i])) for t, i in term_ids.items()}
        self._unknown_idf = self._idf(1)

    def postings(self, term: str) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float64]] | None:
        i = self._term_ids.get(term)
        if i is None:
            return None
        lo, hi = self._ptr[i], self._ptr[i + 1]
        return self._docs[lo:hi], self._weights[lo:hi]

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
            hit = self.postings(term)
            if hit is not None:
                ids.append(hit[0])
                vals.append(hit[1] * idf)
        if not ids:
            return np.zeros(self.size), ceiling
        scores = np.bincount(np.concatenate(ids), np.concatenate(vals), self.size)
        return scores.astype(np.float64), ceiling
