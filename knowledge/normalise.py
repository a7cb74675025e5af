"""Swedish-aware normalisation for matching.

The pipeline, for knowledge-base text and for questions alike:

1. words: case folding, hyphenated words joined ("e-tjänst" -> "etjänst");
2. stop words removed (compared diacritic-folded);
3. Snowball Swedish stemming ("lönespecifikationen" -> "lönespecifikation");
4. diacritic folding of the stem ("lön" -> "lon"), so "lon" finds "lön";
5. synonyms from the municipality's file ("laptop" -> "dator");
6. inflection conflation learnt from the corpus ("datorn" -> "dator" when both occur);
7. compound parts appended ("lonespecifikation" -> + "lon", "specifikation").

A question also gets its unknown words repaired against the vocabulary: a
compound split first, then the nearest known term within a small edit
distance (typos), then a known term it is a prefix of ("lönespec").
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

import snowballstemmer
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from knowledge.compounds import CompoundSplitter
from knowledge.stopwords import STOPWORDS
from knowledge.synonyms import SynonymMap
from knowledge.text import fold, words

# Definite and plural endings that Snowball leaves ("datorn", "rummet").
_CONFLATE_SUFFIXES = ("erna", "arna", "orna", "en", "et", "na", "n", "t")
_MIN_BASE = 4


class Analyzer:
    """Turns text into matching terms. ``fit`` learns the corpus vocabulary."""

    def __init__(
        self,
        synonym_groups: Sequence[Sequence[str]] = (),
        *,
        stemming: bool = True,
        compounds: bool = True,
        repair: bool = True,
    ) -> None:
        """The flags switch steps off, to measure what each adds (``stodbot eval --ablation``)."""
        self._stemming = stemming
        self._compounds = compounds
        self._repair_on = repair
        self._stemmer = snowballstemmer.stemmer("swedish")
        self.stem = lru_cache(maxsize=200_000)(self._stem)
        self.synonyms = SynonymMap(synonym_groups, self.basic)
        self._conflate: dict[str, str] = {}
        self._vocab: dict[str, int] = {}
        self._sorted_vocab: list[str] = []
        self._by_frequency: list[str] = []
        self._splitter = CompoundSplitter(())
        self.query_cache = lru_cache(maxsize=4096)(self._query_terms)

    def _stem(self, word: str) -> str:
        return fold(self._stemmer.stemWord(word) if self._stemming else word)

    def basic(self, text: str) -> list[str]:
        """Steps 1–4: content words, stemmed and folded, in order."""
        out = []
        for word in words(text):
            if len(word) < 2 or fold(word) in STOPWORDS:
                continue
            stem = self.stem(word)
            if len(stem) >= 2:
                out.append(stem)
        return out

    def surface(self, text: str) -> list[str]:
        """Steps 1–6: what fuzzy string similarity compares."""
        return [self._conflate.get(t, t) for t in self.synonyms.apply(self.basic(text))]

    def fit(self, texts: Iterable[str]) -> None:
        """Learn the vocabulary (conflation, compound parts, typo targets) from the corpus."""
        counts: Counter[str] = Counter()
        surface_words: set[str] = set()
        for text in texts:
            counts.update(self.synonyms.apply(self.basic(text)))
            surface_words.update(fold(w) for w in words(text) if len(w) >= 3)
        conflate: dict[str, str] = {}
        for term in counts:
            base = self._inflection_base(term, counts)
            if base is not None:
                conflate[term] = base
        self._conflate = conflate
        vocab: Counter[str] = Counter()
        for term, n in counts.items():
            vocab[conflate.get(term, term)] += n
        # Compound parts are found among stems and among whole words, since the
        # first part of a compound is often an unstemmed form ("konferens|rum").
        self._splitter = CompoundSplitter(vocab.keys() | (surface_words - STOPWORDS))
        self._vocab = dict(vocab)
        for term in list(vocab):
            for part in self._parts(term):
                vocab[part] += 0  # parts are terms too
        self._vocab = dict(vocab)
        self._sorted_vocab = sorted(vocab)
        # Typo repair prefers frequent terms, then alphabetical order: deterministic.
        self._by_frequency = sorted(vocab, key=lambda t: (-vocab[t], t))
        self.query_cache.cache_clear()

    def _parts(self, term: str, depth: int = 0) -> list[str]:
        """Compound parts of a term, and the parts of those ("arbetsmiljö|arbete" -> "miljö")."""
        out: list[str] = []
        if not self._compounds:
            return out
        for part in self._splitter.split(term):
            if part not in self._vocab and part not in self._conflate:
                part = self.stem(part)
            part = self._conflate.get(part, part)
            out.append(part)
            if depth == 0:
                out.extend(self._parts(part, 1))
        return out

    def _inflection_base(self, term: str, known: Mapping[str, int]) -> str | None:
        for suffix in _CONFLATE_SUFFIXES:
            if not term.endswith(suffix):
                continue
            base = term[: -len(suffix)]
            if len(base) < _MIN_BASE:
                continue
            candidates = [base, self.stem(base)] if self._stemming else [base]
            if len(base) > _MIN_BASE and base[-1] == base[-2]:  # "rummet" -> "rum"
                candidates.append(base[:-1])
            for cand in candidates:
                if cand != term and cand in known:
                    return cand
        return None

    @property
    def vocabulary(self) -> dict[str, int]:
        return self._vocab

    def index_terms(self, text: str) -> list[str]:
        """Terms of knowledge-base text: surface terms plus their compound parts."""
        out: list[str] = []
        for term in self.surface(text):
            out.append(term)
            out.extend(self._parts(term))
        return out

    def query_terms(self, text: str) -> tuple[str, ...]:
        return self.query_cache(text)

    def _query_terms(self, text: str) -> tuple[str, ...]:
        out: list[str] = []
        for term in self.surface(text):
            out.extend(self._repair(term))
        return tuple(out)

    def _repair(self, term: str) -> list[str]:
        if term not in self._vocab:
            base = self._inflection_base(term, self._vocab)
            if base is not None:
                term = base
        parts = self._parts(term)
        if term in self._vocab or parts or not self._repair_on:
            return [term, *parts]
        fixed = self._nearest(term) if len(term) >= 4 else None
        if fixed is None and len(term) >= 5:
            fixed = self._complete(term)
        if fixed is not None:
            return [fixed, *self._parts(fixed)]
        return [term]

    def _nearest(self, term: str) -> str | None:
        limit = 1 if len(term) <= 8 else 2
        hit = process.extractOne(
            term, self._by_frequency, scorer=Levenshtein.distance, score_cutoff=limit
        )
        return None if hit is None else str(hit[0])

    def _complete(self, prefix: str) -> str | None:
        i = bisect.bisect_left(self._sorted_vocab, prefix)
        best: str | None = None
        while i < len(self._sorted_vocab) and self._sorted_vocab[i].startswith(prefix):
            cand = self._sorted_vocab[i]
            if best is None or self._vocab[cand] > self._vocab[best]:
                best = cand
            i += 1
        return best
