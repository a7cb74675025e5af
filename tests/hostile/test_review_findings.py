"""Found by a hostile review of issue 10's merged work (commit 384f6fc): each test
showed a defect a user or an attacker would notice, failed on that commit, and now
guards the fix."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from nio import RoomCreateResponse
from sqlalchemy import text

from adapters.sql.audit_chain import entry_hash
from adapters.sql.store import SqlStore
from bot.reports import load_summary
from knowledge.base import KnowledgeBase
from routing.report import week_bounds
from tests.adapters.matrix.conftest import Person, World, open_dm
from tests.adapters.teams.conftest import HR1, HR_CHANNEL, IT, Teams
from tests.hostile.channels import Db
from tests.hostile.test_access_policy import (
    HR_STAFF,
    IT_STAFF,
    NOTE,
    QUESTION,
    Desk,
    hr_ticket,
)
from tests.hostile.test_audit_chain import KEY, _as_dba, _check, _cli, _keyed, _seed
from tests.hostile.test_audit_chain import NOW as AUDIT_NOW
from tests.hostile.test_small_counts import NOW as SUMMARY_NOW
from tests.hostile.test_small_counts import WEEK, add_question

GENERAL = "19:allmant@thread.tacv2"  # a team channel everyone in the office is in
ANSWER = "Boka en gemensam bil"


async def _hr_ticket_in_teams(teams: Teams) -> int:
    await teams.route(QUESTION)
    card = await teams.wait_sent(HR_CHANNEL, "Ta ärendet")
    ticket = int(card["attachments"][0]["content"]["refresh"]["action"]["data"]["ticket"])
    await teams.say(f"notera {ticket} {NOTE}", user=HR1, conversation="a:dm-hr1")
    await teams.wait_sent("a:dm-hr1", "Anteckningen är sparad")
    return ticket


# -- 1. access: the policy looks at who asks, never at who else reads the answer -------


async def test_hr_staff_reading_a_ticket_in_a_shared_channel_posts_hr_notes_there(
    teams: Teams,
) -> None:
    """HR staff @-mention the bot with `ärende N` (or `kö`) in a channel the whole office
    reads. The bot answers in that channel: the HR question and the internal note are
    now readable by everyone in it, none of whom is HR staff."""
    ticket = await _hr_ticket_in_teams(teams)
    for command in (f"ärende {ticket}", "kö"):
        await teams.say(command, user=HR1, conversation=GENERAL, personal=False, mention_bot=True)
        posted = await teams.wait_sent(GENERAL, f"{ticket}")
        seen = str(posted)
        assert "cykelförmån" not in seen and NOTE not in seen, (command, seen[:300])


@pytest.mark.asyncio(loop_scope="function")
async def test_hr_staff_reading_a_ticket_in_a_shared_matrix_room_posts_it_there(
    world: World,
) -> None:
    """The same on Matrix: in any room, a message that mentions the bot is handled and
    answered in that room. HR staff ask for the ticket in a room they share with a
    colleague from elsewhere; the colleague reads the HR question and the note."""
    await world.start_bot()
    dm = await open_dm(world)
    await world.manager.route(dm, QUESTION)
    routed = await world.manager.wait_for(dm, "som ärende")
    ticket = routed["content"]["body"].split("som ärende ")[1].split(".")[0].strip()
    hr = world.staff[0]
    await hr.say(world.hr_room, f"!notera {ticket} {NOTE}")
    await hr.wait_for(world.hr_room, "Anteckningen är sparad", sender=world.bot_id)
    colleague = Person(world.hs, *world.hs.register(f"kollega{world.bot_id[8:14]}"))
    try:
        created = await hr.client.room_create(
            name="Fikarummet", invite=[colleague.user_id, world.bot_id]
        )
        assert isinstance(created, RoomCreateResponse), created
        await colleague.sync()  # joins
        bot = world.bots[-1]
        for _ in range(100):
            if created.room_id in bot.client.rooms:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)
        await hr.say(created.room_id, f"{world.bot_id} ärende {ticket}")
        reply = await colleague.wait_for(created.room_id, "", sender=world.bot_id, timeout=30)
        body = reply["content"]["body"]
        assert "cykelförmån" not in body and NOTE not in body, body
    finally:
        await colleague.client.close()


# -- 1b. audit: the queue does not audit a read the command path audits ---------------


@pytest.fixture
def desk(example_kb: KnowledgeBase, any_store: SqlStore) -> Desk:
    return Desk(example_kb, any_store)


def test_it_reading_a_moved_hr_question_in_the_queue_is_audited(desk: Desk) -> None:
    """After `flytta` HR -> IT, IT's `ärende N` is audited as a read of HR text (the
    question was written in HR), but IT's `kö`, which shows the same question, is not."""
    ticket = hr_ticket(desk)
    desk.say(HR_STAFF, f"flytta {ticket} it Gäller behörighet i lönesystemet")
    before = len(desk.audit())
    [queue] = desk.say(IT_STAFF, "kö")
    assert "cykelförmån" in queue.text  # the HR question, shown to IT
    reads = [r for r in desk.audit()[before:] if r[0] == IT_STAFF and r[1] == "read"]
    assert reads, "IT read HR's question in the queue and nothing is on record"


