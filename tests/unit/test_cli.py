"""The stodbot command line, run as a user runs it (in-process, real base)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adapters.cli.main import main

SWEFAQ = Path(__file__).resolve().parents[3] / "shared" / "bench" / "swefaq" / "swefaq_dev.jsonl"


def test_ask_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "Hur bokar jag en poolbil?"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["outcome"] == "answer" and out["article"] == "service-bilbokning"
    assert out["candidates"][0]["score"] >= out["candidates"][1]["score"]


def test_ask_no_answer_names_an_area(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "Vilket lag vann allsvenskan i fotboll 1987?"]) == 0
    out = capsys.readouterr().out
    assert "utfall: no_answer" in out and "troligt område" in out


def test_chat_reads_lines_until_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STODBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'chat.db'}")
    lines = iter(["hur bokar jag en poolbil", "2", "ja"])

    def fake_input(prompt: str = "") -> str:
        try:
            return next(lines)
        except StopIteration:
            raise EOFError from None

    monkeypatch.setattr("builtins.input", fake_input)
    assert main(["chat"]) == 0
    out = capsys.readouterr().out
    assert "vilken förvaltning" in out  # a new user is asked for their unit first
    assert "Barn- och utbildningsförvaltningen" in out
    assert "Boka en gemensam bil" in out and "Var det till hjälp?" in out and "Tack!" in out


def test_lint_exit_code_follows_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.conftest import ORG_YAML, write_article

    (tmp_path / "org.yaml").write_text(ORG_YAML, encoding="utf-8")
    write_article(
        tmp_path / "a",
        "ok.md",
        "id: hr-ok\narea: hr\ntitle: OK\nquestions: [Hur beställer jag en dator?]\nreviewed: 2026-10-01\n",
    )
    monkeypatch.setenv("STODBOT_ARTICLES_DIR", str(tmp_path / "a"))
    monkeypatch.setenv("STODBOT_ORGANISATION_FILE", str(tmp_path / "org.yaml"))
    monkeypatch.setenv("STODBOT_SYNONYMS_FILE", "")
    assert main(["kb", "lint"]) == 0
    write_article(tmp_path / "a", "bad.md", "id: hr-bad\narea: nope\ntitle: X\nquestions: [Y?]\n")
    assert main(["kb", "lint"]) == 1
    assert "bad.md:3: fel: okänt område 'nope'" in capsys.readouterr().out


def test_eval_questions_prints_shares(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "questions"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("questions n=")
    for figure in ("right=", "one_step=", "wrong=", "out_of_scope_abstained="):
        assert figure in last


@pytest.mark.skipif(not SWEFAQ.exists(), reason="../shared/bench/swefaq is not beside this clone")
def test_eval_swefaq_last_line_format(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Lexical only: the line is the same, and the fused run embeds every SweFAQ answer
    # (a minute, measured in bench/README.md, not here).
    monkeypatch.setenv("STODBOT_SEMANTIC", "off")
    assert main(["eval", "swefaq", str(SWEFAQ)]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("swefaq accuracy=0.") and last.endswith("n=110")


def test_an_empty_synonyms_setting_switches_synonyms_off_everywhere(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Read as a path, "" was the working directory: lint and eval warned "Is a directory"
    and kb calibrate crashed with a SynonymError."""
    monkeypatch.setenv("STODBOT_SYNONYMS_FILE", "")
    monkeypatch.setenv("STODBOT_SEMANTIC", "off")
    from bot.settings import Settings

    assert Settings().synonyms_file is None
    assert main(["kb", "lint"]) == 0
    assert main(["kb", "calibrate", "--out", str(tmp_path / "c.json")]) == 0
    out = capsys.readouterr()
    assert "directory" not in out.out + out.err and "Traceback" not in out.err
