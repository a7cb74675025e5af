"""The loaded knowledge base: organisation, articles, synonyms and the matcher."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from knowledge.confidence import DEFAULT, Calibration, fingerprint, read_models
from knowledge.loader import LoadResult, Problem, load_articles, load_organisation
from knowledge.matcher import Matcher
from knowledge.model import Article, Organisation
from knowledge.normalise import Analyzer
from knowledge.semantic import Embeddings
from knowledge.synonyms import SynonymError, read_groups

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class KnowledgeBase:
    organisation: Organisation
    matcher: Matcher
    problems: tuple[Problem, ...]
    loaded: LoadResult
    root: Path | None = None  # the articles folder it was loaded from

    @property
    def articles(self) -> tuple[Article, ...]:
        return self.matcher.articles

    def article(self, article_id: str) -> Article | None:
        return self.matcher.article(article_id)

    @property
    def example_question(self) -> str:
        """A question this base answers, to show how to ask ("skriv till exempel …"): the
        shortest phrasing of four words or more written as a question (a capital letter
        first, a question mark last), first letter lower case. Drawn from the base, so an
        imported one does not suggest a question about the example municipality's cars."""
        asked = [
            p.strip()
            for a in sorted(self.articles, key=lambda a: a.id)
            for p in a.phrasings
            if p.strip().endswith("?") and len(p.split()) >= 4 and p[:1].isupper()
        ]
        if not asked:
            asked = [a.title for a in self.articles if a.title.strip()] or ["…"]
        best = min(asked, key=len)
        return best[:1].lower() + best[1:]


CALIBRATION_FILE = "calibration.json"


def default_calibration_file(articles_dir: Path) -> Path:
    """Where ``stodbot kb calibrate`` writes the model: beside the articles folder."""
    return articles_dir.parent / CALIBRATION_FILE


def load_knowledge_base(
    articles_dir: Path,
    organisation_file: Path,
    synonyms_file: Path | None = None,
    calibration_file: Path | None = None,
    embeddings: Embeddings | None = None,
    cache_dir: Path | None = None,
) -> KnowledgeBase:
    """Load everything. Broken articles and a broken synonyms file are skipped with
    a warning; only a missing or invalid organisation file stops start-up.

    The answer model is read from ``calibration_file`` (default: ``calibration.json``
    beside the articles folder). Without one, the model fitted on the example base is
    used; a broken one is skipped with a warning; one fitted on another version of the
    base is used with a warning, since it is still close.

    With ``embeddings`` the matcher fuses meaning with words, and the file's
    semantic model is used; without, its lexical one.

    With ``cache_dir`` the lexical index is read from there when it was built from the
    same articles, synonyms and code, and written there when not (``knowledge.lexcache``)."""
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
    mode = "semantic" if embeddings is not None else "lexical"
    calibration, problem = _calibration(
        calibration_file or default_calibration_file(articles_dir), loaded.articles, mode
    )
    if problem is not None:
        problems.append(problem)
    shortcut = None
    if embeddings is not None:  # the lexical model answers what it is already certain of
        shortcut, _ = _calibration(
            calibration_file or default_calibration_file(articles_dir), loaded.articles, "lexical"
        )
    matcher = Matcher(
        loaded.articles,
        Analyzer(groups),
        calibration=calibration,
        embeddings=embeddings,
        cache_dir=cache_dir,
        shortcut=shortcut,
    )
    return KnowledgeBase(organisation, matcher, (*problems, *loaded.problems), loaded, articles_dir)


def _calibration(
    path: Path, articles: tuple[Article, ...], mode: str
) -> tuple[Calibration, Problem | None]:
    if not path.is_file():
        return DEFAULT[mode], None
    try:
        calibration = read_models(path).get(mode)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.warning("Ignoring the calibration file %s: %s", path, exc)
        return DEFAULT[mode], Problem(path, 1, f"unreadable, not used: {exc}", "warning")
    if calibration is None:
        message = f"holds no {mode} model; run `stodbot kb calibrate`"
        log.warning("%s: %s", path, message)
        return DEFAULT[mode], Problem(path, 1, message, "warning")
    if calibration.fingerprint != fingerprint(articles):
        message = (
            "fitted on another version of the knowledge base; "
            "run `stodbot kb calibrate` to fit it again"
        )
        log.warning("%s: %s", path, message)
        return calibration, Problem(path, 1, message, "warning")
    return calibration, None
