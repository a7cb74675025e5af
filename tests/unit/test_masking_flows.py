"""Personal data masked outside the ticket (issue 15): the ticket keeps what the asker
wrote, staff see a banner when it holds a personnummer, and the weekly summary's
example question per knowledge gap is masked. Terminal path with a real store."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.sql.store import SqlStore
from bot.messages import ConversationRef, IncomingMessage, Reply, ReplyKind
from bot.reports import load_summary
from bot.service import ConversationService
from knowledge.base import KnowledgeBase
from routing.report import week_of
from tests.conftest import example_copy, load_copy

ASKER = "@anna.chef:exempelkommun.se"
HR_STAFF = "@hr.konsult:exempelkommun.se"
NOW = datetime(2026, 11, 26, 9, tzinfo=UTC)
PNR = "811218-9876"
QUESTION = f"Jag har inte fått någon cykelförmån på lönen, mitt personnummer är {PNR}"
BANNER = "⚠ Ärendet innehåller ett personnummer"


HR_LEAD = "@maria.lindqvist:exempelkommun.se"


class Chat:
    def __init__(self, kb: KnowledgeBase, store: SqlStore) -> None:
        self.service = ConversationService(kb, store, clock=lambda: NOW)
        self.store, self.n = store, 0

    def say(self, user: str, text: str) -> list[Reply]:
        self.n += 1
        msg = IncomingMessage(ConversationRef("test", f"dm:{user}"), user, text, f"e{self.n}")
        return self.service.handle(msg)

    def ticket(self, question: str) -> int:
        [offer] = self.say(ASKER, question)
        assert offer.offers_route
        [routed] = self.say(ASKER, "ja")
        assert routed.kind is ReplyKind.ROUTED and routed.ticket_id is not None
        return routed.ticket_id

    def cards(self, ticket: int) -> list[str]:
        with self.store.transaction() as tx:
            items = [*tx.outbox.pending("matrix"), *tx.outbox.pending("teams")]
        return [
            str(i.payload["text"])
            for i in items
            if i.kind in ("ticket_card", "ticket_update") and i.payload.get("ticket_id") == ticket
        ]


@pytest.fixture
def with_rooms(tmp_path: Path) -> KnowledgeBase:
    """The example with a Matrix room and a Teams channel for HR (the ticket cards)."""
    base = example_copy(tmp_path)
    org = base / "organisation.yaml"
    text = org.read_text(encoding="utf-8")
    lead = f'    lead_user: "{HR_LEAD}"\n'
    assert text.count(lead) == 1
    org.write_text(
        text.replace(lead, f'{lead}    room: "!hr:x"\n    channel: "19:hr@thread.tacv2"\n'),
        encoding="utf-8",
    )
    return load_copy(base)


def test_staff_see_a_banner_and_the_ticket_keeps_the_personnummer(
    with_rooms: KnowledgeBase, sql_store: SqlStore
) -> None:
    chat = Chat(with_rooms, sql_store)
    ticket = chat.ticket(QUESTION)
    with sql_store.transaction() as tx:
        row = tx.tickets.get(ticket)
    assert row is not None and row.question is not None and PNR in row.question  # the record
    cards = chat.cards(ticket)
    assert len(cards) == 2 and all(BANNER in c and PNR in c for c in cards)  # room, channel
    [view] = chat.say(HR_STAFF, f"ärende {ticket}")
    assert BANNER in view.text and PNR in view.text
    [own] = chat.say(ASKER, f"ärende {ticket}")  # the asker wrote it: no warning to them
    assert BANNER not in own.text and PNR in own.text
    chat.say(HR_STAFF, "språk engelska")
    [english] = chat.say(HR_STAFF, f"ärende {ticket}")
    assert "⚠ The ticket contains a personal identity number" in english.text


def test_no_banner_without_a_personnummer_and_one_added_later_is_seen(
    with_rooms: KnowledgeBase, sql_store: SqlStore
) -> None:
    chat = Chat(with_rooms, sql_store)
    ticket = chat.ticket("Jag har inte fått någon cykelförmån på lönen, ring 070-123 45 67")
    cards = chat.cards(ticket)
    assert len(cards) == 2 and all("⚠" not in c for c in cards)
    [view] = chat.say(HR_STAFF, f"ärende {ticket}")
    assert "⚠" not in view.text
    chat.say(ASKER, f"komplettera {ticket} mitt personnummer är 19811218-9876")
    [view] = chat.say(HR_STAFF, f"ärende {ticket}")
    assert BANNER in view.text


def test_the_weekly_gap_example_is_masked_for_the_areas_staff(
    example_kb: KnowledgeBase, sql_store: SqlStore
) -> None:
    chat = Chat(example_kb, sql_store)
    chat.ticket(QUESTION + ", Maria Lindqvist sa att lönen kommer, anna@exempel.se")
    summary = load_summary(chat.service, week_of(NOW), NOW, viewer=HR_STAFF)
    [example] = [g.example for g in summary.gaps if g.area_id == "hr" and g.example]
    assert "cykelförmån" in example and "[personnummer]" in example
    assert "[namn]" in example and "[e-post]" in example
    assert PNR not in example and "Lindqvist" not in example and "anna@" not in example


def test_the_yearly_example_and_a_suggestion_mask_a_colleagues_stored_name(
    example_kb: KnowledgeBase, sql_store: SqlStore
) -> None:
    """The display name of someone other than the writer, which the bot has stored,
    is masked wherever text leaves the ticket (routing.names, one rule): in the yearly
    analysis's lead version and in a suggested phrasing, not only in the weekly."""
    from datetime import timedelta

    from bot.reports import load_yearly
    from knowledge.matcher import Thresholds

    colleague = "@bo.chef:exempelkommun.se"
    chat = Chat(example_kb, sql_store)
    with chat.store.transaction() as tx:
        tx.people.set_display_name(colleague, "Chefsson, Bo (BoU)", NOW)
    chat.ticket("Jag har inte fått någon cykelförmån på lönen, Bo Chefsson på BoU säger samma")
    yearly = load_yearly(chat.service, "hr", 2026, NOW, lead_version=True)
    [example] = [g.example for g in yearly.gaps if g.example]
    assert "cykelförmån" in example and "Chefsson" not in example, example

    chat.service = ConversationService(  # every question offers choices: a picked one teaches
        example_kb,
        sql_store,
        thresholds=Thresholds(answer=1.01, clarify=0.0),
        clock=lambda: NOW + timedelta(hours=1),
    )
    [choices] = chat.say(ASKER, "poolbilen åt Bo Chefsson i morgon")
    assert choices.kind is ReplyKind.CLARIFY
    chat.say(ASKER, "1")
    chat.say(ASKER, "ja")
    with sql_store.transaction() as tx:
        [suggestion] = tx.suggestions.pending()
    assert suggestion.text == "poolbilen åt [namn] i morgon", suggestion.text
