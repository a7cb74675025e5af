"""Matcher latency, start-up time and peak memory on synthetic knowledge bases.

    python bench/latency.py              # 1,000 and 20,000 articles
    python bench/latency.py --sizes 1000 --queries 500

Each size runs in its own process, so peak memory (ru_maxrss) is that size's.
The synthetic base reuses the example base's words, glued into new compounds
and articles, so the vocabulary grows with the base as a real one would. The
questions are article phrasings with typos, dropped å/ä/ö and shuffled words,
plus off-topic questions; each is unique, so no cache helps.
Targets (issue 2): p99 < 10 ms at 1,000 articles, < 50 ms at 20,000; start-up < 2 s at 1,000.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _setup import p99

from bot.settings import EXAMPLE_DIR
from knowledge.base import load_knowledge_base
from knowledge.loader import load_articles, load_organisation
from knowledge.text import fold, words


def vocabulary() -> list[str]:
    arts = load_articles(EXAMPLE_DIR / "articles").articles
    seen: dict[str, None] = {}
    for a in arts:
        for text in (a.title, *a.questions, a.answer):
            for w in words(text):
                if len(w) >= 3 and w.isalpha():
                    seen.setdefault(w, None)
    return list(seen)


def make_base(root: Path, n: int, rng: random.Random) -> list[list[str]]:
    vocab = vocabulary()
    org = load_organisation(EXAMPLE_DIR / "organisation.yaml")
    areas = [a.id for a in org.areas]
    # New compounds widen the vocabulary roughly in step with the base.
    extra = [rng.choice(vocab) + rng.choice(vocab) for _ in range(n * 2)]
    pool = vocab + extra
    phrasings: list[list[str]] = []
    for i in range(n):
        area = areas[i % len(areas)]
        topic = rng.sample(pool, 4)
        questions = []
        for _ in range(5):
            q = rng.sample(topic, 3) + rng.sample(vocab, rng.randint(2, 5))
            rng.shuffle(q)
            questions.append(" ".join(q).capitalize() + "?")
        phrasings.append(questions)
        body = " ".join(rng.choice(pool) for _ in range(80)) + "."
        qs = "\n".join(f"  - {q}" for q in questions)
        path = root / area / f"a{i:05d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"---\nid: syn-{i:05d}\narea: {area}\ntitle: {' '.join(topic).capitalize()}\n"
            f"questions:\n{qs}\nreviewed: 2026-10-01\n---\n{body}\n",
            encoding="utf-8",
        )
    return phrasings


def noisy(question: str, rng: random.Random) -> str:
    ws = question.rstrip("?").split()
    rng.shuffle(ws)
    i = rng.randrange(len(ws))
    w = ws[i]
    if len(w) > 4:
        j = rng.randrange(1, len(w) - 1)
        ws[i] = w[:j] + w[j + 1 :]  # drop a letter
    text = " ".join(ws)
    return fold(text) if rng.random() < 0.3 else text


def run_one(n: int, queries: int, seed: int) -> dict[str, float]:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        phrasings = make_base(root / "articles", n, rng)
        t0 = time.perf_counter()
        kb = load_knowledge_base(
            root / "articles", EXAMPLE_DIR / "organisation.yaml", EXAMPLE_DIR / "synonyms.yaml"
        )
        startup = time.perf_counter() - t0
        assert len(kb.articles) == n
        qs = []
        for k in range(queries):
            if k % 10 == 9:
                qs.append(f"helt annan fråga om {k} saker utan svar")
            else:
                qs.append(noisy(rng.choice(rng.choice(phrasings)), rng) + f" {k}")
        times = []
        for q in qs:
            t = time.perf_counter()
            kb.matcher.match(q)
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {
        "articles": n,
        "queries": queries,
        "startup_s": round(startup, 3),
        "p50_ms": round(statistics.median(times), 3),
        "p99_ms": round(p99(times), 3),
        "max_ms": round(times[-1], 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 20000])
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.queries, args.seed)))
        return 0
    print(
        f"{'articles':>8} {'start-up s':>10} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} "
        f"{'peak MB':>8}"
    )
    for n in args.sizes:
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--one",
                str(n),
                "--queries",
                str(args.queries),
                "--seed",
                str(args.seed),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"{r['articles']:>8} {r['startup_s']:>10} {r['p50_ms']:>8} {r['p99_ms']:>8} "
            f"{r['max_ms']:>8} {r['peak_rss_mb']:>8}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
