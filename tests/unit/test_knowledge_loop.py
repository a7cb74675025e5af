"""The knowledge loop as the people in it see it (issue 13): a manager's question
becomes a ticket, HR answers it with an article, and the HR lead accepts the
manager's wording in chat, one suggestion at a time; the file gets it, and after a
reload the same wording is answered directly."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.sql.store import SqlStore
from bot.messages import ConversationRef, IncomingMessage, Reply, ReplyKind
from bot.service import ConversationService
from knowledge.base import KnowledgeBase
from tests.conftest import example_copy, load_copy

MANAGER = "@anna.chef:exempelkommun.se"
HR_LEAD = "@maria.lindqvist:exempelkommun.se"
HR_STAFF = "@hr.konsult:exempelkommun.se"
IT_LEAD = "@karin.dahl:exempelkommun.se"
QUESTION = "min medarbetare har varit sjuk i tio dagar, vem betalar vad nu? ring 070-123 45 67"


class Loop:
    def __init__(self, base: Path, store: SqlStore) -> None:
        self.base = base
        self.store = store
        self.service = ConversationService(self.load(), store, clock=self.clock)
        self.n = 0

    @staticmethod
    def clock() -> datetime:
        return datetime(2026, 12, 2, 9, 0, tzinfo=UTC)

    def load(self) -> KnowledgeBase:
        return load_copy(self.base)

    def say(self, user: str, text: str) -> list[Reply]:
        self.n += 1
        ref = ConversationRef("test", f"dm:{user}")
        return self.service.handle(IncomingMessage(ref, user, text, f"e{self.n}"))


@pytest.fixture
def loop(tmp_path: Path, sql_store: SqlStore) -> Loop:
    return Loop(example_copy(tmp_path), sql_store)


def _ticket_answered_with_an_article(loop: Loop) -> None:
    [first] = loop.say(MANAGER, QUESTION)
    if first.kind is ReplyKind.ANSWER:  # the sick-leave reporting article: not it
        assert first.article_id != "hr-sjuklon"
        [offer] = loop.say(MANAGER, "nej")
    else:
        offer = first
    assert offer.offers_route, offer.text
    [routed] = loop.say(MANAGER, "ja")
    ticket = routed.ticket_id
    loop.say(HR_STAFF, f"ta {ticket}")
    loop.say(HR_STAFF, f"svara {ticket} #hr-sjuklon")


def test_the_lead_accepts_a_wording_and_it_is_answered_after_a_reload(loop: Loop) -> None:
    _ticket_answered_with_an_article(loop)
    [shown] = loop.say(HR_LEAD, "förslag")
    assert "Förslag 1 av 1, till artikeln **Sjuklön" in shown.text
    assert "ring [telefon]" in shown.text and "070" not in shown.text
    accept, skip = (c.says for c in shown.choices)
    assert accept is not None and accept.startswith("godkänn ")
    assert skip is not None and skip.startswith("hoppa över ")
    [done, after] = loop.say(HR_LEAD, accept)
    assert "Inskrivet i artikeln" in done.text and "Inga förslag väntar" in after.text
    file = (loop.base / "articles" / "hr" / "sjuklon.md").read_text(encoding="utf-8")
    assert "vem betalar vad nu? ring [telefon]" in file
    [again] = loop.say(HR_LEAD, accept)  # an old button, pressed twice
    assert "redan avgjort" in again.text
    loop.service.use_knowledge(loop.load())
    [answer] = loop.say(MANAGER, QUESTION.replace("ring 070-123 45 67", "ring [telefon]"))
    assert answer.kind is ReplyKind.ANSWER and answer.article_id == "hr-sjuklon"


def test_only_the_areas_lead_sees_and_decides_its_suggestions(loop: Loop) -> None:
    _ticket_answered_with_an_article(loop)
    with loop.store.transaction() as tx:
        [waiting] = tx.suggestions.pending()
    [other] = loop.say(IT_LEAD, "förslag")
    assert "Inga förslag väntar" in other.text  # IT's lead: not HR's wording
    [refused] = loop.say(IT_LEAD, f"godkänn {waiting.id}")
    assert f"inget förslag {waiting.id}" in refused.text
    [staff] = loop.say(HR_STAFF, "förslag")  # staff, not the lead
    assert "områdesansvariga" in staff.text
    [manager] = loop.say(MANAGER, f"godkänn {waiting.id}")
    assert "Jag hittar inget" not in manager.text and "Inskrivet" not in manager.text
    with loop.store.transaction() as tx:
        assert [s.id for s in tx.suggestions.pending()] == [waiting.id]


def test_a_skipped_wording_is_not_suggested_again(loop: Loop) -> None:
    _ticket_answered_with_an_article(loop)
    [shown] = loop.say(HR_LEAD, "förslag")
    [done, _] = loop.say(HR_LEAD, str(shown.choices[1].says))
    assert "föreslås inte igen" in done.text
    _ticket_answered_with_an_article(loop)  # the same question, answered the same way
    [none] = loop.say(HR_LEAD, "förslag")
    assert "Inga förslag väntar" in none.text
    assert "[telefon]" not in (loop.base / "articles" / "hr" / "sjuklon.md").read_text("utf-8")


def test_an_answered_ticket_becomes_a_draft_the_lead_publishes(loop: Loop) -> None:
    [first] = loop.say(MANAGER, "hur gör vi med julbord för personalen, får kommunen bjuda?")
    if first.kind is ReplyKind.ANSWER:
        loop.say(MANAGER, "nej")
    [routed] = loop.say(MANAGER, "ja")
    ticket, area = routed.ticket_id, routed.area_id
    assert ticket is not None and area is not None
    lead = loop.service.org.area(area).lead_user  # type: ignore[union-attr]
    staff = loop.service.org.area(area).staff[-1]  # type: ignore[union-attr]
    [early] = loop.say(staff, f"publicera {ticket}")
    assert "inget svar" in early.text  # nothing to make an article of yet
    loop.say(staff, f"ta {ticket}")
    loop.say(staff, f"svara {ticket} Kommunen får bjuda på julbord en gång om året.")
    [made] = loop.say(staff, f"publicera {ticket}")
    assert "Utkastet" in made.text, made.text
    drafts = list((loop.base / "drafts").rglob("*.md"))
    assert len(drafts) == 1
    text = drafts[0].read_text(encoding="utf-8")
    assert "julbord för personalen" in text and "en gång om året" in text
    assert not list((loop.base / "articles").rglob(drafts[0].name))  # not in the base yet
    [manager] = loop.say(MANAGER, "utkast")
    assert "Inga utkast" not in manager.text and "Utkast 1 av 1" not in manager.text
    [shown] = loop.say(lead, "utkast")
    assert "Utkast 1 av 1" in shown.text and "en gång om året" in shown.text
    publish, discard = (c.says for c in shown.choices)
    assert publish is not None and publish.startswith("publicera utkast ")
    [done, after] = loop.say(lead, publish)
    assert "Publicerat" in done.text and "Inga utkast" in after.text
    assert list((loop.base / "articles").rglob(drafts[0].name))
    [again] = loop.say(lead, publish)  # an old button
    assert "inget utkast" in again.text
    loop.service.use_knowledge(loop.load())
    [answer] = loop.say(MANAGER, "hur gör vi med julbord för personalen, får kommunen bjuda?")
    assert answer.kind is ReplyKind.ANSWER and "en gång om året" in answer.text


def test_drafts_are_not_shown_where_others_read_along(loop: Loop) -> None:
    [first] = loop.say(MANAGER, "hur gör vi med julbord för personalen, får kommunen bjuda?")
    if first.kind is ReplyKind.ANSWER:
        loop.say(MANAGER, "nej")
    [routed] = loop.say(MANAGER, "ja")
    area = loop.service.org.area(str(routed.area_id))
    assert area is not None and area.lead_user is not None
    loop.say(area.staff[-1], f"ta {routed.ticket_id}")
    loop.say(area.staff[-1], f"svara {routed.ticket_id} Kommunen bjuder en gång om året.")
    loop.say(area.staff[-1], f"publicera {routed.ticket_id}")
    ref = ConversationRef("test", "!allmant:exempelkommun.se")  # a room, not the area's own
    shared = IncomingMessage(
        ref, area.lead_user, "utkast", "shared2", shared_in=ref.conversation_id
    )
    [refused] = loop.service.handle(shared)
    assert "en gång om året" not in refused.text and "julbord" not in refused.text
    assert not refused.choices and "direkt" in refused.text
    [shown] = loop.say(area.lead_user, "utkast")  # in a direct chat: shown
    assert "en gång om året" in shown.text


def test_suggestions_are_not_shown_where_others_read_along(loop: Loop) -> None:
    _ticket_answered_with_an_article(loop)
    ref = ConversationRef("test", "!allmant:exempelkommun.se")  # a room, not HR's own
    shared = IncomingMessage(ref, HR_LEAD, "förslag", "shared1", shared_in=ref.conversation_id)
    [refused] = loop.service.handle(shared)
    assert "sjuk i tio dagar" not in refused.text and not refused.choices
    assert "direkt" in refused.text
    [shown] = loop.say(HR_LEAD, "förslag")  # in a direct chat: shown
    assert "sjuk i tio dagar" in shown.text
