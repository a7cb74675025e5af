"""Write the example base's article embeddings beside it, so a fresh install embeds
nothing at its first start (``knowledge/example/embeddings-<model>.npz``).

    python tools/seed_embeddings.py

Run it after editing the example articles; a stale seed costs only the changed
phrasings' embedding time at start-up, never a wrong vector (keys are text hashes).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.compose import embeddings  # noqa: E402
from bot.settings import EXAMPLE_DIR, Settings  # noqa: E402
from knowledge.loader import load_articles, load_organisation  # noqa: E402
from knowledge.semantic import SemanticIndex  # noqa: E402


def main() -> int:
    settings = Settings()
    cached = embeddings(settings)
    assert cached is not None, "STODBOT_SEMANTIC is off"
    org = load_organisation(EXAMPLE_DIR / "organisation.yaml")
    articles = load_articles(EXAMPLE_DIR / "articles", org.area_ids).articles
    SemanticIndex(articles, cached)  # embeds what the cache lacks
    out = EXAMPLE_DIR / cached.file_name
    cached.save(to=out, only=SemanticIndex.texts(articles))
    print(f"{len(articles)} articles: wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
