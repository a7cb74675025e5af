"""The terminal proof, as people would run it: separate `stodbot chat --as` processes
against one database, then `stodbot report weekly`."""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.terminal import run

MANAGER = "@anna.chef:exempelkommun.se"
HR = "@maria.lindqvist:exempelkommun.se"


def test_manager_staff_manager_report(tmp_path: Path) -> None:
    db = tmp_path / "stodbot.db"
    out = run(
        ["chat", "--as", MANAGER],
        db,
        "Vilka regler gäller för cykelförmån via bruttolöneavdrag?\nja\n",
    )
    assert "Vill du att jag skickar frågan till HR?" in " ".join(out.split())
    number = re.search(r"som ärende (\d+)", " ".join(out.split()))
    assert number, out
    ticket = number.group(1)

    staff = run(
        ["chat", "--as", HR],
        db,
        f"kö\nta {ticket}\nsvara {ticket} Vi har ingen cykelförmån ännu.\n",
    )
    assert f"{ticket} väntar på handläggare" in staff
    assert f"Du har tagit ärende {ticket}" in staff and "Svaret är skickat" in staff

    back = run(["chat", "--as", MANAGER], db, "ja\n")
    assert "Vi har ingen cykelförmån ännu." in back  # delivered when the manager returns
    assert f"Ärende {ticket} är avslutat" in back

    week = run(["report", "weekly", "--week", _this_week()], db)
    hr_line = next(line for line in week.splitlines() if line.startswith("HR "))  # questions
    # questions, answered by the bot, share, routed, helpful: one routed question, masked
    assert hr_line.split()[1:6] == ["<5", "0", "–", "<5", "<5"]
    explained = "Frågor som blev ärenden räknas som vidareskickade, aldrig som besvarade"
    assert explained in " ".join(week.split())  # the columns are explained above the table
    assert "cykelförmån" not in week  # leadership sees no question text
    own = run(["report", "weekly", "--week", _this_week(), "--as", HR], db)
    assert "cykelförmån" in own  # the owning area sees its example question


def _this_week() -> str:
    from datetime import UTC, datetime

    from routing.report import week_of

    return week_of(datetime.now(UTC))
