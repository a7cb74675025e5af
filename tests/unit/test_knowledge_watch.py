"""The running bot follows its knowledge base's files (issue 13): an accepted phrasing
is answered from without a restart, and a broken article is refused with its lint
message while the running base keeps answering."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from adapters.compose import conversation_service, knowledge_base, store
from adapters.knowledge_watch import KnowledgeWatch
from bot.messages import ConversationRef, IncomingMessage, ReplyKind
from bot.settings import EXAMPLE_DIR, Settings
from knowledge.confidence import fingerprint, read_models
from knowledge.phrasings import add_phrasing

NEW = "vill plugga på halvtid nästa termin, vad gäller"  # tjänstledighet, unanswered today


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    base = tmp_path / "base"
    shutil.copytree(EXAMPLE_DIR, base, ignore=shutil.ignore_patterns("questions*.csv"))
    return Settings(
        articles_dir=base / "articles",
        organisation_file=base / "organisation.yaml",
        synonyms_file=base / "synonyms.yaml",
        calibration_file=base / "calibration.json",
        database_url=f"sqlite:///{tmp_path / 'w.db'}",
        semantic="off",
        cache_dir=tmp_path / "cache",
    )


def _touch_later(path: Path) -> None:
    st = path.stat()  # a second later, so that even a coarse clock sees the change
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_an_accepted_phrasing_is_answered_without_a_restart(settings: Settings) -> None:
    service = conversation_service(settings, knowledge_base(settings), store(settings))
    watch = KnowledgeWatch([service], settings)
    assert watch.check() is None  # nothing changed

    def ask(n: int) -> ReplyKind:
        ref = ConversationRef("test", f"dm{n}")
        msg = IncomingMessage(ref, "@anna.chef:exempelkommun.se", NEW, f"e{n}")
        return service.handle(msg)[0].kind

    assert ask(1) is not ReplyKind.ANSWER
    assert service.kb.article("hr-tjanstledighet") is not None
    _touch_later(add_phrasing(settings.articles_dir, "hr-tjanstledighet", NEW))
    assert watch.check() == "reloaded"
    assert ask(2) is ReplyKind.ANSWER


def test_a_broken_article_is_refused_and_the_running_base_stays(settings: Settings) -> None:
    service = conversation_service(settings, knowledge_base(settings), store(settings))
    before = service.kb
    watch = KnowledgeWatch([service], settings)
    broken = settings.articles_dir / "hr" / "semester.md"
    broken.write_text("---\nid: [oavslutad\n---\ntext\n", encoding="utf-8")
    _touch_later(broken)
    assert watch.check() == "refused"
    assert service.kb is before and service.kb.article("hr-semester") is not None
    assert any("semester.md" in m for m in watch.refused)
    assert watch.check() is None  # not tried again until the files change again


def test_a_reload_that_failed_is_tried_again(settings: Settings) -> None:
    service = conversation_service(settings, knowledge_base(settings), store(settings))
    calls = 0

    def flaky(s: Settings):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        if calls == 1:
            raise OSError("the share was away for a moment")
        return knowledge_base(s)

    watch = KnowledgeWatch([service], settings, build=flaky)
    _touch_later(add_phrasing(settings.articles_dir, "hr-tjanstledighet", NEW))
    with pytest.raises(OSError):
        watch.check()
    assert watch.check() == "reloaded"  # not lost until some other file changes


def test_after_a_change_the_answer_model_is_fitted_again_and_loaded(
    settings: Settings,
) -> None:
    service = conversation_service(settings, knowledge_base(settings), store(settings))
    watch = KnowledgeWatch([service], settings, refit=True)
    calibration = settings.calibration_file
    assert calibration is not None
    assert not watch.refit_if_stale()  # fitted on this base: nothing to do
    before = read_models(calibration)["lexical"]
    assert before.fingerprint == fingerprint(service.kb.articles)
    _touch_later(add_phrasing(settings.articles_dir, "hr-tjanstledighet", NEW))
    assert watch.check() == "reloaded"
    assert service.kb.matcher.calibration.fingerprint != fingerprint(service.kb.articles)
    assert watch.refit_if_stale()
    after = read_models(calibration)["lexical"]
    assert after.fingerprint == fingerprint(service.kb.articles) != before.fingerprint
    _touch_later(calibration)
    assert watch.check() == "reloaded"  # the new model, loaded as any change is
    assert service.kb.matcher.calibration.fingerprint == after.fingerprint
    assert not any("calibration" in str(p.path) for p in service.kb.problems)
    assert not watch.refit_if_stale()  # and not fitted again and again


def test_a_base_without_an_answer_model_is_not_given_one(settings: Settings) -> None:
    assert settings.calibration_file is not None
    settings.calibration_file.unlink()
    service = conversation_service(settings, knowledge_base(settings), store(settings))
    watch = KnowledgeWatch([service], settings, refit=True)
    _touch_later(add_phrasing(settings.articles_dir, "hr-tjanstledighet", NEW))
    assert watch.check() == "reloaded"
    assert not watch.refit_if_stale()
    assert not settings.calibration_file.exists()
