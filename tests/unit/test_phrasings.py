"""An accepted phrasing goes into its article file as one more line (issue 13)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge.loader import ParsedArticle, parse_article
from knowledge.phrasings import PhrasingError, add_phrasing, with_phrasing

EXAMPLE = Path(__file__).resolve().parents[2] / "knowledge" / "example" / "articles"


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLE, tmp_path / "articles")
    return tmp_path / "articles"


def test_the_phrasing_is_one_new_line_after_the_last_question(articles: Path) -> None:
    path = articles / "hr" / "annonsera-tjanst.md"
    before = path.read_text(encoding="utf-8")
    add_phrasing(articles, "hr-annonsera-tjanst", "hur lägger jag ut en jobbannons: snabbt?")
    after = path.read_text(encoding="utf-8")
    added = [line for line in after.splitlines() if line not in before.splitlines()]
    assert added == ['  - "hur lägger jag ut en jobbannons: snabbt?"']
    assert after.replace(added[0] + "\n", "") == before  # nothing else changed
    parsed = parse_article(path)
    assert isinstance(parsed, ParsedArticle)
    assert parsed.article.questions[-1] == "hur lägger jag ut en jobbannons: snabbt?"


@pytest.mark.parametrize(
    "phrasing", ["- börjar med streck", "# ser ut som en kommentar", "ja: nej", "'citat", "@x"]
)
def test_yaml_special_wording_reads_back_as_written(articles: Path, phrasing: str) -> None:
    path = add_phrasing(articles, "hr-annonsera-tjanst", phrasing)
    parsed = parse_article(path)
    assert isinstance(parsed, ParsedArticle) and parsed.article.questions[-1] == phrasing


def test_a_file_without_questions_gets_a_list_and_a_flow_list_is_refused() -> None:
    bare = "---\nid: a\narea: hr\ntitle: T\n---\nText\n"
    assert "questions:\n  - fråga ett\n---" in with_phrasing(bare, "fråga ett")
    flow = "---\nid: a\narea: hr\ntitle: T\nquestions: [en, två]\n---\nText\n"
    with pytest.raises(PhrasingError, match="en lista med ett -"):
        with_phrasing(flow, "tre")


def test_an_unknown_article_leaves_every_file_alone(articles: Path) -> None:
    with pytest.raises(PhrasingError, match="finns inte"):
        add_phrasing(articles, "finns-inte", "en fråga")
    assert not list(articles.rglob(".phrasing-*"))
