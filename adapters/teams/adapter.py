"""Stödbot in Microsoft Teams, on the Microsoft 365 Agents SDK.

- ``POST /api/messages``: the token is checked (``TeamsAuth``); a message is
  written to the inbox and answered 200 at once, then handled in the
  background, so Teams' retry after ~15 s finds the activity already stored
  (unique on conversation id + activity id) and nothing happens twice.
  ``adaptiveCard/action`` invokes (Action.Execute) are handled inline, because
  the response carries the refreshed card.
- Everything sent goes through the outbox: a bearer token from the token
  endpoint, per-conversation pacing (7/s, 60 per 30 s), backoff with jitter on
  429, at most one resend after a 5xx; the activity id of each ticket card is
  kept, so a change edits the card in place.
- Identities are ``from.aadObjectId``; the conversation reference (service URL,
  tenant) is stored in the database with every ticket and outbox row.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import logging
import random
import re
import time
from datetime import UTC, datetime
from typing import Any

import aiohttp
from aiohttp import web
from microsoft_agents.activity import Activity

from adapters.teams.auth import TeamsAuth, Unauthorized
from adapters.teams.cards import (
    CARD,
    activity_for,
    refused_card,
    reply_card,
    text_of,
    ticket_card,
)
from adapters.teams.fallback import with_fallback
from adapters.teams.inbound import (
    checked,
    dropped_length,
    invoke_parts,
    question_text,
    shared_in,
    storable,
)
from bot.deadletter import attempt_failed
from bot.leases import OutboxClaims
from bot.messages import ConversationRef, IncomingMessage, Reply
from bot.notify import card_view, to_sender
from bot.service import ConversationService
from bot.settings import Settings
from bot.texts import Texts
from routing.policy import Act
from routing.ports import InboxItem, OutboxItem, StoreUnavailable
from routing.tickets import NotAllowed, NotFound

log = logging.getLogger(__name__)
CHANNEL = "teams"
# what a button may say it answers; a survey question: "survey:2026:hr:q1"
ABOUT = re.compile(r"(ticket|question):[0-9]{1,10}|survey:[0-9]{4}:[a-z0-9-]{1,64}:q[1-3]")
MAX_BODY = 256 * 1024


class TeamsStartupError(RuntimeError):
    """Teams cannot start as configured; the message says what to fix."""


def utcnow() -> datetime:
    return datetime.now(UTC)


def _language(locale: str | None) -> str | None:
    """English for an English Teams locale; otherwise the bot's default."""
    return "en" if (locale or "sv").lower().startswith("en") else None


class _Pacer:
    """Teams' per-conversation limits: at most 7 messages a second and 60 per 30 s."""

    def __init__(self) -> None:
        self._sent: dict[str, collections.deque[float]] = collections.defaultdict(collections.deque)

    async def wait(self, conversation: str) -> None:
        sent = self._sent[conversation]
        while True:
            now = time.monotonic()
            while sent and now - sent[0] > 30:
                sent.popleft()
            recent = sum(1 for t in sent if now - t < 1)
            if recent < 7 and len(sent) < 60:
                sent.append(now)
                return
            await asyncio.sleep(0.15)


