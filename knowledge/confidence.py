"""How sure the matcher is that its best article is the right one.

A score alone says little: 0.55 is a safe answer when no other article comes
close, and a coin toss when a sibling article scores 0.53. The matcher
therefore turns a few features of the whole ranking (``FEATURES``) into a
probability with a logistic model, and answers when that probability reaches
the answer threshold.

The model is learnt from the knowledge base itself, with no labelled
questions (``calibrate``):

1. Each article's phrasings are held out in turn: the matcher is rebuilt
   without that phrasing and asked it, as written, with a typo and without
   å/ä/ö, with a word left out, and after a few words of context ("hej! ...").
   The outcome is right when the article comes first.
2. A sixth of the articles at a time is removed and their phrasings asked:
   any answer would be wrong, as for a question the base does not cover.

``stodbot kb calibrate`` runs this and writes the model to a JSON file beside
the knowledge base. The file names the base it was fitted on (a fingerprint of
the articles' ids and phrasings), so a stale model is reported, not used
silently; without a file the model fitted on the example base is used.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from knowledge.model import Article

if TYPE_CHECKING:
    from knowledge.matcher import Matcher, Scored
    from knowledge.normalise import Analyzer

FEATURES = (
    "score",  # the best article's combined score
    "margin",  # its lead over the runner-up
    "lexical",  # the best article's parts ...
    "phrasing",
    "fuzzy",
    "lexical_lead",  # ... and their lead over the runner-up's
    "phrasing_lead",
    "fuzzy_lead",
    "known",  # share of the question's terms the base knows
    "length",  # number of terms, up to 8, divided by 8
)


def features(
    ranked: Sequence[Scored], terms: Sequence[str], vocabulary: Iterable[str]
) -> tuple[float, ...]:
    """The feature vector of a ranking, in ``FEATURES`` order (zeros when nothing matched)."""
    if not ranked:
        return (0.0,) * len(FEATURES)
    best = ranked[0]
    second = ranked[1] if len(ranked) > 1 else None

    def lead(name: str) -> float:
        mine = float(getattr(best, name))
        return mine - float(getattr(second, name)) if second is not None else mine

    vocab = vocabulary if isinstance(vocabulary, (set, frozenset, dict)) else set(vocabulary)
    known = sum(1 for t in terms if t in vocab) / len(terms) if terms else 0.0
    return (
        best.score,
        lead("score"),
        best.lexical,
        best.phrasing,
        best.fuzzy,
        lead("lexical"),
        lead("phrasing"),
        lead("fuzzy"),
        known,
        min(len(terms), 8) / 8,
    )


@dataclass(frozen=True)
class Calibration:
    """A logistic model: P(best article is right) = sigmoid(weights · features + bias)."""

    weights: tuple[float, ...]
    bias: float
    fingerprint: str = ""  # of the knowledge base it was fitted on ("" = unknown)
    samples: int = 0

    def probability(self, x: Sequence[float]) -> float:
        z = self.bias + sum(w * v for w, v in zip(self.weights, x, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def to_json(self) -> str:
        return json.dumps(
            {
                "features": list(FEATURES),
                "weights": [round(w, 6) for w in self.weights],
                "bias": round(self.bias, 6),
                "fingerprint": self.fingerprint,
                "samples": self.samples,
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> Calibration:
        data = json.loads(text)
        if list(data.get("features", [])) != list(FEATURES):
            raise ValueError("the file was written for other features; run stodbot kb calibrate")
        weights = tuple(float(w) for w in data["weights"])
        return cls(
            weights,
            float(data["bias"]),
            str(data.get("fingerprint", "")),
            int(data.get("samples", 0)),
        )

    @classmethod
    def read(cls, path: Path) -> Calibration:
        return cls.from_json(path.read_text(encoding="utf-8"))


# Fitted on the example base (``stodbot kb calibrate``); used when no file is configured.
DEFAULT = Calibration(
    weights=(2.070, 3.597, 2.552, 0.119, 2.575, 5.859, -1.334, 1.740, -1.690, 2.144),
    bias=-4.918,
)


def fingerprint(articles: Iterable[Article]) -> str:
    """Identifies a knowledge base's matching text: ids and phrasings, not answers."""
    h = hashlib.sha256()
    for a in sorted(articles, key=lambda a: a.id):
        h.update(a.id.encode())
        for p in (*a.phrasings, *a.keywords):
            h.update(b"\x1f" + p.encode())
        h.update(b"\x1e")
    return h.hexdigest()[:16]


