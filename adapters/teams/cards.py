"""What the core says, as Teams activities: text in Teams' XML format (everything
escaped, then our own bold), and Adaptive Cards with Action.Execute buttons."""

from __future__ import annotations

import re
from typing import Any

from adapters.teams.fallback import with_fallback
from bot.markup import Block, Span, as_html, blocks, plain
from bot.texts import Texts

_BOLD = re.compile(r"\*\*(.+?)\*\*")
CARD = "application/vnd.microsoft.card.adaptive"


def to_xml(text: str) -> str:
    """Light markup (``bot.markup``) as the HTML Teams shows in a message. User text
    cannot add markup or mentions: every span is escaped."""
    out = as_html(text)
    inner = out[3:-4]
    if out.startswith("<p>") and out.endswith("</p>") and "<p>" not in inner:
        return inner  # one paragraph: plain, so the chat list's preview reads well
    return out


def _button(title: str, text: str, verb: str = "say", **data: Any) -> dict[str, Any]:
    # Action.Execute (universal actions); Teams clients without it send the same as Action.Submit.
    return {
        "type": "Action.Execute",
        "title": title,
        "verb": verb,
        "data": {"text": text, **data},
        "fallback": {"type": "Action.Submit", "title": title, "data": {"text": text, **data}},
    }


def reply_card(payload: dict[str, Any]) -> dict[str, Any] | None:
    """A reply with buttons as one Adaptive Card: its text, then the buttons (numbered
    choices, "Inget av dem", ja/nej), each saying what it answers (``about``) and
    labelled in the reply's language. The numbered lines the buttons stand for are not
    repeated in the text. None for a reply without buttons (sent as a message)."""
    t = Texts(str(payload.get("language") or "sv"))
    about = {"about": payload["about"]} if payload.get("about") else {}
    choices = [(int(c[0]), str(c[1]), (c[3:4] or [None])[0]) for c in payload.get("choices") or []]
    buttons = [_button(f"{n}. {label}", says or str(n), **about) for n, label, says in choices]
    if payload.get("kind") == "clarify":
        buttons.append(_button(t("button_none"), "0", **about))
    if payload.get("asks_feedback"):
        buttons += [
            _button(t("button_helpful"), "ja", **about),
            _button(t("button_not_helpful"), "nej", **about),
        ]
    if payload.get("offers_route"):
        buttons += [
            _button(t("button_send"), "ja", **about),
            _button(t("button_dont_send"), "nej", **about),
        ]
    if not buttons:
        return None
    labels = [label for _, label, _ in choices]
    drawn: list[tuple[Block, list[dict[str, Any]]]] = []
    for block in blocks(str(payload.get("text", ""))):
        if block.kind == "numbers" and [plain(line) for line in block.lines] == labels:
            before = drawn[-1][0] if drawn and block.tight else None
            if before and before.kind == "paragraph" and plain(before.lines[-1]).endswith(":"):
                drawn[-1][1].pop()  # its heading ("Se också:") goes with it
            continue  # the buttons show them
        rows: list[dict[str, Any]] = []
        for n, line in enumerate(block.lines, block.start):
            marker = block.marker(n, bullet="• ")
            runs = [run for span in _unhinted(line) for run in _runs(span)]
            row: dict[str, Any] = {
                "type": "RichTextBlock",
                "inlines": ([_literal(marker)] if marker else []) + runs,
            }
            if rows or block.tight:
                row["spacing"] = "Small"  # a list's items and heading stay together
            rows.append(row)
        drawn.append((block, rows))
    body = [row for _, rows in drawn for row in rows]
    card = {
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
        "actions": buttons,
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
    }
    return with_fallback(card, t)


_HINT = re.compile(r"\s*\((?:ja/nej|yes/no)\)$")


def _unhinted(line: tuple[Span, ...]) -> tuple[Span, ...]:
    """A line without its typed-answer hint ("(ja/nej)"): the card has the buttons."""
    if line and _HINT.search(line[-1].text):
        return (*line[:-1], Span(_HINT.sub("", line[-1].text), line[-1].bold, line[-1].italic))
    return line


_URL = re.compile(r"https?://[^\s<>()]+[^\s<>().,;:!?]")


def _runs(span: Span) -> list[dict[str, Any]]:
    """A span as TextRuns (never read as Markdown); a web address in it opens on a click,
    as it would in a Teams message."""
    out: list[dict[str, Any]] = []
    at = 0
    for m in _URL.finditer(span.text):
        if m.start() > at:
            out.append(_run(span, span.text[at : m.start()]))
        link = _run(span, m.group(0))
        link["selectAction"] = {"type": "Action.OpenUrl", "url": m.group(0)}
        link["color"] = "Accent"
        out.append(link)
        at = m.end()
    if at < len(span.text) or not out:
        out.append(_run(span, span.text[at:]))
    return out


def _run(span: Span, text: str) -> dict[str, Any]:
    run = _literal(text, span.bold)
    if span.italic:
        run["italic"] = True
    return run


