"""An accepted phrasing goes into its article file as one more line (issue 13)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from knowledge.loader import ParsedArticle, parse_article
from knowledge.phrasings import (
    PhrasingError,
    add_phrasing,
    mark_reviewed,
    with_phrasing,
    with_reviewed,
    write_phrasing,
)

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


@pytest.mark.parametrize(
    "phrasing",
    ["hej\x80då vad gäller", "hej\ufffedå vad gäller", "semester\u2028ledighet", "null", "yes"],
)
def test_what_yaml_cannot_read_plain_or_raw_is_escaped(articles: Path, phrasing: str) -> None:
    path = add_phrasing(articles, "hr-annonsera-tjanst", phrasing)
    parsed = parse_article(path)
    assert isinstance(parsed, ParsedArticle) and parsed.article.questions[-1] == phrasing


def test_a_file_that_cannot_be_read_or_is_gone_is_a_phrasing_error(articles: Path) -> None:
    path = articles / "hr" / "annonsera-tjanst.md"
    broken = path.read_bytes() + b"\xe5\n"  # a Latin-1 "å" at the end: not UTF-8
    path.write_bytes(broken)
    with pytest.raises(PhrasingError):
        write_phrasing(path, "hr-annonsera-tjanst", "en ny fråga")
    assert path.read_bytes() == broken
    with pytest.raises(PhrasingError):
        write_phrasing(articles / "hr" / "flyttad.md", "hr-annonsera-tjanst", "en ny fråga")
    assert not list(articles.rglob(".phrasing-*"))


def test_a_file_that_now_holds_another_article_is_not_taken_for_done(articles: Path) -> None:
    other = articles / "hr" / "semester.md"  # the file a stale base thinks is this article
    parsed = parse_article(other)
    assert isinstance(parsed, ParsedArticle) and parsed.article.id != "hr-annonsera-tjanst"
    with pytest.raises(PhrasingError):
        write_phrasing(other, "hr-annonsera-tjanst", parsed.article.questions[0])


def test_a_crlf_file_keeps_its_line_ends_and_changes_by_one_line(articles: Path) -> None:
    path = articles / "hr" / "annonsera-tjanst.md"
    before = path.read_bytes().replace(b"\n", b"\r\n")  # as a Windows editor saves it
    path.write_bytes(before)
    add_phrasing(articles, "hr-annonsera-tjanst", "en ny fråga om annonser")
    after = path.read_bytes()
    assert after.count(b"\n") == after.count(b"\r\n") == before.count(b"\r\n") + 1
    assert after.replace(b"  - en ny fr\xc3\xa5ga om annonser\r\n", b"") == before


def test_a_comment_after_questions_is_no_flow_list() -> None:
    text = "---\nid: a\narea: hr\ntitle: T\nquestions: # vanliga frågor\n  - en\n---\nText\n"
    assert "  - en\n  - två\n---" in with_phrasing(text, "två")


def test_the_file_keeps_its_permissions(articles: Path) -> None:
    path = articles / "hr" / "annonsera-tjanst.md"
    path.chmod(0o664)  # the editors' group writes it, the other instance reads it
    add_phrasing(articles, "hr-annonsera-tjanst", "en ny fråga om annonser")
    assert path.stat().st_mode & 0o777 == 0o664  # not the temporary file's 0600


def test_a_new_reviewed_date_changes_that_line_only_and_keeps_its_comment(
    articles: Path,
) -> None:
    path = articles / "hr" / "annonsera-tjanst.md"
    before = path.read_bytes().replace(b"\n", b"\r\n")
    old = next(line for line in before.split(b"\r\n") if line.startswith(b"reviewed:"))
    comment = "   # kb lint varnar ett år senare".encode()
    before = before.replace(old, old + comment)
    path.write_bytes(before)
    mark_reviewed(path, "hr-annonsera-tjanst", date(2026, 12, 7))
    after = path.read_bytes()
    assert after == before.replace(old + comment, b"reviewed: 2026-12-07" + comment)
    parsed = parse_article(path)
    assert isinstance(parsed, ParsedArticle) and parsed.article.reviewed == date(2026, 12, 7)


def test_a_file_without_a_reviewed_date_gets_one_and_another_article_is_refused(
    articles: Path,
) -> None:
    text = "---\nid: a\narea: hr\ntitle: T\nquestions:\n  - en\n---\nText\n"
    assert with_reviewed(text, date(2026, 12, 7)).endswith(
        "  - en\nreviewed: 2026-12-07\n---\nText\n"
    )
    path = articles / "hr" / "annonsera-tjanst.md"
    before = path.read_bytes()
    with pytest.raises(PhrasingError, match="är nu artikeln hr-annonsera-tjanst"):
        mark_reviewed(path, "hr-sjuklon", date(2026, 12, 7))
    assert path.read_bytes() == before
