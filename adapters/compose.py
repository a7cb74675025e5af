"""The composition root: settings in, a wired knowledge base and service out."""

from __future__ import annotations

from bot.service import ConversationService
from bot.settings import Settings
from bot.state import MemoryStateStore
from knowledge.base import KnowledgeBase, load_knowledge_base
from knowledge.matcher import Thresholds


def thresholds(settings: Settings) -> Thresholds:
    return Thresholds(
        answer=settings.answer_threshold,
        clarify=min(settings.clarify_threshold, settings.answer_threshold),
        margin=settings.clarify_margin,
    )


def knowledge_base(settings: Settings) -> KnowledgeBase:
    return load_knowledge_base(
        settings.articles_dir, settings.organisation_file, settings.synonyms_file
    )


def conversation_service(settings: Settings, kb: KnowledgeBase | None = None) -> ConversationService:
    return ConversationService(
        kb or knowledge_base(settings),
        MemoryStateStore(),
        thresholds(settings),
        settings.language,
        settings.max_message_chars,
    )
