"""`stodbot serve` sends registrations: a ticket queued for the registry reaches the
webhook from the running bot, and a restarted bot does not send it again."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from tests.adapters.registry.conftest import SECRET, SECRET_ENV, Receiver, free_port, registry_base
from tests.conftest import load_copy, sqlite_store
from tests.unit.records_world import IT_QUESTION, MANAGER, World

ROOT = Path(__file__).resolve().parents[3]


async def serve_until(env: dict[str, str], done: object, cwd: Path, seconds: float = 60) -> None:
    """Run `stodbot serve` until ``done()`` is true (or ``seconds`` pass), then stop it."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "adapters.cli.main", "serve", env=env, cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        for _ in range(int(seconds * 10)):
            if done() or proc.returncode is not None:  # type: ignore[operator]
                break
            await asyncio.sleep(0.1)
    finally:
        if proc.returncode is None:
            proc.terminate()
        _, err = await proc.communicate()
    assert proc.returncode in (0, -15), err.decode()


async def test_serve_registers_once_across_a_restart(tmp_path: Path, receiver: Receiver) -> None:
    base = registry_base(tmp_path, receiver.url)
    db = tmp_path / "serve.db"
    world = World(load_copy(base), sqlite_store(db))
    ticket = world.ticket(MANAGER, IT_QUESTION)
    env = {k: v for k, v in os.environ.items() if not k.startswith("STODBOT_")}
    env.update(
        PYTHONPATH=str(ROOT),
        STODBOT_DATABASE_URL=f"sqlite:///{db}",
        STODBOT_ARTICLES_DIR=str(base / "articles"),
        STODBOT_ORGANISATION_FILE=str(base / "organisation.yaml"),
        STODBOT_SYNONYMS_FILE=str(base / "synonyms.yaml"),
        STODBOT_SEMANTIC="off",
        STODBOT_DASHBOARD_SECRET="s" * 32,
        STODBOT_WEB_HOST="127.0.0.1",
        STODBOT_WEB_PORT=str(free_port()),
        STODBOT_KB_RELOAD_SECONDS="0",
        **{SECRET_ENV: SECRET},
    )
    await serve_until(env, lambda: len(receiver.got) >= 1, tmp_path)
    assert [json.loads(b)["record"]["arende"] for _, b in receiver.got] == [ticket]
    env["STODBOT_WEB_PORT"] = str(free_port())
    await serve_until(env, lambda: False, tmp_path, seconds=4)  # restarted: nothing new
    assert len(receiver.got) == 1
