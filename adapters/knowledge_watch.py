"""The running bot picks up changes to its knowledge base without a restart (issue 13):
an accepted phrasing, a published article, an editor's fix, a new answer model.

``KnowledgeWatch.check`` compares the files (every article, the synonyms file, the
answer model) by path, size and modification time with what it saw last. When they
changed, the base is loaded again beside the running one, and used only when it
loads as cleanly as the running one did: an article that the loader would now
skip (a broken front matter, a duplicate id) is refused with the lint message, and
the running base stays as it was. A changed organisation file needs a restart
(it decides who is staff and where tickets go); it is logged, not loaded.

Each process checks for itself (``stodbot serve`` and its Teams worker), so two
instances on one shared folder both follow it.

After a reload that changed what is matched (a phrasing, a new article), the answer
model in the calibration file no longer fits the base. ``serve``'s watch (``refit``)
then fits it again, in a thread, while the bot goes on answering with the old model;
the written file is a change like any other, so every process loads it at its next
check. Two instances may both fit it; the result is the same and the file is replaced
whole. A base with no calibration file is left without one (its owner chose that).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from bot.service import ConversationService
from bot.settings import Settings
from knowledge.base import KnowledgeBase, default_calibration_file, load_knowledge_base
from knowledge.confidence import fingerprint as base_fingerprint
from knowledge.confidence import refit
from knowledge.normalise import Analyzer
from knowledge.synonyms import read_groups

log = logging.getLogger(__name__)

Fingerprint = tuple[tuple[str, int, int], ...]


def _files(settings: Settings) -> list[Path]:
    files = sorted(p for p in settings.articles_dir.rglob("*.md") if p.is_file())
    calibration = settings.calibration_file or default_calibration_file(settings.articles_dir)
    synonyms = [settings.synonyms_file] if settings.synonyms_file else []
    return [*files, calibration, settings.organisation_file, *synonyms]


def fingerprint(settings: Settings) -> Fingerprint:
    out = []
    for path in _files(settings):
        try:
            st = path.stat()
        except OSError:
            continue  # gone, or not there yet
        out.append((str(path), st.st_mtime_ns, st.st_size))
    return tuple(out)


def _errors(kb: KnowledgeBase) -> set[str]:
    return {str(p) for p in kb.problems if p.severity == "error"}


class KnowledgeWatch:
    def __init__(
        self,
        services: Sequence[ConversationService],
        settings: Settings,
        build: Callable[[Settings], KnowledgeBase] | None = None,
        refit: bool = False,
    ) -> None:
        self.services = list(services)
        self.refit = refit
        self.settings = settings
        self.build = build or self._build
        self.seen = fingerprint(settings)
        self.refused: list[str] = []  # the lint messages of the last refused change

    def _build(self, settings: Settings) -> KnowledgeBase:
        running = self.services[0].kb
        meaning = running.matcher.semantic.embeddings if running.matcher.semantic else None
        return load_knowledge_base(
            settings.articles_dir,
            settings.organisation_file,
            settings.synonyms_file,
            settings.calibration_file,
            meaning,  # the running model and its cache: only changed phrasings are embedded
            cache_dir=settings.cache_dir,
        )

    def check(self) -> str | None:
        """Load the base again if its files changed: "reloaded", "refused", or None when
        nothing changed. Blocking (seconds with new phrasings to embed): run it in a thread."""
        now = fingerprint(self.settings)
        if now == self.seen:
            return None
        kb = self.build(self.settings)  # raising (a share away): tried again next time
        self.seen = now  # a refused change is not tried again until the files change again
        running = self.services[0].kb
        new = sorted(_errors(kb) - _errors(running))
        if new:
            self.refused = new
            log.warning(
                "The knowledge base changed but was not reloaded; fix this first: %s",
                "; ".join(new),
            )
            return "refused"
        if kb.organisation != running.organisation:
            log.warning(
                "The organisation file changed: restart Stödbot to use it (the articles are "
                "reloaded now)"
            )
            kb = replace(kb, organisation=running.organisation)
        self.refused = []
        for service in self.services:
            service.use_knowledge(kb)
        log.warning("Knowledge base reloaded: %d articles", len(kb.articles))
        return "reloaded"

    def calibration_file(self) -> Path:
        return self.settings.calibration_file or default_calibration_file(
            self.settings.articles_dir
        )

    def refit_if_stale(self) -> bool:
        """Fit the answer model again when the running base's file holds one fitted on
        another version of it; True when a new model was written. Blocking (a minute or
        two with the semantic model for a hundred articles): run it in a thread."""
        kb = self.services[0].kb
        path = self.calibration_file()
        if not path.is_file() or kb.matcher.calibration.fingerprint == base_fingerprint(
            kb.articles
        ):
            return False
        groups = read_groups(self.settings.synonyms_file) if self.settings.synonyms_file else []
        meaning = kb.matcher.semantic.embeddings if kb.matcher.semantic else None
        try:
            model = refit(kb.articles, lambda: Analyzer(groups), meaning, path)
        except ValueError:  # too few articles with phrasings: the old model stays
            log.warning("The answer model could not be fitted again: too few phrasings")
            return False
        log.warning("Answer model fitted again (%s, %d samples)", model.mode, model.samples)
        return True

    async def run(self, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            try:
                if await asyncio.to_thread(self.check) == "reloaded" and self.refit:
                    await asyncio.to_thread(self.refit_if_stale)  # loaded at the next check
            except Exception:  # a reload failing must not stop the bot; the old base stays
                log.exception("Reloading the knowledge base failed")
