"""Two ``stodbot serve`` processes on one database, one killed halfway (issue 10, case 8).

    python bench/two_instances.py                       # PostgreSQL at 127.0.0.1, 100 messages
    python bench/two_instances.py --runs 5 --messages 200
    python bench/two_instances.py --database-url sqlite:////tmp/two.db

Both serve Teams' ``/api/messages`` against a local fake of Microsoft's cloud (real
signed tokens); the messages are spread over both (a fifth become HR tickets, whose
cards go to the HR channel), and once half are acknowledged one instance is killed
with SIGKILL while it holds outbox rows it has not sent. Each run prints the replies
and cards doubled and lost, and how long after the kill the last one arrived (the
killed instance's claims run out after 20 s). The harness is
tests/hostile/two_instances.py, as the hostile test runs it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import uuid
from pathlib import Path

import _setup  # noqa: F401 (the repository on sys.path)
from sqlalchemy import text

from adapters.sql.engine import make_engine
from tests.hostile.two_instances import run

PG = "postgresql://postgres@127.0.0.1:5432/test"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=PG, help="PostgreSQL (a fresh schema each run)")
    parser.add_argument("--messages", type=int, default=100)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    bad = 0
    for n in range(args.runs):
        url, schema = args.database_url, None
        if url.startswith("postgresql"):
            schema = f"two_{uuid.uuid4().hex[:10]}"
            with make_engine(url).begin() as conn:
                conn.execute(text(f"CREATE SCHEMA {schema}"))
            url = f"{url}?options=-csearch_path%3D{schema}"
        try:
            with tempfile.TemporaryDirectory() as tmp:
                figures = asyncio.run(run(url, Path(tmp), messages=args.messages))
        finally:
            if schema:
                with make_engine(args.database_url).begin() as conn:
                    conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        print(f"run {n + 1}: {figures.line()}", flush=True)
        bad += (
            figures.replies_doubled
            + figures.replies_lost
            + figures.cards_doubled
            + figures.cards_lost
        )
    print(f"{args.runs} runs, {bad} replies or cards doubled or lost in all")
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
