"""Two ``stodbot serve`` processes on one database, Teams through the fake Microsoft
cloud: messages go to both (as a load balancer would spread them), one instance is
killed with SIGKILL halfway, and every reply and ticket card is counted.

Used by tests/hostile/test_two_instances.py and bench/two_instances.py."""

from __future__ import annotations

import asyncio
import collections
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import yaml

from adapters.sql.engine import make_engine
from bot.settings import EXAMPLE_DIR
from tests.adapters.teams.fake_cloud import FakeCloud
from tests.hostile.instances import Instance, kill_while_holding

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
            """Message ``k`` at its time (``rate`` a second), to one instance or the other.
            A question the bot offers to send on is followed by "ja" once the offer is in."""
            nonlocal acked
            await asyncio.sleep(k / rate)
            first, other = (a, b) if k % 2 == 0 else (b, a)
            await _post(http, cloud, [first, other], acts[k])
            acked += 1
            if k in routed:
                conv = f"a:dm-{k}"
                give_up = time.monotonic() + 60
                while not cloud.sent(conv) and time.monotonic() < give_up:
                    await asyncio.sleep(0.05)
                yes = cloud.activity("ja", user=users[k], conversation=conv)
                await _post(http, cloud, [other, first], yes)

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
            if all(replies[c] >= (2 if k in routed else 1) for k, c in enumerate(convs)) and len(
                cards
            ) >= len(routed):
                break
            await asyncio.sleep(0.2)
        await asyncio.sleep(5)  # late doubles would arrive now
        replies, cards = counts()
        if len(cloud.sent()) != seen:
            last = time.monotonic() - 5
        expected = {c: 2 if k in routed else 1 for k, c in enumerate(convs)}  # offer, ticket
        return Figures(
            messages=messages,
            kills=1,
            replies_doubled=sum(max(0, replies[c] - expected[c]) for c in convs),
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
