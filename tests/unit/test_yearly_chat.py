"""Who reads an area's yearly analysis, in chat and in the terminal (issue 14): the
area's lead their own area (with the link to the lead's version, in a direct chat
only), leadership every area (counts only); anyone else is refused, and the refusal
is in the audit log."""

from __future__ import annotations

import functools
import re
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from adapters import compose
from adapters.cli import yearly as cli_yearly
from adapters.cli.main import main
from adapters.sql.store import SqlStore
from bot.links import valid_yearly
from bot.messages import ConversationRef, IncomingMessage
from bot.service import ConversationService
from knowledge.base import KnowledgeBase
from tests.conftest import sqlite_store
from tests.seed import seed

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
HR_LEAD = "@maria.lindqvist:exempelkommun.se"
HR_STAFF = "@hr.konsult:exempelkommun.se"
BOSS = "@kommundirektor:exempelkommun.se"
ANNA = "@anna.chef:exempelkommun.se"
SECRET = "s" * 40


@pytest.fixture(scope="module")
def two_years(tmp_path_factory: pytest.TempPathFactory, example_kb: KnowledgeBase) -> Path:
    db = tmp_path_factory.mktemp("years") / "years.db"
    assert seed(sqlite_store(db), example_kb, "2026-W47", weeks=100) > 7000
    return db


class Chat:
    def __init__(self, kb: KnowledgeBase, store: SqlStore) -> None:
        self.service = ConversationService(
            kb, store, clock=lambda: NOW, dashboard=("https://stod.example", SECRET)
        )
        self.n = 0

    def say(self, user: str, text: str, shared_in: str | None = None) -> str:
        self.n += 1
        ref = ConversationRef("matrix", shared_in or f"dm:{user}")
        event = f"e{uuid.uuid4().hex}"  # the database is the module's: ids must not repeat
        msg = IncomingMessage(ref, user, text, event, shared_in=shared_in)
        return "\n".join(r.text for r in self.service.handle(msg))


