"""The question-file figures count in-scope and out-of-scope questions apart."""

from __future__ import annotations

from knowledge.base import KnowledgeBase
from knowledge.evaluation import Verdict, evaluate_questions
from knowledge.matcher import Thresholds


def test_abstaining_is_never_counted_as_answering(example_kb: KnowledgeBase) -> None:
    matcher = example_kb.matcher
    answered = "jag har glömt mitt lösenord"
    top = matcher.match(answered).best
    assert top is not None
    other = next(a.id for a in example_kb.articles if a.id != top.article.id)
    rows = [
        (answered, top.article.id),  # in scope, answered right
        (answered, other),  # in scope, answered with another article: wrong
        (answered, "-"),  # out of scope but answered: wrong
        ("qwxz zzyv", "-"),  # out of scope, nothing matches: abstained
        ("qwxz zzyv", top.article.id),  # in scope, nothing matches: routed, not right
    ]
    report = evaluate_questions(matcher, rows, Thresholds())
    assert report.counts[Verdict.RIGHT] == 1
    assert report.counts[Verdict.WRONG] == 1
    assert report.counts[Verdict.ANSWERED] == 1
    assert report.counts[Verdict.ABSTAINED] == 1
    assert report.counts[Verdict.ROUTED] == 1
    assert (report.in_scope, report.out_of_scope) == (3, 2)
    assert report.right == 1 / 3 and report.one_step == 1 / 3
    assert report.wrong == 2 / 5  # over all questions
    assert report.abstained == 1 / 2
    assert len(report.misses) == 3 and all("expected" in m for m in report.misses)
