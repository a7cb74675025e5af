"""Matcher latency, start-up time and peak memory on synthetic knowledge bases,
with the semantic model on (the default in production) and off.

    python bench/latency.py                       # 1,000 and 20,000 articles, both modes
    python bench/latency.py --sizes 1000 --modes off --queries 2000
    python bench/latency.py --sizes 1000 --embed-all   # embed every phrasing for real

The synthetic base reuses the example base's words, glued into new compounds
and articles, so the vocabulary grows with the base as a real one would; it is
the same for the same --seed. The questions are article phrasings with typos,
dropped å/ä/ö and shuffled words, plus off-topic questions; each is unique, so
no question cache helps.

Per size, three kinds of process, each fresh (so imports, file caches of the
process and ru_maxrss are its own):

- cold: the lexical index built from nothing (and written to the cache folder).
  With the model on, a cold start also embeds every phrasing (6 per article):
  about 120,000 texts at 20,000 articles, close to an hour on this machine. So
  by default the cold process embeds a sample (--embed-sample phrasings) for
  real, times it, and reports the cold embedding time extrapolated from it
  ("~"). It then fills the embedding cache for the warm runs with a shortcut:
  each phrasing gets the real vector of a sampled phrasing (phrasing i the
  vector of sample i mod n). Cosines then fall as they do between real
  phrasings of this base, so as many semantic candidates reach the ranking,
  and the work per question (one matrix-vector product over every phrasing)
  is the same as with true vectors. --embed-all embeds every phrasing instead.
- warm: the process a restart is: the model loaded, the lexical index and the
  embeddings read from the cache, then the questions asked one after the other
  by one worker (p50/p99/max per question, questions/s). The first question
  after start is timed apart (the model's first call is slow) and left out of
  the percentiles.

Targets: semantic p99 < 150 ms at 1,000 articles; warm start < 2 s at 1,000
and < 5 s at 20,000; lexical p99 < 10 ms; >= 20 questions/s for one worker.
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
from knowledge.base import KnowledgeBase, load_knowledge_base
from knowledge.loader import load_articles, load_organisation
from knowledge.semantic import Embeddings, SemanticIndex
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


def _paths(root: Path) -> tuple[Path, Path, Path]:
    return root / "articles", root / "cache", EXAMPLE_DIR / "organisation.yaml"


def _load(root: Path, embeddings: Embeddings | None) -> KnowledgeBase:
    articles, cache, org = _paths(root)
    return load_knowledge_base(
        articles, org, EXAMPLE_DIR / "synonyms.yaml", embeddings=embeddings, cache_dir=cache
    )


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run_cold(root: Path, n: int, seed: int, sample: int, embed_all: bool) -> dict[str, object]:
    """Build the base, the lexical index (timed) and the embedding cache."""
    t0 = time.perf_counter()
    phrasings = make_base(_paths(root)[0], n, random.Random(seed))
    (root / "phrasings.json").write_text(json.dumps(phrasings), encoding="utf-8")
    made = time.perf_counter() - t0
    t0 = time.perf_counter()
    kb = _load(root, None)
    lexical = time.perf_counter() - t0
    assert len(kb.articles) == n
    out: dict[str, object] = {
        "articles": n,
        "make_base_s": round(made, 1),
        "cold_lexical_s": round(lexical, 2),
        "cold_lexical_rss_mb": _rss_mb(),
    }
    texts = [p for a in kb.articles for p in a.phrasings if p.strip()]
    out["phrasings"] = len(texts)
    from adapters.semantic.e5 import E5Embedder

    t0 = time.perf_counter()
    embedder = E5Embedder()
    embedder.embed(["uppvärmning"], "query")  # the model's first call, not a phrasing's
    out["model_load_s"] = round(time.perf_counter() - t0, 2)
    emb = Embeddings(embedder, _paths(root)[1])
    rng = random.Random(seed + 1)
    picked = texts if embed_all else rng.sample(texts, min(sample, len(texts)))
    t0 = time.perf_counter()
    vectors = embedder.embed(picked, "query")
    took = time.perf_counter() - t0
    per_text = took / len(picked)
    out["embedded"] = len(picked)
    out["embed_ms_per_phrasing"] = round(per_text * 1000, 1)
    out["cold_embedding_s"] = round(per_text * len(texts), 1)
    out["cold_embedding_extrapolated"] = not embed_all
    # Each article's answer, embedded as a passage (longer, so timed apart).
    answers = [SemanticIndex.passage(a) for a in kb.articles]
    sampled = answers if embed_all else rng.sample(answers, min(max(sample // 6, 1), n))
    t0 = time.perf_counter()
    passage_vectors = embedder.embed(sampled, "passage")
    per_answer = (time.perf_counter() - t0) / len(sampled)
    out["embed_ms_per_answer"] = round(per_answer * 1000, 1)
    out["cold_embedding_s"] = round(per_text * len(texts) + per_answer * len(answers), 1)
    # The cache for the warm runs (see the module's docstring for the shortcut).
    emb.put("query", texts, vectors[[i % len(picked) for i in range(len(texts))]])
    emb.put("passage", answers, passage_vectors[[i % len(sampled) for i in range(len(answers))]])
    emb.save()
    out["cold_rss_mb"] = _rss_mb()
    return out


def run_warm(root: Path, semantic_on: bool, queries: int, seed: int) -> dict[str, object]:
    """A restart with the caches filled, then one worker asking ``queries`` questions."""
    phrasings = json.loads((root / "phrasings.json").read_text(encoding="utf-8"))
    rng = random.Random(seed + 2)
    qs = []
    for k in range(queries + 1):
        if k % 10 == 9:
            qs.append(f"helt annan fråga om {k} saker utan svar")
        else:
            qs.append(noisy(rng.choice(rng.choice(phrasings)), rng) + f" {k}")
    t0 = time.perf_counter()
    emb = None
    if semantic_on:
        from adapters.semantic.e5 import E5Embedder

        emb = Embeddings(E5Embedder(), _paths(root)[1])
    kb = _load(root, emb)
    warm = time.perf_counter() - t0
    t0 = time.perf_counter()
    kb.matcher.match(qs[0])
    first = (time.perf_counter() - t0) * 1000
    times = []
    t_all = time.perf_counter()
    for q in qs[1:]:
        t = time.perf_counter()
        kb.matcher.match(q)
        times.append((time.perf_counter() - t) * 1000)
    total = time.perf_counter() - t_all
    times.sort()
    return {
        "mode": "semantic" if semantic_on else "lexical",
        "articles": len(kb.articles),
        "queries": queries,
        "warm_start_s": round(warm, 2),
        "first_ms": round(first, 1),
        "p50_ms": round(statistics.median(times), 2),
        "p99_ms": round(p99(times), 2),
        "max_ms": round(times[-1], 2),
        "qps": round(queries / total, 1),
        "warm_rss_mb": _rss_mb(),
    }


def _child(*args: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 20000])
    parser.add_argument("--modes", nargs="+", choices=["on", "off"], default=["on", "off"])
    parser.add_argument("--queries", type=int, default=2000, help="lexical questions per size")
    parser.add_argument(
        "--semantic-queries", type=int, default=300, help="semantic questions per size"
    )
    parser.add_argument("--embed-sample", type=int, default=300)
    parser.add_argument("--embed-all", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cold", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--warm", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--semantic", choices=["on", "off"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold:
        print(json.dumps(run_cold(args.cold, args.n, args.seed, args.embed_sample, args.embed_all)))
        return 0
    if args.warm:
        n_q = args.semantic_queries if args.semantic == "on" else args.queries
        print(json.dumps(run_warm(args.warm, args.semantic == "on", n_q, args.seed)))
        return 0
    print(
        f"{'articles':>8} {'mode':>8} {'cold s':>8} {'embed s':>10} {'warm s':>7} "
        f"{'first ms':>8} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} {'q/s':>6} "
        f"{'cold MB':>8} {'warm MB':>8}"
    )
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            extra = ["--embed-all"] if args.embed_all else []
            cold = _child(
                "--cold", tmp, "--n", str(n), "--seed", str(args.seed),
                "--embed-sample", str(args.embed_sample), *extra,
            )  # fmt: skip
            print("#", json.dumps(cold), file=sys.stderr)
            for mode in args.modes:
                r = _child(
                    "--warm", tmp, "--semantic", mode, "--seed", str(args.seed),
                    "--queries", str(args.queries),
                    "--semantic-queries", str(args.semantic_queries),
                )  # fmt: skip
                print("#", json.dumps(r), file=sys.stderr)
                on = mode == "on"
                approx = "~" if cold["cold_embedding_extrapolated"] else ""
                embed = f"{approx}{cold['cold_embedding_s']}" if on else "-"
                cold_s = cold["cold_lexical_s"]
                print(
                    f"{n:>8} {r['mode']:>8} {cold_s:>8} {embed:>10} {r['warm_start_s']:>7} "
                    f"{r['first_ms']:>8} {r['p50_ms']:>7} {r['p99_ms']:>7} {r['max_ms']:>7} "
                    f"{r['qps']:>6} {cold['cold_lexical_rss_mb']:>8} {r['warm_rss_mb']:>8}",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
