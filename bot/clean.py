"""Text from outside, made storable. Each adapter applies this once, where it turns
platform input into ours, so the core never sees what a database cannot keep."""

from __future__ import annotations

import re
from typing import Any

# NUL (PostgreSQL refuses it), the other C0 controls but tab, newline and carriage
# return, DEL, and lone surrogates (they cannot be encoded as UTF-8 at all).
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def clean_text(text: str) -> str:
    """``text`` without the characters a database cannot store."""
    return _UNSTORABLE.sub("", text)


def decode(data: bytes) -> str:
    """Bytes from outside as clean text; invalid UTF-8 becomes U+FFFD."""
    return clean_text(data.decode("utf-8", "replace"))


def clean_value(value: Any) -> Any:
    """Every string in a parsed JSON value cleaned, keys included."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): clean_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_value(v) for v in value]
    return value
