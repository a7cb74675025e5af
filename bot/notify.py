"""Messages to people other than the sender: the asker of a ticket, the area's
room or channel, the lead on escalation. Built here, queued in the outbox by
the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from bot.messages import Choice, IncomingMessage, Reply, ReplyKind
from bot.state import Awaiting, ConversationState
from bot.texts import Texts
from knowledge.masking import has_personnummer
from knowledge.model import Area, Organisation
from routing.ports import Outgoing, Tx
from routing.tickets import Status, Ticket

MAX_PREVIEW = 300


def state_key(channel: str, conversation_id: str, user_id: str) -> str:
    return f"{channel}|{conversation_id}|{user_id}"


Names = Callable[[str], str]  # a user id to the name others are shown (``Turn.name``)


def status_text(t: Texts, ticket: Ticket, name: Names = str, asker: bool = False) -> str:
    """The ticket's status in words, as staff read it; ``asker``: as its asker does
    (a waiting ticket waits on them: "väntar på svar från dig")."""
    key = f"status_{ticket.status.value}"
    if ticket.status is Status.CLAIMED:
        return t(key, who=name(ticket.claimed_by) if ticket.claimed_by else "")
    if ticket.status is Status.WAITING and not asker:
        return t("status_waiting_staff")
    return t(key)


def to_sender(msg: IncomingMessage, reply: Reply, dedupe_key: str | None = None) -> Outgoing:
    """A reply to whoever sent ``msg``, in the same conversation. A ticket's receipt
    (its number and the time promised) is one of the ticket's messages; a confirmation
    or a view of a ticket is not: what it says is in the ticket's history."""
    return Outgoing(
        channel=msg.channel,
        conversation_id=msg.conversation.conversation_id,
        address=msg.conversation.address,
        user_id=msg.user_id,
        kind="reply",
        payload=reply.to_payload(),
        dedupe_key=dedupe_key,
        ticket_id=reply.ticket_id if reply.kind is ReplyKind.ROUTED else None,
    )


def to_asker(
    ticket: Ticket, text: str, kind: str = "notice", asks_feedback: bool = False
) -> Outgoing:
    """A notice to the ticket's asker, where they asked. If others read along there,
    it says only that there is news and where to read it: what staff wrote is for the
    asker alone."""
    if ticket.shared_in is not None:
        text = Texts(ticket.language)("news_in_private", ticket=ticket.id)
        asks_feedback = False
    reply = Reply(
        ReplyKind.NOTICE,
        text,
        ticket_id=ticket.id,
        area_id=ticket.area_id,
        asks_feedback=asks_feedback,
        about=f"ticket:{ticket.id}" if asks_feedback else None,
    )
    return Outgoing(
        channel=ticket.channel,
        conversation_id=ticket.conversation_id,
        address=ticket.address,
        user_id=ticket.asker_id,
        kind=kind,
        payload=reply.to_payload(),
        ticket_id=ticket.id,
    )


def rating_question(t: Texts, ticket: Ticket, about: str | None, first: str | None = None) -> Reply:
    """How satisfied the asker is with a closed ticket: 1-5, a button each; ``first``:
    what the same message says before it ("Ärende 42 är avslutat.")."""
    labels = [t(f"rating_{n}") for n in range(1, 6)]
    lines = [
        *([first, ""] if first else []),
        t("rating_question", ticket=ticket.id),
        *(f"{n}. {x}" for n, x in enumerate(labels, 1)),
    ]
    choices = tuple(Choice(n, x, says=str(n)) for n, x in enumerate(labels, 1))
    return Reply(
        ReplyKind.INFO,
        "\n".join(lines),
        choices=choices,
        ticket_id=ticket.id,
        about=about,
        react=True,
    )


