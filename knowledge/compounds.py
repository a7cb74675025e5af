"""Compound splitting learnt from the knowledge base's own vocabulary.

Swedish writes compounds as one word: "lönespecifikationen" is "lön" +
"specifikation". A manager may type either. The splitter knows only the stems
that occur in the knowledge base, so it never invents parts the base cannot
match anyway, and it needs no external dictionary.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

# Linking letters between the parts of a compound ("arbet-s-miljö", "lön-e-samtal").
_LINKS = ("", "s", "e", "a", "u", "o")
MIN_PART = 3
MIN_WORD = 6
_HEAD_SUFFIXES = ("arna", "erna", "orna", "et", "en", "na", "ar", "er", "or", "n", "t")
# Derivational endings are not compound parts: "verksam|het", "vacciner|ing".
NOT_PARTS = frozenset(
    [
        "het",
        "ing",
        "ning",
        "ande",
        "ende",
        "are",
        "ares",
        "lig",
        "liga",
        "isk",
        "iska",
        "ger",
        "tion",
        "tioner",
        "skap",
        "dom",
        "else",
        "ent",
        "era",
        "ers",
        "ess",
        "ist",
        "ism",
        "itet",
        "lse",
        "nde",
        "ner",
        "ord",
    ]
)


class CompoundSplitter:
    """Splits a folded stem into known parts, preferring the fewest parts."""

    def __init__(self, vocabulary: Iterable[str]) -> None:
        self._vocab = frozenset(w for w in vocabulary if len(w) >= MIN_PART) - NOT_PARTS
        self.split = lru_cache(maxsize=65536)(self._split)

    @property
    def vocabulary(self) -> frozenset[str]:
        """The parts it knows."""
        return self._vocab

    def _split(self, word: str) -> tuple[str, ...]:
        """Return the parts of ``word`` (at least two), or () if it is no known compound."""
        if len(word) < MIN_WORD:
            return ()
        best = self._best(word)
        return best if best is not None and len(best) >= 2 else ()

    def _inflected_head(self, part: str) -> str:
        """A last part in a definite or plural form: "rummet" -> "rum", "bilarna" -> "bil"."""
        for suffix in _HEAD_SUFFIXES:
            if part.endswith(suffix) and len(part) - len(suffix) >= MIN_PART:
                base = part[: -len(suffix)]
                for cand in (base, base[:-1] if base[-1] == base[-2] else ""):
                    if cand in self._vocab:
                        return cand
        return ""

    def _best(self, word: str) -> tuple[str, ...] | None:
        # Depth-limited search: a real compound rarely has more than four parts.
        memo: dict[int, tuple[str, ...] | None] = {}

        def solve(i: int, depth: int) -> tuple[str, ...] | None:
            if i == len(word):
                return ()
            if depth > 4:
                return None
            if i in memo:
                return memo[i]
            best: tuple[str, ...] | None = None
            # Longest first part first, so "specifikation" beats "spec" + "ifikation".
            # The whole word is no split of itself.
            last = len(word) - 1 if i == 0 else len(word)
            for end in range(last, i + MIN_PART - 1, -1):
                part = word[i:end]
                if part not in self._vocab:
                    part = self._inflected_head(part) if end == len(word) else ""
                    if not part:
                        continue
                for link in _LINKS:
                    nxt = end + len(link)
                    if link and word[end:nxt] != link:
                        continue
                    if nxt != len(word) and len(word) - nxt < MIN_PART:
                        continue
                    rest = solve(nxt, depth + 1)
                    if rest is None:
                        continue
                    candidate = (part, *rest)
                    if best is None or len(candidate) < len(best):
                        best = candidate
                if best is not None and len(best) <= 2:
                    break
            memo[i] = best
            return best

        return solve(0, 1)
