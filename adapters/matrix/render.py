"""The core's light Markdown to a Matrix message: a plain body and sanitised HTML.

User text is part of what the core writes (questions in ticket cards, staff
answers), so everything is escaped first and only then is our own markup
(``**bold**``, ``- `` lists, numbered lines) turned into the tags the Matrix
spec allows. "@room" is broken with a word joiner so that no client treats it
as a room ping, and every event carries ``m.mentions``.
"""

from __future__ import annotations

import html
import re
from typing import Any

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ROOM_PING = re.compile(r"@room\b", re.IGNORECASE)
WORD_JOINER = "\u2060"


def defuse(text: str) -> str:
    """Neutralise @room in text we did not write."""
    return _ROOM_PING.sub(lambda m: m.group(0)[0] + WORD_JOINER + m.group(0)[1:], text)


def plain(text: str) -> str:
    return defuse(_BOLD.sub(r"\1", text))


def to_html(text: str) -> str:
    out: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if items:
            out.append("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
            items.clear()

    for block in text.split("\n\n"):
        lines = block.split("\n")
        para: list[str] = []
        for line in lines:
            safe = _BOLD.sub(r"<strong>\1</strong>", html.escape(defuse(line), quote=False))
            if line.startswith("- "):
                if para:
                    out.append("<p>" + "<br>".join(para) + "</p>")
                    para = []
                items.append(safe[2:])
            else:
                flush()
                para.append(safe)
        flush()
        if para:
            out.append("<p>" + "<br>".join(para) + "</p>")
    return "".join(out)


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
