"""Retention deletes question text only under a configured decision, keeps the counts,
and leaves a mark in the audit log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.sql.store import SqlStore
from bot.jobs import RetentionNotConfigured, apply_retention
from bot.service import ConversationService
from knowledge.base import KnowledgeBase
from routing.ports import QuestionEntry

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def test_nothing_is_deleted_without_a_decision(
    example_kb: KnowledgeBase, sql_store: SqlStore
) -> None:
    service = ConversationService(example_kb, sql_store, clock=lambda: NOW)
    with pytest.raises(RetentionNotConfigured):
        apply_retention(service, days=90, decision=None)
    with pytest.raises(RetentionNotConfigured):
        apply_retention(service, days=None, decision="KS 2026-05-12 § 45")


def test_old_text_is_cleared_counts_stay_and_it_is_audited(
    example_kb: KnowledgeBase, sql_store: SqlStore
) -> None:
    service = ConversationService(example_kb, sql_store, clock=lambda: NOW)
    with sql_store.transaction() as tx:
        for days in (200, 100, 10):
            tx.questions.log(
                QuestionEntry(
                    NOW - timedelta(days=days),
                    "test",
                    "@u",
                    "bou",
                    "hr",
                    "answered",
                    "hr-sjuklon",
                    None,
                    0.7,
                    f"fråga {days}",
                )
            )
    result = apply_retention(service, days=90, decision="KS 2026-05-12 § 45")
    assert result.cleared == 2
    with sql_store.transaction() as tx:
        rows = tx.questions.between(NOW - timedelta(days=365), NOW)
        audit = tx.audit.for_entity("questions", "*")
    assert [r.text for r in rows] == [None, None, "fråga 10"]  # three rows still counted
    assert len(audit) == 1 and "KS 2026-05-12" in (audit[0].new or "")
