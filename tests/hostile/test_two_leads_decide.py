"""Two area leads decide the same suggestion at once (issue 13), on two instances: one
skips while the other accepts. Whoever is second is told it was decided, and the file
says what the database says: a skipped wording is never written into the article."""

from __future__ import annotations

import shutil
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.sql.store import SqlStore
from bot.learning import NotPending, decide, decide_in
from bot.settings import EXAMPLE_DIR
from knowledge.phrasings import find_article_file

AT = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
WORDING = "vem betalar lönen när medarbetaren är sjuk"


def test_an_accept_racing_a_skip_writes_nothing(
    two: tuple[SqlStore, SqlStore], tmp_path: Path
) -> None:
    a, b = two
    articles = tmp_path / "articles"
    shutil.copytree(EXAMPLE_DIR / "articles", articles)
    path = find_article_file(articles, "hr-sjuklon")
    before = path.read_bytes()
    with a.transaction() as tx:
        number = tx.suggestions.add("hr-sjuklon", "hr", WORDING, "ticket", AT)
    assert number is not None
    outcome: list[object] = []

    def accept() -> None:
        try:
            outcome.append(decide_in(b, articles, number, True, "@lead.b", AT))
        except Exception as exc:  # the outcome is the assertion
            outcome.append(exc)

    with a.transaction() as tx:  # lead A skips; before A commits, lead B accepts
        decide(tx, lambda _: path, number, False, "@lead.a", AT)
        racer = threading.Thread(target=accept)
        racer.start()
        time.sleep(1.0)
    racer.join(timeout=30)
    assert len(outcome) == 1
    if not isinstance(outcome[0], NotPending):
        pytest.fail(f"the second decision was not refused: {outcome[0]!r}")
    with a.transaction() as tx:
        assert tx.suggestions.get(number).status == "skipped"  # type: ignore[union-attr]
    assert path.read_bytes() == before, "a skipped wording was written into the article"
