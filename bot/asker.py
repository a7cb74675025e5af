"""Commands for anyone asking: help, my tickets, a ticket, add information, reopen, unit."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.commands import COMMANDS
from bot.messages import Choice, Reply, ReplyKind
from bot.notify import preview, status_text
from bot.state import Awaiting, ConversationState
from bot.turn import Turn
from knowledge.masking import has_personnummer

if TYPE_CHECKING:
    from bot.service import ConversationService

# A whole word of ASCII digits (with "#" before, punctuation after): "42", "#42",
# "42," - not "-1", "1e9", "1.5", "4,2" or a number of ten digits.
_TICKET = re.compile(r"\s*#?([0-9]{1,9})[.,:;!?]*(?:\s+(.*))?", re.S)


def parse_ticket(rest: str) -> tuple[int, str] | None:
    """ "42 resten" -> (42, "resten"); None when ``rest`` does not start with a ticket
    number as a word of its own (the caller then shows the usage line)."""
    m = _TICKET.fullmatch(rest)
    return (int(m.group(1)), (m.group(2) or "").strip()) if m else None


def usage(turn: Turn, text: str) -> None:
    turn.say(Reply(ReplyKind.INFO, turn.t("usage", usage=text)))


@COMMANDS.command(
    "hjälp",
    aliases=("help", "hjalp", "?", "kommandon"),
    help_sv="visar vad du kan skriva",
    help_en="shows what you can type",
)
def help_(service: ConversationService, turn: Turn, rest: str) -> None:
    t = turn.t
    staff = bool(service.roles.staff_areas(turn.user))
    lines = [t("help_header"), f"- {t('help_ask', areas=service.area_names())}"]
    for cmd in COMMANDS.all():
        if staff or not cmd.staff_only:
            lines.append(f"- **{cmd.name}** {cmd.usage}".rstrip() + f" – {cmd.help(t.language)}")
    turn.say(Reply(ReplyKind.INFO, "\n".join(lines)))


@COMMANDS.command(
    "mina ärenden",
    aliases=("mina arenden", "my tickets", "ärenden"),
    help_sv="dina ärenden och var de ligger",
    help_en="your tickets and their status",
)
def my_tickets(service: ConversationService, turn: Turn, rest: str) -> None:
    t = turn.t
    tickets = service.desk.of_asker(turn.tx, turn.user, turn.now, shared_in=turn.msg.shared_in)
    if not tickets:
        turn.say(Reply(ReplyKind.INFO, t("my_tickets_none")))
        return
    lines = [t("my_tickets")]
    for ticket in tickets:
        area = service.org.area(ticket.area_id)
        lines.append(
            "- "
            + t(
                "ticket_line",
                ticket=ticket.id,
                status=status_text(t, ticket, turn.name, asker=True),
                area=area.name if area else ticket.area_id,
                question=preview(ticket.question)[:80],
            )
        )
    turn.say(Reply(ReplyKind.INFO, "\n".join(lines)))


@COMMANDS.command(
    "ärende",
    aliases=("arende", "ticket", "visa"),
    usage="NR",
    help_sv="visar ett ärende och vad som hänt",
    help_en="shows a ticket and its history",
)
def show_ticket(service: ConversationService, turn: Turn, rest: str) -> None:
    parsed = parse_ticket(rest)
    if parsed is None:
        return usage(turn, "ärende 42")
    t = turn.t
    ticket, events = service.desk.read(
        turn.tx, parsed[0], turn.user, turn.now, shared_in=turn.msg.shared_in
    )
    area = service.org.area(ticket.area_id)
    lines = [
        t(
            "ticket_view",
            ticket=ticket.id,
            area=area.name if area else ticket.area_id,
            status=status_text(t, ticket, turn.name, asker=ticket.asker_id == turn.user),
            question=ticket.question or "",
        )
    ]
    texts = [ticket.question, *(e.text for e in events)]
    if ticket.asker_id != turn.user and any(has_personnummer(x) for x in texts):
        lines.append(t("ticket_has_pnr"))  # for staff: the ticket keeps it (issue 15)
    for event in events:
        if event.text:
            lines.append(t("ticket_event", at=t.time(event.at), who=event.actor, text=event.text))
    turn.say(Reply(ReplyKind.INFO, "\n".join(lines), ticket_id=ticket.id))


@COMMANDS.command(
    "komplettera",
    aliases=("lägg till", "add"),
    usage="NR text",
    help_sv="lägger till information i ditt ärende",
    help_en="adds information to your ticket",
)
def add_info(service: ConversationService, turn: Turn, rest: str) -> None:
    parsed = parse_ticket(rest)
    if parsed is None or not parsed[1]:
        return usage(turn, "komplettera 42 Det gäller min dator i Grannby.")
    ticket = service.desk.add_info(turn.tx, parsed[0], turn.user, parsed[1], turn.now)
    turn.say(Reply(ReplyKind.INFO, turn.t("info_added", ticket=ticket.id), ticket_id=ticket.id))
    service.info_added(turn, ticket, parsed[1])


@COMMANDS.command(
    "återöppna",
    aliases=("ateroppna", "reopen"),
    usage="NR",
    help_sv="öppnar ett besvarat ärende igen",
    help_en="reopens an answered ticket",
)
def reopen(service: ConversationService, turn: Turn, rest: str) -> None:
    parsed = parse_ticket(rest)
    if parsed is None:
        return usage(turn, "återöppna 42")
    ticket = service.desk.reopen(turn.tx, parsed[0], turn.user, turn.now)
    area = service.org.area(ticket.area_id)
    turn.say(
        Reply(
            ReplyKind.INFO,
            turn.t("reopened", ticket=ticket.id, area=area.name if area else ticket.area_id),
        )
    )
    service.card_changed(turn, ticket)


LANGUAGE_NAMES = {
    "sv": ("svenska", "swedish", "sv", "svensk"),
    "en": ("engelska", "english", "en", "engelsk"),
}


@COMMANDS.command(
    "språk",
    aliases=("language", "sprak"),
    usage="[SPRÅK]",
    help_sv="byter språk: svenska eller engelska",
    help_en="changes language: Swedish or English",
)
def set_language(service: ConversationService, turn: Turn, rest: str) -> None:
    """The person's language, for every reply from now on: text, buttons and cards."""
    word = rest.strip(" .!").casefold()
    chosen = next((code for code, names in LANGUAGE_NAMES.items() if word in names), None)
    if chosen is None:
        turn.say(Reply(ReplyKind.INFO, turn.t("language_usage")))
        return
    turn.tx.people.set_language(turn.user, chosen, turn.now)
    turn.t = service.texts(chosen)
    turn.say(Reply(ReplyKind.INFO, turn.t("language_set")))


