"""The service desk: what askers and support staff do with tickets.

Each operation runs inside the caller's transaction (``Tx``), asks the access
policy (``routing/policy.py``) whether the actor may do it, changes the ticket
with a version check (or, for a claim, one conditional UPDATE), records a
ticket event and appends to the audit log. Messages to people are the caller's
business: it gets the changed ticket back.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime

from knowledge.model import Organisation
from routing import registration
from routing.calendar import BusinessCalendar
from routing.policy import AccessPolicy, Act
from routing.ports import AuditEntry, NewTicket, Tx
from routing.roles import Roles
from routing.tickets import (
    ACTIVE,
    CLAIMABLE,
    AlreadyClaimed,
    NotAllowed,
    NotFound,
    NotHere,
    Status,
    Ticket,
    TicketEvent,
    WrongState,
)

SYSTEM = "stodbot"


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


class Desk:
    def __init__(
        self, organisation: Organisation, roles: Roles, calendar: BusinessCalendar
    ) -> None:
        self.org = organisation
        self.roles = roles
        self.calendar = calendar
        self.policy = AccessPolicy(organisation, roles)

    # -- helpers -------------------------------------------------------------------

    def _audit(
        self,
        tx: Tx,
        at: datetime,
        actor: str,
        action: str,
        ticket_id: int,
        old: object = None,
        new: object = None,
    ) -> None:
        tx.audit.append(
            AuditEntry(
                at,
                actor,
                action,
                "ticket",
                str(ticket_id),
                None if old is None else _json(old),
                None if new is None else _json(new),
            )
        )

    def _get(self, tx: Tx, ticket_id: int) -> Ticket:
        ticket = tx.tickets.get(ticket_id)
        if ticket is None:
            raise NotFound(ticket_id)
        return ticket

    def _refused(self, tx: Tx, at: datetime, actor: str, act: Act, ticket: Ticket) -> NotAllowed:
        """A refusal is audited too: the registrator can see who tried what."""
        action = "read_denied" if act is Act.VIEW else f"{act.value}_denied"
        self._audit(tx, at, actor, action, ticket.id)
        return NotAllowed(ticket.id, area=ticket.area_id)

    def _allowed(self, tx: Tx, ticket_id: int, actor: str, act: Act, at: datetime) -> Ticket:
        """The ticket, if the policy lets ``actor`` do ``act`` to it; else NotAllowed."""
        ticket = self._get(tx, ticket_id)
        if not self.policy.decide(actor, act, ticket).allowed:
            raise self._refused(tx, at, actor, act, ticket)
        return ticket

    def _change(
        self, tx: Tx, ticket: Ticket, at: datetime, actor: str, action: str, **changes: object
    ) -> Ticket:
        updated = tx.tickets.update(ticket, **changes)
        if updated is None:  # somebody changed it since we read it
            raise WrongState(ticket.id, status=self._get(tx, ticket.id).status)
        old = {k: getattr(ticket, k) for k in changes}
        self._audit(tx, at, actor, action, ticket.id, old, changes)
        if changes.get("status") is Status.CLOSED:  # closed by any path: registered once
            registration.queue(tx, self.org, updated, "closed", at)
        return updated

    def _event(
        self,
        tx: Tx,
        ticket: Ticket,
        at: datetime,
        actor: str,
        kind: str,
        text: str | None,
        visible: bool,
        area_id: str | None = None,
    ) -> None:
        area = area_id or ticket.area_id
        tx.tickets.add_event(TicketEvent(ticket.id, at, actor, kind, text, visible, area))

    # -- reading -------------------------------------------------------------------

    def read(
        self,
        tx: Tx,
        ticket_id: int,
        actor: str,
        at: datetime,
        via: str = "command",
        shared_in: str | None = None,
    ) -> tuple[Ticket, list[TicketEvent]]:
        """The ticket and the part of its history ``actor`` may see (``via``: the path
        that shows it, for the audit log: command, card, queue; ``shared_in``: the room
        or channel the reply lands in, None for a direct chat)."""
        ticket = self._get(tx, ticket_id)
        events = tx.tickets.events(ticket_id)
        areas = [e.area_id or ticket.original_area_id for e in events]
        decision = self.policy.decide(actor, Act.VIEW, ticket, areas)
        if not decision.allowed:
            raise self._refused(tx, at, actor, Act.VIEW, ticket)
        if not self.policy.shown_here(actor, [ticket.area_id, *areas], shared_in):
            self._audit(tx, at, actor, "read_denied", ticket_id, None, {"where": "shared"})
            raise NotHere(ticket_id)
        if decision.audit:
            self._audit(tx, at, actor, "read", ticket_id, None, {"via": via})
        return ticket, self.policy.visible_events(actor, ticket, events)

    def _listed(
        self,
        tx: Tx,
        at: datetime,
        actor: str,
        tickets: list[Ticket],
        via: str,
        shared_in: str | None,
    ) -> list[Ticket]:
        """Tickets about to be listed: refused where others read along, and each read of
        one written in a confidential area (now or before a move) audited."""
        if not tickets:
            return tickets
        if not self.policy.shown_here(actor, {t.area_id for t in tickets}, shared_in):
            raise NotHere(0)
        for ticket in tickets:
            areas = {e.area_id or ticket.original_area_id for e in tx.tickets.events(ticket.id)}
            if self.policy.confidential(ticket.area_id) or any(
                self.policy.confidential(a) for a in areas
            ):
                self._audit(tx, at, actor, "read", ticket.id, None, {"via": via})
        return tickets

    def queue(
        self,
        tx: Tx,
        actor: str,
        area_ids: list[str],
        at: datetime,
        limit: int = 30,
        shared_in: str | None = None,
    ) -> list[Ticket]:
        """The active tickets of those of ``area_ids`` that ``actor`` is staff of."""
        mine = [a for a in area_ids if self.roles.is_staff(actor, a)]
        tickets = tx.tickets.queue(mine, ACTIVE)[:limit] if mine else []
        return self._listed(tx, at, actor, tickets, "queue", shared_in)

    def of_asker(
        self, tx: Tx, actor: str, at: datetime, limit: int = 20, shared_in: str | None = None
    ) -> list[Ticket]:
        """The asker's own tickets, newest first."""
        tickets = tx.tickets.for_asker(actor)[:limit]
        return self._listed(tx, at, actor, tickets, "my_tickets", shared_in)

    def text_areas(self, tx: Tx, actor: str, at: datetime, via: str) -> list[str]:
        """The areas whose logged question text ``actor`` may read (a report's example
        questions); reading a confidential area's is audited."""
        areas = []
        for area in self.org.areas:
            decision = self.policy.area_text(actor, area.id)
            if decision.allowed:
                areas.append(area.id)
                if decision.audit:
                    tx.audit.append(
                        AuditEntry(at, actor, "read", "area", area.id, None, _json({"via": via}))
                    )
        return areas

    # -- the asker -----------------------------------------------------------------

    def open(
        self,
        tx: Tx,
        *,
        area_id: str,
        asker_id: str,
        channel: str,
        conversation_id: str,
        address: str,
        language: str,
        unit_id: str | None,
        question: str,
        article_id: str | None,
        question_id: int | None,
        confidence: float,
        reason: str,
        at: datetime,
        shared_in: str | None = None,
    ) -> Ticket:
        area = self.org.area(area_id) or self.org.triage
        ticket = tx.tickets.create(
            NewTicket(
                area_id=area.id,
                asker_id=asker_id,
                channel=channel,
                conversation_id=conversation_id,
                address=address,
                language=language,
                unit_id=unit_id,
                question=question,
                article_id=article_id,
                question_id=question_id,
                created_at=at,
                claim_due=self.calendar.add_business_hours(at, area.sla.claim_hours),
                resolve_due=self.calendar.add_business_hours(at, area.sla.resolve_hours),
                route_confidence=confidence,
                route_reason=reason,
                shared_in=shared_in,
            )
        )
        self._event(tx, ticket, at, asker_id, "created", None, True)
        self._audit(
            tx,
            at,
            asker_id,
            "create",
            ticket.id,
            None,
            {"area": area.id, "confidence": confidence, "reason": reason},
        )
        registration.queue(tx, self.org, ticket, "created", at)
        return ticket

    def add_info(self, tx: Tx, ticket_id: int, asker: str, text: str, at: datetime) -> Ticket:
        ticket = self._allowed(tx, ticket_id, asker, Act.ADD_INFO, at)
        if ticket.status in (Status.RESOLVED, Status.CLOSED):
            raise WrongState(ticket_id, status=ticket.status)
        self._event(tx, ticket, at, asker, "asker_info", text, True)
        if ticket.status is Status.WAITING:
            back = Status.CLAIMED if ticket.claimed_by else Status.OPEN
            # the SLA clock stood still while the ticket waited for the asker
            since = self._waiting_since(ticket, tx.tickets.events(ticket.id))
            waited = self.calendar.business_hours_between(since, at)
            due = self.calendar.add_business_hours(ticket.resolve_due, waited)
            return self._change(tx, ticket, at, asker, "add_info", status=back, resolve_due=due)
        self._audit(tx, at, asker, "add_info", ticket_id)
        return ticket

    def reopen(self, tx: Tx, ticket_id: int, asker: str, at: datetime) -> Ticket:
        ticket = self._allowed(tx, ticket_id, asker, Act.REOPEN, at)
        if ticket.status not in (Status.RESOLVED, Status.CLOSED):
            raise WrongState(ticket_id, status=ticket.status)
        self._event(tx, ticket, at, asker, "reopened", None, True)
        return self._change(
            tx,
            ticket,
            at,
            asker,
            "reopen",
            status=Status.REOPENED,
            claimed_by=None,
            resolved_at=None,
            closed_at=None,
            reopened=ticket.reopened + 1,
            merged_into=None,  # a reopened duplicate is a ticket of its own again
        )

    def close(self, tx: Tx, ticket_id: int, asker: str, at: datetime) -> Ticket:
        ticket = self._allowed(tx, ticket_id, asker, Act.CLOSE, at)
        if ticket.status is not Status.RESOLVED:
            raise WrongState(ticket_id, status=ticket.status)
        return self._change(tx, ticket, at, asker, "close", status=Status.CLOSED, closed_at=at)

    def rate(self, tx: Tx, ticket_id: int, asker: str, score: int, at: datetime) -> Ticket:
        """The asker's 1-5 for a closed ticket, once."""
        ticket = self._allowed(tx, ticket_id, asker, Act.RATE, at)
        if ticket.status is not Status.CLOSED or ticket.rating is not None or not 1 <= score <= 5:
            raise WrongState(ticket_id, status=ticket.status)
        self._event(tx, ticket, at, asker, "rating", f"{score}/5", True)
        return self._change(tx, ticket, at, asker, "rate", rating=score)

    def rating_comment(self, tx: Tx, ticket_id: int, asker: str, text: str, at: datetime) -> Ticket:
        """A comment with the rating, for the area's staff (never in a summary)."""
        ticket = self._allowed(tx, ticket_id, asker, Act.RATE, at)
        if ticket.status is not Status.CLOSED:
            raise WrongState(ticket_id, status=ticket.status)
        self._event(tx, ticket, at, asker, "rating_comment", text, True)
        self._audit(tx, at, asker, "rating_comment", ticket_id)
        return ticket

    # -- support staff -------------------------------------------------------------

    def claim(self, tx: Tx, ticket_id: int, staff: str, at: datetime) -> Ticket:
        ticket = self._allowed(tx, ticket_id, staff, Act.CLAIM, at)
        if not tx.tickets.claim(ticket_id, staff, at):
            now = self._get(tx, ticket_id)
            if now.claimed_by:
                raise AlreadyClaimed(ticket_id, by=now.claimed_by)
            raise WrongState(ticket_id, status=now.status)
        self._audit(
            tx,
            at,
            staff,
            "claim",
            ticket_id,
            {"status": ticket.status},
            {"status": Status.CLAIMED, "claimed_by": staff},
        )
        self._event(tx, ticket, at, staff, "claimed", None, True)
        return self._get(tx, ticket_id)

    def unclaim(self, tx: Tx, ticket_id: int, staff: str, at: datetime) -> Ticket:
        ticket = self._allowed(tx, ticket_id, staff, Act.UNCLAIM, at)
        if ticket.status is not Status.CLAIMED:
            raise WrongState(ticket_id, status=ticket.status)
        if ticket.claimed_by != staff and self.org.area(ticket.area_id).lead_user != staff:  # type: ignore[union-attr]
            raise AlreadyClaimed(ticket_id, by=ticket.claimed_by)
        self._event(tx, ticket, at, staff, "unclaimed", None, False)
        return self._change(tx, ticket, at, staff, "unclaim", status=Status.OPEN, claimed_by=None)

    def _own(self, tx: Tx, ticket_id: int, staff: str, act: Act, at: datetime) -> Ticket:
        """The ticket, claimed by ``staff`` (claiming it now if nobody has)."""
        ticket = self._allowed(tx, ticket_id, staff, act, at)
        if ticket.status in CLAIMABLE:
            ticket = self.claim(tx, ticket_id, staff, at)
        if ticket.status in (Status.RESOLVED, Status.CLOSED):
            raise WrongState(ticket_id, status=ticket.status)
        if ticket.claimed_by != staff:
            raise AlreadyClaimed(ticket_id, by=ticket.claimed_by)
        return ticket

    def answer(
        self,
        tx: Tx,
        ticket_id: int,
        staff: str,
        text: str,
        at: datetime,
        article_id: str | None = None,
    ) -> Ticket:
        """The answer goes to the asker and resolves the ticket. ``article_id``: the
        answer is that article of the base (``svara 42 #artikel``), and it is recorded."""
        ticket = self._own(tx, ticket_id, staff, Act.ANSWER, at)
        self._event(tx, ticket, at, staff, "answer", text, True)
        changes: dict[str, object] = {"status": Status.RESOLVED, "resolved_at": at}
        if article_id is not None:
            changes["answer_article"] = article_id
        return self._change(tx, ticket, at, staff, "answer", **changes)

    def ask_asker(self, tx: Tx, ticket_id: int, staff: str, text: str, at: datetime) -> Ticket:
        ticket = self._own(tx, ticket_id, staff, Act.ASK_ASKER, at)
        self._event(tx, ticket, at, staff, "question_to_asker", text, True)
        return self._change(tx, ticket, at, staff, "ask_asker", status=Status.WAITING)

    def merge(self, tx: Tx, duplicate: int, into: int, staff: str, at: datetime) -> Ticket:
        """``duplicate`` asks what ``into`` asks: it is closed as merged, and its asker
        gets ``into``'s answer. Staff must be allowed to resolve both; neither may be
        closed, and ``into`` must not be merged itself. Returns the closed duplicate."""
        dup = self._allowed(tx, duplicate, staff, Act.RESOLVE, at)
        target = self._allowed(tx, into, staff, Act.RESOLVE, at)
        if duplicate == into or dup.status is Status.CLOSED or dup.merged_into is not None:
            raise WrongState(duplicate, status=dup.status)
        if target.status is Status.CLOSED or target.merged_into is not None:
            raise WrongState(into, status=target.status)
        self._event(tx, dup, at, staff, "merged", f"#{into}", True)
        self._event(tx, target, at, staff, "merged_from", f"#{duplicate}", False)
        return self._change(
            tx, dup, at, staff, "merge", status=Status.CLOSED, closed_at=at, merged_into=into
        )

    def note(self, tx: Tx, ticket_id: int, staff: str, text: str, at: datetime) -> Ticket:
        ticket = self._allowed(tx, ticket_id, staff, Act.NOTE, at)
        self._event(tx, ticket, at, staff, "note", text, False)
        self._audit(tx, at, staff, "note", ticket_id)
        return ticket

    def transfer(
        self, tx: Tx, ticket_id: int, staff: str, to_area: str, reason: str, at: datetime
    ) -> Ticket:
        ticket = self._allowed(tx, ticket_id, staff, Act.TRANSFER, at)
        area = self.org.area(to_area)
        if area is None:
            raise NotFound(ticket_id, area=to_area)
        if ticket.status in (Status.RESOLVED, Status.CLOSED) or area.id == ticket.area_id:
            raise WrongState(ticket_id, status=ticket.status)
        # written in the receiving area: its staff see why the ticket came to them
        text = f"{ticket.area_id} → {area.id}: {reason}"
        self._event(tx, ticket, at, staff, "transfer", text, False, area_id=area.id)
        return self._change(
            tx,
            ticket,
            at,
            staff,
            "transfer",
            area_id=area.id,
            status=Status.OPEN,
            claimed_by=None,
            claim_due=self.calendar.add_business_hours(at, area.sla.claim_hours),
            resolve_due=self.calendar.add_business_hours(at, area.sla.resolve_hours),
            escalated_at=None,
        )

    def resolve(self, tx: Tx, ticket_id: int, staff: str, text: str | None, at: datetime) -> Ticket:
        ticket = self._own(tx, ticket_id, staff, Act.RESOLVE, at)
        self._event(tx, ticket, at, staff, "resolved", text, True)
        return self._change(
            tx, ticket, at, staff, "resolve", status=Status.RESOLVED, resolved_at=at
        )

    # -- SLA -----------------------------------------------------------------------

    def escalate_overdue(self, tx: Tx, now: datetime) -> list[Ticket]:
        """Unclaimed tickets past their claim target, each escalated once."""
        escalated = []
        for ticket in tx.tickets.unclaimed_past_due(now):
            if tx.tickets.mark_escalated(ticket.id, now):
                self._audit(
                    tx,
                    now,
                    SYSTEM,
                    "escalate",
                    ticket.id,
                    None,
                    {"lead": (self.org.area(ticket.area_id) or self.org.triage).lead},
                )
                self._event(tx, ticket, now, SYSTEM, "escalated", None, False)
                escalated.append(replace(ticket, escalated_at=now))
        return escalated

    # -- answered and left alone ---------------------------------------------------

    @staticmethod
    def _waiting_since(ticket: Ticket, events: list[TicketEvent]) -> datetime:
        """When staff last asked the asker (``events``: the ticket's history)."""
        asked = [e.at for e in events if e.kind == "question_to_asker"]
        return asked[-1] if asked else ticket.created_at

    def chase_waiting(
        self, tx: Tx, ticket_id: int, now: datetime, remind_days: int, close_days: int
    ) -> tuple[str, Ticket] | None:
        """A ticket waiting for its asker: a reminder ``remind_days`` business days after
        staff asked, and closed ``close_days`` business days after (at least a business
        day after the reminder, so a bot that was away reminds before it closes).
        Returns ("reminder" | "closed", ticket), or None when nothing is due."""
        ticket = tx.tickets.get(ticket_id)
        if ticket is None or ticket.status is not Status.WAITING:
            return None
        events = tx.tickets.events(ticket_id)  # once: when asked, and whether reminded
        since = self._waiting_since(ticket, events)
        reminded = [e.at for e in events if e.kind == "waiting_reminder" and e.at >= since]
        if not reminded:
            if now < self.calendar.add_business_days(since, remind_days):
                return None
            if tx.tickets.update(ticket) is None:  # a second instance got there first
                return None
            self._event(tx, ticket, now, SYSTEM, "waiting_reminder", None, True)
            self._audit(tx, now, SYSTEM, "waiting_reminder", ticket_id)
            return "reminder", ticket
        closes = max(
            self.calendar.add_business_days(since, close_days),
            self.calendar.add_business_days(reminded[-1], 1),
        )
        if now < closes:
            return None
        self._event(tx, ticket, now, SYSTEM, "auto_closed", None, True)
        closed = self._change(
            tx, ticket, now, SYSTEM, "auto_close_waiting", status=Status.CLOSED, closed_at=now
        )
        return "closed", closed

    def close_idle(
        self, tx: Tx, ticket_id: int, now: datetime, days: int
    ) -> tuple[str, Ticket, datetime] | None:
        """A resolved ticket its asker never confirmed closes ``days`` business days
        after it was resolved. One business day before, the asker is told (the notice);
        the close waits at least one business day after the notice, so a bot that was
        away tells before it closes. Returns ("notice" | "closed", ticket, closing time),
        or None when nothing is due."""
        ticket = tx.tickets.get(ticket_id)
        if ticket is None or ticket.status is not Status.RESOLVED or ticket.resolved_at is None:
            return None
        resolved = ticket.resolved_at
        noticed = [
            e.at
            for e in tx.tickets.events(ticket_id)
            if e.kind == "close_notice" and e.at >= resolved
        ]
        closes = self.calendar.add_business_days(resolved, days)
        if not noticed:
            if now < self.calendar.add_business_days(resolved, days - 1):
                return None
            closes = max(closes, self.calendar.add_business_days(now, 1))
            if tx.tickets.update(ticket) is None:  # a second instance got there first
                return None
            self._event(tx, ticket, now, SYSTEM, "close_notice", None, True)
            self._audit(tx, now, SYSTEM, "close_notice", ticket_id, None, {"closes": closes})
            return "notice", ticket, closes
        closes = max(closes, self.calendar.add_business_days(noticed[-1], 1))
        if now < closes:
            return None
        self._event(tx, ticket, now, SYSTEM, "auto_closed", None, True)
        closed = self._change(
            tx, ticket, now, SYSTEM, "auto_close", status=Status.CLOSED, closed_at=now
        )
        return "closed", closed, closes
