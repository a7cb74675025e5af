"""The yearly question to the people an area served (issue 14), in the conversation.

Three short questions, one area at a time: how well supported they felt (1-5), how
easy it was to find the right way (1-5), and one thing to improve (free text, or
skipped). The answers so far wait in the conversation state, under the person's key;
only when they finish is one row written, without their id and with nothing finer
than the year, in the same transaction that marks their send finished (``tx.surveys``).
Then the next area's questions follow, if another area served them.

Buttons (Teams), 1️⃣..5️⃣ reactions (Matrix) and a typed number all answer; a press on
an older question than the one the conversation waits on is refused by the service
(``about``: ``survey:{year}:{area}:q1``). ``inga enkäter`` opts out, ``enkäter`` in.
The job that starts it is ``bot.survey_job``.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from bot.clean import clean_text
from bot.commands import COMMANDS
from bot.messages import Choice, Reply, ReplyKind
from bot.notify import to_person
from bot.state import SURVEY_STEPS, Awaiting, ConversationState
from bot.texts import Texts
from bot.turn import Turn
from knowledge.model import Area
from routing.ports import SurveyAnswer, Tx

if TYPE_CHECKING:
    from bot.service import ConversationService

MAX_IMPROVE = 500  # characters of the masked free text that are kept
SKIP = frozenset({"hoppa över", "hoppa", "skippa", "nej", "-", "–", "skip", "no", "pass"})
_KEYCAP = ("\ufe0f", "\u20e3")  # "4️⃣" typed is a 4


def dedupe_key(year: int, area_id: str, user_id: str, suffix: str = "") -> str:
    """The outbox key of a send (``suffix`` ":remind" for its reminder): once, ever."""
    key = f"survey:{year}:{area_id}:{user_id}{suffix}"
    if len(key) <= 255:
        return key
    digest = hashlib.sha256(user_id.encode()).hexdigest()  # a very long platform id
    return f"survey:{year}:{area_id}:{digest}{suffix}"


def step_reply(t: Texts, state: ConversationState, area: Area, first: str | None = None) -> Reply:
    """The question ``state`` waits on, with its buttons; ``first``: what the same
    message says before it (why it is asked, or thanks for the previous area's)."""
    lines = [first, ""] if first else []
    if state.awaiting is Awaiting.SURVEY_IMPROVE:
        lines.append(t("survey_q3", area=area.name))
        choices: tuple[Choice, ...] = (Choice(1, t("survey_skip"), says=t("survey_skip_says")),)
        react = False  # a 1️⃣ to skip would read as an answer "1"
    else:
        q, labels = (
            ("survey_q1", "survey_supported")
            if state.awaiting is Awaiting.SURVEY_SUPPORTED
            else ("survey_q2", "survey_findable")
        )
        scale = [t(f"{labels}_{n}") for n in range(1, 6)]
        lines += [t(q, area=area.name), *(f"{n}. {x}" for n, x in enumerate(scale, 1))]
        choices = tuple(Choice(n, x, says=str(n)) for n, x in enumerate(scale, 1))
        react = True
    return Reply(
        ReplyKind.INFO,
        "\n".join(lines),
        choices=choices,
        area_id=area.id,
        about=state.about,
        react=react,
        language=t.language,
    )


def start_next(
    service: ConversationService, tx: Tx, user_id: str, now: datetime, first: str | None = None
) -> ConversationState | None:
    """Send the person's next queued survey (the oldest), in their direct chat, once
    (its outbox key), and wait for its first answer there: the state it set, or None
    when there is none to send, they opted out, or there is no direct chat."""
    if tx.surveys.opted_out(user_id):
        return None
    t = service.texts_for(tx, user_id)
    for send in tx.surveys.queued(user_id):
        area = service.org.area(send.area_id)
        if area is None:  # no longer in the organisation file
            continue
        state = ConversationState(Awaiting.SURVEY_SUPPORTED, area_id=area.id, year=send.year)
        intro = t("survey_intro", area=area.name)
        reply = step_reply(t, state, area, "\n\n".join(x for x in (first, intro) if x))
        key = dedupe_key(send.year, area.id, user_id)
        if not to_person(tx, user_id, reply, now, state=state, dedupe_key=key):
            return None
        tx.surveys.mark_sent(user_id, area.id, send.year, now)
        return state
    return None


def remind(
    service: ConversationService, tx: Tx, user_id: str, area: Area, year: int, now: datetime
) -> bool:
    """The one reminder: the questions again from the first, once (its outbox key)."""
    t = service.texts_for(tx, user_id)
    state = ConversationState(Awaiting.SURVEY_SUPPORTED, area_id=area.id, year=year)
    reply = step_reply(t, state, area, t("survey_reminder", area=area.name))
    key = dedupe_key(year, area.id, user_id, ":remind")
    if not to_person(tx, user_id, reply, now, state=state, dedupe_key=key):
        return False
    return tx.surveys.mark_reminded(user_id, area.id, year, now)


def answer(service: ConversationService, turn: Turn, text: str) -> bool:
    """The person's message while a survey waits on them. A number (or "hoppa över")
    answers and the next question follows; a command runs as usual and the survey
    still waits; a question of their own is answered as usual (the reminder asks
    again). True when it was read as an answer."""
    state = turn.state
    if COMMANDS.find(text) is not None:
        return False
    area = service.org.area(state.area_id or "")
    send = turn.tx.surveys.send(turn.user, state.area_id or "", state.year or 0)
    if area is None or send is None or send.finished or state.year is None:
        turn.state = ConversationState()
        name = area.name if area else (state.area_id or "")
        turn.say(Reply(ReplyKind.INFO, turn.t("survey_done", area=name)))
        return True
    word = " ".join(text.casefold().strip(" .!").split())
    if state.awaiting is Awaiting.SURVEY_IMPROVE:
        improve = None if word in SKIP else _improve(service, turn, text)
        _finish(service, turn, area, state.year, state.supported, state.findable, improve)
        return True
    number = word.replace(_KEYCAP[0], "").replace(_KEYCAP[1], "")
    if word in SKIP or number in {"1", "2", "3", "4", "5"}:
        value = None if word in SKIP else int(number)
        if state.awaiting is Awaiting.SURVEY_SUPPORTED:
            turn.state = replace(state, awaiting=Awaiting.SURVEY_FINDABLE, supported=value)
        else:
            turn.state = replace(state, awaiting=Awaiting.SURVEY_IMPROVE, findable=value)
        turn.say(step_reply(turn.t, turn.state, area))
        return True
    if number.isdigit() or not service.kb.matcher.analyzer.query_terms(text):
        turn.say(Reply(ReplyKind.INFO, turn.t("survey_number")))
        return True
    return False


def _improve(service: ConversationService, turn: Turn, text: str) -> str | None:
    """The free text as it may be kept: storable, without personal data the masking
    finds, at most ``MAX_IMPROVE`` characters (cut after masking, never through it)."""
    masked = service.masked(clean_text(text), turn.user, turn)
    if len(masked) > MAX_IMPROVE:
        masked = masked[: MAX_IMPROVE - 1].rstrip() + "…"
    return masked or None


def _finish(
    service: ConversationService,
    turn: Turn,
    area: Area,
    year: int,
    supported: int | None,
    findable: int | None,
    improve: str | None,
) -> None:
    """One row, without the person, and the send finished, together; then the next
    area's questions in the same message as the thanks, if another area served them."""
    given = (supported, findable, improve) != (None, None, None)
    row = SurveyAnswer(area.id, service.unit_of(turn), year, supported, findable, improve)
    turn.state = ConversationState()
    if not turn.tx.surveys.finish(turn.user, area.id, year, row if given else None):
        turn.say(Reply(ReplyKind.INFO, turn.t("survey_done", area=area.name)))
        return
    thanks = turn.t("survey_thanks" if given else "survey_thanks_none", area=area.name)
    following = start_next(service, turn.tx, turn.user, turn.now, first=thanks)
    if following is not None:
        turn.state = following
    else:
        turn.say(Reply(ReplyKind.INFO, thanks))


@COMMANDS.command(
    "inga enkäter",
    aliases=("inga enkater", "no surveys"),
    help_sv="inga fler årliga frågor om hur stödet fungerat",
    help_en="no more yearly questions about how the support worked",
)
def surveys_off(service: ConversationService, turn: Turn, rest: str) -> None:
    turn.tx.surveys.set_opted_out(turn.user, True, turn.now)
    if turn.state.awaiting in SURVEY_STEPS:
        turn.state = ConversationState()
    turn.say(Reply(ReplyKind.INFO, turn.t("survey_off")))


@COMMANDS.command(
    "enkäter",
    aliases=("enkater", "ja till enkäter", "ja till enkater", "surveys", "yes to surveys"),
    help_sv="de årliga frågorna om hur stödet fungerat igen",
    help_en="the yearly questions about how the support worked again",
)
def surveys_on(service: ConversationService, turn: Turn, rest: str) -> None:
    turn.tx.surveys.set_opted_out(turn.user, False, turn.now)
    turn.say(Reply(ReplyKind.INFO, turn.t("survey_on")))
