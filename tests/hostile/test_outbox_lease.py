"""Case 8, the storage part, on SQLite and PostgreSQL: two instances (two stores on one
database, several threads) claiming the outbox never get the same row, keep each
conversation in order, and take over a lease whose holder died."""

from __future__ import annotations

import itertools
import threading
import time
from datetime import UTC, datetime, timedelta

from adapters.sql.store import SqlStore
from routing.ports import Outgoing

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)


def queue(store: SqlStore, rows: list[tuple[str, str]]) -> list[int]:
    ids = []
    with store.transaction() as tx:
        for conversation, text in rows:
            got = tx.outbox.add(Outgoing("teams", conversation, "reply", {"text": text}), NOW)
            assert got is not None
            ids.append(got)
    return ids


def test_two_claims_get_disjoint_rows_and_a_conversation_waits_its_turn(
    two: tuple[SqlStore, SqlStore],
) -> None:
    a, b = two
    x1, y1, x2, z1 = queue(a, [("x", "1"), ("y", "1"), ("x", "2"), ("z", "1")])
    with a.transaction() as tx:
        got_a = [i.id for i in tx.outbox.claim("teams", "A", NOW, NOW + LEASE, limit=1)]
    with b.transaction() as tx:
        got_b = [i.id for i in tx.outbox.claim("teams", "B", NOW, NOW + LEASE)]
    assert got_a == [x1]
    assert got_b == [y1, z1]  # x2 must not overtake x1, which A is sending
    with b.transaction() as tx:
        assert not tx.outbox.mark_sent(x1, NOW, owner="B")  # not B's to mark
        assert tx.outbox.mark_sent(y1, NOW, owner="B")
    with a.transaction() as tx:
        assert tx.outbox.mark_sent(x1, NOW, owner="A")
        assert [i.id for i in tx.outbox.claim("teams", "A", NOW, NOW + LEASE)] == [x2]


def test_an_expired_lease_is_taken_over_and_the_old_holder_cannot_mark_it(
    two: tuple[SqlStore, SqlStore],
) -> None:
    a, b = two
    [row] = queue(a, [("x", "hej")])
    with a.transaction() as tx:
        assert [i.id for i in tx.outbox.claim("teams", "A", NOW, NOW + LEASE)] == [row]
    later = NOW + LEASE - timedelta(seconds=1)
    with b.transaction() as tx:
        assert tx.outbox.claim("teams", "B", later, later + LEASE) == []  # A still holds it
    after = NOW + LEASE + timedelta(seconds=1)  # A died: its lease ran out
    with b.transaction() as tx:
        assert [i.id for i in tx.outbox.claim("teams", "B", after, after + LEASE)] == [row]
    with a.transaction() as tx:
        assert tx.outbox.renew([row], "A", after + LEASE) == []
        assert not tx.outbox.mark_sent(row, after, owner="A")
    with b.transaction() as tx:
        assert tx.outbox.renew([row], "B", after + 2 * LEASE) == [row]
        assert tx.outbox.mark_sent(row, after, owner="B")
        assert tx.outbox.pending("teams") == []


def test_racing_senders_send_every_row_once_and_in_order(two: tuple[SqlStore, SqlStore]) -> None:
    a, b = two
    rows = [(f"conv-{n % 12}", str(n)) for n in range(240)]
    ids = queue(a, rows)
    conversation = dict(zip(ids, (c for c, _ in rows), strict=True))
    sent: list[tuple[str, int]] = []  # (owner, id) in the order they went out
    lock = threading.Lock()
    errors: list[BaseException] = []

    def sender(store: SqlStore, owner: str) -> None:
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                with store.transaction() as tx:
                    got = tx.outbox.claim("teams", owner, NOW, NOW + LEASE, limit=7)
                    # Done when nothing is left to send: a fixed number of empty claims
                    # gave up early on a loaded machine, with rows still queued.
                    if not got and not tx.outbox.pending("teams"):
                        break
                if not got:
                    time.sleep(0.002)  # another sender holds what is left
                for item in got:
                    with lock:  # "send" it
                        sent.append((owner, item.id))
                    with store.transaction() as tx:
                        assert tx.outbox.mark_sent(item.id, NOW, owner=owner)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [
        threading.Thread(target=sender, args=(store, f"{name}{n}"))
        for (name, store), n in itertools.product((("A", a), ("B", b)), range(3))
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    assert not errors, errors
    sent_ids = [i for _, i in sent]
    assert sorted(sent_ids) == ids  # every row once: none doubled, none lost
    assert len({owner for owner, _ in sent}) > 1  # the work really was shared
    for conv in {c for c, _ in rows}:
        order = [i for i in sent_ids if conversation[i] == conv]
        assert order == sorted(order), f"{conv} went out of order"
    with a.transaction() as tx:
        assert tx.outbox.pending("teams") == []


def test_one_holder_of_a_named_lease(two: tuple[SqlStore, SqlStore]) -> None:
    a, b = two
    wins: list[str] = []
    barrier = threading.Barrier(6)

    def take(store: SqlStore, owner: str) -> None:
        barrier.wait()
        with store.transaction() as tx:
            if tx.leases.acquire("matrix-sync", owner, NOW, NOW + LEASE):
                wins.append(owner)

    threads = [
        threading.Thread(target=take, args=(s, f"{s is a}{n}")) for s in (a, b) for n in range(3)
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert len(wins) == 1
    holder = wins[0]
    with b.transaction() as tx:
        assert tx.leases.acquire("matrix-sync", holder, NOW, NOW + 2 * LEASE)  # renewal
    after = NOW + 3 * LEASE
    with b.transaction() as tx:
        assert not tx.leases.acquire("matrix-sync", "B", NOW + LEASE, after)  # still held
        assert tx.leases.acquire("matrix-sync", "B", after, after + LEASE)  # expired: taken
    with a.transaction() as tx:
        assert not tx.leases.acquire("matrix-sync", holder, after, after + LEASE)
        assert not tx.leases.renew("matrix-sync", holder, after + LEASE)  # B has it
        assert tx.leases.renew("matrix-sync", "B", after + 2 * LEASE)
        tx.leases.release("matrix-sync", "B")
        assert not tx.leases.renew("matrix-sync", "B", after + 2 * LEASE)  # released: gone
        assert tx.leases.acquire("matrix-sync", holder, after, after + LEASE)