def ask_rating_later(tx: Tx, ticket: Ticket, at: datetime, closed: str) -> None:
    """After a ticket closed by itself: tell its asker ``closed`` and, in the same
    message in a direct chat (not where others read along), ask for a rating and read
    their next 1-5 as the answer."""
    if ticket.shared_in is not None:
        tx.outbox.add(to_asker(ticket, closed), at)
        return
    key = state_key(ticket.channel, ticket.conversation_id, ticket.asker_id)
    state = ConversationState(Awaiting.RATING, ticket_id=ticket.id)
    tx.states.put(key, state.to_dict(), at)
    reply = rating_question(Texts(ticket.language), ticket, state.about, first=closed)
    tx.outbox.add(
        Outgoing(
            channel=ticket.channel,
            conversation_id=ticket.conversation_id,
            address=ticket.address,
            user_id=ticket.asker_id,
            kind="notice",
            payload=replace(reply, kind=ReplyKind.NOTICE).to_payload(),
            ticket_id=ticket.id,
        ),
        at,
    )


def to_person(
    tx: Tx,
    user_id: str,
    reply: Reply,
    at: datetime,
    state: ConversationState | None = None,
    dedupe_key: str | None = None,
) -> bool:
    """A message a job starts, to ``user_id`` in their direct chat with the bot (where
    they last wrote to it alone); with ``state``, their next message is read as the
    answer to it. False when there is no such chat, or ``dedupe_key`` was used before
    (so that a job run twice, or by two instances, sends it once)."""
    where = tx.people.direct(user_id)
    if where is None:
        return False
    if dedupe_key is not None and tx.outbox.exists(dedupe_key):
        return False
    item = Outgoing(
        channel=where.channel,
        conversation_id=where.conversation_id,
        address=where.address,
        user_id=user_id,
        kind="notice",
        payload=replace(reply, kind=ReplyKind.NOTICE).to_payload(),
        dedupe_key=dedupe_key,
    )
    if tx.outbox.add(item, at) is None:
        return False
    if state is not None:
        key = state_key(where.channel, where.conversation_id, user_id)
        tx.states.put(key, state.to_dict(), at)
    return True


def await_ticket_info(tx: Tx, ticket: Ticket, at: object) -> None:
    """After staff asked the asker something: their next plain message is the reply."""
    key = state_key(ticket.channel, ticket.conversation_id, ticket.asker_id)
    state = ConversationState(Awaiting.TICKET_INFO, ticket_id=ticket.id, area_id=ticket.area_id)
    tx.states.put(key, state.to_dict(), at)  # type: ignore[arg-type]


def await_ticket_feedback(tx: Tx, ticket: Ticket, at: object) -> None:
    """After staff answered: the asker's next "ja/nej" is about this ticket."""
    key = state_key(ticket.channel, ticket.conversation_id, ticket.asker_id)
    state = ConversationState(
        Awaiting.TICKET_FEEDBACK,
        ticket_id=ticket.id,
        question_id=ticket.question_id,
        area_id=ticket.area_id,
    )
    tx.states.put(key, state.to_dict(), at)  # type: ignore[arg-type]


def area_notice(area: Area, text: str, ticket_id: int | None = None) -> list[Outgoing]:
    """A message to the area's room and channel (a new draft for its lead, say; what an
    asker added to ticket ``ticket_id``)."""
    return [
        Outgoing(
            channel=ch,
            conversation_id=room,
            kind="notice",
            payload={"text": text},
            ticket_id=ticket_id,
        )
        for ch, room in _destinations(area)
    ]


def _destinations(area: Area) -> list[tuple[str, str]]:
    out = []
    if area.room:
        out.append(("matrix", area.room))
    if area.channel:
        out.append(("teams", area.channel))
    return out


