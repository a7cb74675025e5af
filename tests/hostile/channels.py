"""Fixtures for the hostile channel tests: a store on SQLite or PostgreSQL (with the URL
the ``stodbot`` command would use), Teams on the real SDK against the fake cloud and
Matrix against the real Synapse, both on that store. Test modules import them."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from nio import RoomCreateResponse
from sqlalchemy import String, Text, func, select

from adapters.sql import tables
from adapters.sql.store import SqlStore
from bot.service import ConversationService
from knowledge.base import KnowledgeBase
from tests.adapters.matrix.conftest import Person, World, make_world
from tests.adapters.matrix.homeserver import Homeserver
from tests.adapters.teams.conftest import Teams, running_teams, teams_kb
from tests.adapters.teams.fake_cloud import FakeCloud
from tests.conftest import PG_URL, pg_store, sqlite_store


@dataclass
class Db:
    store: SqlStore
    url: str  # what STODBOT_DATABASE_URL would be

    def inbox_add(self, channel: str, event_id: str, payload: dict[str, Any]) -> None:
        """What a bug elsewhere would leave in the inbox: a payload no adapter can read."""
        with self.store.transaction() as tx:
            tx.inbox.add(channel, event_id, payload, datetime.now(UTC))

    def columns_containing(self, needle: str) -> list[str]:
        """Every text column of every table, searched for ``needle``."""
        found = []
        with self.store.engine.connect() as conn:
            for table in tables.metadata.sorted_tables:
                for col in table.columns:
                    if isinstance(col.type, String | Text):
                        hits = conn.execute(
                            select(func.count()).select_from(table).where(col.contains(needle))
                        ).scalar_one()
                        if hits:
                            found.append(f"{table.name}.{col.name}")
        return found


TEAMS_PEOPLE = [f"user{n}" for n in range(10)] + ["odd0", "odd1", "poison"]


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Db]:
    if request.param == "sqlite":
        path = tmp_path / "hostile.db"
        yield Db(sqlite_store(path), f"sqlite:///{path}")
        return
    schema = request.getfixturevalue("pg_schema")
    store = pg_store(schema, pool_size=10, max_overflow=10)
    yield Db(store, f"{PG_URL}?options=-csearch_path%3D{schema}")
    store.engine.dispose()


@pytest.fixture
def cloud() -> Iterator[FakeCloud]:
    fake = FakeCloud()
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
async def teams(
    cloud: FakeCloud, example_kb: KnowledgeBase, db: Db, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Teams]:
    kb = teams_kb(example_kb)
    org = kb.organisation
    known = tuple((f"aad-{name}", "bou") for name in TEAMS_PEOPLE)
    kb = replace(kb, organisation=replace(org, people=org.people + known))
    async with running_teams(cloud, ConversationService(kb, db.store), monkeypatch) as running:
        running.adapter.idle_wait = 0.2
        yield running


async def settle(teams: Teams, conversation: str, contains: str, quiet: float = 1.0) -> int:
    """How many activities with ``contains`` reached ``conversation`` once nothing more
    arrives for ``quiet`` seconds (a second copy would show up within that)."""
    await asyncio.sleep(quiet)
    return sum(contains in str(a) for a in teams.cloud.sent(conversation))


@pytest.fixture
async def world(
    homeserver: Homeserver, example_kb: KnowledgeBase, tmp_path: Path, db: Db
) -> AsyncIterator[World]:
    w = await make_world(homeserver, example_kb, tmp_path)
    w.store = db.store
    people: list[Person] = []
    w.extra = people  # type: ignore[attr-defined]
    yield w
    await w.stop_bots()
    for p in (w.manager, *w.staff, *people):
        await p.client.close()


def matrix_people(world: World, count: int) -> list[Person]:
    """New Matrix users whose unit is known (before the bot starts)."""
    people = [
        Person(world.hs, *world.hs.register(f"user{n}{uuid.uuid4().hex[:6]}")) for n in range(count)
    ]
    world.extra.extend(people)  # type: ignore[attr-defined]
    org = world.kb.organisation
    known = tuple((p.user_id, "bou") for p in people)
    world.kb = replace(world.kb, organisation=replace(org, people=org.people + known))
    return people


async def open_dm_of(world: World, person: Person) -> str:
    """``person`` opens a direct chat with the running bot."""
    created = await person.client.room_create(is_direct=True, invite=[world.bot_id])
    assert isinstance(created, RoomCreateResponse), created
    bot = world.bots[-1]
    for _ in range(100):
        if created.room_id in bot.client.rooms:
            break
        await asyncio.sleep(0.1)
    assert created.room_id in bot.client.rooms
    await person.sync()
    return created.room_id
