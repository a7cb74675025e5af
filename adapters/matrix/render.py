"""The core's light markup (``bot.markup``) to a Matrix message: a plain body and
sanitised HTML.

User text is part of what the core writes (questions in ticket cards, staff
answers), so every span is escaped, and only the markup's own structure
(paragraphs, lists, bold, italic) becomes the tags the Matrix spec allows.
"@room" is broken with a word joiner so that no client treats it
as a room ping, and every event carries ``m.mentions``.
"""

from __future__ import annotations

import re
from typing import Any

from bot.markup import as_html, as_plain

_ROOM_PING = re.compile(r"@room\b", re.IGNORECASE)
WORD_JOINER = "\u2060"


def defuse(text: str) -> str:
    """Neutralise @room in text we did not write."""
    return _ROOM_PING.sub(lambda m: m.group(0)[0] + WORD_JOINER + m.group(0)[1:], text)


def plain(text: str) -> str:
    return defuse(as_plain(text))


def to_html(text: str) -> str:
    """Light markup as Matrix's HTML subset (``bot.markup.as_html``), @room defused."""
    return as_html(text, defuse)


def message_content(
    text: str, mentions: list[str] | None = None, notice: bool = False
) -> dict[str, Any]:
    return {
        "msgtype": "m.notice" if notice else "m.text",
        "body": plain(text),
        "format": "org.matrix.custom.html",
        "formatted_body": to_html(text),
        "m.mentions": {"user_ids": mentions} if mentions else {},
    }
