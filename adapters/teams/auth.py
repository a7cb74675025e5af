"""Inbound request authentication for Teams.

The Agents SDK's ``JwtTokenValidator`` checks the signature (JWKS), expiry and
audience. It does not check the channel endorsement of the signing key nor the
token's ``serviceurl`` claim, and for an unknown issuer it goes looking for
keys on the internet; so this module checks the issuer first and the
endorsement and service URL after. Any failure is a 401 and nothing else happens.

PyJWT checks ``exp``, ``nbf`` and ``iat`` only when they are there (and takes
``exp`` given as text), so a signed token without an expiry would be good forever:
this module requires a numeric ``exp`` at most ``MAX_LIFETIME`` ahead (Bot
Framework tokens live about an hour); ``nbf`` and ``iat``, when present, must not
lie ahead (PyJWT, with the SDK's five minutes of leeway).

The Bot Connector sends the same token with every activity for as long as it is
valid, so a token whose signature was verified is remembered until its expiry;
the per-activity checks (endorsement, service URL) run every time.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import aiohttp
import jwt
from microsoft_agents.hosting.core.authorization import AgentAuthConfiguration
from microsoft_agents.hosting.core.authorization.jwt import JwtTokenValidator

log = logging.getLogger(__name__)
BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
_REMEMBERED_TOKENS = 256  # the connector uses a handful at a time
MAX_LIFETIME = 24 * 3600  # seconds from now to a token's exp


class Unauthorized(Exception):
    """The request's token is missing or not acceptable."""


class TeamsAuth:
    def __init__(self, app_id: str, tenant_id: str | None, jwks_uri: str) -> None:
        self.config = AgentAuthConfiguration(
            client_id=app_id,
            tenant_id=tenant_id,
            validate_issuer=True,
            issuers=[BOT_FRAMEWORK_ISSUER],
        )
        self.validator = JwtTokenValidator(self.config)
        self.jwks_uri = jwks_uri
        self._endorsements: dict[str, list[str]] = {}
        self._lock = asyncio.Lock()
        self._verified: dict[str, tuple[float, dict[str, Any]]] = {}  # token -> (exp, claims)

    async def _endorsed(self, kid: str, channel: str) -> bool:
        async with self._lock:
            if kid not in self._endorsements:
                async with aiohttp.ClientSession() as http, http.get(self.jwks_uri) as resp:
                    keys = (await resp.json()).get("keys", [])
                self._endorsements = {
                    k.get("kid", ""): list(k.get("endorsements", [])) for k in keys
                }
        return channel in self._endorsements.get(kid, [])

    async def check(self, header: str | None, activity: dict[str, Any]) -> dict[str, Any]:
        """The verified claims, or ``Unauthorized``."""
        parts = (header or "").split()
        if len(parts) != 2 or parts[0].lower() != "bearer":
            raise Unauthorized("no bearer token")
        token = parts[1]
        try:
            unverified = jwt.decode(token, options={"verify_signature": False})
            kid = jwt.get_unverified_header(token).get("kid", "")
        except jwt.PyJWTError as exc:
            raise Unauthorized("malformed token") from exc
        if unverified.get("iss") != BOT_FRAMEWORK_ISSUER:
            raise Unauthorized("unknown issuer")
        claims = await self._verify(token)
        channel = str(activity.get("channelId", ""))
        if not await self._endorsed(str(kid), channel):
            raise Unauthorized("key not endorsed for the channel")
        if str(claims.get("serviceurl", "")).rstrip("/") != str(
            activity.get("serviceUrl", "")
        ).rstrip("/"):
            raise Unauthorized("service URL does not match the token")
        return claims

    async def _verify(self, token: str) -> dict[str, Any]:
        """The SDK's verdict on the token's signature, expiry and audience; remembered
        until the token expires (never longer than the SDK would accept it)."""
        now = time.time()
        known = self._verified.get(token)
        if known is not None and known[0] > now:
            return dict(known[1])
        try:
            identity = await self.validator.validate_token(token)
        except (jwt.PyJWTError, ValueError) as exc:
            raise Unauthorized(type(exc).__name__) from exc
        claims = dict(identity.claims)
        expires = claims.get("exp")
        if isinstance(expires, bool) or not isinstance(expires, int | float):
            raise Unauthorized("no numeric expiry")
        if expires > now + MAX_LIFETIME:
            raise Unauthorized("expiry too far ahead")
        if expires > now:
            if len(self._verified) >= _REMEMBERED_TOKENS:
                self._verified = {k: v for k, v in self._verified.items() if v[0] > now}
                if len(self._verified) >= _REMEMBERED_TOKENS:
                    self._verified.clear()
            self._verified[token] = (expires, claims)
        return dict(claims)