def variants(question: str) -> list[str]:
    """A phrasing as a manager might type it: as written, with a swapped pair of letters
    in its longest word and without å/ä/ö, with one word left out, and after a few
    words of context. Deterministic."""
    rnd = random.Random(question)
    words = question.rstrip("?. ").split()
    out = [question]
    if not words:
        return out
    typo = list(words)
    i = max(range(len(typo)), key=lambda k: len(typo[k]))
    w = typo[i]
    if len(w) > 5:
        j = rnd.randrange(1, len(w) - 2)
        typo[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    out.append(" ".join(typo).lower().translate(str.maketrans("åäö", "aao")))
    if len(words) > 3:
        k = rnd.randrange(len(words))
        out.append(" ".join(words[:k] + words[k + 1 :]))
    out.append(rnd.choice(_CONTEXT) + question[0].lower() + question[1:])
    return out


# What managers write before the question itself.
_CONTEXT = (
    "hej! ",
    "hej, en snabb fråga: ",
    "jag är ganska ny som chef. ",
    "vi har en situation på enheten. ",
    "en medarbetare frågade mig idag och jag vet inte. ",
    "tack för förra gången! nu undrar jag: ",
)


def training_set(
    articles: Sequence[Article],
    build: Callable[[Sequence[Article]], Matcher],
    rounds: int = 6,
    folds: int = 6,
    keywords: int = 3,
    sample: int = 400,
) -> tuple[np.ndarray, np.ndarray]:
    """Features and outcomes (1 = the best article was right) from the base itself.
    Questions come from at most ``sample`` articles (a fixed choice), so a base of
    thousands of articles calibrates in minutes; every build holds the whole base."""
    xs: list[tuple[float, ...]] = []
    ys: list[int] = []
    by_hash = sorted(articles, key=lambda a: hashlib.sha256(a.id.encode()).hexdigest())
    asked = {a.id for a in by_hash[:sample]}

    def ask(matcher: Matcher, question: str, right: str | None, augment: bool = True) -> None:
        for q in variants(question) if augment else [question]:
            ranked = matcher.rank(q)
            terms = matcher.analyzer.query_terms(q)
            xs.append(features(ranked, terms, matcher.analyzer.vocabulary))
            ys.append(int(bool(ranked) and ranked[0].article.id == right))

    for r in range(rounds):
        held: dict[str, str] = {}
        kept: list[Article] = []
        for a in articles:
            phrasings = [p for p in a.phrasings if p.strip()]
            if len(phrasings) < 3 or a.id not in asked:
                kept.append(a)
                continue
            i = r % len(phrasings)
            held[a.id] = phrasings[i]
            rest = phrasings[:i] + phrasings[i + 1 :]
            kept.append(dataclasses.replace(a, title=rest[0], questions=tuple(rest[1:])))
        if not held:
            break
        matcher = build(kept)
        for article_id, question in held.items():
            ask(matcher, question, article_id)
    # Keywords alone, as people type them into a chat ("faktura", "poolbil"), in the
    # whole base: a keyword that several articles share is a coin toss, and says so.
    whole = build(articles)
    for a in articles:
        if a.id not in asked:
            continue
        for keyword in a.keywords[:keywords]:
            ask(whole, keyword, a.id, augment=False)
    for f in range(folds):
        gone = [a for i, a in enumerate(articles) if i % folds == f]
        if not gone or len(gone) == len(articles):
            continue
        matcher = build([a for i, a in enumerate(articles) if i % folds != f])
        for a in gone:
            if a.id not in asked:
                continue
            for question in [p for p in a.phrasings if p.strip()][:3]:
                ask(matcher, question, None)
    return np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)


def fit_logistic(
    x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 50
) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method (the bias is not penalised)."""
    xb = np.c_[x, np.ones(len(x))]
    w = np.zeros(xb.shape[1])
    penalty = np.diag(np.r_[np.full(x.shape[1], l2), 0.0])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(xb @ w, -50, 50)))
        grad = xb.T @ (p - y) + penalty @ w
        hess = (xb.T * (p * (1 - p))) @ xb + penalty
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.abs(step).max()) < 1e-9:
            break
    return w[:-1], float(w[-1])


def calibrate(articles: Sequence[Article], make_analyzer: Callable[[], Analyzer]) -> Calibration:
    """Fit the model for ``articles`` (seconds for a hundred articles, a few minutes
    for thousands)."""
    from knowledge.matcher import Matcher

    x, y = training_set(articles, lambda arts: Matcher(arts, make_analyzer()))
    if len(set(y.tolist())) < 2:
        raise ValueError("too few articles with three or more phrasings to calibrate")
    weights, bias = fit_logistic(x, y)
    return Calibration(tuple(float(w) for w in weights), bias, fingerprint(articles), int(len(y)))
