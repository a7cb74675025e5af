"""Leases, so that two instances of Stödbot on one database share the work safely.

- ``OutboxClaims``: a sender claims outbox rows for a while before sending them,
  renews the claim before each send when half of it is gone, and marks a row sent
  only while it holds it. An instance that dies leaves its claims to expire; the
  other then sends those rows (once: unless the dead one had sent a row and died
  before marking it, the one window no lease can close).
- ``hold_lease``: run a task only while holding a named lease (the Matrix sync);
  the others wait and take over when it expires.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from routing.ports import OutboxItem, OutboxRepo, Store, StoreUnavailable

log = logging.getLogger(__name__)

OUTBOX_LEASE = timedelta(seconds=20)  # a send attempt must end within half of it
SYNC_LEASE = timedelta(seconds=12)  # a dead syncer is replaced within ~15 s


def instance_id() -> str:
    """Who holds a lease: host, process and a random part (unique per adapter)."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class OutboxClaims:
    def __init__(
        self,
        store: Store,
        channel: str,
        clock: Callable[[], datetime],
        *,
        lease: timedelta = OUTBOX_LEASE,
        batch: int = 50,
    ) -> None:
        self.store = store
        self.channel = channel
        self.clock = clock
        self.lease = lease
        self.batch = batch
        self.owner = instance_id()
        self._until: dict[int, datetime] = {}  # what this sender holds, until when

    def claim(self) -> list[OutboxItem]:
        """The rows to send next: the free ones and those this sender holds already (a
        claim while earlier rows are still being sent renews them and adds the new)."""
        now = self.clock()
        until = now + self.lease
        with self.store.transaction() as tx:
            items = tx.outbox.claim(self.channel, self.owner, now, until, self.batch)
        self._until.update({i.id: until for i in items})
        return items

    def hold(self, item_id: int) -> bool:
        """True if the row is still ours for at least half a lease (renewed if need be)."""
        until = self._until.get(item_id)
        if until is None:
            return False
        now = self.clock()
        if until - now >= self.lease / 2:
            return True
        new = now + self.lease
        try:
            with self.store.transaction() as tx:
                kept = tx.outbox.renew(list(self._until), self.owner, new)
        except StoreUnavailable:
            return False
        self._until = {i: new for i in kept}
        if item_id not in self._until:
            log.warning("Lost the lease of outbox item %s; another instance sends it", item_id)
        return item_id in self._until

    def sent(self, outbox: OutboxRepo, item_id: int, at: datetime) -> None:
        """Mark a row sent inside the caller's transaction (``tx.outbox``)."""
        self._until.pop(item_id, None)
        if not outbox.mark_sent(item_id, at, owner=self.owner):
            log.warning("Outbox item %s was sent after its lease passed to another", item_id)


async def hold_lease(
    store: Store,
    name: str,
    owner: str,
    run: Callable[[], Awaitable[None]],
    clock: Callable[[], datetime],
    *,
    lease: timedelta = SYNC_LEASE,
) -> None:
    """Forever: wait for the lease ``name`` (asking every quarter of a lease), run ``run``
    while renewing it as often, and cancel ``run`` when the lease is lost: another
    instance has it, or the database stayed away until it ran out. Released when
    cancelled (``serve`` stops), so that a clean restart takes over at once."""
    every = lease.total_seconds() / 4

    def take() -> datetime | None:
        now = clock()
        try:
            with store.transaction() as tx:
                return now + lease if tx.leases.acquire(name, owner, now, now + lease) else None
        except StoreUnavailable:
            return None

    async def settled(fut: asyncio.Future[datetime | None]) -> datetime | None:
        """The take's result; if cancelled meanwhile, its transaction ends first, so that
        the release below comes after it (a lease taken after a release would stay)."""
        try:
            return await asyncio.shield(fut)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await fut
            raise

    task: asyncio.Future[None] | None = None
    try:
        while True:
            until = await settled(asyncio.ensure_future(asyncio.to_thread(take)))
            if until is None:
                await asyncio.sleep(every)
                continue
            log.warning("Holding the lease %s as %s", name, owner)
            task = asyncio.ensure_future(run())
            while not task.done():
                await asyncio.wait({task}, timeout=every)
                if task.done():
                    break
                renewed = await settled(asyncio.ensure_future(asyncio.to_thread(take)))
                if renewed is None and clock() >= until:  # lost, or away past its end
                    log.error("Lost the lease %s; waiting until it is free again", name)
                    task.cancel()
                until = renewed or until
            try:
                await task
            except asyncio.CancelledError:
                if not task.cancelled():
                    raise
            except Exception:  # ``run`` failed: let go, and try again after a pause
                log.exception("The task holding the lease %s failed", name)
                await asyncio.to_thread(_release, store, name, owner)
                await asyncio.sleep(every)
    finally:
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        with contextlib.suppress(Exception):
            await asyncio.to_thread(_release, store, name, owner)


def _release(store: Store, name: str, owner: str) -> None:
    with store.transaction() as tx:
        tx.leases.release(name, owner)
