"""What the benchmark scripts share. Importing it puts the repository on ``sys.path``
(the scripts run as ``python bench/<script>.py`` and some reuse the test harness in
``tests/``); it also loads the example knowledge base and computes the p99 they report."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.settings import EXAMPLE_DIR  # noqa: E402
from knowledge.base import KnowledgeBase, load_knowledge_base  # noqa: E402


def example_kb() -> KnowledgeBase:
    """The example knowledge base shipped with the bot: articles, organisation, synonyms."""
    return load_knowledge_base(
        EXAMPLE_DIR / "articles", EXAMPLE_DIR / "organisation.yaml", EXAMPLE_DIR / "synonyms.yaml"
    )


def p99(sorted_times: list[float]) -> float:
    """The 99th percentile of an ascending, non-empty list (its first value if it is short)."""
    return sorted_times[max(0, int(len(sorted_times) * 0.99) - 1)]
