"""The yearly question to the people an area served, on SQLAlchemy Core.

Every step that must happen once is one conditional statement: the run per area and
year is an INSERT its primary key refuses the second time; a send is marked sent,
reminded or finished by an UPDATE that only matches while it was not (on PostgreSQL a
second UPDATE waits for the first's row lock and then matches nothing). Finishing
writes the answer in the same transaction, into a table with no user id, no
timestamp and no key: nothing joins an answer to the send it came from."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, select, update

from adapters.sql import tables as t
from adapters.sql.once import insert_once
from routing.ports import SurveyAnswer, SurveySend


def _send(r: Any) -> SurveySend:
    return SurveySend(
        r["user_id"], r["area_id"], r["year"], r["sent_at"], r["reminded_at"], bool(r["finished"])
    )


class SqlSurveys:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _one(self, user_id: str, area_id: str, year: int) -> Any:
        c = t.survey_sends.c
        return and_(c.user_id == user_id, c.area_id == area_id, c.year == year)

    def answers(self, area_id: str, year: int) -> list[SurveyAnswer]:
        a = t.survey_answers.c
        rows = self.conn.execute(
            select(a.area_id, a.unit_id, a.year, a.supported, a.findable, a.improve).where(
                and_(a.area_id == area_id, a.year == year)
            )
        ).all()
        found = [SurveyAnswer(*r) for r in rows]
        # sorted by what they say, so that the order they were given in is not passed on
        return sorted(
            found,
            key=lambda x: (x.unit_id or "", x.supported or 0, x.findable or 0, x.improve or ""),
        )

    def asked(self, area_id: str, year: int) -> int:
        c = t.survey_sends.c
        return int(
            self.conn.execute(
                select(func.count())
                .select_from(t.survey_sends)
                .where(and_(c.area_id == area_id, c.year == year, c.sent_at.is_not(None)))
            ).scalar_one()
        )

    def start_run(self, area_id: str, year: int, at: datetime) -> bool:
        stmt = insert(t.survey_runs).values(area_id=area_id, year=year, ran_at=at)
        return insert_once(self.conn, stmt)

    def queue(self, user_id: str, area_id: str, year: int) -> bool:
        stmt = insert(t.survey_sends).values(
            user_id=user_id, area_id=area_id, year=year, finished=False
        )
        return insert_once(self.conn, stmt)

    def queued(self, user_id: str | None = None) -> list[SurveySend]:
        c = t.survey_sends.c
        query = select(t.survey_sends).where(c.sent_at.is_(None)).order_by(c.id)
        if user_id is not None:
            query = query.where(c.user_id == user_id)
        rows = self.conn.execute(query).mappings()
        return [_send(r) for r in rows]

    def send(self, user_id: str, area_id: str, year: int) -> SurveySend | None:
        row = (
            self.conn.execute(select(t.survey_sends).where(self._one(user_id, area_id, year)))
            .mappings()
            .first()
        )
        return None if row is None else _send(row)

    def open_sends(self, user_id: str) -> list[SurveySend]:
        c = t.survey_sends.c
        rows = self.conn.execute(
            select(t.survey_sends)
            .where(and_(c.user_id == user_id, c.sent_at.is_not(None), c.finished.is_(False)))
            .order_by(c.id)
        ).mappings()
        return [_send(r) for r in rows]

    def mark_sent(self, user_id: str, area_id: str, year: int, at: datetime) -> bool:
        c = t.survey_sends.c
        done = self.conn.execute(
            update(t.survey_sends)
            .where(and_(self._one(user_id, area_id, year), c.sent_at.is_(None)))
            .values(sent_at=at)
        )
        return done.rowcount == 1

    def due_reminders(self, sent_before: datetime) -> list[SurveySend]:
        c = t.survey_sends.c
        rows = self.conn.execute(
            select(t.survey_sends)
            .where(
                and_(
                    c.sent_at < sent_before,
                    c.reminded_at.is_(None),
                    c.finished.is_(False),
                )
            )
            .order_by(c.id)
        ).mappings()
        return [_send(r) for r in rows]

    def mark_reminded(self, user_id: str, area_id: str, year: int, at: datetime) -> bool:
        c = t.survey_sends.c
        done = self.conn.execute(
            update(t.survey_sends)
            .where(
                and_(
                    self._one(user_id, area_id, year),
                    c.reminded_at.is_(None),
                    c.finished.is_(False),
                )
            )
            .values(reminded_at=at)
        )
        return done.rowcount == 1

    def finish(self, user_id: str, area_id: str, year: int, answer: SurveyAnswer | None) -> bool:
        c = t.survey_sends.c
        done = self.conn.execute(
            update(t.survey_sends)
            .where(
                and_(
                    self._one(user_id, area_id, year), c.sent_at.is_not(None), c.finished.is_(False)
                )
            )
            .values(finished=True)
        )
        if done.rowcount != 1:
            return False
        if answer is not None:
            self.conn.execute(
                insert(t.survey_answers).values(
                    area_id=answer.area_id,
                    unit_id=answer.unit_id,
                    year=answer.year,
                    supported=answer.supported,
                    findable=answer.findable,
                    improve=answer.improve,
                )
            )
        return True

    def opted_out(self, user_id: str) -> bool:
        c = t.survey_opt_outs.c
        found = self.conn.execute(select(c.user_id).where(c.user_id == user_id)).first()
        return found is not None

    def set_opted_out(self, user_id: str, off: bool, at: datetime) -> None:
        c = t.survey_opt_outs.c
        if off:
            insert_once(self.conn, insert(t.survey_opt_outs).values(user_id=user_id, updated_at=at))
        else:
            self.conn.execute(delete(t.survey_opt_outs).where(c.user_id == user_id))
