"""Registration: a ticket goes to the registry when it is created and when it is closed,
through the outbox: delivered once, retried when the registry is down, never twice
across a restart; the webhook is signed, the e-mail carries the export (and the secrecy
marking for a confidential area)."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from pathlib import Path

import pytest

from adapters.registry.sender import RegistrySender, utcnow
from adapters.registry.signing import DELIVERY, SIGNATURE, TIMESTAMP, verify
from bot.jobs import close_idle
from bot.settings import Settings
from routing.records import SECRECY
from tests.adapters.registry.conftest import (
    SECRET,
    SECRET_ENV,
    Mailbox,
    Receiver,
    free_port,
    registry_base,
)
from tests.conftest import load_copy, sqlite_store
from tests.unit.records_world import HR_QUESTION, IT, IT_QUESTION, MANAGER, PNR, World


@pytest.fixture
def world(tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv(SECRET_ENV, SECRET)
    kb = load_copy(registry_base(tmp_path, receiver.url))
    return World(kb, sqlite_store(tmp_path / "stodbot.db"))


def sender(world: World, port: int = 1) -> RegistrySender:
    """A sender as ``serve`` starts one: a new instance (its own lease owner)."""
    settings = Settings(smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False)
    return RegistrySender(world.store, world.service.org, settings, timeout=5)


def close_it(world: World, ticket: int) -> None:
    d = world.service.desk
    world.desk(d.claim, ticket, IT)
    world.desk(d.resolve, ticket, IT, "Starta om med strömknappen intryckt i 30 sekunder.")
    world.desk(d.close, ticket, MANAGER)


async def test_a_webhook_gets_each_event_once_signed(world: World, receiver: Receiver) -> None:
    ticket = world.ticket(MANAGER, IT_QUESTION)
    s = sender(world)
    assert await s.send_due() == 1
    assert await s.send_due() == 0  # sent is sent
    close_it(world, ticket)
    assert await s.send_due() == 1
    assert await sender(world).send_due() == 0  # nor does another instance send it again
    assert [json.loads(b)["event"] for _, b in receiver.got] == ["created", "closed"]
    headers, body = receiver.got[1]
    assert verify(SECRET.encode(), headers[TIMESTAMP], body, headers[SIGNATURE], time.time())
    assert not verify(b"wrong", headers[TIMESTAMP], body, headers[SIGNATURE], time.time())
    tampered = body.replace(b"closed", b"opened")
    assert not verify(
        SECRET.encode(), headers[TIMESTAMP], tampered, headers[SIGNATURE], time.time()
    )
    # a replay an hour later is refused on the timestamp
    assert not verify(
        SECRET.encode(), headers[TIMESTAMP], body, headers[SIGNATURE], time.time() + 3600
    )
    assert headers[DELIVERY] == f"registry:{ticket}:closed"
    record = json.loads(body)["record"]
    assert record["arende"] == ticket and record["status"] == "closed"
    assert record["fragestallare"] == MANAGER  # unmasked: the registry is our own
    assert record["sekretessprovning"] is None


async def test_a_registry_that_is_down_gets_it_on_retry(world: World, receiver: Receiver) -> None:
    receiver.fail_first = 2
    ticket = world.ticket(MANAGER, IT_QUESTION)
    close_it(world, ticket)  # created and closed both wait, in that order
    s = sender(world)
    assert await s.send_due() == 0  # 500: nothing marked, closed waits behind created
    assert await s.send_due() == 0
    assert await s.send_due() == 2
    assert receiver.refused == 2
    assert [json.loads(b)["event"] for _, b in receiver.got] == ["created", "closed"]
    with world.store.transaction() as tx:
        assert tx.outbox.pending("registry") == []


async def test_a_restarted_sender_does_not_send_twice(world: World, receiver: Receiver) -> None:
    world.ticket(MANAGER, IT_QUESTION)
    assert await sender(world).send_due() == 1
    # serve restarted: a new process on the same database
    again = RegistrySender(
        sqlite_store(Path(str(world.store.engine.url.database))), world.service.org, Settings()
    )
    assert await again.send_due() == 0
    assert len(receiver.got) == 1


async def test_a_confidential_areas_mail_carries_the_marking(
    world: World, smtp: tuple[Mailbox, int]
) -> None:
    box, port = smtp
    ticket = world.ticket(MANAGER, HR_QUESTION)  # HR: confidential, registered by e-mail
    assert await sender(world, port).send_due() == 1
    assert await sender(world, port).send_due() == 0
    [mail] = box.mails
    assert mail["To"] == "registrator@exempelkommun.se"
    assert mail["Subject"].startswith(SECRECY) and f"Ärende {ticket}" in mail["Subject"]
    assert mail.get_body(("plain",)).get_content().startswith(SECRECY)  # type: ignore[union-attr]
    files = {p.get_filename(): p.get_content() for p in mail.iter_attachments()}
    html, data = files[f"arende-{ticket}.html"], files[f"arende-{ticket}.json"]
    html = html.decode() if isinstance(html, bytes) else html
    data = json.loads(data.decode() if isinstance(data, bytes) else data)
    assert SECRECY in html and PNR in html  # unmasked: the registry is our own
    assert data["sekretessprovning"] == SECRECY and data["arende"] == ticket


async def test_mail_waits_while_the_smtp_server_is_away(
    world: World, smtp: tuple[Mailbox, int]
) -> None:
    box, port = smtp
    world.ticket(MANAGER, HR_QUESTION)
    s = sender(world, free_port())  # nobody listens there
    assert await s.send_due() == 0 and box.mails == []
    s.settings = s.settings.model_copy(update={"smtp_port": port})  # the server is back
    assert await s.send_due() == 1 and len(box.mails) == 1
    assert await s.send_due() == 0 and len(box.mails) == 1


async def test_a_sender_that_died_after_failing_is_taken_over(
    world: World, receiver: Receiver
) -> None:
    receiver.fail_first = 1
    world.ticket(MANAGER, IT_QUESTION)
    assert await sender(world).send_due() == 0  # failed, and that process died holding it
    assert await sender(world).send_due() == 0  # its lease still stands
    later = RegistrySender(
        world.store, world.service.org, Settings(), clock=lambda: utcnow() + timedelta(seconds=30)
    )
    assert await later.send_due() == 1  # once the lease ran out, another sends it
    assert len(receiver.got) == 1


def test_an_area_without_registry_queues_nothing(world: World) -> None:
    with world.store.transaction() as tx:  # ekonomi registers nothing
        ticket = world.service.desk.open(
            tx,
            area_id="ekonomi",
            asker_id=MANAGER,
            channel="test",
            conversation_id=f"dm:{MANAGER}",
            address="",
            language="sv",
            unit_id=None,
            question="Vilket kostnadsställe gäller för vikarier?",
            article_id=None,
            question_id=None,
            confidence=0.9,
            reason="test",
            at=world.now,
        )
        staff = "@anders.berg:exempelkommun.se"
        world.service.desk.claim(tx, ticket.id, staff, world.now)
        world.service.desk.resolve(tx, ticket.id, staff, "Kostnadsställe 4711.", world.now)
        world.service.desk.close(tx, ticket.id, MANAGER, world.now)
        assert tx.outbox.pending("registry") == []


async def test_a_ticket_closed_by_the_job_is_registered(world: World, receiver: Receiver) -> None:
    ticket = world.ticket(MANAGER, IT_QUESTION)
    d = world.service.desk
    world.desk(d.claim, ticket, IT)
    world.desk(d.resolve, ticket, IT, "Starta om datorn.")  # the asker never confirms
    for _ in range(2):  # the notice, then the close
        world.now += timedelta(days=10)
        close_idle(world.service, 5)
        close_idle(world.service, 5)  # run twice: still one registration
    s = sender(world)
    assert await s.send_due() == 2
    assert [json.loads(b)["event"] for _, b in receiver.got] == ["created", "closed"]
    closed = json.loads(receiver.got[1][1])["record"]
    assert closed["status"] == "closed" and closed["handelser"][-1]["typ"] == "auto_closed"
