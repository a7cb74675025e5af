"""Two ``stodbot serve`` processes on one database, Teams through the fake Microsoft
cloud: messages go to both (as a load balancer would spread them), one instance is
killed with SIGKILL halfway, and every reply and ticket card is counted.

Used by tests/hostile/test_two_instances.py and bench/two_instances.py."""

from __future__ import annotations

import asyncio
import collections
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import yaml
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from adapters.sql.engine import make_engine
from bot.settings import EXAMPLE_DIR
from tests.adapters.teams.fake_cloud import FakeCloud
from tests.hostile.procs import free_port, wait_http

ROOT = Path(__file__).resolve().parents[2]
APP_ID = "app-stodbot"
HR_CHANNEL = "19:hr-arenden@thread.tacv2"
ANSWERED = "Hur bokar jag en poolbil?"  # answered from the base: one reply
ROUTED = "Vilka regler gäller för cykelförmån via bruttolöneavdrag?"  # a reply and an HR card


@dataclass
class Figures:
    messages: int
    kills: int
    replies_doubled: int
    replies_lost: int
    cards_expected: int
    cards_doubled: int
    cards_lost: int
    held_at_kill: int  # outbox rows the killed instance had claimed and not sent
    delivered_after_kill_s: float  # from the kill until the last reply or card arrived
    seconds: float

    def line(self) -> str:
        return (
            f"messages={self.messages} kills={self.kills} "
            f"replies doubled={self.replies_doubled} lost={self.replies_lost} "
            f"cards={self.cards_expected} doubled={self.cards_doubled} lost={self.cards_lost} "
            f"rows held by the killed one={self.held_at_kill}, "
            f"last delivery {self.delivered_after_kill_s:.1f} s after the kill "
            f"(run {self.seconds:.0f} s)"
        )


def organisation(path: Path, users: list[str]) -> Path:
    org = yaml.safe_load((EXAMPLE_DIR / "organisation.yaml").read_text(encoding="utf-8"))
    org["people"] = {u: "bou" for u in users}
    for area in org["areas"]:
        if area["id"] == "hr":
            area["channel"] = HR_CHANNEL
    path.write_text(yaml.safe_dump(org, allow_unicode=True), encoding="utf-8")
    return path


class Instance:
    """One ``stodbot serve`` process (by default pointed at the fake Microsoft cloud)."""

    def __init__(
        self,
        name: str,
        env: dict[str, str],
        logs: Path,
        command: tuple[str, ...] = ("tests.hostile.serve_fake_cloud",),
    ) -> None:
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/api/messages"
        self.log = logs / f"serve-{name}.log"
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", *command],
                env={**env, "STODBOT_WEB_PORT": str(self.port)},
                cwd=logs,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def wait_up(self) -> None:
        try:
            wait_http(self.url.replace("/api/messages", "/"), timeout=120)
        except AssertionError:
            tail = self.log.read_text(errors="replace")[-1500:]
            raise AssertionError(f"instance {self.name} did not start:\n{tail}") from None

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


async def _post(
    http: aiohttp.ClientSession, cloud: FakeCloud, targets: list[Instance], act: dict[str, Any]
) -> None:
    """Deliver one activity; a dead instance's connection error sends it to the next
    (Teams retries an activity that got no 200)."""
    token = cloud.token(APP_ID, act["serviceUrl"])
    for target in targets:
        try:
            async with http.post(
                target.url, json=act, headers={"Authorization": f"Bearer {token}"}
            ) as resp:
                await resp.read()
                if resp.status == 200:
                    return
        except aiohttp.ClientError:
            continue
    raise AssertionError(f"no instance took activity {act['id']}")


def _held_by(engine: Engine, pid: int) -> dict[str, tuple[int, int]] | None:
    """Per conversation where process ``pid`` leases unsent outbox rows: (its leased
    rows, all rows marked sent there). None where the schema has no leases (code from
    before them)."""
    query = text(
        "SELECT conversation_id,"
        " sum(CASE WHEN sent_at IS NULL AND lease_owner LIKE :p THEN 1 ELSE 0 END),"
        " sum(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END)"
        " FROM outbox GROUP BY conversation_id"
    )
    try:
        with engine.connect() as conn:
            rows = conn.execute(query, {"p": f"%:{pid}:%"}).all()
    except DBAPIError:
        return None
    return {str(c): (int(held), int(sent)) for c, held, sent in rows if held}


