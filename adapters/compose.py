"""The composition root: settings in; knowledge base, database and service out.
Nothing here runs at import time."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.exc import ArgumentError, InterfaceError, OperationalError

from adapters.sql.audit_chain import key_id
from adapters.sql.engine import make_engine, migrate
from adapters.sql.store import SqlStore
from adapters.sql.tables import audit_log
from bot.service import ConversationService, utcnow
from bot.settings import Settings
from knowledge.base import KnowledgeBase, load_knowledge_base
from knowledge.matcher import Thresholds
from knowledge.semantic import Embeddings
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
        embeddings(settings),
        cache_dir=settings.cache_dir or default_cache_dir(),
    )


def embeddings(settings: Settings) -> Embeddings | None:
    """The semantic model with its cache, or None when ``STODBOT_SEMANTIC=off``."""
    if settings.semantic == "off":
        return None
    from adapters.semantic.e5 import E5Embedder

    return Embeddings(
        E5Embedder(),
        settings.cache_dir or default_cache_dir(),
        seeds=[settings.articles_dir.parent],
    )


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "stodbot"


class DatabaseUnavailable(Exception):
    """The database cannot be used at start-up. The message is one Swedish line that
    names the setting but never its value (the URL may hold a host and a password)."""


MIN_AUDIT_KEY_BYTES = 32
_NEW_KEY = "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"


class AuditKeyError(Exception):
    """``STODBOT_AUDIT_KEY`` is missing or too short in production (one Swedish line,
    never the key)."""


def audit_key(settings: Settings) -> bytes | None:
    """The audit chain's HMAC key, or None (plain SHA-256). In production a log anyone
    with the database role could extend unnoticed is refused."""
    raw = settings.audit_key.get_secret_value() if settings.audit_key else ""
    key = raw.encode("utf-8", "surrogateescape") if raw else None
    if settings.production and key is None:
        raise AuditKeyError(
            "STODBOT_AUDIT_KEY saknas: i drift krävs en hemlig nyckel för granskningsloggen, "
            f"minst {MIN_AUDIT_KEY_BYTES} byte (skapa en med: {_NEW_KEY})"
        )
    if settings.production and key is not None and len(key) < MIN_AUDIT_KEY_BYTES:
        raise AuditKeyError(
            f"STODBOT_AUDIT_KEY är för kort för drift: minst {MIN_AUDIT_KEY_BYTES} byte "
            f"(skapa en med: {_NEW_KEY})"
        )
    return key


def store(settings: Settings, *, same_audit_key: bool = True) -> SqlStore:
    """The store, migrated. Every command starts here, so this is where an unreachable
    database or a malformed URL becomes ``DatabaseUnavailable`` (no chained details),
    and a missing audit key in production ``AuditKeyError``."""
    key = audit_key(settings)
    try:
        engine = make_engine(settings.database_url)
        migrate(engine)
    except ArgumentError:
        raise DatabaseUnavailable(
            "STODBOT_DATABASE_URL är ingen databasadress som går att använda "
            "(t.ex. postgresql://användare@värd/databas eller sqlite:///stodbot.db)"
        ) from None
    except (OperationalError, InterfaceError):
        raise DatabaseUnavailable(
            "kan inte ansluta till databasen i STODBOT_DATABASE_URL: kontrollera att den "
            "är igång och att adress, databas och inloggning stämmer"
        ) from None
    if same_audit_key:  # off for ``audit verify``, which reports a missing or wrong key
        _same_audit_key(engine, key)
    return SqlStore(engine, key)


def _same_audit_key(engine: Engine, key: bytes | None) -> None:
    """Refuse to start with another key than the log is kept with (or none): every
    audited action would fail, or leave the log unverifiable from there on."""
    with engine.connect() as conn:
        last = conn.execute(
            select(audit_log.c.key_id).order_by(audit_log.c.id.desc()).limit(1)
        ).scalar_one_or_none()
    if last and key is None:
        raise AuditKeyError(
            "granskningsloggen förs med nyckel, men STODBOT_AUDIT_KEY är inte satt: "
            "sätt samma nyckel som förut"
        )
    if last and key is not None and last != key_id(key):
        raise AuditKeyError(
            "STODBOT_AUDIT_KEY är en annan nyckel än den granskningsloggen förs med: "
            "sätt samma nyckel som förut"
        )


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
        drafts_dir=settings.drafts_dir,
        dashboard=(settings.public_url, settings.dashboard_secret)
        if settings.public_url and settings.dashboard_secret
        else None,
    )
