"""Tickets opened the way the bot opens them, audit log included, from several threads.

    python bench/audited.py                          # 2,000 opens, 1 and 4 threads, both backends
    python bench/audited.py --opens 500 --threads 8 --backends postgresql

Each open is ``Desk.open`` in one transaction, as a routed question is: the ticket,
its "created" event and its audit row. Every audit row extends the hash chain, so
appends are serialised across transactions; this measures what that costs when
several handlers (threads, or two instances) open tickets at once. Afterwards the
chain is verified, and the run fails (exit 1) if any row is missing or out of chain.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from datetime import UTC, datetime

import _setup  # noqa: F401  (puts the repository on sys.path)
from sqlalchemy import func, select
from tickets import DEFAULT_PG_URL, open_backend, pg_unreachable

from adapters.sql import tables as t
from adapters.sql.store import SqlStore
from bot.settings import EXAMPLE_DIR
from knowledge.loader import load_organisation
from routing.calendar import BusinessCalendar
from routing.desk import Desk
from routing.roles import OrganisationRoles


def opens(store: SqlStore, desk: Desk, n: int, threads: int) -> float:
    """Open ``n`` tickets from ``threads`` threads; tickets per second."""
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            for i in range(k, n, threads):
                with store.transaction() as tx:
                    desk.open(
                        tx,
                        area_id="hr" if i % 3 == 0 else "it",
                        asker_id=f"user{i % 97}",
                        channel="teams",
                        conversation_id=f"conv-{i}",
                        address="",
                        language="sv",
                        unit_id=None,
                        question=f"Fråga nummer {i} om lönen",
                        article_id=None,
                        question_id=None,
                        confidence=0.5,
                        reason="bench",
                        at=datetime.now(UTC),
                    )
        except BaseException as exc:  # reported after the run
            errors.append(exc)

    workers = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise errors[0]
    return n / elapsed


def chain_problem(store: SqlStore) -> str | None:
    """What ``stodbot audit verify`` would report, or None if the chain is whole."""
    from adapters.sql.audit_chain import verify_chain

    with store.engine.connect() as conn:
        check = verify_chain(conn)
    return None if check.broken is None else f"{check.broken.kind} at row {check.broken.row}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--opens", type=int, default=2000)
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 4])
    ap.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    ap.add_argument("--pg-url", default=DEFAULT_PG_URL)
    args = ap.parse_args()
    org = load_organisation(EXAMPLE_DIR / "organisation.yaml")
    desk = Desk(org, OrganisationRoles(org), BusinessCalendar())
    failed = False
    for backend in args.backends:
        if backend == "postgresql" and (why := pg_unreachable(args.pg_url)):
            print(f"{backend}: skipped ({why})")
            continue
        for threads in args.threads:
            with open_backend(backend, threads + 2, args.pg_url) as engine:
                store = SqlStore(engine)
                rate = opens(store, desk, args.opens, threads)
                with engine.connect() as conn:
                    rows = conn.execute(select(func.count()).select_from(t.audit_log))
                    audited = rows.scalar_one()
                problem = chain_problem(store)
                ok = audited == args.opens and problem is None
                failed |= not ok
                print(
                    f"{backend:10} threads={threads:<2} opens/s={rate:8.0f} "
                    f"audit rows={audited} chain={'ok' if problem is None else problem}"
                )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
