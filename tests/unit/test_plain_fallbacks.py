"""Every kind of message the bot sends, through the real channel renderers: each Teams
card carries a plain-text fallback (``fallbackText``, and the activity's ``summary``)
with its content and its buttons as numbered lines saying what to type; each Matrix
message has a ``body`` that reads alone: no HTML or Markdown left in it, and a line
break wherever the HTML has one."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.matrix.sender import content_for
from adapters.reports.post import renderer
from adapters.sql.store import SqlStore
from adapters.teams.cards import CARD, activity_for
from bot.intro.weekly import send_checklists
from bot.jobs import post_weekly, push_suggestions
from bot.markup import as_plain
from bot.messages import Reply
from bot.survey_job import ask_surveys
from tests.conftest import example_copy, sqlite_store
from tests.unit.intro_world import FILED, World
from tests.unit.test_knowledge_loop import HR_LEAD, HR_STAFF, MANAGER, QUESTION
from tests.unit.test_lead_jobs import Lead
from tests.unit.test_survey import asks_in

Sent = tuple[str, dict[str, Any]]  # (outbox kind, payload)
CHANNELS = ("matrix", "teams", "cli", "test")
BOSS = "@kommundirektor:exempelkommun.se"


def _outbox(store: SqlStore) -> list[Sent]:
    with store.transaction() as tx:
        return [(i.kind, i.payload) for c in CHANNELS for i in tx.outbox.pending(c, limit=1000)]


def _replies(replies: list[Reply]) -> list[Sent]:
    return [("reply", r.to_payload()) for r in replies]


def rooms_everywhere(tmp_path: Path) -> Path:
    """The example base with a Matrix room and a Teams channel for every area and for
    leadership: every card and post has somewhere to go."""
    base = example_copy(tmp_path)
    org = base / "organisation.yaml"
    text = re.sub(
        r'(?m)^(    lead_user: "@([a-z.]+):exempelkommun.se"\n)',
        lambda m: f'{m.group(1)}    room: "!{m.group(2)}:k"\n    channel: "19:{m.group(2)}@t"\n',
        org.read_text(encoding="utf-8"),
    )
    text += '\nleadership_room: "!ledning:k"\nleadership_channel: "19:ledning@t"\n'
    org.write_text(text, encoding="utf-8")
    return base


def everything(lead: Lead, tmp_path: Path) -> list[Sent]:
    """One of each: answers, clarifications, offers, ticket cards, staff replies, ratings,
    suggestions, drafts, the weekly post, the yearly summary, a survey question, a
    checklist, errors."""
    said: list[Sent] = []

    def say(user: str, text: str) -> list[Reply]:
        replies = lead.say(user, text)
        said.extend(_replies(replies))
        return replies

    say("@ny.person:exempelkommun.se", "hur bokar jag poolbil")  # answer + unit question
    say(MANAGER, "semester")  # a short word: a clarification, or an answer
    say(MANAGER, "0")
    [first] = say(MANAGER, QUESTION)
    if not first.offers_route:
        say(MANAGER, "nej")
    [routed] = say(MANAGER, "ja")
    ticket = routed.ticket_id
    say(HR_STAFF, "kö")
    say(HR_STAFF, f"ta {ticket}")
    say(HR_STAFF, f"notera {ticket} Ring facket.")
    say(HR_STAFF, f"svara {ticket} #hr-sjuklon")
    say(MANAGER, "mina ärenden")
    say(MANAGER, "ja")  # it helped: closed, a rating question
    say(MANAGER, "4")
    say(HR_LEAD, "förslag")
    push_suggestions(lead.service, "2026-W50", lead.service.clock())
    say(MANAGER, "hur gör vi med julbord för personalen, får kommunen bjuda?")
    [offer] = say(MANAGER, "nej")
    if offer.offers_route:
        [routed] = say(MANAGER, "ja")
        area = lead.service.org.area(routed.area_id or "")
        assert area is not None
        staff = area.staff[-1]
        say(staff, f"ta {routed.ticket_id}")
        say(staff, f"svara {routed.ticket_id} Kommunen får bjuda en gång om året.")
        say(staff, f"publicera {routed.ticket_id}")
        say(str(area.lead_user), "utkast")
    say(HR_LEAD, "årsanalys")
    say(BOSS, "årsanalys")
    post_weekly(lead.service, "2026-W49", render=renderer(lead.service.org.municipality))
    # errors: unknown ticket, a stale button, no right, nonsense, NUL and huge input
    say(HR_STAFF, "ta 999")
    say(HR_STAFF, f"lös {ticket}")
    say(MANAGER, f"ta {ticket}")
    say(MANAGER, "\x00" * 5 + "x" * 5000)
    say(MANAGER, "hjälp")
    # a survey question and a new manager's checklist, each in its own world
    asks_in(lead.service, "hr", 12)
    ask_surveys(lead.service, datetime(2026, 12, 7, 9, 0, tzinfo=UTC))
    world = World.at(tmp_path / "intro", sqlite_store(tmp_path / "intro.db"))
    hello = world.say(FILED, "hej")
    send_checklists(world.service, world.now)
    checklist = world.say(FILED, "1")
    return [*said, *_outbox(lead.store), *_outbox(world.store), *_replies(hello + checklist)]


@pytest.fixture
def sent(tmp_path: Path, sql_store: SqlStore) -> list[Sent]:
    items = everything(Lead(rooms_everywhere(tmp_path / "base"), sql_store), tmp_path)
    kinds = {kind for kind, _ in items}
    texts = " ".join(str(p.get("text", "")) for _, p in items)
    assert {"reply", "notice", "ticket_card", "ticket_update", "weekly"} <= kinds, kinds
    for seen in (
        "Veckans förslag",
        "Utkast 1 av 1",
        "Årsanalys",
        "Fråga 1 av 3",
        "Din introduktion",
    ):
        assert seen in texts, seen  # suggestions, drafts, yearly, survey, tickets
    return items


_MD_LINK = re.compile(r"\[[^\]\n]+\]\([^)\n]+\)")


def _card_words(payload: dict[str, Any]) -> list[str]:
    """What a person must find in a card's fallback: each line of the text (for a
    ticket card its title and question), without the typed-answer hint."""
    view = payload.get("card")
    if isinstance(view, dict):
        return [str(view.get("title", "")), str(view.get("question") or "")[:60]]
    lines = as_plain(str(payload.get("text", ""))).split("\n")
    if payload.get("choices"):  # "Se också:" goes with the choices: the buttons say them
        lines = [ln for ln in lines if not ln.endswith(":")]
    return [re.sub(r"\s*\((ja/nej|yes/no)\)$", "", ln).strip() for ln in lines if ln.strip()]


def test_every_teams_card_has_a_plain_fallback_with_its_buttons(sent: list[Sent]) -> None:
    cards = 0
    for kind, payload in sent:
        activity = activity_for(kind, payload)
        for attachment in activity.get("attachments") or []:
            if attachment["contentType"] != CARD:
                continue
            cards += 1
            card = attachment["content"]
            fallback = card.get("fallbackText", "")
            assert fallback.strip(), card
            assert activity["summary"] == fallback
            assert "**" not in fallback and "<" not in fallback.replace("<5", "")
            numbered = [ln for ln in fallback.split("\n") if re.match(r"\d+\. ", ln)]
            for action in card.get("actions") or []:
                title = re.sub(r"^\d+\. ", "", action["title"])
                typed = (action.get("data") or {}).get("text") or ""
                quoted = (f"”{typed}”", f"“{typed}”") if typed else ("",)
                lines = [ln for ln in numbered if title in ln and any(q in ln for q in quoted)]
                assert lines, (action["title"], typed, fallback)
            for word in _card_words(payload):
                stripped = re.sub(r"^(\d+\.|-) ", "", word)
                listed = any(stripped in ln for ln in numbered)
                assert stripped in fallback or listed, (stripped, fallback)
    assert cards >= 10


def _html_lines(formatted: str) -> list[str]:
    text = re.sub(r"<br>|</p>|</li>|<ul>|<ol[^>]*>", "\n", formatted)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return [ln.strip() for ln in text.split("\n") if ln.strip()]


def test_every_matrix_body_reads_alone(sent: list[Sent]) -> None:
    for kind, payload in sent:
        content = content_for(kind, payload)
        body, formatted = content["body"], content["formatted_body"]
        assert body.strip(), payload
        assert "**" not in body and "__" not in body, body
        assert not re.search(r"</?(b|strong|em|i|p|br|ul|ol|li|a)\b", body), body
        assert not _MD_LINK.search(body), body
        assert not re.search(r"(?m)^#{1,6} ", body), body
        assert not re.search(r"(?<![\w*])\*[^\s*][^*\n]*\*(?![\w*])", body), body
        # a line in the body wherever the HTML breaks one (list markers aside)
        lines = [re.sub(r"^(\d+\.|-) ", "", ln).strip() for ln in body.split("\n")]
        assert [ln for ln in lines if ln] == _html_lines(formatted), (body, formatted)
