"""Delivering the outbox: send each pending message, then mark it sent.

A crash between the two sends the message again on the next run; channels
that can (Matrix, with the stored transaction id as txnId) make that resend
harmless. Nothing is lost: a message stays pending until a send succeeds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from routing.ports import OutboxItem, Store, StoreUnavailable

log = logging.getLogger(__name__)


def deliver_pending(
    store: Store,
    channel: str,
    send: Callable[[OutboxItem], None],
    *,
    user_id: str | None = None,
    limit: int = 100,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> int:
    """Send what waits for ``channel`` (and ``user_id``, if given); return how many were sent."""
    try:
        with store.transaction() as tx:
            items = tx.outbox.pending(channel, user_id, limit)
    except StoreUnavailable as exc:
        log.warning("Outbox not readable now: %s", exc)
        return 0
    sent = 0
    for item in items:
        try:
            send(item)
        except Exception:  # the channel failed: keep it pending, try the next run
            log.exception("Sending outbox item %s failed", item.id)
            with store.transaction() as tx:
                tx.outbox.mark_attempt(item.id)
            break
        with store.transaction() as tx:
            tx.outbox.mark_sent(item.id, clock())
        sent += 1
    return sent
