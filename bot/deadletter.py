"""Dead letters: an inbox item that keeps failing is set aside, and the queue goes on.

A failed attempt is counted; the third sets the item aside with its error (the
exception's class and the line of ours where it happened, never its message, which can
quote what the user wrote), and the sender, where known, is told once. A database that
is away is not the item's fault: adapters let ``StoreUnavailable`` pass, uncounted."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from bot.messages import IncomingMessage, Reply, ReplyKind
from bot.notify import to_sender
from bot.texts import Texts
from routing.ports import InboxItem, Store

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
_ROOT = Path(__file__).resolve().parent.parent


def describe(exc: BaseException) -> str:
    """``DataError (psycopg.DataError) at adapters/sql/store.py:212``: no user text."""
    name = type(exc).__name__
    orig = getattr(exc, "orig", None)  # a database driver's error, wrapped
    if isinstance(orig, BaseException):
        name += f" ({type(orig).__module__}.{type(orig).__name__})"
    place = ""
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename).resolve()
        if path.is_relative_to(_ROOT) and "site-packages" not in path.parts:
            place = f" at {path.relative_to(_ROOT)}:{frame.lineno}"
    return (name + place)[:255]


def attempt_failed(
    store: Store,
    item: InboxItem,
    exc: BaseException,
    sender: IncomingMessage | None,
    texts: Callable[[str | None], Texts],
    now: datetime,
) -> bool:
    """Count a failed attempt at ``item``; True if it is now set aside. ``texts``: the
    service's, given the sender's own language (``språk``), or None for the default."""
    error = describe(exc)
    with store.transaction() as tx:
        aside = tx.inbox.attempt_failed(item.id, error, now, MAX_ATTEMPTS)
    if aside and sender is not None:
        # after the set-aside has committed: a sender the outbox cannot take either (an id
        # too long, say) must not undo it and block the queue again
        try:
            with store.transaction() as tx:
                t = texts(tx.people.language(sender.user_id))
                reply = Reply(ReplyKind.ERROR, t("not_handled"), language=t.language)
                key = f"not-handled:{item.channel}:{item.id}"
                tx.outbox.add(to_sender(sender, reply, key), now)
        except Exception as notice_failed:
            log.error(
                "Inbox item %s: the sender could not be told (%s)", item.id, describe(notice_failed)
            )
    if aside:
        log.error("Inbox item %s (%s) set aside: %s", item.id, item.channel, error)
    else:
        log.warning("Inbox item %s (%s) failed: %s", item.id, item.channel, error)
    return aside
