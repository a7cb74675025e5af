"""Registration of tickets (issue 15): an area may send its tickets to the registry when
they are created and/or closed (``Area.registry``). The desk queues one outbox row per
ticket and event, in the transaction that creates or closes the ticket; the sender
(``adapters/registry/sender.py``) builds the record then and delivers it, once."""

from __future__ import annotations

from datetime import datetime

from knowledge.model import Organisation
from routing.ports import Outgoing, Tx
from routing.tickets import Ticket

CHANNEL = "registry"
EVENTS = ("created", "closed")


def dedupe_key(ticket_id: int, event: str) -> str:
    return f"registry:{ticket_id}:{event}"


def queue(tx: Tx, org: Organisation, ticket: Ticket, event: str, at: datetime) -> bool:
    """Queue ``ticket``'s registration on ``event`` if its area registers that event;
    True if a row was queued now (never twice per ticket and event)."""
    area = org.area(ticket.area_id)
    if area is None or area.registry is None or event not in area.registry.on:
        return False
    item = Outgoing(
        channel=CHANNEL,
        conversation_id=f"ticket:{ticket.id}",  # created before closed, per ticket
        kind=event,
        payload={"ticket_id": ticket.id, "event": event, "area_id": area.id},
        dedupe_key=dedupe_key(ticket.id, event),
        ticket_id=ticket.id,
    )
    return tx.outbox.add(item, at) is not None
