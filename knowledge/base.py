"""The loaded knowledge base: organisation, articles, synonyms and the matcher."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from knowledge.loader import LoadResult, Problem, load_articles, load_organisation
from knowledge.matcher import Matcher
from knowledge.model import Article, Organisation
from knowledge.normalise import Analyzer
from knowledge.synonyms import SynonymError, read_groups

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class KnowledgeBase:
    organisation: Organisation
    matcher: Matcher
    problems: tuple[Problem, ...]
    loaded: LoadResult

    @property
    def articles(self) -> tuple[Article, ...]:
        return self.matcher.articles

    def article(self, article_id: str) -> Article | None:
        return self.matcher.article(article_id)


def load_knowledge_base(
    articles_dir: Path, organisation_file: Path, synonyms_file: Path | None = None
) -> KnowledgeBase:
    """Load everything. Broken articles and a broken synonyms file are skipped with
    a warning; only a missing or invalid organisation file stops start-up."""
    organisation = load_organisation(organisation_file)
    groups: list[list[str]] = []
    problems: list[Problem] = []
    if synonyms_file is not None:
        try:
            groups = read_groups(synonyms_file)
        except SynonymError as exc:
            log.warning("Ignoring the synonyms file: %s", exc)
            problems.append(Problem(synonyms_file, 1, str(exc), "warning"))
    loaded = load_articles(articles_dir, organisation.area_ids)
    matcher = Matcher(loaded.articles, Analyzer(groups))
    return KnowledgeBase(organisation, matcher, (*problems, *loaded.problems), loaded)
