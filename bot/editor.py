"""The area lead's side of the knowledge loop, in chat (issue 13): go through the
phrasings suggested from real questions, one at a time, and accept or skip each.

``förslag`` shows the oldest waiting suggestion for the lead's areas with two
buttons; each button names its suggestion ("godkänn 12"), so an old button acts on
what it showed, and a second press is told it was decided already. Accepting writes
the phrasing into the article file (``bot.learning``); the running bot reads it
within its reload interval (``adapters.knowledge_watch``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.commands import COMMANDS
from bot.learning import NotPending, decide
from bot.messages import Choice, Reply, ReplyKind
from bot.turn import Turn
from knowledge.phrasings import PhrasingError
from routing.ports import Suggestion

if TYPE_CHECKING:
    from bot.service import ConversationService

_NUMBER = re.compile(r"\s*(\d{1,9})\s*$")


def _lead_areas(service: ConversationService, user: str) -> list[str]:
    return [a.id for a in service.org.areas if a.lead_user == user]


def _show_next(service: ConversationService, turn: Turn, areas: list[str]) -> None:
    waiting = turn.tx.suggestions.pending(areas)
    if not waiting:
        turn.say(Reply(ReplyKind.INFO, turn.t("suggestions_none")))
        return
    s = waiting[0]
    if not service.desk.policy.shown_here(turn.user, [s.area_id or ""], turn.msg.shared_in):
        turn.say(Reply(ReplyKind.INFO, turn.t("suggestions_not_here")))  # a shared room
        return
    article = service.kb.article(s.article_id)
    t = turn.t
    lines = [
        t(
            "suggestion",
            n=1,
            of=len(waiting),
            title=article.title if article else s.article_id,
            source=t(f"suggestion_from_{s.source}"),
        ),
        f"> {s.text}",
        t("suggestion_check"),
    ]
    accept, skip = ("accept", "skip") if t.language == "en" else ("godkänn", "hoppa över")
    lines.append(t("suggestion_hint", accept=f"{accept} {s.id}", skip=f"{skip} {s.id}"))
    choices = (
        Choice(1, t("suggestion_accept"), says=f"{accept} {s.id}"),
        Choice(2, t("suggestion_skip"), says=f"{skip} {s.id}"),
    )
    turn.say(Reply(ReplyKind.INFO, "\n".join(lines), choices=choices))


@COMMANDS.command(
    "förslag",
    aliases=("forslag", "suggestions"),
    staff_only=True,
    help_sv="för områdesansvariga: formuleringar ur verkliga frågor att godkänna eller hoppa över",
    help_en="for area leads: wordings from real questions to accept or skip",
)
def suggestions(service: ConversationService, turn: Turn, rest: str) -> None:
    areas = _lead_areas(service, turn.user)
    if not areas:
        turn.say(Reply(ReplyKind.INFO, turn.t("suggestions_leads_only")))
        return
    _show_next(service, turn, areas)


def _decide(service: ConversationService, turn: Turn, rest: str, accept: bool) -> None:
    m = _NUMBER.fullmatch(rest)
    areas = _lead_areas(service, turn.user)
    if m is None or not areas:
        key = "suggestions_leads_only" if not areas else "suggestion_usage"
        turn.say(Reply(ReplyKind.INFO, turn.t(key)))
        return
    number = int(m.group(1))
    found: Suggestion | None = turn.tx.suggestions.get(number)
    if found is None or found.area_id not in areas:  # another area's: as if none
        turn.say(Reply(ReplyKind.INFO, turn.t("suggestion_gone", n=number)))
        return
    try:
        decide(turn.tx, service.article_file, number, accept, turn.user, turn.now)
    except NotPending:
        turn.say(Reply(ReplyKind.INFO, turn.t("suggestion_decided", n=number)))
        return
    except PhrasingError as exc:
        turn.say(Reply(ReplyKind.INFO, turn.t("suggestion_unwritable", n=number, why=str(exc))))
        return
    turn.say(
        Reply(ReplyKind.INFO, turn.t("suggestion_accepted" if accept else "suggestion_skipped"))
    )
    _show_next(service, turn, areas)


@COMMANDS.command(
    "godkänn",
    aliases=("godkann", "accept"),
    usage="NR",
    staff_only=True,
    help_sv="skriver in förslaget som en formulering i artikeln",
    help_en="writes the suggestion into the article as a phrasing",
)
def accept(service: ConversationService, turn: Turn, rest: str) -> None:
    _decide(service, turn, rest, accept=True)


@COMMANDS.command(
    "hoppa över",
    aliases=("hoppa", "skip"),
    usage="NR",
    staff_only=True,
    help_sv="föreslår inte formuleringen igen",
    help_en="does not suggest the wording again",
)
def skip(service: ConversationService, turn: Turn, rest: str) -> None:
    _decide(service, turn, rest, accept=False)
