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
import logging
import math
import os
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from knowledge.model import Article

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from knowledge.matcher import Matcher, Scored
    from knowledge.normalise import Analyzer
    from knowledge.semantic import Embeddings

LEXICAL_FEATURES = (
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
# With a semantic model, ``score`` and ``margin`` are the fused score and its lead.
SEMANTIC_FEATURES = (
    *LEXICAL_FEATURES,
    "meaning",  # the best article's semantic similarity
    "meaning_lead",  # its lead over the runner-up's
    "meaning_over_others",  # its lead over the semantically closest other article
    "words",  # the best article's lexical score
    "words_over_others",  # its lead over the lexically best other article
    "agree",  # 1 when the lexical, semantic and fused rankings put the same article first
    "answer_over_others",  # the best article's answer text's lead over the closest other's
    "answer_agree",  # 1 when the answer texts alone put the same article first
)
FEATURES = {"lexical": LEXICAL_FEATURES, "semantic": SEMANTIC_FEATURES}


# A question ranked by meaning alone: how far its best cosine stands out from its
# cosines to every article, in standard deviations (shift- and scale-free: another
# language lowers and squeezes all cosines alike).
def standout(cosines: np.ndarray) -> float:
    valid = cosines[cosines > -1.0]
    if len(valid) < 4:
        return 0.0
    return float((valid.max() - valid.mean()) / (float(valid.std()) or 1.0))


def features(
    ranked: Sequence[Scored],
    terms: Sequence[str],
    vocabulary: Iterable[str],
    mode: str = "lexical",
) -> tuple[float, ...]:
    """The feature vector of a ranking, in ``FEATURES[mode]`` order (zeros when nothing
    matched). ``ranked`` is every candidate, so "the best other article" is exact: the
    candidates hold the lexical and the semantic top."""
    names = FEATURES[mode]
    if not ranked:
        return (0.0,) * len(names)
    best = ranked[0]
    second = ranked[1] if len(ranked) > 1 else None

    def lead(name: str) -> float:
        mine = float(getattr(best, name))
        return mine - float(getattr(second, name)) if second is not None else mine

    vocab = vocabulary if isinstance(vocabulary, (set, frozenset, dict)) else set(vocabulary)
    known = sum(1 for t in terms if t in vocab) / len(terms) if terms else 0.0
    out = (
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
    if mode == "lexical":
        return out
    others = ranked[1:]
    by_meaning = max(ranked, key=lambda s: s.meaning)
    by_words = max(ranked, key=lambda s: s.words)
    return (
        *out,
        best.meaning,
        lead("meaning"),
        best.meaning - max((s.meaning for s in others), default=0.0),
        best.words,
        best.words - max((s.words for s in others), default=0.0),
        float(by_meaning.article.id == best.article.id == by_words.article.id),
        best.answer - max((s.answer for s in others), default=0.0),
        float(max(ranked, key=lambda s: s.answer).article.id == best.article.id),
    )


@dataclass(frozen=True)
class Logistic:
    weights: tuple[float, ...]
    bias: float

    def __call__(self, x: Sequence[float]) -> float:
        z = self.bias + sum(w * v for w, v in zip(self.weights, x, strict=True))
        if not math.isfinite(z):  # min(50.0, nan) is 50.0: never read NaN as certainty
            return 0.0 if math.isnan(z) else float(z > 0)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def to_dict(self) -> dict[str, object]:
        return {"weights": [round(w, 6) for w in self.weights], "bias": round(self.bias, 6)}

    @classmethod
    def from_dict(cls, data: dict[str, object], size: int) -> Logistic:
        if not isinstance(data, dict):
            raise ValueError("a model is an object with weights and a bias")
        raw = data["weights"]
        if not isinstance(raw, list) or len(raw) != size:
            raise ValueError(f"expected {size} weights")
        model = cls(tuple(float(w) for w in raw), float(data["bias"]))  # type: ignore[arg-type]
        if not all(math.isfinite(v) for v in (*model.weights, model.bias)):
            raise ValueError("weights and bias must be finite numbers")
        return model


@dataclass(frozen=True)
class Calibration:
    """Two logistic models over the features of a ranking (``FEATURES[mode]``):

    - ``answer``: P(the best article is right), which decides answering;
    - ``choices``: P(the right article is among the choices a clarify question would
      offer), which decides asking back rather than routing.
    """

    mode: str
    answer: Logistic
    choices: Logistic
    fingerprint: str = ""  # of the knowledge base it was fitted on ("" = unknown)
    samples: int = 0

    def probability(self, x: Sequence[float]) -> float:
        return self.answer(x)

    def choice_probability(self, x: Sequence[float]) -> float:
        return self.choices(x)

    def to_dict(self) -> dict[str, object]:
        return {
            "features": list(FEATURES[self.mode]),
            "answer": self.answer.to_dict(),
            "choices": self.choices.to_dict(),
            "fingerprint": self.fingerprint,
            "samples": self.samples,
        }

    @classmethod
    def from_dict(cls, mode: str, data: dict[str, object]) -> Calibration:
        if not isinstance(data, dict):
            raise ValueError("a model is an object")
        names = FEATURES.get(mode)
        if names is None or list(data.get("features", [])) != list(names):  # type: ignore[call-overload]
            raise ValueError(f"the {mode} model was written for other features")
        return cls(
            mode,
            Logistic.from_dict(data["answer"], len(names)),  # type: ignore[arg-type]
            Logistic.from_dict(data["choices"], len(names)),  # type: ignore[arg-type]
            str(data.get("fingerprint", "")),
            int(data.get("samples", 0)),  # type: ignore[call-overload]
        )


def write_models(path: Path, models: dict[str, Calibration]) -> None:
    """One file, one model per mode (lexical, semantic), so switching the model off
    keeps a fitted answer model."""
    body = {"models": {mode: m.to_dict() for mode, m in sorted(models.items())}}
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(body, indent=2, allow_nan=False) + "\n", encoding="utf-8")
        os.replace(tmp, path)  # a running bot never reads half a file
    finally:
        tmp.unlink(missing_ok=True)


def read_models(path: Path) -> dict[str, Calibration]:
    """The models in a calibration file. A file from before the semantic model (one
    lexical answer model, no choice model) is reported, not guessed at."""
    data = json.loads(path.read_text(encoding="utf-8"))
    models = data.get("models") if isinstance(data, dict) else None
    if not isinstance(models, dict):
        raise ValueError("written by an older version; run stodbot kb calibrate")
    out: dict[str, Calibration] = {}
    for mode, body in models.items():  # a broken or unknown mode costs only itself
        try:
            out[mode] = Calibration.from_dict(mode, body)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning("%s: the %s model is not used: %s", path, mode, exc)
    return out


SHIPPED = Path(__file__).resolve().parent / "example" / "calibration.json"


def _shipped() -> dict[str, Calibration]:
    """The models fitted on the example base (``stodbot kb calibrate`` writes the file).
    A mode the file lacks (while it is being rewritten for new features) gets a model
    that is never sure: every question is routed to staff, none is answered."""
    try:
        models = read_models(SHIPPED)
    except (OSError, ValueError) as exc:
        log.warning("%s is not used: %s", SHIPPED, exc)
        models = {}
    for mode, names in FEATURES.items():
        if mode not in models:
            log.warning("%s has no %s model: such questions all go to staff", SHIPPED, mode)
            never = Logistic((0.0,) * len(names), -50.0)
            models[mode] = Calibration(mode, never, never)
    return models


# Used when a base has no calibration file of its own.
DEFAULT: dict[str, Calibration] = _shipped()


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


@dataclass(frozen=True)
class TrainingSet:
    x: np.ndarray
    right: np.ndarray
    in_choices: np.ndarray


def training_set(
    articles: Sequence[Article],
    build: Callable[[Sequence[Article]], Matcher],
    rounds: int = 6,
    folds: int = 6,
    keywords: int = 3,
    sample: int = 400,
    thin_rounds: int = 3,
    thin: int = 3,
) -> TrainingSet:
    """Features and outcomes from the base itself: 1 when the best article was right,
    and 1 when the right article was among the choices a clarify question would offer.
    Questions come from at most ``sample`` articles (a fixed choice), so a base of
    thousands of articles calibrates in minutes; every build holds the whole base."""
    from knowledge.matcher import choices_of

    xs: list[tuple[float, ...]] = []
    ys: list[int] = []
    in_choices: list[int] = []
    by_hash = sorted(articles, key=lambda a: hashlib.sha256(a.id.encode()).hexdigest())
    asked = {a.id for a in by_hash[:sample]}
    everyday = offtopic_questions()

    def ask(matcher: Matcher, question: str, right: str | None, augment: bool = True) -> None:
        for q in variants(question) if augment else [question]:
            ranked = matcher.rank(q)
            xs.append(matcher.features(ranked, matcher.analyzer.query_terms(q)))
            ys.append(int(bool(ranked) and ranked[0].article.id == right))
            in_choices.append(int(any(s.article.id == right for s in choices_of(ranked))))

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
    # The same kind of held-out questions asked of a thin version of the base (see
    # ``thinned``), as a base imported from a question list starts out, and the
    # everyday questions too. Without these the models learn only what a dense base
    # looks like, and route most right answers of a thin one.
    for r in range(thin_rounds):
        kept, held = thinned(articles, r, thin)
        matcher = build(kept)
        for article_id, question in held.items():
            if article_id in asked:
                ask(matcher, question, article_id)
        for question in everyday:
            ask(matcher, question, None)
    # Keywords alone, as people type them into a chat ("faktura", "poolbil"), in the
    # whole base: a keyword that several articles share is a coin toss, and says so.
    whole = build(articles)
    for a in articles:
        if a.id not in asked:
            continue
        for keyword in a.keywords[:keywords]:
            ask(whole, keyword, a.id, augment=False)
    # Everyday questions that no process article answers: any answer to them is wrong.
    for question in everyday:
        ask(whole, question, None)
    for gone, others in removed_folds(articles, folds):
        matcher = build(others)
        for a in gone:
            if a.id not in asked:
                continue
            for question in [p for p in a.phrasings if p.strip()][:3]:
                ask(matcher, question, None)
    return TrainingSet(
        np.asarray(xs, dtype=np.float64),
        np.asarray(ys, dtype=np.float64),
        np.asarray(in_choices, dtype=np.float64),
    )


def thinned(articles: Sequence[Article], r: int, thin: int) -> tuple[list[Article], dict[str, str]]:
    """The base cut thin for round ``r``: each article with three or more phrasings
    keeps its title and ``thin`` other phrasings, and holds out one more (never the
    title); keywords are dropped. Returns the thin base and the held-out phrasings."""
    held: dict[str, str] = {}
    kept: list[Article] = []
    for a in articles:
        phrasings = [p for p in a.phrasings if p.strip()]
        if len(phrasings) < 3:
            kept.append(dataclasses.replace(a, keywords=()))
            continue
        i = 1 + r % (len(phrasings) - 1)
        rest = [p for j, p in enumerate(phrasings) if j != i]
        others = rest[1:]
        start = r % len(others)
        keep = (others[start:] + others[:start])[:thin]
        held[a.id] = phrasings[i]
        kept.append(dataclasses.replace(a, title=rest[0], questions=tuple(keep), keywords=()))
    return kept, held


def removed_folds(
    articles: Sequence[Article], folds: int
) -> Iterator[tuple[list[Article], list[Article]]]:
    """The base with a ``folds``-th of its articles removed at a time: (removed, kept).
    A removed article's phrasings, asked of the rest, are questions the base does not
    cover."""
    for f in range(folds):
        gone = [a for i, a in enumerate(articles) if i % folds == f]
        if gone and len(gone) < len(articles):
            yield gone, [a for i, a in enumerate(articles) if i % folds != f]


OFFTOPIC_FILE = Path(__file__).parent / "data" / "offtopic_sv.txt"
# Other everyday questions, never learnt from: what ``stodbot kb report`` asks a base.
OFFTOPIC_CHECK_FILE = Path(__file__).parent / "data" / "offtopic_check_sv.txt"


def offtopic_questions(path: Path = OFFTOPIC_FILE) -> list[str]:
    """Everyday questions (weather, recipes, private errands, general knowledge) that no
    municipality's process base should answer, whatever it holds."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


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


def calibrate(
    articles: Sequence[Article],
    make_analyzer: Callable[[], Analyzer],
    embeddings: Embeddings | None = None,
) -> Calibration:
    """Fit both models for ``articles``, lexical only or with ``embeddings`` (seconds for
    a hundred articles lexically; with a model, every asked variant is embedded once, a
    minute or two for a hundred articles)."""
    from knowledge.matcher import Matcher

    if embeddings is not None:
        embeddings = embeddings.learning()
    data = training_set(
        articles, lambda arts: Matcher(arts, make_analyzer(), embeddings=embeddings)
    )
    if embeddings is not None:
        embeddings.save()
    if len(set(data.right.tolist())) < 2 or len(set(data.in_choices.tolist())) < 2:
        raise ValueError("too few articles with three or more phrasings to calibrate")
    return Calibration(
        "lexical" if embeddings is None else "semantic",
        _fit(data.x, data.right),
        _fit(data.x, data.in_choices),
        fingerprint(articles),
        int(len(data.right)),
    )


def refit(
    articles: Sequence[Article],
    make_analyzer: Callable[[], Analyzer],
    embeddings: Embeddings | None,
    out: Path,
) -> Calibration:
    """Fit the answer model for ``articles`` and write it to ``out`` (``stodbot kb
    calibrate``, and the running bot after its base changed). The other mode's model
    in the file is kept when it was fitted on this same base; an unreadable file is
    replaced. Raises ValueError when the base is too small to fit."""
    model = calibrate(articles, make_analyzer, embeddings)
    try:
        models = read_models(out) if out.is_file() else {}
    except (OSError, ValueError, KeyError, TypeError):
        models = {}
    models = {m: c for m, c in models.items() if c.fingerprint == model.fingerprint}
    models[model.mode] = model
    write_models(out, models)
    return model


def _fit(x: np.ndarray, y: np.ndarray) -> Logistic:
    weights, bias = fit_logistic(x, y)
    return Logistic(tuple(float(w) for w in weights), bias)
