"""Case 6: one bad message must never stop the bot.

A poisoned inbox item (one no adapter can handle, as a bug elsewhere would leave it) is
tried three times and set aside; the ten good messages behind it are each answered once,
on SQLite and PostgreSQL, in Teams (real SDK, fake cloud) and Matrix (real Synapse).
Text a database cannot store (NUL, lone surrogates, invalid UTF-8) is cleaned where it
enters, and malformed Teams activities get 400, never 500."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.cli.main import main
from adapters.sql.store import SqlStore
from adapters.teams.adapter import TeamsAdapter
from bot.messages import IncomingMessage, Reply
from bot.service import ConversationService
from knowledge.base import KnowledgeBase
from routing.ports import InboxItem, StoreUnavailable
from tests.adapters.matrix.conftest import World, open_dm
from tests.adapters.teams.conftest import Teams, cloud_settings, teams_kb
from tests.adapters.teams.fake_cloud import FakeCloud
from tests.conftest import PG_SKIP
from tests.hostile.channels import Db, matrix_people, open_dm_of, settle
from tests.tcp_proxy import TcpProxy

QUESTION = "Hur bokar jag en poolbil?"
ANSWER = "Boka en gemensam bil"
NOT_HANDLED = "kunde inte hanteras"
ROOT = Path(__file__).resolve().parents[2]


def failed_listing(
    db: Db, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> str:
    monkeypatch.setenv("STODBOT_DATABASE_URL", db.url)
    capsys.readouterr()
    assert main(["inbox", "failed"]) == 0
    return capsys.readouterr().out


# -- Teams --------------------------------------------------------------------------------


async def test_teams_poison_then_ten_good_messages_each_answered_once(
    teams: Teams, db: Db, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    poisoned = teams.cloud.activity(
        "hemlig fråga om lönen", user="aad-poison", conversation="a:dm-poison"
    )
    poisoned["text"] = {"not": "text"}  # a payload the adapter cannot read
    db.inbox_add("teams", "a:dm-poison|1", poisoned)
    db.inbox_add("teams", "nobody|2", {"type": "message", "text": "ingen avsändare"})
    for n in range(10):
        resp = await teams.say(QUESTION, user=f"aad-user{n}", conversation=f"a:dm-user{n}")
        assert resp.status == 200
    for n in range(10):
        await teams.wait_sent(f"a:dm-user{n}", ANSWER, timeout=20)
    await teams.wait_sent("a:dm-poison", NOT_HANDLED, timeout=20)
    for n in range(10):
        assert await settle(teams, f"a:dm-user{n}", ANSWER, quiet=0.1 if n else 1.0) == 1
    assert await settle(teams, "a:dm-poison", NOT_HANDLED) == 1

    listing = failed_listing(db, capsys, monkeypatch)
    assert "a:dm-poison|1" in listing and "nobody|2" in listing and "teams" in listing
    assert "hemlig" not in listing and "ingen avsändare" not in listing
    assert "a:dm-user" not in listing  # the good ones were not set aside


async def test_teams_text_a_database_cannot_store_is_cleaned_and_answered(teams: Teams) -> None:
    for n, text in enumerate(["Hur bokar\x00 jag en poolbil?", "Hur bokar jag en \ud800poolbil?"]):
        resp = await teams.say(text, user=f"aad-odd{n}", conversation=f"a:dm-odd{n}")
        assert resp.status == 200, text.encode("utf-8", "backslashreplace")
        await teams.wait_sent(f"a:dm-odd{n}", ANSWER, timeout=20)


async def test_teams_malformed_activities_and_invokes_get_400_and_the_bot_goes_on(
    teams: Teams,
) -> None:
    cloud = teams.cloud
    no_from = cloud.activity(QUESTION)
    del no_from["from"]
    no_conversation = cloud.activity(QUESTION)
    del no_conversation["conversation"]
    invokes = [
        cloud.activity("", invoke={"verb": "refresh", "data": {"ticket": bad}})
        for bad in ("abc", 1e30, -1, True, [1])
    ]
    invoke_no_conversation = cloud.activity("", invoke={"verb": "refresh", "data": {"ticket": 1}})
    del invoke_no_conversation["conversation"]
    odd_value = cloud.activity("", invoke={"verb": "say", "data": {"text": "ja"}})
    odd_value["value"] = "not an object"
    odd_data = cloud.activity("", invoke={"verb": "say", "data": "ja"})
    long_ids = cloud.activity(QUESTION, conversation="a:" + "x" * 190, activity_id="1" * 100)
    for n, act in enumerate(
        [no_from, no_conversation, *invokes, invoke_no_conversation, odd_value, odd_data, long_ids]
    ):
        resp = await teams.post(act)
        assert resp.status == 400, (n, resp.status)
    for raw in (b"\xff\xfe{}", b"[" * 50_000 + b"]" * 50_000, b'"just a string"'):
        async with teams.http.post(
            f"{teams.url}/api/messages", data=raw, headers={"Content-Type": "application/json"}
        ) as resp:
            assert resp.status == 400, (raw[:10], resp.status)
    assert (await teams.say(QUESTION)).status == 200
    await teams.wait_sent("a:dm-anna", ANSWER, timeout=20)
    assert await settle(teams, "a:dm-anna", ANSWER) == 1


# -- Matrix -------------------------------------------------------------------------------


@pytest.mark.asyncio(loop_scope="function")
async def test_matrix_poison_then_ten_good_messages_each_answered_once(
    world: World, db: Db, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    people = [(p, "") for p in matrix_people(world, 10)]
    await world.start_bot()
    dm = await open_dm(world)
    people = [(p, await open_dm_of(world, p)) for p, _ in people]
    db.inbox_add(
        "matrix",
        "$poison-known",
        {"type": "message", "room": dm, "sender": world.manager.user_id, "body": {"x": 1}},
    )
    db.inbox_add("matrix", "$poison-unknown", {"type": "message", "body": "ingen avsändare"})
    await asyncio.gather(*(person.say(room, QUESTION) for person, room in people))
    for person, room in people:
        await person.wait_for(room, ANSWER, timeout=30)
    await world.manager.wait_for(dm, NOT_HANDLED, timeout=30)
    await asyncio.sleep(1.5)
    for person, room in people:
        await person.sync()
        assert sum(ANSWER in b for b in person.bodies(room)) == 1
    await world.manager.sync()
    assert sum(NOT_HANDLED in b for b in world.manager.bodies(dm)) == 1

    listing = failed_listing(db, capsys, monkeypatch)
    assert "$poison-known" in listing and "$poison-unknown" in listing
    assert "ingen avsändare" not in listing


@pytest.mark.asyncio(loop_scope="function")
async def test_matrix_nul_in_a_message_is_cleaned_and_answered(world: World) -> None:
    await world.start_bot()
    dm = await open_dm(world)
    await world.manager.say(dm, "Hur bokar\x00 jag en poolbil?")
    await world.manager.wait_for(dm, ANSWER, timeout=30)
    await world.manager.say(dm, "Var hittar jag min lönespecifikation?")
    await world.manager.wait_for(dm, "lönespecifikation", timeout=30, sender=world.bot_id)


# -- the terminal -------------------------------------------------------------------------


def test_terminal_chat_reads_invalid_utf8_without_a_traceback(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "STODBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'chat.db'}",
    }
    done = subprocess.run(
        [sys.executable, "-m", "adapters.cli.main", "chat", "--as", "@anna.chef:exempelkommun.se"],
        input=b"\xff\xfe Hur bokar jag en poolbil?\n\x00hej\x00\n",
        capture_output=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 0, err
    assert "Traceback" not in err
    assert ANSWER in done.stdout.decode("utf-8")


# -- a database briefly away is not the message's fault ------------------------------------


@pytest.mark.skipif(PG_SKIP is not None, reason=PG_SKIP or "")
async def test_teams_database_away_mid_message_is_not_counted_against_it(
    cloud: FakeCloud,
    example_kb: KnowledgeBase,
    proxied_store: tuple[SqlStore, TcpProxy],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store, proxy = proxied_store
    service = ConversationService(teams_kb(example_kb), store)
    adapter = TeamsAdapter(cloud_settings(cloud, monkeypatch), service, worker=False)
    with store.transaction() as tx:
        tx.inbox.add("teams", "a:dm-anna|1", cloud.activity(QUESTION), datetime.now(UTC))
    read_pending, handle = adapter._pending_inbox, service.handle

    def pending_then_away() -> list[InboxItem]:
        items = read_pending()
        proxy.stop()  # the database goes away after the round has read its items ...
        return items

    def handle_then_back(msg: IncomingMessage) -> list[Reply]:
        replies = handle(msg)
        proxy.start()  # ... and is back before the adapter decides what the failure was
        return replies

    monkeypatch.setattr(adapter, "_pending_inbox", pending_then_away)
    monkeypatch.setattr(service, "handle", handle_then_back)
    for _ in range(5):
        with pytest.raises(StoreUnavailable):
            await adapter.process_inbox()
    monkeypatch.undo()
    await adapter.process_inbox()
    await adapter.flush_outbox()
    assert sum(ANSWER in str(a) for a in cloud.sent("a:dm-anna")) == 1
    with store.transaction() as tx:
        assert tx.inbox.failed() == [] and tx.inbox.pending("teams") == []


# -- the inbox's attempt count, on both databases -------------------------------------------


def test_an_item_is_set_aside_at_the_third_failure_only(db: Db) -> None:
    now = datetime.now(UTC)
    for event in ("a", "b"):
        db.inbox_add("teams", event, {"text": "hemligt"})
    with db.store.transaction() as tx:
        first, second = tx.inbox.pending("teams")
        assert [tx.inbox.attempt_failed(first.id, "KeyError", now, 3) for _ in range(3)] == [
            False,
            False,
            True,
        ]
        assert not tx.inbox.attempt_failed(first.id, "KeyError", now, 3)  # aside already
        assert not tx.inbox.attempt_failed(second.id, "KeyError", now, 3)
        tx.inbox.mark_processed(second.id, now)  # the second try worked
        assert tx.inbox.pending("teams") == []
        [failed] = tx.inbox.failed()
    assert (failed.id, failed.channel, failed.event_id, failed.attempts) == (
        first.id,
        "teams",
        "a",
        3,
    )
    assert failed.error == "KeyError" and failed.failed_at == now


async def test_teams_not_handled_speaks_the_persons_language_not_the_clients(
    teams: Teams, db: Db
) -> None:
    await teams.say("language english", user="aad-eng", conversation="a:dm-eng")
    await teams.wait_sent("a:dm-eng", "English")
    for user, locale in (("aad-eng", "sv-SE"), ("aad-sv", "en-US")):
        poisoned = teams.cloud.activity("x", user=user, conversation=f"a:dm-{user[4:]}")
        poisoned["text"], poisoned["locale"] = {"not": "text"}, locale
        db.inbox_add("teams", f"a:dm-{user[4:]}|p", poisoned)
    await teams.say("hej", user="aad-other", conversation="a:dm-other")  # wakes the worker
    await teams.wait_sent("a:dm-eng", "could not be handled", timeout=20)
    await teams.wait_sent("a:dm-sv", NOT_HANDLED, timeout=20)  # en-US client, no choice
