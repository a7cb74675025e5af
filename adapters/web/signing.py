"""Signed links to the dashboard: access until a time, with an HMAC of a secret
from the environment. No secret, no dashboard."""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import UTC, datetime

from bot.jobs import signed_link


def sign(secret: str, expires: int) -> str:
    return hmac.new(secret.encode(), f"dashboard|{expires}".encode(), hashlib.sha256).hexdigest()


def valid(
    secret: str, expires: str | None, signature: str | None, now: float | None = None
) -> bool:
    if not secret or not expires or not signature or not expires.isdigit():
        return False
    if int(expires) < (now if now is not None else time.time()):
        return False
    return hmac.compare_digest(sign(secret, int(expires)), signature)


def link(base_url: str, secret: str, week: str, days: int = 14, now: float | None = None) -> str:
    moment = datetime.fromtimestamp(now if now is not None else time.time(), UTC)
    return signed_link(base_url, secret, week, moment, days)
