"""Hostile review of issue 15 (masking, records export and person extract,
registration, retention per area, the accessibility statement)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from aiohttp import web
from sqlalchemy import select

from adapters.registry.sender import RegistrySender, message
from adapters.sql import person, tables
from bot.settings import Settings
from knowledge.base import KnowledgeBase
from knowledge.masking import mask
from routing import records
from tests.adapters.registry.conftest import SECRET, SECRET_ENV, registry_base
from tests.conftest import load_copy, sqlite_store
from tests.unit.records_world import IT_QUESTION, MANAGER, World, env

EVIL = MANAGER + ".evil"  # another server: @anna.chef:exempelkommun.se.evil


@pytest.fixture
def world(example_kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    env(monkeypatch, tmp_path / "stodbot.db")
    w = World(example_kb, sqlite_store(tmp_path / "stodbot.db"))
    w.full_history()
    return w


def test_person_extract_leaves_out_a_person_whose_id_extends_theirs(world: World) -> None:
    """GDPR art. 15: Anna's extract must not hold the memory of @anna.chef:…se.evil's
    conversation (the key only *contains* Anna's id)."""
    world.say(EVIL, "Mitt hemliga ärende om min sjukskrivning")
    with world.store.engine.connect() as conn:
        keys = [k for (k,) in conn.execute(select(tables.conversation_states.c.key))]
    assert any(k.endswith(EVIL) for k in keys)  # the other person's state is stored
    data = person.about(world.store.engine, MANAGER)
    shown = [s["key"] for s in data["conversation_states"]]
    assert shown and not any(k.endswith(EVIL) for k in shown), shown
    assert EVIL not in json.dumps(data["platform_events"], default=str)


def test_registry_mail_survives_a_line_break_in_the_area_name(world: World) -> None:
    """An area name with CR/LF (a quoted YAML string) must neither inject a header nor
    make message() raise ValueError (not Undeliverable: the round aborts, the row is
    never counted as attempted, and every registration after it waits forever)."""
    with world.store.transaction() as tx:
        record = records.build(tx, world.service.org, 1)
    assert record is not None
    record = replace(record, area_name="IT\r\nBcc: spion@evil.example")
    msg = message(record, "closed", "registry:1:closed", "stodbot@k.se", "reg@k.se")
    assert msg["Bcc"] is None
    assert "\n" not in str(msg["Subject"]) and "\r" not in str(msg["Subject"])
    assert b"\r\nBcc:" not in msg.as_bytes().split(b"\r\n\r\n", 1)[0] + b"\r\n"


def test_masked_export_personnummer_split_over_two_messages(world: World) -> None:
    """A personnummer whose date and last four arrive in two messages of the asker was
    released as a birth date plus four digits: each event was masked on its own."""
    with world.store.transaction() as tx:
        record = records.build(tx, world.service.org, 1)
    assert record is not None
    first, *rest = record.entries
    split = (
        replace(first, text="Mitt personnummer är 850312", actor=MANAGER),
        replace(first, text="-2384", actor=MANAGER),
    )
    out = records.released(replace(record, entries=(*split, *rest)), ())
    texts = " ".join(e.text or "" for e in out.entries[:2])
    assert "850312" not in texts and "2384" not in texts, texts


def test_masked_export_masks_across_the_askers_texts_with_others_between(world: World) -> None:
    """Each person's texts are masked as one, in order, whatever others wrote between
    them: the date in the asker's first addition, a handläggare's question, the last
    four in the asker's next. A transfer's reason is masked as its event's text is."""
    with world.store.transaction() as tx:
        record = records.build(tx, world.service.org, 1)
    assert record is not None
    entries = list(record.entries)
    first, second = (i for i, e in enumerate(entries) if e.kind == "asker_info")
    assert any(e.actor != MANAGER for e in entries[first + 1 : second])  # someone between
    entries[first] = replace(entries[first], text="Jag glömde: mitt nummer 850312")
    entries[second] = replace(entries[second], text="-2384, Barn- och utbildning")
    [moved] = [i for i, e in enumerate(entries) if e.kind == "transfer"]
    entries[moved] = replace(entries[moved], text="hr → it: pnr 850312-2384 i förmånen")
    transfers = tuple(replace(t, reason="pnr 850312-2384 i förmånen") for t in record.transfers)
    out = records.released(replace(record, entries=tuple(entries), transfers=transfers), ())
    assert out.entries[first].text == "Jag glömde: mitt nummer [personnummer]"
    assert out.entries[second].text == "[personnummer], Barn- och utbildning"
    assert out.entries[moved].text == "hr → it: pnr [personnummer] i förmånen"
    assert [t.reason for t in out.transfers] == ["pnr [personnummer] i förmånen"]


def test_masking_of_a_log_line_keeps_a_traceback_free_of_personnummer() -> None:
    """(Held: recorded so it stays.)"""
    assert "[personnummer]" in mask("ValueError: bad pnr 19850312-2384")


@pytest.fixture
async def moved() -> AsyncIterator[tuple[str, list[str]]]:
    """A registry webhook that moved: POST /diarium answers 302 to /ny, which accepts
    anything (a GET too, as a load balancer's landing page would)."""
    seen: list[str] = []

    async def old(request: web.Request) -> web.Response:
        seen.append(f"{request.method} /diarium")
        raise web.HTTPFound("/ny")

    async def new(request: web.Request) -> web.Response:
        body = await request.read()
        seen.append(f"{request.method} /ny {len(body)}")
        return web.Response(status=200, text="ok")

    app = web.Application()
    app.router.add_post("/diarium", old)
    app.router.add_route("*", "/ny", new)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}/diarium", seen
    await runner.cleanup()


