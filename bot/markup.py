"""The light markup every reply is written in, and the one way in from Markdown.

Articles are Markdown, wrapped in the source at any width. ``from_markdown`` parses
an article once with a real parser (markdown-it-py, CommonMark, raw HTML off) into
the light markup; ``blocks`` reads the light markup back as a small tree that each
channel renders in its own format (``adapters.matrix.render``, ``adapters.teams.cards``,
``adapters.cli.render``). Nothing passes a source line break through.

The light markup, which the core's own texts are written in too:

- blocks are separated by a blank line;
- inside a block, a line break is a line break ("Fråga: …" / "Förvaltning: …");
- a line starting "- " is a bullet item, "1. " a numbered item; an item is one line;
- ``**bold**`` and ``*italic*`` inside a line. Everything else is text, to be escaped
  by the renderer: what a user wrote cannot add markup beyond bold and italic.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.token import Token

_MD = MarkdownIt("commonmark", {"html": False}).disable(["image"])
_BULLET = re.compile(r"- (.*)")
_NUMBER = re.compile(r"(\d{1,3})[.)] (.*)")
_INLINE = re.compile(
    r"\*\*(?P<bold>(?:(?!\*\*).)+?)\*\*"
    r"|(?<![\w*])\*(?P<italic>[^\s*](?:[^*]*?[^\s*])?)\*(?![\w*])"
)
_SAFE_LINK = re.compile(r"(?:https?://|mailto:)", re.IGNORECASE)


# -- Markdown in -----------------------------------------------------------------


@lru_cache(maxsize=4096)
def from_markdown(source: str) -> str:
    """An article's Markdown as light markup: each paragraph on one line, each list
    item on one line, headings bold, links as "text (address)"."""
    out: list[str] = []
    tokens = _MD.parse(source)
    _blocks_of(tokens, 0, len(tokens), out)
    return "\n\n".join(b for b in out if b.strip())


def _blocks_of(tokens: list[Token], i: int, end: int, out: list[str]) -> None:
    while i < end:
        tok = tokens[i]
        if tok.type in ("paragraph_open", "heading_open"):
            inline = _inline(tokens[i + 1])
            out.append(f"**{inline}**" if tok.type == "heading_open" and inline else inline)
            i = _close(tokens, i) + 1
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            close = _close(tokens, i)
            start = int(tok.attrs.get("start", 1) or 1)
            out.append("\n".join(_items(tokens, i + 1, close, tok.type, start)))
            i = close + 1
        elif tok.type in ("fence", "code_block"):
            out.append("\n".join(line for line in tok.content.rstrip("\n").split("\n")))
            i += 1
        elif tok.type == "blockquote_open":
            close = _close(tokens, i)
            _blocks_of(tokens, i + 1, close, out)
            i = close + 1
        else:  # hr, stray closes
            i += 1


def _items(tokens: list[Token], i: int, end: int, kind: str, start: int) -> list[str]:
    """A list's items, one line each. The light markup has one level: a nested list's
    items follow their parent's."""
    lines: list[str] = []
    n = start
    while i < end:
        if tokens[i].type != "list_item_open":
            i += 1
            continue
        close = _close(tokens, i)
        parts: list[str] = []
        _blocks_of(tokens, i + 1, close, parts)
        marker = f"{n}. " if kind == "ordered_list_open" else "- "
        lines.append(marker + (parts[0].replace("\n", " ") if parts else ""))
        for nested in parts[1:]:
            for line in nested.split("\n"):
                listed = _BULLET.fullmatch(line) or _NUMBER.fullmatch(line)
                lines.append(line if listed else f"- {line}")
        n += 1
        i = close + 1
    return lines


def _close(tokens: list[Token], i: int) -> int:
    """The index of the token closing the one opened at ``i``."""
    level = tokens[i].level
    j = i + 1
    while j < len(tokens) and not (tokens[j].nesting == -1 and tokens[j].level == level):
        j += 1
    return j


def _inline(token: Token) -> str:
    out: list[str] = []
    href: list[str] = []
    label_start: list[int] = []
    for child in token.children or []:
        kind = child.type
        if kind == "text":
            out.append(child.content)
        elif kind == "softbreak":
            out.append(" ")
        elif kind == "hardbreak":
            out.append(" ")  # an item or paragraph stays one line
        elif kind == "code_inline":
            out.append(child.content)
        elif kind in ("strong_open", "strong_close"):
            out.append("**")
        elif kind in ("em_open", "em_close"):
            out.append("*")
        elif kind == "link_open":
            href.append(str(child.attrs.get("href", "")))
            label_start.append(len(out))
        elif kind == "link_close" and href:
            address = href.pop()
            label = "".join(out[label_start.pop() :]).strip()
            if address and _SAFE_LINK.match(address) and address != label:
                out.append(f" ({address})")
        elif kind == "image":  # off in the parser; kept here for safety
            out.append(child.content)
    return re.sub(r"[ \t]+", " ", "".join(out)).strip()


