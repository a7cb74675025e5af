"""Stödbot through matrix-js-sdk, the SDK behind Element (pinned, from npm; `.ci/run`
installs it): a client that nobody here wrote, against the real Synapse. The scenario
(``js_client/scenario.mjs``) is a manager and an HR worker; this asserts on what they
saw (and the answer that finds a manager who left the DM)."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.adapters.matrix.conftest import World

ROOT = Path(__file__).resolve().parents[3]
MODULES = ROOT / ".ci" / "node" / "node_modules"
SCENARIO = Path(__file__).with_name("js_client") / "scenario.mjs"
HR_QUESTION = "Vilka regler gäller för cykelförmån via bruttolöneavdrag?"

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not (MODULES / "matrix-js-sdk").is_dir(),
    reason="no node or matrix-js-sdk (.ci/run installs matrix-js-sdk@37.5.0 into .ci/node)",
)


async def test_a_manager_and_a_worker_in_matrix_js_sdk(world: World, tmp_path: Path) -> None:
    await world.start_bot()
    (tmp_path / "node_modules").symlink_to(MODULES)  # ESM resolves beside the script
    script = tmp_path / "scenario.mjs"
    shutil.copy(SCENARIO, script)
    cfg = {
        "url": world.hs.url,
        "bot": world.bot_id,
        "manager": [world.manager.user_id, world.manager.client.access_token],
        "staff": [world.staff[0].user_id, world.staff[0].client.access_token],
        "hr_room": world.hr_room,
        "question": HR_QUESTION,
    }
    done = await asyncio.to_thread(
        subprocess.run,
        ["node", str(script), json.dumps(cfg)],
        capture_output=True,
        text=True,
        timeout=240,
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else {}
    assert done.returncode == 0 and "error" not in seen, (seen, done.stderr[-2000:])

    html = seen["answer_html"]  # paragraphs that flow, the steps as a list
    assert "<ol><li>Logga in med ditt vanliga konto" in html
    assert not any("<br>" in p for p in re.findall(r"<p>(.*?)</p>", html))
    assert "*" not in seen["answer_body"]
    assert "Skada eller olycka med poolbil" in seen["edited_choice"]  # the edit counted
    assert "Vill du att jag skickar frågan till" in seen["offer"]
    assert "som ärende" in seen["routed"] and "cykelförmån" in seen["card"]
    assert "!ta" in seen["card"]  # the hint is what the room reads
    assert "handläggs av" in seen["claimed_card"]
    assert "Vi har ingen cykelförmån ännu." in seen["relayed"]
    assert "avslutat" in seen["closed"] and "avslutat" in seen["closed_card"]
    # the manager left the DM before HR answered: the answer came in another room
    assert seen["moved_room_differs"] and "Kontakta löneenheten." in seen["moved"]
