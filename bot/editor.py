"""The area lead's side of the knowledge loop, in chat (issue 13): go through the
phrasings suggested from real questions, one at a time, and accept or skip each.

``förslag`` shows the oldest waiting suggestion for the lead's areas with two
buttons; each button names its suggestion ("godkänn 12"), so an old button acts on
what it showed, and a second press is told it was decided already. Accepting writes
the phrasing into the article file (``bot.learning``); the running bot reads it
within its reload interval (``adapters.knowledge_watch``).
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from bot.commands import COMMANDS
from bot.learning import NotPending, decide
from bot.messages import Choice, Reply, ReplyKind
from bot.notify import area_notice
from bot.texts import Texts
from bot.turn import Turn
from knowledge.drafts import DraftError, discard, drafts, publish, write_draft
from knowledge.phrasings import PhrasingError
from routing.ports import AuditEntry, Suggestion

if TYPE_CHECKING:
    from bot.service import ConversationService

_NUMBER = re.compile(r"\s*(\d{1,9})\s*$")


def _lead_areas(service: ConversationService, turn: Turn) -> list[str]:
    """The areas ``turn``'s sender leads; none: they are told only leads may do this."""
    areas = [a.id for a in service.org.areas if a.lead_user == turn.user]
    if not areas:
        turn.say(Reply(ReplyKind.INFO, turn.t("suggestions_leads_only")))
    return areas


def _shown_here(service: ConversationService, turn: Turn, area_id: str) -> bool:
    """Whether what an area's people wrote may be shown where ``turn`` was written (not
    where others read along, as with tickets: ``policy.shown_here``); else says so."""
    if service.desk.policy.shown_here(turn.user, [area_id], turn.msg.shared_in):
        return True
    turn.say(Reply(ReplyKind.INFO, turn.t("suggestions_not_here")))
    return False


def _with_buttons(lines: list[str], *buttons: tuple[str, str]) -> Reply:
    """``lines`` with a button per (label, what pressing it says), numbered from 1."""
    choices = tuple(Choice(n, label, says=says) for n, (label, says) in enumerate(buttons, 1))
    return Reply(ReplyKind.INFO, "\n".join(lines), choices=choices, react=True)


def suggestion_reply(
    service: ConversationService, t: Texts, waiting: list[Suggestion], first: str | None = None
) -> Reply:
    """The oldest of ``waiting`` (not empty) with its two buttons; ``first``: a line
    before it (the weekly post's "3 wordings are waiting")."""
    s = waiting[0]
    article = service.kb.article(s.article_id)
    lines = [
        *([first] if first else []),
        t(
            "suggestion",
            n=1,
            of=len(waiting),
            title=article.title if article else s.article_id,
            source=t(f"suggestion_from_{s.source}"),
        ),
        f"”{s.text}”",  # the light markup has no quote blocks: a "> " stayed text
        t("suggestion_check"),
    ]
    accept, skip = ("accept", "skip") if t.language == "en" else ("godkänn", "hoppa över")
    lines.append(t("suggestion_hint", accept=f"{accept} {s.id}", skip=f"{skip} {s.id}"))
    return _with_buttons(
        lines,
        (t("suggestion_accept"), f"{accept} {s.id}"),
        (t("suggestion_skip"), f"{skip} {s.id}"),
    )


def _show_next(service: ConversationService, turn: Turn, areas: list[str]) -> None:
    waiting = turn.tx.suggestions.pending(areas)
    if not waiting:
        turn.say(Reply(ReplyKind.INFO, turn.t("suggestions_none")))
        return
    if _shown_here(service, turn, waiting[0].area_id or ""):
        turn.say(suggestion_reply(service, turn.t, waiting))


@COMMANDS.command(
    "förslag",
    aliases=("forslag", "suggestions"),
    staff_only=True,
    help_sv="för områdesansvariga: formuleringar ur verkliga frågor att godkänna eller hoppa över",
    help_en="for area leads: wordings from real questions to accept or skip",
)
def suggestions(service: ConversationService, turn: Turn, rest: str) -> None:
    areas = _lead_areas(service, turn)
    if areas:
        _show_next(service, turn, areas)


def _decide(service: ConversationService, turn: Turn, rest: str, accept: bool) -> None:
    areas = _lead_areas(service, turn)
    if not areas:
        return
    m = _NUMBER.fullmatch(rest)
    if m is None:
        turn.say(Reply(ReplyKind.INFO, turn.t("suggestion_usage")))
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


# -- answers become articles: drafts from tickets --------------------------------------


def _last_answer(turn: Turn, ticket_id: int) -> str | None:
    answers = [e.text for e in turn.tx.tickets.events(ticket_id) if e.kind == "answer" and e.text]
    return answers[-1] if answers else None


