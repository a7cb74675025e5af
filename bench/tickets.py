"""Ticket creation throughput and claim latency on SQLite and PostgreSQL.

    python bench/tickets.py                       # 10,000 tickets, 8 claimers, both backends
    python bench/tickets.py --tickets 2000 --claimers 4 --backends sqlite
    python bench/tickets.py --batch 0             # skip the batched-creation variant

Needs the project installed with its dev extras plus the PostgreSQL driver:

    pip install -e '.[dev]' 'psycopg[binary]'

It uses the real storage layer (``adapters.sql.engine.make_engine``/``migrate`` and
``adapters.sql.store.SqlStore``), with the engine settings the bot itself uses.

Per backend:

1. Create N tickets from one thread, one transaction per ticket (as the bot does:
   one message = one transaction) and report tickets/s. With ``--batch B`` (default
   500) the same N tickets are also created B per transaction into a separate, scratch
   database/schema, reported as a clearly labelled extra figure.
2. K claimer threads (each checks its own connections out of the engine pool,
   ``pool_size=K+2``) race over all N tickets: each walks the ids in its own shuffled
   order and tries ``tx.tickets.claim(id, f"staff{k}", now)`` in its own transaction,
   timing each attempt (perf_counter around the whole transaction).
3. A final query verifies every ticket is claimed exactly once: status ``claimed``,
   ``claimed_by`` equal to the one claimer that won it, ``version`` bumped exactly once,
   and the wins add up to N. The process exits 1 if any backend fails this.

SQLite uses a file in a temporary directory. PostgreSQL uses ``--pg-url`` (default
``$STODBOT_BENCH_PG_URL`` or ``postgresql://postgres@127.0.0.1:5432/test``) in a fresh
schema ``bench_<random>``, dropped at the end; if PostgreSQL cannot be reached the
backend is skipped with the reason, and SQLite still runs.

Targets (issue): at least 500 ticket creations/s on SQLite and 1,000/s on PostgreSQL
on the 2-core reference machine.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import _setup  # noqa: F401  (puts the repository on sys.path)
from sqlalchemy import Engine, select, text

from adapters.sql import tables as t
from adapters.sql.engine import make_engine, migrate
from adapters.sql.store import SqlStore
from routing.ports import NewTicket
from routing.tickets import Status

DEFAULT_PG_URL = os.environ.get("STODBOT_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
TARGETS = {"sqlite": 500.0, "postgresql": 1000.0}  # ticket creations/s
AREAS = ("it", "hr", "ekonomi", "lokaler", "kansli")


# --------------------------------------------------------------------------- backends


@contextmanager
def sqlite_engine(pool_size: int) -> Iterator[Engine]:
    with tempfile.TemporaryDirectory(prefix="stodbot-bench-") as tmp:
        engine = make_engine(
            f"sqlite:///{Path(tmp) / 'bench.db'}", pool_size=pool_size, max_overflow=0
        )
        try:
            migrate(engine)
            yield engine
        finally:
            engine.dispose()


@contextmanager
def pg_engine(url: str, pool_size: int) -> Iterator[Engine]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(url, connect_args={"connect_timeout": 5})
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(
        url,
        connect_args={"options": f"-csearch_path={schema}", "connect_timeout": 5},
        pool_size=pool_size,
        max_overflow=0,
    )
    try:
        migrate(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def pg_unreachable(url: str) -> str | None:
    """None if PostgreSQL answers at ``url``, else why not."""
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        return f"PostgreSQL driver missing ({exc}); pip install 'psycopg[binary]'"
    try:
        engine = make_engine(url, connect_args={"connect_timeout": 3})
        try:
            with engine.connect() as conn:
                conn.execute(text("select 1"))
        finally:
            engine.dispose()
    except Exception as exc:  # any failure means: no PostgreSQL here
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        return f"cannot connect to {url}: {type(exc).__name__}: {first}"
    return None


def open_backend(name: str, pool_size: int, pg_url: str) -> Any:
    return sqlite_engine(pool_size) if name == "sqlite" else pg_engine(pg_url, pool_size)


# --------------------------------------------------------------------------- workload


def new_ticket(i: int, now: datetime) -> NewTicket:
    return NewTicket(
        area_id=AREAS[i % len(AREAS)],
        asker_id=f"user{i % 997}",
        channel="teams",
        conversation_id=f"conv-{i}",
        address=f"addr-{i}",
        language="sv",
        unit_id=None,
        question=f"Min dator startar inte efter uppdateringen, ärende {i}. Vad gör jag?",
        article_id=None,
        question_id=None,
        created_at=now,
        claim_due=now + timedelta(hours=4),
        resolve_due=now + timedelta(days=2),
        route_confidence=0.8,
        route_reason="keyword",
    )


def create_one_per_tx(store: SqlStore, n: int) -> tuple[list[int], float]:
    ids: list[int] = []
    start = time.perf_counter()
    for i in range(n):
        with store.transaction() as tx:
            ids.append(tx.tickets.create(new_ticket(i, datetime.now(UTC))).id)
    return ids, time.perf_counter() - start


def create_batched(store: SqlStore, n: int, batch: int) -> float:
    start = time.perf_counter()
    for first in range(0, n, batch):
        with store.transaction() as tx:
            for i in range(first, min(first + batch, n)):
                tx.tickets.create(new_ticket(i, datetime.now(UTC)))
    return time.perf_counter() - start


@dataclass
class Claimer:
    k: int
    order: list[int]
    won: list[int] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)

    @property
    def staff(self) -> str:
        return f"staff{self.k}"

    def run(self, store: SqlStore, barrier: threading.Barrier) -> None:
        barrier.wait()
        staff = self.staff
        for ticket_id in self.order:
            t0 = time.perf_counter()
            try:
                with store.transaction() as tx:
                    ok = tx.tickets.claim(ticket_id, staff, datetime.now(UTC))
            except Exception as exc:  # counted and reported; the ticket may end up lost
                self.latencies.append(time.perf_counter() - t0)
                self.errors[type(exc).__name__] += 1
                continue
            self.latencies.append(time.perf_counter() - t0)
            if ok:
                self.won.append(ticket_id)


def race(store: SqlStore, ids: list[int], k: int, seed: int) -> tuple[list[Claimer], float]:
    claimers = []
    for i in range(k):
        order = list(ids)
        random.Random(seed * 1000 + i).shuffle(order)
        claimers.append(Claimer(i, order))
    barrier = threading.Barrier(k + 1)
    threads = [
        threading.Thread(target=c.run, args=(store, barrier), name=f"claimer{c.k}")
        for c in claimers
    ]
    for th in threads:
        th.start()
    barrier.wait()
    start = time.perf_counter()
    for th in threads:
        th.join()
    return claimers, time.perf_counter() - start


@dataclass
class Verdict:
    double: int  # tickets won by more than one claimer, or updated more than once
    lost: int  # tickets left unclaimed in the database
    mismatched: int  # claimed_by differs from the claimer that reported the win
    wins: int

    def ok(self, n: int) -> bool:
        return self.double == 0 and self.lost == 0 and self.mismatched == 0 and self.wins == n


def verify(engine: Engine, ids: list[int], claimers: list[Claimer]) -> Verdict:
    winners: dict[int, list[str]] = {}
    for c in claimers:
        for ticket_id in c.won:
            winners.setdefault(ticket_id, []).append(c.staff)
    c_ = t.tickets.c
    with engine.connect() as conn:
        rows = {r.id: r for r in conn.execute(select(c_.id, c_.status, c_.claimed_by, c_.version))}
    double = lost = mismatched = 0
    for ticket_id in ids:
        row = rows.get(ticket_id)
        won_by = winners.get(ticket_id, [])
        if len(won_by) > 1 or (row is not None and row.version > 2):
            double += 1
        elif row is None or row.status != Status.CLAIMED.value or row.claimed_by is None:
            lost += 1
        elif not won_by or row.claimed_by != won_by[0]:
            mismatched += 1  # claimed in the database, but not by the claimer told it won
    return Verdict(double, lost, mismatched, sum(len(c.won) for c in claimers))


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(q / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


@dataclass
class Result:
    backend: str
    tickets: int
    create_rate: float
    batch_rate: float | None
    claim_rate: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    verdict: Verdict
    errors: Counter[str]


def bench_backend(name: str, n: int, k: int, batch: int, pg_url: str, seed: int) -> Result:
    pool = k + 2
    with open_backend(name, pool, pg_url) as engine:
        store = SqlStore(engine)
        print(f"[{name}] creating {n} tickets, one transaction each ...", flush=True)
        ids, took = create_one_per_tx(store, n)
        create_rate = n / took
        print(
            f"[{name}]   {create_rate:,.0f} tickets/s ({took:.2f} s; target >= "
            f"{TARGETS[name]:,.0f}/s)",
            flush=True,
        )

        print(
            f"[{name}] {k} claimers racing over all {n} tickets ({n * k} attempts) ...", flush=True
        )
        claimers, took = race(store, ids, k, seed)
        lat = sorted(x for c in claimers for x in c.latencies)
        errors: Counter[str] = Counter()
        for c in claimers:
            errors.update(c.errors)
        claim_rate = len(lat) / took
        verdict = verify(engine, ids, claimers)
        print(
            f"[{name}]   {claim_rate:,.0f} claim attempts/s ({took:.2f} s), "
            f"p50 {percentile(lat, 50) * 1000:.2f} ms, p99 {percentile(lat, 99) * 1000:.2f} ms, "
            f"max {lat[-1] * 1000:.1f} ms",
            flush=True,
        )
        print(
            f"[{name}]   wins per claimer: "
            + ", ".join(f"{c.staff}={len(c.won)}" for c in claimers)
            + f"  (sum {verdict.wins} of {n})",
            flush=True,
        )
        if errors:
            print(f"[{name}]   claim errors: {dict(errors)}", flush=True)
        state = "OK" if verdict.ok(n) else "FAILED"
        print(
            f"[{name}]   verification {state}: double claims {verdict.double}, lost "
            f"{verdict.lost}, claimed_by mismatches {verdict.mismatched}",
            flush=True,
        )

    batch_rate = None
    if batch > 0:
        with open_backend(name, pool, pg_url) as engine:
            print(
                f"[{name}] (extra) creating {n} tickets, {batch} per transaction, in a scratch "
                "database ...",
                flush=True,
            )
            took = create_batched(SqlStore(engine), n, batch)
            batch_rate = n / took
            print(f"[{name}]   (extra, batched x{batch}) {batch_rate:,.0f} tickets/s", flush=True)

    return Result(
        name,
        n,
        create_rate,
        batch_rate,
        claim_rate,
        percentile(lat, 50) * 1000,
        percentile(lat, 99) * 1000,
        lat[-1] * 1000,
        verdict,
        errors,
    )


def table(results: list[Result], skipped: dict[str, str], batch: int) -> str:
    head = (
        f"{'backend':<11}{'tickets':>8}{'creations/s':>13}{'target':>9}{'':>7}"
        f"{'claims/s':>10}{'p50 ms':>8}{'p99 ms':>8}{'double':>8}{'lost':>6}"
    )
    if batch > 0:
        head += f"{f'batch{batch}/s':>13}"
    lines = [head, "-" * len(head)]
    for r in results:
        target = TARGETS[r.backend]
        mark = "ok" if r.create_rate >= target else "MISSED"
        line = (
            f"{r.backend:<11}{r.tickets:>8}{r.create_rate:>13,.0f}{f'>={target:,.0f}':>9}"
            f"{mark:>7}{r.claim_rate:>10,.0f}{r.p50_ms:>8.2f}{r.p99_ms:>8.2f}"
            f"{r.verdict.double:>8}{r.verdict.lost:>6}"
        )
        if batch > 0:
            line += f"{(r.batch_rate or 0):>13,.0f}"
        lines.append(line)
    for name, why in skipped.items():
        lines.append(f"{name:<11}skipped: {why}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tickets", type=int, default=10_000, help="tickets to create (N)")
    ap.add_argument("--claimers", type=int, default=8, help="concurrent claimer threads (K)")
    ap.add_argument(
        "--backends", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"]
    )
    ap.add_argument(
        "--batch", type=int, default=500, help="extra variant: tickets per transaction (0 = skip)"
    )
    ap.add_argument("--pg-url", default=DEFAULT_PG_URL)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    if args.tickets < 1 or args.claimers < 1:
        ap.error("--tickets and --claimers must be at least 1")

    print(
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; N={args.tickets}, "
        f"K={args.claimers}, pool_size={args.claimers + 2}",
        flush=True,
    )
    results: list[Result] = []
    skipped: dict[str, str] = {}
    for name in args.backends:
        if name == "postgresql":
            why = pg_unreachable(args.pg_url)
            if why:
                skipped[name] = why
                print(f"[postgresql] SKIPPED: {why}", flush=True)
                continue
        results.append(
            bench_backend(name, args.tickets, args.claimers, args.batch, args.pg_url, args.seed)
        )

    print()
    print(table(results, skipped, args.batch))
    print(
        "creations/s: one transaction per ticket (as the bot does); claims/s: claim attempts "
        "(wins + losses) per second across all claimers; latency is per claim transaction."
    )
    failed = [r.backend for r in results if not r.verdict.ok(r.tickets)]
    if failed:
        print(f"VERIFICATION FAILED on: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
