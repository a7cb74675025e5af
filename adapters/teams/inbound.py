"""What comes in from Teams, checked once before anything is stored or handled.

``checked`` cleans every string (``bot.clean``) and refuses an activity the bot could
not read (``BadActivity``: the endpoint answers 400, never 500). ``storable`` is the
part of a message kept in the inbox: only what the bot reads, and, for a text too long
to handle, its length instead of the text. ``invoke_parts`` and ``ticket_value`` read
an Action.Execute."""

from __future__ import annotations

import re
from typing import Any

from bot.clean import clean_value

ACTS_ON = ("message", "invoke")  # other activity types are acknowledged and ignored
CARD_ACTION = "adaptiveCard/action"
MAX_ID = 200  # user and conversation ids go into columns of 255
MAX_EVENT_ID = 255
TEXT_LENGTH = "stodbotTextLength"  # in a stored activity: the text was dropped, this long
_KEPT = ("type", "id", "timestamp", "channelId", "serviceUrl", "from", "recipient")
_KEPT_MORE = ("conversation", "locale", "text", "textFormat")
_TICKET = re.compile(r"[0-9]{1,10}")
MAX_TICKET = 2**31 - 1


class BadActivity(ValueError):
    """Not an activity the bot can read; the message says which part."""


def _has_id(part: Any) -> bool:
    ident = part.get("id") if isinstance(part, dict) else None
    return isinstance(ident, str) and 0 < len(ident) <= MAX_ID


def checked(body: Any) -> dict[str, Any]:
    """The activity with every string cleaned; BadActivity if the bot could not act on it."""
    if not isinstance(body, dict):
        raise BadActivity("not an object")
    body = clean_value(body)
    if body.get("type") not in ACTS_ON:
        return body
    for part in ("from", "recipient", "conversation"):
        if not _has_id(body.get(part)):
            raise BadActivity(f"no {part}.id")
    aad = body["from"].get("aadObjectId")  # the id the bot knows people by, when given
    if aad is not None and not (isinstance(aad, str) and 0 < len(aad) <= MAX_ID):
        raise BadActivity("from.aadObjectId is not an id")
    if not _has_id(body):
        raise BadActivity("no id")
    if len(body["conversation"]["id"]) + len(body["id"]) >= MAX_EVENT_ID:
        raise BadActivity("ids too long")  # the inbox keeps "conversation|activity"
    for key in ("text", "serviceUrl", "locale"):
        if body.get(key) is not None and not isinstance(body[key], str):
            raise BadActivity(f"{key} is not text")
    if not isinstance(body.get("entities") or [], list):
        raise BadActivity("entities is not a list")
    if body["type"] == "invoke" and body.get("name") == CARD_ACTION:
        invoke_parts(body)
    return body


def question_text(body: dict[str, Any]) -> str:
    """The message's text without the bot's own mention."""
    text = str(body.get("text") or "")
    bot = (body.get("recipient") or {}).get("id")
    for entity in body.get("entities") or []:
        if (
            isinstance(entity, dict)
            and entity.get("type") == "mention"
            and isinstance(entity.get("mentioned"), dict)
            and entity["mentioned"].get("id") == bot
        ):
            text = text.replace(str(entity.get("text", "")), " ")
    return text.strip()


def storable(body: dict[str, Any], max_chars: int) -> dict[str, Any] | None:
    """The part of a checked message the inbox keeps; None if there is nothing to answer."""
    text = question_text(body)
    if not text:
        return None
    kept = {k: body[k] for k in (*_KEPT, *_KEPT_MORE) if k in body}
    channel_data = body.get("channelData") if isinstance(body.get("channelData"), dict) else {}
    kept_data = {
        k: channel_data[k] for k in ("tenant", "channel") if isinstance(channel_data.get(k), dict)
    }
    if "channel" in kept_data:
        kept_data["channel"] = {"id": kept_data["channel"].get("id")}
    if kept_data:
        kept["channelData"] = kept_data
    mentions = [e for e in body.get("entities") or [] if isinstance(e, dict)]
    kept["entities"] = [e for e in mentions if e.get("type") == "mention"]
    if len(text) > max_chars:  # refused later; the text itself is not kept anywhere
        kept["text"], kept["entities"], kept[TEXT_LENGTH] = "", [], len(text)
    return kept


def shared_in(body: dict[str, Any]) -> str | None:
    """Where others read the reply: None in a personal chat, else the channel (its id,
    without the thread's ``;messageid=``) or the group chat. An activity that does not
    say it is personal counts as shared."""
    conversation = body.get("conversation") if isinstance(body.get("conversation"), dict) else {}
    if conversation.get("conversationType") == "personal":
        return None
    channel = ((body.get("channelData") or {}).get("channel") or {}).get("id")
    return str(channel or str(conversation.get("id", "")).split(";")[0])


def dropped_length(body: dict[str, Any]) -> int:
    """The length of a text ``storable`` dropped, 0 if it kept the text."""
    length = body.get(TEXT_LENGTH)
    return length if isinstance(length, int) and not isinstance(length, bool) else 0


def ticket_value(raw: Any) -> int | None:
    """A button's ticket number: a positive integer (or its digits), or BadActivity."""
    if raw is None:
        return None
    if isinstance(raw, str) and _TICKET.fullmatch(raw):
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 < raw <= MAX_TICKET:
        raise BadActivity("ticket is not a ticket number")
    return raw


def invoke_parts(body: dict[str, Any]) -> tuple[str | None, dict[str, Any], int | None]:
    """An Action.Execute's verb, data and ticket; BadActivity if they are malformed."""
    value = body.get("value")
    action = value.get("action") if isinstance(value, dict) else None
    if not isinstance(action, dict):
        raise BadActivity("no action")
    data = action.get("data")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise BadActivity("action data is not an object")
    verb = action.get("verb")
    if verb is not None and not isinstance(verb, str):
        raise BadActivity("verb is not text")
    return verb, data, ticket_value(data.get("ticket"))
