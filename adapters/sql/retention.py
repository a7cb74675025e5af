"""What `retention apply` clears and `retention plan` counts, per area: one list of
steps, so that the dry run and the deletion cannot disagree. Every text column that
holds what people wrote is here; tests/hostile/test_retention_reach.py checks it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, delete, func, or_, select, true, update
from sqlalchemy.sql.elements import ColumnElement

from adapters.sql import tables as t
from adapters.sql.tables import as_utc
from routing.calendar import STOCKHOLM
from routing.registration import CHANNEL as REGISTRY
from routing.retention import SHARED, Cutoffs, Due, Group
from routing.tickets import Status

Where = ColumnElement[bool]


@dataclass(frozen=True)
class Step:
    name: str  # table.column, as the audit entry and the plan name it
    table: Any
    area: Any | None  # the column that gives the row's area; None: a shared table
    time: Any  # the column compared with the cutoff
    holds: Callable[[Any], Where]  # rows that still hold text: (the cutoff) -> condition
    act: Callable[[Where], Any]  # the UPDATE or DELETE of the rows matched


_q, _tk, _ev, _ib, _ob = t.questions, t.tickets, t.ticket_events, t.inbox, t.outbox
_sg, _cs, _sa = t.suggestions, t.conversation_states, t.survey_answers
_CLOSED = _tk.c.status == Status.CLOSED.value
# an event belongs to its ticket's record: it goes with the ticket, under its area
_EVENT_AREA = select(_tk.c.area_id).where(_tk.c.id == _ev.c.ticket_id).scalar_subquery()


def _year(cutoff: datetime) -> int:
    return cutoff.astimezone(STOCKHOLM).year


STEPS: tuple[Step, ...] = (
    Step(
        "questions.text",
        _q,
        _q.c.area_id,
        _q.c.asked_at,
        lambda c: and_(_q.c.asked_at < c, _q.c.text.is_not(None)),
        lambda w: update(_q).where(w).values(text=None),
    ),
    Step(  # closed tickets only: an open case is still being handled
        "tickets.question",
        _tk,
        _tk.c.area_id,
        _tk.c.created_at,
        lambda c: and_(_tk.c.created_at < c, _CLOSED, _tk.c.question.is_not(None)),
        lambda w: update(_tk).where(w).values(question=None),
    ),
    Step(
        "ticket_events.text",
        _ev,
        _EVENT_AREA,
        _ev.c.at,
        lambda c: and_(
            _ev.c.at < c,
            _ev.c.text.is_not(None),
            _ev.c.ticket_id.in_(select(_tk.c.id).where(and_(_tk.c.created_at < c, _CLOSED))),
        ),
        lambda w: update(_ev).where(w).values(text=None),
    ),
    Step(
        "suggestions.text",
        _sg,
        _sg.c.area_id,
        _sg.c.created_at,
        lambda c: and_(_sg.c.created_at < c, _sg.c.text.is_not(None)),
        lambda w: update(_sg).where(w).values(text=None, status="expired"),
    ),
    Step(  # an answer carries only its year: it goes once the cutoff has left that year
        "survey_answers.improve",
        _sa,
        _sa.c.area_id,
        _sa.c.year,
        lambda c: and_(_sa.c.year < _year(c), _sa.c.improve.is_not(None)),
        lambda w: update(_sa).where(w).values(improve=None),
    ),
    Step(  # handled platform events are emptied
        "inbox.payload",
        _ib,
        None,
        _ib.c.received_at,
        lambda c: and_(
            _ib.c.received_at < c, _ib.c.processed_at.is_not(None), _ib.c.payload != "{}"
        ),
        lambda w: update(_ib).where(w).values(payload="{}"),
    ),
    Step(  # never-handled ones are deleted
        "inbox.unprocessed",
        _ib,
        None,
        _ib.c.received_at,
        lambda c: and_(_ib.c.received_at < c, _ib.c.processed_at.is_(None)),
        lambda w: delete(_ib).where(w),
    ),
    Step(  # sent messages are emptied
        "outbox.payload",
        _ob,
        None,
        _ob.c.created_at,
        lambda c: and_(_ob.c.created_at < c, _ob.c.sent_at.is_not(None), _ob.c.payload != "{}"),
        lambda w: update(_ob).where(w).values(payload="{}"),
    ),
    Step(  # unsent ones are deleted, so nothing empty or stale is ever sent; not a
        # registration still waiting (ids only, no one's text: the record is built
        # when it is sent), or the ticket would never be registered
        "outbox.unsent",
        _ob,
        None,
        _ob.c.created_at,
        lambda c: and_(_ob.c.created_at < c, _ob.c.sent_at.is_(None), _ob.c.channel != REGISTRY),
        lambda w: delete(_ob).where(w),
    ),
    Step(
        "conversation_states",
        _cs,
        None,
        _cs.c.updated_at,
        lambda c: _cs.c.updated_at < c,
        lambda w: delete(_cs).where(w),
    ),
)


def _scope(step: Step, group: Group, cutoffs: Cutoffs) -> Where | None:
    """The rows of ``step`` that ``group``'s cutoff governs (None: none of them)."""
    if step.area is None:
        return true() if group.name == SHARED else None
    if group.name == SHARED:
        return None
    own = [a.name for a in cutoffs.areas]
    if group is cutoffs.default:
        return or_(step.area.is_(None), step.area.not_in(own)) if own else true()
    return step.area == group.name


