"""The command registry: each command declared once, with Swedish and English help.

Every channel asks the same registry, so ``hjälp`` in the terminal, in Teams
and in Matrix lists the same commands.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

H = TypeVar("H", bound=Callable[..., object])


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
        """The command a message starts with (one or two words), and the rest of it."""
        lowered = text.strip().lstrip("!/").casefold()
        parts = lowered.split(maxsplit=2)
        for n in (2, 1):
            if len(parts) >= n:
                word = " ".join(parts[:n])
                if word in self._by_word:
                    rest = text.strip().lstrip("!/").split(maxsplit=n)
                    return self._by_word[word], (rest[n] if len(rest) > n else "")
        return None

    def all(self) -> list[Command[H]]:
        return list(self._ordered)
