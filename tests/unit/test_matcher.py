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
    """answer: on P(best is right); clarify: on P(the right one is among the choices)."""
    kb = load_knowledge_base(*tiny_base)
    question = "ny dator"
    result = kb.matcher.match(question)
    sure, reach = result.confidence, result.reach
    assert 0 < sure < 1 and 0 < reach < 1
    strict = Thresholds(answer=min(1.0, sure + 1e-6), clarify=max(0.0, reach - 1e-6))
    assert kb.matcher.match(question, strict).outcome is Outcome.CLARIFY
    closed = Thresholds(answer=min(1.0, sure + 1e-6), clarify=min(1.0, reach + 1e-6))
    assert kb.matcher.match(question, closed).outcome is Outcome.NO_ANSWER
    open_ = Thresholds(answer=max(0.0, sure - 1e-6), clarify=1.0)
    assert kb.matcher.match(question, open_).outcome is Outcome.ANSWER


def test_close_candidates_give_clarify_with_choices(example_kb: KnowledgeBase) -> None:
    result = example_kb.matcher.match("faktura")  # supplier invoices, or approving them
    assert result.outcome is Outcome.CLARIFY
    assert 2 <= len(result.choices) <= 3
    assert {c.article.id for c in result.choices} >= {
        "ekonomi-leverantorsfaktura",
        "ekonomi-attest",
    }


def test_confidence_is_high_for_a_clear_question_and_low_for_an_unrelated_one(
    example_kb: KnowledgeBase,
) -> None:
    clear = example_kb.matcher.match("jag har glömt mitt lösenord")
    unrelated = example_kb.matcher.match("recept på kladdkaka")
    assert clear.outcome is Outcome.ANSWER and clear.confidence > 0.8
    assert unrelated.outcome is not Outcome.ANSWER and unrelated.confidence < 0.2


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
