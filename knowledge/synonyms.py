"""Synonym groups that a municipality edits in a YAML file.

The file is a list of groups; the first word of a group is the one every other
member is read as::

    - [dator, laptop, pc, bärbar dator]
    - [lön, löneutbetalning, lönen]

Members may be several words ("bärbar dator"); they are matched after
normalisation, so inflected forms and missing å/ä/ö still match.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import yaml


class SynonymError(ValueError):
    """The synonyms file cannot be read."""


def read_groups(path: Path) -> list[list[str]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as exc:
        raise SynonymError(f"{path}: {exc}") from exc
    if not isinstance(data, list) or not all(
        isinstance(g, list) and len(g) >= 2 and all(isinstance(w, str) for w in g) for g in data
    ):
        raise SynonymError(f"{path}: expected a list of groups, each a list of two or more words")
    return [[str(w) for w in g] for g in data]


# Definite and plural endings, so "kärran" and "mobilerna" match "kärra" and "mobil".
_ENDINGS = ("", "n", "en", "et", "na", "ar", "er", "or", "arna", "erna", "orna")


def _forms(member: str) -> list[str]:
    """A single-word member and its inflected forms; a phrase as it is."""
    if " " in member.strip():
        return [member]
    return [member + ending for ending in _ENDINGS]


class SynonymMap:
    """Rewrites analysed token sequences to each group's canonical tokens."""

    def __init__(
        self, groups: Sequence[Sequence[str]], analyse: Callable[[str], list[str]]
    ) -> None:
        self._phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
        for group in groups:
            canonical = tuple(analyse(group[0]))
            if not canonical:
                continue
            for member in group[1:]:
                for form in _forms(member):
                    key = tuple(analyse(form))
                    if key and key != canonical:
                        self._phrases.setdefault(key, canonical)
        self._longest = max((len(k) for k in self._phrases), default=0)
        self._starts = frozenset(k[0] for k in self._phrases)

    def __len__(self) -> int:
        return len(self._phrases)

    def apply(self, tokens: list[str]) -> list[str]:
        if not self._phrases or self._starts.isdisjoint(tokens):
            return tokens
        out: list[str] = []
        i = 0
        while i < len(tokens):
            if tokens[i] not in self._starts:
                out.append(tokens[i])
                i += 1
                continue
            for n in range(min(self._longest, len(tokens) - i), 0, -1):
                hit = self._phrases.get(tuple(tokens[i : i + n]))
                if hit is not None:
                    out.extend(hit)
                    i += n
                    break
            else:
                out.append(tokens[i])
                i += 1
        return out