# -- 1c. a stale Ja button acts on whichever ticket the conversation waits on -----------


async def test_ja_on_the_answer_to_ticket_one_closes_ticket_one(teams: Teams) -> None:
    """Two HR tickets of one asker are answered. The asker presses "Ja, det hjälpte"
    under the answer to the first. The button carries no ticket (only "ja"), the press
    is read against the conversation's last state, and ticket 2 is closed instead:
    its answer was never confirmed, and ticket 1 stays open to auto-close."""
    tickets = []
    for n in (1, 2):
        await teams.route(QUESTION)
        card = await teams.wait_sent(HR_CHANNEL, "Ta ärendet")
        tickets.append(
            int(card["attachments"][0]["content"]["refresh"]["action"]["data"]["ticket"])
        )
        await teams.say(f"svara {tickets[-1]} Svar nummer {n}", user=HR1, conversation="a:dm-hr1")
    first = await teams.wait_sent("a:dm-anna", "Svar nummer 1")
    await teams.wait_sent("a:dm-anna", "Svar nummer 2")
    act = teams.cloud.activity("", invoke={"verb": "say", "data": {"text": "ja"}})
    act["replyToId"] = first["id"]  # what Teams sends: the message the button is on
    assert (await teams.post(act)).status == 200
    await asyncio.sleep(1.0)
    with teams.adapter.store.transaction() as tx:
        one, two = (tx.tickets.get(t) for t in tickets)
    assert one is not None and two is not None
    assert (one.status.value, two.status.value) == ("closed", "resolved")


# -- 2. boundary: an id longer than the columns ----------------------------------------


def _long_user(teams: Teams, act: dict[str, object]) -> dict[str, object]:
    act["from"] = {"id": "29:long", "aadObjectId": "a" * 300}  # from.id is short, aad is not
    return act


async def test_a_long_aad_object_id_on_a_card_refresh_is_not_a_500(teams: Teams, db: Db) -> None:
    """`checked` bounds from.id but the bot identifies people by from.aadObjectId: 300
    characters go into audit_log.actor (255) and PostgreSQL refuses with a 500."""
    ticket = await _hr_ticket_in_teams(teams)
    act = _long_user(
        teams,
        teams.cloud.activity(
            "", conversation=HR_CHANNEL, personal=False,
            invoke={"verb": "refresh", "data": {"ticket": ticket}},
        ),
    )  # fmt: skip
    resp = await teams.post(act)
    assert resp.status in (200, 400), resp.status


async def test_a_long_aad_object_id_does_not_stop_the_teams_inbox(teams: Teams, db: Db) -> None:
    """The same id in a plain message: it fails (questions.user_id is 255) and, on the
    third try, setting it aside writes a "could not be handled" reply whose user_id is
    too long, so the set-aside is rolled back. Every round then stops at that item:
    nobody behind it is answered and the outbox is never sent again."""
    poison = _long_user(teams, teams.cloud.activity("Hur bokar jag en poolbil?"))
    poison["conversation"] = {"id": "a:dm-long", "conversationType": "personal"}
    assert (await teams.post(poison)).status in (200, 400)  # refused at the door is fine …
    db.inbox_add("teams", f"a:dm-long|{poison['id']}", poison)  # … but if one got in anyway
    teams.adapter._wake.set()
    await asyncio.sleep(3)  # three rounds: the poison's three tries
    resp = await teams.say("Hur bokar jag en poolbil?", user="aad-user1", conversation="a:dm-u1")
    assert resp.status == 200
    await teams.wait_sent("a:dm-u1", ANSWER, timeout=20)


async def test_an_answer_too_long_for_the_card_is_refused_aloud(teams: Teams) -> None:
    """HR staff type a 5,000-character answer into the card's "Svara" box. The core
    refuses it as too long, but the invoke path drops replies that are not stored
    (refusals): the press gets "OK", nothing is sent, and the answer is silently lost."""
    await teams.route(QUESTION)
    card = await teams.wait_sent(HR_CHANNEL, "Ta ärendet")
    ticket = int(card["attachments"][0]["content"]["refresh"]["action"]["data"]["ticket"])
    data = {"command": "svara", "ticket": ticket, "input": "Svar. " * 850}
    await teams.press(HR1, HR_CHANNEL, data, verb="svara")
    await teams.wait_sent(HR_CHANNEL, "för lång", timeout=5)


