"""``stodbot kb suggest``: the area lead's list in the terminal, and accept / skip
(issue 13). A real database, a copy of the example base, the command as a user runs it."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.cli.main import main
from adapters.sql.store import SqlStore
from knowledge.loader import load_articles
from tests.conftest import sqlite_store

EXAMPLE = Path(__file__).resolve().parents[2] / "knowledge" / "example" / "articles"
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, SqlStore]:
    articles = tmp_path / "articles"
    shutil.copytree(EXAMPLE, articles)
    db = tmp_path / "s.db"
    monkeypatch.setenv("STODBOT_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("STODBOT_ARTICLES_DIR", str(articles))
    store = sqlite_store(db)
    with store.transaction() as tx:
        tx.suggestions.add("hr-sjuklon", "hr", "när får man sjuklön egentligen", "ticket", NOW)
        tx.suggestions.add("it-ny-dator", "it", "datorn är gammal, ny?", "clarify", NOW)
    return articles, store


def test_list_accept_and_skip(
    base: tuple[Path, SqlStore], capsys: pytest.CaptureFixture[str]
) -> None:
    articles, store = base
    assert main(["kb", "suggest", "--area", "hr"]) == 0
    out = capsys.readouterr().out
    assert "när får man sjuklön egentligen" in out and "ny?" not in out
    with store.transaction() as tx:
        hr, it = (s.id for s in tx.suggestions.pending())
    assert main(["kb", "suggest", "--accept", str(hr), "--skip", str(it)]) == 0
    out = capsys.readouterr().out
    assert f"{hr}: inskrivet i hr-sjuklon" in out and f"{it}: hoppas över" in out
    loaded = {a.id: a for a in load_articles(articles).articles}
    assert "när får man sjuklön egentligen" in loaded["hr-sjuklon"].questions
    assert "datorn är gammal, ny?" not in loaded["it-ny-dator"].questions
    with store.transaction() as tx:
        assert tx.suggestions.pending() == []
        # skipped: the same words are not suggested again
        assert (
            tx.suggestions.add("it-ny-dator", "it", "datorn är gammal, ny?", "clarify", NOW) is None
        )
        audit = [e.action for e in tx.audit.for_entity("suggestions", str(hr))]
    assert audit == ["suggestion_accepted"]
    assert main(["kb", "suggest", "--accept", str(hr)]) == 1  # decided already
    assert "inget förslag som väntar" in capsys.readouterr().out


def test_a_file_that_cannot_be_written_keeps_the_suggestion_waiting(
    base: tuple[Path, SqlStore], capsys: pytest.CaptureFixture[str]
) -> None:
    articles, store = base
    path = next(articles.rglob("sjuklon.md"))
    text = path.read_text(encoding="utf-8")
    start = text.index("questions:")
    end = text.index("keywords:")
    path.write_text(text[:start] + "questions: [en, två]\n" + text[end:], encoding="utf-8")
    with store.transaction() as tx:
        hr = next(s.id for s in tx.suggestions.pending() if s.area_id == "hr")
    assert main(["kb", "suggest", "--accept", str(hr)]) == 1
    assert "en lista med ett -" in capsys.readouterr().out
    with store.transaction() as tx:
        assert hr in [s.id for s in tx.suggestions.pending()]
