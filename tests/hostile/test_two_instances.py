"""Case 8: two ``stodbot serve`` processes on one PostgreSQL schema share the work
without sending anything twice, and survive one of them being killed."""

from __future__ import annotations

import asyncio
import collections
import os
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
import yaml
from nio import RoomCreateResponse
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from adapters.sql.engine import make_engine
from bot.settings import EXAMPLE_DIR
from tests.adapters.matrix.conftest import Person
from tests.adapters.matrix.homeserver import Homeserver
from tests.conftest import PG_URL
from tests.hostile.instances import Instance
from tests.hostile.two_instances import ROOT, run

QUESTIONS = [
    "Hur bokar jag en poolbil?",
    "Var hittar jag min lönespecifikation?",
    "jag har glömt mitt lösenord",
    "Var finns hjärtstartare?",
]


async def test_two_instances_one_killed_halfway_nothing_doubled_nothing_lost(
    pg_schema: str, tmp_path: Path
) -> None:
    url = f"{PG_URL}?options=-csearch_path%3D{pg_schema}"
    figures = await run(url, tmp_path, messages=100)
    print(figures.line())
    assert (figures.replies_doubled, figures.replies_lost) == (0, 0), figures.line()
    assert (figures.cards_doubled, figures.cards_lost) == (0, 0), figures.line()


async def test_one_matrix_syncer_and_the_other_takes_over_when_it_is_killed(
    homeserver: Homeserver, pg_schema: str, tmp_path: Path
) -> None:
    url = f"{PG_URL}?options=-csearch_path%3D{pg_schema}"
    tag = uuid.uuid4().hex[:6]
    bot_id, token = homeserver.register(f"pair{tag}")
    manager = Person(homeserver, *homeserver.register(f"chef{tag}"))
    org = yaml.safe_load((EXAMPLE_DIR / "organisation.yaml").read_text(encoding="utf-8"))
    org["people"] = {manager.user_id: "bou"}
    (tmp_path / "org.yaml").write_text(yaml.safe_dump(org, allow_unicode=True), "utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "STODBOT_DATABASE_URL": url,
        "STODBOT_ORGANISATION_FILE": str(tmp_path / "org.yaml"),
        "STODBOT_MATRIX_HOMESERVER": homeserver.url,
        "STODBOT_MATRIX_USER_ID": bot_id,
        "STODBOT_MATRIX_ACCESS_TOKEN": token,
        "STODBOT_MATRIX_ALLOWED_SERVERS": '["localhost"]',
        "STODBOT_MATRIX_SYNC_TIMEOUT_MS": "1000",
        "STODBOT_DASHBOARD_SECRET": "x" * 40,
    }
    serve = ("adapters.cli.main", "serve")
    pair = [Instance(n, env, tmp_path, serve) for n in ("a", "b")]
    engine = make_engine(url)
    try:
        for inst in pair:  # both serve the dashboard (a signed link is needed: 403)
            inst.wait_up()
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(f"http://127.0.0.1:{inst.port}/dashboard", timeout=5)
            assert refused.value.code == 403
        holders = [i for i in pair if _holds_sync(engine, i.proc.pid)]
        assert len(holders) == 1, "exactly one instance syncs Matrix"
        holder, standby = holders[0], next(i for i in pair if i not in holders)
        created = await manager.client.room_create(is_direct=True, invite=[bot_id])
        assert isinstance(created, RoomCreateResponse)
        room = created.room_id
        asked: list[str] = []
        for k in range(10):
            asked.append(await manager.say(room, QUESTIONS[k % len(QUESTIONS)]))
        await _replies(manager, room, asked, timeout=60)
        # Not in the moment between the last send and its mark: a kill there holds that
        # room's later replies until the row's outbox lease runs out (README).
        await asyncio.sleep(1)
        holder.kill()
        killed = time.monotonic()
        for k in range(10, 20):
            asked.append(await manager.say(room, QUESTIONS[k % len(QUESTIONS)]))
        await _replies(manager, room, asked[10:11], timeout=60)
        takeover = time.monotonic() - killed
        got = await _replies(manager, room, asked, timeout=60)
        await asyncio.sleep(5)  # late doubles would arrive now
        await manager.sync()
        got = await _replies(manager, room, asked, timeout=1)
        assert _holds_sync(engine, standby.proc.pid)
    finally:
        for inst in pair:
            inst.stop()
        engine.dispose()
        await manager.client.close()
    doubled = sum(n - 1 for n in got.values())
    lost = sum(1 for e in asked if not got[e])
    print(f"matrix: messages=20 kills=1 doubled={doubled} lost={lost} takeover {takeover:.1f} s")
    assert (doubled, lost) == (0, 0)
    assert takeover < 30


def _holds_sync(engine: Engine, pid: int) -> bool:
    """Whether process ``pid`` holds the Matrix sync lease (False without leases)."""
    query = text("SELECT count(*) FROM leases WHERE name = 'matrix:sync' AND owner LIKE :p")
    try:
        with engine.connect() as conn:
            return bool(conn.execute(query, {"p": f"%:{pid}:%"}).scalar_one())
    except DBAPIError:
        return False


async def _replies(
    person: Person, room: str, asked: list[str], timeout: float
) -> collections.Counter[str]:
    """How many replies the bot sent to each of ``asked``, once each has one (or time's up)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        got: collections.Counter[str] = collections.Counter()
        for ev in person.events:
            relates = ev.get("content", {}).get("m.relates_to") or {}
            to = (relates.get("m.in_reply_to") or {}).get("event_id")
            if ev["room"] == room and ev.get("sender") != person.user_id and to:
                got[to] += 1
        if all(got[e] for e in asked) or asyncio.get_running_loop().time() > deadline:
            return got
        await person.sync(timeout=500)
