"""One contract suite for every storage backend: SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from adapters.sql.store import SqlStore
from routing.ports import (
    AuditEntry,
    Direct,
    NewTicket,
    Outgoing,
    QuestionEntry,
    SurveyAnswer,
    SurveySend,
)
from routing.tickets import Status

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def new_ticket(area: str = "hr", asker: str = "@anna:k") -> NewTicket:
    return NewTicket(
        area_id=area,
        asker_id=asker,
        channel="test",
        conversation_id="dm",
        address="",
        language="sv",
        unit_id="bou",
        question="Hur gör jag?",
        article_id=None,
        question_id=None,
        created_at=NOW,
        claim_due=NOW + timedelta(hours=4),
        resolve_due=NOW + timedelta(hours=16),
        route_confidence=0.8,
        route_reason="articles",
    )


def test_inbound_event_is_recorded_once(any_store: SqlStore) -> None:
    with any_store.transaction() as tx:
        assert tx.inbound.first_time("matrix", "$ev1", NOW) is True
        assert tx.inbound.first_time("matrix", "$ev1", NOW) is False
        assert tx.inbound.first_time("teams", "$ev1", NOW) is True  # unique per channel
    with any_store.transaction() as tx:
        assert tx.inbound.first_time("matrix", "$ev1", NOW) is False


def test_a_persons_direct_chat_is_the_last_one_they_wrote_in(any_store: SqlStore) -> None:
    with any_store.transaction() as tx:
        assert tx.people.direct("@anna:k") is None
        tx.people.set_language("@anna:k", "sv", NOW)  # a row without a direct chat yet
        assert tx.people.direct("@anna:k") is None
        tx.people.set_direct("@anna:k", Direct("matrix", "!dm1:k"), NOW)
        tx.people.set_direct("@anna:k", Direct("teams", "a:1", '{"serviceUrl": "x"}'), NOW)
    with any_store.transaction() as tx:
        assert tx.people.direct("@anna:k") == Direct("teams", "a:1", '{"serviceUrl": "x"}')
        assert tx.people.language("@anna:k") == "sv"  # the other columns stay


def test_every_stored_display_name_is_listed_once(any_store: SqlStore) -> None:
    with any_store.transaction() as tx:
        tx.people.set_display_name("@a:k", "Bo Chefsson", NOW)
        tx.people.set_display_name("@b:k", "Bo Chefsson", NOW)  # two people, one name
        tx.people.set_display_name("@c:k", "Åsa Öberg", NOW)
        tx.people.set_unit("@d:k", "klf", NOW)  # no display name
        assert tx.people.display_names() == ["Bo Chefsson", "Åsa Öberg"]


def test_a_conversation_state_says_when_it_was_written(any_store: SqlStore) -> None:
    with any_store.transaction() as tx:
        assert tx.states.updated_at("matrix|!dm|@anna:k") is None
        tx.states.put("matrix|!dm|@anna:k", {"awaiting": "feedback"}, NOW)
        tx.states.put("matrix|!dm|@anna:k", {"awaiting": ""}, NOW + timedelta(minutes=5))
    with any_store.transaction() as tx:
        assert tx.states.updated_at("matrix|!dm|@anna:k") == NOW + timedelta(minutes=5)


def test_a_created_ticket_reads_back_as_it_was_returned(any_store: SqlStore) -> None:
    stockholm = timezone(timedelta(hours=1))  # an aware time in another zone comes back in UTC
    new = replace(new_ticket(), created_at=NOW.astimezone(stockholm))
    with any_store.transaction() as tx:
        created = tx.tickets.create(new)
    with any_store.transaction() as tx:
        assert tx.tickets.get(created.id) == created
    assert created.status is Status.OPEN and created.version == 1
    assert created.created_at == NOW and created.created_at.tzinfo == UTC


def test_concurrent_claims_have_exactly_one_winner(any_store: SqlStore) -> None:
    with any_store.transaction() as tx:
        ids = [tx.tickets.create(new_ticket()).id for _ in range(10)]
    for ticket_id in ids:
        barrier = threading.Barrier(8)
        wins: list[str] = []
        errors: list[BaseException] = []

        def claim(staff: str, tid: int = ticket_id, b: threading.Barrier = barrier) -> None:
            try:
                b.wait()
                with any_store.transaction() as tx:
                    if tx.tickets.claim(tid, staff, NOW):
                        wins.append(staff)
            except BaseException as exc:  # surfaced below
                errors.append(exc)

        threads = [threading.Thread(target=claim, args=(f"@staff{k}:k",)) for k in range(8)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(60)
        assert errors == []
        assert len(wins) == 1, wins
        with any_store.transaction() as tx:
            got = tx.tickets.get(ticket_id)
        assert got is not None and got.claimed_by == wins[0] and got.status is Status.CLAIMED


def test_failed_transaction_leaves_no_ticket_and_no_outbox_row(any_store: SqlStore) -> None:
    with pytest.raises(RuntimeError), any_store.transaction() as tx:
        tx.tickets.create(new_ticket())
        tx.outbox.add(Outgoing("test", "dm", "reply", {"text": "hej"}), NOW)
        raise RuntimeError("crash between the change and the commit")
    with any_store.transaction() as tx:
        assert tx.outbox.pending("test") == []
        assert tx.tickets.for_asker("@anna:k") == []


def test_outbox_pending_until_marked_sent_and_dedupe_key_is_once(any_store: SqlStore) -> None:
    with any_store.transaction() as tx:
        first = tx.outbox.add(
            Outgoing("matrix", "!room", "weekly", {"t": 1}, dedupe_key="w48"), NOW
        )
        again = tx.outbox.add(
            Outgoing("matrix", "!room", "weekly", {"t": 2}, dedupe_key="w48"), NOW
        )
        other = tx.outbox.add(Outgoing("matrix", "!room", "reply", {"text": "å ä ö"}), NOW)
    assert first is not None and again is None and other is not None
    with any_store.transaction() as tx:
        pending = tx.outbox.pending("matrix")
        assert [p.id for p in pending] == [first, other]
        assert pending[1].payload == {"text": "å ä ö"} and len(pending[1].txn_id) == 32
        tx.outbox.mark_sent(first, NOW)
    with any_store.transaction() as tx:
        assert [p.id for p in tx.outbox.pending("matrix")] == [other]


def test_audit_log_is_append_only(any_store: SqlStore) -> None:
    with any_store.transaction() as tx:
        tx.audit.append(AuditEntry(NOW, "@maria:k", "claim", "ticket", "1", None, '{"a": 1}'))
    for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), any_store.transaction() as tx:
            tx.tickets.conn.execute(text(statement))  # type: ignore[attr-defined]
    with any_store.transaction() as tx:
        [entry] = tx.audit.for_entity("ticket", "1")
    assert entry.actor == "@maria:k" and entry.at == NOW


def test_stale_update_is_refused(any_store: SqlStore) -> None:
    with any_store.transaction() as tx:
        ticket = tx.tickets.create(new_ticket())
        assert tx.tickets.update(ticket, status=Status.WAITING) is not None
        assert tx.tickets.update(ticket, status=Status.RESOLVED) is None  # version moved on


def test_question_log_round_trip_in_utc(any_store: SqlStore) -> None:
    entry = QuestionEntry(
        NOW,
        "matrix",
        "@anna:k",
        "bou",
        "hr",
        "answered",
        "hr-sjuklon",
        None,
        0.71,
        "Sjuklön dag 1?",
    )
    with any_store.transaction() as tx:
        qid = tx.questions.log(entry)
        tx.questions.set_feedback(qid, "helpful", NOW + timedelta(minutes=1))
    with any_store.transaction() as tx:
        [row] = tx.questions.between(NOW - timedelta(days=1), NOW + timedelta(days=1))
        assert tx.questions.between(NOW + timedelta(hours=1), NOW + timedelta(days=1)) == []
    assert row.asked_at == NOW and row.feedback == "helpful" and row.text == "Sjuklön dag 1?"


def test_escalation_mark_is_once(any_store: SqlStore) -> None:
    with any_store.transaction() as tx:
        ticket = tx.tickets.create(new_ticket())
        later = NOW + timedelta(days=1)
        assert [t.id for t in tx.tickets.unclaimed_past_due(later)] == [ticket.id]
        assert tx.tickets.mark_escalated(ticket.id, later) is True
        assert tx.tickets.mark_escalated(ticket.id, later) is False
        assert tx.tickets.unclaimed_past_due(later) == []


def test_a_survey_is_run_sent_reminded_and_finished_once(any_store: SqlStore) -> None:
    """The yearly question (issue 14): each step happens once, asked() counts the sends
    made, and answers() gives the finished answers without anyone's id."""
    later = NOW + timedelta(days=8)
    with any_store.transaction() as tx:
        assert tx.surveys.start_run("hr", 2026, NOW) is True
        assert tx.surveys.start_run("hr", 2026, NOW) is False  # a second instance, a restart
        assert tx.surveys.start_run("it", 2026, NOW) is True
        assert tx.surveys.queue("@anna:k", "hr", 2026) is True
        assert tx.surveys.queue("@anna:k", "hr", 2026) is False
        assert tx.surveys.queue("@anna:k", "it", 2026) is True
        assert tx.surveys.queue("@omar:k", "hr", 2026) is True
    with any_store.transaction() as tx:
        assert [(s.user_id, s.area_id) for s in tx.surveys.queued()] == [
            ("@anna:k", "hr"),
            ("@anna:k", "it"),
            ("@omar:k", "hr"),
        ]
        assert [s.area_id for s in tx.surveys.queued("@anna:k")] == ["hr", "it"]
        assert tx.surveys.asked("hr", 2026) == 0  # queued is not asked
        assert tx.surveys.mark_sent("@anna:k", "hr", 2026, NOW) is True
        assert tx.surveys.mark_sent("@anna:k", "hr", 2026, later) is False
        assert tx.surveys.mark_sent("@omar:k", "hr", 2026, NOW) is True
    with any_store.transaction() as tx:
        assert tx.surveys.asked("hr", 2026) == 2 and tx.surveys.asked("hr", 2025) == 0
        assert tx.surveys.send("@anna:k", "hr", 2026) == SurveySend("@anna:k", "hr", 2026, NOW)
        assert [s.area_id for s in tx.surveys.open_sends("@anna:k")] == ["hr"]
        assert tx.surveys.due_reminders(NOW) == []
        assert [s.user_id for s in tx.surveys.due_reminders(later)] == ["@anna:k", "@omar:k"]
        assert tx.surveys.mark_reminded("@anna:k", "hr", 2026, later) is True
        assert tx.surveys.mark_reminded("@anna:k", "hr", 2026, later) is False
        first = SurveyAnswer("hr", "bou", 2026, 4, None, "Snabbare svar")
        assert tx.surveys.finish("@anna:k", "hr", 2026, first) is True
        assert tx.surveys.finish("@anna:k", "hr", 2026, first) is False  # not a second row
        assert tx.surveys.finish("@anna:k", "it", 2026, first) is False  # not sent: nothing
        assert tx.surveys.finish("@omar:k", "hr", 2026, None) is True  # skipped all three
        assert tx.surveys.mark_reminded("@omar:k", "hr", 2026, later) is False  # finished
    with any_store.transaction() as tx:
        assert tx.surveys.answers("hr", 2026) == [first]
        assert tx.surveys.answers("it", 2026) == [] and tx.surveys.answers("hr", 2025) == []
        assert tx.surveys.due_reminders(later + timedelta(days=30)) == []
        assert tx.surveys.open_sends("@anna:k") == []
        sent = tx.surveys.send("@anna:k", "hr", 2026)
        assert sent is not None and sent.finished and sent.reminded_at == later


