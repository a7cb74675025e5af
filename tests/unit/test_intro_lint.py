"""``kb lint`` on the new manager's path (``intro:``): a week with more than three
articles and a week without any are warnings, never errors; the example base's path
lints clean; and a lead accepting a phrasing keeps an article's ``intro:``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from knowledge.base import KnowledgeBase, load_knowledge_base
from knowledge.lint import lint
from knowledge.loader import parse_article
from knowledge.model import Intro
from knowledge.phrasings import mark_reviewed, write_phrasing
from tests.conftest import write_article


def _with_intro(arts: Path, week: int, n: int) -> None:
    write_article(
        arts,
        f"hr/vecka{week}-{n}.md",
        f"id: hr-vecka{week}-{n}\narea: hr\ntitle: Steg {week}.{n}\nquestions:\n"
        f"  - Hur gör jag steg {week} punkt {n} i rekryteringen av personal?\n"
        f"reviewed: 2026-06-01\nintro: {{week: {week}, order: {n}}}\n",
    )


def test_a_crowded_week_and_a_gap_are_warnings(tiny_base: tuple[Path, Path]) -> None:
    arts, org = tiny_base
    for n in range(1, 5):
        _with_intro(arts, 1, n)
    _with_intro(arts, 3, 1)
    problems = lint(load_knowledge_base(arts, org), today=date(2026, 11, 26))
    intro = [p for p in problems if "introduktionsvecka" in p.message]
    assert {p.severity for p in intro} == {"warning"}
    assert sum("introduktionsvecka 1 har 4 artiklar" in p.message for p in intro) == 4
    assert [p.message.split(":")[0] for p in intro if "inga artiklar" in p.message] == [
        "introduktionsvecka 2 har inga artiklar"
    ]
    assert all(p.line == 8 for p in intro)  # the intro: line of each file


def test_the_example_path_lints_clean(example_kb: KnowledgeBase) -> None:
    problems = lint(example_kb, today=date(2026, 11, 26))
    assert not [p for p in problems if "introduktionsvecka" in p.message]
    weeks = sorted(a.intro.week for a in example_kb.articles if a.intro)
    assert set(weeks) == set(range(1, 13)) and len(weeks) == 33


def test_writing_a_phrasing_or_a_review_date_keeps_intro(tmp_path: Path) -> None:
    path = write_article(
        tmp_path,
        "hr/x.md",
        "id: hr-x\narea: hr\ntitle: X\nquestions:\n  - Hur gör jag X i HR-systemet?\n"
        "intro: {week: 4, order: 2}\nreviewed: 2026-06-01\n",
    )
    write_phrasing(path, "hr-x", "Var gör man X någonstans?")
    mark_reviewed(path, "hr-x", date(2026, 12, 2))
    parsed = parse_article(path)
    assert parsed.article.intro == Intro(4, 2)  # type: ignore[union-attr]
    assert parsed.article.reviewed == date(2026, 12, 2)  # type: ignore[union-attr]
