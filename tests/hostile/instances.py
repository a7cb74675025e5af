"""``stodbot serve`` processes for the hostile tests: start, wait until up, stop, and
kill at a chosen moment (while it holds outbox rows it has not sent)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from tests.adapters.teams.fake_cloud import FakeCloud
from tests.hostile.procs import free_port, wait_http


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
