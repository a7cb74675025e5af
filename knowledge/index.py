"""BM25 over normalised terms, with field weights, as an inverted index.

Each article is one document whose term frequencies are weighted by field:
phrasings (title and alternate questions) and keywords count more than the
answer text. Per-posting BM25 weights are computed once at build time and kept
in NumPy arrays, so a question costs one ``bincount`` over the postings of its
own terms.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain

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
    def __init__(self, docs: Sequence[Sequence[tuple[Sequence[str], float]]]) -> None:
        """``docs``: per document, a list of (terms, field weight) pairs.

        Postings are stored CSR-style: for term id ``i``, its documents and
        weights are ``_docs[_ptr[i]:_ptr[i + 1]]`` and ``_weights[...]``.
        """
        fields = [list(doc) for doc in docs]
        # Term ids in order of first use (document by document, field by field): the
        # same numbering a term-at-a-time loop gives, built at C speed.
        streams = [terms for doc in fields for terms, _ in doc]
        term_ids = {t: i for i, t in enumerate(dict.fromkeys(chain.from_iterable(streams)))}
        size = len(fields)
        n_terms = len(term_ids)
        lens = [len(terms) for terms in streams]
        ids = np.fromiter(
            map(term_ids.__getitem__, chain.from_iterable(streams)), dtype=np.int64, count=sum(lens)
        )
        width = max((len(doc) for doc in fields), default=1) or 1
        field_doc = np.repeat(np.arange(size, dtype=np.int64), [len(doc) for doc in fields])
        field_pos = np.concatenate(
            [np.arange(len(doc), dtype=np.int64) for doc in fields] or [np.zeros(0, np.int64)]
        )
        field_weight = np.asarray([w for doc in fields for _, w in doc], dtype=np.float64)
        field_start = np.concatenate(([0], np.cumsum([len(doc) for doc in fields])[:-1]))
        # One key per token, (term, document, field) in that order of significance: sorted,
        # equal keys are one field's count of a term, and the (term, document) pairs come
        # out as postings, by term and then by document.
        docs_of = np.repeat(field_doc, lens)
        keys = (ids * max(size, 1) + docs_of) * width + np.repeat(field_pos, lens).astype(np.int64)
        del ids, docs_of
        keys.sort()
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else keys
        runs = keys[starts]
        counts = np.diff(np.r_[starts, len(keys)])
        del keys
        pair_of_run = runs // width
        run_doc = pair_of_run % max(size, 1)
        run_weight = field_weight[field_start[run_doc] + runs % width] if len(runs) else runs
        # Term frequency: each field's count times its weight, summed in field order.
        first = (
            np.flatnonzero(np.r_[True, pair_of_run[1:] != pair_of_run[:-1]]) if len(runs) else runs
        )
        freqs = (np.add.reduceat(counts * run_weight, first) if len(first) else np.zeros(0)).astype(
            np.float64
        )
        doc_arr = run_doc[first].astype(np.int32)
        terms_arr = pair_of_run[first] // max(size, 1)
        self.size = size
        lengths = np.bincount(doc_arr, freqs, size) if size else np.zeros(0)
        avg = float(lengths.mean()) if size and lengths.sum() else 1.0
        norm = K1 * (1 - B + B * lengths[doc_arr] / avg)
        df = np.bincount(terms_arr, minlength=n_terms)
        self._set(
            list(term_ids),
            np.concatenate(([0], np.cumsum(df))).astype(np.int64),
            doc_arr,
            freqs * (K1 + 1) / (freqs + norm),
        )

    @classmethod
    def from_arrays(
        cls,
        terms: list[str],
        ptr: npt.NDArray[np.int64],
        docs: npt.NDArray[np.int32],
        weights: npt.NDArray[np.float64],
        size: int,
    ) -> BM25Index:
        """The index ``arrays()`` describes (a cache file's), without building it."""
        if len(ptr) != len(terms) + 1 or ptr[0] != 0 or ptr[-1] != len(docs):
            raise ValueError("postings pointers do not match the terms")
        if len(docs) != len(weights) or np.any(np.diff(ptr) < 1):
            raise ValueError("postings are malformed")
        if len(docs) and (docs.min() < 0 or docs.max() >= size):
            raise ValueError("a posting names a document out of range")
        self = cls.__new__(cls)
        self.size = size
        self._set(
            terms,
            ptr.astype(np.int64, copy=False),
            docs.astype(np.int32, copy=False),
            weights.astype(np.float64, copy=False),
        )
        return self

    def arrays(
        self,
    ) -> tuple[list[str], npt.NDArray[np.int64], npt.NDArray[np.int32], npt.NDArray[np.float64]]:
        """Terms in id order, postings pointers, documents and weights: what ``from_arrays``
        takes back."""
        return list(self._term_ids), self._ptr, self._docs, self._weights

    def _set(
        self,
        terms: list[str],
        ptr: npt.NDArray[np.int64],
        docs: npt.NDArray[np.int32],
        weights: npt.NDArray[np.float64],
    ) -> None:
        self._ptr = ptr
        self._docs = docs
        self._weights = weights
        self._term_ids = {t: i for i, t in enumerate(terms)}
        if len(self._term_ids) != len(terms):
            raise ValueError("a term occurs twice")
        df = np.diff(ptr).tolist()
        self.idf: dict[str, float] = {t: self._idf(n) for t, n in zip(terms, df, strict=True)}
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
