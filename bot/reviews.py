"""Articles past their review date (issue 13): once a month each area's room and
channel get the area's articles not reviewed for a year (``kb lint``'s rule), with
one button that marks the listed ones reviewed today; ``granskad ID …`` does the same
by hand. The date is written into each article's file (``knowledge.phrasings``) and
the running bot reads it with its next reload (``adapters.knowledge_watch``).

The button names the articles it showed, so an old month's button marks what that
post listed and nothing else; pressing it twice finds them done and says so again.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING

from bot.commands import COMMANDS
from bot.messages import Choice, Reply, ReplyKind
from bot.texts import Texts
from bot.turn import Turn
from knowledge.lint import REVIEW_INTERVAL
from knowledge.model import Article
from knowledge.phrasings import PhrasingError, mark_reviewed
from routing.ports import AuditEntry

if TYPE_CHECKING:
    from bot.service import ConversationService

LISTED = 10  # per post: a longer list is read by nobody, and its button grows too long


def due_for_review(articles: tuple[Article, ...], area_id: str, today: date) -> list[Article]:
    """The area's articles past their review date, the longest overdue first (never
    reviewed before all)."""
    due = [
        a
        for a in articles
        if a.area == area_id and (a.reviewed is None or a.reviewed + REVIEW_INTERVAL < today)
    ]
    return sorted(due, key=lambda a: (a.reviewed or date.min, a.id))


def _command(t: Texts, ids: list[str]) -> str:
    return f"{'reviewed' if t.language == 'en' else 'granskad'} {' '.join(ids)}"


def reviews_reply(t: Texts, area_name: str, due: list[Article]) -> Reply:
    """The monthly list for an area (``due`` not empty) with its one button."""
    shown = due[:LISTED]
    ids = [a.id for a in shown]
    lines = [
        t("reviews_due", area=area_name),
        *(
            t(
                "reviews_item",
                title=a.title,
                article=a.id,
                owner=a.owner or t("reviews_no_owner"),
                reviewed=a.reviewed.isoformat() if a.reviewed else t("reviews_never"),
            )
            for a in shown
        ),
        *([t("reviews_more", n=len(due) - len(shown))] if len(due) > len(shown) else []),
        t("reviews_check", command=_command(t, ids)),
    ]
    button = Choice(1, t("reviews_button"), says=_command(t, ids))
    return Reply(ReplyKind.INFO, "\n".join(lines), choices=(button,), react=True)


@COMMANDS.command(
    "granskad",
    aliases=("reviewed",),
    usage="ID …",  # one or more article ids, else it is a question
    staff_only=True,
    help_sv="markerar artiklarna som granskade i dag (reviewed i filen)",
    help_en="marks the articles as reviewed today (reviewed in the file)",
)
def reviewed(service: ConversationService, turn: Turn, rest: str) -> None:
    ids = list(dict.fromkeys(rest.replace(",", " ").split()))
    mine = set(service.roles.staff_areas(turn.user))
    today = turn.now.date()
    done: list[str] = []
    problems: list[str] = []
    if len(ids) > LISTED * 2:  # a button lists at most LISTED: this was typed
        problems.append(turn.t("reviewed_too_many", n=LISTED * 2, left=len(ids) - LISTED * 2))
    for article_id in ids[: LISTED * 2]:
        article = service.kb.article(article_id)
        if article is None or article.area not in mine:  # another area's: as if none
            problems.append(turn.t("reviewed_gone", article=article_id))
            continue
        try:
            mark_reviewed(service.article_file(article_id), article_id, today)
        except PhrasingError as exc:
            problems.append(turn.t("reviewed_failed", article=article_id, why=str(exc)))
            continue
        done.append(article_id)
        turn.tx.audit.append(
            AuditEntry(
                turn.now,
                turn.user,
                "article_reviewed",
                "articles",
                article_id,
                None,
                json.dumps({"reviewed": today.isoformat()}),
            )
        )
    lines = problems
    if done:
        lines = [
            turn.t("reviewed_done", day=today.isoformat(), articles=", ".join(done)),
            *problems,
        ]
    turn.say(Reply(ReplyKind.INFO, "\n".join(lines)))
