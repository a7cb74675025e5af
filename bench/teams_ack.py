"""Teams: how fast /api/messages acknowledges, at rising request rates.

    python bench/teams_ack.py                  # 50, 100, 200, 300 requests/s, 5 s each
    python bench/teams_ack.py --rates 200 --seconds 10
    python bench/teams_ack.py --worker process # answers in a worker process of its own

The bot (Agents SDK token validation, inbox write, 200) and a local fake of
Microsoft's cloud run on 127.0.0.1; every request carries a valid signed token
and a new activity, and the worker answers them meanwhile: in the web process
(``--worker inline``, the default) or in a process of its own (``--worker
process``, as ``STODBOT_TEAMS_WORKER=process`` runs it). The
load is open-loop (requests start on schedule, not when the last one ended).
Target (issue 5): p99 acknowledgement under 100 ms at 200 requests/s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import aiohttp
from _setup import example_kb, p99
from aiohttp import web
from microsoft_agents.hosting.core.authorization.jwt import jwt_token_validator

from adapters.sql.engine import make_engine, migrate
from adapters.sql.store import SqlStore
from adapters.teams.adapter import TeamsAdapter
from bot.service import ConversationService
from bot.settings import Settings
from tests.adapters.teams.conftest import APP_ID, teams_kb
from tests.adapters.teams.fake_cloud import ISSUER, FakeCloud

QUESTIONS = [
    "Hur bokar jag en poolbil?",
    "Var hittar jag min lönespecifikation?",
    "jag har glömt mitt lösenord",
    "Var finns hjärtstartare?",
]


def _settings(cloud_url: str) -> Settings:
    return Settings(
        teams_enabled=True,
        teams_app_id=APP_ID,
        teams_app_password="x",
        teams_token_url=f"{cloud_url}/token",
        teams_service_url=cloud_url + "/",
    )


def _store(database_url: str) -> SqlStore:
    engine = make_engine(database_url, pool_size=10)
    migrate(engine)
    return SqlStore(engine)


def work(database_url: str, cloud_url: str) -> None:
    """The worker process of ``--worker process``: answers what the web process stored."""
    parent = os.getppid()

    def orphaned() -> None:  # the serving process was ended: so is this one
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=orphaned, daemon=True).start()
    service = ConversationService(teams_kb(example_kb()), _store(database_url))
    adapter = TeamsAdapter(_settings(cloud_url), service)
    asyncio.run(adapter.run_worker())


async def serve(port_file: Path, database_url: str | None, worker: str) -> None:
    """The bot and the fake cloud, in their own process (the load comes from another)."""
    cloud = FakeCloud()
    cloud.start()
    jwt_token_validator.BOTFRAMEWORK_JWKS_URIS[ISSUER] = cloud.jwks_uri
    kb = example_kb()
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite:///{Path(tmp) / 'ack.db'}"
        store = _store(url)
        service = ConversationService(teams_kb(kb), store)
        separate = worker == "process"
        adapter = TeamsAdapter(
            _settings(cloud.url), service, jwks_uri=cloud.jwks_uri, worker=not separate
        )
        if separate:
            subprocess.Popen([sys.executable, __file__, "--work", url, "--cloud", cloud.url])
        app = web.Application()
        adapter.add_routes(app)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        await adapter.start()
        token = cloud.token(APP_ID, cloud.url + "/")
        port_file.write_text(f"{port} {cloud.url} {token}")
        await asyncio.Event().wait()  # until the parent ends us


async def load(
    url: str, service_url: str, token: str, rates: list[int], seconds: float
) -> list[dict[str, float]]:
    cloud = FakeCloud.__new__(FakeCloud)  # only for building activities
    cloud.url = service_url
    results = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        n = 0
        for rate in rates:
            times: list[float] = []
            errors = 0

            async def one(k: int, times: list[float] = times) -> None:
                nonlocal errors
                act = FakeCloud.activity(
                    cloud,
                    QUESTIONS[k % len(QUESTIONS)],
                    user=f"aad-u{k % 50}",
                    conversation=f"a:dm-{k % 50}",
                )
                t = time.perf_counter()
                async with http.post(
                    url, json=act, headers={"Authorization": f"Bearer {token}"}
                ) as resp:
                    await resp.read()
                    if resp.status != 200:
                        errors += 1
                times.append((time.perf_counter() - t) * 1000)

            tasks = []
            start = time.perf_counter()
            for i in range(int(rate * seconds)):
                delay = start + i / rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(one(n)))
                n += 1
            await asyncio.gather(*tasks)
            elapsed = time.perf_counter() - start
            times.sort()
            results.append(
                {
                    "rate": rate,
                    "achieved": round(len(times) / elapsed, 1),
                    "p50": round(statistics.median(times), 1),
                    "p99": round(p99(times), 1),
                    "errors": errors,
                }
            )
            await asyncio.sleep(2)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rates", type=int, nargs="+", default=[50, 100, 200, 300])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument(
        "--database-url",
        help="e.g. postgresql://postgres@127.0.0.1/test "
        "(an empty database or schema); default: SQLite in a temp dir",
    )
    parser.add_argument("--worker", choices=("inline", "process"), default="inline")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    parser.add_argument("--cloud", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(Path(args.serve), args.database_url, args.worker))
        return 0
    if args.work:
        work(args.work, args.cloud)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        port_file = Path(tmp) / "port"
        cmd = [sys.executable, __file__, "--serve", str(port_file), "--worker", args.worker]
        if args.database_url:
            cmd += ["--database-url", args.database_url]
        child = subprocess.Popen(cmd)
        try:
            for _ in range(600):
                if port_file.exists() and port_file.read_text():
                    break
                time.sleep(0.05)
            port, service_url, token = port_file.read_text().split()
            results = asyncio.run(
                load(
                    f"http://127.0.0.1:{port}/api/messages",
                    service_url,
                    token,
                    args.rates,
                    args.seconds,
                )
            )
        finally:
            child.terminate()
            child.wait(10)
    print(f"{'req/s':>6} {'achieved':>9} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6}")
    for r in results:
        print(f"{r['rate']:>6} {r['achieved']:>9} {r['p50']:>7} {r['p99']:>7} {r['errors']:>6}")
    print("target: p99 < 100 ms at 200 requests/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
