"""Case 11: retention reaches everything. An answered ticket nobody confirms closes
itself (the asker told first), retention clears what people wrote in every table that
holds it, each area by its own days (the records plan), and a bad retention setting is
refused in one Swedish line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import String, select

from adapters.sql import tables
from adapters.sql.store import SqlStore
from bot.messages import ConversationRef, IncomingMessage, Reply, ReplyKind
from bot.service import ConversationService
from knowledge.base import KnowledgeBase
from routing.ports import QuestionEntry

ROOT = Path(__file__).resolve().parents[2]
MANAGER = "@anna.chef:exempelkommun.se"
HR1 = "@maria.lindqvist:exempelkommun.se"
HR_QUESTION = "Vilka regler gäller för cykelförmån via bruttolöneavdrag? Q-SECRET"
DECISION = "KS 2026-05-12 § 45"

# Every text column in the schema, cleared by `retention apply` or kept, and why.
CLEARED = {
    "questions.text": "the question as asked",
    "tickets.question": "the ticket's question (once the ticket is closed)",
    "ticket_events.text": "answers, notes, additions, transfer reasons (closed tickets)",
    "outbox.payload": "what was sent or waits to be sent (undelivered rows are deleted)",
    "inbox.payload": "the raw platform event (unprocessed rows are deleted)",
    "conversation_states.state": "the conversation's memory (the row is deleted)",
    "conversation_states.key": "deleted with its row",
    "suggestions.text": "a person's wording, masked, while it waits for the area lead (then cleared: an accepted one is in the article file)",
    "survey_answers.improve": "the one thing to improve, masked, in an answer without anyone's id (cleared once the cutoff has left the answer's year)",
}
KEPT = {
    "inbound_events.channel": "platform name; dedupes redelivered events",
    "inbound_events.event_id": "the platform's event id; dedupes redelivery, no text",
    "people.user_id": "the platform identity whose unit is remembered",
    "people.unit_id": "a unit id from the organisation file",
    "people.language": "sv or en",
    "people.display_name": "the name the person's own client shows (Teams from.name, the Matrix displayname), refreshed on each message; shown to others instead of the id, never used for access; not what anyone wrote",
    "people.direct_channel": "platform name of the person's direct chat with the bot",
    "people.direct_conversation": "platform conversation id: where a job may write to them first",
    "people.direct_address": "platform routing (service URL, tenant), no text",
    "intro_people.user_id": "the new manager's platform identity: the weekly checklist goes to them",
    "intro_people.source": "file or chat: how they joined the path, no text",
    "intro_people.shown": "article ids of their last checklist (what 'klart 2' means), no text",
    "intro_items.user_id": "the new manager's platform identity",
    "intro_items.article_id": "an article id on the path",
    "questions.channel": "platform name; counted in the summary",
    "questions.user_id": "who asked: the summary's 'came back within three days' needs it",
    "questions.unit_id": "an id from the organisation file; counted",
    "questions.area_id": "an id from the organisation file; counted",
    "questions.outcome": "answered/clarified/routed; counted",
    "questions.article_id": "an article id; counted",
    "questions.feedback": "helpful/not_helpful; counted",
    "tickets.area_id": "an id from the organisation file",
    "tickets.shared_in": "the id of the room or channel the question was asked in: notices there say only that there is news",
    "tickets.original_area_id": "an id; routing corrections are counted",
    "tickets.status": "a life-cycle state",
    "tickets.asker_id": "the asker's platform identity; reopening needs it",
    "tickets.channel": "platform name",
    "tickets.conversation_id": "platform conversation id; reopening needs it",
    "tickets.address": "platform routing (service URL, tenant, activity id), no text",
    "tickets.language": "sv or en",
    "tickets.unit_id": "an id from the organisation file",
    "tickets.article_id": "an article id",
    "tickets.claimed_by": "the staff identity; accountability for the handling",
    "tickets.route_reason": "a routing rule's name (keyword, triage, ...)",
    "tickets.answer_article": "an article id (svara 42 #artikel)",
    "suggestions.article_id": "an article id",
    "suggestions.area_id": "an id from the organisation file",
    "suggestions.fingerprint": "a hash of the article id and the masked wording: a skipped one is not suggested again",
    "suggestions.source": "clarify or ticket, no text",
    "suggestions.status": "pending, accepted, skipped or expired",
    "suggestions.decided_by": "the area lead who decided; accountability",
    "ticket_events.actor": "who acted; accountability",
    "ticket_events.kind": "what happened (answer, note, ...), no text",
    "ticket_events.area_id": "an area id from the organisation file: who may read the event",
    "outbox.channel": "platform name",
    "outbox.conversation_id": "platform conversation id",
    "outbox.address": "platform routing, no text",
    "outbox.user_id": "the recipient's identity",
    "outbox.kind": "reply/notice/card, no text",
    "outbox.txn_id": "the send's idempotency key",
    "outbox.dedupe_key": "the once-only key (weekly:W48:..., escalation:42:...)",
    "audit_log.actor": "the audit log is the authority's record: never changed",
    "audit_log.action": "the audit log is never changed",
    "audit_log.entity": "the audit log is never changed",
    "audit_log.entity_id": "the audit log is never changed",
    "audit_log.old": "ids, statuses and areas only; the desk never writes text into it",
    "audit_log.new": "ids, statuses and areas only; the desk never writes text into it",
    "audit_log.prev_hash": "the hash chain; changing it would break it",
    "audit_log.hash": "the hash chain; changing it would break it",
    "audit_log.key_id": "which hash the row carries (plain or the key's fingerprint), no text",
    "adapter_state.key": "platform bookkeeping (sync token, card event ids)",
    "adapter_state.value": "sync tokens and event ids, no text",
    "inbox.channel": "platform name",
    "inbox.event_id": "the platform's event id; dedupes redelivery",
    "outbox.lease_owner": "the instance id sending the row (host and process), no personal data",
    "leases.name": "what is leased (the Matrix syncer), a fixed name",
    "leases.owner": "the instance holding the lease (host and process), no personal data",
    "inbox.error": "exception class and code line of a dead letter, never its message (bot/deadletter.py describe)",
    "survey_runs.area_id": "an area id: its yearly survey ran (once per area and year)",
    "survey_sends.user_id": "who was asked which area's questions in which year: asked once, reminded once, never again; nothing joins it to an answer",
    "survey_sends.area_id": "an area id from the organisation file",
    "survey_answers.area_id": "an area id from the organisation file",
    "survey_answers.unit_id": "a unit id from the organisation file (the analysis masks small counts)",
    "survey_opt_outs.user_id": "the person who wrote 'inga enkäter': never asked again",
}


def _text_columns() -> set[str]:
    return {
        f"{table.name}.{column.name}"
        for table in tables.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, String)  # Text is a String
    }


def test_every_text_column_is_cleared_or_deliberately_kept() -> None:
    columns = _text_columns()
    unclassified = columns - CLEARED.keys() - KEPT.keys()
    assert not unclassified, f"classify these columns in CLEARED or KEPT: {sorted(unclassified)}"
    assert not (CLEARED.keys() & KEPT.keys())
    assert not (CLEARED.keys() | KEPT.keys()) - columns, "stale entries"


class Office:
    def __init__(self, kb: KnowledgeBase, store: SqlStore, now: datetime) -> None:
        self.now = now
        self.store = store
        self.service = ConversationService(kb, store, clock=lambda: self.now)
        self.n = 0

    def say(self, user: str, text: str) -> list[Reply]:
        self.n += 1
        msg = IncomingMessage(ConversationRef("test", f"dm:{user}"), user, text, f"ev{self.n}")
        return self.service.handle(msg)

    def ticket(self) -> int:
        [offer] = self.say(MANAGER, HR_QUESTION)
        assert offer.offers_route  # sent on once the asker says yes
        [reply] = self.say(MANAGER, "ja")
        assert reply.kind is ReplyKind.ROUTED and reply.ticket_id is not None
        return reply.ticket_id

    def to_manager(self) -> list[str]:
        with self.store.transaction() as tx:
            return [
                str(i.payload["text"])
                for i in tx.outbox.pending("test", MANAGER)
                if i.kind != "reply"
            ]

    def status(self, ticket: int) -> str:
        with self.store.transaction() as tx:
            found = tx.tickets.get(ticket)
            assert found is not None
            return found.status.value

    def close_idle(self, days: int = 5) -> object:
        from bot.jobs import close_idle

        return close_idle(self.service, days)


THURSDAY = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # 10:00 in Stockholm


def _answered_ticket(office: Office) -> int:
    ticket = office.ticket()
    office.say(HR1, f"ta {ticket}")
    office.say(MANAGER, f"komplettera {ticket} Elcykel. K-SECRET")
    office.say(HR1, f"notera {ticket} Facket har synpunkter. N-SECRET")
    office.say(HR1, f"svara {ticket} Vi har ingen cykelförmån ännu. A-SECRET")
    office.say(HR1, "kö")  # the queue shows the question text to staff
    return ticket


def test_an_answered_ticket_left_alone_closes_after_five_business_days(
    example_kb: KnowledgeBase, any_store: SqlStore
) -> None:
    office = Office(example_kb, any_store, THURSDAY)
    ticket = _answered_ticket(office)
    office.now = THURSDAY + timedelta(days=5)  # Tuesday: 3 business days
    office.close_idle()
    assert office.status(ticket) == "resolved"
    assert not any("avslutas" in m for m in office.to_manager())
    office.now = THURSDAY + timedelta(days=6)  # Wednesday: 4 business days, the notice
    office.close_idle()
    office.close_idle()  # a second run (or a second instance) tells nobody twice
    notices = [m for m in office.to_manager() if "avslutas" in m]
    assert len(notices) == 1 and f"ärende **{ticket}**" in notices[0]
    assert "3 dec 2026" in notices[0] and f"återöppna {ticket}" in notices[0]
    assert office.status(ticket) == "resolved"
    office.now = THURSDAY + timedelta(days=7)  # Thursday: 5 business days
    office.close_idle()
    assert office.status(ticket) == "closed"
    assert any("är avslutat" in m for m in office.to_manager())
    with any_store.transaction() as tx:
        audit = [(e.actor, e.action) for e in tx.audit.for_entity("ticket", str(ticket))]
    assert ("stodbot", "close_notice") in audit and ("stodbot", "auto_close") in audit
    [late] = office.say(MANAGER, "ja")  # the old "solved?" is not an error now
    assert "Det går inte" not in late.text
    [back] = office.say(MANAGER, f"återöppna {ticket}")
    assert "återöppnat" in back.text


def test_the_close_counts_swedish_holidays_and_waits_a_day_after_a_late_notice(
    example_kb: KnowledgeBase, any_store: SqlStore
) -> None:
    wednesday = datetime(2026, 12, 23, 9, 0, tzinfo=UTC)
    office = Office(example_kb, any_store, wednesday)
    ticket = _answered_ticket(office)
    # julafton, juldagen, a weekend, nyårsafton, nyårsdagen, a weekend: Mon 28 Dec,
    # Tue 29, Wed 30, Mon 4 Jan, Tue 5 Jan are the five business days.
    office.now = datetime(2027, 1, 1, 9, 0, tzinfo=UTC)
    office.close_idle()
    assert not any("avslutas" in m for m in office.to_manager())
    office.now = datetime(2027, 1, 12, 9, 0, tzinfo=UTC)  # the bot was away: notice now
    office.close_idle()
    assert office.status(ticket) == "resolved"
    [notice] = [m for m in office.to_manager() if "avslutas" in m]
    assert "13 jan 2027" in notice  # a full business day after the notice
    office.now = datetime(2027, 1, 13, 9, 0, tzinfo=UTC)
    office.close_idle()
    assert office.status(ticket) == "closed"


def test_a_no_after_the_notice_keeps_the_ticket_open(
    example_kb: KnowledgeBase, any_store: SqlStore
) -> None:
    office = Office(example_kb, any_store, THURSDAY)
    ticket = _answered_ticket(office)
    office.now = THURSDAY + timedelta(days=6)
    office.close_idle()
    office.say(MANAGER, "nej")
    office.now = THURSDAY + timedelta(days=30)
    office.close_idle()
    assert office.status(ticket) == "reopened"


def test_two_instances_notice_and_close_each_ticket_once(
    example_kb: KnowledgeBase, any_store: SqlStore
) -> None:
    from adapters.sql.audit_chain import verify_chain
    from bot.jobs import close_idle

    office = Office(example_kb, any_store, THURSDAY)
    tickets = [_answered_ticket(office) for _ in range(4)]
    other = ConversationService(example_kb, any_store, clock=lambda: office.now)
    for days in (6, 7):  # the notice, then the close
        office.now = THURSDAY + timedelta(days=days)
        start = threading.Barrier(2)

        def run(service: ConversationService) -> None:
            start.wait()
            close_idle(service, 5)

        threads = [threading.Thread(target=run, args=(s,)) for s in (office.service, other)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
    sent = office.to_manager()
    for ticket in tickets:
        assert office.status(ticket) == "closed"
        assert sum(f"**{ticket}** hos" in m and "avslutas" in m for m in sent) == 1
        assert sum(f"**{ticket}** är avslutat" in m for m in sent) == 1
    with any_store.engine.connect() as conn:
        assert verify_chain(conn).broken is None


def _markers_left(store: SqlStore) -> list[str]:
    """Every text column of every table, searched for the secrets written above."""
    found = []
    with store.engine.connect() as conn:
        for table in tables.metadata.sorted_tables:
            for column in table.columns:
                if not isinstance(column.type, String):
                    continue
                for value in conn.execute(select(column)).scalars():
                    if value and "SECRET" in value:
                        found.append(f"{table.name}.{column.name}: {value[:80]}")
    return found


def test_retention_clears_every_text_a_person_wrote(
    example_kb: KnowledgeBase, any_store: SqlStore
) -> None:
    from bot.jobs import apply_retention

    office = Office(example_kb, any_store, THURSDAY)
    ticket = _answered_ticket(office)
    with any_store.transaction() as tx:  # platform events: one handled, one never
        tx.inbox.add("matrix", "$done", {"body": "I-SECRET handled"}, THURSDAY)
        tx.inbox.add("matrix", "$stuck", {"body": "I-SECRET stuck"}, THURSDAY)
        [done, _] = tx.inbox.pending("matrix")
        tx.inbox.mark_processed(done.id, THURSDAY)
    assert _markers_left(any_store)  # the secrets are there to be found
    office.now = THURSDAY + timedelta(days=100)  # the asker never said ja or nej
    office.close_idle()
    office.now += timedelta(days=2)
    office.close_idle()
    assert office.status(ticket) == "closed"
    office.now += timedelta(days=1)
    result = apply_retention(office.service, 90, DECISION)
    assert result.cleared >= 2
    assert _markers_left(any_store) == []
    with any_store.transaction() as tx:  # the counts stay
        assert len(tx.questions.between(THURSDAY - timedelta(days=1), office.now)) == 1
        assert tx.tickets.get(ticket) is not None
        assert tx.inbox.pending("matrix") == []


def test_recent_text_is_kept(example_kb: KnowledgeBase, any_store: SqlStore) -> None:
    from bot.jobs import apply_retention

    office = Office(example_kb, any_store, THURSDAY)
    office.ticket()
    office.now = THURSDAY + timedelta(days=10)
    apply_retention(office.service, 90, DECISION)
    assert any("questions.text" in m for m in _markers_left(any_store))


def test_a_decision_with_quotes_is_proper_json_in_the_audit(
    example_kb: KnowledgeBase, any_store: SqlStore
) -> None:
    from bot.jobs import apply_retention

    decision = 'KS 2026-05-12 § 45 "gallring av supportärenden" \\ ny rad\n'
    service = ConversationService(example_kb, any_store, clock=lambda: THURSDAY)
    apply_retention(service, 90, decision)
    with any_store.transaction() as tx:
        [entry] = tx.audit.for_entity("questions", "*")
    logged = json.loads(entry.new or "")
    assert logged["decision"] == decision.strip() and logged["cutoff"].startswith("2026-08-28")


@pytest.mark.parametrize("days", [0, -5])
def test_zero_or_negative_days_delete_nothing(
    example_kb: KnowledgeBase, sql_store: SqlStore, days: int
) -> None:
    from bot.jobs import RetentionRefused, apply_retention

    service = ConversationService(example_kb, sql_store, clock=lambda: THURSDAY)
    with sql_store.transaction() as tx:
        tx.questions.log(
            QuestionEntry(THURSDAY, "test", "@u", None, "hr", "routed", None, None, 0.1, "Q-SECRET")
        )
    with pytest.raises(RetentionRefused):
        apply_retention(service, days, DECISION)
    with pytest.raises(RetentionRefused):
        apply_retention(service, 90, "   ")
    assert _markers_left(sql_store)


def _retention_cli(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "STODBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli.main", "retention", "apply"],
        capture_output=True,
        text=True,
        env=full,
        cwd=tmp_path,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"STODBOT_RETENTION_DAYS": "0", "STODBOT_RETENTION_DECISION": DECISION}, "RETENTION_DAYS"),
        (
            {"STODBOT_RETENTION_DAYS": "-3", "STODBOT_RETENTION_DECISION": DECISION},
            "RETENTION_DAYS",
        ),
        (
            {"STODBOT_RETENTION_DAYS": "tre", "STODBOT_RETENTION_DECISION": DECISION},
            "RETENTION_DAYS",
        ),
        (  # a huge value would overflow the cutoff's date
            {"STODBOT_RETENTION_DAYS": "999999999", "STODBOT_RETENTION_DECISION": DECISION},
            "RETENTION_DAYS",
        ),
        (
            {"STODBOT_RETENTION_DAYS": "90", "STODBOT_RETENTION_DECISION": "   "},
            "RETENTION_DECISION",
        ),
        ({"STODBOT_AUTO_CLOSE_DAYS": "0"}, "AUTO_CLOSE_DAYS"),
    ],
)
def test_bad_retention_settings_get_one_swedish_line(
    tmp_path: Path, env: dict[str, str], says: str
) -> None:
    done = _retention_cli(tmp_path, **env)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert says in lines[0] and "stodbot:" in lines[0]
    assert "validation error" not in done.stderr and "pydantic" not in done.stderr
    assert any(word in lines[0] for word in ("måste", "får inte", "ange"))


def test_retention_apply_runs_from_the_cli(tmp_path: Path) -> None:
    done = _retention_cli(
        tmp_path, STODBOT_RETENTION_DAYS="90", STODBOT_RETENTION_DECISION=f'{DECISION} "x"'
    )
    assert done.returncode == 0, done.stderr
    assert "gallrat" in done.stdout
    _ = datetime.now(UTC)


def test_every_cleared_column_has_a_retention_step() -> None:
    """The deletion and the dry run share one list of steps: each cleared column is in
    it, with its area where the table has one."""
    from adapters.sql.retention import STEPS

    names = {s.name for s in STEPS}
    for column in CLEARED:
        table = column.split(".")[0]
        assert column in names or table in names, f"no retention step clears {column}"
    has_area = {s.name.split(".")[0] for s in STEPS if s.area is not None}
    for table in tables.metadata.sorted_tables:
        if "area_id" in table.columns and any(c.startswith(table.name + ".") for c in CLEARED):
            assert table.name in has_area, f"{table.name} has an area: retain it per area"
    assert "ticket_events" in has_area  # through its ticket's area


def _with_days(kb: KnowledgeBase, **days: int) -> KnowledgeBase:
    from dataclasses import replace

    org = kb.organisation
    areas = tuple(replace(a, retention_days=days.get(a.id)) for a in org.areas)
    return replace(kb, organisation=replace(org, areas=areas))


def _closed_hr_ticket(office: Office) -> int:
    ticket = _answered_ticket(office)
    office.now = THURSDAY + timedelta(days=100)
    office.close_idle()
    office.now += timedelta(days=2)
    office.close_idle()
    assert office.status(ticket) == "closed"
    office.now += timedelta(days=1)  # 103 days after it was asked
    return ticket


def test_hr_keeps_its_longer_days_while_the_default_reaches_the_rest(
    example_kb: KnowledgeBase, any_store: SqlStore
) -> None:
    """A row of HR older than the default but younger than HR's own days is kept: the
    question, the closed ticket and its history. The shared tables follow the shortest."""
    from bot.jobs import apply_retention

    office = Office(_with_days(example_kb, hr=730), any_store, THURSDAY)
    _closed_hr_ticket(office)
    result = apply_retention(office.service, 90, DECISION)
    left = _markers_left(any_store)
    for column in ("questions.text", "tickets.question", "ticket_events.text"):
        assert any(m.startswith(column) for m in left), column
    assert not any(m.startswith(("outbox.", "inbox.")) for m in left)  # 90 days: gone
    assert result.groups["hr"].get("tickets.question") == 0
    office.now = THURSDAY + timedelta(days=731)
    apply_retention(office.service, 90, DECISION)
    assert _markers_left(any_store) == []


def test_hr_days_shorter_than_the_default_reach_hr_and_the_shared_copies(
    example_kb: KnowledgeBase, any_store: SqlStore
) -> None:
    """... and the other way round: HR's 30 days clear HR's rows (and every transport copy,
    which may hold HR's text) while the default of 365 days would keep them."""
    from bot.jobs import apply_retention

    office = Office(_with_days(example_kb, hr=30), any_store, THURSDAY)
    _closed_hr_ticket(office)
    _question_elsewhere = QuestionEntry(
        THURSDAY, "test", "@u", None, "it", "routed", None, None, 0.1, "IT Q-SECRET"
    )
    with any_store.transaction() as tx:
        tx.questions.log(_question_elsewhere)
    apply_retention(office.service, 365, DECISION)
    assert _markers_left(any_store) == ["questions.text: IT Q-SECRET"]


def test_retention_plan_from_the_cli_changes_nothing(tmp_path: Path) -> None:
    """The dry run in Swedish and as JSON; apply without a decision still refuses; the
    database is the same afterwards."""
    source = (ROOT / "knowledge/example/organisation.yaml").read_text(encoding="utf-8")
    org = tmp_path / "org.yaml"
    org.write_text(source.replace("  - id: hr\n", "  - id: hr\n    retention_days: 730\n", 1))
    db = tmp_path / "cli.db"
    from tests.conftest import sqlite_store

    store = sqlite_store(db)
    old = datetime.now(UTC) - timedelta(days=100)
    with store.transaction() as tx:
        for area in ("hr", "it", None):
            tx.questions.log(
                QuestionEntry(old, "test", "@u", None, area, "routed", None, None, 0.1, "Q-SECRET")
            )
    store.engine.dispose()
    env = {"STODBOT_ORGANISATION_FILE": str(org), "STODBOT_RETENTION_DAYS": "90"}

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        full = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "STODBOT_DATABASE_URL": f"sqlite:///{db}",
            **env,
        }
        return subprocess.run(
            [sys.executable, "-m", "adapters.cli.main", "retention", *argv],
            capture_output=True,
            text=True,
            env=full,
            cwd=tmp_path,
            timeout=120,
        )

    before = db.read_bytes()
    text = run("plan")
    assert text.returncode == 0, text.stderr
    assert "provkörning" in text.stdout and "område hr: 730 dagar" in text.stdout
    assert "frågor (frågetexten), it (90 dagar): 1 rad nu" in text.stdout
    assert "frågor (frågetexten), utan område (90 dagar): 1 rad nu" in text.stdout
    assert "frågor (frågetexten), hr" not in text.stdout  # 100 days: within HR's 730
    as_json = run("plan", "--format", "json")
    assert as_json.returncode == 0, as_json.stderr
    rows = {(r["column"], r["area"]): r for r in json.loads(as_json.stdout)["rows"]}
    assert rows[("questions.text", "it")]["now"] == 1 and ("questions.text", "hr") not in rows
    refused = run("apply")  # no STODBOT_RETENTION_DECISION
    assert refused.returncode == 2 and "utan beslut raderas ingenting" in refused.stderr
    assert db.read_bytes() == before  # nothing written, not even the audit log
    env["STODBOT_RETENTION_DECISION"] = DECISION
    done = run("apply")
    assert done.returncode == 0, done.stderr
    assert "område hr: 0 rader" in done.stdout
    after = sqlite_store(db)
    with after.transaction() as tx:
        texts = [r.text for r in tx.questions.between(old - timedelta(days=1), datetime.now(UTC))]
    assert texts.count("Q-SECRET") == 1  # HR's
