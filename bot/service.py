"""The conversation service: one platform-neutral brain for every channel.

``handle`` takes an ``IncomingMessage`` and returns the replies. The flow:
ask -> answer (with follow-ups and "var det till hjälp?") / clarify (numbered
choices) / no answer (name the owning area). Feedback "nej" offers to pass the
question on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from bot.commands import CommandRegistry
from bot.messages import Choice, IncomingMessage, Reply, ReplyKind
from bot.state import Awaiting, ConversationState, StateStore
from bot.texts import NO, YES, Texts
from knowledge.base import KnowledgeBase
from knowledge.matcher import Outcome, Result, Thresholds
from knowledge.model import Article
from routing.router import AreaRouter

Handler = Callable[["ConversationService", IncomingMessage, str, Texts], list[Reply]]
COMMANDS: CommandRegistry[Handler] = CommandRegistry()


@COMMANDS.command(
    "hjälp",
    aliases=("help", "hjalp", "?", "kommandon"),
    help_sv="visar vad du kan skriva",
    help_en="shows what you can type",
)
def _help(service: ConversationService, msg: IncomingMessage, rest: str, t: Texts) -> list[Reply]:
    lines = [t("help_header"), f"- {t('help_ask')}"]
    for cmd in COMMANDS.all():
        if not cmd.staff_only:
            lines.append(f"- **{cmd.name}** {cmd.usage}".rstrip() + f" – {cmd.help(t.language)}")
    return [Reply(ReplyKind.INFO, "\n".join(lines))]


class ConversationService:
    def __init__(
        self,
        kb: KnowledgeBase,
        states: StateStore,
        thresholds: Thresholds = Thresholds(),
        language: str = "sv",
        max_chars: int = 4000,
    ) -> None:
        self.kb = kb
        self.states = states
        self.thresholds = thresholds
        self.language = language
        self.max_chars = max_chars
        self.router = AreaRouter(kb.organisation, kb.matcher.analyzer)

    def texts(self, msg: IncomingMessage) -> Texts:
        return Texts(msg.language or self.language)

    @staticmethod
    def state_key(msg: IncomingMessage) -> str:
        return f"{msg.channel}|{msg.conversation.conversation_id}|{msg.user_id}"

    def greeting(self, language: str | None = None) -> Reply:
        t = Texts(language or self.language)
        return Reply(ReplyKind.INFO, t("greeting", municipality=self.kb.organisation.municipality))

    def handle(self, msg: IncomingMessage) -> list[Reply]:
        t = self.texts(msg)
        text = msg.text.strip()
        if not text:
            return [Reply(ReplyKind.INFO, t("empty"))]
        if len(text) > self.max_chars:
            return [Reply(ReplyKind.ERROR, t("too_long", length=len(text), limit=self.max_chars))]
        key = self.state_key(msg)
        state = self.states.get(key)

        pending = self._pending(msg, text, state, t)
        if pending is not None:
            return pending
        found = COMMANDS.find(text)
        if found is not None:
            command, rest = found
            return command.handler(self, msg, rest, t)
        return self.ask(msg, text, t)

    # -- the pending turn: a number, or ja/nej ------------------------------------

    def _pending(
        self, msg: IncomingMessage, text: str, state: ConversationState, t: Texts
    ) -> list[Reply] | None:
        key = self.state_key(msg)
        word = text.casefold().strip(" .!")
        if state.awaiting is Awaiting.NOTHING:
            return None
        if word.isdigit() and state.choices:
            n = int(word)
            if n == 0 and state.awaiting is Awaiting.CLARIFY:
                return self._route(msg, state.question, None, t)
            if 1 <= n <= len(state.choices):
                article = self.kb.article(state.choices[n - 1])
                if article is not None:
                    return self._answer(msg, state.question, article, t)
            return [Reply(ReplyKind.INFO, t("bad_choice", n=len(state.choices)))]
        if state.awaiting is Awaiting.FEEDBACK and (word in YES or word in NO):
            return self.feedback(msg, state, helpful=word in YES, t=t)
        if state.awaiting is Awaiting.ROUTE_OFFER and (word in YES or word in NO):
            self.states.put(key, ConversationState())
            if word in YES:
                return self._route(msg, state.question, state.article_id, t)
            return [Reply(ReplyKind.INFO, t("route_declined"))]
        return None

    # -- flows ---------------------------------------------------------------------

    def ask(self, msg: IncomingMessage, question: str, t: Texts) -> list[Reply]:
        result = self.kb.matcher.match(question, self.thresholds)
        if result.outcome is Outcome.ANSWER and result.best is not None:
            return self._answer(msg, question, result.best.article, t)
        if result.outcome is Outcome.CLARIFY:
            return self._clarify(msg, question, result, t)
        return self._route(msg, question, None, t, result)

    def _answer(
        self, msg: IncomingMessage, question: str, article: Article, t: Texts
    ) -> list[Reply]:
        follow = [a for a in (self.kb.article(i) for i in article.follow_up) if a is not None]
        parts = [t("answer_header", title=article.title), article.answer]
        if article.links:
            parts.append(t("links") + "\n" + "\n".join(f"- {x.title}: {x.url}" for x in article.links))
        choices = tuple(Choice(i, a.title, a.id) for i, a in enumerate(follow, 1))
        if choices:
            parts.append(t("follow_ups") + "\n" + "\n".join(f"{c.number}. {c.label}" for c in choices))
        parts.append(t("ask_feedback"))
        self.states.put(
            self.state_key(msg),
            ConversationState(
                Awaiting.FEEDBACK, question, tuple(a.id for a in follow), article.id, article.area
            ),
        )
        return [
            Reply(
                ReplyKind.ANSWER,
                "\n\n".join(parts),
                choices=choices,
                article_id=article.id,
                area_id=article.area,
                asks_feedback=True,
            )
        ]

    def _clarify(
        self, msg: IncomingMessage, question: str, result: Result, t: Texts
    ) -> list[Reply]:
        choices = tuple(
            Choice(i, s.article.title, s.article.id) for i, s in enumerate(result.choices, 1)
        )
        lines = [t("clarify"), *(f"{c.number}. {c.label}" for c in choices), t("clarify_none")]
        self.states.put(
            self.state_key(msg),
            ConversationState(Awaiting.CLARIFY, question, tuple(c.article_id or "" for c in choices)),
        )
        return [Reply(ReplyKind.CLARIFY, "\n".join(lines), choices=choices)]

    def feedback(
        self, msg: IncomingMessage, state: ConversationState, helpful: bool, t: Texts
    ) -> list[Reply]:
        key = self.state_key(msg)
        if helpful:
            self.states.put(key, ConversationState())
            return [Reply(ReplyKind.INFO, t("thanks_helpful"), article_id=state.article_id)]
        area = self.kb.organisation.area(state.area_id or "") or self.kb.organisation.triage
        self.states.put(key, replace(state, awaiting=Awaiting.ROUTE_OFFER, choices=()))
        return [Reply(ReplyKind.INFO, t("sorry_not_helpful", area=area.name), area_id=area.id)]

    def _route(
        self,
        msg: IncomingMessage,
        question: str,
        article_id: str | None,
        t: Texts,
        result: Result | None = None,
    ) -> list[Reply]:
        nearest = result.candidates if result is not None else self.kb.matcher.rank(question)[:5]
        guess = self.router.guess(question, nearest)
        area = guess.area
        if article_id is not None:
            article = self.kb.article(article_id)
            area = self.kb.organisation.area(article.area) if article else area
            assert area is not None
        self.states.put(self.state_key(msg), ConversationState())
        text = "\n".join(
            [
                t("no_answer", area=area.name),
                t("no_answer_responsible", area=area.name, who=area.responsible),
                t("routed_preview", who=area.responsible),
            ]
        )
        return [Reply(ReplyKind.NO_ANSWER, text, area_id=area.id)]
