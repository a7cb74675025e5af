"""Writes the two Playground configurations (a manager, and HR staff who are members
of the HR channel) and an organisation file whose HR area knows them, into DIR."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
MANAGER = "00000000-0000-0000-0000-0000000000020"
STAFF = "00000000-0000-0000-0000-0000000000029"


def template(folder: Path) -> str:
    bundle = folder / "node_modules/@microsoft/m365agentsplayground/dist/index.js"
    source = bundle.read_text(encoding="utf-8")
    start = source.index('version: "0.1.1"\\ntenantId')
    end = source.index("';class ConfigManager", start)
    return source[start:end].encode().decode("unicode_escape")


def environment(folder: Path, bot: int, staff: int) -> dict[str, str]:
    """``stodbot serve``'s settings beside the Playgrounds in ``folder``: Teams in
    development mode (no app id, no tokens) on ``bot``, channel posts to the staff
    Playground on ``staff``, SQLite and the organisation file in ``folder``."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "STODBOT_DATABASE_URL": f"sqlite:///{folder / 'stodbot.db'}",
        "STODBOT_ORGANISATION_FILE": str(folder / "org.yaml"),
        "STODBOT_TEAMS_ENABLED": "true",
        "STODBOT_TEAMS_SERVICE_URL": f"http://127.0.0.1:{staff}/_connector",
        "STODBOT_WEB_HOST": "127.0.0.1",
        "STODBOT_WEB_PORT": str(bot),
        "STODBOT_DASHBOARD_SECRET": os.environ.get("STODBOT_DASHBOARD_SECRET", "x" * 40),
        "TEAMSAPPTESTER_BROWSER": "none",  # the Playground opens no browser itself
    }


def main(folder: Path) -> None:
    base = template(folder)
    base = base.replace(
        "    - id: channel-announcements-id\n      name: Announcements",
        "    - id: channel-hr-id\n      name: HR-arenden",
    ).replace("__GROUP_CHAT_ID__", "group-1")
    people = {"manager": ("Anna Chef", MANAGER), "staff": ("Maria Lindqvist", STAFF)}
    for name, (display, aad) in people.items():
        text = base.replace("__PERSONAL_CHAT_ID__", f"personal-{name}")
        text = re.sub(
            r"(currentUser:\n  id: )user-id-0\n  name: Alex Wilber",
            rf"\1user-id-{name}\n  name: {display}",
            text,
        )
        text = text.replace(
            "aadObjectId: 00000000-0000-0000-0000-0000000000020", f"aadObjectId: {aad}", 1
        )
        (folder / name).mkdir(exist_ok=True)
        (folder / name / ".m365agentsplayground.yml").write_text(text, encoding="utf-8")
    org = yaml.safe_load((ROOT / "knowledge/example/organisation.yaml").read_text("utf-8"))
    for area in org["areas"]:
        if area["id"] == "hr":
            area.update(staff=[STAFF], lead_user=STAFF, channel="channel-hr-id")
    org.setdefault("people", {})[MANAGER] = "bou"
    (folder / "org.yaml").write_text(yaml.safe_dump(org, allow_unicode=True, sort_keys=False))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
