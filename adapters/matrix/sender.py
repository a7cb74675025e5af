"""Sending the outbox to Matrix: rooms in parallel, each room in order, the stored
transaction id as ``txnId`` (a resend after a crash is deduplicated by the homeserver),
``M_LIMIT_EXCEEDED`` waited out, ticket cards edited in place with ``m.replace``."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import logging
from collections.abc import Callable
from dataclasses import asdict, replace
from datetime import datetime
from typing import Any

from nio import AsyncClient, RoomPreset, RoomSendError

from adapters.matrix.render import message_content
from bot.leases import OutboxClaims
from bot.messages import IncomingMessage, Reply, ReplyKind
from bot.notify import state_key, to_sender
from routing.ports import OutboxItem, Store

log = logging.getLogger(__name__)
CHANNEL = "matrix"
KEYCAPS = tuple(f"{n}\ufe0f\u20e3" for n in range(1, 10))  # 1️⃣ … 9️⃣


class MatrixSender:
    def __init__(self, client: AsyncClient, store: Store, clock: Callable[[], datetime]) -> None:
        self.client = client
        self.store = store
        self.clock = clock
        self.rate_limited = 0  # times the homeserver said M_LIMIT_EXCEEDED
        self._claiming = asyncio.Lock()  # one claim at a time
        self._queues: dict[str, list[OutboxItem]] = {}  # per room: what its worker sends next
        self._workers: dict[str, asyncio.Future[tuple[int, bool]]] = {}
        self._queued: set[int] = set()  # rows in a queue (claimed again: not queued twice)
        self.claims = OutboxClaims(store, CHANNEL, clock)  # shared with other instances

    async def flush_outbox(self) -> int:
        """Send what waits, and return how many were sent. Each room has one worker
        that sends its messages in order, and rooms go in parallel: a message for a
        room whose worker is busy joins that room's queue and waits for nobody else.
        Several flushes may run at once: rows are claimed under a lock, each queued once."""
        sent = 0
        while True:
            workers, fresh = await self._dispatch()
            if not workers:
                return sent
            done = await asyncio.gather(*workers)
            sent += sum(n for n, _ in done)
            if not fresh or not all(ok for _, ok in done):
                return sent  # a failed room keeps its rest for the next round

    async def _dispatch(self) -> tuple[list[asyncio.Future[tuple[int, bool]]], int]:
        """Claim what waits and queue each new row with its room's worker. Returns the
        workers of the rooms that have rows, and how many rows were new."""
        async with self._claiming:
            items = await asyncio.to_thread(self._pending_outbox)
            fresh = [i for i in items if i.id not in self._queued]
            for item in fresh:
                self._queued.add(item.id)
                room = item.conversation_id
                self._queues.setdefault(room, []).append(item)
                if room not in self._workers:
                    self._workers[room] = asyncio.ensure_future(self._send_room(room))
            rooms = {i.conversation_id for i in items} & set(self._workers)
            return [self._workers[r] for r in rooms], len(fresh)

    async def _send_room(self, room: str) -> tuple[int, bool]:
        """Send ``room``'s queue in order until it is empty or a send fails; then the
        rest waits for the next round, still in order."""
        sent, ok = 0, True
        queue = self._queues[room]
        try:
            while queue and ok:
                ok = await self._send(queue[0])
                self._queued.discard(queue.pop(0).id)
                sent += ok
        finally:
            self._queued.difference_update(i.id for i in queue)
            del self._queues[room], self._workers[room]
        return sent, ok

    async def send_direct(self, msg: IncomingMessage, text: str, txn_id: str) -> None:
        """A reply that was deliberately not stored; the txn id derives from the event,
        so handling the event again after a crash does not post it twice."""
        reply = to_sender(msg, Reply(ReplyKind.INFO, text))
        item = OutboxItem(**asdict(reply), txn_id=txn_id)
        content = await asyncio.to_thread(self._content, item)
        await self._room_send(item, content, txn_id, mark=False)

    def _pending_outbox(self) -> list[OutboxItem]:
        return self.claims.claim()

    async def _send(self, item: OutboxItem) -> bool:
        if item.user_id and item.kind in ("reply", "notice"):
            found = await self._reachable(item)
            if found is None:
                await asyncio.to_thread(self._attempted, item.id)
                return False
            item = found
        image = item.payload.get("image_png_b64")
        if image and not await self._send_image(item, base64.b64decode(str(image))):
            return False
        content = await asyncio.to_thread(self._content, item)
        event_id = await self._room_send(item, content, item.txn_id)
        if event_id and item.payload.get("react"):
            await self._offer_reactions(item, event_id)
        return event_id is not None

    async def _offer_reactions(self, item: OutboxItem, event_id: str) -> None:
        """Put a 1️⃣ 2️⃣ … reaction per choice on our message, so pressing one is the
        button Matrix lacks (``MatrixBot._reaction_text`` reads it back). Each has its own
        txnId, derived from the message's: sent again after a crash, it is not doubled.
        A reaction that fails is logged, not retried: the choices can still be typed."""
        for n, *_ in choices(item.payload)[: len(KEYCAPS)]:
            content = {
                "m.relates_to": {
                    "rel_type": "m.annotation",
                    "event_id": event_id,
                    "key": KEYCAPS[n - 1],
                }
            }
            # the message is sent and no longer claimed: nothing to hold, nothing to mark
            unclaimed = replace(item, id=0)
            txn = f"{item.txn_id}-react{n}"
            if await self._room_send(unclaimed, content, txn, False, "m.reaction") is None:
                log.warning("Could not offer reaction %d on %s", n, event_id)
                return

    def _joined(self, room_id: str, user_id: str) -> bool:
        room = self.client.rooms.get(room_id)
        member = room.users.get(user_id) if room is not None else None
        return member is not None and not member.invited

    async def _reachable(self, item: OutboxItem) -> OutboxItem | None:
        """``item`` to its person where they can read it. Someone who left the room it was
        for (a DM they closed) gets it in a direct chat with the bot they are in, or in a
        new one; a "ja" they were asked for follows them there. None: no room could be
        opened (tried again later)."""
        if self._joined(item.conversation_id, item.user_id) or item.conversation_id not in (
            self.client.rooms
        ):
            return item  # where they are, or a room this client has not synced yet
        user = item.user_id
        with self.store.transaction() as tx:
            direct = [
                r
                for r in self.client.rooms
                if self._joined(r, user) and tx.adapter.get(f"matrix:direct:{r}") is not None
            ]
        room = direct[0] if direct else None
        if room is None:
            made = await self.client.room_create(
                is_direct=True, preset=RoomPreset.trusted_private_chat, invite=[user]
            )
            room = getattr(made, "room_id", None)
            if not isinstance(room, str):
                log.warning("Could not open a direct chat with %s: %s", user, made)
                return None
        await asyncio.to_thread(self._moved, item, room)
        return replace(item, conversation_id=room, address="")

    def _moved(self, item: OutboxItem, room: str) -> None:
        """Remember ``room`` as a direct chat, and carry what the conversation waits on."""
        now = self.clock()
        with self.store.transaction() as tx:
            tx.adapter.put(f"matrix:direct:{room}", "1", now)
            old = tx.states.get(state_key(CHANNEL, item.conversation_id, item.user_id))
            if old:
                tx.states.put(state_key(CHANNEL, room, item.user_id), old, now)

    async def _send_image(self, item: OutboxItem, png: bytes) -> bool:
        """The chart of a weekly post: upload, then an m.image event (its own txnId)."""
        upload, _ = await self.client.upload(
            io.BytesIO(png), content_type="image/png", filename="efterfragan.png", filesize=len(png)
        )
        uri = getattr(upload, "content_uri", None)
        if not uri:
            log.warning("Chart upload failed: %s", upload)
            return False
        content = {
            "msgtype": "m.image",
            "body": "Diagram: frågor och andel besvarade per område",
            "url": uri,
            "info": {"mimetype": "image/png", "size": len(png)},
            "m.mentions": {},
        }
        return await self._room_send(item, content, item.txn_id + "-chart", mark=False) is not None

    async def _room_send(
        self,
        item: OutboxItem,
        content: dict[str, Any],
        txn_id: str,
        mark: bool = True,
        event_type: str = "m.room.message",
    ) -> str | None:
        """Send one event; its id, or None when it was not sent (tried again later)."""
        while True:
            if item.id and not await asyncio.to_thread(self.claims.hold, item.id):
                return None  # another instance has it now
            resp = await self.client.room_send(
                item.conversation_id,
                event_type,
                content,
                tx_id=txn_id,
                ignore_unverified_devices=True,
            )
            if isinstance(resp, RoomSendError):
                if (
                    resp.status_code == "M_LIMIT_EXCEEDED"
                    or getattr(resp.transport_response, "status", None) == 429
                ):
                    wait = (resp.retry_after_ms or 1000) / 1000
                    self.rate_limited += 1
                    log.info("Rate limited by the homeserver; waiting %.1f s", wait)
                    await asyncio.sleep(wait)
                    continue
                log.warning("Could not send outbox item %s: %s", item.id, resp)
                await asyncio.to_thread(self._attempted, item.id)
                return None
            if mark:
                await asyncio.to_thread(self._sent, item, resp.event_id)
            return str(resp.event_id)

    def _content(self, item: OutboxItem) -> dict[str, Any]:
        p = item.payload
        content = content_for(item.kind, p)
        if item.kind == "reply" and item.user_id:
            # the asker is mentioned, so that a reply in a shared room pings them (and only them)
            content["m.mentions"] = {"user_ids": [item.user_id]}
        if item.kind == "reply" and item.address:
            addr = json.loads(item.address)
            if addr.get("thread"):
                content["m.relates_to"] = {
                    "rel_type": "m.thread",
                    "event_id": addr["thread"],
                    "is_falling_back": True,
                    "m.in_reply_to": {"event_id": addr["event"]},
                }
            elif addr.get("event"):
                content["m.relates_to"] = {"m.in_reply_to": {"event_id": addr["event"]}}
            if addr.get("edits"):  # an edited message: its answer edits the earlier answer
                with self.store.transaction() as tx:
                    earlier = tx.adapter.get(f"matrix:reply:{addr['edits']}")
                if earlier:
                    return _replacing(content, earlier)
        if item.kind == "ticket_update" and p.get("ticket_id") is not None:
            with self.store.transaction() as tx:
                card = tx.adapter.get(f"matrix:card:{p['ticket_id']}:{item.conversation_id}")
            if card:
                content = _replacing(content, card, mentions={})
        return content

    def _sent(self, item: OutboxItem, event_id: str) -> None:
        now = self.clock()
        with self.store.transaction() as tx:
            self.claims.sent(tx.outbox, item.id, now)
            ticket = item.payload.get("ticket_id")
            if item.kind == "ticket_card" and ticket is not None:
                tx.adapter.put(f"matrix:card:{ticket}:{item.conversation_id}", event_id, now)
                tx.adapter.put(f"matrix:card-event:{event_id}", str(ticket), now)
            if item.kind == "reply" and item.address:
                asked = json.loads(item.address).get("event")
                key = f"matrix:reply:{asked}"
                if asked and tx.adapter.get(key) is None:  # the first reply to a message
                    tx.adapter.put(key, event_id, now)
            if item.payload.get("react") and choices(item.payload):
                # a 1️⃣ 2️⃣ … on it says what that choice says, about what the message asked
                said = {"says": [says for _, _, says in choices(item.payload)]}
                said["about"] = item.payload.get("about")  # type: ignore[assignment]
                tx.adapter.put(f"matrix:choice-event:{event_id}", json.dumps(said), now)
            if item.payload.get("asks_feedback") or item.payload.get("offers_route"):
                # a 👍/👎 on it answers what it asked
                about = str(item.payload.get("about") or "1")
                tx.adapter.put(f"matrix:feedback-event:{event_id}", about, now)

    def _attempted(self, item_id: int) -> None:
        with self.store.transaction() as tx:
            tx.outbox.mark_attempt(item_id)


def content_for(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """An outbox item's message: its text (with the reactions that choose), a plain
    ``body`` and the HTML; before any reply relation or edit the sender adds."""
    text = str(payload.get("text", ""))
    if payload.get("react"):
        text = with_reaction_choices(text, choices(payload))
    mention = payload.get("mention")
    return message_content(
        text,
        [str(mention)] if mention else None,
        notice=kind in ("ticket_card", "ticket_update", "weekly"),
    )


def choices(payload: dict[str, Any]) -> list[tuple[int, str, str]]:
    """A payload's choices as (number, label, what choosing it says)."""
    return [
        (int(c[0]), str(c[1]), str((c[3:4] or [None])[0] or c[0]))
        for c in payload.get("choices") or []
    ]


def with_reaction_choices(text: str, offered: list[tuple[int, str, str]]) -> str:
    """``text`` with a line naming the reactions that choose, unless it lists the
    choices itself ("1. Nöjd …": the reactions then carry the same numbers)."""
    if not offered or all(f"{n}. {label}" in text for n, label, _ in offered):
        return text
    line = " · ".join(f"{KEYCAPS[n - 1]} {label}" for n, label, _ in offered if n <= len(KEYCAPS))
    return f"{text}\n\n{line}"


def _replacing(content: dict[str, Any], event_id: str, mentions: Any = None) -> dict[str, Any]:
    """``content`` as an edit (``m.replace``) of our earlier event ``event_id``."""
    new = {k: content[k] for k in ("msgtype", "body", "format", "formatted_body")}
    new["m.mentions"] = content.get("m.mentions", {}) if mentions is None else mentions
    return {
        **{k: (f"* {v}" if k in ("body", "formatted_body") else v) for k, v in new.items()},
        "m.new_content": new,
        "m.relates_to": {"rel_type": "m.replace", "event_id": event_id},
    }