# -- the light markup as a tree, for the renderers -------------------------------


@dataclass(frozen=True)
class Span:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Block:
    """``lines``: a paragraph's lines (each a line break apart); ``items``: a list's."""

    kind: Literal["paragraph", "bullets", "numbers"]
    lines: tuple[tuple[Span, ...], ...]
    start: int = 1
    tight: bool = False  # follows the block before with no blank line ("Se också:" / "1. …")

    def marker(self, n: int, bullet: str = "- ") -> str:
        """What starts line number ``n`` (counted from ``start``): "- ", "3. " or ""."""
        return {"bullets": bullet, "numbers": f"{n}. "}.get(self.kind, "")


def spans(line: str) -> tuple[Span, ...]:
    out: list[Span] = []
    at = 0
    for m in _INLINE.finditer(line):
        if m.start() > at:
            out.append(Span(line[at : m.start()]))
        if m.group("bold") is not None:
            out.append(Span(m.group("bold"), bold=True))
        else:
            out.append(Span(m.group("italic"), italic=True))
        at = m.end()
    if at < len(line):
        out.append(Span(line[at:]))
    return tuple(out)


def blocks(text: str) -> list[Block]:
    """Light markup as blocks. A paragraph line followed by list lines is split there:
    "Se också:" / "1. …" is a paragraph and a numbered list."""
    out: list[Block] = []
    for chunk in re.split(r"\n[ \t]*\n", text.strip("\n")):
        run: list[tuple[str, int, str]] = []  # (kind, number, content) of one kind
        first = True  # the chunk's first block: after a blank line
        for raw in chunk.split("\n"):
            line = raw.rstrip()
            bullet, number = _BULLET.fullmatch(line), _NUMBER.fullmatch(line)
            if bullet:
                this = ("bullets", 0, bullet.group(1))
            elif number:
                this = ("numbers", int(number.group(1)), number.group(2))
            else:
                this = ("paragraph", 0, line)
            if run and run[0][0] != this[0]:
                out.append(_block(run, tight=not first))
                run, first = [], False
            run.append(this)
        if run:
            out.append(_block(run, tight=not first))
    return out


def _block(run: list[tuple[str, int, str]], tight: bool) -> Block:
    kind = run[0][0]
    lines = tuple(spans(content) for _, _, content in run)
    return Block(kind, lines, run[0][1] or 1, tight)  # type: ignore[arg-type]


def plain(line_spans: tuple[Span, ...]) -> str:
    return "".join(s.text for s in line_spans)


def as_plain(text: str, width: int | None = None) -> str:
    """Light markup as plain text: the same lines and markers, without bold and italic
    (a ``body`` fallback). With ``width``, each paragraph line and list item is reflowed
    to it, items with a hanging indent (the terminal)."""
    out: list[str] = []
    for block in blocks(text):
        lines: list[str] = []
        for n, line in enumerate(block.lines, block.start):
            marker = block.marker(n)
            if width is None:
                lines.append(marker + plain(line))
                continue
            wrapped = textwrap.wrap(
                plain(line),
                width=width,
                initial_indent=marker,
                subsequent_indent=" " * len(marker),
                break_long_words=False,
                break_on_hyphens=False,
            )
            lines.extend(wrapped or [marker.rstrip()])
        out.append(("\n" if block.tight else "\n\n") + "\n".join(lines))
    return "".join(out).lstrip("\n")


def as_html(text: str, clean: Callable[[str], str] = lambda s: s) -> str:
    """Light markup as HTML in the subset Matrix and Teams both allow: paragraphs, line
    breaks only where the text has them (never from an article's source wrapping),
    lists as lists, ``<strong>`` and ``<em>``. Every span is escaped after ``clean``."""
    out: list[str] = []
    for block in blocks(text):
        if block.kind == "paragraph":
            out.append("<p>" + "<br>".join(_html_line(ln, clean) for ln in block.lines) + "</p>")
            continue
        items = "".join(f"<li>{_html_line(ln, clean)}</li>" for ln in block.lines)
        if block.kind == "bullets":
            out.append(f"<ul>{items}</ul>")
        else:
            start = f' start="{block.start}"' if block.start != 1 else ""
            out.append(f"<ol{start}>{items}</ol>")
    return "".join(out)


def _html_line(line: tuple[Span, ...], clean: Callable[[str], str]) -> str:
    out = []
    for span in line:
        safe = html.escape(clean(span.text), quote=False)
        out.append(
            f"<strong>{safe}</strong>" if span.bold else f"<em>{safe}</em>" if span.italic else safe
        )
    return "".join(out)
