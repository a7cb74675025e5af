"""`stodbot serve` as an operator runs it serves the statement wherever it runs a web
app (here: the dashboard), filled from the environment, without a signed link."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_publishes_the_statement_from_the_environment(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        "STODBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "STODBOT_DASHBOARD_SECRET": "a-test-secret",
        "STODBOT_WEB_PORT": str(port),
        "STODBOT_SEMANTIC": "off",
        "STODBOT_ACCESSIBILITY_CONTACT_EMAIL": "webb@storby.se",
        "STODBOT_ACCESSIBILITY_STATUS": "inte",
        "STODBOT_ACCESSIBILITY_SHORTCOMINGS": '["Diagrammen saknar textalternativ."]',
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "adapters.cli.main", "serve"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        page, deadline = "", time.monotonic() + 60
        while time.monotonic() < deadline and not page:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/tillganglighet") as r:
                    page = r.read().decode()
                    headers = r.headers
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
                time.sleep(0.2)
        assert page, "no statement within 60 s"
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/dashboard")
            raise AssertionError("the dashboard opened without a signed link")
        except urllib.error.HTTPError as err:
            assert err.code == 403
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(15)
    assert code == 0
    assert "Stödbot är <strong>inte förenlig</strong>" in page
    assert "webb@storby.se" in page and "Diagrammen saknar textalternativ." in page
    assert "Exempelkommun står bakom Stödbot" in page  # the organisation file's name
    assert headers["X-Content-Type-Options"] == "nosniff"