@COMMANDS.command(
    "enhet",
    aliases=("förvaltning", "unit"),
    usage="[NR]",
    help_sv="byter vilken förvaltning du hör till",
    help_en="changes your department",
)
def set_unit(service: ConversationService, turn: Turn, rest: str) -> None:
    """``enhet`` lists the units and waits for a number; ``enhet 2`` or ``enhet
    socialförvaltningen`` sets it at once, and whatever the conversation waited on
    (ja/nej on an answer) still waits."""
    units = service.org.units
    if rest.strip():
        unit = service.unit_named(rest)
        if unit is not None:
            service.set_unit_of(turn, unit)
            return
    choices = tuple(Choice(i, u.name, u.id) for i, u in enumerate(units, 1))
    turn.state = ConversationState(Awaiting.UNIT, "", tuple(u.id for u in units))
    turn.say(
        Reply(
            ReplyKind.INFO,
            "\n".join([turn.t("ask_unit"), *(f"{c.number}. {c.label}" for c in choices)]),
            choices=choices,
        )
    )


@COMMANDS.command(
    "kommentar",
    aliases=("comment",),
    usage="NR text",
    help_sv="en kommentar till handläggarna om ett avslutat ärende",
    help_en="a comment to the staff about a closed ticket",
)
def comment(service: ConversationService, turn: Turn, rest: str) -> None:
    parsed = parse_ticket(rest)
    if parsed is None or not parsed[1]:
        return usage(turn, "kommentar 42 Snabbt och tydligt svar, tack!")
    ticket = service.desk.rating_comment(turn.tx, parsed[0], turn.user, parsed[1], turn.now)
    area = service.org.area(ticket.area_id) or service.org.triage
    turn.say(Reply(ReplyKind.INFO, turn.t("commented", area=area.name), ticket_id=ticket.id))
