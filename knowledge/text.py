"""Low-level Swedish text handling: case folding, diacritic folding, tokens."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*", re.UNICODE)
_FOLD = str.maketrans(
    {"å": "a", "ä": "a", "ö": "o", "æ": "a", "ø": "o", "é": "e", "è": "e", "ü": "u"}
)


def fold(text: str) -> str:
    """Fold Swedish and other diacritics: "lön" -> "lon", "Åsa" -> "asa" (after casefold)."""
    text = text.translate(_FOLD)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """Case-folded words. A hyphenated word ("e-tjänst") gives the joined word
    and its parts of three letters or more ("etjänst", "tjänst")."""
    text = unicodedata.normalize("NFC", text).casefold()
    out: list[str] = []
    for word in _WORD.findall(text):
        if "-" in word:
            parts = word.split("-")
            out.append("".join(parts))
            out.extend(p for p in parts if len(p) >= 3)
        else:
            out.append(word)
    return out