async def kill_while_holding(
    inst: Instance, engine: Engine, cloud: FakeCloud, timeout: float = 20
) -> int:
    """SIGKILL ``inst`` while it holds outbox rows it has not sent, so that the other
    instance must take them over; return how many it held (-1: the schema has none).

    The instance is frozen (SIGSTOP) to look: if the cloud has already received more in
    a conversation than is marked sent there, it is in the millisecond between a send
    and its mark, which no lease can cover (a kill there sends that message twice, see
    README); then it is let go on and caught a moment later."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        held = await asyncio.to_thread(_held_by, engine, inst.proc.pid)
        if held is None:
            break
        if not held:
            continue
        os.kill(inst.proc.pid, signal.SIGSTOP)
        await asyncio.sleep(0.05)  # what it had on the wire reaches the cloud
        held = await asyncio.to_thread(_held_by, engine, inst.proc.pid) or {}
        if held and all(len(cloud.sent(c)) <= sent for c, (_, sent) in held.items()):
            inst.kill()
            return sum(n for n, _ in held.values())
        os.kill(inst.proc.pid, signal.SIGCONT)
        await asyncio.sleep(0.003)
    inst.kill()
    return -1


def _ticket_of(activity: dict[str, Any]) -> int | None:
    found = re.search(r"'ticket': (\d+)", str(activity.get("attachments")))
    return int(found.group(1)) if found else None


async def run(
    database_url: str,
    workdir: Path,
    messages: int = 100,
    routed_every: int = 5,
    rate: float = 20.0,
) -> Figures:
    cloud = FakeCloud()
    cloud.start()
    users = [f"aad-user{k}" for k in range(messages)]
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "FAKE_CLOUD_JWKS": cloud.jwks_uri,
        "STODBOT_DATABASE_URL": database_url,
        "STODBOT_ORGANISATION_FILE": str(organisation(workdir / "org.yaml", users)),
        "STODBOT_TEAMS_ENABLED": "true",
        "STODBOT_TEAMS_APP_ID": APP_ID,
        "STODBOT_TEAMS_APP_PASSWORD": "secret",
        "STODBOT_TEAMS_TOKEN_URL": f"{cloud.url}/token",
        "STODBOT_TEAMS_SERVICE_URL": cloud.url + "/",
    }
    started = time.monotonic()
    a, b = Instance("a", env, workdir), Instance("b", env, workdir)  # start together
    try:
        for inst in (a, b):
            inst.wait_up()
        routed = {k for k in range(messages) if k % routed_every == 0}
        acts = [
            cloud.activity(
                ROUTED if k in routed else ANSWERED, user=users[k], conversation=f"a:dm-{k}"
            )
            for k in range(messages)
        ]
        half = messages // 2
        acked = 0

        async def post(http: aiohttp.ClientSession, k: int) -> None:
            """Message ``k`` at its time (``rate`` a second), to one instance or the other."""
            nonlocal acked
            await asyncio.sleep(k / rate)
            first, other = (a, b) if k % 2 == 0 else (b, a)
            await _post(http, cloud, [first, other], acts[k])
            acked += 1

        async def kill_halfway() -> tuple[float, int]:
            while acked < half:
                await asyncio.sleep(0.002)
            held = await kill_while_holding(a, engine, cloud)
            return time.monotonic(), held

        engine = make_engine(database_url)
        try:
            async with aiohttp.ClientSession() as http:
                killer = asyncio.create_task(kill_halfway())
                await asyncio.gather(*(post(http, k) for k in range(messages)))
                killed, held = await killer
        finally:
            engine.dispose()
        convs = [f"a:dm-{k}" for k in range(messages)]
        deadline = time.monotonic() + 120

        def counts() -> tuple[collections.Counter[str], collections.Counter[int]]:
            sent = cloud.sent()
            replies = collections.Counter(s["conversation"] for s in sent)
            cards = collections.Counter(
                t for s in sent if s["conversation"] == HR_CHANNEL and (t := _ticket_of(s))
            )
            return replies, cards

        last = killed
        seen = 0
        while time.monotonic() < deadline:
            replies, cards = counts()
            total = len(cloud.sent())
            if total != seen:
                seen, last = total, time.monotonic()
            if all(replies[c] for c in convs) and len(cards) >= len(routed):
                break
            await asyncio.sleep(0.2)
        await asyncio.sleep(5)  # late doubles would arrive now
        replies, cards = counts()
        if len(cloud.sent()) != seen:
            last = time.monotonic() - 5
        return Figures(
            messages=messages,
            kills=1,
            replies_doubled=sum(max(0, replies[c] - 1) for c in convs),
            replies_lost=sum(1 for c in convs if not replies[c]),
            cards_expected=len(routed),
            cards_doubled=sum(n - 1 for n in cards.values()),
            cards_lost=max(0, len(routed) - len(cards)),
            held_at_kill=held,
            delivered_after_kill_s=last - killed,
            seconds=time.monotonic() - started,
        )
    finally:
        a.stop()
        b.stop()
        cloud.stop()
