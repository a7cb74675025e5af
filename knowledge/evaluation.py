"""Measuring the matcher: SweFAQ ranking accuracy and a labelled question file."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from knowledge.matcher import Matcher, Outcome, Result, Thresholds
from knowledge.model import Article
from knowledge.normalise import Analyzer
from knowledge.semantic import Embeddings

NOT_ANSWERABLE = "-"


@dataclass(frozen=True)
class SwefaqItem:
    question: str
    candidates: tuple[int, ...]  # indices into the shared answer list
    label: int  # index into candidates


def read_swefaq(path: Path) -> tuple[list[str], list[SwefaqItem]]:
    """Read SweFAQ JSON Lines; every distinct answer text becomes one document."""
    answers: list[str] = []
    seen: dict[str, int] = {}
    items: list[SwefaqItem] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            idx = []
            for text in row["candidate_answers"]:
                if text not in seen:
                    seen[text] = len(answers)
                    answers.append(text)
                idx.append(seen[text])
            items.append(SwefaqItem(row["question"], tuple(idx), int(row["label"])))
    return answers, items


def swefaq_accuracy(
    path: Path,
    make_analyzer: Callable[[], Analyzer] = Analyzer,
    matcher_kwargs: dict[str, Any] | None = None,
    embeddings: Embeddings | None = None,
) -> tuple[float, int]:
    """Share of questions whose top-ranked candidate answer is the right one (fused with
    meaning when ``embeddings`` is given: each answer is embedded as a passage)."""
    answers, items = read_swefaq(path)
    docs = [
        Article(id=f"a{i:05d}", area="swefaq", title="", questions=(), answer=text)
        for i, text in enumerate(answers)
    ]
    matcher = Matcher(docs, make_analyzer(), embeddings=embeddings, **(matcher_kwargs or {}))
    correct = 0
    for item in items:
        ranked = matcher.rank(item.question, among=item.candidates)
        if ranked and ranked[0].article.id == docs[item.candidates[item.label]].id:
            correct += 1
    return (correct / len(items) if items else 0.0), len(items)


class Verdict(StrEnum):
    """What the bot did with one labelled question, from the asker's side."""

    RIGHT = "answered right"  # in scope, the right article answered
    CHOICE = "right among the choices"  # in scope, asked back with the right article offered
    WRONG = "answered wrong"  # in scope, another article answered
    CHOICE_MISS = "asked back without it"  # in scope, asked back, the right article not offered
    ROUTED = "routed"  # in scope, no answer: the question goes on to staff
    ABSTAINED = "abstained"  # out of scope, no answer
    CLARIFIED = "clarified"  # out of scope, asked back
    ANSWERED = "answered"  # out of scope, answered: wrong


IN_SCOPE = (Verdict.RIGHT, Verdict.CHOICE, Verdict.WRONG, Verdict.CHOICE_MISS, Verdict.ROUTED)
OUT_OF_SCOPE = (Verdict.ABSTAINED, Verdict.CLARIFIED, Verdict.ANSWERED)


def verdict(result: Result, expected: str) -> Verdict:
    got = result.best.article.id if result.best else None
    if expected == NOT_ANSWERABLE:
        return {
            Outcome.ANSWER: Verdict.ANSWERED,
            Outcome.CLARIFY: Verdict.CLARIFIED,
            Outcome.NO_ANSWER: Verdict.ABSTAINED,
        }[result.outcome]
    if result.outcome is Outcome.ANSWER:
        return Verdict.RIGHT if got == expected else Verdict.WRONG
    if result.outcome is Outcome.CLARIFY:
        ids = [c.article.id for c in result.choices]
        return Verdict.CHOICE if expected in ids else Verdict.CHOICE_MISS
    return Verdict.ROUTED


@dataclass
class QuestionReport:
    """Counts per verdict. In-scope and out-of-scope questions are counted apart, so that
    abstaining never passes for answering: the headline is in-scope answered right,
    in-scope reached in one step (answered right or the right article among the choices),
    and wrong answers over all questions (an out-of-scope question answered is wrong)."""

    counts: dict[Verdict, int] = field(default_factory=lambda: {v: 0 for v in Verdict})
    misses: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        return sum(self.counts.values())

    @property
    def in_scope(self) -> int:
        return sum(self.counts[v] for v in IN_SCOPE)

    @property
    def out_of_scope(self) -> int:
        return sum(self.counts[v] for v in OUT_OF_SCOPE)

    @property
    def right(self) -> float:
        return _share(self.counts[Verdict.RIGHT], self.in_scope)

    @property
    def one_step(self) -> float:
        return _share(self.counts[Verdict.RIGHT] + self.counts[Verdict.CHOICE], self.in_scope)

    @property
    def wrong(self) -> float:
        return _share(self.counts[Verdict.WRONG] + self.counts[Verdict.ANSWERED], self.n)

    @property
    def abstained(self) -> float:
        """Share of out-of-scope questions that got no answer and no choices."""
        return _share(self.counts[Verdict.ABSTAINED], self.out_of_scope)

    def add(self, question: str, expected: str, result: Result) -> Verdict:
        v = verdict(result, expected)
        self.counts[v] += 1
        if v not in (Verdict.RIGHT, Verdict.ABSTAINED):
            got = result.best.article.id if result.best else None
            shown = [c.article.id for c in result.choices] or got
            self.misses.append(f"{v.value:<24} {question!r}: expected {expected}, got {shown}")
        return v

    def lines(self) -> list[str]:
        """The breakdown, one line per verdict, in-scope first."""
        out = [f"in scope: {self.in_scope}"]
        out += [
            f"  {v.value:<24} {self.counts[v]:>4}  {_share(self.counts[v], self.in_scope):6.1%}"
            for v in IN_SCOPE
        ]
        out.append(f"out of scope: {self.out_of_scope}")
        out += [
            f"  {v.value:<24} {self.counts[v]:>4}  {_share(self.counts[v], self.out_of_scope):6.1%}"
            for v in OUT_OF_SCOPE
        ]
        return out

    def headline(self) -> str:
        return (
            f"questions n={self.n} right={self.right:.3f} one_step={self.one_step:.3f} "
            f"wrong={self.wrong:.3f} out_of_scope_abstained={self.abstained:.3f}"
        )


def _share(count: int, total: int) -> float:
    return count / total if total else 0.0


def read_questions(path: Path) -> Iterator[tuple[str, str]]:
    for question, expected, _ in read_labelled(path):
        yield question, expected


def read_labelled(path: Path) -> Iterator[tuple[str, str, str]]:
    """(question, expected, language); the language column is optional (default sv)."""
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            yield row["question"], row["expected"].strip(), (row.get("language") or "sv").strip()


def evaluate_questions(
    matcher: Matcher, rows: list[tuple[str, str]], thresholds: Thresholds
) -> QuestionReport:
    report = QuestionReport()
    for question, expected in rows:
        report.add(question, expected, matcher.match(question, thresholds))
    return report
