"""Teams: rate limits and server errors, modes, the weekly post, the app package."""

from __future__ import annotations

import asyncio
import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.reports.post import renderer
from adapters.teams.adapter import TeamsAdapter, TeamsStartupError
from adapters.teams.package import build
from bot.jobs import post_weekly
from bot.service import ConversationService
from bot.settings import Settings
from knowledge.base import KnowledgeBase
from routing.ports import Outgoing
from tests.adapters.teams.conftest import Teams, leadership_channel
from tests.conftest import sqlite_store


async def test_429_is_waited_out_and_a_5xx_is_resent_once(teams: Teams) -> None:
    store = teams.adapter.store
    with store.transaction() as tx:
        for n in range(3):
            tx.outbox.add(
                Outgoing("teams", "a:dm-x", "notice", {"text": f"Meddelande {n}"}),
                datetime.now(UTC),
            )
    teams.cloud.fail_next = [429, 503]
    await teams.adapter.flush_outbox()
    for n in range(3):
        await teams.wait_sent("a:dm-x", f"Meddelande {n}")
    assert teams.adapter.rate_limited == 1
    sent = [a["text"] for a in teams.cloud.sent("a:dm-x")]
    assert sent == [f"Meddelande {n}" for n in range(3)]  # one paragraph: no <p>
    with store.transaction() as tx:
        assert tx.outbox.pending("teams") == []


async def test_two_server_errors_keep_the_message_for_later(teams: Teams) -> None:
    with teams.adapter.store.transaction() as tx:
        tx.outbox.add(Outgoing("teams", "a:dm-y", "notice", {"text": "Viktigt"}), datetime.now(UTC))
    teams.cloud.fail_next = [500, 500]
    assert await teams.adapter.flush_outbox() == 0
    with teams.adapter.store.transaction() as tx:
        [left] = tx.outbox.pending("teams")
        assert left.attempts == 1
    await teams.adapter.flush_outbox()  # nothing lost: the next round (or the worker) sends it
    await teams.wait_sent("a:dm-y", "Viktigt")
    assert len(teams.cloud.sent("a:dm-y")) == 1


def test_without_app_id_only_in_development(example_kb: KnowledgeBase, tmp_path: Path) -> None:
    service = ConversationService(example_kb, sqlite_store(tmp_path / "m.db"))
    TeamsAdapter(Settings(teams_enabled=True), service)  # development: allowed, with a warning
    with pytest.raises(TeamsStartupError, match="produktion"):
        TeamsAdapter(Settings(teams_enabled=True, production=True), service)
    with pytest.raises(TeamsStartupError, match="APP_PASSWORD"):
        TeamsAdapter(Settings(teams_enabled=True, teams_app_id="x"), service)


async def test_weekly_summary_to_the_leadership_channel_once(teams: Teams) -> None:
    service = leadership_channel(teams, "19:ledning@thread.tacv2")
    render = renderer(service.org.municipality)
    assert post_weekly(service, "2026-W47", "https://stod.example", "k", render=render) == [
        "teams:19:ledning@thread.tacv2"
    ]
    assert post_weekly(service, "2026-W47", "https://stod.example", "k", render=render) == []
    await teams.adapter.flush_outbox()
    post = await teams.wait_sent("19:ledning@thread.tacv2", "Efterfrågan på stöd, vecka 47")
    assert "https://stod.example/dashboard?week=2026-W47" in post["text"]
    await asyncio.sleep(0.2)
    assert len(teams.cloud.sent("19:ledning@thread.tacv2")) == 1


def test_app_package() -> None:
    data = build("11111111-2222-3333-4444-555555555555", "Exempelkommun", "https://stod.example")
    z = zipfile.ZipFile(io.BytesIO(data))
    assert sorted(z.namelist()) == ["color.png", "manifest.json", "outline.png"]
    manifest = json.loads(z.read("manifest.json"))
    assert manifest["bots"][0]["botId"] == manifest["id"] == "11111111-2222-3333-4444-555555555555"
    assert manifest["validDomains"] == ["stod.example"]
    assert z.read("color.png")[:4] == b"\x89PNG" and z.read("outline.png")[:4] == b"\x89PNG"
