"""Case 7: a message refused as too long says "inget har sparats", and that is true.

After the refusal, no text column of any table holds any part of the long message,
on SQLite and PostgreSQL, in Teams (real SDK, fake cloud) and Matrix (real Synapse)."""

from __future__ import annotations

import uuid

import pytest

from tests.adapters.matrix.conftest import World, open_dm
from tests.adapters.teams.conftest import Teams
from tests.hostile.channels import Db, settle

REFUSED = "inget av det långa meddelandet har sparats"


def long_message(length: int) -> tuple[str, str]:
    """A message of ``length`` characters and a distinctive piece of it."""
    mark = f"Hemligt{uuid.uuid4().hex[:10]}"
    text = (f"{mark} personnummer 19800101-1234 ").ljust(length, "x")
    return text, mark


@pytest.mark.parametrize("length", [4001, 100_000])
async def test_teams_refused_long_message_is_not_stored(teams: Teams, db: Db, length: int) -> None:
    text, mark = long_message(length)
    assert (await teams.say(text)).status == 200
    refusal = await teams.wait_sent("a:dm-anna", REFUSED, timeout=20)
    assert f"{length} tecken" in refusal["text"]
    assert await settle(teams, "a:dm-anna", REFUSED) == 1
    assert db.columns_containing(mark) == []
    assert db.columns_containing("19800101-1234") == []
    assert (await teams.say("Hur bokar jag en poolbil?")).status == 200
    await teams.wait_sent("a:dm-anna", "Boka en gemensam bil", timeout=20)


@pytest.mark.asyncio(loop_scope="function")
@pytest.mark.parametrize("length", [4001, 60_000])  # Synapse refuses events over 64 KiB
async def test_matrix_refused_long_message_is_not_stored(world: World, db: Db, length: int) -> None:
    await world.start_bot()
    dm = await open_dm(world)
    text, mark = long_message(length)
    await world.manager.say(dm, text)
    refusal = await world.manager.wait_for(dm, REFUSED, timeout=30)
    assert f"{length} tecken" in refusal["content"]["body"]
    assert db.columns_containing(mark) == []
    assert db.columns_containing("19800101-1234") == []
    await world.manager.say(dm, "Hur bokar jag en poolbil?")
    await world.manager.wait_for(dm, "Boka en gemensam bil", timeout=30)
