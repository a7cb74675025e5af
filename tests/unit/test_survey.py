"""The yearly question to the people an area served (issue 14), in the terminal's core
on a real SQLite store: who is asked, once across runs, restarts and instances, one
reminder, one area at a time, the answers stored without the person, Q3 masked or
skipped, opting out and back in, stale buttons, and hostile free text."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import inspect, select

from adapters.sql import tables
from adapters.sql.store import SqlStore
from bot.messages import ConversationRef, IncomingMessage, Reply
from bot.service import ConversationService
from bot.survey_job import SurveyRound, ask_surveys, survey_year
from knowledge.base import KnowledgeBase
from routing.ports import SurveyAnswer

MARCH = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
NOV2 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # Monday, November's first business day
ANNA = "@anna.chef:exempelkommun.se"  # bou, from the organisation file
OMAR = "@omar.chef:exempelkommun.se"  # soc
PER = "@per.chef:exempelkommun.se"  # no unit known
OLA = "@ola.strand:exempelkommun.se"  # Intern service's own staff
MARIA = "@maria.lindqvist:exempelkommun.se"  # HR staff
POOLBIL = "hur bokar jag poolbil"  # answered from an Intern service article
HR_QUESTION = "Vilka regler gäller för cykelförmån via bruttolöneavdrag?"  # becomes a ticket


def months(kb: KnowledgeBase, **month: int) -> KnowledgeBase:
    """``kb`` with these areas' survey months (the others keep November)."""
    org = kb.organisation
    areas = tuple(replace(a, survey_month=month.get(a.id, a.survey_month)) for a in org.areas)
    return replace(kb, organisation=replace(org, areas=areas))


def a_day_next_month(after: datetime) -> datetime:
    """The 20th of the month after ``after``, 09.00 UTC: past any month's first business
    day, and within a year of ``after`` (for tests on the real clock)."""
    later = after + timedelta(days=32)
    return datetime(later.year, later.month, 20, 9, 0, tzinfo=UTC)


def asks_in(service: ConversationService, area_id: str, month: int) -> None:
    """The running ``service``'s area ``area_id`` asks in ``month`` from now on."""
    org = service.org
    areas = tuple(replace(a, survey_month=month) if a.id == area_id else a for a in org.areas)
    service.org = replace(org, areas=areas)
    service.kb = replace(service.kb, organisation=service.org)


class Office:
    """Managers and staff talking to one bot (``restart`` starts a new instance on the
    same database), the job run at ``now``."""

    def __init__(self, kb: KnowledgeBase, store: SqlStore) -> None:
        self.kb, self.store, self.now, self.n = kb, store, MARCH, 0
        self.service = self.restart()

    def restart(self) -> ConversationService:
        self.service = ConversationService(self.kb, self.store, clock=lambda: self.now)
        return self.service

    def say(
        self, user: str, text: str, shared: bool = False, about: str | None = None
    ) -> list[Reply]:
        self.n += 1
        room = "!chefer:k" if shared else f"dm:{user}"
        msg = IncomingMessage(
            ConversationRef("matrix", room),
            user,
            text,
            f"e{self.n}",
            shared_in=room if shared else None,
            about=about,
        )
        return self.service.handle(msg)

    def job(self, at: datetime | None = None) -> SurveyRound:
        self.now = at or self.now
        return ask_surveys(self.service, self.now)

    def got(self, user: str, contains: str = "Fråga 1 av 3") -> list[dict[str, Any]]:
        """The messages the job wrote to ``user`` first (not replies) that contain it."""
        with self.store.transaction() as tx:
            items = tx.outbox.pending("matrix", user)
        return [i.payload for i in items if i.kind == "notice" and contains in i.payload["text"]]

    def rows(self) -> list[dict[str, Any]]:
        with self.store.engine.connect() as conn:
            found = conn.execute(select(tables.survey_answers)).mappings()
            return [dict(r) for r in found]


@pytest.fixture
def office(example_kb: KnowledgeBase, sql_store: SqlStore) -> Office:
    return Office(example_kb, sql_store)


def _answer(office: Office, user: str, *texts: str) -> list[Reply]:
    replies: list[Reply] = []
    for text in texts:
        replies = office.say(user, text)
    return replies