@COMMANDS.command(
    "publicera",
    aliases=("publish",),
    usage="NR",
    staff_only=True,
    help_sv="gör ett utkast till artikel av ett besvarat ärende, åt områdesansvarig",
    help_en="makes a draft article of an answered ticket, for the area lead",
)
def publish_ticket(service: ConversationService, turn: Turn, rest: str) -> None:
    m = _NUMBER.fullmatch(rest)
    if m is None:
        turn.say(Reply(ReplyKind.INFO, turn.t("usage", usage="publicera 42")))
        return
    number = int(m.group(1))
    ticket = turn.tx.tickets.get(number)
    if ticket is None or ticket.area_id not in service.roles.staff_areas(turn.user):
        turn.say(Reply(ReplyKind.INFO, turn.t("ticket_not_found", ticket=number)))
        return
    answer = _last_answer(turn, number)
    if ticket.answer_article is not None:
        turn.say(Reply(ReplyKind.INFO, turn.t("draft_from_base", article=ticket.answer_article)))
        return
    if answer is None or not ticket.question or service.drafts_dir is None:
        turn.say(Reply(ReplyKind.INFO, turn.t("draft_needs_answer", ticket=number)))
        return
    area = service.org.area(ticket.area_id)
    taken = {a.id for a in service.kb.articles} | {d.article.id for d in drafts(service.drafts_dir)}
    try:
        draft = write_draft(
            service.drafts_dir,
            area=ticket.area_id,
            question=service.masked(ticket.question, ticket.asker_id, turn),
            answer=answer,
            owner=area.lead if area else None,
            reviewed=turn.now.date(),
            taken=taken,
        )
    except (DraftError, OSError) as exc:
        turn.say(Reply(ReplyKind.INFO, turn.t("draft_failed", why=str(exc))))
        return
    _audit(turn, "draft_created", draft.article.id, {"ticket": number})
    shown = draft.path.relative_to(service.drafts_dir.parent)
    turn.say(Reply(ReplyKind.INFO, turn.t("draft_made", article=draft.article.id, path=shown)))
    if area is not None:
        text = turn.t(
            "draft_for_lead",
            article=draft.article.id,
            title=draft.article.title,
            path=shown,
        )
        turn.notify_all(area_notice(area, text))


def _audit(turn: Turn, action: str, article_id: str, more: dict[str, object]) -> None:
    turn.tx.audit.append(
        AuditEntry(turn.now, turn.user, action, "drafts", article_id, None, json.dumps(more))
    )


def _show_draft(service: ConversationService, turn: Turn, areas: list[str]) -> None:
    waiting = drafts(service.drafts_dir, set(areas)) if service.drafts_dir else []
    if not waiting:
        turn.say(Reply(ReplyKind.INFO, turn.t("drafts_none")))
        return
    d = waiting[0].article
    if not _shown_here(service, turn, d.area):  # its question and answer: not in a shared room
        return
    t = turn.t
    publish, discard = (
        ("publish draft", "discard draft")
        if t.language == "en"
        else ("publicera utkast", "släng utkast")
    )
    lines = [
        t("draft", n=1, of=len(waiting), title=d.title, article=d.id),
        "",
        *d.answer.strip().splitlines()[:12],  # as the article will show it
        "",
        t("draft_edit", path=waiting[0].path.relative_to(service.drafts_dir.parent)),  # type: ignore[union-attr]
        t("draft_hint", publish=f"{publish} {d.id}", discard=f"{discard} {d.id}"),
    ]
    turn.say(
        _with_buttons(
            lines,
            (t("draft_publish"), f"{publish} {d.id}"),
            (t("draft_discard"), f"{discard} {d.id}"),
        )
    )


@COMMANDS.command(
    "utkast",
    aliases=("drafts",),
    staff_only=True,
    help_sv="för områdesansvariga: utkast till artiklar att publicera eller slänga",
    help_en="for area leads: draft articles to publish or discard",
)
def show_drafts(service: ConversationService, turn: Turn, rest: str) -> None:
    areas = _lead_areas(service, turn)
    if areas:
        _show_draft(service, turn, areas)


def _draft_decision(service: ConversationService, turn: Turn, rest: str, keep: bool) -> None:
    article_id = rest.strip()
    areas = _lead_areas(service, turn)
    if not areas:
        return
    if not article_id:  # which one: show the next
        _show_draft(service, turn, areas)
        return
    if service.drafts_dir is None or service.kb.root is None:
        turn.say(Reply(ReplyKind.INFO, turn.t("draft_no_folder")))
        return
    mine = {d.article.id: d for d in drafts(service.drafts_dir, set(areas))}
    if article_id not in mine:  # another area's drafts: as if there were none
        turn.say(Reply(ReplyKind.INFO, turn.t("draft_gone", article=article_id)))
        return
    try:
        if keep:
            known = {a.id for a in service.kb.articles}
            publish(service.drafts_dir, service.kb.root, article_id, known)
        else:
            discard(service.drafts_dir, article_id)
    except (DraftError, OSError) as exc:
        turn.say(Reply(ReplyKind.INFO, turn.t("draft_failed", why=str(exc))))
        return
    _audit(turn, "draft_published" if keep else "draft_discarded", article_id, {})
    turn.say(Reply(ReplyKind.INFO, turn.t("draft_published" if keep else "draft_discarded")))
    _show_draft(service, turn, areas)


@COMMANDS.command(
    "publicera utkast",
    aliases=("publish draft",),
    usage="[ID]",
    staff_only=True,
    help_sv="flyttar utkastet in i kunskapsbanken",
    help_en="moves the draft into the knowledge base",
)
def publish_draft(service: ConversationService, turn: Turn, rest: str) -> None:
    _draft_decision(service, turn, rest, keep=True)


@COMMANDS.command(
    "släng utkast",
    aliases=("slang utkast", "discard draft"),
    usage="[ID]",
    staff_only=True,
    help_sv="tar bort utkastet",
    help_en="deletes the draft",
)
def discard_draft(service: ConversationService, turn: Turn, rest: str) -> None:
    _draft_decision(service, turn, rest, keep=False)