def purge(conn: Connection, cutoffs: Cutoffs) -> dict[str, dict[str, int]]:
    """Clear every step under each group's cutoff; rows per group and ``table.column``."""
    out: dict[str, dict[str, int]] = {}
    for group in cutoffs.all:
        rows = out.setdefault(group.name, {})
        for step in STEPS:
            scope = _scope(step, group, cutoffs)
            if scope is not None:
                done = conn.execute(step.act(and_(scope, step.holds(group.cutoff))))
                rows[step.name] = int(done.rowcount or 0)
    return out


def _clears_at(step: Step, value: Any, days: int) -> datetime:
    """When a row with ``value`` in the step's time column is first reached."""
    if step.name == "survey_answers.improve":  # the first cutoff in the following year
        start = datetime(int(value) + 1, 1, 1, tzinfo=STOCKHOLM)
        return start + timedelta(days=days)
    return as_utc(value) + timedelta(days=days)


def forecast(conn: Connection, cutoffs: Cutoffs, horizon_days: int) -> list[Due]:
    """A dry run: per step and area, the rows reached now and when more will be, up to
    ``horizon_days`` on. Reads only."""
    later = cutoffs.later(horizon_days)
    ahead = {g.name: g for g in later.all}
    out: list[Due] = []
    for group in cutoffs.all:
        for step in STEPS:
            scope = _scope(step, group, cutoffs)
            if scope is None:
                continue
            label = step.area.label("area") if step.area is not None else None
            now_q = select(*(x for x in (label,) if x is not None), func.count())
            now_q = now_q.select_from(step.table).where(and_(scope, step.holds(group.cutoff)))
            if label is not None:
                now_q = now_q.group_by(label)
            counts: dict[str | None, int] = {}
            for row in conn.execute(now_q):
                counts[row[0] if label is not None else None] = int(row[-1])
            soon = select(*(x for x in (label,) if x is not None), step.time).where(
                and_(
                    scope,
                    step.holds(ahead[group.name].cutoff),
                    ~step.holds(group.cutoff),
                )
            )
            upcoming: dict[str | None, list[datetime]] = {}
            for row in conn.execute(soon):
                key = row[0] if label is not None else None
                upcoming.setdefault(key, []).append(_clears_at(step, row[-1], group.days))
            for key in sorted(counts.keys() | upcoming.keys(), key=lambda k: k or ""):
                out.append(
                    Due(
                        step.name,
                        key,
                        group.name,
                        group.days,
                        counts.get(key, 0),
                        tuple(sorted(upcoming.get(key, []))),
                    )
                )
    return out
