"""STODBOT_TEAMS_WORKER=process: the web process only stores and acknowledges; a worker
process of its own (the real ``stodbot serve`` one) answers through the Bot Connector."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from adapters.cli.serve import WorkerProcess
from adapters.compose import conversation_service, knowledge_base, store
from adapters.teams.adapter import TeamsAdapter
from tests.adapters.teams.conftest import Teams, cloud_settings
from tests.adapters.teams.fake_cloud import FakeCloud


async def test_a_worker_process_answers_what_the_web_process_stored(
    cloud: FakeCloud, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = cloud_settings(
        cloud,
        monkeypatch,
        database_url=f"sqlite:///{tmp_path / 'teams.db'}",
        teams_worker="process",
    )
    service = conversation_service(settings, knowledge_base(settings), store(settings))
    front = TeamsAdapter(settings, service, jwks_uri=cloud.jwks_uri, worker=False)
    app = web.Application()
    front.add_routes(app)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    await front.start()
    worker = WorkerProcess(settings)
    try:
        async with aiohttp.ClientSession() as http:
            teams = Teams(cloud, front, str(server.make_url("")).rstrip("/"), http)
            resp = await teams.say("Hur bokar jag en poolbil?", conversation="a:dm-worker")
            assert resp.status == 200
            # A first-time user is answered, then asked once for their unit: both from
            # the worker, each sent once.
            await teams.wait_sent("a:dm-worker", "poolbil", timeout=60)
            await teams.wait_sent("a:dm-worker", "förvaltning", timeout=30)
            await asyncio.sleep(0.5)
            assert not cloud.sent("a:dm-worker")[2:]
            resp = await teams.say("enhet 3", conversation="a:dm-worker")
            assert resp.status == 200
            await teams.wait_sent("a:dm-worker", "Socialförvaltningen", timeout=30)
    finally:
        await worker.stop()
        await front.stop()
        await server.close()
    assert not worker._process.is_alive()
