"""Case 8: two ``stodbot serve`` processes on one PostgreSQL schema share the work
without sending anything twice, and survive one of them being killed."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import PG_URL
from tests.hostile.two_instances import run


async def test_two_instances_one_killed_halfway_nothing_doubled_nothing_lost(
    pg_schema: str, tmp_path: Path
) -> None:
    url = f"{PG_URL}?options=-csearch_path%3D{pg_schema}"
    figures = await run(url, tmp_path, messages=100)
    print(figures.line())
    assert (figures.replies_doubled, figures.replies_lost) == (0, 0), figures.line()
    assert (figures.cards_doubled, figures.cards_lost) == (0, 0), figures.line()
