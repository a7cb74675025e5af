"""Question -> answer round trip through a real Synapse, with concurrent askers.

    python bench/matrix_roundtrip.py                 # 20 askers x 10 questions
    python bench/matrix_roundtrip.py --askers 5 --questions 4

Starts Synapse on 127.0.0.1 (the test harness), runs the bot in this process on
SQLite, and has each asker (a real nio client) open a direct chat, then ask its
questions one after another. The time is from the asker's send until its own
long-poll sync delivers the bot's answer. Target (issue 4): p99 < 300 ms.

Beside it runs a bare echo bot (nio, the same Synapse): it joins on invite and sends
every text back. The two are asked in turn, ``--rounds`` times, each time by new
askers, and the medians over the rounds are compared (one round's p99 is a handful
of answers and varies by a third from run to run). Synapse sets the pace on this
machine, so Stödbot's p99 over the echo bot's is the figure that counts. Target
(issue 11): at most 1.3 with 20 askers.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from _setup import example_kb, p99
from nio import AsyncClient, RoomCreateResponse, RoomMessageText, SyncResponse

from adapters.matrix.bot import MatrixBot
from bot.settings import Settings
from tests.adapters.matrix.homeserver import Homeserver
from tests.conftest import sqlite_store

QUESTIONS = [
    "Hur bokar jag en poolbil?",
    "Var hittar jag min lönespecifikation?",
    "jag har glömt mitt lösenord",
    "hur anmäler jag en arbetsskada",
    "Hur diarieför jag ett inkommet brev?",
    "Vem attesterar fakturor?",
    "Var finns hjärtstartare?",
    "Hur beställer jag en ny dator?",
    "Hur sjukanmäler jag en medarbetare?",
    "Hur startar jag en rekrytering?",
]


async def asker(
    hs: Homeserver, bot_id: str, user: tuple[str, str], n: int, times: list[float]
) -> None:
    client = AsyncClient(hs.url, user[0])
    client.access_token, client.user_id, client.device_id = user[1], user[0], "BENCH"
    created = await client.room_create(is_direct=True, invite=[bot_id])
    assert isinstance(created, RoomCreateResponse), created
    room = created.room_id
    since = (await client.sync(timeout=0)).next_batch  # type: ignore[union-attr]
    for _ in range(100):  # wait until the bot has joined
        resp = await client.sync(timeout=500, since=since)
        assert isinstance(resp, SyncResponse)
        since = resp.next_batch
        member = client.rooms[room].users.get(bot_id) if room in client.rooms else None
        if member is not None and not member.invited:  # joined, not only invited
            break
    for i in range(n):
        start = time.perf_counter()
        await client.room_send(
            room, "m.room.message", {"msgtype": "m.text", "body": QUESTIONS[i % len(QUESTIONS)]}
        )
        got = False
        while not got:
            resp = await client.sync(timeout=5000, since=since)
            assert isinstance(resp, SyncResponse)
            since = resp.next_batch
            info = resp.rooms.join.get(room)
            for ev in info.timeline.events if info else []:
                if isinstance(ev, RoomMessageText) and ev.sender == bot_id:
                    got = True
        times.append((time.perf_counter() - start) * 1000)
        # answer the feedback question so the next one starts clean
        await client.room_send(room, "m.room.message", {"msgtype": "m.text", "body": "ja"})
        while True:
            resp = await client.sync(timeout=5000, since=since)
            assert isinstance(resp, SyncResponse)
            since = resp.next_batch
            info = resp.rooms.join.get(room)
            if info and any(getattr(e, "sender", "") == bot_id for e in info.timeline.events):
                break
    await client.close()


async def echo_bot(hs: Homeserver, user: tuple[str, str], stop: asyncio.Event) -> None:
    """The peer: joins every invite and sends each text back, rooms in parallel."""
    client = AsyncClient(hs.url, user[0])
    client.access_token, client.user_id, client.device_id = user[1], user[0], "ECHO"
    first = await client.sync(timeout=0)
    since = first.next_batch  # type: ignore[union-attr]
    while not stop.is_set():
        resp = await client.sync(timeout=1000, since=since)
        if not isinstance(resp, SyncResponse):
            continue
        since = resp.next_batch
        await asyncio.gather(*(client.join(room) for room in resp.rooms.invite))
        sends = [
            client.room_send(room, "m.room.message", {"msgtype": "m.text", "body": ev.body})
            for room, info in resp.rooms.join.items()
            for ev in info.timeline.events
            if isinstance(ev, RoomMessageText) and ev.sender != user[0]
        ]
        await asyncio.gather(*sends)
    await client.close()


def figures(askers: int, times: list[float]) -> dict[str, float]:
    times.sort()
    return {
        "askers": askers,
        "answers": len(times),
        "p50_ms": round(statistics.median(times), 1),
        "p99_ms": round(p99(times), 1),
        "max_ms": round(times[-1], 1),
    }


async def main_async(
    askers: int, questions: int, rounds: int = 3
) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
    """``rounds`` times, alternating: the askers of Stödbot, then as many of the echo
    bot. Both bots run throughout, so each phase has the same background."""
    with tempfile.TemporaryDirectory() as tmp:
        hs = Homeserver(Path(tmp) / "hs")
        hs.start()
        try:
            bot_id, token = hs.register("stodbot")
            echo = hs.register("echobot")
            users = [[hs.register(f"chef{r}x{k}") for k in range(askers)] for r in range(rounds)]
            peers = [[hs.register(f"peer{r}x{k}") for k in range(askers)] for r in range(rounds)]
            kb = example_kb()
            org = replace(kb.organisation, people=tuple((u, "bou") for us in users for u, _ in us))
            kb = replace(kb, organisation=org)
            settings = Settings(
                matrix_homeserver=hs.url,
                matrix_user_id=bot_id,
                matrix_access_token=token,
                matrix_allowed_servers=["localhost"],
            )
            bot = MatrixBot(settings, kb, sqlite_store(Path(tmp) / "bench.db"), escalate_every=3600)
            await bot.start()
            stop = asyncio.Event()
            echoing = asyncio.create_task(echo_bot(hs, echo, stop))
            ours: list[dict[str, float]] = []
            theirs: list[dict[str, float]] = []
            for r in range(rounds):
                for who, people, out in ((bot_id, users[r], ours), (echo[0], peers[r], theirs)):
                    times: list[float] = []
                    await asyncio.gather(*(asker(hs, who, u, questions, times) for u in people))
                    out.append(figures(askers, times))
            stop.set()
            await echoing
            await bot.stop()
        finally:
            hs.stop()
    return ours, theirs


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--askers", type=int, default=20)
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    ours, theirs = asyncio.run(main_async(args.askers, args.questions, args.rounds))
    for r, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        for name, f in (("stödbot", a), ("echo bot", b)):
            print(
                f"round {r + 1} {name:9} askers={f['askers']} answers={f['answers']} "
                f"p50={f['p50_ms']} ms p99={f['p99_ms']} ms max={f['max_ms']} ms"
            )
    p99s = [statistics.median(f["p99_ms"] for f in side) for side in (ours, theirs)]
    p50s = [statistics.median(f["p50_ms"] for f in side) for side in (ours, theirs)]
    print(
        f"median over {args.rounds} rounds: stödbot p50 {p50s[0]:.0f} / p99 {p99s[0]:.0f} ms, "
        f"echo bot p50 {p50s[1]:.0f} / p99 {p99s[1]:.0f} ms"
    )
    print(
        f"p99 stödbot / echo bot = {p99s[0] / p99s[1]:.2f} (target ≤ 1.3); "
        f"p50 ratio {p50s[0] / p50s[1]:.2f}; stödbot p99 target < 300 ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
