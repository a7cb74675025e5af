"""Periodic jobs: SLA escalation, closing answered tickets left alone, retention, the
weekly post, and the area leads' weekly suggestions and monthly reviews."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from bot.editor import suggestion_reply
from bot.links import signed_link
from bot.messages import Reply
from bot.notify import (
    area_notice,
    ask_rating_later,
    escalation,
    state_key,
    ticket_card,
    to_asker,
)
from bot.reports import load_summary
from bot.reviews import due_for_review, reviews_reply
from bot.service import ConversationService
from bot.state import Awaiting, ConversationState
from routing.calendar import STOCKHOLM, BusinessCalendar
from routing.desk import SYSTEM
from routing.ports import AuditEntry, Outgoing, Tx
from routing.report import week_of
from routing.retention import DEFAULT, BadDays, Cutoffs, Due, cutoffs
from routing.summary import Summary
from routing.tickets import Status, Ticket, WrongState


def escalate_overdue(service: ConversationService, now: datetime | None = None) -> list[int]:
    """Escalate each unclaimed ticket past its claim target to the area's lead, once."""
    now = now or service.clock()
    with service.store.transaction() as tx:
        tickets = service.desk.escalate_overdue(tx, now)
        for ticket in tickets:
            for item in escalation(service.org, ticket, service.texts()):
                tx.outbox.add(item, now)
            for item in ticket_card(service.org, ticket, service.texts(), kind="ticket_update"):
                tx.outbox.add(item, now)  # the card says so too
    return [tk.id for tk in tickets]


class RetentionNotConfigured(Exception):
    """No retention decision is configured, so nothing may be deleted."""


class RetentionRefused(Exception):
    """A retention setting that must not be acted on; ``setting`` names it."""

    def __init__(self, setting: str) -> None:
        super().__init__(setting)
        self.setting = setting


@dataclass(frozen=True)
class RetentionResult:
    cutoff: datetime  # the default cutoff (areas without their own days)
    cleared: int  # question texts (the demand log's and the tickets')
    decision: str
    detail: dict[str, int] = field(default_factory=dict)  # rows per table.column, all areas
    groups: dict[str, dict[str, int]] = field(default_factory=dict)  # per area/group
    cutoffs: Cutoffs | None = None


def retention_cutoffs(
    service: ConversationService, days: int | None, now: datetime | None = None
) -> Cutoffs:
    """Each area's cutoff from the organisation file's ``retention_days``; ``days`` is
    the default for the rest and for rows without an area."""
    if days is None:
        raise RetentionNotConfigured
    own = {a.id: a.retention_days for a in service.org.areas if a.retention_days is not None}
    try:
        return cutoffs(now or service.clock(), days, own)
    except BadDays as exc:
        name = "days" if exc.name == DEFAULT else f"{exc.name}.retention_days"
        raise RetentionRefused(name) from None


def apply_retention(
    service: ConversationService,
    days: int | None,
    decision: str | None,
    now: datetime | None = None,
) -> RetentionResult:
    """Remove what people wrote older than each area's days (``days`` for the rest), only
    under a configured decision. Counts stay (the demand log keeps its rows without
    text); the audit log records each group's days, cutoff and rows."""
    if days is None or decision is None:
        raise RetentionNotConfigured
    if days < 1:
        raise RetentionRefused("days")
    decision = decision.strip()
    if not decision:
        raise RetentionRefused("decision")
    now = now or service.clock()
    plan = retention_cutoffs(service, days, now)
    with service.store.transaction() as tx:
        groups = tx.questions.purge_text(plan)
        detail: dict[str, int] = {}
        for rows in groups.values():
            for name, n in rows.items():
                detail[name] = detail.get(name, 0) + n
        cleared = detail.get("questions.text", 0) + detail.get("tickets.question", 0)
        record = {
            "cutoff": plan.default.cutoff.isoformat(),
            "cleared": cleared,
            "decision": decision,
            "rows": detail,
            "groups": {
                g.name: {"days": g.days, "cutoff": g.cutoff.isoformat(), "rows": groups[g.name]}
                for g in plan.all
            },
        }
        tx.audit.append(
            AuditEntry(
                now,
                SYSTEM,
                "retention",
                "questions",
                "*",
                None,
                json.dumps(record, ensure_ascii=False, sort_keys=True),
            )
        )
    return RetentionResult(plan.default.cutoff, cleared, decision, detail, groups, plan)


def retention_plan(
    service: ConversationService,
    days: int | None,
    horizon_days: int = 92,
    now: datetime | None = None,
) -> tuple[Cutoffs, list[Due]]:
    """A dry run of ``apply_retention``: what each area's cutoff reaches now and on which
    days more will be reached within ``horizon_days``. Reads only; needs no decision."""
    plan = retention_cutoffs(service, days, now)
    with service.store.transaction() as tx:
        return plan, tx.questions.retention_forecast(plan, horizon_days)