class TeamsAdapter:
    def __init__(
        self,
        settings: Settings,
        service: ConversationService,
        *,
        jwks_uri: str = "https://login.botframework.com/v1/.well-known/keys",
        worker: bool = True,
    ) -> None:
        """``worker``: answer stored activities and send the outbox in this process. Off
        when a worker process does that (``STODBOT_TEAMS_WORKER=process``): this process
        then only checks, stores and acknowledges, which keeps it fast under load."""
        if settings.teams_app_id:
            if not settings.teams_app_password:
                raise TeamsStartupError("STODBOT_TEAMS_APP_PASSWORD saknas för Teams-appen")
            self.auth: TeamsAuth | None = TeamsAuth(
                settings.teams_app_id, settings.teams_tenant_id, jwks_uri
            )
        elif settings.production:
            raise TeamsStartupError(
                "Teams utan STODBOT_TEAMS_APP_ID är bara för lokal utveckling; "
                "i produktion (STODBOT_PRODUCTION=true) krävs app-id och lösenord"
            )
        else:
            log.warning("Teams in local development mode: requests are NOT authenticated")
            self.auth = None
        self.settings = settings
        self.service = service
        self.store = service.store
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._token: tuple[str, float] | None = None
        self._pacer = _Pacer()
        self.rate_limited = 0
        self._flushing = asyncio.Lock()
        self._claims = OutboxClaims(self.store, CHANNEL, utcnow)  # shared with other instances
        self._pending_writes: list[tuple[str, dict[str, Any], asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None
        self._worker = worker
        self.idle_wait = 2.0  # seconds between rounds when nothing wakes the worker

    # -- life cycle --------------------------------------------------------------------

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/api/messages", self.messages)

    async def start(self) -> None:
        if self._worker:
            self._task = asyncio.create_task(self._work(), name="stodbot-teams")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    # -- inbound -----------------------------------------------------------------------

    async def messages(self, request: web.Request) -> web.Response:
        if (request.content_length or 0) > MAX_BODY:
            return web.json_response({"error": "too large"}, status=413)
        try:
            body = checked(await request.json())
            activity = Activity.model_validate(body)
        except (ValueError, RecursionError) as exc:  # bad JSON/UTF-8, BadActivity, pydantic
            log.info("Refused a malformed Teams request: %s", type(exc).__name__)
            return web.json_response({"error": "not an activity"}, status=400)
        if self.auth is not None:
            try:
                await self.auth.check(request.headers.get("Authorization"), body)
            except Unauthorized as exc:
                log.info("Rejected a Teams request: %s", exc)
                return web.json_response({"error": "unauthorized"}, status=401)
        if activity.type == "invoke" and activity.name == "adaptiveCard/action":
            return await self._invoke(activity, body)
        kept = (
            storable(body, self.settings.max_message_chars) if activity.type == "message" else None
        )
        if kept is not None:
            event_id = f"{activity.conversation.id}|{activity.id}"
            await self._stored(event_id, kept)  # durable before the 200
            self._wake.set()
        return web.Response(status=200)

    async def _stored(self, event_id: str, body: dict[str, Any]) -> None:
        """Group commit: activities arriving together share one transaction, so the
        acknowledgement waits for at most one write, not one write each."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending_writes.append((event_id, body, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_batches())
        await done

    async def _write_batches(self) -> None:
        while self._pending_writes:
            batch, self._pending_writes = self._pending_writes, []
            try:
                await asyncio.to_thread(self._store, [(e, b) for e, b, _ in batch])
            except Exception as exc:  # every waiter hears of it (and answers 500: Teams retries)
                for _, _, fut in batch:
                    fut.set_exception(exc)
                continue
            for _, _, fut in batch:
                fut.set_result(None)

    def _store(self, batch: list[tuple[str, dict[str, Any]]]) -> None:
        now = utcnow()
        with self.store.transaction() as tx:
            for event_id, body in batch:
                tx.inbox.add(CHANNEL, event_id, body, now)

    def _message(
        self,
        body: dict[str, Any],
        event_id: str,
        text: str | None = None,
        about: str | None = None,
    ) -> IncomingMessage:
        activity = Activity.model_validate(body)
        sender = activity.from_property
        user = sender.aad_object_id or sender.id
        tenant = activity.conversation.tenant_id or (
            (body.get("channelData") or {}).get("tenant") or {}
        ).get("id")
        address = json.dumps(
            {
                "serviceUrl": activity.service_url,
                "tenant": tenant,
                "activity": activity.id,
                "bot": activity.recipient.id,
            }
        )
        if text is None:
            text = question_text(body)
        language = _language(activity.locale)
        return IncomingMessage(
            ConversationRef(CHANNEL, activity.conversation.id, address),
            user,
            text.strip(),
            event_id,
            language=language,
            dropped_length=dropped_length(body),
            shared_in=shared_in(body),
            about=about,
            display_name=sender.name if isinstance(sender.name, str) else None,
        )

    def _sender(self, body: object, event_id: str) -> IncomingMessage | None:
        """Who sent a stored activity that could not be handled, if that can be read."""
        if not isinstance(body, dict):
            return None
        try:
            return self._message({k: v for k, v in body.items() if k != "text"}, event_id, "")
        except Exception:
            return None

    async def _invoke(self, activity: Activity, body: dict[str, Any]) -> web.Response:
        verb, data, ticket = invoke_parts(body)  # checked already: well formed
        event_id = f"{activity.conversation.id}|{activity.id}"
        if verb != "refresh":
            text = text_of(data)
            if text:
                about = await asyncio.to_thread(self._about, body, data)
                msg = self._message(body, event_id, text, about)
                replies = await asyncio.to_thread(self.service.handle, msg)
                await asyncio.to_thread(self._queue_unstored, msg, replies, event_id)
                self._wake.set()
        if ticket is not None:
            user = activity.from_property.aad_object_id or activity.from_property.id
            card = await asyncio.to_thread(self._card_for, ticket, user, activity.locale)
            if card is not None:
                return web.json_response({"statusCode": 200, "type": CARD, "value": card})
        else:
            used = await asyncio.to_thread(self._used, body, data)
            if used is not None:  # the card again, its buttons gone: no "OK" banner
                return web.json_response({"statusCode": 200, "type": CARD, "value": used})
        return web.json_response(
            {"statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": "OK"}
        )

    def _used(self, body: dict[str, Any], data: dict[str, Any]) -> dict[str, Any] | None:
        """The reply card a button was pressed on, as sent, with its buttons replaced by
        the one pressed (``✓ Ja, det hjälpte``): a card answered once cannot be pressed
        again by mistake. None when the card is not known (the press still counts)."""
        conversation = str((body.get("conversation") or {}).get("id", ""))
        reply_to = body.get("replyToId")
        if not isinstance(reply_to, str) or not reply_to:
            return None
        with self.store.transaction() as tx:
            row = tx.adapter.get(f"teams:reply-card:{conversation}:{reply_to}"[:255])
            payload = tx.outbox.payload(int(row)) if row and row.isdigit() else None
        drawn = reply_card(payload) if payload else None
        if drawn is None:
            return None
        card = dict(drawn)
        said = data.get("text")
        pressed = next(
            (
                a.get("title", "")
                for a in card.get("actions", [])
                if (a.get("data") or {}).get("text") == said
            ),
            None,
        )
        marks = [pressed] if pressed else []
        card["actions"] = []
        if payload and payload.get("each") and pressed:
            marks, card["actions"] = self._checklist_pressed(conversation, reply_to, drawn, said)
        for text in marks:
            mark = {"type": "TextRun", "text": f"✓ {text}", "weight": "Bolder"}
            card["body"] = [*card.get("body", []), {"type": "RichTextBlock", "inlines": [mark]}]
        return with_fallback(card, Texts(str((payload or {}).get("language") or "sv")))

    def _checklist_pressed(
        self, conversation: str, reply_to: str, drawn: dict[str, Any], said: object
    ) -> tuple[list[str], list[dict[str, Any]]]:
        """A checklist card (``Reply.each``) after a press: the buttons of every number
        pressed so far gone (remembered per card), the others still there; and the
        titles pressed, for the marks."""
        key = f"teams:pressed:{conversation}:{reply_to}"[:255]
        with self.store.transaction() as tx:
            before = json.loads(tx.adapter.get(key) or "[]")
            pressed = [*before, said] if said not in before else before
            tx.adapter.put(key, json.dumps(pressed), utcnow())
        actions = list(drawn.get("actions", []))

        def number(action: dict[str, Any]) -> str:
            return str(action.get("title", "")).split(".", 1)[0]

        done = {number(a) for a in actions if (a.get("data") or {}).get("text") in pressed}
        titles = [
            str(a.get("title", "")) for a in actions if (a.get("data") or {}).get("text") in pressed
        ]
        return titles, [a for a in actions if number(a) not in done]

    def _about(self, body: dict[str, Any], data: dict[str, Any]) -> str | None:
        """What a pressed button answers: what the message it is on asked (recorded when
        it was sent; Teams names that message in ``replyToId``), else what the button
        itself says. Either way the desk checks the presser may answer it."""
        conversation = str((body.get("conversation") or {}).get("id", ""))
        reply_to = body.get("replyToId")
        if isinstance(reply_to, str) and reply_to:
            with self.store.transaction() as tx:
                recorded = tx.adapter.get(f"teams:about:{conversation}:{reply_to}")
            if recorded:
                return recorded
        about = data.get("about")
        return about if isinstance(about, str) and ABOUT.fullmatch(about) else None

    def _card_for(self, ticket_id: int, user: str, locale: str | None) -> dict[str, Any] | None:
        """The ticket card as ``user`` may see it (the access policy decides, and audits
        the read); a refusal card, with nothing of the ticket, for anyone else."""
        desk = self.service.desk
        with self.store.transaction() as tx:
            t = self.service.texts_for(tx, user)
            names = {}
            try:
                ticket, _ = desk.read(tx, ticket_id, user, utcnow(), via="card")
                if ticket.claimed_by:
                    names[ticket.claimed_by] = tx.people.display_name(ticket.claimed_by)
            except NotFound:
                return None
            except NotAllowed:
                return refused_card(t("card_refused", ticket=ticket_id))
        payload = {
            "ticket_id": ticket.id,
            "status": ticket.status.value,
            "language": t.language,
            "card": card_view(
                self.service.org, ticket, t, update=True, name=lambda u: names.get(u) or u
            ),
        }
        staff = desk.policy.decide(user, Act.CLAIM, ticket).allowed
        return ticket_card(payload, actions=staff)

    # -- the background worker ---------------------------------------------------------------

    async def _work(self) -> None:
        while True:
            # one step failing never stops the other
            for step in (self.process_inbox, self.flush_outbox):
                try:
                    await step()
                except asyncio.CancelledError:
                    raise
                except Exception:  # keep going; the next round retries
                    log.exception("Teams worker: %s failed", step.__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.idle_wait)
            self._wake.clear()

    async def run_worker(self, poll: float = 0.1) -> None:
        """The worker alone, in a process of its own: the front stores activities in the
        shared database and this polls for them (``poll`` seconds when idle)."""
        self.idle_wait = poll
        await self._work()

    async def process_inbox(self) -> None:
        """Each stored activity once. One that fails is counted and, the third time, set
        aside (``bot.deadletter``); the others go on. The database being away stops the
        round uncounted: everything stays for the next."""
        items = await asyncio.to_thread(self._pending_inbox)
        for item in items:
            try:
                await asyncio.to_thread(self._handle_one, item.id, item.event_id, item.payload)
            except StoreUnavailable:
                raise
            except Exception as exc:
                await asyncio.to_thread(self._failed, item, exc)

    def _pending_inbox(self) -> list[InboxItem]:
        with self.store.transaction() as tx:
            return tx.inbox.pending(CHANNEL, 200)

    def _failed(self, item: InboxItem, exc: Exception) -> None:
        sender = self._sender(item.payload, item.event_id)
        attempt_failed(self.store, item, exc, sender, self.service.texts, utcnow())

    def _handle_one(self, item_id: int, event_id: str, body: dict[str, Any]) -> None:
        msg = self._message(body, event_id)
        replies = self.service.handle(msg)
        if any(r.retry for r in replies):  # the database is away: keep it for the next round
            raise StoreUnavailable("the activity stays in the inbox")
        self._queue_unstored(msg, replies, event_id)
        with self.store.transaction() as tx:
            tx.inbox.mark_processed(item_id, utcnow())

    def _queue_unstored(self, msg: IncomingMessage, replies: list[Reply], event_id: str) -> None:
        """Refusals ("too long", "try again") are not in the outbox: queue them now, once,
        so that the sender hears why nothing happened. With the database away too, the
        sender of a message hears it on Teams' retry; a button press is simply lost."""
        for reply in replies:
            if reply.outbox_id is None:
                with contextlib.suppress(StoreUnavailable), self.store.transaction() as tx:
                    tx.outbox.add(to_sender(msg, reply, f"direct:{event_id}"), utcnow())

    # -- outbound ----------------------------------------------------------------------------

    async def flush_outbox(self) -> int:
        async with self._flushing:  # one sender at a time: nothing goes out twice
            items = await asyncio.to_thread(self._pending_outbox)
            sent = 0
            # An attempt ends well inside the lease's second half (see bot/leases.py).
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=8)) as http:
                for item in items:
                    if not await self._send(http, item):
                        break
                    sent += 1
            return sent

    def _pending_outbox(self) -> list[OutboxItem]:
        return self._claims.claim()

    async def _access_token(self, http: aiohttp.ClientSession) -> str:
        if self._token and self._token[1] > time.time() + 60:
            return self._token[0]
        if not self.settings.teams_app_id:
            return "development"
        form = {
            "grant_type": "client_credentials",
            "client_id": self.settings.teams_app_id,
            "client_secret": self.settings.teams_app_password or "",
            "scope": "https://api.botframework.com/.default",
        }
        async with http.post(self.settings.teams_token_url, data=form) as resp:
            data = await resp.json()
        self._token = (str(data["access_token"]), time.time() + float(data.get("expires_in", 3600)))
        return self._token[0]

    def _target(self, item: OutboxItem) -> tuple[str, str | None]:
        address = json.loads(item.address) if item.address else {}
        base = str(address.get("serviceUrl") or self.settings.teams_service_url)
        return base.rstrip("/"), address.get("activity") if item.kind == "reply" else None

    async def _send(self, http: aiohttp.ClientSession, item: OutboxItem) -> bool:
        base, reply_to = self._target(item)
        conv = item.conversation_id
        card_id = await asyncio.to_thread(self._card_activity, item)
        activity = activity_for(item.kind, item.payload)
        if card_id is not None:
            url, method = f"{base}/v3/conversations/{conv}/activities/{card_id}", "PUT"
        elif reply_to:
            url, method = f"{base}/v3/conversations/{conv}/activities/{reply_to}", "POST"
        else:
            url, method = f"{base}/v3/conversations/{conv}/activities", "POST"
        server_errors = 0
        for _ in range(20):
            await self._pacer.wait(conv)
            if not await asyncio.to_thread(self._claims.hold, item.id):
                return False  # another instance has it now
            token = await self._access_token(http)
            async with http.request(
                method, url, json=activity, headers={"Authorization": f"Bearer {token}"}
            ) as resp:
                if resp.status < 300:
                    data = await resp.json(content_type=None) or {}
                    await asyncio.to_thread(self._sent, item, str(data.get("id", "")))
                    return True
                if resp.status == 429:
                    self.rate_limited += 1
                    wait = float(resp.headers.get("Retry-After", "1"))
                    await asyncio.sleep(wait + random.uniform(0, 0.5))  # jitter
                    continue
                if resp.status >= 500 and server_errors == 0:
                    server_errors += 1
                    continue  # resend once
                log.warning("Teams send failed (%s) for outbox item %s", resp.status, item.id)
                await asyncio.to_thread(self._attempted, item.id)
                return False
        return False

    def _card_activity(self, item: OutboxItem) -> str | None:
        if item.kind != "ticket_update" or item.payload.get("ticket_id") is None:
            return None
        with self.store.transaction() as tx:
            return tx.adapter.get(f"teams:card:{item.payload['ticket_id']}:{item.conversation_id}")

    def _sent(self, item: OutboxItem, activity_id: str) -> None:
        now = utcnow()
        with self.store.transaction() as tx:
            self._claims.sent(tx.outbox, item.id, now)
            about = item.payload.get("about")
            if about and activity_id:  # its buttons answer this (``_about``)
                key = f"teams:about:{item.conversation_id}:{activity_id}"
                tx.adapter.put(key[:255], str(about), now)
            if item.kind != "ticket_card" and activity_id and reply_card(item.payload):
                # drawn again, used, on a press (``_used``): only the row's id is kept here,
                # its text stays in the outbox row, where retention reaches it
                key = f"teams:reply-card:{item.conversation_id}:{activity_id}"
                tx.adapter.put(key[:255], str(item.id), now)
            if (
                item.kind == "ticket_card"
                and item.payload.get("ticket_id") is not None
                and activity_id
            ):
                tx.adapter.put(
                    f"teams:card:{item.payload['ticket_id']}:{item.conversation_id}",
                    activity_id,
                    now,
                )

    def _attempted(self, item_id: int) -> None:
        with self.store.transaction() as tx:
            tx.outbox.mark_attempt(item_id)
