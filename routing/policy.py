"""The access policy: the one place that decides who may see or do what to a ticket,
and which reads must be written to the audit log.

Every path that shows ticket text or changes a ticket asks it: the commands, the
Teams card buttons and refreshes, Matrix reactions, the queue, the example questions
in reports. It is pure: no storage, no platform, only the organisation and the roles.

- **The asker** sees their own ticket and what was meant for them (answers, questions
  to them, their own additions); they may add information, reopen and close it.
- **Staff of the area that holds the ticket** see it and work on it.
- **Staff of an area the ticket was in before** (a transfer) may still look at it,
  but not act on it.
- Staff see what was written while the ticket was in a confidential area only if
  they are that area's staff. The receiving area sees the question and the transfer
  reason (the transfer is written in the receiving area).
- **Nobody else**, leadership included: leadership reads counts, never tickets.
- A read of anything written in a confidential area is audited, as is every refusal.
- Ticket text is shown only where nobody else reads along: a direct chat with the bot,
  or the area's own room or channel (``shown_here``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from knowledge.model import Organisation
from routing.roles import Roles
from routing.tickets import Ticket, TicketEvent


class Act(StrEnum):
    VIEW = "view"
    CLAIM = "claim"
    UNCLAIM = "unclaim"
    ANSWER = "answer"
    ASK_ASKER = "ask_asker"
    NOTE = "note"
    TRANSFER = "transfer"
    RESOLVE = "resolve"
    ADD_INFO = "add_info"
    REOPEN = "reopen"
    CLOSE = "close"
    RATE = "rate"


STAFF_ACTS = frozenset(
    {Act.CLAIM, Act.UNCLAIM, Act.ANSWER, Act.ASK_ASKER, Act.NOTE, Act.TRANSFER, Act.RESOLVE}
)
ASKER_ACTS = frozenset({Act.ADD_INFO, Act.REOPEN, Act.CLOSE, Act.RATE})


class Role(StrEnum):
    ASKER = "asker"
    STAFF = "staff"  # of the area that holds the ticket
    FORMER_STAFF = "former_staff"  # of an area the ticket was transferred from
    NONE = "none"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    role: Role
    audit: bool  # write this read or refusal to the audit log


class AccessPolicy:
    def __init__(self, organisation: Organisation, roles: Roles) -> None:
        self.org = organisation
        self.roles = roles

    def confidential(self, area_id: str | None) -> bool:
        area = self.org.area(area_id or "")
        return bool(area and area.confidential)

    def role(self, actor: str, ticket: Ticket, history_areas: Iterable[str] = ()) -> Role:
        if self.roles.is_staff(actor, ticket.area_id):
            return Role.STAFF
        if actor == ticket.asker_id:
            return Role.ASKER
        if any(self.roles.is_staff(actor, a) for a in set(history_areas) - {ticket.area_id}):
            return Role.FORMER_STAFF
        return Role.NONE

    def decide(
        self, actor: str, act: Act, ticket: Ticket, history_areas: Sequence[str] = ()
    ) -> Decision:
        """May ``actor`` do ``act`` to ``ticket``? ``history_areas``: the areas the
        ticket's events were written in (only needed for VIEW by former staff)."""
        role = self.role(actor, ticket, history_areas)
        if act is Act.VIEW:
            allowed = role is not Role.NONE
        elif act in STAFF_ACTS:
            allowed = role is Role.STAFF
        else:  # the asker's own acts
            allowed = actor == ticket.asker_id
        sensitive = self.confidential(ticket.area_id) or any(
            self.confidential(a) for a in history_areas
        )
        audit = not allowed or (act is Act.VIEW and sensitive)
        return Decision(allowed, role, audit)

    def visible_events(
        self, actor: str, ticket: Ticket, events: Sequence[TicketEvent]
    ) -> list[TicketEvent]:
        """What of the history ``actor`` may read; call only after VIEW was allowed."""
        return [e for e in events if self._may_read(actor, ticket, e)]

    def _may_read(self, actor: str, ticket: Ticket, event: TicketEvent) -> bool:
        area = event.area_id or ticket.original_area_id
        if self.roles.is_staff(actor, area):
            return True
        if actor == ticket.asker_id:
            return event.visible_to_asker
        return not self.confidential(area)  # staff of the ticket's area, now or before

    def shown_here(self, actor: str, areas: Iterable[str], shared_in: str | None) -> bool:
        """May ticket text of ``areas`` be shown where the reply lands? Always in a
        conversation of ``actor`` alone with the bot; in a shared room or channel only
        if it is the own room or channel of one of those areas that ``actor`` is staff
        of (whoever reads there works for that area). Anywhere else the others who
        read along would see it."""
        if shared_in is None:
            return True
        for area_id in set(areas):
            area = self.org.area(area_id)
            if (
                area is not None
                and shared_in in (area.room, area.channel)
                and self.roles.is_staff(actor, area_id)
            ):
                return True
        return False

    def yearly(self, actor: str, area_id: str) -> Decision:
        """May ``actor`` read an area's yearly analysis, and which? The area's lead (its
        ``lead_user``) gets the lead's version, with the survey's comments and an example
        per gap group (``Role.STAFF``); leadership the counts of every area
        (``Role.NONE``: no free text); anyone else nothing. The lead's read of a
        confidential area is audited, as is every refusal."""
        area = self.org.area(area_id)
        if area is not None and area.lead_user is not None and actor == area.lead_user:
            return Decision(True, Role.STAFF, area.confidential)
        if area is not None and self.roles.is_leadership(actor):
            return Decision(True, Role.NONE, False)
        return Decision(False, Role.NONE, True)

    def area_text(self, actor: str, area_id: str) -> Decision:
        """May ``actor`` read question text logged for ``area_id`` (a report's example
        questions)? Only that area's staff; audited where the area is confidential."""
        allowed = self.roles.is_staff(actor, area_id)
        return Decision(
            allowed,
            Role.STAFF if allowed else Role.NONE,
            not allowed or self.confidential(area_id),
        )
