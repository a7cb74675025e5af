"""Measuring the matcher: SweFAQ ranking accuracy and a labelled question file."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from knowledge.matcher import Matcher, Outcome, Thresholds
from knowledge.model import Article
from knowledge.normalise import Analyzer

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
) -> tuple[float, int]:
    """Share of questions whose top-ranked candidate answer is the right one."""
    answers, items = read_swefaq(path)
    docs = [
        Article(id=f"a{i:05d}", area="swefaq", title="", questions=(), answer=text)
        for i, text in enumerate(answers)
    ]
    matcher = Matcher(docs, make_analyzer(), **(matcher_kwargs or {}))
    correct = 0
    for item in items:
        ranked = matcher.rank(item.question, among=item.candidates)
        if ranked and ranked[0].article.id == docs[item.candidates[item.label]].id:
            correct += 1
    return (correct / len(items) if items else 0.0), len(items)


@dataclass
class QuestionReport:
    n: int = 0
    correct: int = 0
    wrong: int = 0
    abstained: int = 0
    clarify_hits: int = 0  # expected article among the clarify choices
    failures: list[str] = field(default_factory=list)

    def share(self, count: int) -> float:
        return count / self.n if self.n else 0.0


def read_questions(path: Path) -> Iterator[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            yield row["question"], row["expected"].strip()


def evaluate_questions(
    matcher: Matcher, rows: list[tuple[str, str]], thresholds: Thresholds
) -> QuestionReport:
    """Correct: the right article answered, or no answer where none should be given.
    Wrong: an answer with another article, or any answer where none should be given.
    Abstained: clarify or no answer where an article was expected, clarify where none was."""
    report = QuestionReport()
    for question, expected in rows:
        report.n += 1
        result = matcher.match(question, thresholds)
        got = result.best.article.id if result.best else None
        if result.outcome is Outcome.ANSWER:
            if got == expected:
                report.correct += 1
                continue
            report.wrong += 1
            report.failures.append(f"WRONG   {question!r}: expected {expected}, answered {got}")
        elif expected == NOT_ANSWERABLE and result.outcome is Outcome.NO_ANSWER:
            report.correct += 1
        else:
            report.abstained += 1
            ids = [c.article.id for c in result.choices]
            if expected in ids:
                report.clarify_hits += 1
            report.failures.append(
                f"ABSTAIN {question!r}: expected {expected}, {result.outcome} {ids or got}"
            )
    return report
