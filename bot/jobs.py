"""Periodic jobs: SLA escalation and retention. Each runs in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.messages import Reply, ReplyKind
from bot.notify import escalation
from bot.service import ConversationService
from routing.ports import AuditEntry, Outgoing


def escalate_overdue(service: ConversationService, now: datetime | None = None) -> list[int]:
    """Escalate each unclaimed ticket past its claim target to the area's lead, once."""
    now = now or service.clock()
    t = service.texts()
    with service.store.transaction() as tx:
        tickets = service.desk.escalate_overdue(tx, now)
        for ticket in tickets:
            for item in escalation(service.org, ticket, t):
                tx.outbox.add(item, now)
            area = service.org.area(ticket.area_id)
            if area is not None and area.lead_user:  # the lead also hears it in the terminal
                text = t("escalated", ticket=ticket.id, area=area.name,
                         claim_due=t.time(ticket.claim_due), lead=area.lead)
                tx.outbox.add(Outgoing(
                    channel="cli", conversation_id=f"terminal:{area.lead_user}",
                    user_id=area.lead_user, kind="escalation",
                    payload=Reply(ReplyKind.NOTICE, text, ticket_id=ticket.id).to_payload(),
                    dedupe_key=f"escalation:{ticket.id}:cli",
                ), now)
    return [tk.id for tk in tickets]


class RetentionNotConfigured(Exception):
    """No retention decision is configured, so nothing may be deleted."""


@dataclass(frozen=True)
class RetentionResult:
    cutoff: datetime
    cleared: int
    decision: str


def apply_retention(
    service: ConversationService, days: int | None, decision: str | None,
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
        tx.audit.append(AuditEntry(now, "stodbot", "retention", "questions", "*",
                                   None, f'{{"cutoff": "{cutoff.isoformat()}", "cleared": {cleared}, '
                                         f'"decision": "{decision}"}}'))
    return RetentionResult(cutoff, cleared, decision)


def post_weekly(service: ConversationService, week: str, text: str,
                now: datetime | None = None) -> list[str]:
    """Queue the weekly summary for the leadership room and channel: once per week and
    destination, ever (the outbox's dedupe key), so a restart or a second run posts nothing."""
    now = now or service.clock()
    org = service.org
    queued = []
    with service.store.transaction() as tx:
        for channel, target in (("matrix", org.leadership_room), ("teams", org.leadership_channel)):
            if not target:
                continue
            item = Outgoing(channel=channel, conversation_id=target, kind="weekly",
                            payload={"text": text, "week": week},
                            dedupe_key=f"weekly:{week}:{channel}:{target}")
            if tx.outbox.add(item, now) is not None:
                queued.append(f"{channel}:{target}")
    return queued
