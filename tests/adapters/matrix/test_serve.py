"""`stodbot serve` as an operator runs it: configured by environment, talking to a real
Synapse, stopped with SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from nio import RoomCreateResponse

from tests.adapters.matrix.conftest import Person
from tests.adapters.matrix.homeserver import Homeserver

pytestmark = pytest.mark.asyncio(loop_scope="function")


async def test_serve_answers_and_stops_cleanly(homeserver: Homeserver, tmp_path: Path) -> None:
    tag = uuid.uuid4().hex[:6]
    bot_id, token = homeserver.register(f"serve{tag}")
    manager = Person(homeserver, *homeserver.register(f"chef{tag}"))
    env = {
        **os.environ,
        "STODBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "STODBOT_MATRIX_HOMESERVER": homeserver.url,
        "STODBOT_MATRIX_USER_ID": bot_id,
        "STODBOT_MATRIX_ACCESS_TOKEN": token,
        "STODBOT_MATRIX_ALLOWED_SERVERS": '["localhost"]',
        "STODBOT_MATRIX_SYNC_TIMEOUT_MS": "1000",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "adapters.cli.main", "serve"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        created = await manager.client.room_create(is_direct=True, invite=[bot_id])
        assert isinstance(created, RoomCreateResponse)
        await manager.say(created.room_id, "Hur bokar jag en poolbil?")
        await manager.wait_for(created.room_id, "vilken förvaltning", timeout=40)
        await manager.say(created.room_id, "2")
        await manager.wait_for(created.room_id, "Boka en gemensam bil", timeout=20)
    finally:
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(15)
        stopped_in = time.monotonic() - started
        await manager.client.close()
    assert code == 0, proc.stderr.read().decode() if proc.stderr else ""
    assert stopped_in < 5  # the long poll is cancelled, not waited out
