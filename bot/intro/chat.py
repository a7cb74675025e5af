"""The new manager's commands: ``jag är ny chef``, ``min introduktion``, ``klart`` /
``påminn`` (a checklist item: its number or the article's id, as the buttons say),
``avsluta introduktion``, and HR's masked ``introduktioner``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands import COMMANDS
from bot.intro import people, views
from bot.intro.path import Path, done, path_week
from bot.intro.progress import HR_AREA, masked_view, progress_in
from bot.messages import Reply, ReplyKind
from bot.state import ConversationState
from bot.turn import Turn
from knowledge.model import Article
from routing.ports import IntroPerson

if TYPE_CHECKING:
    from bot.service import ConversationService


def path_of(service: ConversationService) -> Path:
    return Path.of(service.kb.articles)


def _info(turn: Turn, key: str, **values: object) -> None:
    turn.say(Reply(ReplyKind.INFO, turn.t(key, **values)))


def _alone(turn: Turn) -> bool:
    """Only where they read alone: others need not learn who is new, or how far."""
    if turn.msg.shared_in is None:
        return True
    _info(turn, "intro_not_here")
    return False


def _person(service: ConversationService, turn: Turn) -> IntroPerson | None:
    person = people.on_path(turn.tx, service.org, turn.user, turn.now)
    if person is None:
        _info(turn, "intro_not_on")
    return person


def show_week(
    service: ConversationService, turn: Turn, person: IntroPerson, first: str | None = None
) -> None:
    """This week's checklist as the reply; its numbers are what ``klart 2`` means."""
    path = path_of(service)
    week = path_week(person.start, turn.now)
    items = turn.tx.intro.items(turn.user)
    articles = path.checklist(week, items)
    if not articles:
        text = turn.t("intro_week_empty", week=min(week, path.length), of=path.length)
        turn.say(Reply(ReplyKind.INFO, "\n\n".join([*([first] if first else []), text])))
        return
    reply, turn.state = views.checklist(turn.t, path, week, articles, first)
    turn.tx.intro.set_shown(turn.user, [a.id for a in articles], week)
    turn.say(reply)


@COMMANDS.command(
    "jag är ny chef",
    aliases=("jag ar ny chef", "ny chef", "i am a new manager", "i'm a new manager"),
    help_sv="introduktionen för nya chefer: 2–3 artiklar i veckan i 12 veckor",
    help_en="the new manager's introduction: 2–3 articles a week for 12 weeks",
)
def new_manager(service: ConversationService, turn: Turn, rest: str) -> None:
    if not _alone(turn):
        return
    tx, t = turn.tx, turn.t
    people.sync_file(tx, service.org, turn.now)
    known = tx.intro.get(turn.user)
    if known is None:
        person = people.enrol_by_chat(tx, turn.user, turn.now)
        if person is not None:
            weeks = path_of(service).length
            show_week(service, turn, person, first=t("intro_welcome", weeks=weeks))
            return
        known = tx.intro.get(turn.user)  # enrolled by another instance just now
        if known is None:
            return
    if known.left_at is not None:
        people.rejoin(tx, turn.user, turn.now)
        show_week(service, turn, known, first=t("intro_back"))
        return
    week = path_week(known.start, turn.now)
    if week > path_of(service).length:
        _info(turn, "intro_already_ended")
        return
    show_week(service, turn, known, first=t("intro_already", week=max(week, 1)))


@COMMANDS.command(
    "min introduktion",
    aliases=("my introduction", "min intro"),
    help_sv="hur långt du har kommit i introduktionen för nya chefer",
    help_en="how far you have come in the new manager's introduction",
)
def my_introduction(service: ConversationService, turn: Turn, rest: str) -> None:
    if not _alone(turn):
        return
    person = _person(service, turn)
    if person is None:
        return
    path = path_of(service)
    items = turn.tx.intro.items(turn.user)
    text = views.overview(turn.t, path, path_week(person.start, turn.now), items)
    turn.say(Reply(ReplyKind.INFO, text))


