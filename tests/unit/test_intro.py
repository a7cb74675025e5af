"""A new manager's first 90 days (issue 14): enrolment from the organisation file and
by "jag är ny chef", the Monday checklist once per person and week, Klart / Påminn
mig nästa vecka, ``min introduktion``, the end of the path, leaving it, and HR's
figures. Real SQLite, the example base, the terminal channel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.sql.store import SqlStore
from bot.intro import progress
from bot.intro.weekly import due_week
from tests.unit.intro_world import (
    FILED,
    HR_STAFF,
    IT_LEAD,
    MONDAY,
    NEW,
    WEEK1,
    WEEK2,
    World,
)

WEEK = timedelta(days=7)


@pytest.fixture
def world(tmp_path: Path, sql_store: SqlStore) -> World:
    return World.at(tmp_path, sql_store)


def test_jag_ar_ny_chef_enrols_from_this_week_and_shows_week_1(world: World) -> None:
    replies = world.say(NEW, "Jag är ny chef.")
    said = " ".join(replies[0].text.split())
    assert "Välkommen som ny chef" in said and "avsluta introduktion" in said
    assert "vecka 1 av 12" in said
    for title in ("IT-konto och e-post", "Attestera fakturor", "Tidrapportering och frånvaro"):
        assert title in said
    says = [c.text for c in replies[0].choices]
    assert says == [f"{verb} {a}" for a in WEEK1 for verb in ("klart", "påminn")]
    again = world.text(NEW, "ny chef")
    assert "redan" in again and "vecka 1" in again
    with world.store.transaction() as tx:
        assert [p.user_id for p in tx.intro.everyone()] == [FILED, NEW]  # FILED: the file
        assert tx.intro.get(NEW).source == "chat"  # type: ignore[union-attr]
        audited = [e.action for e in tx.audit.for_entity("intro", "path")]
    assert audited == ["intro_enrol"]
    world.now += timedelta(hours=2)
    assert world.monday() == []  # this week's list was shown at once: not again


def test_a_manager_in_the_file_is_on_the_path_when_they_first_write(world: World) -> None:
    world.now = MONDAY + timedelta(days=2)  # Wednesday of their second week
    assert world.monday() == []  # on the path, but the bot cannot write to them yet
    shown = world.text(FILED, "min introduktion")
    assert "vecka 2 av 12" in shown and "0 av 33" in shown
    assert "Vecka 1 (efter)" in shown and "Vecka 2 (nu)" in shown
    world.text(FILED, "jag är ny chef")  # said as well: still enrolled once, from the file
    with world.store.transaction() as tx:
        people = tx.intro.everyone()
    assert [(p.user_id, p.source, p.start.isoformat()) for p in people] == [
        (FILED, "file", "2026-11-30")
    ]
    assert progress(world.service, world.now).enrolled == 1


def test_the_monday_checklist_goes_once_per_person_and_week(world: World) -> None:
    world.say(NEW, "jag är ny chef")
    world.now = MONDAY + WEEK - timedelta(hours=2)  # Monday 07:00 in Stockholm: too early
    assert world.monday() == []
    world.now = MONDAY + WEEK
    assert world.monday() == [NEW]
    assert world.monday() == []  # run twice
    world.restart()  # a restart, or a second instance on the same database
    assert world.monday() == []
    world.now += timedelta(days=3)  # later in the week: still nothing more
    assert world.monday() == []
    sent = world.sent_to(NEW)
    assert [i.dedupe_key for i in sent] == [f"intro:2026-W51:{NEW}"]
    text = " ".join(str(sent[0].payload["text"]).split())
    assert "vecka 2 av 12" in text and "IT-servicedesk" in text
    says = [c[3] for c in sent[0].payload["choices"]]  # type: ignore[union-attr]
    assert says == [f"{verb} {a}" for a in WEEK2 for verb in ("klart", "påminn")]


def test_a_holiday_monday_moves_the_send_to_the_next_business_day() -> None:
    easter_monday = datetime(2027, 3, 29, 9, 0, tzinfo=UTC)
    assert due_week(easter_monday) == ""
    assert due_week(easter_monday + timedelta(days=1)) == "2027-W13"
    assert due_week(datetime(2026, 12, 7, 6, 29, tzinfo=UTC)) == ""  # 07:29 in Stockholm
    assert due_week(datetime(2026, 12, 7, 6, 30, tzinfo=UTC)) == "2026-W50"
    assert due_week(datetime(2026, 12, 13, 20, 0, tzinfo=UTC)) == "2026-W50"  # Sunday


def test_klart_marks_the_article_its_button_stood_beside(world: World) -> None:
    first = world.say(NEW, "jag är ny chef")[0]
    attest = first.choices[2]  # item 2: Klart
    assert "är klar" in world.press(NEW, attest) and world.done(NEW) == {"ekonomi-attest"}
    assert "redan" in world.press(NEW, attest)  # pressed twice: the first time stands
    world.now = MONDAY + WEEK
    world.monday()  # week 2's list; its item 3 is hr-mentor-ny-chef
    stale = first.choices[4]  # week 1's item 3 (Heroma), pressed a week later
    world.press(NEW, stale)
    assert world.done(NEW) == {"ekonomi-attest", "hr-tidrapportering"}
    assert "IT-servicedesk" in world.text(NEW, "klart 1")  # typed: this week's list
    assert world.done(NEW) == {"ekonomi-attest", "hr-tidrapportering", "it-servicedesk"}
    shown = world.text(NEW, "min introduktion")
    assert "3 av 33" in shown and "✓ Attestera fakturor" in shown
    assert "○ IT-konto och e-post" in shown and "Vecka 1 (efter)" in shown


def test_a_typed_number_opens_the_article_with_its_buttons(world: World) -> None:
    world.say(NEW, "jag är ny chef")
    reply = world.say(NEW, "2")[0]
    assert "Attestera fakturor" in reply.text and "klart 2" in reply.text
    assert [c.text for c in reply.choices] == ["klart ekonomi-attest", "påminn ekonomi-attest"]
    assert "mellan 1 och 3" in world.text(NEW, "7")


def test_a_postponed_article_comes_the_next_week(world: World) -> None:
    world.say(NEW, "jag är ny chef")
    assert "kommer i vecka 12" in world.text(NEW, "påminn hr-mbl-forhandling")  # not earlier
    assert "vecka 2" in world.text(NEW, "påminn 1")
    assert "flyttad till vecka 2" in world.text(NEW, "min introduktion")
    world.now = MONDAY + WEEK
    world.monday()
    text = " ".join(str(world.sent_to(NEW)[0].payload["text"]).split())
    assert "IT-konto och e-post" in text and "IT-servicedesk" in text
    world.now = MONDAY + 2 * WEEK  # not done: not postponed again by itself
    world.monday()
    third = " ".join(str(world.sent_to(NEW)[1].payload["text"]).split())
    assert "vecka 3 av 12" in third and "IT-konto och e-post" not in third


def test_progress_counts_the_managers_and_hr_sees_them_masked(world: World) -> None:
    world.say(NEW, "jag är ny chef")
    world.text(NEW, "klart 1")
    world.text(NEW, "klart 2")
    world.text(FILED, "hej")  # week 2 of the path, nothing done
    figures = progress(world.service, world.now)
    assert figures.enrolled == 2 and figures.finished == 0
    assert figures.done == (0, 2) and figures.path_length == 33
    assert figures.by_week[:3] == (1, 1, 0) and len(figures.by_week) == 12
    shown = world.text(HR_STAFF, "introduktioner")
    assert "Går introduktionen: <5" in shown and "33 artiklar" in shown
    assert "sara" not in shown.casefold() and "ny.chef" not in shown
    assert "bara för HR" in world.text(IT_LEAD, "introduktioner")  # staff, not HR
    assert "Går introduktionen" not in world.text(NEW, "introduktioner")


def test_after_the_last_week_a_summary_and_the_path_ends(world: World) -> None:
    world.say(NEW, "jag är ny chef")
    world.text(NEW, "klart 1")
    world.now = MONDAY + 12 * WEEK  # week 13
    assert world.monday() == [NEW]
    last = " ".join(str(world.sent_to(NEW)[-1].payload["text"]).split())
    assert "alla veckor" in last and "1 av 33" in last and "Attestera fakturor" in last
    world.now += WEEK
    assert world.monday() == []
    assert len(world.sent_to(NEW)) == 1
    assert "Introduktionen är slut" in world.text(NEW, "min introduktion")
    assert "gått igenom hela" in world.text(NEW, "jag är ny chef")
    assert progress(world.service, world.now).by_week == (0,) * 12


def test_avsluta_introduktion_stops_the_lists_and_jag_ar_ny_chef_resumes(world: World) -> None:
    world.say(NEW, "jag är ny chef")
    world.text(FILED, "hej")
    assert "lämnat" in world.text(NEW, "avsluta introduktion")
    assert "lämnat" in world.text(FILED, "avsluta introduktion")
    world.now = MONDAY + WEEK
    assert world.monday() == []  # neither: the file does not put the one who left back
    assert progress(world.service, world.now).enrolled == 0
    assert "inte introduktionen" in world.text(NEW, "min introduktion")
    back = world.text(NEW, "jag är ny chef")
    assert "Välkommen tillbaka" in back and "vecka 2 av 12" in back
    with world.store.transaction() as tx:
        audited = [e.action for e in tx.audit.for_entity("intro", "path")]
    assert audited == ["intro_enrol", "intro_leave", "intro_leave", "intro_rejoin"]


@pytest.mark.parametrize(
    "text",
    ["klart \x00", "klart " + "9" * 60, "påminn -1", "klart hr-semester", "klart ١", "påminn"],
)
def test_bad_arguments_mark_nothing(world: World, text: str) -> None:
    world.say(NEW, "jag är ny chef")
    said = world.text(NEW, text)
    assert "Vilken artikel?" in said or "klart" not in said
    assert world.done(NEW) == set()
    with world.store.transaction() as tx:
        assert all(i.later_week is None for i in tx.intro.items(NEW).values())


def test_hostile_input_on_the_intro_commands(world: World) -> None:
    assert "för långt" in world.text(NEW, "jag är ny chef " + "x" * 5000)
    assert "inte introduktionen" in world.text(NEW, "klart 1")  # not on it
    assert "direkt" in world.text(NEW, "jag är ny chef", shared_in="!chefer:k")
    assert world.say(NEW, "jag är ny chef\x00")  # not the command: a question, answered
    with world.store.transaction() as tx:
        assert tx.intro.get(NEW) is None


def test_english_speakers_get_it_in_english(world: World) -> None:
    world.text(NEW, "language english")
    said = world.text(NEW, "I am a new manager")
    assert "Welcome as a new manager" in said and "week 1 of 12" in said
    assert "is done" in world.text(NEW, "done 1")
    assert "Your introduction" in world.text(NEW, "my introduction")
