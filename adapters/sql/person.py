"""Everything the database holds about one person, for a GDPR art. 15 request
(``stodbot records person``). Every table is named below: read for the person
(``READ``), or why it cannot hold them (``NOT_HELD``); tests/unit/test_records_person.py
fails when a table is added without being placed here."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.engine import Engine

from adapters.sql import tables as t

READ = {
    "people": "the person's row: unit, language, display name, direct chat",
    "questions": "the questions they asked (user_id), with text, time, outcome, feedback",
    "tickets": "the tickets they asked (asker_id) and those they handled (claimed_by)",
    "ticket_events": "the events of their tickets, and what they wrote as staff (actor)",
    "conversation_states": "their conversations' memory (the key ends in their id)",
    "outbox": "the messages to them (user_id)",
    "inbox": "platform events not yet emptied that carry their id (in the payload)",
    "audit_log": "what they did (actor), the records made about them (entity person) and "
    "what was done with their tickets (exports included)",
    "suggestions": "only the suggestions they decided (decided_by): the wording itself is "
    "stored without the id of whoever wrote it",
    "survey_sends": "that they were (to be) asked an area's yearly questions",
    "survey_opt_outs": "that they wrote 'inga enkäter'",
    "intro_people": "their enrolment on the new managers' path",
    "intro_items": "their progress on it",
}
NOT_HELD = {
    "inbound_events": "platform event ids and the channel only, for deduplication",
    "leases": "which bot instance holds a task",
    "adapter_state": "the platform adapters' bookkeeping: room and message ids, no person",
    "survey_runs": "that an area's yearly survey ran, per year",
    "survey_answers": "answers are stored without user id, time or key: they cannot be "
    "linked to anyone",
}
NOTES = (
    "Enkätsvar lagras utan användar-id, tid och nyckel och kan inte kopplas till någon; "
    "här visas bara att personen tillfrågades.",
    "Förslag på formuleringar som gjorts av personens ord lagras maskerade och utan id; "
    "de kan inte kopplas till personen.",
)


def _time(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _rows(conn: Any, stmt: Any) -> list[dict[str, Any]]:
    return [{k: _time(v) for k, v in r.items()} for r in conn.execute(stmt).mappings()]


def about(engine: Engine, user: str) -> dict[str, Any]:
    """The person's data, table by table, as JSON-able dicts (times ISO UTC)."""
    with engine.connect() as conn:
        people = _rows(conn, select(t.people).where(t.people.c.user_id == user))
        questions = _rows(
            conn,
            select(t.questions).where(t.questions.c.user_id == user).order_by(t.questions.c.id),
        )
        tk = t.tickets.c
        asked = _rows(conn, select(t.tickets).where(tk.asker_id == user).order_by(tk.id))
        handled = [
            r["id"]
            for r in _rows(
                conn,
                select(tk.id).where(tk.claimed_by == user, tk.asker_id != user).order_by(tk.id),
            )
        ]
        ev = t.ticket_events.c
        ids = [r["id"] for r in asked]
        events = _rows(
            conn,
            select(t.ticket_events)
            .where(or_(ev.ticket_id.in_(ids), ev.actor == user))
            .order_by(ev.ticket_id, ev.id),
        )
        sc = t.conversation_states.c
        states = [
            {**r, "state": _json(r["state"])}
            for r in _rows(
                # the key ends in the person's id: "@anna:k" is not "@anna:k.evil"
                conn,
                select(t.conversation_states).where(sc.key.endswith(f"|{user}", autoescape=True)),
            )
            if r["key"].endswith("|" + user)  # not "…|@anna:k.evil", which contains it
        ]
        ob = t.outbox.c
        outbox = [
            {
                "created_at": r["created_at"],
                "channel": r["channel"],
                "kind": r["kind"],
                "sent_at": r["sent_at"],
                "text": (_json(r["payload"]) or {}).get("text"),
            }
            for r in _rows(conn, select(t.outbox).where(ob.user_id == user).order_by(ob.id))
        ]
        ib = t.inbox.c
        inbox = [
            {k: r[k] for k in ("channel", "received_at", "processed_at")}
            for r in _rows(conn, select(t.inbox).where(ib.payload.contains(user, autoescape=True)))
            if _names(_json(r["payload"]), user)  # the id itself, not a longer one
        ]
        al = t.audit_log.c
        audit = [
            {k: r[k] for k in ("id", "at", "actor", "action", "entity", "entity_id")}
            for r in _rows(
                conn,
                select(t.audit_log)
                .where(
                    or_(
                        al.actor == user,
                        (al.entity == "person") & (al.entity_id == user),
                        # what was done with their tickets: who had them out (art. 15(1)(c))
                        (al.entity == "ticket") & al.entity_id.in_([str(i) for i in ids]),
                    )
                )
                .order_by(al.id),
            )
        ]
        sg = t.suggestions.c
        decided = _rows(
            conn,
            select(sg.id, sg.article_id, sg.status, sg.decided_at).where(sg.decided_by == user),
        )
        sends = _rows(conn, select(t.survey_sends).where(t.survey_sends.c.user_id == user))
        opt_out = _rows(conn, select(t.survey_opt_outs).where(t.survey_opt_outs.c.user_id == user))
        intro = _rows(conn, select(t.intro_people).where(t.intro_people.c.user_id == user))
        items = _rows(conn, select(t.intro_items).where(t.intro_items.c.user_id == user))
    by_ticket: dict[int, list[dict[str, Any]]] = {}
    for e in events:
        by_ticket.setdefault(e["ticket_id"], []).append(e)
    return {
        "user": user,
        "people": people[0] if people else None,
        "questions": questions,
        "tickets": [{**r, "events": by_ticket.pop(r["id"], [])} for r in asked],
        "ratings": [
            {"ticket": r["id"], "rating": r["rating"]} for r in asked if r["rating"] is not None
        ],
        "tickets_handled": handled,
        "events_written_as_staff": [e for es in by_ticket.values() for e in es],
        "conversation_states": states,
        "messages_to_them": outbox,
        "platform_events": inbox,
        "audit_log": audit,
        "suggestions_decided": decided,
        "survey_sends": sends,
        "survey_opted_out": bool(opt_out),
        "intro": {"enrolment": intro[0] if intro else None, "items": items},
        "notes": list(NOTES),
    }


def _names(value: Any, user: str) -> bool:
    """Whether ``user`` is one of the strings in ``value`` (a payload), or a word of one."""
    if isinstance(value, str):
        return value == user or user in value.split()
    if isinstance(value, dict):
        return any(_names(v, user) for v in value.values())
    if isinstance(value, list):
        return any(_names(v, user) for v in value)
    return False


def _json(value: str | None) -> Any:
    try:
        return json.loads(value) if value else None
    except ValueError:
        return value
