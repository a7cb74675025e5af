"""The knowledge loop's decisions (issue 13): an area lead accepts a suggested phrasing
(it is written into the article file) or skips it (it is not suggested again).

One transaction per decision: the suggestion is marked decided, the file is written,
and the audit log records who decided what about which article (never the wording).
A file that cannot be written rolls the decision back, so the suggestion waits still.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from knowledge.phrasings import add_phrasing
from routing.ports import AuditEntry, Store, Suggestion, Tx


class NotPending(LookupError):
    """No pending suggestion with that number (decided already, or never made)."""


def decide(
    tx: Tx,
    articles_dir: Path,
    suggestion_id: int,
    accept: bool,
    by: str,
    at: datetime,
) -> Suggestion:
    """Accept or skip one suggestion, in the caller's transaction. Returns it as it was."""
    status = "accepted" if accept else "skipped"
    suggestion = tx.suggestions.decide(suggestion_id, status, by, at)
    if suggestion is None:
        raise NotPending(suggestion_id)
    if accept and suggestion.text:
        add_phrasing(articles_dir, suggestion.article_id, suggestion.text)
    tx.audit.append(
        AuditEntry(
            at,
            by,
            f"suggestion_{status}",
            "suggestions",
            str(suggestion_id),
            None,
            json.dumps({"article": suggestion.article_id, "source": suggestion.source}),
        )
    )
    return suggestion


def decide_in(
    store: Store, articles_dir: Path, suggestion_id: int, accept: bool, by: str, at: datetime
) -> Suggestion:
    """``decide`` in a transaction of its own."""
    with store.transaction() as tx:
        return decide(tx, articles_dir, suggestion_id, accept, by, at)
