"""The matcher: ranks articles for a question and decides answer / clarify / no answer.

Score of an article for a question, each part in 0..1::

    score = 0.60 * lexical + 0.20 * phrasing + 0.20 * fuzzy

- lexical: BM25 over normalised terms (title, questions and keywords weigh
  twice the answer text), divided by the score a document holding every query
  term would get. It says how much of the question the article covers, with
  rare words counting more.
- phrasing: the best IDF-weighted overlap (Dice) between the question's terms
  and one of the article's phrasings. It rewards a phrasing that says the same
  thing and nothing else.
- fuzzy: rapidfuzz similarity between the normalised question and the closest
  phrasing (mean of token_sort_ratio and token_set_ratio), which catches what
  survives normalisation: word order, leftover typos.

The decision (see ``Thresholds``) does not read the score alone: a
``Calibration`` (``knowledge.confidence``) turns the ranking - the best
article's parts and its lead over the runner-up - into the probability that
the best article is right, learnt from the knowledge base's own phrasings.
Everything is deterministic: ties are broken by article id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz

from knowledge.confidence import DEFAULT, Calibration, features
from knowledge.index import BM25Index, FieldWeights
from knowledge.model import Article
from knowledge.normalise import Analyzer


def _dice(shared: float, q_mass: float, p_mass: float) -> float:
    return 2 * shared / (q_mass + p_mass)


PHRASING = _dice


class Outcome(StrEnum):
    ANSWER = "answer"
    CLARIFY = "clarify"
    NO_ANSWER = "no_answer"


@dataclass(frozen=True)
class Weights:
    lexical: float = 0.60
    phrasing: float = 0.20
    fuzzy: float = 0.20


@dataclass(frozen=True)
class Thresholds:
    """answer: the calibrated probability that the best article is right is at least
    ``answer`` (0.5: more likely right than wrong), and no other article ties with it;
    clarify: otherwise, the best score is at least ``clarify``: offer it and up to
    ``max_choices`` - 1 others scoring within ``margin`` of it;
    otherwise no answer."""

    answer: float = 0.5
    clarify: float = 0.34
    margin: float = 0.15
    max_choices: int = 3
    tie: float = 0.01  # two articles this close are a tie: never answered, always asked


@dataclass(frozen=True)
class Scored:
    article: Article
    score: float
    lexical: float
    phrasing: float
    fuzzy: float


@dataclass(frozen=True)
class Result:
    question: str
    outcome: Outcome
    candidates: tuple[Scored, ...]
    terms: tuple[str, ...] = field(default=())
    confidence: float = 0.0  # calibrated probability that the best candidate is right

    @property
    def best(self) -> Scored | None:
        return self.candidates[0] if self.candidates else None

    @property
    def choices(self) -> tuple[Scored, ...]:
        """What a clarify question offers (empty unless the outcome is clarify)."""
        return self.candidates if self.outcome is Outcome.CLARIFY else ()


class Matcher:
    """An index over a fixed set of articles. Build once; ``match`` is read-only."""

    def __init__(
        self,
        articles: Sequence[Article],
        analyzer: Analyzer,
        weights: Weights = Weights(),
        fields: FieldWeights = FieldWeights(),
        candidates: int = 30,
        calibration: Calibration = DEFAULT,
    ) -> None:
        self.articles = tuple(articles)
        self.analyzer = analyzer
        self.weights = weights
        self.calibration = calibration
        self._candidates = candidates
        analyzer.fit(text for a in self.articles for text in (*a.phrasings, *a.keywords, a.answer))
        self._phrasing_terms: list[list[frozenset[str]]] = []
        self._phrasing_text: list[list[str]] = []
        docs = []
        for a in self.articles:
            phr_terms = [analyzer.index_terms(p) for p in a.phrasings if p.strip()]
            kw_terms = [t for k in a.keywords for t in analyzer.index_terms(k)]
            ans_terms = analyzer.index_terms(a.answer)
            docs.append(
                [
                    ([t for ts in phr_terms for t in ts], fields.phrasings),
                    (kw_terms, fields.keywords),
                    (ans_terms, fields.answer),
                ]
            )
            self._phrasing_terms.append([frozenset(ts) for ts in phr_terms])
            targets = [p for p in a.phrasings if p.strip()] or [a.answer]
            self._phrasing_text.append([" ".join(analyzer.surface(p)) for p in targets])
        self.index = BM25Index(docs)
        analyzer.forget_corpus_text()
        idf = self.index.idf_of
        self._phrasing_mass = [
            [sum(idf(t) for t in pset) for pset in psets] for psets in self._phrasing_terms
        ]
        self._by_id = {a.id: i for i, a in enumerate(self.articles)}

    def article(self, article_id: str) -> Article | None:
        i = self._by_id.get(article_id)
        return None if i is None else self.articles[i]

    def rank(self, question: str, among: Sequence[int] | None = None) -> list[Scored]:
        """Articles for ``question``, best first (only those sharing a term with it,
        unless ``among`` names the documents to score)."""
        terms = self.analyzer.query_terms(question)
        if not terms and among is None:
            return []
        bm25, ceiling = self.index.scores(terms)
        docs = self._top(bm25) if among is None else list(among)
        qset = frozenset(terms)
        q_idf = {t: self.index.idf_of(t) for t in qset}
        q_mass = sum(q_idf.values())
        q_text = " ".join(self.analyzer.surface(question))
        out = []
        for d in docs:
            lexical = min(1.0, float(bm25[d]) / ceiling) if ceiling else 0.0
            phrasing = 0.0
            for pset, p_mass in zip(self._phrasing_terms[d], self._phrasing_mass[d], strict=True):
                shared = sum(q_idf[t] for t in qset & pset)
                if shared:
                    phrasing = max(phrasing, PHRASING(shared, q_mass, p_mass))
            fuzzy = (
                max(
                    (
                        (fuzz.token_sort_ratio(q_text, p) + fuzz.token_set_ratio(q_text, p)) / 200
                        for p in self._phrasing_text[d]
                    ),
                    default=0.0,
                )
                if q_text
                else 0.0
            )
            w = self.weights
            score = w.lexical * lexical + w.phrasing * phrasing + w.fuzzy * fuzzy
            out.append(Scored(self.articles[d], round(score, 6), lexical, phrasing, fuzzy))
        out.sort(key=lambda s: (-s.score, s.article.id))
        return out

    def _top(self, bm25: npt.NDArray[np.float64]) -> list[int]:
        """The best-scoring documents by BM25; equal scores in index order (deterministic)."""
        hits = np.flatnonzero(bm25 > 0)
        if len(hits) > self._candidates:
            cut = np.partition(bm25[hits], -self._candidates)[-self._candidates]
            hits = hits[bm25[hits] >= cut]
        order = np.lexsort((hits, -bm25[hits]))
        return [int(d) for d in hits[order][: self._candidates]]

    def confidence(self, ranked: Sequence[Scored], terms: Sequence[str]) -> float:
        """The calibrated probability that ``ranked[0]`` is the right article."""
        if not ranked:
            return 0.0
        return self.calibration.probability(features(ranked, terms, self.analyzer.vocabulary))

    def match(self, question: str, thresholds: Thresholds = Thresholds()) -> Result:
        ranked = self.rank(question)
        terms = self.analyzer.query_terms(question)
        sure = self.confidence(ranked, terms)
        top = ranked[0] if ranked else None
        tied = len(ranked) > 1 and ranked[0].score - ranked[1].score < thresholds.tie
        if top is not None and sure >= thresholds.answer and not tied:
            return Result(question, Outcome.ANSWER, tuple(ranked[:5]), terms, sure)
        if top is None or top.score < thresholds.clarify:
            return Result(question, Outcome.NO_ANSWER, tuple(ranked[:5]), terms, sure)
        close = [
            s
            for s in ranked[: thresholds.max_choices]
            if s.score >= thresholds.clarify and top.score - s.score <= thresholds.margin
        ]
        # One plausible article but not a confident one is offered as the only choice.
        return Result(question, Outcome.CLARIFY, tuple(close), terms, sure)
