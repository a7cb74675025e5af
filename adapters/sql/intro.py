"""The new managers' introduction path (``routing.ports.IntroRepo``) on SQLAlchemy Core."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, insert, select, update

from adapters.sql import tables as t
from adapters.sql.once import insert_once
from adapters.sql.tables import as_utc
from routing.ports import IntroItem, IntroPerson


class SqlIntro:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def enrol(self, user_id: str, start: date, source: str, at: datetime) -> bool:
        stmt = insert(t.intro_people).values(
            user_id=user_id, start=start, source=source, enrolled_at=at, shown="[]", shown_week=0
        )
        # a second instance enrolling the same person at once: its insert is refused
        return insert_once(self.conn, stmt)

    def get(self, user_id: str) -> IntroPerson | None:
        row = self.conn.execute(
            select(t.intro_people).where(t.intro_people.c.user_id == user_id)
        ).mappings()
        found = row.one_or_none()
        return None if found is None else _person(found)

    def everyone(self) -> list[IntroPerson]:
        rows = self.conn.execute(select(t.intro_people).order_by(t.intro_people.c.user_id))
        return [_person(r) for r in rows.mappings()]

    def set_left(self, user_id: str, at: datetime | None) -> None:
        c = t.intro_people.c
        self.conn.execute(update(t.intro_people).where(c.user_id == user_id).values(left_at=at))

    def set_ended(self, user_id: str, at: datetime) -> bool:
        c = t.intro_people.c
        done = self.conn.execute(
            update(t.intro_people)
            .where(and_(c.user_id == user_id, c.ended_at.is_(None)))
            .values(ended_at=at)
        )
        return done.rowcount == 1

    def set_shown(self, user_id: str, article_ids: Sequence[str], week: int) -> None:
        c = t.intro_people.c
        self.conn.execute(
            update(t.intro_people)
            .where(c.user_id == user_id)
            .values(shown=json.dumps(list(article_ids)), shown_week=week)
        )

    def items(self, user_id: str) -> dict[str, IntroItem]:
        c = t.intro_items.c
        rows = self.conn.execute(
            select(c.article_id, c.done_at, c.later_week).where(c.user_id == user_id)
        )
        return {
            r.article_id: IntroItem(r.article_id, as_utc(r.done_at), r.later_week) for r in rows
        }

    def mark_done(self, user_id: str, article_id: str, at: datetime) -> bool:
        return self._set_undone(user_id, article_id, done_at=at)

    def postpone(self, user_id: str, article_id: str, week: int) -> None:
        self._set_undone(user_id, article_id, later_week=week)

    def _set_undone(self, user_id: str, article_id: str, **values: Any) -> bool:
        """``values`` on the person's row for the article while it is not done, or on a
        new row; False when it was done already (or a concurrent insert won)."""
        c = t.intro_items.c
        done = self.conn.execute(
            update(t.intro_items)
            .where(and_(c.user_id == user_id, c.article_id == article_id, c.done_at.is_(None)))
            .values(**values)
        )
        if done.rowcount == 1:
            return True
        return self._insert(user_id, article_id, **values)

    def _insert(self, user_id: str, article_id: str, **values: Any) -> bool:
        """A new row; False when one is there (done already, or a concurrent insert)."""
        stmt = insert(t.intro_items).values(user_id=user_id, article_id=article_id, **values)
        return insert_once(self.conn, stmt)


def _person(row: Any) -> IntroPerson:
    shown = json.loads(row["shown"] or "[]")
    return IntroPerson(
        user_id=row["user_id"],
        start=row["start"],
        source=row["source"],
        enrolled_at=as_utc(row["enrolled_at"]) or row["enrolled_at"],
        left_at=as_utc(row["left_at"]),
        ended_at=as_utc(row["ended_at"]),
        shown=tuple(str(x) for x in shown if isinstance(x, str)),
        shown_week=int(row["shown_week"] or 0),
    )
