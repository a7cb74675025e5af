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

With a semantic model (``knowledge.semantic``) the score is fused with meaning::

    score = (1 - semantic) * words + semantic * meaning      (semantic = 0.8)
    meaning = floor-mapped((1 - w) * phrasings + w * answer text)
    w = answer / (answer + the article's phrasings)          (answer = 8)

- words: the lexical score above;
- phrasings: the best cosine between the question's embedding and one of the
  article's phrasings; answer text: the cosine between the question and the
  article's title and answer, embedded as a passage (what e5 was trained to
  retrieve). The two cosines are blended, and the blend is mapped to 0..1 by
  the model's floor (the cosine of unrelated texts). All parts are absolute, so
  an article's score does not depend on which other articles happen to be
  candidates. The answer text counts as eight phrasings: an article with ten
  phrasings (the example base) is found mostly by them, one imported from a
  question list with three or four mostly by its answer, which finds more there
  (bench/README.md).

Candidates are the lexical top 30 and the cosine top 10: a question that
shares no word with its article ("Unohdin salasanani") is still found.

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
from pathlib import Path

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz

from knowledge import lexcache
from knowledge.confidence import DEFAULT, Calibration, features, standout
from knowledge.index import FieldWeights
from knowledge.language import detect
from knowledge.model import Article
from knowledge.normalise import Analyzer
from knowledge.semantic import Embeddings, SemanticIndex


def _dice(shared: float, q_mass: float, p_mass: float) -> float:
    return 2 * shared / (q_mass + p_mass)


PHRASING = _dice

# Every article's semantic similarity to a question, and its answer text's alone.
Meaning = tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]


class Outcome(StrEnum):
    ANSWER = "answer"
    CLARIFY = "clarify"
    NO_ANSWER = "no_answer"


@dataclass(frozen=True)
class Weights:
    lexical: float = 0.60
    phrasing: float = 0.20
    fuzzy: float = 0.20
    semantic: float = 0.80  # meaning's share of the fused score (when a model is on)
    answer: float = 8.0  # the answer text counts as this many phrasings in meaning


@dataclass(frozen=True)
class Thresholds:
    """answer: the calibrated probability that the best article is right is at least
    ``answer`` (0.5: more likely right than wrong), and no other article ties with it;
    clarify: otherwise, the calibrated probability that the right article is among the
    choices (the best and up to ``max_choices`` - 1 others scoring within ``margin`` of
    it) is at least ``clarify``: offer them;
    otherwise no answer (the question can go on to staff)."""

    answer: float = 0.5
    clarify: float = 0.5
    margin: float = 0.15
    max_choices: int = 3
    tie: float = 0.01  # two articles this close are a tie: never answered, always asked
    standout: float = 2.0  # a question in another language: offer articles standing out this far
    certain: float = 0.95  # the lexical answer model this sure: answered without the model


@dataclass(frozen=True)
class Scored:
    article: Article
    score: float  # what ranks: words alone, or fused with meaning
    lexical: float
    phrasing: float
    fuzzy: float
    words: float = 0.0  # the lexical score
    meaning: float = 0.0  # the semantic similarity, 0..1 (0 without a model)
    answer: float = 0.0  # the part of it that is the answer text's similarity alone


