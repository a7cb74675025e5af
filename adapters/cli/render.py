"""The light markup (``bot.markup``) as terminal text: each paragraph and list item
reflowed to the width, list items with a hanging indent, bold and italic dropped."""

from __future__ import annotations

import textwrap

from bot.markup import blocks, plain

WIDTH = 80


def render_terminal(text: str, width: int = WIDTH) -> str:
    out: list[str] = []
    for block in blocks(text):
        lines: list[str] = []
        for n, line in enumerate(block.lines, block.start):
            words = plain(line)
            marker = {"bullets": "- ", "numbers": f"{n}. "}.get(block.kind, "")
            wrapped = textwrap.wrap(
                words,
                width=width,
                initial_indent=marker,
                subsequent_indent=" " * len(marker),
                break_long_words=False,
                break_on_hyphens=False,
            )
            lines.extend(wrapped or [marker.rstrip()])
        out.append(("\n" if block.tight else "\n\n") + "\n".join(lines))
    return "".join(out).lstrip("\n")
