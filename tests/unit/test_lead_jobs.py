"""What an area lead gets without asking (issue 13): the week's suggested wordings in
the area's own room and channel, with buttons, and once a month the articles past
their review date, with a button that marks them reviewed today."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from adapters.sql.store import SqlStore
from bot.jobs import push_suggestions, remind_reviews, scheduled_month
from bot.messages import ConversationRef, IncomingMessage, Reply
from bot.service import ConversationService
from routing.ports import OutboxItem
from tests.conftest import example_copy, load_copy, set_reviewed
from tests.unit.test_knowledge_loop import _ticket_answered_with_an_article

MANAGER = "@anna.chef:exempelkommun.se"
HR_LEAD = "@maria.lindqvist:exempelkommun.se"
HR_STAFF = "@hr.konsult:exempelkommun.se"
IT_LEAD = "@karin.dahl:exempelkommun.se"
HR_ROOM = "!hr:exempelkommun.se"
HR_CHANNEL = "19:hr@thread.tacv2"
NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # a Monday, after the posting time


class Lead:
    def __init__(self, base: Path, store: SqlStore) -> None:
        self.base, self.store, self.n = base, store, 0
        self.service = ConversationService(load_copy(base), store, clock=lambda: NOW)

    def say(self, user: str, text: str, shared_in: str | None = None) -> list[Reply]:
        self.n += 1
        room = shared_in or f"dm:{user}"
        ref = ConversationRef("matrix", room)
        msg = IncomingMessage(ref, user, text, f"e{self.n}", shared_in=shared_in)
        return self.service.handle(msg)

    def posted(self) -> list[OutboxItem]:
        with self.store.transaction() as tx:
            items = [*tx.outbox.pending("matrix"), *tx.outbox.pending("teams")]
        return [i for i in items if i.conversation_id in (HR_ROOM, HR_CHANNEL)]


@pytest.fixture
def lead(tmp_path: Path, sql_store: SqlStore) -> Lead:
    base = example_copy(tmp_path)
    org = base / "organisation.yaml"
    text = org.read_text(encoding="utf-8")
    hr_lead = f'    lead_user: "{HR_LEAD}"\n'
    assert text.count(hr_lead) == 1
    org.write_text(
        text.replace(hr_lead, f'{hr_lead}    room: "{HR_ROOM}"\n    channel: "{HR_CHANNEL}"\n'),
        encoding="utf-8",
    )
    return Lead(base, sql_store)


def test_the_weeks_suggestions_reach_the_area_room_once_with_buttons(lead: Lead) -> None:
    assert push_suggestions(lead.service, "2026-W49", NOW) == []  # none waiting: no post
    _ticket_answered_with_an_article(lead)  # HR answers with an article: a suggestion
    queued = push_suggestions(lead.service, "2026-W49", NOW)
    assert sorted(queued) == sorted([f"matrix:{HR_ROOM}", f"teams:{HR_CHANNEL}"])
    assert push_suggestions(lead.service, "2026-W49", NOW) == []  # a restart: not twice
    posts = {i.channel: i for i in lead.posted()}
    matrix = posts["matrix"].payload
    assert "Veckans förslag för **HR** (1 väntar)" in str(matrix["text"])
    assert "vem betalar vad nu? ring [telefon]" in str(matrix["text"])
    assert matrix["mention"] == HR_LEAD and matrix["react"] is True
    accept, skip = (c[3] for c in matrix["choices"])  # type: ignore[union-attr]
    assert accept.startswith("godkänn ") and skip.startswith("hoppa över ")
    # another area's lead in the room presses it: refused; the HR lead: written
    [refused] = lead.say(IT_LEAD, accept, shared_in=HR_ROOM)
    assert "Det finns inget förslag" in refused.text
    [done, after] = lead.say(HR_LEAD, accept, shared_in=HR_ROOM)
    assert "Inskrivet i artikeln" in done.text and "Inga förslag väntar" in after.text
    sjuklon = (lead.base / "articles" / "hr" / "sjuklon.md").read_text(encoding="utf-8")
    assert "vem betalar vad nu? ring [telefon]" in sjuklon
    assert push_suggestions(lead.service, "2026-W50", NOW) == []  # decided: next week, none


def _age(lead: Lead, name: str, reviewed: str | None) -> None:
    set_reviewed(lead.base / "articles" / "hr" / name, reviewed)


def test_articles_past_review_are_listed_monthly_and_the_button_marks_them(
    lead: Lead,
) -> None:
    _age(lead, "sjuklon.md", "2025-06-01")
    _age(lead, "bisyssla.md", None)
    lead.service.use_knowledge(load_copy(lead.base))
    queued = remind_reviews(lead.service, "2026-12", NOW)
    assert sorted(queued) == sorted([f"matrix:{HR_ROOM}", f"teams:{HR_CHANNEL}"])
    assert remind_reviews(lead.service, "2026-12", NOW) == []  # once a month
    [post] = [i for i in lead.posted() if i.channel == "teams"]
    text = str(post.payload["text"])
    assert "Dags att granska **HR**" in text
    assert "granskad 2025-06-01" in text and "granskad aldrig" in text
    assert "(`hr-sjuklon`), ägare: HR-chef Maria Lindqvist, granskad 2025-06-01" in text
    [button] = post.payload["choices"]  # type: ignore[misc]
    says = button[3]
    assert says.split()[0] == "granskad"
    assert set(says.split()[1:]) == {"hr-sjuklon", "hr-bisyssla"}

    [refused] = lead.say(IT_LEAD, says, shared_in=HR_ROOM)  # not their area's articles
    assert refused.text.count("finns inte i dina områden") == 2
    assert "reviewed: 2025-06-01" in (lead.base / "articles/hr/sjuklon.md").read_text()

    [done] = lead.say(HR_STAFF, says, shared_in=HR_ROOM)
    assert "Markerade som granskade i dag (2026-12-07)" in done.text
    for name in ("sjuklon.md", "bisyssla.md"):
        assert "reviewed: 2026-12-07" in (lead.base / "articles/hr" / name).read_text()
    kb = load_copy(lead.base)
    assert {a.id for a in kb.articles if a.reviewed == date(2026, 12, 7)} == {
        "hr-sjuklon",
        "hr-bisyssla",
    }
    with lead.store.transaction() as tx:
        audited = [*tx.audit.for_entity("articles", "hr-sjuklon")]
    assert [(e.actor, e.action) for e in audited] == [(HR_STAFF, "article_reviewed")]
    [again] = lead.say(HR_STAFF, says, shared_in=HR_ROOM)  # a second press: still marked
    assert "Markerade som granskade" in again.text
    lead.service.use_knowledge(kb)
    assert remind_reviews(lead.service, "2027-01", NOW) == []  # reviewed: nothing next month


def test_the_monthly_list_waits_for_the_months_first_business_day() -> None:
    # 1 January 2027 is New Year's Day (a Friday): the first business day is Monday the 4th
    assert scheduled_month(datetime(2027, 1, 1, 12, 0, tzinfo=UTC)) is None
    assert scheduled_month(datetime(2027, 1, 4, 6, 0, tzinfo=UTC)) is None  # 07:00 Stockholm
    assert scheduled_month(datetime(2027, 1, 4, 6, 31, tzinfo=UTC)) == "2027-01"
    assert scheduled_month(datetime(2027, 1, 20, 6, 0, tzinfo=UTC)) == "2027-01"


def test_a_long_typed_list_is_marked_up_to_its_limit_and_says_so(lead: Lead) -> None:
    ids = " ".join(f"hr-okand-{n}" for n in range(25))
    [reply] = lead.say(HR_STAFF, f"granskad {ids}")
    assert "Högst 20 artiklar åt gången; de övriga 5 är inte markerade." in reply.text
    assert reply.text.count("finns inte i dina områden") == 20