async def test_a_redirected_webhook_is_not_counted_as_registered(
    tmp_path: Path, moved: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """aiohttp follows redirects: a 302 turns the POST into a GET without the record,
    the landing page answers 200, and the ticket counts as registered though the
    registry never got it (a 307 would instead re-send the record to wherever the
    Location points, http or another host, past the https check)."""
    url, seen = moved
    monkeypatch.setenv(SECRET_ENV, SECRET)
    kb = load_copy(registry_base(tmp_path, url))
    w = World(kb, sqlite_store(tmp_path / "stodbot.db"))
    w.ticket(MANAGER, IT_QUESTION)
    s = RegistrySender(w.store, w.service.org, Settings(), timeout=5)
    delivered = await s.send_due()
    assert seen[0] == "POST /diarium"
    assert delivered == 0, seen  # not registered: the registry must be told, or fixed
    with w.store.transaction() as tx:
        assert len(tx.outbox.pending("registry")) == 1


def test_masked_export_masks_a_colleagues_name_the_bot_knows(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The asker writes another manager's name, whose display name the bot has stored
    (people.display_name): the released version must not carry it, though that person
    took no part in the ticket."""
    from adapters.cli.main import main
    from tests.unit.records_world import IT, MANAGER2

    with world.store.transaction() as tx:
        tx.people.set_display_name(MANAGER2, "Bo Chefsson", world.now)
    world.desk(world.service.desk.note, 1, IT, "Chefsson på BoU har samma dator; ring Bo Chefsson")
    out = tmp_path / "ut"
    assert main(["records", "export", "--ticket", "1", "--masked", "--out", str(out)]) == 0
    for f in out.iterdir():
        assert "Chefsson" not in f.read_text(encoding="utf-8"), f.name


def test_retention_does_not_delete_a_registration_still_waiting(
    example_kb: KnowledgeBase, tmp_path: Path
) -> None:
    """The registry was down (a holiday): the ticket's registration waits in the outbox.
    `retention apply` deletes unsent outbox rows past the shortest days, so the ticket
    is never registered and nobody is told. The row holds only ids (no one's text)."""
    from datetime import UTC, datetime, timedelta

    from bot.jobs import apply_retention
    from bot.service import ConversationService
    from routing.ports import Outgoing
    from routing.registration import CHANNEL, dedupe_key
    from tests.unit.test_retention_areas import _kb

    now = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    store = sqlite_store(tmp_path / "stodbot.db")
    service = ConversationService(_kb(example_kb, it=30), store, clock=lambda: now)
    with store.transaction() as tx:
        tx.outbox.add(
            Outgoing(
                channel=CHANNEL,
                conversation_id="ticket:7",
                kind="created",
                payload={"ticket_id": 7, "event": "created", "area_id": "it"},
                dedupe_key=dedupe_key(7, "created"),
            ),
            now - timedelta(days=40),
        )
    apply_retention(service, 90, "KS 2026-05-12 § 45")
    with store.transaction() as tx:
        assert len(tx.outbox.pending(CHANNEL)) == 1  # still to be registered


def test_the_export_shows_earlier_disclosures_and_the_whole_audit(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A registrator must be able to show who has had the ticket out (each
    records_export is audited, but the export did not say so), and the audit entries
    that are not status changes (escalate, note, rate)."""
    from adapters.cli.main import main

    assert main(["records", "export", "--ticket", "1", "--out", str(tmp_path / "a")]) == 0
    assert (
        main(["records", "export", "--ticket", "1", "--masked", "--out", str(tmp_path / "b")]) == 0
    )
    data = json.loads((tmp_path / "b" / "arende-1-maskerad.json").read_text(encoding="utf-8"))
    actions = [a["handling"] for a in data.get("granskningslogg", [])]
    assert "records_export" in actions and "escalate" in actions and "rate" in actions
    assert "registrator1" not in json.dumps(data)  # the operator is a role when masked
    html = (tmp_path / "b" / "arende-1-maskerad.html").read_text(encoding="utf-8")
    assert "records_export" in html


def test_person_extract_shows_who_had_their_ticket_out(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """GDPR art. 15(1)(c): to whom their data was disclosed. A registrator exported
    Anna's ticket; her extract listed only what she did and entries 'about person'."""
    from adapters.cli.main import main

    assert main(["records", "export", "--ticket", "1", "--out", str(tmp_path / "a")]) == 0
    data = person.about(world.store.engine, MANAGER)
    assert any(
        a["action"] == "records_export" and a["entity_id"] == "1" for a in data["audit_log"]
    ), data["audit_log"]


def test_the_export_holds_the_messages_sent_about_the_ticket(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The messages the bot sent about the ticket (the receipt 'som ärende 1' with its
    deadline, the answer notices, the escalation to the lead) are expedierade handlingar,
    but were only in the outbox, unlinked to the ticket."""
    from adapters.cli.main import main

    assert main(["records", "export", "--ticket", "1", "--out", str(tmp_path / "a")]) == 0
    text = (tmp_path / "a" / "arende-1.json").read_text(encoding="utf-8")
    assert "som ärende **1**" in text or "som ärende 1" in text


async def test_one_registration_that_cannot_be_built_does_not_stop_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error other than Undeliverable (here a sender address with a line break: the
    e-mail library raises ValueError) escaped send_due: the round stopped at that row
    without counting an attempt, every round again, and the IT webhook registration
    queued after it was never tried."""
    from routing.ports import Outgoing  # noqa: F401  (the rows come from the desk)
    from tests.unit.records_world import HR_QUESTION

    monkeypatch.setenv(SECRET_ENV, SECRET)
    kb = load_copy(registry_base(tmp_path, "http://127.0.0.1:9/diarium"))
    w = World(kb, sqlite_store(tmp_path / "stodbot.db"))
    w.ticket(MANAGER, HR_QUESTION)  # HR: by e-mail
    settings = Settings(smtp_host="127.0.0.1", smtp_port=9, smtp_from="bot@k.se\r\nBcc: x@y.z")
    s = RegistrySender(w.store, w.service.org, settings, timeout=2)
    assert await s.send_due() == 0  # refused, but as one row's failure
    with w.store.transaction() as tx:
        [row] = tx.outbox.pending("registry")
        assert row.attempts == 1


def test_the_weekly_gap_example_masks_the_askers_own_name(
    example_kb: KnowledgeBase, sql_store: object
) -> None:
    """The weekly gap example was masked with the organisation file's names only: the
    asker's own display name (people.display_name, which the bot knows) stayed."""
    from bot.reports import load_summary
    from routing.report import week_of
    from tests.unit.test_masking_flows import ASKER, HR_STAFF, NOW, Chat

    chat = Chat(example_kb, sql_store)  # type: ignore[arg-type]
    with chat.store.transaction() as tx:
        tx.people.set_display_name(ASKER, "Anna Chefsson", NOW)
    chat.ticket("Hej, Anna Chefsson här: jag har inte fått någon cykelförmån på lönen")
    summary = load_summary(chat.service, week_of(NOW), NOW, viewer=HR_STAFF)
    [example] = [g.example for g in summary.gaps if g.area_id == "hr" and g.example]
    assert "cykelförmån" in example and "Chefsson" not in example, example


@pytest.mark.parametrize("where", ["main", "thread"])
def test_an_uncaught_exception_reaches_stderr_masked(where: str) -> None:
    """stderr is the service's log (journald, docker logs). An exception nobody caught
    (a database error carries its parameters in its message: the ticket's text) was
    printed by Python's own hooks, past the masking filter."""
    import subprocess
    import sys

    boom = "raise RuntimeError('[parameters: (\\'19850312-2384\\', \\'070-123 45 67\\')]')"
    if where == "thread":
        body = f"import threading\ndef f():\n    {boom}\nt = threading.Thread(target=f)\nt.start(); t.join()"
    else:
        body = boom
    code = (
        "import logging\nfrom bot import logmask\n"
        "logging.basicConfig(format='%(message)s')\nlogmask.install()\n" + body
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        env={**__import__("os").environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        timeout=60,
    )
    assert "RuntimeError" in done.stderr  # it was reported
    assert "19850312-2384" not in done.stderr and "070-123 45 67" not in done.stderr


def test_the_masked_export_holds_the_answer_sent_to_the_asker_masked(
    example_kb: KnowledgeBase,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """What the desk sends on a staff command (the claim and the answer, to the asker)
    is in the ticket's export, and only that ticket's: its text masked and its
    recipient a role in the released version. The staff member's own confirmation
    ('Svaret är skickat …') repeats the history and is not one of them."""
    from adapters.cli.main import main
    from tests.unit.records_world import IT

    env(monkeypatch, tmp_path / "stodbot.db")
    w = World(example_kb, sqlite_store(tmp_path / "stodbot.db"))
    first = w.ticket(MANAGER, IT_QUESTION)
    w.ticket("@bo.chef:exempelkommun.se", IT_QUESTION)  # ticket 2: its receipt is not 1's
    w.say(IT, f"ta {first}")
    w.say(IT, f"svara {first} Ring mig på 070-123 45 67 så löser vi det")
    out = tmp_path / "ut"
    assert main(["records", "export", "--ticket", "1", "--masked", "--out", str(out)]) == 0
    data = json.loads((out / "arende-1-maskerad.json").read_text(encoding="utf-8"))
    sent = data["meddelanden"]
    assert [m["till"] for m in sent] == ["Frågeställaren"] * 3, sent
    assert "som ärende **1**" in sent[0]["text"] and "har tagit ditt ärende" in sent[1]["text"]
    assert "Ring mig på [telefon]" in sent[2]["text"]
    shown = json.dumps(data, ensure_ascii=False)
    assert (
        "070-123" not in shown and "ärende **2**" not in shown and "Svaret är skickat" not in shown
    )
    html = (out / "arende-1-maskerad.html").read_text(encoding="utf-8")
    assert "<h2>Meddelanden</h2>" in html and "Ring mig på [telefon]" in html
