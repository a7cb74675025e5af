"""The light markup (``bot.markup``) as terminal text: each paragraph and list item
reflowed to the width, list items with a hanging indent, bold and italic dropped."""

from __future__ import annotations

from bot.markup import as_plain

WIDTH = 80


def render_terminal(text: str, width: int = WIDTH) -> str:
    return as_plain(text, width)