@dataclass(frozen=True)
class IdleResult:
    noticed: list[int]
    closed: list[int]


def close_idle(service: ConversationService, days: int, now: datetime | None = None) -> IdleResult:
    """Answered tickets nobody confirmed: tell the asker a business day before, then close
    them ``days`` business days after the answer (Desk.close_idle). One transaction per
    ticket, so a long list never holds the audit log's lock for long."""
    now = now or service.clock()
    with service.store.transaction() as tx:
        # a business day is at least a calendar day: nothing newer can be due
        ids = tx.tickets.resolved_before(now - timedelta(days=max(days - 1, 0)))
    result = IdleResult([], [])
    for ticket_id in ids:
        try:
            what = _close_one(service, ticket_id, now, days)
        except WrongState:  # changed meanwhile (answered, reopened, another instance)
            continue
        if what is not None:
            (result.noticed if what == "notice" else result.closed).append(ticket_id)
    return result


def _close_one(
    service: ConversationService, ticket_id: int, now: datetime, days: int
) -> str | None:
    with service.store.transaction() as tx:
        step = service.desk.close_idle(tx, ticket_id, now, days)
        if step is None:
            return None
        what, ticket, closes = step
        t = service.texts(ticket.language)
        area = (service.org.area(ticket.area_id) or service.org.triage).name
        if what == "notice":
            text = t("close_notice", ticket=ticket.id, area=area, closes=t.time(closes))
            tx.outbox.add(to_asker(ticket, text), now)
            return what
        _forget_ticket_feedback(tx, ticket, now)
        ask_rating_later(tx, ticket, now, t("auto_closed", ticket=ticket.id))  # one message
        for item in ticket_card(service.org, ticket, service.texts(), kind="ticket_update"):
            tx.outbox.add(item, now)
        return what


def chase_waiting(
    service: ConversationService,
    remind_days: int = 2,
    close_days: int = 5,
    now: datetime | None = None,
) -> IdleResult:
    """Tickets waiting for their asker (``fråga 42 …``): a reminder to the asker after
    ``remind_days`` business days, and closed after ``close_days``, with a message to
    the asker and the card updated for staff (Desk.chase_waiting). Once each, across
    restarts and instances: the ticket's events and version decide."""
    now = now or service.clock()
    with service.store.transaction() as tx:
        waiting = tx.tickets.queue([a.id for a in service.org.areas], [Status.WAITING])
    result = IdleResult([], [])
    for ticket in waiting:
        try:
            with service.store.transaction() as tx:
                step = service.desk.chase_waiting(tx, ticket.id, now, remind_days, close_days)
                if step is None:
                    continue
                what, current = step
                t = service.texts(current.language)
                area = (service.org.area(current.area_id) or service.org.triage).name
                if what == "reminder":
                    text = t("waiting_reminder", ticket=current.id, area=area)
                    tx.outbox.add(to_asker(current, text), now)
                    result.noticed.append(current.id)
                    continue
                text = t("waiting_closed", ticket=current.id, area=area)
                tx.outbox.add(to_asker(current, text), now)
                _forget_ticket_info(tx, current, now)
                for item in ticket_card(
                    service.org, current, service.texts(), kind="ticket_update"
                ):
                    tx.outbox.add(item, now)
                result.closed.append(current.id)
        except WrongState:  # changed meanwhile (the asker answered, another instance)
            continue
    return result


def _forget_ticket_info(tx: Tx, ticket: Ticket, now: datetime) -> None:
    key = state_key(ticket.channel, ticket.conversation_id, ticket.asker_id)
    state = ConversationState.from_dict(tx.states.get(key))
    if state.awaiting is Awaiting.TICKET_INFO and state.ticket_id == ticket.id:
        tx.states.put(key, ConversationState().to_dict(), now)


def _forget_ticket_feedback(tx: Tx, ticket: Ticket, now: datetime) -> None:
    """The asker's pending "did it solve it?" for this ticket has been answered by time."""
    key = state_key(ticket.channel, ticket.conversation_id, ticket.asker_id)
    state = ConversationState.from_dict(tx.states.get(key))
    if state.awaiting is Awaiting.TICKET_FEEDBACK and state.ticket_id == ticket.id:
        tx.states.put(key, ConversationState().to_dict(), now)