def _input_action(t: Texts, title: str, command: str, ticket: int, label: str) -> dict[str, Any]:
    return {
        "type": "Action.ShowCard",
        "title": title,
        "card": {
            "type": "AdaptiveCard",
            "version": "1.4",
            "body": [
                {
                    "type": "Input.Text",
                    "id": "input",
                    "label": label,
                    "isMultiline": True,
                    "isRequired": True,
                    "errorMessage": t("card_input_required"),
                }
            ],
            "actions": [_button(t("card_send"), "", verb=command, command=command, ticket=ticket)],
        },
    }


def _literal(text: str, bold: bool = False) -> dict[str, Any]:
    """Text shown exactly as written: a TextRun is never read as Markdown, so user text
    cannot become a link, emphasis or a list."""
    run: dict[str, Any] = {"type": "TextRun", "text": text}
    if bold:
        run["weight"] = "Bolder"
    return run


def _card_body(payload: dict[str, Any]) -> list[dict[str, Any]]:
    view = payload.get("card")
    if not isinstance(view, dict):  # a row queued before cards had fields: every line literal
        lines = [line for line in str(payload.get("text", "")).split("\n") if line.strip()]
        return [
            {"type": "RichTextBlock", "inlines": [_literal(_BOLD.sub(r"\1", line), i == 0)]}
            for i, line in enumerate(lines)
            if not line.startswith(("Kommandon:", "Commands:"))
        ]
    body: list[dict[str, Any]] = [
        {"type": "RichTextBlock", "inlines": [_literal(str(view.get("title", "")), True)]}
    ]
    if view.get("warning"):  # a personnummer in the ticket (issue 15)
        warning = _literal(str(view["warning"]), True)
        warning["color"] = "Attention"
        body.append({"type": "RichTextBlock", "inlines": [warning]})
    if view.get("question"):
        body.append(
            {
                "type": "RichTextBlock",
                "inlines": [
                    _literal(f"{view.get('question_label', '')} ", True),
                    _literal(str(view["question"])),
                ],
            }
        )
    facts = [{"title": str(k), "value": str(v)} for k, v in view.get("facts") or []]
    if facts:
        body.append({"type": "FactSet", "facts": facts})
    return body


def ticket_card(payload: dict[str, Any], *, actions: bool = True) -> dict[str, Any]:
    """The ticket card; ``actions``: the staff buttons (off for a viewer who may only look)."""
    ticket = int(payload["ticket_id"])
    t = Texts(str(payload.get("language") or "sv"))  # the viewer's, or the organisation's
    buttons: list[dict[str, Any]] = []
    if actions and payload.get("status") in (None, "open", "reopened"):
        buttons.append(_button(t("card_claim"), f"ta {ticket}", verb="claim", ticket=ticket))
    if actions and payload.get("status") not in ("resolved", "closed", "moved"):
        buttons += [
            _input_action(t, t("card_answer"), "svara", ticket, t("card_answer_label")),
            _input_action(t, t("card_note"), "notera", ticket, t("card_note_label")),
            _input_action(t, t("card_move"), "flytta", ticket, t("card_move_label")),
            _button(t("card_resolve"), f"lös {ticket}", verb="resolve", ticket=ticket),
        ]
    card = {
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": _card_body(payload),
        "actions": buttons,
        "refresh": {
            "action": {"type": "Action.Execute", "verb": "refresh", "data": {"ticket": ticket}}
        },
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
    }
    return with_fallback(card, t)


def refused_card(text: str) -> dict[str, Any]:
    """What someone who may not see a ticket gets on a refresh or a button: no ticket text,
    no buttons, no refresh."""
    return {
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [{"type": "RichTextBlock", "inlines": [_literal(text)]}],
        "fallbackText": text,
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
    }


def text_of(action_data: dict[str, Any]) -> str:
    """The line the core understands for a pressed button (and its typed input)."""
    command, typed = action_data.get("command"), str(action_data.get("input", "")).strip()
    if command:
        return f"{command} {action_data.get('ticket', '')} {typed}".strip()
    return str(action_data.get("text", "")).strip()


def activity_for(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    if kind in ("ticket_card", "ticket_update") and payload.get("ticket_id") is not None:
        card = ticket_card(payload)
        return {
            "type": "message",
            "summary": card["fallbackText"],  # for a channel or client without cards
            "attachments": [{"contentType": CARD, "content": card}],
        }
    activity: dict[str, Any] = {
        "type": "message",
        "textFormat": "xml",
        "text": to_xml(str(payload.get("text", ""))),
    }
    card = reply_card(payload)
    if card is not None:  # one card, the text in it: not a message and then a card
        del activity["text"], activity["textFormat"]
        activity["summary"] = card["fallbackText"]  # for a channel or client without cards
        activity["attachments"] = [{"contentType": CARD, "content": card}]
    if payload.get("image_png_b64"):  # the weekly chart
        activity.setdefault("attachments", []).append(
            {
                "contentType": "image/png",
                "name": "efterfragan.png",
                "contentUrl": f"data:image/png;base64,{payload['image_png_b64']}",
            }
        )
    return activity
