"""With the homeserver's message rate limit on, every queued message still arrives:
the bot waits as long as the server says (retry_after_ms) and goes on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from knowledge.base import KnowledgeBase
from routing.ports import Outgoing
from tests.adapters.matrix.conftest import make_world, open_dm
from tests.adapters.matrix.homeserver import SKIP_REASON, Homeserver

pytestmark = pytest.mark.asyncio(loop_scope="function")


@pytest.fixture(scope="module")
def strict_homeserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Homeserver]:
    if SKIP_REASON:
        pytest.skip(SKIP_REASON)
    hs = Homeserver(tmp_path_factory.mktemp("synapse-strict"), rate_limited=True)
    hs.start()
    yield hs
    hs.stop()


async def test_429_is_waited_out_and_nothing_is_dropped(
    strict_homeserver: Homeserver, example_kb: KnowledgeBase, tmp_path: Path
) -> None:
    world = await make_world(strict_homeserver, example_kb, tmp_path)
    try:
        bot = await world.start_bot()
        dm = await open_dm(world)
        assert world.store is not None
        with world.store.transaction() as tx:
            for n in range(6):
                tx.outbox.add(
                    Outgoing("matrix", dm, "notice", {"text": f"Meddelande {n}"}), datetime.now(UTC)
                )
        await bot.flush_outbox()
        for n in range(6):
            await world.manager.wait_for(dm, f"Meddelande {n}", timeout=30)
        with world.store.transaction() as tx:
            assert tx.outbox.pending("matrix") == []
        assert bot.rate_limited > 0  # the server did say 429, and the bot waited it out
    finally:
        await world.stop_bots()
        for p in (world.manager, *world.staff):
            await p.client.close()
