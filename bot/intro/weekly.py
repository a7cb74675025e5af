"""The Monday job: each manager on the path gets that week's checklist in their
direct chat, once per person and ISO week (the outbox's dedupe key ``intro:{week}:
{user}``, so a second run, a restart or a second instance sends nothing more); after
the path's last week, one last message with a summary, and the path ends."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.intro import people, views
from bot.intro.path import Path, path_week
from bot.messages import Reply, ReplyKind
from bot.notify import to_person
from routing.calendar import STOCKHOLM, BusinessCalendar
from routing.report import week_of

if TYPE_CHECKING:
    from bot.service import ConversationService


def due_week(now: datetime, at: str = "07:30", calendar: BusinessCalendar | None = None) -> str:
    """The ISO week ("2026-W50") whose checklists are due: from the week's first
    business day (Monday, or the next day after a holiday) at ``at``, Stockholm time,
    until the week ends. "" before that moment (or in a week without business days)."""
    calendar = calendar or BusinessCalendar()
    local = now.astimezone(STOCKHOLM)
    day = local.date() - timedelta(days=local.weekday())
    while day.weekday() < 5 and not calendar.is_business_day(day):
        day += timedelta(days=1)
    if day.weekday() >= 5:
        return ""
    hour, minute = (int(x) for x in at.split(":"))
    moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=STOCKHOLM)
    return week_of(local) if local >= moment else ""


def send_checklists(
    service: ConversationService, now: datetime | None = None, at: str = "07:30"
) -> list[str]:
    """Queue this week's checklists (and last messages); the people they went to.
    Nothing before the week's moment (``due_week``). One transaction per person."""
    now = now or service.clock()
    week = due_week(now, at, service.desk.calendar)
    if not week:
        return []
    with service.store.transaction() as tx:
        people.sync_file(tx, service.org, now)
        waiting = [
            p.user_id
            for p in tx.intro.everyone()
            if p.left_at is None
            and p.ended_at is None
            and p.shown_week < path_week(p.start, now)  # not shown this week yet
        ]
    path = Path.of(service.kb.articles)
    if not path.length:
        return []
    return [user for user in waiting if _send_one(service, path, user, week, now)]


def _send_one(
    service: ConversationService, path: Path, user: str, week: str, now: datetime
) -> bool:
    key = f"intro:{week}:{user}"
    with service.store.transaction() as tx:
        person = tx.intro.get(user)
        if person is None or person.left_at is not None or person.ended_at is not None:
            return False
        if tx.outbox.exists(key):
            return False
        n = path_week(person.start, now)
        if n < 1 or person.shown_week >= n:  # this week's list was shown them in chat
            return False
        t = service.texts_for(tx, user)
        items = tx.intro.items(user)
        if n > path.length:
            reply = Reply(ReplyKind.INFO, views.summary(t, path, items))
            if not to_person(tx, user, reply, now, dedupe_key=key):
                return False
            tx.intro.set_ended(user, now)
            return True
        articles = path.checklist(n, items)
        if not articles:
            return False
        reply, state = views.checklist(t, path, n, articles)
        if not to_person(tx, user, reply, now, state=state, dedupe_key=key):
            return False
        tx.intro.set_shown(user, [a.id for a in articles], n)
        return True
