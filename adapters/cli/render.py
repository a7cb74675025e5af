"""Turns the core's light Markdown into plain terminal text."""

from __future__ import annotations

import re

_BOLD = re.compile(r"\*\*(.+?)\*\*")


def render_terminal(text: str) -> str:
    return _BOLD.sub(r"\1", text)
