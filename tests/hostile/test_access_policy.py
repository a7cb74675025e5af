"""Issue 10, cases 1–4: one access policy on every path that shows or changes a ticket.

An HR (confidential) ticket with an internal note and an addition from the asker is
tried by a user with no role, by staff of another area and by leadership, through
every command; by the same people through Teams card buttons and refreshes; and by a
user only invited to HR's Matrix room. Each try must be refused with nothing of the
ticket in what they see, nothing changed, and the refusal in the audit log; every
allowed read of confidential text must be in the audit log."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from nio import RoomCreateResponse
from sqlalchemy import func, select

from adapters.sql import tables
from adapters.sql.store import SqlStore
from bot.messages import ConversationRef, IncomingMessage, Reply, ReplyKind
from bot.service import ConversationService
from knowledge.base import KnowledgeBase
from tests.adapters.matrix.conftest import Person, World, open_dm
from tests.adapters.teams.conftest import HR1, HR_CHANNEL, IT, MANAGER, Teams
from tests.adapters.teams.fake_cloud import card_text

ASKER = "@anna.chef:exempelkommun.se"
HR_STAFF = "@hr.konsult:exempelkommun.se"
IT_STAFF = "@karin.dahl:exempelkommun.se"
LEADER = "@kommundirektor:exempelkommun.se"
NOBODY = "@okand.person:exempelkommun.se"
DM = "a:dm-anna"
QUESTION = "Vilka regler gäller för cykelförmån via bruttolöneavdrag?"
NOTE = "Internt: facket har synpunkter på Lindqvist"
ADDITION = "Jag har en diagnos som gör att jag behöver cykla"
SECRETS = ("cykelförmån", "bruttolöneavdrag", "facket", "diagnos")


class Desk:
    def __init__(self, kb: KnowledgeBase, store: SqlStore) -> None:
        self.service = ConversationService(
            kb, store, clock=lambda: datetime(2026, 11, 26, 9, tzinfo=UTC)
        )
        self.store = store
        self.n = 0

    def say(self, user: str, text: str) -> list[Reply]:
        self.n += 1
        msg = IncomingMessage(ConversationRef("test", f"dm:{user}"), user, text, f"e{self.n}")
        return self.service.handle(msg)

    def snapshot(self) -> tuple[Any, ...]:
        with self.store.engine.connect() as conn:
            ticket = conn.execute(select(tables.tickets)).mappings().one()
            events = conn.execute(select(func.count()).select_from(tables.ticket_events))
            return (dict(ticket), events.scalar_one())

    def audit(self) -> list[tuple[str, str, str | None]]:
        with self.store.engine.connect() as conn:
            rows = conn.execute(
                select(
                    tables.audit_log.c.actor, tables.audit_log.c.action, tables.audit_log.c.new
                ).order_by(tables.audit_log.c.id)
            )
            return [tuple(r) for r in rows]  # type: ignore[misc]

    def outbox_texts_since(self, first_id: int) -> list[str]:
        with self.store.engine.connect() as conn:
            rows = conn.execute(
                select(tables.outbox.c.payload).where(tables.outbox.c.id > first_id)
            )
            return [r[0] for r in rows]

    def last_outbox_id(self) -> int:
        with self.store.engine.connect() as conn:
            return int(conn.execute(select(func.max(tables.outbox.c.id))).scalar_one() or 0)


@pytest.fixture
def desk(example_kb: KnowledgeBase, any_store: SqlStore) -> Desk:
    return Desk(example_kb, any_store)


def hr_ticket(desk: Desk) -> int:
    [offer] = desk.say(ASKER, QUESTION)
    assert offer.offers_route  # sent on once the asker says yes
    [routed] = desk.say(ASKER, "ja")
    assert routed.kind is ReplyKind.ROUTED and routed.ticket_id is not None
    ticket = routed.ticket_id
    desk.say(HR_STAFF, f"notera {ticket} {NOTE}")
    desk.say(ASKER, f"komplettera {ticket} {ADDITION}")
    return ticket


def commands(ticket: int) -> list[str]:
    return [
        f"ärende {ticket}",
        f"ta {ticket}",
        f"släpp {ticket}",
        f"svara {ticket} Här är svaret",
        f"fråga {ticket} Vilken förvaltning?",
        f"notera {ticket} en egen anteckning",
        f"flytta {ticket} it gäller behörighet",
        f"lös {ticket}",
        f"komplettera {ticket} mer information",
        f"återöppna {ticket}",
        "kö",
        "kö hr",
        "mina ärenden",
        "hjälp",
    ]


@pytest.mark.parametrize("outsider", [NOBODY, IT_STAFF, LEADER])
def test_every_command_refuses_an_outsider_and_leaks_nothing(desk: Desk, outsider: str) -> None:
    ticket = hr_ticket(desk)
    for text in commands(ticket):
        before, audit_before, outbox_before = desk.snapshot(), desk.audit(), desk.last_outbox_id()
        replies = desk.say(outsider, text)
        seen = " ".join(r.text for r in replies) + " ".join(desk.outbox_texts_since(outbox_before))
        assert not any(s in seen for s in SECRETS), (outsider, text, seen)
        assert desk.snapshot() == before, (outsider, text)  # nothing changed
        new_rows = desk.audit()[len(audit_before) :]
        assert all(action != "read" for _, action, _ in new_rows), (text, new_rows)
        if text.split()[0] in ("ärende", "komplettera", "återöppna") or (
            outsider == IT_STAFF and text.split()[0] not in ("kö", "mina", "hjälp")
        ):
            # a try at this ticket by name is refused, and the refusal is on record
            assert any(actor == outsider and "denied" in action for actor, action, _ in new_rows)


def test_every_read_of_confidential_text_is_audited(desk: Desk) -> None:
    ticket = hr_ticket(desk)
    reads = len([a for a in desk.audit() if a[1] == "read"])
    [queue] = desk.say(HR_STAFF, "kö")
    assert "cykelförmån" in queue.text
    [view] = desk.say(HR_STAFF, f"ärende {ticket}")
    assert NOTE in view.text and ADDITION in view.text
    [mine] = desk.say(ASKER, "mina ärenden")
    assert "cykelförmån" in mine.text
    [own] = desk.say(ASKER, f"ärende {ticket}")
    assert ADDITION in own.text and NOTE not in own.text  # the asker never sees the note
    rows = [r for r in desk.audit() if r[1] == "read"][reads:]
    vias = [(actor, new and new.split('"via": ')[1].strip('"}')) for actor, _, new in rows]
    assert vias == [
        (HR_STAFF, "queue"),
        (HR_STAFF, "command"),
        (ASKER, "my_tickets"),
        (ASKER, "command"),
    ]


def test_what_was_written_in_hr_stays_with_hr_after_a_transfer(desk: Desk) -> None:
    ticket = hr_ticket(desk)
    desk.say(HR_STAFF, f"flytta {ticket} it Gäller behörighet i lönesystemet")
    [view] = desk.say(IT_STAFF, f"ärende {ticket}")
    assert QUESTION in view.text  # the receiving area sees the question …
    assert "Gäller behörighet i lönesystemet" in view.text  # … and why it came
    assert NOTE not in view.text and ADDITION not in view.text
    assert (IT_STAFF, "read", '{"via": "command"}') in desk.audit()
    [hr_view] = desk.say(HR_STAFF, f"ärende {ticket}")  # HR keeps what it wrote
    assert NOTE in hr_view.text and ADDITION in hr_view.text
    [it_note] = desk.say(IT_STAFF, f"notera {ticket} IT tittar på kontot")
    [hr_again] = desk.say(HR_STAFF, f"ärende {ticket}")
    assert "IT tittar på kontot" in hr_again.text  # IT's own notes are not confidential
    [hr_claim] = desk.say(HR_STAFF, f"ta {ticket}")  # but HR no longer works on it
    assert "behörighet" in hr_claim.text


# -- Teams: buttons and card refreshes -------------------------------------------------


async def test_teams_card_refresh_and_buttons_refuse_outsiders(teams: Teams) -> None:
    await teams.route(QUESTION)
    card = await teams.wait_sent(HR_CHANNEL, "Ta ärendet")
    ticket = int(card["attachments"][0]["content"]["refresh"]["action"]["data"]["ticket"])

    def leaked() -> int:
        return sum("cykelförmån" in str(a) for c in (HR_CHANNEL, DM) for a in teams.cloud.sent(c))

    shown_before = leaked()
    for outsider in (IT, "aad-someone-else", "aad-leadership"):
        for verb, data in (
            ("refresh", {"ticket": ticket}),
            ("claim", {"text": f"ta {ticket}", "ticket": ticket}),
            ("svara", {"command": "svara", "ticket": ticket, "input": "x"}),
            ("notera", {"command": "notera", "ticket": ticket, "input": "x"}),
            ("flytta", {"command": "flytta", "ticket": ticket, "input": "it orsak"}),
            ("resolve", {"text": f"lös {ticket}", "ticket": ticket}),
            ("say", {"text": f"ärende {ticket}"}),
        ):
            answer = await teams.press(outsider, HR_CHANNEL, data, verb=verb)
            shown = str(answer)
            assert "cykelförmån" not in shown and "Ta ärendet" not in shown, (outsider, verb)
            if "ticket" in data:  # the card in the response says no, and shows nothing
                assert "behörighet" in card_text(answer["value"]), answer
    await asyncio.sleep(0.5)  # anything the refused buttons queued has been sent
    assert leaked() == shown_before  # nothing of the ticket reached any conversation
    store = teams.adapter.store
    with store.transaction() as tx:
        [row] = [tx.tickets.get(ticket)]
        assert row is not None and row.status.value == "open" and row.claimed_by is None
        actions = [(e.actor, e.action) for e in tx.audit.for_entity("ticket", str(ticket))]
    assert (IT, "read_denied") in actions
    staff_view = await teams.press(HR1, HR_CHANNEL, {"ticket": ticket}, verb="refresh")
    assert "cykelförmån" in card_text(staff_view["value"])
    assert "Ta ärendet" in str(staff_view["value"]["actions"])
    with store.transaction() as tx:
        actions = [(e.actor, e.action) for e in tx.audit.for_entity("ticket", str(ticket))]
    assert (HR1, "read") in actions  # the allowed refresh is on record too
    assert not any(actor == MANAGER for actor, _ in actions[1:])  # only the asker's create
    with store.transaction() as tx:
        assert len(tx.tickets.events(ticket)) == 1  # "created": no note, no move, no answer


async def test_teams_card_shows_user_markup_as_written(teams: Teams) -> None:
    await teams.route("[Logga in](https://evil.example) **x** " + QUESTION)
    card = await teams.wait_sent(HR_CHANNEL, "Ta ärendet")
    content = card["attachments"][0]["content"]
    assert "[Logga in](https://evil.example) **x**" in card_text(content)
    for block in content["body"]:  # no Markdown-reading element carries user text
        assert block["type"] != "TextBlock" or "evil.example" not in block["text"]


# -- Matrix: invited is not joined -----------------------------------------------------


async def test_an_invited_matrix_user_is_not_staff(world: World) -> None:
    bot = await world.start_bot()
    dm = await open_dm(world)
    await world.manager.route(dm, QUESTION)
    routed = await world.manager.wait_for(dm, "som ärende")
    ticket = routed["content"]["body"].split("som ärende ")[1].split(".")[0].strip()
    guest_id, guest_token = world.hs.register(f"gast{world.bot_id[8:14]}")
    guest = Person(world.hs, guest_id, guest_token)
    guest.join_invites = False  # invited to HR's room, never joins it
    invited = await world.staff[0].client.room_invite(world.hr_room, guest_id)
    assert not hasattr(invited, "status_code") or invited.status_code is None
    for _ in range(100):  # the bot has seen the invite in HR's room state
        room = bot.client.rooms.get(world.hr_room)
        if room is not None and guest_id in room.invited_users:
            break
        await asyncio.sleep(0.1)
    created = await guest.client.room_create(is_direct=True, invite=[world.bot_id])
    assert isinstance(created, RoomCreateResponse), created
    for _ in range(100):
        if created.room_id in bot.client.rooms:
            break
        await asyncio.sleep(0.1)
    try:
        await guest.sync()
        for text in (f"ärende {ticket}", f"ta {ticket}", f"svara {ticket} Ja"):
            await guest.say(created.room_id, text)
            reply = await guest.wait_for(created.room_id, "", sender=world.bot_id)
            body = reply["content"]["body"]
            assert "cykelförmån" not in body and "Du har tagit" not in body, body
        assert world.store is not None
        with world.store.transaction() as tx:
            row = tx.tickets.get(int(ticket))
        assert row is not None and row.claimed_by is None and row.status.value == "open"
    finally:
        await guest.client.close()


def test_example_questions_in_reports_follow_the_policy(desk: Desk) -> None:
    from bot.reports import load_summary
    from routing.report import week_of

    hr_ticket(desk)
    now = datetime(2026, 11, 26, 9, tzinfo=UTC)
    week = week_of(now)
    for outsider in (LEADER, IT_STAFF, NOBODY):
        summary = load_summary(desk.service, week, now, viewer=outsider)
        assert not any(g.example for g in summary.gaps if g.area_id == "hr"), outsider
    assert not [r for r in desk.audit() if r[1] == "read"]
    summary = load_summary(desk.service, week, now, viewer=HR_STAFF)
    assert any(g.example and "cykelförmån" in g.example for g in summary.gaps)
    with desk.store.transaction() as tx:
        assert [(e.actor, e.action) for e in tx.audit.for_entity("area", "hr")] == [
            (HR_STAFF, "read")
        ]


def test_a_ticket_asked_where_others_read_gets_its_answers_in_private(desk: Desk) -> None:
    """A manager mentions the bot in a shared room. The answer HR writes is not relayed
    there for the room to read: the room hears that there is news, the manager reads
    it in a direct chat."""
    msg = IncomingMessage(
        ConversationRef("test", "!allmant"), ASKER, QUESTION, "shared-1", shared_in="!allmant"
    )
    [offer] = desk.service.handle(msg)
    assert offer.offers_route
    yes = IncomingMessage(
        ConversationRef("test", "!allmant"), ASKER, "ja", "shared-2", shared_in="!allmant"
    )
    [routed] = desk.service.handle(yes)
    ticket = routed.ticket_id
    assert ticket is not None
    first = desk.last_outbox_id()
    desk.say(HR_STAFF, f"svara {ticket} Cykelförmån finns inte, se personalhandboken")
    notices = desk.outbox_texts_since(first)
    assert not any("personalhandboken" in n for n in notices)  # nowhere in what was queued
    assert any("direktmeddelande" in n for n in notices)
    [own] = desk.say(ASKER, f"ärende {ticket}")  # in the manager's direct chat
    assert "personalhandboken" in own.text


def test_a_refusal_does_not_tell_which_tickets_exist(desk: Desk) -> None:
    ticket = hr_ticket(desk)
    [real] = desk.say(IT_STAFF, f"ärende {ticket}")
    [missing] = desk.say(IT_STAFF, f"ärende {ticket + 1000}")
    assert real.text.replace(str(ticket), "N") == missing.text.replace(str(ticket + 1000), "N")
