from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from aiohttp import web

from adapters.web.accessibility import add_accessibility, statement
from adapters.web.dashboard import add_dashboard
from adapters.web.yearly import add_yearly
from bot.service import ConversationService
from bot.settings import Settings
from knowledge.base import KnowledgeBase
from tests.conftest import sqlite_store
from tests.seed import seed

WEEK = "2026-W47"
SECRET = "test-dashboard-secret"


@pytest.fixture(scope="module")
def seeded_service(
    example_kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory
) -> ConversationService:
    store = sqlite_store(tmp_path_factory.mktemp("dash") / "dash.db")
    assert seed(store, example_kb, WEEK) > 300
    return ConversationService(example_kb, store)


def make_app(service: ConversationService) -> web.Application:
    app = web.Application()
    add_dashboard(app, service, SECRET)
    add_yearly(app)
    add_accessibility(app, statement(Settings(_env_file=None), service.org.municipality))
    return app


@pytest.fixture(scope="module")
def live_dashboard(seeded_service: ConversationService) -> Iterator[str]:
    """The dashboard on 127.0.0.1 in its own thread and loop, for a real browser."""
    yield from serve_in_thread(seeded_service)


@pytest.fixture(scope="module")
def two_years(
    example_kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory
) -> ConversationService:
    """Two years of made-up demand up to week 47 of 2026 (the demo data of docs/)."""
    store = sqlite_store(tmp_path_factory.mktemp("year") / "year.db")
    assert seed(store, example_kb, WEEK, weeks=100) > 7000
    return ConversationService(example_kb, store)


@pytest.fixture(scope="module")
def live_yearly(two_years: ConversationService) -> Iterator[str]:
    yield from serve_in_thread(two_years)


def serve_in_thread(service: ConversationService) -> Iterator[str]:
    import asyncio

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(make_app(service))
    ready = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(10)
    yield f"http://127.0.0.1:{port}"
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
