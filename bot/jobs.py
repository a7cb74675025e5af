"""Periodic jobs: SLA escalation and retention. Each runs in one transaction."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.links import signed_link
from bot.notify import escalation
from bot.reports import load_summary
from bot.service import ConversationService
from routing.calendar import STOCKHOLM
from routing.ports import AuditEntry, Outgoing
from routing.report import week_of
from routing.summary import Summary


def escalate_overdue(service: ConversationService, now: datetime | None = None) -> list[int]:
    """Escalate each unclaimed ticket past its claim target to the area's lead, once."""
    now = now or service.clock()
    with service.store.transaction() as tx:
        tickets = service.desk.escalate_overdue(tx, now)
        for ticket in tickets:
            for item in escalation(service.org, ticket, service.texts()):
                tx.outbox.add(item, now)
    return [tk.id for tk in tickets]


class RetentionNotConfigured(Exception):
    """No retention decision is configured, so nothing may be deleted."""


@dataclass(frozen=True)
class RetentionResult:
    cutoff: datetime
    cleared: int
    decision: str


def apply_retention(
    service: ConversationService,
    days: int | None,
    decision: str | None,
    now: datetime | None = None,
) -> RetentionResult:
    """Remove question text older than ``days``, only under a configured decision.
    Counts stay (the demand log keeps its rows without text); the audit log records it."""
    if not days or not decision:
        raise RetentionNotConfigured
    now = now or service.clock()
    cutoff = now - timedelta(days=days)
    with service.store.transaction() as tx:
        cleared = tx.questions.purge_text_before(cutoff)
        tx.audit.append(
            AuditEntry(
                now,
                "stodbot",
                "retention",
                "questions",
                "*",
                None,
                f'{{"cutoff": "{cutoff.isoformat()}", "cleared": {cleared}, '
                f'"decision": "{decision}"}}',
            )
        )
    return RetentionResult(cutoff, cleared, decision)


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
