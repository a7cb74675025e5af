"""Signed links to the leadership dashboard: access until a time, by an HMAC of a
secret from the environment. One formula, used to make links (the weekly post) and
to check them (the web adapter). No secret, no dashboard."""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from datetime import UTC, datetime

MAX_DAYS = 31  # no link, and no cookie from one, is valid for longer
_EXPIRES = re.compile(r"[0-9]{1,12}")  # ASCII digits only, and few: int() stays cheap


def sign(secret: str, expires: int) -> str:
    return hmac.new(secret.encode(), f"dashboard|{expires}".encode(), hashlib.sha256).hexdigest()


def valid(
    secret: str, expires: str | None, signature: str | None, now: float | None = None
) -> bool:
    if not secret or not expires or not signature or not _EXPIRES.fullmatch(expires):
        return False
    moment = now if now is not None else time.time()
    until = int(expires)
    if not moment <= until <= moment + MAX_DAYS * 86400:
        return False
    expected = sign(secret, until).encode()
    return hmac.compare_digest(expected, signature.encode("utf-8", "replace"))


def signed_link(base_url: str, secret: str, week: str, now: datetime, days: int = 14) -> str:
    """A dashboard link for ``week`` that works for ``days`` (at most ``MAX_DAYS``)."""
    expires = int(now.timestamp()) + max(0, min(days, MAX_DAYS)) * 86400
    return f"{base_url.rstrip('/')}/dashboard?week={week}&exp={expires}&sig={sign(secret, expires)}"


def link(base_url: str, secret: str, week: str, days: int = 14, now: float | None = None) -> str:
    moment = datetime.fromtimestamp(now if now is not None else time.time(), UTC)
    return signed_link(base_url, secret, week, moment, days)


# The yearly analysis: a link for one scope. "alla" is leadership's (every area, counts
# only); an area id is that area's lead's version (with masked free text).
LEADERSHIP = "alla"
FIRST_YEAR = 2020  # the first year a yearly page opens; the last is this year
_SCOPE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


def sign_yearly(secret: str, scope: str, expires: int) -> str:
    message = f"yearly|{scope}|{expires}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def valid_yearly(
    secret: str,
    scope: str | None,
    expires: str | None,
    signature: str | None,
    now: float | None = None,
) -> bool:
    if not secret or not scope or not _SCOPE.fullmatch(scope):
        return False
    if not expires or not signature or not _EXPIRES.fullmatch(expires):
        return False
    moment = now if now is not None else time.time()
    until = int(expires)
    if not moment <= until <= moment + MAX_DAYS * 86400:
        return False
    expected = sign_yearly(secret, scope, until).encode()
    return hmac.compare_digest(expected, signature.encode("utf-8", "replace"))


def yearly_query(secret: str, scope: str, now: datetime, days: int = 14) -> str:
    """``scope=…&exp=…&sig=…``: what every link of a yearly page carries."""
    expires = int(now.timestamp()) + max(0, min(days, MAX_DAYS)) * 86400
    return f"scope={scope}&exp={expires}&sig={sign_yearly(secret, scope, expires)}"


def yearly_link(
    base_url: str, secret: str, scope: str, area: str | None, year: int, now: datetime
) -> str:
    """The yearly analysis of ``area`` (None: leadership's list of areas) for ``year``."""
    path = f"/arsanalys/{area}" if area else "/arsanalys"
    return f"{base_url.rstrip('/')}{path}?year={year}&{yearly_query(secret, scope, now)}"
