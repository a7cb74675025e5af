"""How long an area's yearly analysis takes to read and to render (issue 14).

    OMP_NUM_THREADS=1 python bench/yearly.py                 # the demo's volume, and 5x
    OMP_NUM_THREADS=1 python bench/yearly.py --scales 1 10

Seeds two years of made-up demand (``tests/seed.py``, 100 weeks up to 2026-W47, about
60 questions a week at scale 1) into a temporary SQLite database, then times for the
busiest area (HR, about 30 % of the questions):
- ``load_yearly``: the two years read from the store, counted, masked, the gap groups
  grouped and named by the matcher (lexical, ``STODBOT_SEMANTIC=off``);
- the sections (what the page, XLSX and DOCX show), the XLSX and the DOCX with its chart;
and the process's peak memory. A reader waits for ``load_yearly`` plus one rendering.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("STODBOT_SEMANTIC", "off")

from adapters.reports.yearly import sections  # noqa: E402
from adapters.reports.yearly_files import to_docx, to_xlsx  # noqa: E402
from bot.reports import load_yearly  # noqa: E402
from bot.service import ConversationService  # noqa: E402
from bot.settings import EXAMPLE_DIR  # noqa: E402
from knowledge.base import load_knowledge_base  # noqa: E402
from tests.conftest import sqlite_store  # noqa: E402
from tests.seed import seed  # noqa: E402

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def timed(what: str, fn, *args):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    out = fn(*args)
    print(f"  {what:<34} {time.perf_counter() - started:6.2f} s")
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 5])
    args = parser.parse_args()
    kb = load_knowledge_base(
        EXAMPLE_DIR / "articles", EXAMPLE_DIR / "organisation.yaml", EXAMPLE_DIR / "synonyms.yaml"
    )
    for scale in args.scales:
        with tempfile.TemporaryDirectory() as tmp:
            store = sqlite_store(Path(tmp) / "bench.db")
            started = time.perf_counter()
            n = seed(store, kb, "2026-W47", weeks=100, per_week=60 * scale)
            print(f"scale {scale}: {n} questions over two years "
                  f"(seeded in {time.perf_counter() - started:.0f} s)")  # fmt: skip
            service = ConversationService(kb, store, clock=lambda: NOW)
            y = timed("load_yearly (HR, 2026, lead)", load_yearly, service, "hr", 2026,
                      NOW, None, True)  # fmt: skip
            timed("sections (page, files)", sections, y, kb.organisation)
            timed("XLSX", to_xlsx, y, kb.organisation)
            timed("DOCX with the chart", to_docx, y, kb.organisation)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