def preview(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= MAX_PREVIEW else text[: MAX_PREVIEW - 1] + "…"


def card_view(
    org: Organisation, ticket: Ticket, t: Texts, *, update: bool, name: Names = str
) -> dict[str, object]:
    """The ticket card's content as fields, for channels that draw cards (Teams): the
    asker's question stays apart from our own words, so it is shown as written and can
    never become markup, a link or a mention."""
    area = org.area(ticket.area_id) or org.triage
    unit = next((u.name for u in org.units if u.id == ticket.unit_id), t("unknown_unit"))
    title = (
        t(
            "card_title_state",
            ticket=ticket.id,
            area=area.name,
            status=status_text(t, ticket, name),
        )
        if update
        else t("card_title", ticket=ticket.id, area=area.name)
    )
    facts = [
        [t("card_unit"), unit],
        [t("card_claim_due"), t.time(ticket.claim_due)],
        [t("card_resolve_due"), t.time(ticket.resolve_due)],
    ]
    if ticket.escalated_at is not None:
        facts.append([t("card_escalated"), t.time(ticket.escalated_at)])
    view: dict[str, object] = {
        "title": title,
        "question_label": t("card_question"),
        "question": preview(ticket.question),
        "facts": facts,
    }
    if has_personnummer(ticket.question):
        view["warning"] = t("ticket_has_pnr")
    return view


def ticket_card(
    org: Organisation, ticket: Ticket, t: Texts, kind: str = "ticket_card", name: Names = str
) -> list[Outgoing]:
    """The card posted (or, on a change, edited) in the area's room or channel."""
    area = org.area(ticket.area_id) or org.triage
    unit = next((u.name for u in org.units if u.id == ticket.unit_id), t("unknown_unit"))
    text = t(
        "card",
        ticket=ticket.id,
        area=area.name,
        question=preview(ticket.question),
        unit=unit,
        claim_due=t.time(ticket.claim_due),
        resolve_due=t.time(ticket.resolve_due),
    )
    if ticket.escalated_at is not None:
        text += "\n" + t("card_escalated") + ": " + t.time(ticket.escalated_at)
    if kind != "ticket_card":
        text = (
            t("card_state", ticket=ticket.id, area=area.name, status=status_text(t, ticket, name))
            + "\n"
            + text
        )
    if has_personnummer(ticket.question):  # the ticket keeps it; staff are told (issue 15)
        first, _, rest = text.partition("\n")
        text = f"{first}\n{t('ticket_has_pnr')}\n{rest}"
    payload = Reply(ReplyKind.NOTICE, text, ticket_id=ticket.id, area_id=area.id).to_payload()
    payload["status"] = ticket.status.value
    payload["claimed_by"] = ticket.claimed_by
    payload["language"] = t.language  # the card's buttons: the organisation's language
    payload["card"] = card_view(org, ticket, t, update=kind != "ticket_card", name=name)
    return [
        Outgoing(channel=ch, conversation_id=room, kind=kind, payload=payload, ticket_id=ticket.id)
        for ch, room in _destinations(area)
    ]


def moved_card(org: Organisation, ticket: Ticket, from_area: str, t: Texts) -> list[Outgoing]:
    """The card in the room or channel of the area a ticket was moved from, edited to
    say where it went: no buttons, no question (the new area's card has it)."""
    old = org.area(from_area) or org.triage
    new = org.area(ticket.area_id) or org.triage
    text = t("card_moved", ticket=ticket.id, area=old.name, to=new.name)
    payload = Reply(ReplyKind.NOTICE, text, ticket_id=ticket.id, area_id=old.id).to_payload()
    payload["status"] = "moved"
    payload["card"] = {"title": text.replace("**", ""), "facts": []}
    return [
        Outgoing(
            channel=ch,
            conversation_id=room,
            kind="ticket_update",
            payload=payload,
            ticket_id=ticket.id,
        )
        for ch, room in _destinations(old)
        if (ch, room) not in _destinations(new)
    ]


def escalation(org: Organisation, ticket: Ticket, t: Texts) -> list[Outgoing]:
    """To the area's room and channel, mentioning the lead; and to the lead in the terminal."""
    area = org.area(ticket.area_id) or org.triage
    text = t(
        "escalated",
        ticket=ticket.id,
        area=area.name,
        claim_due=t.time(ticket.claim_due),
        lead=area.lead,
    )
    payload = Reply(ReplyKind.NOTICE, text, ticket_id=ticket.id, area_id=area.id).to_payload()
    payload["mention"] = area.lead_user
    places = _destinations(area)
    if area.lead_user:
        places.append(("cli", f"terminal:{area.lead_user}"))
    return [
        Outgoing(
            channel=ch,
            conversation_id=room,
            kind="escalation",
            payload=payload,
            user_id=area.lead_user,
            dedupe_key=f"escalation:{ticket.id}:{ch}",
            ticket_id=ticket.id,
        )
        for ch, room in places
    ]