@dataclass(frozen=True)
class Result:
    question: str
    outcome: Outcome
    candidates: tuple[Scored, ...]
    terms: tuple[str, ...] = field(default=())
    confidence: float = 0.0  # calibrated probability that the best candidate is right
    across: bool = False  # ranked by meaning alone (another language): asked, never answered
    reach: float = 0.0  # calibrated probability that the right article is among the choices

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
        calibration: Calibration | None = None,
        embeddings: Embeddings | None = None,
        semantic_candidates: int = 10,
        cache_dir: Path | None = None,
        shortcut: Calibration | None = None,
    ) -> None:
        """``cache_dir``: where the lexical index is cached (``knowledge.lexcache``);
        None builds it every time. ``shortcut``: with ``embeddings``, the lexical answer
        model; a question it is certain of is answered by words alone
        (``Thresholds.certain``)."""
        self.articles = tuple(articles)
        self.semantic = (
            SemanticIndex(self.articles, embeddings, weights.answer) if embeddings else None
        )
        self._semantic_candidates = semantic_candidates
        self.shortcut = shortcut if shortcut is None or shortcut.mode == "lexical" else None
        self.analyzer = analyzer
        self.weights = weights
        self.calibration = calibration or DEFAULT[self.mode]
        self._candidates = candidates
        lex = lexcache.load_or_build(self.articles, analyzer, fields, cache_dir)
        self.index = lex.index
        self._phrasing_terms = lex.phrasing_terms
        self._phrasing_text = lex.phrasing_text
        idf = self.index.idf.__getitem__  # every phrasing term is in the index
        self._phrasing_mass = [
            [sum(map(idf, pset)) for pset in psets] for psets in self._phrasing_terms
        ]
        self._by_id = {a.id: i for i, a in enumerate(self.articles)}

    @property
    def mode(self) -> str:
        """``lexical``, or ``semantic`` when a model is fused in (calibrations differ)."""
        return "semantic" if self.semantic is not None else "lexical"

    def article(self, article_id: str) -> Article | None:
        i = self._by_id.get(article_id)
        return None if i is None else self.articles[i]

    def rank(
        self,
        question: str,
        among: Sequence[int] | None = None,
        words: bool = True,
        meaning: bool = True,
    ) -> list[Scored]:
        """Candidate articles for ``question``, best first: the lexical top and, with a
        model, the semantic top (or the documents ``among`` names). ``words=False``
        ranks by meaning alone (a question in another language), ``meaning=False`` by
        words alone."""
        if not words:
            return self.by_meaning(question)[0]
        return self._rank(question, among, self._meaning(question) if meaning else None)

    def _rank(
        self,
        question: str,
        among: Sequence[int] | None,
        meaning: Meaning | None,
        known: Sequence[Scored] = (),
    ) -> list[Scored]:
        """``meaning``: every article's similarity and its answer's alone (``_meaning``).
        ``known``: the same question's ranking by words alone, whose parts are taken
        as they are instead of being computed again."""
        terms = self.analyzer.query_terms(question)
        if not terms and among is None and meaning is None:
            return []
        bm25, ceiling = self.index.scores(terms)
        if among is not None:
            docs = list(among)
        else:
            docs = self._top(bm25) if terms else []
            if meaning is not None:
                docs = list(dict.fromkeys([*docs, *self._closest(meaning[0])]))
        qset = frozenset(terms)
        q_idf = {t: self.index.idf_of(t) for t in qset}
        q_mass = sum(q_idf.values())
        q_text = " ".join(self.analyzer.surface(question))
        w = self.weights
        out = []
        scored = {self._by_id[k.article.id]: k for k in known}
        for d in docs:
            prior = scored.get(d)
            if prior is not None:
                lexical, phrasing, fuzzy, lexscore = (
                    prior.lexical,
                    prior.phrasing,
                    prior.fuzzy,
                    prior.words,
                )
            else:
                lexical, phrasing, fuzzy = self._parts(
                    d, bm25, ceiling, qset, q_idf, q_mass, q_text
                )
                lexscore = w.lexical * lexical + w.phrasing * phrasing + w.fuzzy * fuzzy
            if meaning is None:
                score, near, answer = lexscore, 0.0, 0.0
            else:
                near, answer = float(meaning[0][d]), float(meaning[1][d])
                score = (1 - w.semantic) * lexscore + w.semantic * near
            out.append(
                Scored(
                    self.articles[d],
                    round(score, 6),
                    lexical,
                    phrasing,
                    fuzzy,
                    lexscore,
                    near,
                    answer,
                )
            )
        out.sort(key=lambda s: (-s.score, s.article.id))
        return out

    def _parts(
        self,
        d: int,
        bm25: npt.NDArray[np.float64],
        ceiling: float,
        qset: frozenset[str],
        q_idf: dict[str, float],
        q_mass: float,
        q_text: str,
    ) -> tuple[float, float, float]:
        """Document ``d``'s lexical, phrasing and fuzzy parts for the question."""
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
        return lexical, phrasing, fuzzy

    def _by_meaning(self, meaning: Meaning) -> list[Scored]:
        near, answer = meaning
        out = []
        for d in self._closest(near):
            close = float(near[d])
            out.append(
                Scored(self.articles[d], round(close, 6), 0, 0, 0, 0, close, float(answer[d]))
            )
        out.sort(key=lambda s: (-s.score, s.article.id))
        return out

    def by_meaning(self, question: str) -> tuple[list[Scored], float]:
        """The ranking by meaning alone, and how far the best article stands out from
        the question's cosines to every article, in standard deviations. A question in
        another language gets lower, closer cosines to everything, so it is compared
        with the rest of the base, not with a fixed scale."""
        if self.semantic is None or not question.strip():
            return [], 0.0
        meaning, cosines = self._embedded(question)
        return self._by_meaning(meaning), standout(cosines)

    def _foreign(self, question: str) -> bool:
        """Written in another language, in at least three words, with a model to read it."""
        if self.semantic is None or len(question.split()) < 3:
            return False
        return detect(question) not in (None, "sv")

    def across(self, question: str) -> bool:
        """Whether to rank ``question`` by meaning alone: it is written in another
        language (``knowledge.language``), in at least three words, and the base knows
        fewer than half of its words (a Swedish "Hålla medarbetarsamtal nästa månad"
        looks Finnish by its endings, but the base knows its words). A question in
        another language whose known words are not enough to answer or ask back ("I
        forgot my password") is also tried by meaning alone (``match``). Words the base
        does not know are not enough on their own: "asdf" stands out semantically from
        nothing in particular, and a greeting ("مرحبا") is no question."""
        if not self._foreign(question):
            return False
        terms = self.analyzer.query_terms(question)
        vocabulary = self.analyzer.vocabulary
        return sum(1 for t in terms if t in vocabulary) < len(terms) / 2

    def _meaning(self, question: str) -> Meaning | None:
        """Every article's semantic similarity to the question, and its answer text's
        alone (None without a model)."""
        if self.semantic is None or not question.strip():
            return None
        return self._embedded(question)[0]

    def _embedded(self, question: str) -> tuple[Meaning, npt.NDArray[np.float64]]:
        """The question embedded and compared with every article: its ``Meaning``, and
        the blended cosines it is mapped from (needs a model)."""
        assert self.semantic is not None
        embeddings = self.semantic.embeddings
        cosines, answers = self.semantic.parts(embeddings.question(question))
        return (embeddings.similarity(cosines), embeddings.similarity(answers)), cosines

    def _closest(self, meaning: npt.NDArray[np.float64]) -> list[int]:
        """The semantically closest articles (above the model's floor), best first."""
        k = min(self._semantic_candidates, len(meaning))
        if k == 0:
            return []
        top = np.argpartition(-meaning, k - 1)[:k]
        top = top[meaning[top] > 0]
        return [int(d) for d in top[np.lexsort((top, -meaning[top]))]]

    def _top(self, bm25: npt.NDArray[np.float64]) -> list[int]:
        """The best-scoring documents by BM25; equal scores in index order (deterministic)."""
        hits = np.flatnonzero(bm25 > 0)
        if len(hits) > self._candidates:
            cut = np.partition(bm25[hits], -self._candidates)[-self._candidates]
            hits = hits[bm25[hits] >= cut]
        order = np.lexsort((hits, -bm25[hits]))
        return [int(d) for d in hits[order][: self._candidates]]

    def features(self, ranked: Sequence[Scored], terms: Sequence[str]) -> tuple[float, ...]:
        return features(ranked, terms, self.analyzer.vocabulary, self.mode)

    def confidence(self, ranked: Sequence[Scored], terms: Sequence[str]) -> float:
        """The calibrated probability that ``ranked[0]`` is the right article."""
        if not ranked:
            return 0.0
        return self.calibration.probability(self.features(ranked, terms))

    def match(self, question: str, thresholds: Thresholds = Thresholds()) -> Result:
        terms = self.analyzer.query_terms(question)
        if self.across(question):
            return self._match_across(question, terms, thresholds)
        by_words: list[Scored] = []
        if self.semantic is not None and self.shortcut is not None:
            by_words = self._rank(question, None, None)
            certain = self._certain_by_words(question, terms, by_words, thresholds)
            if certain is not None:
                return certain
        # The words' parts of the lexical candidates are reused, not scored again.
        ranked = self._rank(question, None, self._meaning(question), by_words)
        if not ranked:
            return Result(question, Outcome.NO_ANSWER, (), terms, 0.0)
        x = self.features(ranked, terms)
        sure = self.calibration.probability(x)
        tied = len(ranked) > 1 and ranked[0].score - ranked[1].score < thresholds.tie
        reach = self.calibration.choice_probability(x)
        if sure >= thresholds.answer and not tied:
            return Result(question, Outcome.ANSWER, tuple(ranked[:5]), terms, sure, reach=reach)
        if reach < thresholds.clarify:
            if self._foreign(question):  # "I forgot my password": words known, not enough
                return self._match_across(question, terms, thresholds)
            return Result(question, Outcome.NO_ANSWER, tuple(ranked[:5]), terms, sure, reach=reach)
        # One plausible article but not a confident one is offered as the only choice.
        choices = choices_of(ranked, thresholds)
        return Result(question, Outcome.CLARIFY, choices, terms, sure, reach=reach)

    def _certain_by_words(
        self,
        question: str,
        terms: tuple[str, ...],
        ranked: list[Scored],
        thresholds: Thresholds,
    ) -> Result | None:
        """With a model, a question the lexical answer model is already certain of
        (``shortcut``, e.g. "jag har glömt mitt lösenord") is answered without embedding
        it: a few milliseconds instead of 40-60 ms. On the example and blind question
        files 233 of 572 questions take this path and not one outcome changes
        (``bench/README.md``)."""
        if not ranked or self.shortcut is None:
            return None
        sure = self.shortcut.probability(features(ranked, terms, self.analyzer.vocabulary))
        tied = len(ranked) > 1 and ranked[0].score - ranked[1].score < thresholds.tie
        if sure < max(thresholds.answer, thresholds.certain) or tied:
            return None
        return Result(question, Outcome.ANSWER, tuple(ranked[:5]), terms, sure, reach=sure)

    def _match_across(
        self, question: str, terms: tuple[str, ...], thresholds: Thresholds
    ) -> Result:
        """A question ranked by meaning alone is asked back, never answered outright:
        across languages the model's best article is right three times in four and
        among its first three nine times in ten (``questions_multilingual_dev.csv``),
        often enough to offer, not to trust. It is offered when it stands out from the
        rest of the base by ``thresholds.standout`` standard deviations. (Somali, which
        the small model barely reads, is offered wrong choices: measured, not hidden.)"""
        ranked, stands_out = self.by_meaning(question)
        if not ranked or stands_out < thresholds.standout:
            return Result(question, Outcome.NO_ANSWER, tuple(ranked[:5]), terms, across=True)
        return Result(question, Outcome.CLARIFY, choices_of(ranked, thresholds), terms, across=True)


def choices_of(
    ranked: Sequence[Scored], thresholds: Thresholds = Thresholds()
) -> tuple[Scored, ...]:
    """What a clarify question offers: the best article and up to ``max_choices`` - 1
    others scoring within ``margin`` of it."""
    if not ranked:
        return ()
    top = ranked[0].score
    return tuple(s for s in ranked[: thresholds.max_choices] if top - s.score <= thresholds.margin)