def _link(text: str) -> dict[str, str]:
    url = next(w for w in text.split() if w.startswith("https://stod.example/"))
    query = {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
    assert valid_yearly(SECRET, query["scope"], query["exp"], query["sig"])
    return {"path": urlparse(url).path, **query}


def test_the_lead_reads_their_own_year_and_gets_their_link(
    two_years: Path, example_kb: KnowledgeBase
) -> None:
    store = sqlite_store(two_years)
    chat = Chat(example_kb, store)
    text = chat.say(HR_LEAD, "årsanalys")
    assert text.startswith("**Årsanalys 2026: HR**")
    assert "- Frågor: 1097 (−9 % mot året innan); 2025: 1208" in text
    assert "Nya behov, grupper av frågor: nya i år 1" in text
    assert "hur gör vi med" not in text  # no free text in chat
    link = _link(text)
    assert link["path"] == "/arsanalys/hr" and link["scope"] == "hr" and link["year"] == "2026"
    shared = chat.say(HR_LEAD, "årsanalys", shared_in="!hr-rummet")
    assert "https://" not in shared and "direkt" in shared  # the lead's link: never shared
    assert "Frågor: 1097" in chat.say(HR_LEAD, "årsanalys hr 2026")


def test_leadership_reads_every_area_without_free_text(
    two_years: Path, example_kb: KnowledgeBase
) -> None:
    chat = Chat(example_kb, sqlite_store(two_years))
    listed = _link(chat.say(BOSS, "årsanalys"))
    assert listed["path"] == "/arsanalys" and listed["scope"] == "alla"
    it = chat.say(BOSS, "årsanalys IT")
    assert it.startswith("**Årsanalys 2026: IT-drift (gemensam IT-nämnd)**")
    assert _link(it)["scope"] == "alla"  # leadership's version, not the lead's


def test_others_are_refused_and_the_refusal_is_audited(
    two_years: Path, example_kb: KnowledgeBase
) -> None:
    store = sqlite_store(two_years)
    chat = Chat(example_kb, store)
    for user, text in ((HR_LEAD, "årsanalys it"), (HR_STAFF, "årsanalys hr"), (ANNA, "årsanalys")):
        assert "läser ett områdes ansvariga" in chat.say(user, text)
    with store.transaction() as tx:
        refused = tx.audit.for_entity("yearly", "it:2026")
        staff = tx.audit.for_entity("yearly", "hr:2026")
    assert [(e.actor, e.action) for e in refused] == [(HR_LEAD, "refused")]
    assert (HR_STAFF, "refused") in [(e.actor, e.action) for e in staff]
    assert "Det finns inget område som heter ingenting" in chat.say(BOSS, "årsanalys ingenting")
    assert "Årsanalys" not in chat.say(BOSS, "årsanalys hr \x00 " + "x" * 5000)


@pytest.fixture
def terminal(two_years: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STODBOT_DATABASE_URL", f"sqlite:///{two_years}")
    fixed = functools.partial(compose.conversation_service, clock=lambda: NOW)
    monkeypatch.setattr(cli_yearly, "conversation_service", fixed)


def test_the_terminal_report_as_leadership_and_as_the_lead(
    terminal: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["report", "yearly", "--area", "hr", "--year", "2026"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Årsanalys 2026: HR – Exempelkommun")
    assert "Ledningens version" in text and "hur gör vi med" not in text
    survey = text.split("Vad de som använt området säger", 1)[1].split("\n\n", 1)[0]
    assert re.search(r"Tillfrågade\s+21\s+21", survey) and re.search(r"Svarade\s+15\s+12", survey)
    assert "Fler mallar" not in text  # the survey's comments: the lead's version only
    assert re.search(r"Chefer på introduktionen\s+9\n", text)  # HR's: the new managers
    assert re.search(r"Hela vägen\s+0\n", text)
    assert main(["report", "yearly", "--area", "hr", "--year", "2026", "--lead"]) == 0
    lead = capsys.readouterr().out
    assert "Exempel (maskerat)" in lead and "hur gör vi med AI-verktyg" in lead
    assert lead.count("– Svara snabbare när det gäller rehabilitering") == 1  # each once
    assert main(["report", "yearly", "--area", "hr", "--as", ANNA]) == 2
    assert "får inte läsa årsanalysen" in capsys.readouterr().err
    assert main(["report", "yearly", "--area", "nej"]) == 2
    assert main(["report", "yearly", "--area", "hr", "--format", "docx"]) == 2
    out = tmp_path / "hr.docx"
    assert main(["report", "yearly", "--area", "hr", "--format", "docx", "--out", str(out)]) == 0
    assert out.read_bytes()[:2] == b"PK"  # a zip: the Office format


def test_a_year_the_page_refuses_gets_no_link(
    sql_store: SqlStore, example_kb: KnowledgeBase
) -> None:
    """The page opens 2020 to this year: a link for 2030 or 2019 would only say
    "Ogiltigt år". Chat says which years there are instead."""
    chat = Chat(example_kb, sql_store)
    for year in ("2030", "2019"):
        text = chat.say(HR_LEAD, f"årsanalys hr {year}")
        assert "https://" not in text and "2020" in text and "2026" in text, text
    assert _link(chat.say(HR_LEAD, "årsanalys hr 2020"))["year"] == "2020"


def test_the_lead_of_two_areas_is_asked_which(
    sql_store: SqlStore, example_kb: KnowledgeBase
) -> None:
    org = example_kb.organisation
    areas = tuple(replace(a, lead_user=HR_LEAD) if a.id == "kansli" else a for a in org.areas)
    kb = replace(example_kb, organisation=replace(org, areas=areas))
    chat = Chat(kb, sql_store)
    text = chat.say(HR_LEAD, "årsanalys")
    assert "läser ett områdes ansvariga" not in text  # they are a lead: not refused
    assert "årsanalys hr" in text and "kansli" in text
    assert _link(chat.say(HR_LEAD, "årsanalys kansli"))["scope"] == "kansli"


def test_the_terminal_refuses_year_zero(terminal: None, capsys: pytest.CaptureFixture[str]) -> None:
    """``--year 0`` is not "this year": it is a year the report refuses."""
    assert main(["report", "yearly", "--area", "hr", "--year", "0"]) == 2
    assert "orimligt år: 0" in capsys.readouterr().err
