"""Stödbot in Microsoft's Agents Playground (npm ``@microsoft/m365agentsplayground``,
pinned; `.ci/run` installs it with playwright-core): the real Teams test client, offline,
driven in headless Chromium. Two Playgrounds, a manager's and an HR worker's, against
``stodbot serve``; ``playground/flow.mjs`` does what they do and this asserts on what
they saw. Screenshots go to ``$STODBOT_SCREENSHOTS`` (default: the test's tmp dir)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
MODULES = ROOT / ".ci" / "node" / "node_modules"
PLAYGROUND = MODULES / "@microsoft" / "m365agentsplayground" / "cli.js"
FLOW = Path(__file__).with_name("playground") / "flow.mjs"
CHROMIUM = Path("/usr/bin/chromium")

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None
    or not PLAYGROUND.is_file()
    or not (MODULES / "playwright-core").is_dir()
    or not CHROMIUM.is_file(),
    reason="needs node, chromium and .ci/node's @microsoft/m365agentsplayground@0.2.28 "
    "and playwright-core (.ci/run installs them)",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_port(port: int, proc: subprocess.Popen[bytes], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{what} exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"{what} did not listen on {port}")


@pytest.fixture
def playgrounds(tmp_path: Path) -> Iterator[tuple[int, int]]:
    """The bot and two Playgrounds: (manager's port, staff's port)."""
    sys.path.insert(0, str(ROOT / "tools" / "playground"))
    import setup as playground_setup  # tools/playground/setup.py

    (tmp_path / "node_modules").symlink_to(MODULES)
    playground_setup.main(tmp_path)  # manager/, staff/ configurations and org.yaml
    bot, manager, staff = _free_port(), _free_port(), _free_port()
    logs = tmp_path / "logs"
    logs.mkdir()
    env = playground_setup.environment(tmp_path, bot, staff)
    procs: list[subprocess.Popen[bytes]] = []
    try:
        serve = subprocess.Popen(
            [sys.executable, "-m", "adapters.cli.main", "serve"],
            cwd=tmp_path,
            env=env,
            stdout=(logs / "bot.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        procs.append(serve)
        _wait_port(bot, serve, "stodbot serve")
        for who, port in (("manager", manager), ("staff", staff)):
            cmd = ["node", str(PLAYGROUND), "-e", f"http://127.0.0.1:{bot}/api/messages"]
            cmd += ["-c", "msteams", "-p", str(port), "--disable-telemetry"]
            proc = subprocess.Popen(
                cmd,
                cwd=tmp_path / who,
                env=env,
                stdout=(logs / f"{who}.log").open("wb"),
                stderr=subprocess.STDOUT,
            )
            procs.append(proc)
            _wait_port(port, proc, f"the {who}'s Playground")
        yield manager, staff
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


def test_a_manager_and_an_hr_worker_in_the_agents_playground(
    playgrounds: tuple[int, int], tmp_path: Path
) -> None:
    manager, staff = playgrounds
    shots = Path(os.environ.get("STODBOT_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    flow = tmp_path / "flow.mjs"  # beside the node_modules link: ESM resolves from there
    shutil.copy(FLOW, flow)
    done = subprocess.run(
        ["node", str(flow), str(manager), str(staff), str(shots)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else {}
    logs = "".join(p.read_text(errors="replace")[-1500:] for p in (tmp_path / "logs").glob("*"))
    assert done.returncode == 0 and "error" not in seen, (seen, done.stderr[-1500:], logs)

    # ask -> one answer card (text, lists, follow-up and feedback buttons) -> Ja
    answer = seen["answer_card"]
    assert "Du bokar dem själv i bokningssystemet på intranätet" in answer  # flows
    assert "1. Logga in med ditt vanliga konto" in answer and "*" not in answer
    assert "Ja, det hjälpte" in answer and "Skada eller olycka med poolbil" in answer
    assert seen["messages_after_answer"] == 1  # one message, not text and then a card
    assert "✓ Ja, det hjälpte" in seen["used_card"] and "\nNej" not in seen["used_card"]
    # clarify by button, with "Inget av dem"
    assert "Inget av dem" in seen["clarify_card"]
    # a stale button changes nothing and says so
    assert "tidigare meddelande" in seen["stale"]
    # Nej -> confirm -> ticket card in the HR channel; claim; the manager told by name
    assert "Vill du att jag skickar frågan till HR?" in seen["offer_card"]
    assert "Ja, skicka den" in seen["offer_card"] and "(ja/nej)" not in seen["offer_card"]
    assert "som ärende" in seen["routed"]
    assert "cykelförmån" in seen["ticket_card"] and "Ta ärendet" in seen["ticket_card"]
    claimed = seen["claimed_card"]
    assert "handläggs av Maria Lindqvist" in claimed and "Ta ärendet" not in claimed
    assert "Maria Lindqvist på HR har tagit ditt ärende" in seen["told"]
    # Svara from the card: the manager gets the answer, with its own ja/nej buttons
    assert "Vi har ingen cykelförmån ännu." in seen["answered"]
    assert "Löste det din fråga?" in seen["answered"]
    # Swedish throughout, though the Playground sends locale en-US
    for text in seen.values():
        if isinstance(text, str):
            assert "Was this helpful" not in text and "Shall I" not in text