def post_weekly(
    service: ConversationService,
    week: str,
    public_url: str | None = None,
    secret: str | None = None,
    now: datetime | None = None,
    render: Callable[[Summary, str | None], tuple[str, bytes | None]] | None = None,
) -> list[str]:
    """Queue the weekly summary for the leadership room and channel: once per week and
    destination, ever (the outbox's dedupe key), so a restart or a second run posts nothing.
    ``render`` turns the summary and the page link into the post's text and chart image."""
    now = now or service.clock()
    org = service.org
    targets = [
        (c, t) for c, t in (("matrix", org.leadership_room), ("teams", org.leadership_channel)) if t
    ]
    if not targets:
        return []
    with service.store.transaction() as tx:
        if all(tx.outbox.exists(f"weekly:{week}:{c}:{t}") for c, t in targets):
            return []
    summary = load_summary(service, week, now)
    page = signed_link(public_url, secret, week, now) if public_url and secret else None
    text, image = render(summary, page) if render else (f"Efterfrågan på stöd {week}", None)
    queued = []
    with service.store.transaction() as tx:
        for channel, target in targets:
            payload: dict[str, object] = {"text": text, "week": week, "link": page}
            if image is not None:
                payload["image_png_b64"] = base64.b64encode(image).decode("ascii")
            item = Outgoing(
                channel=channel,
                conversation_id=target,
                kind="weekly",
                payload=payload,
                dedupe_key=f"weekly:{week}:{channel}:{target}",
            )
            if tx.outbox.add(item, now) is not None:
                queued.append(f"{channel}:{target}")
    return queued


def scheduled_week(now: datetime, weekday: int = 0, at: str = "07:30") -> str | None:
    """The week to post, if this week's posting moment (Stockholm time) has passed:
    the last complete week. None before the moment."""
    local = now.astimezone(STOCKHOLM)
    hour, minute = (int(x) for x in at.split(":"))
    moment = (local - timedelta(days=local.weekday() - weekday)).replace(
        hour=hour, minute=minute, second=0, microsecond=0
    )
    if local < moment:
        return None
    return week_of(local - timedelta(days=7))


def scheduled_month(now: datetime, at: str = "07:30") -> str | None:
    """The month ("2026-12") whose review list is due: from its first business day at
    ``at`` (Stockholm time) on. None before that moment."""
    local = now.astimezone(STOCKHOLM)
    first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    calendar = BusinessCalendar()
    while not calendar.is_business_day(first.date()):
        first += timedelta(days=1)
    hour, minute = (int(x) for x in at.split(":"))
    if local < first.replace(hour=hour, minute=minute):
        return None
    return f"{local.year:04d}-{local.month:02d}"


def _to_area_rooms(
    service: ConversationService, area_id: str, key: str, reply: Reply, now: datetime
) -> list[str]:
    """``reply`` (with its buttons) to the area's room and channel, once per ``key`` and
    destination ever (the outbox's dedupe key): a restart or a second instance adds
    nothing. In Matrix the lead is mentioned, so that it reaches them."""
    area = service.org.area(area_id)
    if area is None:
        return []
    queued = []
    with service.store.transaction() as tx:
        for item in area_notice(area, reply.text):
            payload = {**reply.to_payload(), "kind": "notice"}
            if item.channel == "matrix" and (area.lead_user or "").startswith("@"):
                payload["mention"] = area.lead_user
            dedupe = f"{key}:{item.channel}:{item.conversation_id}"
            if tx.outbox.add(replace(item, payload=payload, dedupe_key=dedupe), now) is not None:
                queued.append(f"{item.channel}:{item.conversation_id}")
    return queued


def push_suggestions(
    service: ConversationService, week: str, now: datetime | None = None
) -> list[str]:
    """Once a week, each area whose lead has suggested phrasings waiting gets the first
    with its Godkänn / Hoppa över buttons in its room and channel (deciding one shows
    the next, as ``förslag`` does). Only the area's staff read there
    (``policy.shown_here``), and only its lead can decide."""
    now = now or service.clock()
    queued = []
    for area in service.org.areas:
        if not area.lead_user:
            continue
        with service.store.transaction() as tx:
            waiting = tx.suggestions.pending([area.id])
        if not waiting:
            continue
        t = service.texts()
        first = t("suggestions_weekly", area=area.name, n=len(waiting))
        reply = suggestion_reply(service, t, waiting, first=first)
        queued += _to_area_rooms(service, area.id, f"suggestions:{week}:{area.id}", reply, now)
    return queued


def remind_reviews(
    service: ConversationService, month: str, now: datetime | None = None
) -> list[str]:
    """Once a month, each area's articles past their review date are listed in its
    room and channel, to their owners, with a button marking them reviewed today."""
    now = now or service.clock()
    today = now.astimezone(STOCKHOLM).date()
    queued = []
    for area in service.org.areas:
        due = due_for_review(service.kb.articles, area.id, today)
        if not due:
            continue
        reply = reviews_reply(service.texts(), area.name, due)
        queued += _to_area_rooms(service, area.id, f"reviews:{month}:{area.id}", reply, now)
    return queued
