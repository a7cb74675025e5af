"""The command registry: each command declared once, with Swedish and English help.

Every channel asks the same registry, so ``hjälp`` in the terminal, in Teams
and in Matrix lists the same commands.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

H = TypeVar("H", bound=Callable[..., object])
# What an attempt at a ticket number starts with: "42", "#42", but also "-1", "+7",
# "1e9", "1.5". Such a message is the command (and gets its usage line when the number
# is not one); "ta bort ett konto" stays a question.
_NUMBER_LIKE = re.compile(r"[#+\-−–]*[0-9]")
# The longest command phrase, in words ("i am a new manager").
MAX_WORDS = 5
_ARTICLE_ID = re.compile(r"[a-z0-9][a-z0-9-]*")  # knowledge.schema.ID_PATTERN


@dataclass(frozen=True)
class Command(Generic[H]):
    name: str
    aliases: tuple[str, ...]
    help_sv: str
    help_en: str
    handler: H
    usage: str = ""
    staff_only: bool = False

    def help(self, language: str) -> str:
        return self.help_en if language == "en" else self.help_sv

    def accepts(self, rest: str) -> bool:
        """Whether ``rest`` fits the usage, so that a question which merely starts with
        a command word ("hjälp, jag har glömt lösenordet", "ta bort ett konto") stays
        a question."""
        rest = rest.strip()
        if self.usage.startswith("NR"):
            return bool(_NUMBER_LIKE.match(rest))
        if self.usage.startswith("["):  # "[OMRÅDE]": one word at most, "[OMRÅDE ÅR]": two
            return len(rest.split()) <= len(self.usage.split("]")[0].split())
        if self.usage.startswith("OMRÅDE"):  # any words: the handler tells an area from
            return bool(rest)  # a question ("vad gör HR?" / "vad gör jag om ...")
        if self.usage.startswith("ID"):  # article ids: "granskad hr-sjuklon hr-semester"
            ids = rest.replace(",", " ").split()
            return bool(ids) and all(_ARTICLE_ID.fullmatch(i) for i in ids)
        return rest == ""


@dataclass
class CommandRegistry(Generic[H]):
    _by_word: dict[str, Command[H]] = field(default_factory=dict)
    _ordered: list[Command[H]] = field(default_factory=list)

    def command(
        self,
        name: str,
        *,
        aliases: tuple[str, ...] = (),
        help_sv: str,
        help_en: str,
        usage: str = "",
        staff_only: bool = False,
    ) -> Callable[[H], H]:
        def register(handler: H) -> H:
            cmd = Command(name, aliases, help_sv, help_en, handler, usage, staff_only)
            for word in (name, *aliases):
                if word in self._by_word:
                    raise ValueError(f"command word '{word}' is declared twice")
                self._by_word[word] = cmd
            self._ordered.append(cmd)
            return handler

        return register

    def find(self, text: str) -> tuple[Command[H], str] | None:
        """The command a message starts with (one to three words: "ja till enkäter"),
        and the rest of it."""
        lowered = text.strip().lstrip("!/").casefold()
        parts = lowered.split(maxsplit=MAX_WORDS)
        for n in range(MAX_WORDS, 0, -1):
            if len(parts) >= n:
                word = " ".join(parts[:n])
                if n >= 3 and len(parts) == n:  # a phrase said alone: "jag är ny chef."
                    word = word.rstrip(" ?!.")
                if word in self._by_word:
                    split = text.strip().lstrip("!/").split(maxsplit=n)
                    rest = split[n] if len(split) > n else ""
                    cmd = self._by_word[word]
                    if cmd.accepts(rest.rstrip(" ?!.")):
                        return cmd, rest
        return None

    def all(self) -> list[Command[H]]:
        return list(self._ordered)


Handler = Callable[..., None]
# The one registry every channel reads. Filled by ``bot.asker`` and ``bot.staff``
# at import; read-only afterwards.
COMMANDS: CommandRegistry[Handler] = CommandRegistry()
