"""Who is on the new manager's path: the organisation file's managers with a start
date, and those who said "jag är ny chef". One row per person, however they came."""

from __future__ import annotations

import json
from datetime import datetime

from bot.intro.path import local_day, path_week
from knowledge.model import Organisation, Person
from routing.ports import AuditEntry, IntroPerson, Tx

MANAGER = "chef"  # the role: under people:, {unit: bou, role: chef, start: 2026-12-07}


def file_managers(org: Organisation, now: datetime) -> list[Person]:
    """The managers in the organisation file whose start week has come."""
    return [
        p
        for p in org.persons
        if (p.role or "").casefold() == MANAGER
        and p.start is not None
        and path_week(p.start, now) >= 1
    ]


def sync_file(tx: Tx, org: Organisation, now: datetime) -> None:
    """Put the file's managers on the path (from their start week); someone already on
    it (by chat, or who left it) stays as they are."""
    for person in file_managers(org, now):
        if person.start is not None:
            tx.intro.enrol(person.user_id, person.start, "file", now)


def on_path(tx: Tx, org: Organisation, user_id: str, now: datetime) -> IntroPerson | None:
    """``user_id`` on the path now (not left), the file read first; None if not."""
    sync_file(tx, org, now)
    person = tx.intro.get(user_id)
    return person if person is not None and person.left_at is None else None


def enrol_by_chat(tx: Tx, user_id: str, now: datetime) -> IntroPerson | None:
    """On the path from this week, by their own word; None if they were on it already."""
    start = local_day(now)
    if not tx.intro.enrol(user_id, start, "chat", now):
        return None
    _audit(tx, user_id, "intro_enrol", now, {"source": "chat", "start": start.isoformat()})
    return tx.intro.get(user_id)


def leave(tx: Tx, user_id: str, now: datetime) -> None:
    tx.intro.set_left(user_id, now)
    _audit(tx, user_id, "intro_leave", now, {})


def rejoin(tx: Tx, user_id: str, now: datetime) -> None:
    tx.intro.set_left(user_id, None)
    _audit(tx, user_id, "intro_rejoin", now, {})


def _audit(tx: Tx, user_id: str, action: str, now: datetime, new: dict[str, str]) -> None:
    tx.audit.append(
        AuditEntry(now, user_id, action, "intro", "path", None, json.dumps(new, sort_keys=True))
    )
