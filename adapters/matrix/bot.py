"""Stödbot on Matrix (matrix-nio).

Reliability, in order of what happens to an event:
1. ``/sync`` returns events and a ``next_batch`` token. Both are written to the
   database in ONE transaction (the inbox and the stored token), so the token
   never runs ahead of what was stored.
2. Each stored event is handled by the conversation service, which dedupes on
   the event id; then it is marked processed. A crash in between handles it
   again and the dedupe makes that a no-op.
3. Replies and notifications wait in the outbox with a transaction id, sent as
   the Matrix ``txnId``: a resend after a crash is deduplicated by the server.
   ``M_LIMIT_EXCEEDED`` waits as long as the server says, then goes on.
On the very first start the backlog is skipped; after a restart everything
sent while the bot was down is handled, once.

Database work runs in worker threads (``asyncio.to_thread``) so it never
blocks the event loop.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    InviteMemberEvent,
    JoinError,
    LoginResponse,
    ReactionEvent,
    RoomEncryptedMedia,
    RoomMessageMedia,
    RoomMessageText,
    SyncError,
    SyncResponse,
)

from adapters.matrix.roles import MatrixRoles
from adapters.matrix.sender import MatrixSender
from bot.clean import clean_text, clean_value
from bot.deadletter import attempt_failed
from bot.jobs import escalate_overdue
from bot.leases import SYNC_LEASE, hold_lease, instance_id
from bot.messages import ConversationRef, IncomingMessage, Reply
from bot.service import ConversationService
from bot.settings import Settings
from knowledge.base import KnowledgeBase
from knowledge.matcher import Thresholds
from routing.ports import InboxItem, Store, StoreUnavailable

log = logging.getLogger(__name__)

CHANNEL = "matrix"
TOKEN_KEY = "matrix:next_batch"
SYNC_LEASE_NAME = "matrix:sync"  # one instance syncs at a time; the others wait
YES_REACTIONS = {"👍", "👍️", "+1"}
NO_REACTIONS = {"👎", "👎️", "-1"}
CLAIM_REACTIONS = {"✋", "✋️", "🤚"}
SYNC_FILTER = {"room": {"timeline": {"limit": 100}, "state": {"lazy_load_members": False}}}
_REPLY_FALLBACK = re.compile(r"^(> .*\n)+\n", re.M)


class SyncLeaseLost(RuntimeError):
    """Another instance took over the Matrix sync; this one must not store the batch."""


class MatrixStartupError(RuntimeError):
    """The adapter cannot start as configured; the message says what to fix."""


def utcnow() -> datetime:
    return datetime.now(UTC)


def encryption_available() -> bool:
    try:
        from nio.crypto import ENCRYPTION_ENABLED
    except ImportError:  # pragma: no cover - very old nio
        return False
    return bool(ENCRYPTION_ENABLED)


class MatrixBot:
    def __init__(
        self,
        settings: Settings,
        kb: KnowledgeBase,
        store: Store,
        *,
        thresholds: Thresholds = Thresholds(),
        clock: Callable[[], datetime] = utcnow,
        escalate_every: float = 60.0,
    ) -> None:
        if not settings.matrix_homeserver or not settings.matrix_user_id:
            raise MatrixStartupError(
                "STODBOT_MATRIX_HOMESERVER och STODBOT_MATRIX_USER_ID måste vara satta"
            )
        if not settings.matrix_access_token and not settings.matrix_password:
            raise MatrixStartupError(
                "Sätt STODBOT_MATRIX_ACCESS_TOKEN (eller STODBOT_MATRIX_PASSWORD) för botens konto"
            )
        if settings.matrix_e2e and not encryption_available():
            raise MatrixStartupError(
                "Kryptering är påslagen (STODBOT_MATRIX_E2E=true) men matrix-nio saknar "
                "krypteringsstöd. Installera 'matrix-nio[e2e]' eller stäng av STODBOT_MATRIX_E2E."
            )
        self.settings = settings
        self.org = kb.organisation
        self.store = store
        self.user_id = settings.matrix_user_id
        if settings.matrix_e2e:
            settings.matrix_store_path.mkdir(parents=True, exist_ok=True)
        config = AsyncClientConfig(
            max_limit_exceeded=0,  # we wait on 429 ourselves, so nothing is dropped silently
            max_timeouts=None,
            encryption_enabled=settings.matrix_e2e,
            store_sync_tokens=False,  # the token lives in our database, with the events
        )
        self.client = AsyncClient(
            settings.matrix_homeserver,
            settings.matrix_user_id,
            settings.matrix_device_id,
            str(settings.matrix_store_path) if settings.matrix_e2e else "",
            config,
        )
        self.roles = MatrixRoles(
            kb.organisation,
            self.client.rooms,
            settings.matrix_staff_power_level,
            settings.matrix_user_id,
        )
        self.service = ConversationService(
            kb,
            store,
            roles=self.roles,
            thresholds=thresholds,
            language=settings.language,
            max_chars=settings.max_message_chars,
            clock=clock,
            drafts_dir=settings.drafts_dir,
        )
        self.clock = clock
        self._token: str | None = None
        self._task: asyncio.Task[None] | None = None
        self._escalate_every = escalate_every
        self._last_escalation = 0.0
        self._join_waits = 0  # joins the homeserver asked us to retry later
        self.sender = MatrixSender(self.client, store, clock)
        self.area_rooms = {a.room for a in self.org.areas if a.room}
        self._direct: set[str] = set()  # rooms known to be direct chats (``_is_direct``)
        self.owner = instance_id()
        self._caught_up = False
        self._sending: set[asyncio.Task[None]] = set()  # sends while the next sync waits

    # -- life cycle ----------------------------------------------------------------

    async def start(self) -> None:
        s = self.settings
        if s.matrix_access_token:
            self.client.access_token = s.matrix_access_token
            self.client.user_id = s.matrix_user_id or ""
            self.client.device_id = s.matrix_device_id
            if s.matrix_e2e:
                self.client.load_store()
        else:
            resp = await self.client.login(s.matrix_password or "", device_name="Stödbot")
            if not isinstance(resp, LoginResponse):
                raise MatrixStartupError(
                    f"Inloggningen mot {s.matrix_homeserver} misslyckades: {resp}"
                )
        if s.matrix_e2e and self.client.should_upload_keys:
            await self.client.keys_upload()
        if await asyncio.to_thread(self._take_lease):  # alone (the usual case): catch up now
            await self._catch_up()
            self._caught_up = True
        else:
            log.warning("Another instance syncs Matrix; this one takes over if it stops")
        self._task = asyncio.create_task(
            hold_lease(self.store, SYNC_LEASE_NAME, self.owner, self._lead, self.clock),
            name="stodbot-matrix-sync",
        )

    async def _lead(self) -> None:
        """While this instance holds the sync lease: catch up, then sync until cancelled."""
        if not self._caught_up:
            await self._catch_up()
        self._caught_up = False  # leading again later means catching up again
        await self._run()

    async def _catch_up(self) -> None:
        """From the stored token (another instance may have advanced it); on the very
        first start the backlog is skipped."""
        self._token = await asyncio.to_thread(self._load_token)
        first_start = self._token is None
        await self.sync_once(timeout=0, full_state=True, skip_timeline=first_start)

    def _take_lease(self) -> bool:
        now = self.clock()
        with self.store.transaction() as tx:
            return tx.leases.acquire(SYNC_LEASE_NAME, self.owner, now, now + SYNC_LEASE)

    async def stop(self) -> None:
        """Clean and fast: cancel the long poll, close the HTTP session."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        await self.client.close()

    async def _run(self) -> None:
        """Sync, store and handle in a loop; the replies go out in the background
        (``_send_soon``), so a message that arrives while earlier answers are being
        sent is fetched at once instead of after them."""
        try:
            await self._sync_loop()
        finally:
            for task in list(self._sending):
                task.cancel()
            await asyncio.gather(*self._sending, return_exceptions=True)

    async def _sync_loop(self) -> None:
        backoff = 1.0
        while True:
            try:
                ok = await self.sync_once(
                    timeout=self.settings.matrix_sync_timeout_ms, wait_for_sends=False
                )
                backoff = 1.0 if ok else min(backoff * 2, 60.0)
                if not ok:
                    await asyncio.sleep(backoff)
                await self._maybe_escalate()
            except (asyncio.CancelledError, SyncLeaseLost):
                raise
            except Exception:  # keep the bot alive; the next sync retries
                log.exception("Matrix loop failed; retrying in %.0f s", backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 60.0)

    async def _maybe_escalate(self) -> None:
        loop = asyncio.get_running_loop()
        if loop.time() - self._last_escalation < self._escalate_every:
            return
        self._last_escalation = loop.time()
        await asyncio.to_thread(escalate_overdue, self.service)
        await self.flush_outbox()

    # -- one round: sync, store, handle, send ---------------------------------------

    async def sync_once(
        self,
        timeout: int = 0,
        full_state: bool = False,
        skip_timeline: bool = False,
        wait_for_sends: bool = True,
    ) -> bool:
        resp = await self.client.sync(
            timeout=timeout, since=self._token, full_state=full_state, sync_filter=SYNC_FILTER
        )
        if isinstance(resp, SyncError) or not isinstance(resp, SyncResponse):
            log.warning("Sync failed: %s", resp)
            return False
        if self.settings.matrix_e2e:  # what nio's sync_forever does for encrypted rooms
            await self._keys()
        events = [] if skip_timeline else self._collect(resp)
        await asyncio.to_thread(self._ingest, events, resp.next_batch)
        self._token = resp.next_batch
        await self._answer_invites(resp)
        await self.process_inbox()
        if wait_for_sends:
            await self.flush_outbox()
        else:
            self._send_soon()
        return True

    def _send_soon(self) -> None:
        """Send the outbox in the background: the replies of this round go out while
        the next sync already waits (``MatrixSender`` keeps each room in order)."""
        task = asyncio.create_task(self._send_now())
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _send_now(self) -> None:
        try:
            await self.flush_outbox()
        except Exception:  # the rows stay; the next round sends them
            log.exception("Sending the outbox failed")

    async def _keys(self) -> None:
        """Key upkeep for encrypted rooms. A failure here is logged and must not stop
        the sync loop: unencrypted rooms keep working."""
        try:
            if self.client.should_upload_keys:
                await self.client.keys_upload()
            if self.client.should_query_keys:
                await self.client.keys_query()
            if self.client.should_claim_keys:
                await self.client.keys_claim(self.client.get_users_for_key_claiming())
        except Exception:
            log.exception("Encryption key upkeep failed")

    def _collect(self, resp: SyncResponse) -> list[tuple[str, dict[str, Any]]]:
        """The events to store, each string cleaned (``bot.clean``) and a body too long
        to handle kept as its length only."""
        out: list[tuple[str, dict[str, Any]]] = []
        for room_id, info in resp.rooms.join.items():
            for ev in info.timeline.events:
                if getattr(ev, "sender", None) == self.user_id:
                    continue  # our own events
                if isinstance(ev, RoomMessageText):
                    content = ev.source.get("content", {})
                    relates = content.get("m.relates_to")
                    relates = relates if isinstance(relates, dict) else {}
                    body = ev.body if isinstance(ev.body, str) else ""
                    new = content.get("m.new_content")
                    edits = None
                    if relates.get("rel_type") == "m.replace" and isinstance(new, dict):
                        # An edit: its body is the " * …" fallback; the text is the new one.
                        body = new.get("body") if isinstance(new.get("body"), str) else ""
                        edits = relates.get("event_id")
                        relates = {}
                    mentions = (content.get("m.mentions") or {}).get("user_ids")
                    payload = {
                        "type": "message",
                        "room": room_id,
                        "sender": ev.sender,
                        "body": body,
                        "relates": relates,
                        "edits": edits if isinstance(edits, str) else None,
                        "mentions": mentions if isinstance(mentions, list) else [],
                    }
                    out.append((clean_text(ev.event_id), self._bounded(clean_value(payload))))
                elif isinstance(ev, RoomMessageMedia | RoomEncryptedMedia):
                    payload = {"type": "media", "room": room_id, "sender": ev.sender}
                    out.append((clean_text(ev.event_id), clean_value(payload)))
                elif isinstance(ev, ReactionEvent):
                    payload = {
                        "type": "reaction",
                        "room": room_id,
                        "sender": ev.sender,
                        "key": ev.key,
                        "reacts_to": ev.reacts_to,
                    }
                    out.append((clean_text(ev.event_id), clean_value(payload)))
        return out

    def _bounded(self, payload: dict[str, Any]) -> dict[str, Any]:
        """A body too long to handle is not stored: only its length, and whether it
        was addressed to the bot (which decides whether the refusal is sent)."""
        body = _REPLY_FALLBACK.sub("", payload["body"]).strip()
        if len(body) <= self.settings.max_message_chars:
            return payload
        if (self.user_id or "@") in body:
            payload["mentions"] = [*payload["mentions"], self.user_id]
        payload.update(body="", length=len(body), command=body.startswith("!"))
        return payload

    def _ingest(self, events: list[tuple[str, dict[str, Any]]], next_batch: str) -> None:
        now = self.clock()
        with self.store.transaction() as tx:
            # Fenced: the token advances only while this instance holds the sync lease
            # (renew, not acquire: a batch finishing after stop() must not take it back).
            if not tx.leases.renew(SYNC_LEASE_NAME, self.owner, now + SYNC_LEASE):
                raise SyncLeaseLost("another instance syncs Matrix now")
            for event_id, payload in events:
                tx.inbox.add(CHANNEL, event_id, payload, now)
            tx.adapter.put(TOKEN_KEY, next_batch, now)

    def _load_token(self) -> str | None:
        with self.store.transaction() as tx:
            return tx.adapter.get(TOKEN_KEY)

    # -- invites -------------------------------------------------------------------

    def invite_allowed(self, inviter: str) -> bool:
        s = self.settings
        server = inviter.split(":", 1)[-1]
        own = (self.user_id or "").split(":", 1)[-1]
        return (
            inviter in s.matrix_allowed_users
            or server in s.matrix_allowed_servers
            or (not s.matrix_allowed_servers and not s.matrix_allowed_users and server == own)
        )

    async def _answer_invites(self, resp: SyncResponse) -> None:
        """Join the allowed invites and leave the others, all rooms at once: an asker
        whose room is joined must not wait for the joins of everyone else's."""
        await asyncio.gather(
            *(self._answer_invite(room_id, info) for room_id, info in resp.rooms.invite.items())
        )

    async def _answer_invite(self, room_id: str, info: Any) -> None:
        invite = next(
            (
                e
                for e in info.invite_state
                if isinstance(e, InviteMemberEvent)
                and e.state_key == self.user_id
                and e.membership == "invite"
            ),
            None,
        )
        inviter = invite.sender if invite is not None else ""
        if not self.invite_allowed(inviter):
            log.info("Declining invite to %s from %s", room_id, inviter)
            await self.client.room_leave(room_id)
            return
        if invite is not None and (invite.content or {}).get("is_direct") is True:
            await asyncio.to_thread(self._remember_direct, room_id)
        for _ in range(20):
            result = await self.client.join(room_id)
            if not isinstance(result, JoinError) or result.status_code != "M_LIMIT_EXCEEDED":
                break
            self._join_waits += 1
            await asyncio.sleep((result.retry_after_ms or 1000) / 1000)
        log.info("Joined %s on invite from %s: %s", room_id, inviter, result)

    # -- inbound -------------------------------------------------------------------

    async def process_inbox(self) -> None:
        """Each stored event once. One whose handling fails is counted and, the third
        time, set aside (``bot.deadletter``); the others go on. The database being away
        (``StoreUnavailable``) is not the event's fault and is not counted."""
        items = await asyncio.to_thread(self._pending_inbox)
        for item in items:
            event_id = item.event_id
            try:
                msg, replies = await asyncio.to_thread(self._handle, item)
            except StoreUnavailable:
                raise
            except Exception as exc:
                await asyncio.to_thread(self._failed, item, exc)
                continue
            if msg is not None:
                if any(r.retry for r in replies):
                    # the database is away: say so, and handle the event again next round
                    await self.sender.send_direct(msg, replies[0].text, f"retry-{event_id}")
                    return
                for n, reply in enumerate(replies):
                    if reply.outbox_id is None:  # refusals and "try again": not stored
                        await self.sender.send_direct(msg, reply.text, f"direct-{event_id}-{n}")
            await asyncio.to_thread(self._mark_processed, item.id)

    def _handle(self, item: InboxItem) -> tuple[IncomingMessage | None, list[Reply]]:
        msg = self._to_message(item.event_id, item.payload)
        return msg, (self.service.handle(msg) if msg is not None else [])

    def _failed(self, item: InboxItem, exc: Exception) -> None:
        p = item.payload
        sender = None
        if isinstance(p.get("room"), str) and isinstance(p.get("sender"), str):
            address = json.dumps({"event": item.event_id, "thread": None})
            ref = ConversationRef(CHANNEL, p["room"], address)
            sender = IncomingMessage(ref, p["sender"], "", item.event_id)
        attempt_failed(self.store, item, exc, sender, self.service.texts, self.clock())

    def _pending_inbox(self) -> list[InboxItem]:
        with self.store.transaction() as tx:
            return tx.inbox.pending(CHANNEL, 500)

    def _mark_processed(self, item_id: int) -> None:
        with self.store.transaction() as tx:
            tx.inbox.mark_processed(item_id, self.clock())

    def _remember_direct(self, room_id: str) -> None:
        with self.store.transaction() as tx:
            tx.adapter.put(f"matrix:direct:{room_id}", "1", self.clock())
        self._direct.add(room_id)

    def _is_direct(self, room_id: str) -> bool:
        """A direct chat: the invite said so (``is_direct``), never the member count (a
        leadership room of two is not a DM). Area and leadership rooms never are."""
        if room_id in self.area_rooms or room_id == self.org.leadership_room:
            return False
        if room_id not in self._direct:
            with self.store.transaction() as tx:
                if tx.adapter.get(f"matrix:direct:{room_id}") is None:
                    return False
            self._direct.add(room_id)
        return True

    def _to_message(self, event_id: str, p: dict[str, Any]) -> IncomingMessage | None:
        room_id, sender = p["room"], p["sender"]
        if p["type"] == "reaction":
            said = self._reaction_text(p["key"], p["reacts_to"])
            if said is None:
                return None
            address = json.dumps({"event": p["reacts_to"]})
            return IncomingMessage(
                ConversationRef(CHANNEL, room_id, address),
                sender,
                said[0],
                event_id,
                shared_in=self._shared_in(room_id),
                about=said[1],
            )
        if p["type"] == "media":  # an image or a file: say that only text is read
            if not self._is_direct(room_id):
                return None
            address = json.dumps({"event": event_id, "thread": None})
            ref = ConversationRef(CHANNEL, room_id, address)
            return IncomingMessage(ref, sender, "", event_id, unreadable=True)
        body = _REPLY_FALLBACK.sub("", p["body"]).strip()
        relates = p.get("relates") or {}
        mentioned = self.user_id in p.get("mentions", []) or (self.user_id or "@") in body
        command = body.startswith("!") or bool(p.get("command"))
        if not self._is_direct(room_id):
            if room_id in self.area_rooms:
                if not (command or mentioned):
                    return None  # staff talking among themselves
            elif not mentioned:
                return None
            body = self._strip_mention(body)
        thread = relates.get("event_id") if relates.get("rel_type") == "m.thread" else None
        # an edit's answer replaces the answer to the message it edits (``MatrixSender``)
        address = json.dumps({"event": event_id, "thread": thread, "edits": p.get("edits")})
        ref = ConversationRef(CHANNEL, room_id, address)
        return IncomingMessage(
            ref,
            sender,
            body,
            event_id,
            dropped_length=int(p.get("length", 0)),
            shared_in=self._shared_in(room_id),
            display_name=self._display_name(room_id, sender),
        )

    def _display_name(self, room_id: str, user_id: str) -> str | None:
        """The sender's displayname as the room knows it (None when it is only the id)."""
        room = self.client.rooms.get(room_id)
        user = room.users.get(user_id) if room is not None else None
        name = getattr(user, "display_name", None)
        return name if isinstance(name, str) and name and name != user_id else None

    def _shared_in(self, room_id: str) -> str | None:
        """None in a direct chat with the bot; otherwise the room others read too."""
        return None if self._is_direct(room_id) else room_id

    def _strip_mention(self, body: str) -> str:
        user = self.user_id or ""
        local = user.split(":", 1)[0].lstrip("@")
        room_name = re.escape(local)
        body = body.replace(user, "")
        body = re.sub(rf"^\s*@?{room_name}\s*[:,]?\s*", "", body, flags=re.I)
        return body.strip()

    def _reaction_text(self, key: str, reacts_to: str) -> tuple[str, str | None] | None:
        """What a reaction says, and what it is about (the message it is on asked it)."""
        key = key.strip()
        keycap = key.replace("\ufe0f", "")
        with self.store.transaction() as tx:
            if len(keycap) == 2 and keycap[0] in "123456789" and keycap[1] == "\u20e3":
                offered = tx.adapter.get(f"matrix:choice-event:{reacts_to}")
                if offered is None:
                    return None  # a number on something that offered none
                said = json.loads(offered)
                n = int(keycap[0])
                if n > len(said["says"]):
                    return None
                return said["says"][n - 1], said.get("about")
            if key in CLAIM_REACTIONS or key.startswith("✋"):
                ticket = tx.adapter.get(f"matrix:card-event:{reacts_to}")
                return (f"ta {ticket}", None) if ticket else None
            if key in YES_REACTIONS or key in NO_REACTIONS or key[:1] in "👍👎":
                about = tx.adapter.get(f"matrix:feedback-event:{reacts_to}")
                if about is None:
                    return None  # a thumb on something that asked nothing
                word = "ja" if key[:1] == "👍" or key == "+1" else "nej"
                return word, (about if ":" in about else None)  # "1": sent before abouts
        return None

    # -- outbound ------------------------------------------------------------------

    # -- outbound (adapters/matrix/sender.py) ------------------------------------------

    async def flush_outbox(self) -> int:
        return await self.sender.flush_outbox()

    @property
    def rate_limited(self) -> int:
        """How often the homeserver said M_LIMIT_EXCEEDED, to sends and joins."""
        return self.sender.rate_limited + self._join_waits
