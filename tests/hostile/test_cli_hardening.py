"""Case 14, through real ``stodbot`` processes: a command word followed by something
that is not a ticket number gets that command's usage line (a real question that
starts with a command word stays a question), and with the database down at start-up
every command prints one Swedish line, without a traceback or connection details."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STAFF = "@maria.lindqvist:exempelkommun.se"  # HR staff in the example organisation
ASKER = "@anna.chef:exempelkommun.se"
BAD = ("-1", "1e9", "1.5", "+7", "#-3", "12345678901", "0x10", "4,2")
STAFF_COMMANDS = {  # the word, what follows the number, the usage line's example
    "ta": ("", "ta 42"),
    "släpp": ("", "släpp 42"),
    "svara": (" Du hittar blanketten.", "svara 42"),
    "fråga": (" Vilken skrivare?", "fråga 42"),
    "notera": (" Kollat.", "notera 42"),
    "flytta": (" it Gäller behörighet.", "flytta 42"),
    "lös": (" Klart.", "lös 42"),
}
ASKER_COMMANDS = {
    "ärende": ("", "ärende 42"),
    "komplettera": (" Det gäller Grannby.", "komplettera 42"),
    "återöppna": ("", "återöppna 42"),
}
QUESTIONS = ("ta bort ett konto i sociala medier", "hjälp, jag har glömt lösenordet")


def stodbot(
    args: list[str], env: dict[str, str], stdin: str = "", cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli.main", *args],
        input=stdin,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def clean_env(tmp_path: Path, url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STODBOT_")}
    env["STODBOT_DATABASE_URL"] = url or f"sqlite:///{tmp_path / 'cli.db'}"
    return env


def turns(transcript: str) -> dict[str, str]:
    """What the bot said after each line typed: line -> replies."""
    out = {}
    for part in transcript.split("\ndu> ")[1:]:
        line, _, replies = part.partition("\n")
        out[line] = replies
    return out


def check_usage(user: str, commands: dict[str, tuple[str, str]], tmp_path: Path) -> None:
    lines = [f"{word} {bad}{tail}" for word, (tail, _) in commands.items() for bad in BAD]
    done = stodbot(["chat", "--as", user], clean_env(tmp_path), "\n".join(lines) + "\n")
    assert done.returncode == 0, done.stderr
    said = turns(done.stdout)
    wrong = {}
    for word, (tail, example) in commands.items():
        for bad in BAD:
            line = f"{word} {bad}{tail}"
            if f"Skriv så här: {example}" not in said.get(line, ""):
                wrong[line] = said.get(line, "")[:70]
    assert wrong == {}


def test_staff_commands_with_a_bad_number_get_their_usage_line(tmp_path: Path) -> None:
    check_usage(STAFF, STAFF_COMMANDS, tmp_path)


def test_asker_commands_with_a_bad_number_get_their_usage_line(tmp_path: Path) -> None:
    check_usage(ASKER, ASKER_COMMANDS, tmp_path)


@pytest.mark.parametrize("user", [STAFF, ASKER])
def test_questions_that_start_with_a_command_word_stay_questions(user: str, tmp_path: Path) -> None:
    for question in QUESTIONS:  # each in a session of its own: no unit question between
        done = stodbot(["chat", "--as", user], clean_env(tmp_path), question + "\n")
        assert done.returncode == 0, done.stderr
        reply = turns(done.stdout)[question]
        assert "Skriv så här" not in reply and "handläggare" not in reply.split("\n")[0], reply
        assert "förvaltning" in reply or "konto" in reply or "lösenord" in reply, reply


SECRET_BITS = ("stodbot_user", "hemligt123", "127.0.0.1", "db.intern.example", ":1/", "5433")


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://stodbot_user:hemligt123@127.0.0.1:1/test",  # nothing listens
        "postgresql://stodbot_user:hemligt123@127.0.0.1:5432/no_such_database_here",
        "nonsense://stodbot_user:hemligt123@db.intern.example:5433/x",  # not a database URL
    ],
    ids=["refused", "no-database", "not-a-url"],
)
@pytest.mark.parametrize(
    "command",
    [["chat"], ["report", "weekly"], ["retention", "apply"], ["sla", "check"], ["serve"]],
    ids=" ".join,
)
def test_database_down_at_start_up_is_one_swedish_line(
    url: str, command: list[str], tmp_path: Path
) -> None:
    env = clean_env(tmp_path, url)
    env["STODBOT_DASHBOARD_SECRET"] = "x" * 40  # so that serve has something to start
    env["STODBOT_RETENTION_DAYS"] = "365"  # so that retention gets as far as the database
    env["STODBOT_RETENTION_DECISION"] = "KS 2026-05-12 § 45"
    done = stodbot(command, env, "hej\n", cwd=tmp_path)
    assert done.returncode != 0
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr[-600:]
    assert "databas" in lines[0].casefold(), lines[0]
    shown = done.stdout + done.stderr
    assert not [bit for bit in SECRET_BITS if bit in shown], shown[-600:]