def test_survey_answers_are_read_in_an_order_that_says_nothing_of_when(
    any_store: SqlStore,
) -> None:
    given = [
        SurveyAnswer("hr", "soc", 2026, 5, 5, None),
        SurveyAnswer("hr", None, 2026, None, 2, "Å"),
        SurveyAnswer("hr", "bou", 2026, 3, None, None),
        SurveyAnswer("hr", "bou", 2026, 1, 4, "Kortare väntan"),
    ]
    with any_store.transaction() as tx:
        for n, answer in enumerate(given):
            tx.surveys.queue(f"@u{n}:k", "hr", 2026)
            tx.surveys.mark_sent(f"@u{n}:k", "hr", 2026, NOW)
            tx.surveys.finish(f"@u{n}:k", "hr", 2026, answer)
    with any_store.transaction() as tx:
        read = tx.surveys.answers("hr", 2026)
    assert sorted(read, key=repr) == sorted(given, key=repr)
    assert read == [given[1], given[3], given[2], given[0]]  # by unit and answers


def test_concurrent_finishes_store_one_answer(any_store: SqlStore) -> None:
    """The same survey finished at once from two places (two instances, two chats):
    one answer row, whichever wins."""
    with any_store.transaction() as tx:
        tx.surveys.queue("@anna:k", "hr", 2026)
        tx.surveys.mark_sent("@anna:k", "hr", 2026, NOW)
    barrier = threading.Barrier(6)
    wins: list[int] = []
    errors: list[BaseException] = []

    def finish(n: int) -> None:
        try:
            barrier.wait()
            with any_store.transaction() as tx:
                answer = SurveyAnswer("hr", "bou", 2026, n % 5 + 1, None, None)
                if tx.surveys.finish("@anna:k", "hr", 2026, answer):
                    wins.append(n)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=finish, args=(n,)) for n in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert errors == [] and len(wins) == 1
    with any_store.transaction() as tx:
        assert [a.supported for a in tx.surveys.answers("hr", 2026)] == [wins[0] % 5 + 1]


def test_a_survey_opt_out_is_kept_until_taken_back(any_store: SqlStore) -> None:
    with any_store.transaction() as tx:
        assert tx.surveys.opted_out("@anna:k") is False
        tx.surveys.set_opted_out("@anna:k", True, NOW)
        tx.surveys.set_opted_out("@anna:k", True, NOW)  # twice is once
    with any_store.transaction() as tx:
        assert tx.surveys.opted_out("@anna:k") is True
        assert tx.surveys.opted_out("@omar:k") is False
        tx.surveys.set_opted_out("@anna:k", False, NOW)
        tx.surveys.set_opted_out("@omar:k", False, NOW)  # never opted out: nothing to undo
    with any_store.transaction() as tx:
        assert tx.surveys.opted_out("@anna:k") is False