# -- 3. small counts: a difference of two shown numbers ---------------------------------


def test_routed_is_not_the_difference_of_questions_and_deflected(
    any_store: SqlStore, example_kb: KnowledgeBase
) -> None:
    """Six HR questions, five answered by the bot, one routed. The report shows
    questions 6, answered 5, routed "<5". Answered and routed never overlap, so
    routed <= 6 - 5 = 1, and "<5" means at least 1: exactly one person went to HR."""
    from bot.service import ConversationService

    start, _ = week_bounds(WEEK)
    for n in range(5):
        add_question(any_store, start + timedelta(hours=9, minutes=n), f"@q{n}:x")
    add_question(any_store, start + timedelta(days=1, hours=9), "@r:x", routed=True)
    service = ConversationService(example_kb, any_store, clock=lambda: SUMMARY_NOW)
    summary = load_summary(service, WEEK, SUMMARY_NOW)
    for row in (*summary.areas, summary.total):
        f = row.current
        if f.questions.zero:
            continue
        if f.questions.shown is not None and f.deflected.shown is not None and f.routed.small:
            highest = min(4, f.questions.shown - f.deflected.shown)
            assert highest > 1, (row.key, str(f.questions), str(f.deflected), str(f.routed))


def test_the_answered_share_does_not_give_away_the_few_that_were_not(
    any_store: SqlStore, example_kb: KnowledgeBase
) -> None:
    """The same week: "Andel 83 %" of 6 questions (and the chart's orange "Övriga" bar of
    length 6 - 5) tell the reader exactly one question was not answered by the bot.
    ``rate`` refuses a share whose complement is 1..4; ``share`` does not."""
    from bot.service import ConversationService

    start, _ = week_bounds(WEEK)
    for n in range(5):
        add_question(any_store, start + timedelta(hours=9, minutes=n), f"@q{n}:x")
    add_question(any_store, start + timedelta(days=1, hours=9), "@r:x", routed=True)
    service = ConversationService(example_kb, any_store, clock=lambda: SUMMARY_NOW)
    f = load_summary(service, WEEK, SUMMARY_NOW).total.current
    assert f.deflection is None or f.questions.shown is None, (
        f"{f.questions} questions, {round(f.deflection * 100)} % answered: "
        f"{round(f.questions.shown * (1 - f.deflection))} were not"
    )


# -- 4. audit chain: a forged row appended with a correct hash --------------------------


def test_a_forged_row_appended_with_its_hash_is_caught(any_store: SqlStore) -> None:
    """The chain is plain SHA-256 over public fields: anyone who can INSERT into the
    table (the app's own database role: no trigger stops an insert at the end) can add
    "@hr.konsult read ticket 1" with a correct hash. verify says the log is whole, and
    so does the head recorded before the forgery. (Run with STODBOT_AUDIT_KEY set, as
    in production; the forger has the database role but not the key.)"""
    store = _keyed(any_store)
    _seed(store)
    anchor = (_check(store).head_id, _check(store).head_hash)
    with store.engine.begin() as conn:
        last = conn.execute(text("SELECT id, hash FROM audit_log ORDER BY id DESC")).first()
        assert last is not None
        row = (last.id + 1, AUDIT_NOW, "@hr.konsult:k", "read", "ticket", "1", None, None)
        digest = entry_hash(*row, prev_hash=last.hash)
        conn.execute(
            text(
                "INSERT INTO audit_log (id, at, actor, action, entity, entity_id, old, new, "
                "prev_hash, hash) VALUES (:id, :at, :actor, 'read', 'ticket', '1', NULL, NULL, "
                ":prev, :hash)"
            ),
            {"id": row[0], "at": AUDIT_NOW, "actor": row[2], "prev": last.hash, "hash": digest},
        )
    done = _cli(store, "--anchor", f"{anchor[0]}:{anchor[1]}", key=KEY)
    assert done.returncode == 1, done.stdout


def test_verify_names_a_tampered_row_instead_of_crashing(any_store: SqlStore) -> None:
    """A DBA writes a value of the wrong type into a row (a time that is not a time;
    on SQLite a BLOB). verify must name the row in one Swedish line, not a traceback."""
    _seed(any_store)
    with _as_dba(any_store) as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(text("UPDATE audit_log SET new = CAST(new AS BLOB) WHERE id = 2"))
        else:
            conn.execute(text("UPDATE audit_log SET actor = repeat('x', 1) WHERE id = 2"))
    done = _cli(any_store)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr[-400:]
    assert "rad 2" in done.stdout, done.stdout


__all__ = ["IT"]
