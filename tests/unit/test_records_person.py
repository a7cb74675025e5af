"""`stodbot records person USER`: everything stored about one person (GDPR art. 15), as
text and as JSON, audited; and every table of the schema placed: read for the person,
or why it cannot hold them."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from adapters.cli.main import main
from adapters.sql import person, tables
from knowledge.base import KnowledgeBase
from tests.conftest import sqlite_store
from tests.unit.records_world import HR1, MANAGER, MANAGER2, PHONE, PNR, World, env

# a column that names a person (owner/lease_owner name bot instances, not people)
PERSONAL = re.compile(r"(user|asker|actor|_by$)")


@pytest.fixture
def world(example_kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    env(monkeypatch, tmp_path / "stodbot.db")
    w = World(example_kb, sqlite_store(tmp_path / "stodbot.db"))
    w.full_history()
    with w.store.transaction() as tx:
        tx.surveys.queue(MANAGER, "hr", 2026)
        tx.surveys.mark_sent(MANAGER, "hr", 2026, w.now)
        tx.intro.enrol(MANAGER, date(2026, 11, 2), "chat", w.now)
        tx.intro.mark_done(MANAGER, "hr-introduktion-nya-chefer", w.now)
    w.say(MANAGER, "Hur bokar jag en poolbil?")  # answered, its conversation remembered
    return w


def test_the_extract_shows_what_is_stored_and_only_about_them(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["records", "person", MANAGER]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"Registerutdrag för {MANAGER}")
    assert "Hur bokar jag en poolbil?" in text and PNR in text  # their questions, as asked
    assert PHONE in text and "Bra, men det tog tid" in text  # their additions and comment
    assert "Ärende 1 (it)" in text and "4/5" in text  # their ticket and rating
    assert "Förmånen gäller alla tillsvidareanställda." in text  # staff's answer to them
    assert "hr 2026: skickad" in text and "hr-introduktion-nya-chefer" in text
    assert "Enkätsvar lagras utan användar-id" in text  # answers cannot be linked
    assert "utan id" in text  # nor suggestions made from their words
    assert "test|dm:@anna.chef" in text  # the conversation state
    assert "Vilka regler gäller för cykelförmån via bruttolöneavdrag, igen?" not in text
    assert MANAGER2 not in text  # the other manager's duplicate is theirs


def test_json_to_a_file_and_the_staff_side(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "utdrag.json"
    assert main(["records", "person", HR1, "--format", "json", "--out", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["user"] == HR1 and data["tickets"] == []
    kinds = {e["kind"] for e in data["events_written_as_staff"]}
    assert {"claimed", "note", "answer", "merged"} <= kinds
    assert data["notes"] and str(out) in capsys.readouterr().out


def test_the_extract_is_audited(world: World) -> None:
    assert main(["records", "person", MANAGER, "--format", "json"]) == 0
    with world.store.transaction() as tx:
        [entry] = tx.audit.for_entity("person", MANAGER)
    assert entry.action == "records_person" and entry.actor == "cli:registrator1"


def test_a_bad_user_id_is_refused(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["records", "person", "  "]) == 2
    assert main(["records", "person", "a\x00b"]) == 2
    assert main(["records", "person", "@ingen:exempelkommun.se"]) == 0
    assert "Ingen rad i personregistret." in capsys.readouterr().out


def test_every_table_is_placed_and_every_personal_column_read() -> None:
    named = set(person.READ) | set(person.NOT_HELD)
    assert not set(person.READ) & set(person.NOT_HELD)
    assert set(tables.metadata.tables) == named, "place the new table in adapters/sql/person.py"
    for table in tables.metadata.tables.values():
        personal = [c.name for c in table.columns if PERSONAL.search(c.name)]
        if personal:
            assert table.name in person.READ, f"{table.name}.{personal} can hold a person"


def test_someone_whose_id_starts_with_theirs_is_not_in_their_extract(tmp_path: Path) -> None:
    """ "@anna:k" asks for her data; "@anna:k.evil" wrote to the bot too. Her extract
    must not carry his conversation's memory, nor his platform events."""
    from datetime import UTC, datetime

    store = sqlite_store(tmp_path / "p.db")
    now = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    with store.transaction() as tx:
        tx.states.put("matrix|!dm1|@anna:k", {"question": "hennes"}, now)
        tx.states.put("matrix|!dm2|@anna:k.evil", {"question": "hans"}, now)
        tx.inbox.add("matrix", "$1", {"sender": "@anna:k.evil", "body": "hans"}, now)
        tx.inbox.add("matrix", "$2", {"sender": "@anna:k", "body": "hennes"}, now)
    data = person.about(store.engine, "@anna:k")
    assert [s["key"] for s in data["conversation_states"]] == ["matrix|!dm1|@anna:k"]
    assert len(data["platform_events"]) == 1
