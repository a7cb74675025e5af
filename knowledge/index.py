"""BM25 over normalised terms, with field weights, as an inverted index.

Each article is one document whose term frequencies are weighted by field:
phrasings (title and alternate questions) and keywords count more than the
answer text. Per-posting BM25 weights are computed once at build time, so a
question costs one pass over the postings of its own terms.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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
        tfs: list[Counter[str]] = []
        for fields in docs:
            tf: Counter[str] = Counter()
            for terms, weight in fields:
                for term in terms:
                    tf[term] += weight  # type: ignore[assignment]
            tfs.append(tf)
        self.size = len(tfs)
        lengths = [sum(tf.values()) for tf in tfs]
        avg = (sum(lengths) / len(lengths)) if lengths and sum(lengths) else 1.0
        df: Counter[str] = Counter()
        for tf in tfs:
            df.update(tf.keys())
        self.idf: dict[str, float] = {t: self._idf(n) for t, n in df.items()}
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for doc, (tf, length) in enumerate(zip(tfs, lengths, strict=True)):
            norm = K1 * (1 - B + B * length / avg)
            for term, freq in tf.items():
                postings[term].append((doc, freq * (K1 + 1) / (freq + norm)))
        self.postings = dict(postings)

    def _idf(self, df: int) -> float:
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    def idf_of(self, term: str) -> float:
        """IDF of a term; a term the corpus never uses weighs as a rare one (df = 1)."""
        return self.idf.get(term, self._idf(1))

    def scores(self, terms: Iterable[str]) -> tuple[dict[int, float], float]:
        """BM25 score per matching document, and the score a perfect match would get.

        The second value normalises scores to 0..1: a document holding every
        query term with saturated frequency would score it.
        """
        acc: dict[int, float] = defaultdict(float)
        ceiling = 0.0
        for term in sorted(set(terms)):  # fixed order: float sums are reproducible
            idf = self.idf_of(term)
            ceiling += idf * (K1 + 1)
            for doc, weight in self.postings.get(term, ()):
                acc[doc] += idf * weight
        return dict(acc), ceiling
