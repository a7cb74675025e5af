"""The knowledge loop's decisions (issue 13): an area lead accepts a suggested phrasing
(it is written into the article file) or skips it (it is not suggested again).

In the caller's transaction: the file is written first, then the suggestion is
marked decided and the audit log records who decided what about which article (never
the wording). A file that cannot be written changes nothing, so the suggestion waits
still; a commit that fails after the file was written leaves the phrasing in the file
and the suggestion pending, and accepting it again does not write it twice.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from knowledge.phrasings import find_article_file, write_phrasing
from routing.ports import AuditEntry, Store, Suggestion, Tx


class NotPending(LookupError):
    """No pending suggestion with that number (decided already, or never made)."""


def decide(
    tx: Tx,
    article_file: Callable[[str], Path],
    suggestion_id: int,
    accept: bool,
    by: str,
    at: datetime,
) -> Suggestion:
    """Accept or skip one suggestion, in the caller's transaction. Returns it as it was.
    ``article_file``: where an article's file is (raises ``PhrasingError`` when none)."""
    status = "accepted" if accept else "skipped"
    waiting = tx.suggestions.get(suggestion_id)
    if waiting is None or waiting.status != "pending":
        raise NotPending(suggestion_id)
    if accept and waiting.text:
        write_phrasing(article_file(waiting.article_id), waiting.article_id, waiting.text)
    suggestion = tx.suggestions.decide(suggestion_id, status, by, at)
    if suggestion is None:  # decided by someone else meanwhile
        raise NotPending(suggestion_id)
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
    """``decide`` in a transaction of its own, the files under ``articles_dir``."""
    with store.transaction() as tx:
        return decide(
            tx, lambda a: find_article_file(articles_dir, a), suggestion_id, accept, by, at
        )
