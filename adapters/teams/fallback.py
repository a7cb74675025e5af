"""The plain-text fallback of an Adaptive Card: what a client that cannot draw the card
shows (``fallbackText``), and the activity's ``summary`` for channels without cards.
Read from the card itself, so it says what the card says: its lines (a blank line
between groups, as the card spaces them), its facts, and its buttons as a numbered
list with what to type instead of pressing."""

from __future__ import annotations

import re
from typing import Any

from bot.texts import Texts

_NUMBERED = re.compile(r"(\d{1,3})\. (.*)", re.S)


def _line(element: dict[str, Any]) -> str:
    if element.get("type") == "RichTextBlock":
        return "".join(str(run.get("text", "")) for run in element.get("inlines") or [])
    if element.get("type") == "TextBlock":
        return str(element.get("text", ""))
    if element.get("type") == "FactSet":
        return "\n".join(f"{f.get('title', '')}: {f.get('value', '')}" for f in element["facts"])
    return ""


def _typed(action: dict[str, Any], t: Texts) -> str:
    """What to type instead of pressing ``action`` ("skriv ”ta 4”"), or ""."""
    if action.get("type") == "Action.ShowCard":  # a form: the command, its ticket, a text
        inner = ((action.get("card") or {}).get("actions") or [{}])[0]
        data = inner.get("data") or {}
        typed = f"{data.get('command', '')} {data.get('ticket', '')}".strip()
        return t("card_fallback_type_text", text=typed) if typed else ""
    data = action.get("data") or {}
    typed = str(data.get("text") or f"{data.get('command', '')} {data.get('ticket', '')}")
    return t("card_fallback_type", text=typed.strip()) if typed.strip() else ""


def card_text(card: dict[str, Any], t: Texts) -> str:
    """The card as plain text: body lines, then the buttons, numbered."""
    groups: list[list[str]] = []
    for element in card.get("body") or []:
        line = _line(element).strip()
        if not line:
            continue
        if groups and element.get("spacing") == "Small":
            groups[-1].append(line)
        else:
            groups.append([line])
    buttons: list[str] = []
    last = 0
    for action in card.get("actions") or []:
        title = str(action.get("title", "")).strip()
        own = _NUMBERED.fullmatch(title)
        number = int(own.group(1)) if own else last + 1
        label = own.group(2) if own else title
        last = max(last, number)
        typed = _typed(action, t)
        buttons.append(f"{number}. {label}: {typed}" if typed else f"{number}. {label}")
    if buttons:
        groups.append([t("card_fallback_buttons"), *buttons])
    return "\n\n".join("\n".join(g) for g in groups)


def with_fallback(card: dict[str, Any], t: Texts) -> dict[str, Any]:
    """``card`` with its ``fallbackText`` (again, after its body or buttons changed)."""
    card["fallbackText"] = card_text(card, t)
    return card
