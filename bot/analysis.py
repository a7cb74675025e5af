"""``årsanalys [OMRÅDE] [ÅR]`` in chat (issue 14): an area's year in a few lines, for
its lead or for leadership, and in a direct chat the signed link to the whole analysis
(the page, the DOCX for the yearly dialogue, the XLSX). Only counts in chat, masked
as everywhere; the lead's free text is on the page, behind the lead's own link."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.areas import find_area
from bot.commands import COMMANDS
from bot.links import FIRST_YEAR, LEADERSHIP, yearly_link
from bot.messages import Reply, ReplyKind
from bot.reports import NotAllowed, load_yearly
from bot.turn import Turn
from routing.calendar import STOCKHOLM
from routing.yearly import Yearly

if TYPE_CHECKING:
    from bot.service import ConversationService

_YEAR = re.compile(r"(?:19|20)[0-9]{2}")


def _share(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)} %"


def summary_lines(turn: Turn, y: Yearly) -> list[str]:
    t = turn.t
    total, before = y.total, y.previous
    change = "" if y.change is None else t("year_change", change=f"{y.change * 100:+.0f}")
    change = change.replace("-", "−")
    lines = [
        t("year_header", year=y.year, area=y.area.name),
        t("year_questions", n=total.questions, change=change, before=y.year - 1,
          was=before.questions),
        t("year_answered", share=_share(total.deflection), n=total.deflected),
        t("year_tickets", n=total.tickets,
          claim="–" if total.median_claim is None else t.number(total.median_claim)),
    ]  # fmt: skip
    if total.satisfaction is not None:
        lines.append(t("year_satisfaction", mean=t.number(round(total.satisfaction, 1))))
    decided = [c for c in y.commitments if c.met is not None]
    if decided:
        met = ", ".join(t(f"year_commitment_{c.key}") for c in decided if c.met) or t("none")
        missed = ", ".join(t(f"year_commitment_{c.key}") for c in decided if not c.met)
        lines.append(t("year_commitments", met=met, missed=missed or t("none")))
    new = sum(g.status == "new" for g in y.gaps)
    growing = sum(g.status == "growing" for g in y.gaps)
    if new or growing:
        lines.append(t("year_needs", new=new, growing=growing))
    return lines


@COMMANDS.command(
    "årsanalys",
    aliases=("arsanalys", "yearly report", "årsrapport"),
    usage="[OMRÅDE ÅR]",
    help_sv="ett områdes år: efterfrågan, åtaganden, nöjdhet, nya behov (ansvariga, ledningen)",
    help_en="an area's year: demand, commitments, satisfaction, new needs (leads, leadership)",
)
def yearly(service: ConversationService, turn: Turn, rest: str) -> None:
    t = turn.t
    words = rest.split()
    year_word = next((w for w in words if _YEAR.fullmatch(w)), None)
    year = (
        int(year_word) if year_word else (turn.now - timedelta(days=31)).astimezone(STOCKHOLM).year
    )
    last = turn.now.astimezone(STOCKHOLM).year
    if not FIRST_YEAR <= year <= last:  # the page would only say "Ogiltigt år"
        turn.say(Reply(ReplyKind.INFO, t("year_out_of_range", first=FIRST_YEAR, last=last)))
        return
    named = " ".join(w for w in words if w != year_word)
    area = find_area(service.org, named) if named else None
    if named and area is None:
        areas = ", ".join(a.id for a in service.org.areas)
        turn.say(Reply(ReplyKind.INFO, t("unknown_area", area=named[:40], areas=areas)))
        return
    leadership = service.roles.is_leadership(turn.user)
    if area is None:
        led = [a for a in service.org.areas if a.lead_user == turn.user]
        if len(led) == 1 and not leadership:
            area = led[0]
        elif leadership:
            turn.say(Reply(ReplyKind.INFO, _link_line(service, turn, LEADERSHIP, None, year)
                           or t("year_pick_area")))  # fmt: skip
            return
        elif led:  # the lead of more than one area: which?
            ids = ", ".join(a.id for a in led)
            turn.say(Reply(ReplyKind.INFO, f"{t('year_pick_area')} ({ids})"))
            return
        else:
            turn.say(Reply(ReplyKind.INFO, t("year_not_allowed")))
            return
    try:
        y = load_yearly(service, area.id, year, turn.now, viewer=turn.user, tx=turn.tx)
    except NotAllowed:
        turn.say(Reply(ReplyKind.INFO, t("year_not_allowed")))
        return
    lines = summary_lines(turn, y)
    scope = area.id if y.lead_version else LEADERSHIP
    link = _link_line(service, turn, scope, area.id, year)
    lines.append(link or t("year_no_link", area=area.id, year=year))
    turn.say(Reply(ReplyKind.INFO, "\n".join(lines), area_id=area.id))


def _link_line(
    service: ConversationService, turn: Turn, scope: str, area: str | None, year: int
) -> str | None:
    """The signed link, in a direct chat only: whoever reads a shared room would get
    the lead's version with it."""
    if service.dashboard is None:
        return None
    if turn.msg.shared_in is not None:
        return turn.t("year_link_in_private")
    base, secret = service.dashboard
    url = yearly_link(base, secret, scope, area, year, turn.now)
    return turn.t("year_link" if area else "year_link_all", url=url)
