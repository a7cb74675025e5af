"""Swedish-aware normalisation for matching.

The pipeline, for knowledge-base text and for questions alike:

1. words: case folding, hyphenated words joined ("e-tjänst" -> "etjänst");
2. stop words removed (compared diacritic-folded);
3. Snowball Swedish stemming ("lönespecifikationen" -> "lönespecifikation"),
   guarded where it leaves a short stem that spells another word (see ``guard_stem``);
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
from knowledge.stopwords import STOPWORDS, is_stopword
from knowledge.synonyms import SynonymMap
from knowledge.text import fold, words

# Definite and plural endings that Snowball leaves ("datorn", "rummet"), and
# verbal nouns ("bokning" -> "bok", "rekrytering" -> "rekryter"); a term is only
# conflated with a base the corpus itself uses.
_CONFLATE_SUFFIXES = (
    "erna",
    "arna",
    "orna",
    "ning",
    "ing",
    "ande",
    "ende",
    "en",
    "et",
    "na",
    "n",
    "t",
)
_MIN_BASE = 4
_MIN_DERIVED_BASE = 3
_DERIVATIONAL = ("ning", "ing", "ande", "ende")

# Issue 16: Snowball's last step removes the derivational "-lig", "-ig" and "-els"
# ("farligt" -> "far", "viktig" -> "vikt", "rörelse" -> "rör"); from a stem of four
# letters or fewer it is kept. Endings that only verbs of the first conjugation take
# ("laga", "lagade", "lagat", "lagas") leave a three-letter stem that is often a noun
# of its own ("lag" law, "bot" fine, "bok" book): the verb keeps its "-a" ("laga").
# "-ar" and "-are" are left alone, as nouns take them too ("lagar" laws, "dagar"); "-ad"
# is kept ("månad", like "månaden", not "mån"). Where the base itself has both the
# verb and the short stem ("köpa" and "köper"), ``fit`` joins them again: the guard
# only keeps a question's verb off a noun the base has without the verb.
_GUARD_DERIVED = ("lig", "ig", "els")
_GUARD_DERIVED_MAX = 4
_GUARD_VERB_ENDINGS = frozenset({"a", "ade", "ades", "ande", "andes", "as", "at"})
_GUARD_VERB_MAX = 3


def guard_stem(word: str, stem: str) -> str:
    """Snowball's ``stem`` of ``word``, undone where it would leave another word's stem."""
    if stem == word or not word.startswith(stem):
        return stem
    rest = word[len(stem) :]
    if len(stem) <= _GUARD_DERIVED_MAX:
        for ending in _GUARD_DERIVED:
            if rest.startswith(ending):
                return stem + ending
    if len(stem) <= _GUARD_VERB_MAX and rest in _GUARD_VERB_ENDINGS:
        return stem + "a"
    if len(stem) <= _GUARD_VERB_MAX and rest == "ad":
        return word
    return stem


class Analyzer:
    """Turns text into matching terms. ``fit`` learns the corpus vocabulary."""

    def __init__(
        self,
        synonym_groups: Sequence[Sequence[str]] = (),
        *,
        stemming: bool = True,
        compounds: bool = True,
        repair: bool = True,
        stem_guard: bool = False,
    ) -> None:
        """The flags switch steps off, to measure what each adds (``stodbot eval --ablation``).
        ``stem_guard`` (issue 16, see ``guard_stem``) is off by default: on the example
        files it cost about as many right answers as it saved wrong ones."""
        self._stemming = stemming
        self._compounds = compounds
        self._repair_on = repair
        self._guard = stem_guard
        self._groups = [list(g) for g in synonym_groups]
        self._stemmer = snowballstemmer.stemmer("swedish")
        self.stem = lru_cache(maxsize=200_000)(self._stem)
        self.word_term = lru_cache(maxsize=200_000)(self._word_term)
        self.synonyms = SynonymMap(synonym_groups, self.basic)
        self._conflate: dict[str, str] = {}
        self._vocab: dict[str, int] = {}
        self._sorted_vocab: list[str] = []
        self._buckets: dict[tuple[str, int], list[str]] = {}
        self._splitter = CompoundSplitter(())
        self.query_cache = lru_cache(maxsize=4096)(self._query_terms)
        self._fitted: dict[str, list[str]] = {}
        self.parts = lru_cache(maxsize=200_000)(self._parts)

    def _stem(self, word: str) -> str:
        if not self._stemming:
            return fold(word)
        stem = self._stemmer.stemWord(word)
        return fold(guard_stem(word, stem) if self._guard else stem)

    def _word_term(self, word: str) -> str:
        """A word's term, or "" for a stop word or a one-letter word."""
        if len(word) < 2 or is_stopword(word):
            return ""
        stem = self.stem(word)
        return stem if len(stem) >= 2 else ""

    def basic(self, text: str, split: list[str] | None = None) -> list[str]:
        """Steps 1–4: content words, stemmed and folded, in order."""
        term = self.word_term
        return [t for t in map(term, words(text) if split is None else split) if t]

    def surface(self, text: str) -> list[str]:
        """Steps 1–6: what fuzzy string similarity compares."""
        tokens = self._fitted.get(text)
        if tokens is None:
            tokens = self.synonyms.apply(self.basic(text))
        return [self._conflate.get(t, t) for t in tokens]

    def forget_corpus_text(self) -> None:
        """Drop the per-text analysis kept from ``fit`` once the index is built."""
        self._fitted = {}

    def fit(self, texts: Iterable[str]) -> None:
        """Learn the vocabulary (conflation, compound parts, typo targets) from the corpus."""
        counts: Counter[str] = Counter()
        surface_words: set[str] = set()
        self._fitted = {}
        for text in texts:
            if text in self._fitted:
                continue
            split = words(text)
            tokens = self.synonyms.apply(self.basic(text, split))
            self._fitted[text] = tokens
            counts.update(tokens)
            surface_words.update(split)
        conflate: dict[str, str] = {}
        for term in counts:
            base = self._inflection_base(term, counts)
            if base is None and self._guard and self._guarded_verb(term, counts):
                base = term[:-1]  # the base has "köpa" and "köper": one term again
            if base is not None:
                conflate[term] = base
        if self._guard:  # "bokning" -> "boka" -> "bok"
            conflate = {t: conflate.get(b, b) for t, b in conflate.items()}
        self._conflate = conflate
        vocab: Counter[str] = Counter()
        for term, n in counts.items():
            vocab[conflate.get(term, term)] += n
        # Compound parts are found among stems and among whole words, since the
        # first part of a compound is often an unstemmed form ("konferens|rum").
        folded = {fold(w) for w in surface_words if len(w) >= 3}
        # Three-letter parts ("lön", "bil", "rum") only where the corpus uses them as words
        # of their own more than once; otherwise "samtal" would split into "sam" + "tal".
        parts_vocab = {w for w in vocab.keys() | counts.keys() | (folded - STOPWORDS) if len(w) > 3}
        parts_vocab |= {w for w, n in vocab.items() if len(w) == 3 and n >= 2}
        self._splitter = CompoundSplitter(parts_vocab)
        self._vocab = dict(vocab)
        for term in list(vocab):
            for part in self._parts(term):
                vocab[part] += 0  # parts are terms too
        self._set_vocabulary(vocab)

    def signature(self) -> dict[str, object]:
        """Everything besides the corpus that the fitted state depends on (the lexical
        index cache is keyed by it)."""
        return {
            "class": type(self).__qualname__,
            "stemming": self._stemming,
            "compounds": self._compounds,
            "repair": self._repair_on,
            "stem_guard": self._guard,
            "synonyms": self._groups,
        }

    def fitted_state(self) -> dict[str, list[str] | list[int]]:
        """What ``fit`` learnt, as lists of strings and counts (``restore`` takes it back)."""
        return {
            "vocab": list(self._vocab),
            "counts": list(self._vocab.values()),
            "conflate_from": list(self._conflate),
            "conflate_to": list(self._conflate.values()),
            "parts_vocab": sorted(self._splitter.vocabulary),
        }

    def restore(self, state: Mapping[str, Sequence[str] | Sequence[int]]) -> None:
        """Take back what ``fitted_state`` gave, as if ``fit`` had run on the same corpus."""
        vocab = [str(t) for t in state["vocab"]]
        counts = [int(n) for n in state["counts"]]
        sources = [str(t) for t in state["conflate_from"]]
        targets = [str(t) for t in state["conflate_to"]]
        if len(vocab) != len(counts) or len(sources) != len(targets):
            raise ValueError("the fitted state's lists differ in length")
        self._fitted = {}
        self._conflate = dict(zip(sources, targets, strict=True))
        self._splitter = CompoundSplitter(str(t) for t in state["parts_vocab"])
        self._set_vocabulary(dict(zip(vocab, counts, strict=True)))

    def _set_vocabulary(self, vocab: Mapping[str, int]) -> None:
        self._vocab = dict(vocab)
        self._sorted_vocab = sorted(vocab)
        # Typo repair prefers frequent terms, then alphabetical order: deterministic.
        by_frequency = sorted(vocab, key=lambda t: (-vocab[t], t))
        buckets: dict[tuple[str, int], list[str]] = {}
        for term in by_frequency:
            buckets.setdefault((term[0], len(term)), []).append(term)
        self._buckets = buckets
        self.query_cache.cache_clear()
        self.parts.cache_clear()

    def _parts(self, term: str, depth: int = 0) -> list[str]:
        """Compound parts of a term, and the parts of those ("arbetsmiljö|arbete" -> "miljö")."""
        out: list[str] = []
        if not self._compounds:
            return out
        for part in self._splitter.split(term):
            if part not in self._vocab and part not in self._conflate:
                part = self.stem(part)
            part = self._conflate.get(part, part)
            if part in STOPWORDS:
                continue
            out.append(part)
            if depth == 0:
                out.extend(self._parts(part, 1))
        return out

    def _guarded_verb(self, term: str, known: Mapping[str, int]) -> bool:
        """A verb the guard kept whole ("kopa") whose Snowball stem ("kop") the base uses."""
        return (
            len(term) == _GUARD_VERB_MAX + 1
            and term.endswith("a")
            and term[:-1] in known
            and term[:-1] not in STOPWORDS
        )

    def _inflection_base(self, term: str, known: Mapping[str, int]) -> str | None:
        # A stem left with a doubled final consonant ("rummen" -> "rumm") is its base ("rum").
        if len(term) > _MIN_BASE - 1 and term[-1] == term[-2] and term[:-1] in known:
            return term[:-1]
        for suffix in _CONFLATE_SUFFIXES:
            if not term.endswith(suffix):
                continue
            base = term[: -len(suffix)]
            if len(base) < (_MIN_DERIVED_BASE if suffix in _DERIVATIONAL else _MIN_BASE):
                continue
            candidates = [base, self.stem(base)] if self._stemming else [base]
            if self._guard and suffix in _DERIVATIONAL:  # "bokning" -> "boka", not "bok"
                candidates.insert(0, base + "a")
            if len(base) > _MIN_BASE and base[-1] == base[-2]:  # "rummet" -> "rum"
                candidates.append(base[:-1])
            for cand in candidates:
                if cand != term and cand in known and cand not in STOPWORDS:
                    return cand
        return None

    @property
    def vocabulary(self) -> dict[str, int]:
        return self._vocab

    def index_terms(self, text: str) -> list[str]:
        """Terms of knowledge-base text: surface terms plus their compound parts."""
        return self.with_parts(self.surface(text))

    def with_parts(self, surface: Iterable[str]) -> list[str]:
        """Surface terms, each followed by its compound parts."""
        out: list[str] = []
        parts = self.parts
        for term in surface:
            out.append(term)
            out.extend(parts(term))
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
            if base is None and self._guard and len(term) <= _GUARD_VERB_MAX:
                base = term + "a" if term + "a" in self._vocab else None  # "bokar" -> "boka"
            if base is not None:
                term = base
        parts = self._parts(term)
        if term in self._vocab or parts or not self._repair_on:
            return [term, *parts]
        # Words of four letters or fewer are too short to repair safely ("kord" is no "kort").
        fixed = self._nearest(term) if len(term) >= 5 else None
        if fixed is None and len(term) >= 5:
            fixed = self._complete(term)
        if fixed is not None:
            return [fixed, *self._parts(fixed)]
        return [term]

    def _nearest(self, term: str) -> str | None:
        """The closest known term within one edit (two for long words). Typos rarely hit
        the first letter, so only terms with the same first letter and a length within
        the limit are compared: a few hundred, not the whole vocabulary."""
        limit = 1 if len(term) <= 8 else 2
        best: tuple[int, int, str] | None = None  # (distance, frequency rank, term)
        for length in range(len(term) - limit, len(term) + limit + 1):
            bucket = self._buckets.get((term[0], length))
            if not bucket:
                continue
            hit = process.extractOne(term, bucket, scorer=Levenshtein.distance, score_cutoff=limit)
            if hit is None:
                continue
            cand = (int(hit[1]), -self._vocab[hit[0]], str(hit[0]))
            if best is None or cand < best:
                best = cand
        return None if best is None else best[2]

    def _complete(self, prefix: str) -> str | None:
        i = bisect.bisect_left(self._sorted_vocab, prefix)
        best: str | None = None
        while i < len(self._sorted_vocab) and self._sorted_vocab[i].startswith(prefix):
            cand = self._sorted_vocab[i]
            if best is None or self._vocab[cand] > self._vocab[best]:
                best = cand
            i += 1
        return best
