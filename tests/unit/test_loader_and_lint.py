from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from knowledge.base import load_knowledge_base
from knowledge.lint import lint
from knowledge.loader import OrganisationError, load_organisation
from tests.conftest import write_article


def test_broken_article_is_skipped_and_the_rest_loads(tiny_base: tuple[Path, Path]) -> None:
    arts, org = tiny_base
    write_article(arts, "hr/broken.md", "id: hr-broken\narea: hr\ntitle: [unclosed\n")
    kb = load_knowledge_base(arts, org)
    assert {a.id for a in kb.articles} == {"hr-lonespec", "it-dator", "kansli-diarium"}
    assert any("broken.md" in str(p.path) and "felaktig YAML" in p.message for p in kb.problems)


def test_lint_names_file_and_line_of_planted_errors(tiny_base: tuple[Path, Path]) -> None:
    arts, org = tiny_base
    write_article(
        arts,
        "hr/schema.md",
        "id: hr-schema\narea: hr\ntitle: Saknar frågor\nquestions: []\n",
    )
    write_article(
        arts,
        "x/unknown.md",
        "id: x-okand\narea: ekonomi\ntitle: Okänt område\nquestions:\n  - Vad kostar det?\n",
    )
    write_article(
        arts,
        "it/dup.md",
        "id: it-dup\narea: it\ntitle: Dubblett\nquestions:\n"
        "  - Något helt annat om skrivare\n"
        "  - Var hittar jag min lönespecifikation?\n"
        "follow_up: [finns-inte]\nreviewed: 2024-01-10\n",
    )
    write_article(
        arts,
        "kansli/near.md",
        "id: kansli-near\narea: kansli\ntitle: Nästan samma\nquestions:\n"
        "  - Vad ska registreras i diaret?\nreviewed: 2026-06-01\n",
    )
    problems = lint(load_knowledge_base(arts, org), today=date(2026, 11, 26))
    text = "\n".join(str(p) for p in problems)

    def has(path_end: str, line: int, fragment: str) -> bool:
        return any(
            str(p.path).endswith(path_end) and p.line == line and fragment in p.message
            for p in problems
        )

    assert has("hr/schema.md", 5, "questions"), text
    assert has("x/unknown.md", 3, "okänt område 'ekonomi'"), text
    assert has("it/dup.md", 7, "samma fråga finns i 'hr-lonespec'"), text
    assert has("it/dup.md", 8, "follow_up 'finns-inte' finns inte"), text
    assert has("it/dup.md", 9, "dags att granska igen"), text
    assert any(
        str(p.path).endswith("kansli/near.md") or "kansli-near" in p.message
        for p in problems
        if "nästan samma som" in p.message
    ), text


def test_clean_base_has_no_errors(tiny_base: tuple[Path, Path]) -> None:
    problems = lint(load_knowledge_base(*tiny_base), today=date(2026, 11, 26))
    assert [p for p in problems if p.severity == "error"] == []


def test_invalid_organisation_file_is_a_clear_error(tmp_path: Path) -> None:
    org = tmp_path / "org.yaml"
    org.write_text("municipality: X\nareas:\n  - id: hr\n    name: HR\n", encoding="utf-8")
    with pytest.raises(OrganisationError, match="description"):
        load_organisation(org)


def test_example_base_is_large_enough_and_lints_clean(example_kb) -> None:  # type: ignore[no-untyped-def]
    assert len(example_kb.articles) >= 80
    assert all(len(a.questions) >= 4 for a in example_kb.articles)
    assert {a.area for a in example_kb.articles} == example_kb.organisation.area_ids
    errors = [p for p in lint(example_kb, today=date(2026, 11, 26)) if p.severity == "error"]
    assert errors == []


def test_a_phrasing_of_stop_words_only_says_what_to_do(tiny_base: tuple[Path, Path]) -> None:
    arts, org = tiny_base
    write_article(
        arts,
        "it/tack.md",
        "id: it-tack\narea: it\ntitle: Tack för hjälpen med datorn\nquestions:\n  - ok\n"
        "  - Datorn fungerar igen, tack\nreviewed: 2026-06-01\n",
        "Skönt!\n",
    )
    problems = [p for p in lint(load_knowledge_base(arts, org)) if p.path.name == "tack.md"]
    (problem,) = problems
    assert problem.line == 6 and "'ok'" in problem.message  # "---" is line 1
    assert "bara småord" in problem.message and "skriv vad den" in problem.message