def test_the_job_asks_who_used_the_area_this_year_in_their_direct_chat(office: Office) -> None:
    office.say(ANNA, POOLBIL)  # in her direct chat
    office.say(OMAR, POOLBIL, shared=True)  # only where others read: no direct chat
    office.say(OLA, POOLBIL)  # the area's own staff
    office.say(PER, POOLBIL)
    office.say(PER, "inga enkäter")
    office.now = NOV2 - timedelta(days=400)  # the year before last: not this year
    office.say("@gammal.chef:exempelkommun.se", POOLBIL)
    office.now = MARCH
    office.say("@lisa.chef:exempelkommun.se", HR_QUESTION)
    office.say("@lisa.chef:exempelkommun.se", "ja")  # ticket 1 at HR ...
    office.say(MARIA, "flytta 1 it gäller behörigheter")  # ... moved to IT
    result = office.job(NOV2)
    assert result.runs["service"] == {"queued": 1, "no_direct_chat": 1, "opted_out": 1}
    assert result.runs["it"]["queued"] == 1  # Lisa: the ticket is in IT now
    assert result.runs["hr"]["queued"] == 1  # and her question was logged to HR
    [asked] = office.got(ANNA)
    assert "**Intern service**" in asked["text"] and "tre korta frågor, anonymt" in asked["text"]
    assert "inga enkäter" in asked["text"]
    assert asked["about"] == "survey:2026:service:q1" and asked["react"] is True
    assert [c[3] for c in asked["choices"]] == ["1", "2", "3", "4", "5"]
    for nobody in (OMAR, OLA, PER, "@gammal.chef:exempelkommun.se"):
        assert office.got(nobody) == []
    assert len(office.got("@lisa.chef:exempelkommun.se")) == 1  # one area at a time
    with office.store.transaction() as tx:
        [audit] = tx.audit.for_entity("survey", "service")
        assert tx.surveys.asked("service", 2026) == 1
    assert audit.action == "survey_run" and ANNA not in (audit.new or "")
    assert '"queued": 1' in (audit.new or "")


def test_the_month_starts_on_its_first_business_day_and_a_late_bot_still_asks() -> None:
    assert survey_year(datetime(2026, 11, 2, 6, 0, tzinfo=UTC), 11) is None  # 07.00 there
    assert survey_year(datetime(2026, 11, 2, 6, 31, tzinfo=UTC), 11) == 2026
    assert survey_year(datetime(2026, 11, 1, 12, 0, tzinfo=UTC), 11) is None  # a Sunday
    assert survey_year(datetime(2026, 11, 30, 12, 0, tzinfo=UTC), 11) == 2026  # down till now
    assert survey_year(datetime(2026, 12, 1, 12, 0, tzinfo=UTC), 11) is None
    assert survey_year(datetime(2026, 10, 30, 12, 0, tzinfo=UTC), 11) is None
    assert survey_year(datetime(2027, 1, 1, 12, 0, tzinfo=UTC), 1) is None  # nyårsdagen
    assert survey_year(datetime(2027, 1, 4, 12, 0, tzinfo=UTC), 1) == 2027


def test_sent_once_across_runs_restarts_and_a_second_instance(office: Office) -> None:
    office.say(ANNA, POOLBIL)
    office.job(datetime(2026, 10, 30, 9, 0, tzinfo=UTC))  # not the month yet
    assert office.got(ANNA) == []
    office.job(datetime(2026, 11, 20, 9, 0, tzinfo=UTC))  # the bot was away on the 2nd
    office.job()
    office.restart()
    office.job()
    ask_surveys(ConversationService(office.kb, office.store), office.now)  # another instance
    assert len(office.got(ANNA)) == 1
    with office.store.transaction() as tx:
        assert tx.surveys.asked("service", 2026) == 1