def _item(
    service: ConversationService, turn: Turn, person: IntroPerson, rest: str
) -> tuple[int, Article] | None:
    """The article ``rest`` names: a number on the last checklist, or a path article's
    id (what a button says). Says so and gives None when it names none."""
    arg = rest.strip().strip(".!?#").casefold()
    path = path_of(service)
    by_id = {a.id: a for a in path.articles}
    if arg.isascii() and arg.isdigit() and 1 <= int(arg) <= len(person.shown):
        chosen = by_id.get(person.shown[int(arg) - 1])
        if chosen is not None:
            return int(arg), chosen
    if arg in by_id:
        n = person.shown.index(arg) + 1 if arg in person.shown else 1
        return n, by_id[arg]
    if person.shown:
        _info(turn, "intro_which", n=len(person.shown))
    else:
        _info(turn, "intro_which_none")
    return None


@COMMANDS.command(
    "klart",
    aliases=("done",),
    usage="[NR]",
    help_sv="markerar en artikel i introduktionen som klar (numret i veckans lista)",
    help_en="marks an article of your introduction as done (its number in the list)",
)
def mark_done(service: ConversationService, turn: Turn, rest: str) -> None:
    if not _alone(turn):
        return
    person = _person(service, turn)
    found = _item(service, turn, person, rest) if person is not None else None
    if found is None:
        return
    _, article = found
    path = path_of(service)
    if not turn.tx.intro.mark_done(turn.user, article.id, turn.now):
        _info(turn, "intro_already_done", title=article.title)
        return
    items = turn.tx.intro.items(turn.user)
    left = len(path.articles) - path.done_count(items)
    key = "intro_done_all" if left == 0 else "intro_done"
    _info(turn, key, title=article.title, done=path.done_count(items), total=len(path.articles))


@COMMANDS.command(
    "påminn",
    aliases=("paminn", "remind"),
    usage="[NR]",
    help_sv="visar en artikel i introduktionen igen nästa vecka",
    help_en="shows an article of your introduction again next week",
)
def remind(service: ConversationService, turn: Turn, rest: str) -> None:
    if not _alone(turn):
        return
    person = _person(service, turn)
    found = _item(service, turn, person, rest) if person is not None else None
    if found is None or person is None:
        return
    _, article = found
    path = path_of(service)
    if done(article.id, turn.tx.intro.items(turn.user)):
        _info(turn, "intro_already_done", title=article.title)
        return
    now = max(path_week(person.start, turn.now), 1)
    due = path.week_of(article, turn.tx.intro.items(turn.user))
    if due > now:  # a later week's article: it comes then anyway
        _info(turn, "intro_not_yet", title=article.title, week=due)
        return
    week = now + 1
    if week > path.length:
        _info(turn, "intro_no_later", title=article.title)
        return
    turn.tx.intro.postpone(turn.user, article.id, week)
    _info(turn, "intro_later", title=article.title, week=week)


@COMMANDS.command(
    "avsluta introduktion",
    aliases=("leave introduction", "stop introduction"),
    help_sv="lämnar introduktionen för nya chefer (inga fler veckobrev)",
    help_en="leaves the new manager's introduction (no more weekly lists)",
)
def leave(service: ConversationService, turn: Turn, rest: str) -> None:
    person = _person(service, turn)
    if person is None:
        return
    people.leave(turn.tx, turn.user, turn.now)
    turn.state = ConversationState()
    _info(turn, "intro_left")


@COMMANDS.command(
    "introduktioner",
    aliases=("introductions",),
    help_sv="HR: hur många nya chefer som går introduktionen och hur långt de har kommit",
    help_en="HR: how many new managers are on the introduction and how far they are",
    staff_only=True,
)
def introductions(service: ConversationService, turn: Turn, rest: str) -> None:
    if HR_AREA not in service.roles.staff_areas(turn.user):
        area = service.org.area(HR_AREA)
        _info(turn, "intro_hr_only", area=area.name if area else HR_AREA)
        return
    figures = progress_in(turn.tx, service, turn.now)
    turn.say(Reply(ReplyKind.INFO, masked_view(turn.t, figures)))


def pending(service: ConversationService, turn: Turn, word: str) -> bool:
    """A number after the checklist opens that article; anything else goes on as usual."""
    ids = turn.state.choices
    if not (word.isascii() and word.isdigit()) or not ids:
        return False
    if not 1 <= int(word) <= len(ids):
        key = "bad_choice_one" if len(ids) == 1 else "bad_choice"
        _info(turn, key, n=len(ids))
        return True
    article = service.kb.article(ids[int(word) - 1])
    if article is None:
        return False
    text = service.article_text(turn.t, article)
    turn.say(views.article(turn.t, text, int(word), article))
    return True
