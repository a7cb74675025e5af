"""The introduction path's repository (``tx.intro``) on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

from adapters.sql.store import SqlStore

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
ANNA, OMAR = "@anna.chef:k", "@omar.chef:k"


def test_a_person_is_enrolled_once_and_reads_back(any_store: SqlStore) -> None:
    with any_store.transaction() as tx:
        assert tx.intro.get(ANNA) is None
        assert tx.intro.enrol(ANNA, date(2026, 11, 30), "file", NOW) is True
        assert tx.intro.enrol(ANNA, date(2026, 12, 7), "chat", NOW) is False  # the first stays
        assert tx.intro.enrol(OMAR, date(2026, 12, 7), "chat", NOW) is True
    with any_store.transaction() as tx:
        anna = tx.intro.get(ANNA)
        assert anna is not None
        assert (anna.start, anna.source, anna.enrolled_at) == (date(2026, 11, 30), "file", NOW)
        assert anna.enrolled_at.tzinfo == UTC
        assert (anna.left_at, anna.ended_at, anna.shown, anna.shown_week) == (None, None, (), 0)
        assert [p.user_id for p in tx.intro.everyone()] == [ANNA, OMAR]


def test_leaving_ending_and_the_last_checklist(any_store: SqlStore) -> None:
    with any_store.transaction() as tx:
        tx.intro.enrol(ANNA, date(2026, 11, 30), "chat", NOW)
        tx.intro.set_shown(ANNA, ["it-a", "hr-b"], 2)
        tx.intro.set_left(ANNA, NOW)
    with any_store.transaction() as tx:
        anna = tx.intro.get(ANNA)
        assert anna is not None and anna.left_at == NOW
        assert (anna.shown, anna.shown_week) == (("it-a", "hr-b"), 2)
        tx.intro.set_left(ANNA, None)
        assert tx.intro.set_ended(ANNA, NOW) is True
        assert tx.intro.set_ended(ANNA, NOW + timedelta(days=7)) is False  # once
    with any_store.transaction() as tx:
        anna = tx.intro.get(ANNA)
        assert anna is not None and anna.left_at is None and anna.ended_at == NOW


def test_done_once_and_postponed_until_done(any_store: SqlStore) -> None:
    with any_store.transaction() as tx:
        tx.intro.enrol(ANNA, date(2026, 11, 30), "chat", NOW)
        tx.intro.postpone(ANNA, "it-a", 2)
        tx.intro.postpone(ANNA, "it-a", 3)
        assert tx.intro.mark_done(ANNA, "hr-b", NOW) is True
        assert tx.intro.mark_done(ANNA, "hr-b", NOW + timedelta(hours=1)) is False
        tx.intro.postpone(ANNA, "hr-b", 4)  # done: stays done, not postponed
    with any_store.transaction() as tx:
        items = tx.intro.items(ANNA)
        assert tx.intro.items(OMAR) == {}
    assert (items["it-a"].done_at, items["it-a"].later_week) == (None, 3)
    assert (items["hr-b"].done_at, items["hr-b"].later_week) == (NOW, None)
    with any_store.transaction() as tx:
        assert tx.intro.mark_done(ANNA, "it-a", NOW) is True  # postponed, then done
        assert tx.intro.items(ANNA)["it-a"].done_at == NOW


def test_two_instances_marking_the_same_article_count_it_once(any_store: SqlStore) -> None:
    with any_store.transaction() as tx:
        tx.intro.enrol(ANNA, date(2026, 11, 30), "chat", NOW)
    barrier = threading.Barrier(4)
    wins: list[bool] = []

    def press() -> None:
        barrier.wait()
        with any_store.transaction() as tx:
            wins.append(tx.intro.mark_done(ANNA, "it-a", NOW))

    threads = [threading.Thread(target=press) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(wins) == [False, False, False, True]
