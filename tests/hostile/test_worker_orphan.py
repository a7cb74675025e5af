"""Case 9: ``serve`` with STODBOT_TEAMS_WORKER=process, killed with SIGKILL, leaves no
worker behind polling the database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.hostile.procs import alive, descendants, free_port, wait_http

ROOT = Path(__file__).resolve().parents[2]


def test_the_teams_worker_exits_when_serve_is_killed(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "STODBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'orphan.db'}",
        "STODBOT_TEAMS_ENABLED": "true",
        "STODBOT_TEAMS_WORKER": "process",
        "STODBOT_WEB_PORT": str(port),
    }
    serve = subprocess.Popen(
        [sys.executable, "-m", "adapters.cli.main", "serve"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/api/messages")
        deadline = time.monotonic() + 30
        workers: set[int] = set()
        while time.monotonic() < deadline and not workers:
            workers = descendants(serve.pid)
            time.sleep(0.2)
        assert workers, "serve started no worker process"
        time.sleep(2)  # the worker is up and polling
        assert alive(workers)
        serve.send_signal(signal.SIGKILL)
        serve.wait(10)
        deadline = time.monotonic() + 5
        while alive(workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = alive(workers)
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait(10)
    for pid in left:  # don't leave the orphans running after the test
        os.kill(pid, signal.SIGKILL)
    assert not left, f"worker processes {sorted(left)} outlived serve by 5 s"
