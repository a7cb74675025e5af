"""Commands for support staff: the queue, claim, answer, ask, note, transfer, resolve.

The asker hears of every change they should know about (outbox, same
transaction); the area's card is updated; internal notes reach nobody.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.asker import parse_ticket, usage
from bot.commands import COMMANDS
from bot.messages import Reply, ReplyKind
from bot.notify import (
    await_ticket_feedback,
    await_ticket_info,
    moved_card,
    preview,
    status_text,
    ticket_card,
    to_asker,
)
from bot.turn import Turn
from routing.tickets import Ticket

if TYPE_CHECKING:
    from bot.service import ConversationService


def _area_name(service: ConversationService, area_id: str) -> str:
    area = service.org.area(area_id)
    return area.name if area else area_id


def _done(
    service: ConversationService,
    turn: Turn,
    ticket: Ticket,
    staff_key: str,
    asker_key: str | None = None,
    *,
    feedback: bool = False,
    new_card: bool = False,
    **values: str,
) -> None:
    """After a staff action: tell the staff member, tell the asker (in the asker's
    language) if they should know, wait for their "solved?" if asked, update the card."""
    area = _area_name(service, ticket.area_id)
    turn.say(
        Reply(ReplyKind.INFO, turn.t(staff_key, ticket=ticket.id, area=area), ticket_id=ticket.id)
    )
    if asker_key is not None:
        text = service.texts(ticket.language)(asker_key, ticket=ticket.id, area=area, **values)
        turn.notify(to_asker(ticket, text, asks_feedback=feedback))
    if feedback:
        await_ticket_feedback(turn.tx, ticket, turn.now)
    if asker_key == "asker_answer":  # the askers of duplicates merged into it get it too
        for follower in turn.tx.tickets.merged_into(ticket.id):
            text = service.texts(follower.language)(
                "asker_answer_merged", ticket=follower.id, into=ticket.id, area=area, **values
            )
            turn.notify(to_asker(follower, text))
    kind = "ticket_card" if new_card else "ticket_update"
    turn.notify_all(ticket_card(service.org, ticket, service.texts(), kind=kind, name=turn.name))


@COMMANDS.command(
    "kö",
    aliases=("ko", "queue"),
    usage="[OMRÅDE]",
    staff_only=True,
    help_sv="ärendena i ditt områdes kö",
    help_en="the tickets in your area's queue",
)
def queue(service: ConversationService, turn: Turn, rest: str) -> None:
    t = turn.t
    mine = service.roles.staff_areas(turn.user)
    wanted = [a for a in mine if a == rest.strip().casefold()] or mine
    names = ", ".join(_area_name(service, a) for a in wanted)
    tickets = service.desk.queue(turn.tx, turn.user, wanted, turn.now, shared_in=turn.msg.shared_in)
    if not tickets:
        turn.say(Reply(ReplyKind.INFO, t("queue_empty", areas=names)))
        return
    lines = [t("queue_header", areas=names)]
    units = {u.id: u.name for u in service.org.units}
    for ticket in tickets:
        lines.append(
            "- "
            + t(
                "queue_line",
                ticket=ticket.id,
                status=status_text(t, ticket, turn.name),
                unit=units.get(ticket.unit_id or "", t("unknown_unit")),
                question=preview(ticket.question)[:100],
                claim_due=t.time(ticket.claim_due),
            )
        )
    turn.say(Reply(ReplyKind.INFO, "\n".join(lines)))


@COMMANDS.command(
    "ta",
    aliases=("claim", "ta ärende"),
    usage="NR",
    staff_only=True,
    help_sv="tar ett ärende",
    help_en="claims a ticket",
)
def claim(service: ConversationService, turn: Turn, rest: str) -> None:
    parsed = parse_ticket(rest)
    if parsed is None:
        return usage(turn, "ta 42")
    ticket = service.desk.claim(turn.tx, parsed[0], turn.user, turn.now)
    _done(service, turn, ticket, "staff_claimed", "asker_claimed", who=turn.name(turn.user))


@COMMANDS.command(
    "släpp",
    aliases=("slapp", "unclaim"),
    usage="NR",
    staff_only=True,
    help_sv="lämnar tillbaka ett ärende till kön",
    help_en="puts a ticket back in the queue",
)
def unclaim(service: ConversationService, turn: Turn, rest: str) -> None:
    parsed = parse_ticket(rest)
    if parsed is None:
        return usage(turn, "släpp 42")
    ticket = service.desk.unclaim(turn.tx, parsed[0], turn.user, turn.now)
    _done(service, turn, ticket, "staff_unclaimed")


@COMMANDS.command(
    "svara",
    aliases=("answer",),
    usage="NR text | NR #artikel [text]",
    staff_only=True,
    help_sv=(
        "skickar svaret till frågeställaren och avslutar ärendet; "
        "#artikel svarar med en artikel ur kunskapsbanken"
    ),
    help_en=(
        "sends the answer to the asker and resolves the ticket; "
        "#article answers with an article of the knowledge base"
    ),
)
def answer(service: ConversationService, turn: Turn, rest: str) -> None:
    parsed = parse_ticket(rest)
    if parsed is None or not parsed[1]:
        return usage(turn, "svara 42 Du hittar blanketten på intranätet under HR.")
    number, text = parsed
    if text.startswith("#"):
        return _answer_with_article(service, turn, number, text[1:])
    ticket = service.desk.answer(turn.tx, number, turn.user, text, turn.now)
    _done(service, turn, ticket, "staff_answered", "asker_answer", feedback=True, text=text)


def _answer_with_article(service: ConversationService, turn: Turn, number: int, rest: str) -> None:
    """``svara 42 #artikel [text]``: the asker gets the article (after the staff's own
    words, if any); the ticket records which article it was, and the asker's wording
    becomes a suggested phrasing of it, for the area lead."""
    article_id, _, own = rest.partition(" ")
    article = service.kb.article(article_id.strip())
    if article is None:
        turn.say(Reply(ReplyKind.INFO, turn.t("unknown_article", article=article_id.strip())))
        return
    found = turn.tx.tickets.get(number)  # its language; access is the desk's to decide
    t = service.texts(found.language if found else None)
    text = "\n\n".join([*([own.strip()] if own.strip() else []), service.article_text(t, article)])
    ticket = service.desk.answer(turn.tx, number, turn.user, text, turn.now, article_id=article.id)
    if ticket.question:
        service.suggest(
            turn, article.id, ticket.question, "ticket", ticket.asker_id, ticket.area_id
        )
    _done(service, turn, ticket, "staff_answered", "asker_answer", feedback=True, text=text)


@COMMANDS.command(
    "fråga",
    aliases=("fraga", "ask"),
    usage="NR text",
    staff_only=True,
    help_sv="ber frågeställaren om mer information",
    help_en="asks the asker for more information",
)
def ask_asker(service: ConversationService, turn: Turn, rest: str) -> None:
    parsed = parse_ticket(rest)
    if parsed is None or not parsed[1]:
        return usage(turn, "fråga 42 Vilken skrivare gäller det?")
    ticket = service.desk.ask_asker(turn.tx, parsed[0], turn.user, parsed[1], turn.now)
    _done(service, turn, ticket, "staff_asked", "asker_question", text=parsed[1])
    if ticket.shared_in is None:  # in a direct chat their next message is the reply
        await_ticket_info(turn.tx, ticket, turn.now)


@COMMANDS.command(
    "notera",
    aliases=("note",),
    usage="NR text",
    staff_only=True,
    help_sv="intern anteckning som frågeställaren aldrig ser",
    help_en="an internal note the asker never sees",
)
def note(service: ConversationService, turn: Turn, rest: str) -> None:
    parsed = parse_ticket(rest)
    if parsed is None or not parsed[1]:
        return usage(turn, "notera 42 Kollat med lönekontoret.")
    ticket = service.desk.note(turn.tx, parsed[0], turn.user, parsed[1], turn.now)
    turn.say(Reply(ReplyKind.INFO, turn.t("staff_noted", ticket=ticket.id), ticket_id=ticket.id))


@COMMANDS.command(
    "flytta",
    aliases=("transfer",),
    usage="NR OMRÅDE orsak",
    staff_only=True,
    help_sv="flyttar ärendet till ett annat område (med orsak)",
    help_en="moves the ticket to another area (with a reason)",
)
def transfer(service: ConversationService, turn: Turn, rest: str) -> None:
    parsed = parse_ticket(rest)
    parts = parsed[1].split(maxsplit=1) if parsed else []
    if parsed is None or len(parts) < 2:
        return usage(turn, "flytta 42 it Gäller behörighet i systemet, inte lön.")
    to_area, reason = parts[0].casefold(), parts[1]
    if service.org.area(to_area) is None:
        areas = ", ".join(a.id for a in service.org.areas)
        turn.say(Reply(ReplyKind.INFO, turn.t("unknown_area", area=to_area, areas=areas)))
        return
    before = turn.tx.tickets.get(parsed[0])
    ticket = service.desk.transfer(turn.tx, parsed[0], turn.user, to_area, reason, turn.now)
    # the new area gets a fresh card in its own room; the old card says where it went
    _done(service, turn, ticket, "staff_transferred", "asker_transferred", new_card=True)
    if before is not None and before.area_id != ticket.area_id:
        turn.notify_all(moved_card(service.org, ticket, before.area_id, service.texts()))


@COMMANDS.command(
    "lös",
    aliases=("los", "resolve", "klar"),
    usage="NR [text]",
    staff_only=True,
    help_sv="markerar ärendet som löst",
    help_en="marks the ticket resolved",
)
def resolve(service: ConversationService, turn: Turn, rest: str) -> None:
    parsed = parse_ticket(rest)
    if parsed is None:
        return usage(turn, "lös 42 Kontot är upplåst.")
    ticket = service.desk.resolve(turn.tx, parsed[0], turn.user, parsed[1] or None, turn.now)
    extra = f"\n\n{parsed[1]}" if parsed[1] else ""
    _done(service, turn, ticket, "staff_resolved", "asker_resolved", feedback=True, text=extra)


@COMMANDS.command(
    "slå ihop",
    aliases=("sla ihop", "merge"),
    usage="NR NR",
    staff_only=True,
    help_sv="slår ihop en dubblett (första numret) med ärendet den gäller (andra)",
    help_en="merges a duplicate (first number) into the ticket it repeats (second)",
)
def merge(service: ConversationService, turn: Turn, rest: str) -> None:
    numbers = rest.replace("#", " ").split()
    if len(numbers) != 2 or not all(n.isdigit() and len(n) < 10 for n in numbers):
        return usage(turn, "slå ihop 43 42")
    duplicate, into = (int(n) for n in numbers)
    closed = service.desk.merge(turn.tx, duplicate, into, turn.user, turn.now)
    area = _area_name(service, closed.area_id)
    turn.say(Reply(ReplyKind.INFO, turn.t("staff_merged", ticket=duplicate, into=into)))
    text = service.texts(closed.language)("asker_merged", ticket=duplicate, into=into, area=area)
    turn.notify(to_asker(closed, text))
    service.card_changed(turn, closed)
