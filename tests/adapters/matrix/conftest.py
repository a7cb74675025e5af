"""Fixtures: one real Synapse per session; per test a fresh database, fresh users,
an HR area room with two staff members, and the bot."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from nio import AsyncClient, RoomCreateResponse, RoomMessageText, SyncResponse

from adapters.matrix.bot import MatrixBot
from adapters.sql.store import SqlStore
from bot.settings import Settings
from knowledge.base import KnowledgeBase
from knowledge.matcher import Thresholds
from tests.adapters.matrix.homeserver import Homeserver
from tests.conftest import sqlite_store


class Person:
    """A real Matrix user: a nio client that syncs and collects what it sees."""

    def __init__(self, hs: Homeserver, user_id: str, token: str) -> None:
        self.user_id = user_id
        self.client = AsyncClient(hs.url, user_id)
        self.client.access_token = token
        self.client.user_id = user_id
        self.client.device_id = "TEST"
        self.events: list[dict[str, Any]] = []  # raw message events seen, all rooms
        self.reactions: list[dict[str, Any]] = []  # raw m.reaction events seen, all rooms
        self.since: str | None = None
        self.join_invites = True  # off for someone who stays only invited

    async def sync(self, timeout: int = 0) -> None:
        resp = await self.client.sync(timeout=timeout, since=self.since)
        assert isinstance(resp, SyncResponse), resp
        self.since = resp.next_batch
        for room_id, info in resp.rooms.join.items():
            for ev in info.timeline.events:
                if isinstance(ev, RoomMessageText) or ev.source.get("type") == "m.room.message":
                    self.events.append({"room": room_id, **ev.source})
                elif ev.source.get("type") == "m.reaction":
                    self.reactions.append({"room": room_id, **ev.source})
        for room_id in resp.rooms.invite:
            if self.join_invites:
                await self.client.join(room_id)

    async def wait_for(
        self, room: str, contains: str, timeout: float = 20, sender: str | None = None
    ) -> dict[str, Any]:
        """The first new message in ``room`` whose body contains ``contains``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for ev in self.events:
                body = ev.get("content", {}).get("body", "")
                if (
                    ev["room"] == room
                    and contains in body
                    and not ev.get("_seen")
                    and (sender is None or ev.get("sender") == sender)
                ):
                    ev["_seen"] = True
                    return ev
            if loop.time() > deadline:
                bodies = [
                    e.get("content", {}).get("body", "")[:80]
                    for e in self.events
                    if e["room"] == room
                ]
                raise AssertionError(f"no message with {contains!r} in {room}; saw {bodies}")
            await self.sync(timeout=500)

    async def reactions_on(self, event_id: str, count: int, timeout: float = 20) -> list[str]:
        """The keys of the first ``count`` reactions on ``event_id``, in order."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            keys = [
                r["content"]["m.relates_to"]["key"]
                for r in self.reactions
                if r["content"].get("m.relates_to", {}).get("event_id") == event_id
            ]
            if len(keys) >= count or loop.time() > deadline:
                return keys
            await self.sync(timeout=500)

    def bodies(self, room: str) -> list[str]:
        return [e.get("content", {}).get("body", "") for e in self.events if e["room"] == room]

    async def say(self, room: str, text: str) -> str:
        resp = await self.client.room_send(
            room, "m.room.message", {"msgtype": "m.text", "body": text}
        )
        return str(resp.event_id)

    async def route(self, room: str, question: str) -> None:
        """Ask what the bot cannot answer, and say yes when it offers to send it on."""
        await self.say(room, question)
        await self.wait_for(room, "skickar frågan")
        await self.say(room, "ja")

    async def ticket(self, room: str, question: str) -> int:
        """``route`` the question; the number of the ticket the asker is told it became."""
        await self.route(room, question)
        routed = await self.wait_for(room, "som ärende")
        found = re.search(r"som ärende (\d+)", routed["content"]["body"])
        assert found, routed["content"]["body"]
        return int(found.group(1))

    async def react(self, room: str, event_id: str, key: str) -> None:
        await self.client.room_send(
            room,
            "m.reaction",
            {"m.relates_to": {"rel_type": "m.annotation", "event_id": event_id, "key": key}},
        )


@dataclass
class World:
    hs: Homeserver
    kb: KnowledgeBase
    db: Path
    bot_id: str
    bot_token: str
    manager: Person
    staff: list[Person]
    hr_room: str
    leadership_room: str
    dm: str = ""
    bots: list[MatrixBot] = field(default_factory=list)
    store: SqlStore | None = None
    others: list[Person] = field(default_factory=list)  # ``newcomer``s

    def settings(self, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "matrix_homeserver": self.hs.url,
            "matrix_user_id": self.bot_id,
            "matrix_access_token": self.bot_token,
            "matrix_allowed_servers": ["localhost"],
            "matrix_sync_timeout_ms": 300,
        }
        values.update(overrides)
        return Settings(**values)

    async def start_bot(self, thresholds: Thresholds = Thresholds(), **overrides: Any) -> MatrixBot:
        self.store = self.store or sqlite_store(self.db)
        bot = MatrixBot(
            self.settings(**overrides),
            self.kb,
            self.store,
            thresholds=thresholds,
            escalate_every=3600,
        )
        await bot.start()
        self.bots.append(bot)
        return bot

    async def newcomer(self, name: str) -> Person:
        """One more user of the homeserver, not in the organisation file."""
        person = Person(self.hs, *self.hs.register(f"{name}{uuid.uuid4().hex[:6]}"))
        await person.sync()
        self.others.append(person)
        return person

    async def stop_bots(self) -> None:
        for bot in self.bots:
            await bot.stop()
        self.bots.clear()


async def make_world(hs: Homeserver, example_kb: KnowledgeBase, tmp_path: Path) -> World:
    tag = uuid.uuid4().hex[:6]
    bot_id, bot_token = hs.register(f"stodbot{tag}")
    manager = Person(hs, *hs.register(f"anna{tag}"))
    staff = [Person(hs, *hs.register(f"hr{k}{tag}")) for k in (1, 2)]
    created = await staff[0].client.room_create(
        name="HR-ärenden", invite=[staff[1].user_id, bot_id]
    )
    assert isinstance(created, RoomCreateResponse), created
    await staff[1].client.join(created.room_id)
    leaders = await staff[0].client.room_create(name="Ledningen", invite=[bot_id])
    assert isinstance(leaders, RoomCreateResponse), leaders
    org = example_kb.organisation
    areas = tuple(
        replace(a, room=created.room_id, staff=(), lead_user=staff[0].user_id)
        if a.id == "hr"
        else replace(a, staff=())
        for a in org.areas
    )
    org = replace(
        org, areas=areas, people=((manager.user_id, "bou"),), leadership_room=leaders.room_id
    )
    kb = replace(example_kb, organisation=org)
    world = World(
        hs,
        kb,
        tmp_path / "matrix.db",
        bot_id,
        bot_token,
        manager,
        staff,
        created.room_id,
        leaders.room_id,
    )
    for p in (manager, *staff):
        await p.sync()
    return world


@asynccontextmanager
async def world_of(hs: Homeserver, kb: KnowledgeBase, tmp_path: Path) -> AsyncIterator[World]:
    """A world on ``kb`` (a copy of the example base, for a test that writes its
    files), its bots stopped and clients closed afterwards."""
    w = await make_world(hs, kb, tmp_path)
    try:
        yield w
    finally:
        await w.stop_bots()
        for p in (w.manager, *w.staff, *w.others):
            await p.client.close()


@pytest.fixture
async def world(
    homeserver: Homeserver, example_kb: KnowledgeBase, tmp_path: Path
) -> AsyncIterator[World]:
    async with world_of(homeserver, example_kb, tmp_path) as w:
        yield w


async def bot_joined(bot: MatrixBot, room: str) -> None:
    """Wait until ``bot`` is in ``room``: its own sync loop accepts the invite."""
    for _ in range(100):
        if room in bot.client.rooms:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"the bot has not joined {room}")


async def open_dm(world: World, person: Person | None = None) -> str:
    """``person`` (the manager unless named) opens a direct chat with the bot, which
    joins on invite."""
    person = person or world.manager
    created = await person.client.room_create(is_direct=True, invite=[world.bot_id])
    assert isinstance(created, RoomCreateResponse), created
    if person is world.manager:
        world.dm = created.room_id
    await bot_joined(world.bots[-1], created.room_id)
    return created.room_id
