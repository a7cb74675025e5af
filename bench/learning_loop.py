"""Does the knowledge loop make the bot better? (issue 13)

    OMP_NUM_THREADS=1 python bench/learning_loop.py
    OMP_NUM_THREADS=1 python bench/learning_loop.py --files questions_blind4.csv --semantic off

The question stream is the example base's blind files 2 to 5 pooled: each file asks
about every article once (in other words, by other writers), so one file split in two
never asks about the same article in both halves, and the loop could not show; pooled,
an article is asked about about four times, as real demand repeats itself. The stream
is split in two at random, once per seed (two splits by default): week 1 and week 2.
Week 1 goes through the real conversation service, on a copy of the example base and
a SQLite database:
- a manager asks each question;
- an answer to the right article gets "ja"; a wrong one gets "nej", then "ja" to
  sending it on;
- asked back: the manager picks the right article when it is offered and says it
  helped, otherwise "0" (none of them), which sends it on;
- no answer: "ja" to sending it on;
- every ticket is claimed by the first staff member of its area and answered with the
  right article (``svara N #artikel``);
- out-of-scope questions are asked too, and any ticket they become is left unanswered
  (there is no article to answer with; publishing a new one is not simulated).
Then every suggested phrasing is accepted (``bot.learning.decide``, which writes it into
the article file), and the base is loaded again from the files. Week 2 is evaluated
(``stodbot eval questions``' counting) on the base before and after. The answer model
is the shipped one in both (not recalibrated), so the difference is the phrasings alone.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.compose import embeddings as make_embeddings  # noqa: E402
from bot.learning import decide  # noqa: E402
from bot.messages import ConversationRef, IncomingMessage, Reply, ReplyKind  # noqa: E402
from bot.service import ConversationService  # noqa: E402
from bot.settings import EXAMPLE_DIR, Settings  # noqa: E402
from knowledge.base import KnowledgeBase, load_knowledge_base  # noqa: E402
from knowledge.evaluation import NOT_ANSWERABLE, evaluate_questions, read_questions  # noqa: E402
from knowledge.matcher import Thresholds  # noqa: E402
from tests.conftest import sqlite_store  # noqa: E402

MANAGER = "@anna.chef:exempelkommun.se"  # the example organisation knows her unit
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday


@dataclass
class Week1:
    asked: int = 0
    tickets: int = 0
    answered_by_staff: int = 0
    suggested: int = 0
    accepted: int = 0


class Replay:
    def __init__(self, kb: KnowledgeBase, db: Path) -> None:
        self.kb = kb
        self.store = sqlite_store(db)
        self.service = ConversationService(kb, self.store, clock=lambda: NOW)
        self.n = 0

    def say(self, user: str, text: str, room: str) -> list[Reply]:
        self.n += 1
        msg = IncomingMessage(ConversationRef("bench", room), user, text, f"e{self.n}")
        return self.service.handle(msg)

    def ask(self, question: str, expected: str, stats: Week1) -> None:
        room = f"dm{self.n}"
        stats.asked += 1
        replies = self.say(MANAGER, question, room)
        first = next((r for r in replies if r.kind is not ReplyKind.INFO or r.offers_route), None)
        if first is None:
            return
        ticket: int | None = None
        if first.kind is ReplyKind.ANSWER:
            if first.article_id == expected:
                self.say(MANAGER, "ja", room)
                return
            self.say(MANAGER, "nej", room)
            ticket = self._routed(self.say(MANAGER, "ja", room))
        elif first.kind is ReplyKind.CLARIFY:
            pick = next((c.number for c in first.choices if c.article_id == expected), None)
            if pick is not None:
                self.say(MANAGER, str(pick), room)
                self.say(MANAGER, "ja", room)
                return
            ticket = self._routed(self.say(MANAGER, "0", room))
        elif first.offers_route:
            ticket = self._routed(self.say(MANAGER, "ja", room))
        if ticket is None:
            return
        stats.tickets += 1
        if expected == NOT_ANSWERABLE:
            return
        with self.store.transaction() as tx:
            found = tx.tickets.get(ticket)
        area = self.kb.organisation.area(found.area_id) if found else None
        staff = (area.staff[:1] or ((area.lead_user,) if area.lead_user else ())) if area else ()
        if not staff:
            return
        self.say(staff[0], f"ta {ticket}", f"area:{area.id}")  # type: ignore[union-attr]
        done = self.say(staff[0], f"svara {ticket} #{expected}", f"area:{area.id}")  # type: ignore[union-attr]
        if any("besvarat" in r.text for r in done):
            stats.answered_by_staff += 1

    @staticmethod
    def _routed(replies: list[Reply]) -> int | None:
        return next((r.ticket_id for r in replies if r.kind is ReplyKind.ROUTED), None)


def copy_base(root: Path) -> Path:
    base = root / "base"
    shutil.copytree(EXAMPLE_DIR, base, ignore=shutil.ignore_patterns("questions*.csv"))
    return base


def load(base: Path, semantic: str) -> KnowledgeBase:
    settings = Settings(articles_dir=base / "articles", semantic=semantic)
    return load_knowledge_base(
        base / "articles",
        base / "organisation.yaml",
        base / "synonyms.yaml",
        base / "calibration.json",
        make_embeddings(settings),
    )


def recalibrate(base: Path, semantic: str) -> None:
    """What ``stodbot kb calibrate`` does, on the copy."""
    from knowledge.confidence import calibrate, write_models
    from knowledge.normalise import Analyzer
    from knowledge.synonyms import read_groups

    kb = load(base, semantic)
    groups = read_groups(base / "synonyms.yaml")
    meaning = kb.matcher.semantic.embeddings if kb.matcher.semantic else None
    model = calibrate(kb.articles, lambda: Analyzer(groups), meaning)
    write_models(base / "calibration.json", {model.mode: model})


def run(paths: list[Path], seed: int, semantic: str, again: bool = False) -> dict[str, float]:
    rows = [row for path in paths for row in read_questions(path)]
    random.Random(seed).shuffle(rows)
    week1, week2 = rows[: len(rows) // 2], rows[len(rows) // 2 :]
    thresholds = Thresholds()
    with tempfile.TemporaryDirectory() as tmp:
        base = copy_base(Path(tmp))
        before_kb = load(base, semantic)
        replay = Replay(before_kb, Path(tmp) / "loop.db")
        stats = Week1()
        for question, expected in week1:
            replay.ask(question, expected, stats)
        with replay.store.transaction() as tx:
            waiting = tx.suggestions.pending()
        stats.suggested = len(waiting)
        for s in waiting:
            with replay.store.transaction() as tx:
                decide(tx, replay.service.article_file, s.id, True, "@lead", NOW)
            stats.accepted += 1
        if again:
            recalibrate(base, semantic)
        after_kb = load(base, semantic)
        before = evaluate_questions(before_kb.matcher, week2, thresholds)
        after = evaluate_questions(after_kb.matcher, week2, thresholds)
    print(
        f"seed {seed}: week 1 {stats.asked} questions, {stats.tickets} tickets, "
        f"{stats.answered_by_staff} answered with an article, {stats.suggested} phrasings "
        f"suggested, {stats.accepted} accepted"
    )
    for name, r in (("without the loop", before), ("with the loop", after)):
        print(
            f"  week 2 {name:<17} in scope {r.in_scope}: right {r.right:6.1%}  one step "
            f"{r.one_step:6.1%}  wrong (all) {r.wrong:6.1%}  out of scope abstained "
            f"{r.abstained:6.1%}"
        )
    return {
        "right": after.right - before.right,
        "wrong": after.wrong - before.wrong,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--files",
        nargs="+",
        default=[f"questions_blind{k}.csv" for k in (2, 3, 4, 5)],
        help="pooled into one stream (names in the example base, or paths)",
    )
    parser.add_argument("--seeds", type=int, nargs="+", default=[13, 14])
    parser.add_argument("--semantic", choices=("on", "off"), default="on")
    parser.add_argument(
        "--recalibrate",
        action="store_true",
        help="fit the answer model again after week 1, as the running bot does (minutes)",
    )
    args = parser.parse_args()
    start = time.perf_counter()
    paths = [Path(f) if Path(f).is_file() else EXAMPLE_DIR / f for f in args.files]
    for seed in args.seeds:
        g = run(paths, seed, args.semantic, args.recalibrate)
        print(
            f"  seed {seed}: right {g['right'] * 100:+.1f} points, wrong "
            f"{g['wrong'] * 100:+.1f} points (target: right ≥ +5, wrong not higher)"
        )
    print(f"({time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
