"""Signed links to the leadership dashboard: access until a time, by an HMAC of a
secret from the environment. One formula, used to make links (the weekly post) and
to check them (the web adapter). No secret, no dashboard."""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import UTC, datetime


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


def signed_link(base_url: str, secret: str, week: str, now: datetime, days: int = 14) -> str:
    """A dashboard link for ``week`` that works for ``days``."""
    expires = int(now.timestamp()) + days * 86400
    return f"{base_url.rstrip('/')}/dashboard?week={week}&exp={expires}&sig={sign(secret, expires)}"


def link(base_url: str, secret: str, week: str, days: int = 14, now: float | None = None) -> str:
    moment = datetime.fromtimestamp(now if now is not None else time.time(), UTC)
    return signed_link(base_url, secret, week, moment, days)
