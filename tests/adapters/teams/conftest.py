"""Fixtures: the fake Microsoft cloud, and the bot's /api/messages on 127.0.0.1."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from microsoft_agents.hosting.core.authorization.jwt import jwt_token_validator

from adapters.teams.adapter import TeamsAdapter
from bot.service import ConversationService
from bot.settings import Settings
from knowledge.base import KnowledgeBase
from knowledge.matcher import Thresholds
from tests.adapters.teams.fake_cloud import ISSUER, FakeCloud, card_text
from tests.conftest import sqlite_store

APP_ID = "app-stodbot"
MANAGER, HR1, HR2, IT = "aad-anna", "aad-hr1", "aad-hr2", "aad-it"
HR_CHANNEL = "19:hr-arenden@thread.tacv2"


@pytest.fixture
def cloud() -> Iterator[FakeCloud]:
    fake = FakeCloud()
    fake.start()
    yield fake
    fake.stop()


@dataclass
class Teams:
    cloud: FakeCloud
    adapter: TeamsAdapter
    url: str
    http: aiohttp.ClientSession

    async def post(
        self, activity: dict[str, Any], token: str | None = "valid"
    ) -> aiohttp.ClientResponse:
        headers = {}
        if token == "valid":
            headers["Authorization"] = "Bearer " + self.cloud.token(APP_ID, activity["serviceUrl"])
        elif token is not None:
            headers["Authorization"] = token
        resp = await self.http.post(f"{self.url}/api/messages", json=activity, headers=headers)
        await resp.read()
        return resp

    async def say(self, text: str, **kw: Any) -> aiohttp.ClientResponse:
        return await self.post(self.cloud.activity(text, **kw))

    async def route(self, question: str, **kw: Any) -> None:
        """Ask what the bot cannot answer, and say yes when it offers to send it on."""
        conversation = kw.get("conversation", "a:dm-anna")
        await self.say(question, **kw)
        # the first question of a process may load the matcher's model: on a busy
        # machine that took over 10 s once (CI, 2 December)
        await self.wait_sent(conversation, "skickar frågan", timeout=30)
        await self.say("ja", **{k: v for k, v in kw.items() if k != "activity_id"})

    async def ticket(self, question: str, **kw: Any) -> int:
        """``route`` the question; the number of the ticket the asker is told it became."""
        await self.route(question, **kw)
        routed = await self.wait_sent(kw.get("conversation", "a:dm-anna"), "som ärende")
        found = re.search(r"ärende <strong>(\d+)</strong>", routed["text"])
        assert found, routed["text"]
        return int(found.group(1))

    async def staff(self, text: str, user: str = HR2) -> None:
        """Staff write ``text`` to the bot in the HR channel (mentioning it, as there)."""
        await self.say(text, user=user, conversation=HR_CHANNEL, personal=False, mention_bot=True)

    async def press(
        self,
        user: str,
        conversation: str,
        data: dict[str, Any],
        verb: str = "say",
        reply_to: str | None = None,
    ) -> dict[str, Any]:
        """Press a button; ``reply_to``: the id of the message it is on, as Teams sends."""
        act = self.cloud.activity(
            "",
            user=user,
            conversation=conversation,
            personal=conversation.startswith("a:"),
            invoke={"verb": verb, "data": data},
        )
        if reply_to is not None:
            act["replyToId"] = reply_to
        resp = await self.post(act)
        assert resp.status == 200
        return dict(await resp.json())

    async def wait_sent(
        self, conversation: str, contains: str, timeout: float = 10
    ) -> dict[str, Any]:
        """The first activity sent to ``conversation`` containing ``contains``, not
        returned before."""
        return await _wait(lambda: self.cloud.sent(conversation), conversation, contains, timeout)

    async def wait_updated(
        self, conversation: str, contains: str, timeout: float = 10
    ) -> dict[str, Any]:
        """The first edit of an activity in ``conversation`` (a ticket card redrawn)
        containing ``contains``, not returned before."""

        def updates() -> list[dict[str, Any]]:
            return [u for u in self.cloud.updates if u["conversation"] == conversation]

        return await _wait(updates, conversation, contains, timeout)


async def _wait(
    seen: Callable[[], list[dict[str, Any]]], conversation: str, contains: str, timeout: float
) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        for act in seen():
            if contains in str(act) and not act.get("_seen"):
                act["_seen"] = True
                return act
        await asyncio.sleep(0.05)
    raise AssertionError(
        f"nothing with {contains!r} in {conversation}: {[_said(a) for a in seen()]}"
    )


def _said(act: dict[str, Any]) -> str:
    """What a person reads in an activity: its text, or its card's (for a failure)."""
    cards = [a.get("content") or {} for a in act.get("attachments") or []]
    return str(act.get("text") or " | ".join(card_text(c) for c in cards))[:200]


def teams_kb(example_kb: KnowledgeBase) -> KnowledgeBase:
    org = example_kb.organisation
    areas = tuple(
        replace(a, channel=HR_CHANNEL, staff=(HR1, HR2), lead_user=HR1)
        if a.id == "hr"
        else replace(a, staff=(IT,) if a.id == "it" else ())
        for a in org.areas
    )
    return replace(example_kb, organisation=replace(org, areas=areas, people=((MANAGER, "bou"),)))


def cloud_settings(cloud: FakeCloud, monkeypatch: pytest.MonkeyPatch, **more: Any) -> Settings:
    """Teams settings pointing at the fake cloud (and the SDK's key lookup at its JWKS)."""
    monkeypatch.setitem(jwt_token_validator.BOTFRAMEWORK_JWKS_URIS, ISSUER, cloud.jwks_uri)
    return Settings(
        teams_enabled=True,
        teams_app_id=APP_ID,
        teams_app_password="secret",
        teams_token_url=f"{cloud.url}/token",
        teams_service_url=cloud.url + "/",
        **more,
    )


@asynccontextmanager
async def running_teams(
    cloud: FakeCloud, service: ConversationService, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Teams]:
    """The Teams adapter of ``service`` on a local port, pointed at the fake cloud."""
    settings = cloud_settings(cloud, monkeypatch)
    adapter = TeamsAdapter(settings, service, jwks_uri=cloud.jwks_uri)
    app = web.Application()
    adapter.add_routes(app)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    await adapter.start()
    try:
        async with aiohttp.ClientSession() as http:
            yield Teams(cloud, adapter, str(server.make_url("")).rstrip("/"), http)
    finally:
        await adapter.stop()
        await server.close()


@pytest.fixture
async def teams(
    cloud: FakeCloud, example_kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Teams]:
    service = ConversationService(teams_kb(example_kb), sqlite_store(tmp_path / "teams.db"))
    async with running_teams(cloud, service, monkeypatch) as running:
        yield running


def leadership_channel(teams: Teams, channel: str) -> ConversationService:
    """The service behind ``teams``, its organisation given a leadership ``channel``
    (where the weekly summary is posted)."""
    service = teams.adapter.service
    org = replace(service.org, leadership_channel=channel)
    service.org, service.kb = org, replace(service.kb, organisation=org)
    return service


def clarify_always(teams: Teams) -> None:
    teams.adapter.service.thresholds = Thresholds(answer=1.01, clarify=0.3)
