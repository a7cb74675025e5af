"""The composition root: settings in; knowledge base, database and service out.
Nothing here runs at import time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from adapters.sql.engine import make_engine, migrate
from adapters.sql.store import SqlStore
from bot.service import ConversationService, utcnow
from bot.settings import Settings
from knowledge.base import KnowledgeBase, load_knowledge_base
from knowledge.matcher import Thresholds
from routing.roles import Roles


def thresholds(settings: Settings) -> Thresholds:
    return Thresholds(
        answer=settings.answer_threshold,
        clarify=settings.clarify_threshold,
        margin=settings.clarify_margin,
    )


def knowledge_base(settings: Settings) -> KnowledgeBase:
    return load_knowledge_base(
        settings.articles_dir,
        settings.organisation_file,
        settings.synonyms_file,
        settings.calibration_file,
    )


def store(settings: Settings) -> SqlStore:
    engine = make_engine(settings.database_url)
    migrate(engine)
    return SqlStore(engine)


def conversation_service(
    settings: Settings,
    kb: KnowledgeBase | None = None,
    sql: SqlStore | None = None,
    roles: Roles | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> ConversationService:
    return ConversationService(
        kb or knowledge_base(settings),
        sql or store(settings),
        roles=roles,
        thresholds=thresholds(settings),
        language=settings.language,
        max_chars=settings.max_message_chars,
        clock=clock,
    )