def test_one_reminder_a_week_later_and_none_once_finished(office: Office) -> None:
    office.say(ANNA, POOLBIL)
    office.say(OMAR, POOLBIL)
    office.say(PER, POOLBIL)
    office.job(NOV2)
    _answer(office, OMAR, "5", "5", "hoppa över")  # Omar answers at once
    office.job(NOV2 + timedelta(days=6))
    assert office.got(ANNA, "Påminnelse") == []
    office.now = NOV2 + timedelta(days=6, hours=23)
    office.say(PER, "4")  # Per begins just before the week is up: not started over
    office.job(NOV2 + timedelta(days=7, hours=1))
    office.restart()
    office.job()
    office.job(NOV2 + timedelta(days=20))
    [reminder] = office.got(ANNA, "Påminnelse")
    assert "**Intern service**" in reminder["text"] and "Fråga 1 av 3" in reminder["text"]
    assert office.got(OMAR, "Påminnelse") == [] and office.got(PER, "Påminnelse") == []
    _answer(office, ANNA, "2", "3", "Fler bilar")
    _answer(office, PER, "2", "-")
    assert len(office.rows()) == 3


def test_finishing_stores_one_row_without_the_person_and_nothing_before(
    office: Office,
) -> None:
    columns = {c["name"] for c in inspect(office.store.engine).get_columns("survey_answers")}
    assert columns == {"area_id", "unit_id", "year", "supported", "findable", "improve"}
    office.say(ANNA, POOLBIL)
    office.job(NOV2)
    [q2] = office.say(ANNA, "4")
    assert "Fråga 2 av 3" in q2.text and q2.about == "survey:2026:service:q2"
    office.restart()  # the answers so far wait in the conversation, across a restart
    [q3] = office.say(ANNA, "2")
    assert "Fråga 3 av 3" in q3.text and [c.label for c in q3.choices] == ["Hoppa över"]
    assert office.rows() == []  # half answered: no row to link to a time
    [thanks] = office.say(ANNA, "Tydligare skyltning i garaget")
    assert "Tack för dina svar" in thanks.text and "sparas utan ditt namn" in thanks.text
    [row] = office.rows()
    assert row == {
        "area_id": "service",
        "unit_id": "bou",
        "year": 2026,
        "supported": 4,
        "findable": 2,
        "improve": "Tydligare skyltning i garaget",
    }
    with office.store.transaction() as tx:
        assert tx.surveys.answers("service", 2026) == [
            SurveyAnswer("service", "bou", 2026, 4, 2, "Tydligare skyltning i garaget")
        ]
    [after] = office.say(ANNA, "5")  # the survey is over: a 5 is no answer now
    assert "Fråga" not in after.text and len(office.rows()) == 1


def test_the_free_text_is_stored_masked_and_nowhere_as_written(office: Office) -> None:
    office.say(ANNA, POOLBIL)
    office.job(NOV2)
    wrote = (
        "Ola Strand svarade snabbt! Ring mig på 070-123 45 67 eller skriv till "
        "anna.chef@exempelkommun.se, mitt pnr är 19121212-1212"
    )
    _answer(office, ANNA, "5", "4", wrote)
    [row] = office.rows()
    assert row["improve"] == (
        "[namn] svarade snabbt! Ring mig på [telefon] eller skriv till [e-post], "
        "mitt pnr är [personnummer]"
    )
    with office.store.engine.connect() as conn:  # not in any table, in any form
        for table in tables.metadata.sorted_tables:
            for found in conn.execute(select(table)).all():
                assert "070-123" not in str(found) and "1212-1212" not in str(found)


@pytest.mark.parametrize("skip", ["hoppa över", "nej", "-", "Hoppa över."])
def test_the_third_question_can_be_skipped(office: Office, skip: str) -> None:
    office.say(ANNA, POOLBIL)
    office.job(NOV2)
    [thanks] = _answer(office, ANNA, "3", "hoppa över", skip)
    assert "Tack för dina svar" in thanks.text
    assert office.rows() == [
        {
            "area_id": "service",
            "unit_id": "bou",
            "year": 2026,
            "supported": 3,
            "findable": None,
            "improve": None,
        }
    ]


def test_all_three_skipped_stores_nothing_and_is_not_reminded(office: Office) -> None:
    office.say(PER, POOLBIL)
    office.job(NOV2)
    [done] = _answer(office, PER, "hoppa över", "-", "nej")
    assert "inga svar om Intern service" in done.text
    office.job(NOV2 + timedelta(days=8))
    assert office.rows() == [] and office.got(PER, "Påminnelse") == []


