"""The job behind the yearly question to the people an area served (issue 14).

Each area is asked about in its ``survey_month``, from the month's first business day
at the weekly post time on (``scheduled_month``), or on any later day of that month if
the bot was away: once per area and year (``tx.surveys.start_run``), the run decides
who is asked: everyone with a question logged to the area or a ticket in it in the
twelve months before, not its own staff, not those who opted out, and only those with
a direct chat with the bot (the others are counted). Their sends are queued; each
person gets one area's questions at a time (the next when they finish, or a week after
the last was asked if they never do), and one reminder a week after a send that was
not finished. Every message has its outbox key, so a restart or a second instance
sends nothing twice. The run is audited with its counts, never per person.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.jobs import scheduled_month
from bot.notify import state_key
from bot.service import ConversationService
from bot.state import SURVEY_STEPS, Awaiting, ConversationState
from bot.survey import remind, start_next
from knowledge.model import Area
from routing.desk import SYSTEM
from routing.ports import AuditEntry, Tx

USED_WITHIN = timedelta(days=365)  # "during the year": the twelve months before the run
REMIND_AFTER = timedelta(days=7)
REMIND_WITHIN = timedelta(days=28)  # a send older than this is not reminded any more
TALKING = timedelta(minutes=30)  # a conversation this fresh is not interrupted


@dataclass(frozen=True)
class SurveyRound:
    """What one round of the job did: per area run now, the counts of its run; and how
    many questions and reminders went out."""

    runs: dict[str, dict[str, int]] = field(default_factory=dict)
    sent: int = 0
    reminded: int = 0


def survey_year(now: datetime, month: int, at: str = "07:30") -> int | None:
    """The year whose survey of ``month`` is due at ``now``: from the month's first
    business day at ``at`` (Stockholm time) to its end. None outside that."""
    due = scheduled_month(now, at)
    if due is None or int(due[5:]) != month:
        return None
    return int(due[:4])


def ask_surveys(
    service: ConversationService, now: datetime | None = None, at: str = "07:30"
) -> SurveyRound:
    """One round: the runs that are due, the reminders that are due, then the queued
    sends of everyone not in the middle of another area's questions."""
    now = now or service.clock()
    runs = {}
    for area in service.org.areas:
        year = survey_year(now, area.survey_month, at)
        if year is not None:
            counts = _run(service, area, year, now)
            if counts is not None:
                runs[area.id] = counts
    reminded = _remind_due(service, now)
    return SurveyRound(runs, _send_queued(service, now), reminded)


def respondents(service: ConversationService, tx: Tx, area: Area, now: datetime) -> list[str]:
    """Who used ``area`` in the twelve months before ``now`` (a question logged to it,
    or a ticket in it), but not its own staff."""
    start = now - USED_WITHIN
    users = {q.user_id for q in tx.questions.between(start, now) if q.area_id == area.id}
    users |= {t.asker_id for t in tx.tickets.created_between(start, now) if t.area_id == area.id}
    return sorted(u for u in users if not service.roles.is_staff(u, area.id))


def _run(
    service: ConversationService, area: Area, year: int, now: datetime
) -> dict[str, int] | None:
    """Queue ``area``'s sends of ``year``, once ever (None when it ran before)."""
    with service.store.transaction() as tx:
        if not tx.surveys.start_run(area.id, year, now):
            return None
        counts = {"queued": 0, "no_direct_chat": 0, "opted_out": 0}
        for user in respondents(service, tx, area, now):
            if tx.surveys.opted_out(user):
                counts["opted_out"] += 1
            elif tx.people.direct(user) is None:
                counts["no_direct_chat"] += 1
            elif tx.surveys.queue(user, area.id, year):
                counts["queued"] += 1
        record = json.dumps({"year": year, **counts}, sort_keys=True)
        tx.audit.append(AuditEntry(now, SYSTEM, "survey_run", "survey", area.id, None, record))
    return counts


def _direct_state(tx: Tx, user_id: str) -> tuple[ConversationState, datetime | None]:
    """What the person's direct chat waits on, and since when."""
    where = tx.people.direct(user_id)
    if where is None:
        return ConversationState(), None
    key = state_key(where.channel, where.conversation_id, user_id)
    return ConversationState.from_dict(tx.states.get(key)), tx.states.updated_at(key)


def waiting_on(tx: Tx, user_id: str) -> ConversationState | None:
    """The survey question the person's direct chat waits on, if any."""
    state, _ = _direct_state(tx, user_id)
    if state.awaiting not in SURVEY_STEPS or state.area_id is None or state.year is None:
        return None
    return state


def busy(tx: Tx, user_id: str, now: datetime, but: tuple[str, int] | None = None) -> bool:
    """Whether the questions must wait: the person is talking with the bot right now
    (their direct chat waits on something else, since less than ``TALKING``: a "ja"
    meant for "shall I send it on?" must not become an answer), or is in the middle
    of an area's questions (other than ``but``, an area and year), asked less than a
    week ago."""
    state, since = _direct_state(tx, user_id)
    if state.awaiting is Awaiting.NOTHING:
        return False
    if state.awaiting not in SURVEY_STEPS:
        return since is not None and since > now - TALKING
    if state.area_id is None or state.year is None or (state.area_id, state.year) == but:
        return False
    send = tx.surveys.send(user_id, state.area_id, state.year)
    if send is None or send.finished or send.sent_at is None:
        return False
    return (send.reminded_at or send.sent_at) > now - REMIND_AFTER


def _answering(tx: Tx, user_id: str, area_id: str, year: int) -> bool:
    """They have begun answering this survey: a reminder would start it over."""
    state = waiting_on(tx, user_id)
    return (
        state is not None
        and (state.area_id, state.year) == (area_id, year)
        and state.awaiting is not Awaiting.SURVEY_SUPPORTED
    )


def _remind_due(service: ConversationService, now: datetime) -> int:
    with service.store.transaction() as tx:
        due = [
            s
            for s in tx.surveys.due_reminders(now - REMIND_AFTER)
            if s.sent_at is not None and s.sent_at > now - REMIND_WITHIN
        ]
    reminded = 0
    for send in due:
        area = service.org.area(send.area_id)
        if area is None:
            continue
        with service.store.transaction() as tx:
            if tx.surveys.opted_out(send.user_id):
                continue
            if busy(tx, send.user_id, now, but=(send.area_id, send.year)):
                continue  # after the other area's questions
            if _answering(tx, send.user_id, send.area_id, send.year):
                continue
            reminded += remind(service, tx, send.user_id, area, send.year, now)
    return reminded


def _send_queued(service: ConversationService, now: datetime) -> int:
    with service.store.transaction() as tx:
        people = list(dict.fromkeys(s.user_id for s in tx.surveys.queued()))
    sent = 0
    for user in people:
        with service.store.transaction() as tx:
            if not busy(tx, user, now) and start_next(service, tx, user, now) is not None:
                sent += 1
    return sent
