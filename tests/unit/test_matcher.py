from __future__ import annotations

from pathlib import Path

from knowledge.base import KnowledgeBase, load_knowledge_base
from knowledge.matcher import Outcome, Thresholds


def test_confident_question_is_answered(tiny_base: tuple[Path, Path]) -> None:
    kb = load_knowledge_base(*tiny_base)
    result = kb.matcher.match("var hittar jag lönespecifikationen")
    assert result.outcome is Outcome.ANSWER
    assert result.best is not None and result.best.article.id == "hr-lonespec"


def test_typo_and_missing_diacritics_still_answer(tiny_base: tuple[Path, Path]) -> None:
    kb = load_knowledge_base(*tiny_base)
    result = kb.matcher.match("hur bestaller jag en ny dattor")
    assert result.outcome is Outcome.ANSWER
    assert result.best is not None and result.best.article.id == "it-dator"


def test_unrelated_question_gets_no_answer(tiny_base: tuple[Path, Path]) -> None:
    kb = load_knowledge_base(*tiny_base)
    assert kb.matcher.match("vad blir det för lunch i matsalen").outcome is Outcome.NO_ANSWER


def test_thresholds_decide_the_outcome(tiny_base: tuple[Path, Path]) -> None:
    kb = load_knowledge_base(*tiny_base)
    question = "ny dator"
    score = kb.matcher.match(question).candidates[0].score
    strict = Thresholds(answer=min(1.0, score + 0.01), clarify=max(0.0, score - 0.01))
    assert kb.matcher.match(question, strict).outcome is Outcome.CLARIFY
    closed = Thresholds(answer=1.0, clarify=min(1.0, score + 0.01))
    assert kb.matcher.match(question, closed).outcome is Outcome.NO_ANSWER
    open_ = Thresholds(answer=max(0.0, score - 0.01), clarify=0.0)
    assert kb.matcher.match(question, open_).outcome is Outcome.ANSWER


def test_close_candidates_give_clarify_with_choices(example_kb: KnowledgeBase) -> None:
    result = example_kb.matcher.match("bil")
    assert result.outcome is Outcome.CLARIFY
    assert 1 <= len(result.choices) <= 3
    assert all(c.article.area == "service" for c in result.choices)


def test_results_are_deterministic(example_kb: KnowledgeBase) -> None:
    questions = ["hur bokar jag en poolbil", "semester", "lösenord", "brand", "faktura"]
    first = [example_kb.matcher.match(q) for q in questions]
    for _ in range(3):
        again = [example_kb.matcher.match(q) for q in questions]
        assert [(r.outcome, [c.article.id for c in r.candidates]) for r in again] == [
            (r.outcome, [c.article.id for c in r.candidates]) for r in first
        ]


def test_example_base_answers_everyday_questions(example_kb: KnowledgeBase) -> None:
    cases = {
        "hur bokar jag en poolbil": "service-bilbokning",
        "jag har glömt mitt lösenord": "it-glomt-losenord",
        "lonespecifikationen": "hr-lonespecifikation",
        "hur anmäler jag en arbetsskada": "hr-tillbud-arbetsskada",
    }
    for question, expected in cases.items():
        result = example_kb.matcher.match(question)
        assert result.outcome is Outcome.ANSWER, question
        assert result.best is not None and result.best.article.id == expected, question