def test_a_question_or_a_command_meanwhile_and_other_text(office: Office) -> None:
    office.say(ANNA, POOLBIL)
    office.job(NOV2)
    [again] = office.say(ANNA, "7")
    assert "siffra från 1 till 5" in again.text
    [help_] = office.say(ANNA, "hjälp")  # a command runs, the survey still waits
    assert "inga enkäter" in help_.text
    [q2] = office.say(ANNA, "4")
    assert "Fråga 2 av 3" in q2.text
    answered = office.say(ANNA, POOLBIL)  # her own question is answered as usual
    assert "Boka en gemensam bil" in answered[0].text
    assert office.rows() == []


def test_opt_out_then_back_in(office: Office) -> None:
    kb = months(office.kb, hr=12)
    office.kb = kb
    office.restart()
    office.say(ANNA, POOLBIL)
    office.say(ANNA, HR_QUESTION)
    office.say(ANNA, "ja")  # HR, asked in December
    [off] = office.say(ANNA, "inga enkäter")
    assert "inga fler enkäter" in off.text and "enkäter" in off.text
    assert office.job(NOV2).runs["service"]["opted_out"] == 1
    assert office.got(ANNA) == []
    [on] = office.say(ANNA, "ja till enkäter")
    assert "du får enkäterna igen" in on.text
    office.job(NOV2 + timedelta(days=1))
    assert office.got(ANNA) == []  # November's run is over: asked no more this year
    office.job(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    [hr] = office.got(ANNA)
    assert "**HR**" in hr["text"]
    _answer(office, ANNA, "4")
    [off] = office.say(ANNA, "no surveys")  # opted out halfway: the rest is not asked
    assert "inga fler enkäter" in off.text  # in her language, whichever alias
    office.say(ANNA, "5")
    office.job(datetime(2026, 12, 9, 9, 0, tzinfo=UTC))
    assert office.rows() == [] and office.got(ANNA, "Påminnelse") == []


def test_a_stale_button_stores_nothing_twice_and_answers_no_other_question(
    office: Office,
) -> None:
    office.say(ANNA, POOLBIL)
    office.job(NOV2)
    q1, q2 = "survey:2026:service:q1", "survey:2026:service:q2"
    [to_q2] = office.say(ANNA, "4", about=q1)  # the button on the first question
    assert "Fråga 2 av 3" in to_q2.text
    [stale] = office.say(ANNA, "1", about=q1)  # the first question's button again
    assert "tidigare meddelande" in stale.text
    [to_q3] = office.say(ANNA, "5", about=q2)
    assert "Fråga 3 av 3" in to_q3.text
    office.say(ANNA, "hoppa över")
    [late] = office.say(ANNA, "2", about=q2)  # after the end
    assert "tidigare meddelande" in late.text
    assert [(r["supported"], r["findable"]) for r in office.rows()] == [(4, 5)]


def test_nul_and_huge_free_text(office: Office) -> None:
    office.say(ANNA, POOLBIL)
    office.say(OMAR, POOLBIL)
    office.job(NOV2)
    [refused] = _answer(office, ANNA, "4", "4", "x" * 5000)  # over the message limit
    assert "för långt" in refused.text and office.rows() == []
    [thanks] = office.say(ANNA, "Bättre\x00 skyltar " + "mycket " * 400)  # under it, long
    assert "Tack för dina svar" in thanks.text
    [row] = office.rows()
    assert row["improve"].startswith("Bättre skyltar mycket") and "\x00" not in row["improve"]
    assert len(row["improve"]) == 500 and row["improve"].endswith("…")


def test_one_area_at_a_time_the_next_with_the_thanks(office: Office) -> None:
    office.say(ANNA, POOLBIL)
    office.say(ANNA, HR_QUESTION)
    office.say(ANNA, "ja")
    office.job(NOV2)  # HR and Intern service both in November
    [first] = office.got(ANNA)
    assert "**HR**" in first["text"]
    office.job(NOV2 + timedelta(hours=1))
    assert len(office.got(ANNA)) == 1  # the second waits for the first
    assert _answer(office, ANNA, "5", "4", "hoppa över") == []  # the reply is the next send
    [thanks_and_next] = office.got(ANNA, "Intern service")
    text = thanks_and_next["text"]
    assert text.index("Tack för dina svar") < text.index("**Intern service**")
    assert "Fråga 1 av 3" in text
    _answer(office, ANNA, "3", "3", "-")
    with office.store.transaction() as tx:
        assert [a.area_id for a in tx.surveys.answers("hr", 2026)] == ["hr"]
        assert [a.area_id for a in tx.surveys.answers("service", 2026)] == ["service"]
        assert tx.surveys.asked("hr", 2026) == tx.surveys.asked("service", 2026) == 1


def test_the_next_area_goes_a_week_after_a_reminder_nobody_answered(office: Office) -> None:
    office.say(ANNA, POOLBIL)
    office.say(ANNA, HR_QUESTION)
    office.say(ANNA, "ja")
    office.job(NOV2)
    office.job(NOV2 + timedelta(days=8))  # HR's reminder; Intern service still waits
    assert len(office.got(ANNA, "Påminnelse")) == 1
    assert office.got(ANNA, "Intern service") == []
    office.job(NOV2 + timedelta(days=16))  # a week after the reminder: the next area
    [service] = office.got(ANNA, "Intern service")
    assert service["about"] == "survey:2026:service:q1"


def test_a_conversation_in_progress_is_not_interrupted(office: Office) -> None:
    office.say(ANNA, POOLBIL)
    office.now = NOV2
    [offer] = office.say(ANNA, HR_QUESTION)  # "shall I send it on?" waits for her ja
    assert offer.offers_route
    office.job(NOV2 + timedelta(minutes=1))
    assert office.got(ANNA) == []  # not now: her "ja" is for the offer
    [routed] = office.say(ANNA, "ja")
    assert routed.ticket_id is not None
    office.job(NOV2 + timedelta(minutes=2))
    assert len(office.got(ANNA)) == 1  # the conversation waits on nothing now
    office.now = NOV2 + timedelta(days=30)
    office.say(OMAR, POOLBIL)  # an answer waits on his ja/nej, never given
    office.job(NOV2 + timedelta(days=30, hours=1))
    assert office.got(OMAR) == []  # a new run is a year away; but an old offer is no bar:
    with office.store.transaction() as tx:
        tx.surveys.queue(OMAR, "it", 2026)
    office.job(NOV2 + timedelta(days=30, hours=1))
    assert office.got(OMAR, "IT-drift") != []


def test_retention_clears_the_free_text_once_the_cutoff_has_left_its_year(
    example_kb: KnowledgeBase, any_store: SqlStore
) -> None:
    from bot.jobs import apply_retention

    with any_store.transaction() as tx:
        for n, year in enumerate((2025, 2026)):
            tx.surveys.queue(f"@u{n}:k", "hr", year)
            tx.surveys.mark_sent(f"@u{n}:k", "hr", year, NOV2)
            tx.surveys.finish(
                f"@u{n}:k", "hr", year, SurveyAnswer("hr", "bou", year, 4, 4, f"Text {year}")
            )
    now = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
    service = ConversationService(example_kb, any_store, clock=lambda: now)
    result = apply_retention(service, days=90, decision="KS 2026-05-12 § 45")  # cutoff 2026
    assert result.detail["survey_answers.improve"] == 1
    with any_store.transaction() as tx:
        assert [a.improve for a in tx.surveys.answers("hr", 2025)] == [None]  # counts stay
        assert [a.improve for a in tx.surveys.answers("hr", 2026)] == ["Text 2026"]


def test_two_instances_running_the_job_at_once_ask_once(
    example_kb: KnowledgeBase, any_store: SqlStore
) -> None:
    import threading

    office = Office(example_kb, any_store)
    office.say(ANNA, POOLBIL)
    office.say(OMAR, POOLBIL)
    barrier = threading.Barrier(4)
    rounds: list[SurveyRound] = []
    errors: list[BaseException] = []

    def instance() -> None:
        try:
            service = ConversationService(example_kb, any_store, clock=lambda: NOV2)
            barrier.wait()
            rounds.append(ask_surveys(service, NOV2))
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=instance) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    assert errors == []
    assert sum("service" in r.runs for r in rounds) == 1  # one run decided who is asked
    assert sum(r.sent for r in rounds) == 2
    assert len(office.got(ANNA)) == len(office.got(OMAR)) == 1
