"""What each support area does and promises, in chat: ``områden`` lists them, ``vad
gör HR?`` shows one: its description, who it is for, its commitments, its lead and
the contact, and for an area run with neighbouring municipalities the partner and
the local contact who answers for it (issue 14)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.commands import COMMANDS
from bot.messages import Reply, ReplyKind
from bot.turn import Turn
from knowledge.model import Area, Organisation

if TYPE_CHECKING:
    from bot.service import ConversationService

_WORDS = re.compile(r"[\w-]+")
_FILLER = {"på", "inom", "området", "avdelningen", "enheten", "the", "area", "team", "do", "does"}


def find_area(org: Organisation, text: str) -> Area | None:
    """The area ``text`` names: its id, its name, or the first word of its name
    ("HR", "ekonomi", "IT", "kansliet"); None when it names none (a question)."""
    words = [w for w in _WORDS.findall(text.casefold()) if w not in _FILLER]
    if not words or len(words) > 6:
        return None
    said = " ".join(words)
    for area in org.areas:
        name = " ".join(_WORDS.findall(area.name.casefold()))
        first = name.split()[0] if name else area.id  # a name of no words ("★"): the id
        keys = {area.id, name, first, first.split("-")[0], first.rstrip("et")}
        if said in keys or said.rstrip("et") in keys or said == f"{first}et":
            return area
    return None


def describe(service: ConversationService, turn: Turn, area: Area) -> str:
    t = turn.t
    units = {u.id: u.name for u in service.org.units}
    lines = [f"**{area.name}**", area.description]
    if area.serves:
        lines.append(t("area_serves", who=", ".join(units.get(s, s) for s in area.serves)))
    c = area.commitments
    if c is not None:
        promises = []
        if c.claim_hours is not None:
            promises.append(t("area_promise_claim", hours=t.number(c.claim_hours)))
        if c.resolve_hours is not None:
            promises.append(t("area_promise_resolve", hours=t.number(c.resolve_hours)))
        if c.answered_share is not None:
            promises.append(t("area_promise_answered", share=round(c.answered_share * 100)))
        if c.satisfaction is not None:
            promises.append(t("area_promise_satisfaction", mean=t.number(c.satisfaction)))
        lines.append(t("area_promises"))
        lines += [f"- {p}" for p in promises]
    lines.append(t("area_lead", lead=area.lead))
    if area.partner is not None:
        lines.append(t("area_partner", partner=area.partner.name))
        lines.append(t("area_local_contact", contact=area.partner.local_contact))
    if area.plan is not None:
        lines.append(t("area_plan", title=area.plan.title, url=area.plan.url))
    return "\n".join(lines)


@COMMANDS.command(
    "områden",
    aliases=("omraden", "areas", "stödområden"),
    help_sv="vilka stödområden som finns och vem som svarar för dem",
    help_en="the support areas and who answers for them",
)
def areas(service: ConversationService, turn: Turn, rest: str) -> None:
    t = turn.t
    lines = [t("areas_header", municipality=service.org.municipality)]
    for area in service.org.areas:
        lines.append(f"- **{area.name}** – {t('area_line_lead', lead=area.responsible)}")
    lines.append(t("areas_more", example=service.org.areas[0].name))
    turn.say(Reply(ReplyKind.INFO, "\n".join(lines)))


@COMMANDS.command(
    "vad gör",
    aliases=("vad gor", "what does"),
    usage="OMRÅDE",
    help_sv="vad ett område gör och lovar, t.ex. ”vad gör HR?”",
    help_en="what an area does and promises, e.g. “what does HR do?”",
)
def what_does(service: ConversationService, turn: Turn, rest: str) -> None:
    area = find_area(service.org, rest)
    if area is None:  # "vad gör jag om en medarbetare är sjuk?": a question
        service.ask(turn, turn.msg.text.strip())
        return
    turn.say(Reply(ReplyKind.INFO, describe(service, turn, area), area_id=area.id))
