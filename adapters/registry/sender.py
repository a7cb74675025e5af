"""The registry sender: claims the outbox's ``registry`` rows with a lease, builds each
ticket's record (unmasked: the registry is the authority's own) and delivers it to
the area's webhook (signed JSON) or the registrator's mailbox (SMTP, the HTML and
JSON export attached), then marks the row sent. A failure is counted and the row
tried again on the next round; another instance (or this one after a restart) never
sends a row that was marked sent."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import smtplib
import ssl
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage

import aiohttp

from adapters.records.render import json_text, local, to_html, to_json
from adapters.registry.signing import DELIVERY, SIGNATURE, TIMESTAMP, sign
from bot.leases import OutboxClaims
from bot.settings import Settings
from knowledge.model import Organisation, Registry
from routing import records
from routing.ports import OutboxItem, Store, StoreUnavailable
from routing.registration import CHANNEL

log = logging.getLogger(__name__)
EVENT_WORDS = {"created": "registrering av nytt ärende", "closed": "ärendet är stängt"}


class Undeliverable(Exception):
    """This attempt failed (the receiver refused, the network or the settings)."""


def utcnow() -> datetime:
    return datetime.now(UTC)


class RegistrySender:
    def __init__(
        self,
        store: Store,
        org: Callable[[], Organisation] | Organisation,
        settings: Settings,
        clock: Callable[[], datetime] = utcnow,
        timeout: float = 20.0,
    ) -> None:
        self.store = store
        self._org = org
        self.settings = settings
        self.clock = clock
        self.timeout = timeout
        self.claims = OutboxClaims(store, CHANNEL, clock)

    @property
    def org(self) -> Organisation:
        return self._org() if callable(self._org) else self._org

    async def run(self, every: float = 10.0) -> None:
        """Forever: send what is due, then wait ``every`` seconds."""
        while True:
            try:
                await self.send_due()
            except StoreUnavailable as exc:
                log.warning("Registry: the database is away (%s)", exc)
            except Exception:  # one bad round must not stop registration
                log.exception("Registry sending failed")
            await asyncio.sleep(every)

    async def send_due(self) -> int:
        """One round: every claimable row tried once; how many were delivered."""
        items = await asyncio.to_thread(self.claims.claim)
        done = 0
        blocked: set[str] = set()  # a ticket whose earlier row failed: keep its order
        for item in items:
            if item.conversation_id in blocked or not self.claims.hold(item.id):
                continue
            try:
                await self._deliver(item)
            except StoreUnavailable:
                raise
            except Exception as exc:  # Undeliverable, or a record or mail not buildable:
                # this row's failure (counted), never the round's: the rest are tried
                blocked.add(item.conversation_id)
                log.warning(
                    "Registry: ticket %s (%s) not delivered: %s",
                    item.payload.get("ticket_id"),
                    item.kind,
                    exc if isinstance(exc, Undeliverable) else f"{type(exc).__name__}: {exc}",
                )
                await asyncio.to_thread(self._attempted, item.id)
                continue
            await asyncio.to_thread(self._sent, item.id)
            done += 1
        return done

    def _sent(self, item_id: int) -> None:
        with self.store.transaction() as tx:
            self.claims.sent(tx.outbox, item_id, self.clock())

    def _attempted(self, item_id: int) -> None:
        with self.store.transaction() as tx:
            tx.outbox.mark_attempt(item_id)

    def _record(self, ticket_id: int) -> records.Record | None:
        with self.store.transaction() as tx:
            return records.build(tx, self.org, ticket_id)

    async def _deliver(self, item: OutboxItem) -> None:
        ticket_id = int(item.payload.get("ticket_id") or 0)
        area = self.org.area(str(item.payload.get("area_id") or ""))
        if area is None or area.registry is None:
            raise Undeliverable(f"area {item.payload.get('area_id')} has no registry any more")
        record = await asyncio.to_thread(self._record, ticket_id)
        if record is None:
            raise Undeliverable(f"ticket {ticket_id} is gone")
        key = item.dedupe_key or f"registry:{ticket_id}:{item.kind}"
        if area.registry.webhook:
            await self._post(area.registry, record, item.kind, key)
        else:
            await asyncio.to_thread(self._mail, area.registry, record, item.kind, key)

    async def _post(self, reg: Registry, record: records.Record, event: str, key: str) -> None:
        secret = os.environ.get(reg.secret_env or "")
        if not secret:
            raise Undeliverable(f"{reg.secret_env} is not set")
        body = json.dumps(
            {"event": event, "delivery": key, "record": to_json(record)}, ensure_ascii=False
        ).encode()
        now = int(time.time())
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            TIMESTAMP: str(now),
            SIGNATURE: sign(secret.encode(), now, body),
            DELIVERY: key,
        }
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                # never followed: a 302 would become a GET without the record (and
                # count as registered), a 307 re-send it wherever Location points
                session.post(
                    str(reg.webhook), data=body, headers=headers, allow_redirects=False
                ) as resp,
            ):
                if resp.status >= 300:
                    raise Undeliverable(f"the webhook answered {resp.status}")
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise Undeliverable(f"{type(exc).__name__}: {exc}") from exc

    def _mail(self, reg: Registry, record: records.Record, event: str, key: str) -> None:
        s = self.settings
        if not s.smtp_host:
            raise Undeliverable("STODBOT_SMTP_HOST is not set")
        msg = message(record, event, key, s.smtp_from, str(reg.email))
        try:
            with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=self.timeout) as smtp:
                if s.smtp_starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if s.smtp_user and s.smtp_password:
                    smtp.login(s.smtp_user, s.smtp_password.get_secret_value())
                smtp.send_message(msg)
        except (OSError, smtplib.SMTPException) as exc:
            raise Undeliverable(f"{type(exc).__name__}: {exc}") from exc


def message(record: records.Record, event: str, key: str, sender: str, to: str) -> EmailMessage:
    """The registrator's e-mail: the record's facts in the text, the HTML and JSON
    export attached; the secrecy marking first in the subject and the text."""
    marking = f"{records.SECRECY} – " if record.confidential else ""
    msg = EmailMessage()
    subject = (
        f"{marking}Ärende {record.ticket_id}, {record.area_name}: {EVENT_WORDS.get(event, event)}"
    )
    msg["Subject"] = " ".join(subject.split())  # no CR/LF from a name: one line, no header
    msg["From"] = sender
    msg["To"] = to
    msg["Message-ID"] = f"<{key.replace(':', '.')}@stodbot>"  # the same on every retry
    lines = [f"{records.SECRECY}\n"] if record.confidential else []
    lines += [
        f"{record.municipality}: ärende {record.ticket_id} i {record.area_name}",
        f"Händelse: {EVENT_WORDS.get(event, event)}",
        f"Skapat: {local(record.created_at)}",
        f"Status: {record.status}",
        "",
        "Hela ärendet finns i bilagorna (HTML att läsa, JSON för diariet).",
    ]
    msg.set_content("\n".join(lines))
    stem = f"arende-{record.ticket_id}"
    msg.add_attachment(to_html(record), subtype="html", charset="utf-8", filename=f"{stem}.html")
    msg.add_attachment(
        json_text(record).encode(), maintype="application", subtype="json", filename=f"{stem}.json"
    )
    return msg
