"""Tickets as the people involved see them: a manager, HR staff, other staff, the lead."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.sql.store import SqlStore
from bot.jobs import escalate_overdue
from bot.messages import ConversationRef, IncomingMessage, Reply, ReplyKind
from bot.service import ConversationService
from knowledge.base import KnowledgeBase

MANAGER = "@anna.chef:exempelkommun.se"
HR1 = "@maria.lindqvist:exempelkommun.se"  # HR lead and staff
HR2 = "@hr.konsult:exempelkommun.se"
IT = "@karin.dahl:exempelkommun.se"
HR_QUESTION = "Vilka regler gäller för cykelförmån via bruttolöneavdrag?"


class Office:
    """Several people talking to one bot over one database, with a controllable clock."""

    def __init__(self, kb: KnowledgeBase, store: SqlStore) -> None:
        self.now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # a Thursday, 10:00 in Stockholm
        self.service = ConversationService(kb, store, clock=lambda: self.now)
        self.store = store
        self.n = 0

    def say(self, user: str, text: str, event_id: str | None = None) -> list[Reply]:
        self.n += 1
        msg = IncomingMessage(
            ConversationRef("test", f"dm:{user}"), user, text, event_id or f"ev{self.n}"
        )
        return self.service.handle(msg)

    def inbox(self, user: str) -> list[str]:
        """Messages waiting for ``user`` that they did not get as a direct reply."""
        with self.store.transaction() as tx:
            return [
                str(i.payload["text"]) for i in tx.outbox.pending("test", user) if i.kind != "reply"
            ]

    def ticket(self, manager: str = MANAGER) -> int:
        """The manager asks what the bot cannot answer and says yes to sending it on."""
        [offer] = self.say(manager, HR_QUESTION)
        assert offer.kind is ReplyKind.NO_ANSWER and offer.offers_route, offer
        [reply] = self.say(manager, "ja")
        assert reply.kind is ReplyKind.ROUTED and reply.ticket_id is not None
        return reply.ticket_id


@pytest.fixture
def office(example_kb: KnowledgeBase, sql_store: SqlStore) -> Office:
    return Office(example_kb, sql_store)


def test_unanswered_question_becomes_a_ticket_in_the_owning_queue(office: Office) -> None:
    ticket = office.ticket()
    [queue] = office.say(HR2, "kö")
    assert f"**{ticket}**" in queue.text and "cykelförmån" in queue.text
    assert "Barn- och utbildningsförvaltningen" in queue.text
    [queue_it] = office.say(IT, "kö")
    assert "tom" in queue_it.text


def test_second_claimer_is_told_who_has_it(office: Office) -> None:
    ticket = office.ticket()
    [won] = office.say(HR1, f"ta {ticket}")
    [lost] = office.say(HR2, f"ta {ticket}")
    assert "Du har tagit" in won.text
    assert f"redan tagits av {HR1}" in lost.text
    assert any("har tagit ditt ärende" in m for m in office.inbox(MANAGER))


def test_answer_is_relayed_and_the_note_is_not(office: Office) -> None:
    ticket = office.ticket()
    office.say(HR1, f"ta {ticket}")
    office.say(HR1, f"notera {ticket} Internt: facket har synpunkter")
    office.say(HR1, f"svara {ticket} Vi har ingen cykelförmån ännu.")
    inbox = office.inbox(MANAGER)
    assert any("Vi har ingen cykelförmån ännu." in m and "Löste det din fråga?" in m for m in inbox)
    assert not any("facket" in m for m in inbox)
    [view] = office.say(MANAGER, f"ärende {ticket}")
    assert "Vi har ingen cykelförmån" in view.text and "facket" not in view.text
    [staff_view] = office.say(HR2, f"ärende {ticket}")
    assert "facket" in staff_view.text
    [closed] = office.say(MANAGER, "ja")
    assert f"Ärende {ticket} är avslutat" in closed.text
    [mine] = office.say(MANAGER, "mina ärenden")
    assert "avslutat" in mine.text


def test_not_solved_reopens_and_the_asker_can_add_information(office: Office) -> None:
    ticket = office.ticket()
    office.say(HR1, f"fråga {ticket} Gäller det elcykel?")
    assert any("behöver veta mer" in m for m in office.inbox(MANAGER))
    [added] = office.say(MANAGER, f"komplettera {ticket} Ja, elcykel.")
    assert "lagt till" in added.text
    office.say(HR1, f"svara {ticket} Nej tyvärr.")
    [reopened] = office.say(MANAGER, "nej")
    assert "återöppnar" in reopened.text
    [queue] = office.say(HR2, "kö")
    assert f"**{ticket}** återöppnat" in queue.text


def test_confidential_ticket_is_hidden_from_other_areas_and_reads_are_audited(
    office: Office,
) -> None:
    ticket = office.ticket()
    [denied] = office.say(IT, f"ärende {ticket}")
    assert "som du har behörighet till" in denied.text and "cykelförmån" not in denied.text
    office.say(HR2, f"ärende {ticket}")
    with office.store.transaction() as tx:
        actions = [(e.actor, e.action) for e in tx.audit.for_entity("ticket", str(ticket))]
    assert (
        (IT, "read_denied") in actions
        and (HR2, "read") in actions
        and (MANAGER, "create") in actions
    )


def test_staff_of_another_area_cannot_claim(office: Office) -> None:
    ticket = office.ticket()
    [reply] = office.say(IT, f"ta {ticket}")
    assert "som du har behörighet till" in reply.text


def test_transfer_moves_the_ticket_and_is_logged_as_a_correction(office: Office) -> None:
    ticket = office.ticket()
    [moved] = office.say(HR1, f"flytta {ticket} it Gäller behörighet i ett system")
    assert "flyttat till IT-drift" in moved.text
    assert any("flyttats till IT-drift" in m for m in office.inbox(MANAGER))
    [queue] = office.say(IT, "kö")
    assert f"**{ticket}**" in queue.text
    with office.store.transaction() as tx:
        t = tx.tickets.get(ticket)
        assert t is not None and t.original_area_id == "hr" and t.area_id == "it"
        assert any(e.action == "transfer" for e in tx.audit.for_entity("ticket", str(ticket)))


def test_redelivered_message_creates_no_second_ticket(office: Office) -> None:
    office.say(MANAGER, HR_QUESTION)
    first = office.say(MANAGER, "ja", event_id="$same")
    again = office.say(MANAGER, "ja", event_id="$same")
    assert first and again == []
    with office.store.transaction() as tx:
        assert len(tx.tickets.for_asker(MANAGER)) == 1


def test_unclaimed_ticket_past_target_is_escalated_once(office: Office) -> None:
    ticket = office.ticket()
    office.now += timedelta(hours=2)
    assert escalate_overdue(office.service) == []  # HR's claim target is 4 business hours
    office.now += timedelta(days=1)
    assert escalate_overdue(office.service) == [ticket]
    assert escalate_overdue(office.service) == []
    with office.store.transaction() as tx:
        lead_msgs = [i for i in tx.outbox.pending("cli", HR1) if i.kind == "escalation"]
        escalations = [
            e for e in tx.audit.for_entity("ticket", str(ticket)) if e.action == "escalate"
        ]
    assert len(lead_msgs) == 1 and len(escalations) == 1


def test_question_starting_with_a_command_word_stays_a_question(office: Office) -> None:
    [reply] = office.say(MANAGER, "ta bort behörighet i systemet för en som slutat")
    assert reply.kind is not ReplyKind.INFO or "handläggare" not in reply.text


def _units(office: Office) -> list[str | None]:
    with office.store.transaction() as tx:
        rows = tx.questions.between(office.now - timedelta(1), office.now + timedelta(1))
    return [q.unit_id for q in rows]


def test_a_new_users_first_question_is_answered_first_and_the_unit_asked_once_after(
    office: Office,
) -> None:
    newbie = "@ny.chef:exempelkommun.se"
    answer, unit = office.say(newbie, "Hur bokar jag en poolbil?")
    assert answer.kind is ReplyKind.ANSWER and answer.article_id == "service-bilbokning"
    assert "vilken förvaltning" in unit.text and len(unit.choices) == 5
    assert [c.text for c in unit.choices][:2] == ["enhet 1", "enhet 2"]  # buttons say it
    [noted] = office.say(newbie, "enhet 3")
    assert "Socialförvaltningen" in noted.text
    [thanks] = office.say(newbie, "ja")  # the answer's ja/nej still waits, unblocked
    assert "Tack" in thanks.text
    [again] = office.say(newbie, "Var hittar jag min lönespecifikation?")
    assert again.kind is ReplyKind.ANSWER  # and the unit is not asked again
    assert _units(office) == ["soc", "soc"]  # the first question is counted there too


def test_ignoring_the_unit_question_loses_nothing(office: Office) -> None:
    newbie = "@ny.chef:exempelkommun.se"
    answer, _unit = office.say(newbie, "Hur bokar jag en poolbil?")
    assert answer.kind is ReplyKind.ANSWER
    [next_answer] = office.say(newbie, "Var hittar jag min lönespecifikation?")
    assert next_answer.kind is ReplyKind.ANSWER
    assert next_answer.article_id == "hr-lonespecifikation"
    [nej] = office.say(newbie, "nej")  # the pending ja/nej is the last answer's
    assert "Vill du att jag skickar frågan till HR" in nej.text
    assert _units(office) == [None, None]  # counted, without a unit
    office.say(newbie, "enhet")  # and they can still set it, as a list
    [noted] = office.say(newbie, "2")
    assert "Barn- och utbildningsförvaltningen" in noted.text
    assert _units(office) == ["bou", "bou"]


def test_nothing_becomes_a_ticket_before_the_asker_says_yes(office: Office) -> None:
    [offer] = office.say(MANAGER, "vem vann melodifestivalen")
    assert offer.kind is ReplyKind.NO_ANSWER and offer.offers_route and not offer.choices
    assert "Det hittar jag inget svar på" in offer.text and "HR" in offer.text
    assert "Kansli och registratur" in offer.text  # far from every article: triage
    [declined] = office.say(MANAGER, "nej")
    assert "Okej" in declined.text
    with office.store.transaction() as tx:
        assert tx.tickets.get(1) is None
    [offer] = office.say(MANAGER, "berätta ett skämt")
    assert offer.offers_route and not offer.choices  # no menu of far-off articles
    [offer] = office.say(MANAGER, "recept på kladdkaka")
    office.say(MANAGER, "ja")
    with office.store.transaction() as tx:
        ticket = tx.tickets.get(1)
    assert ticket is not None and ticket.area_id == "kansli"
    assert ticket.question == "recept på kladdkaka" and ticket.route_reason == "confirmed"


def test_a_clear_area_is_offered_and_markup_in_the_question_stays_text(office: Office) -> None:
    [offer] = office.say(MANAGER, HR_QUESTION)
    assert "**HR**" in offer.text
    [offer] = office.say(MANAGER, "<img src=x onerror=alert(1)> @room")
    assert offer.kind is ReplyKind.NO_ANSWER and offer.offers_route
    assert "<img" not in offer.text  # the offer does not repeat the question


def _suggestions(office: Office) -> list:  # type: ignore[type-arg]
    with office.store.transaction() as tx:
        return tx.suggestions.pending()


def test_answering_with_an_article_sends_it_records_it_and_suggests_the_wording(
    office: Office,
) -> None:
    ticket = office.ticket()
    office.say(HR1, f"ta {ticket}")
    [sent] = office.say(HR1, f"svara {ticket} #hr-sjuklon Här är vad som gäller.")
    assert "besvarat" in sent.text
    [relayed] = office.inbox(MANAGER)[-1:]
    assert "Här är vad som gäller." in relayed and "Sjuklön" in relayed
    assert "Löste det din fråga?" in relayed
    with office.store.transaction() as tx:
        assert tx.tickets.get(ticket).answer_article == "hr-sjuklon"  # type: ignore[union-attr]
    [suggestion] = _suggestions(office)
    assert (suggestion.article_id, suggestion.area_id, suggestion.source) == (
        "hr-sjuklon",
        "hr",
        "ticket",
    )
    assert suggestion.text == HR_QUESTION


def test_an_unknown_article_answers_nothing(office: Office) -> None:
    ticket = office.ticket()
    office.say(HR1, f"ta {ticket}")
    [refused] = office.say(HR1, f"svara {ticket} #finns-inte")
    assert "ingen artikel med id finns-inte" in refused.text
    with office.store.transaction() as tx:
        assert tx.tickets.get(ticket).status == "claimed"  # type: ignore[union-attr]
    assert _suggestions(office) == []


def test_a_picked_choice_that_helped_becomes_a_masked_suggestion_once(
    example_kb: KnowledgeBase, sql_store: SqlStore
) -> None:
    from knowledge.matcher import Thresholds

    service = ConversationService(
        example_kb,
        sql_store,
        thresholds=Thresholds(answer=1.01, clarify=0.0),
        clock=lambda: datetime(2026, 11, 26, 9, 0, tzinfo=UTC),
    )
    n = 0

    def say(text: str) -> list[Reply]:
        nonlocal n
        n += 1
        ref = ConversationRef("test", f"dm:{MANAGER}")
        return service.handle(IncomingMessage(ref, MANAGER, text, f"e{n}"))

    wording = "poolbilen åt maria lindqvist, ring 070-123 45 67"
    for _ in range(2):  # the same words twice: suggested once
        [choices] = say(wording)
        assert choices.kind is ReplyKind.CLARIFY
        picked = choices.choices[0].article_id
        say("1")
        say("ja")
    with sql_store.transaction() as tx:
        [suggestion] = tx.suggestions.pending()
    assert suggestion.article_id == picked and suggestion.source == "clarify"
    assert suggestion.text == "poolbilen åt [namn], ring [telefon]"


def test_an_answer_found_directly_or_not_helpful_teaches_nothing(office: Office) -> None:
    office.say(MANAGER, "Hur bokar jag en poolbil?")
    office.say(MANAGER, "ja")  # the matcher found it: nothing to learn
    office.say(MANAGER, "Var hittar jag min lönespecifikation?")
    office.say(MANAGER, "nej")
    assert _suggestions(office) == []


def test_asked_for_more_the_asker_just_replies_and_the_sla_clock_stood_still(
    office: Office,
) -> None:
    ticket = office.ticket()
    office.say(HR1, f"ta {ticket}")
    with office.store.transaction() as tx:
        due = tx.tickets.get(ticket).resolve_due  # type: ignore[union-attr]
    office.say(HR1, f"fråga {ticket} Gäller det dig själv eller en medarbetare?")
    assert any("Skriv ditt svar här" in m for m in office.inbox(MANAGER))
    with office.store.transaction() as tx:
        assert tx.tickets.get(ticket).status == "waiting"  # type: ignore[union-attr]
    office.now += timedelta(hours=4)  # Thursday 10:00 → 14:00: four business hours
    [added] = office.say(MANAGER, "en medarbetare, hon cyklar i dag")
    assert f"lagt till det i ärende {ticket}" in added.text
    with office.store.transaction() as tx:
        after = tx.tickets.get(ticket)
        events = [e.kind for e in tx.tickets.events(ticket)]
    assert after is not None and after.status == "claimed"
    # due Friday 17:00 in Stockholm; four more business hours: Monday 12:00 (11:00 UTC)
    assert due == datetime(2026, 11, 27, 16, 0, tzinfo=UTC)
    assert after.resolve_due == datetime(2026, 11, 30, 11, 0, tzinfo=UTC)
    assert events[-1] == "asker_info"
    [question] = office.say(MANAGER, "Hur bokar jag en poolbil?")  # then a question again
    assert question.kind is ReplyKind.ANSWER


def test_an_asker_who_never_replies_is_reminded_once_then_the_ticket_closes(
    office: Office,
) -> None:
    from bot.jobs import chase_waiting

    ticket = office.ticket()
    office.say(HR1, f"ta {ticket}")
    office.say(HR1, f"fråga {ticket} Vilken medarbetare gäller det?")
    asked = office.now  # Thursday 26 November
    assert chase_waiting(office.service, now=asked + timedelta(days=1)).noticed == []
    monday = asked + timedelta(days=4)  # two business days later (Fri, Mon)
    assert chase_waiting(office.service, now=monday).noticed == [ticket]
    assert chase_waiting(office.service, now=monday).noticed == []  # once, also rerun
    assert any("väntar på ditt svar" in m for m in office.inbox(MANAGER))
    assert chase_waiting(office.service, now=asked + timedelta(days=6)).closed == []
    closes = asked + timedelta(days=7)  # five business days: Thursday 3 December
    assert chase_waiting(office.service, now=closes).closed == [ticket]
    assert chase_waiting(office.service, now=closes).closed == []
    with office.store.transaction() as tx:
        assert tx.tickets.get(ticket).status == "closed"  # type: ignore[union-attr]
        actions = [e.action for e in tx.audit.for_entity("ticket", str(ticket))]
    assert "waiting_reminder" in actions and "auto_close_waiting" in actions
    assert any("inte fick svar" in m for m in office.inbox(MANAGER))


def test_a_closed_ticket_is_rated_once_and_the_comment_reaches_staff_only(
    office: Office,
) -> None:
    ticket = office.ticket()
    office.say(HR1, f"ta {ticket}")
    office.say(HR1, f"svara {ticket} Vi har ingen cykelförmån ännu.")
    [closed] = office.say(MANAGER, "ja")
    assert f"Ärende {ticket} är avslutat" in closed.text  # one message: closed, and 1-5
    assert "Hur nöjd är du" in closed.text
    assert [c.says for c in closed.choices] == ["1", "2", "3", "4", "5"]
    assert closed.about == f"rating:{ticket}"
    [thanks] = office.say(MANAGER, "4")
    assert "kommentar" in thanks.text
    [noted] = office.say(MANAGER, f"kommentar {ticket} Snabbt, men svaret var kort.")
    assert "HR ser din kommentar" in noted.text
    with office.store.transaction() as tx:
        assert tx.tickets.get(ticket).rating == 4  # type: ignore[union-attr]
    [staff_view] = office.say(HR2, f"ärende {ticket}")
    assert "4/5" in staff_view.text and "svaret var kort" in staff_view.text
    [other] = office.say(IT, f"ärende {ticket}")
    assert "svaret var kort" not in other.text  # HR is confidential: not IT's
    [again] = office.say(MANAGER, "5")  # the question was answered: a 5 is a question now
    with office.store.transaction() as tx:
        assert tx.tickets.get(ticket).rating == 4  # type: ignore[union-attr]
    assert "5/5" not in again.text


def test_an_old_rating_button_changes_nothing(office: Office) -> None:
    ticket = office.ticket()
    office.say(HR1, f"ta {ticket}")
    office.say(HR1, f"svara {ticket} Vi har ingen cykelförmån ännu.")
    [closed] = office.say(MANAGER, "ja")
    office.say(MANAGER, "Hur bokar jag en poolbil?")  # something else first
    office.n += 1
    pressed = IncomingMessage(
        ConversationRef("test", f"dm:{MANAGER}"), MANAGER, "2", f"ev{office.n}", about=closed.about
    )
    [stale] = office.service.handle(pressed)
    assert "hör till ett tidigare meddelande" in stale.text
    with office.store.transaction() as tx:
        assert tx.tickets.get(ticket).rating is None  # type: ignore[union-attr]


def test_the_askers_display_name_is_masked_in_the_form_their_client_shows_it(
    office: Office,
) -> None:
    asker = "@sven.svensson:exempelkommun.se"
    ref = ConversationRef("test", f"dm:{asker}")
    question = f"{HR_QUESTION} Hälsningar Sven Svensson"
    display = "Svensson, Sven (Socialförvaltningen)"  # as Teams shows many of them
    offer = office.service.handle(IncomingMessage(ref, asker, question, "s1", display_name=display))
    assert offer[0].offers_route, offer[0].text  # then: which unit (not answered)
    [routed] = office.service.handle(IncomingMessage(ref, asker, "ja", "s2", display_name=display))
    office.say(HR1, f"ta {routed.ticket_id}")
    office.say(HR1, f"svara {routed.ticket_id} #hr-sjuklon")
    [suggestion] = _suggestions(office)
    assert suggestion.text is not None and suggestion.text.endswith("Hälsningar [namn]")


def test_a_confidential_areas_question_answered_with_another_areas_article_is_not_suggested(
    office: Office,
) -> None:
    ticket = office.ticket()  # an HR ticket: HR is confidential
    office.say(HR1, f"ta {ticket}")
    office.say(HR1, f"svara {ticket} #it-glomt-losenord")  # IT's article
    assert _suggestions(office) == []  # IT's lead would read HR's question
    [none] = office.say(IT, "förslag")
    assert "cykelförmån" not in none.text


def test_a_duplicate_is_merged_its_asker_gets_the_answer_and_demand_counts_once(
    office: Office,
) -> None:
    from routing.calendar import BusinessCalendar
    from routing.tally import count_weeks

    first = office.ticket()
    omar = "@omar.chef:exempelkommun.se"
    second = office.ticket(omar)
    office.say(HR1, f"ta {first}")
    [refused] = office.say(IT, f"slå ihop {second} {first}")  # not IT's tickets
    assert "ihopslaget" not in refused.text
    [self_merge] = office.say(HR1, f"slå ihop {first} {first}")
    assert "ihopslaget" not in self_merge.text
    [merged] = office.say(HR1, f"slå ihop {second} {first}")
    assert f"Ärende **{second}** är ihopslaget med ärende **{first}**" in merged.text
    assert any("hanteras tillsammans" in m for m in office.inbox(omar))
    office.say(HR1, f"svara {first} Vi har ingen cykelförmån ännu.")
    answers = [m for m in office.inbox(omar) if "Vi har ingen cykelförmån ännu." in m]
    assert len(answers) == 1 and f"ditt ärende **{second}**" in answers[0]
    with office.store.transaction() as tx:
        dup = tx.tickets.get(second)
        tickets = [tx.tickets.get(first), dup]
    assert dup is not None and dup.status == "closed" and dup.merged_into == first
    counted = count_weeks(
        office.service.org,
        BusinessCalendar(),
        "2026-W48",
        [],
        [t for t in tickets if t is not None],
        office.now,
    )
    hr = next(r for r in counted.areas if r.key == "hr")
    assert hr.weeks[-1].tickets == 1  # the same need, counted once


def test_an_answered_ticket_left_alone_closes_with_one_message_that_asks_for_a_rating(
    office: Office,
) -> None:
    from bot.jobs import close_idle

    ticket = office.ticket()
    office.say(HR1, f"ta {ticket}")
    office.say(HR1, f"svara {ticket} Vi har ingen cykelförmån ännu.")
    answered = office.now  # Thursday 26 November; the manager never says ja or nej
    closed: list[int] = []
    for day in range(1, 15):
        closed += close_idle(office.service, 5, now=answered + timedelta(days=day)).closed
    assert closed == [ticket]
    [last] = [m for m in office.inbox(MANAGER) if "är avslutat" in m]
    assert "Hur nöjd är du med hjälpen i ärende" in last  # the same message, not a second
    office.say(MANAGER, "3")
    with office.store.transaction() as tx:
        assert tx.tickets.get(ticket).rating == 3  # type: ignore[union-attr]
