"""A local fake of Microsoft's cloud for the Teams tests: OpenID metadata and JWKS
(a locally generated RSA key, endorsed for msteams), a token endpoint, and the Bot
Connector, which records every activity it is sent. It runs on 127.0.0.1 in its
own thread and event loop. Nothing leaves the machine."""

from __future__ import annotations

import asyncio
import base64
import itertools
import socket
import threading
import time
import uuid
from typing import Any

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa

ISSUER = "https://api.botframework.com"
KID = "fake-key-1"


def _b64(n: int) -> str:
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class FakeCloud:
    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.activities: list[dict[str, Any]] = []  # (conversation, activity) as sent
        self.updates: list[dict[str, Any]] = []
        self.fail_next: list[int] = []  # status codes to answer the next sends with
        self.token_requests = 0
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None

    # -- what the SDK and the bot call --------------------------------------------------

    @property
    def jwks_uri(self) -> str:
        return f"{self.url}/keys"

    def _app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/keys", self._keys)
        app.router.add_get("/openid", self._openid)
        app.router.add_post("/token", self._token)
        app.router.add_post("/v3/conversations/{conv}/activities", self._send)
        app.router.add_post("/v3/conversations/{conv}/activities/{reply}", self._send)
        app.router.add_put("/v3/conversations/{conv}/activities/{activity}", self._update)
        return app

    async def _keys(self, request: web.Request) -> web.Response:
        pub = self.key.public_key().public_numbers()
        return web.json_response(
            {
                "keys": [
                    {
                        "kty": "RSA",
                        "use": "sig",
                        "kid": KID,
                        "n": _b64(pub.n),
                        "e": _b64(pub.e),
                        "endorsements": ["msteams"],
                    },
                    {
                        "kty": "RSA",
                        "use": "sig",
                        "kid": "unendorsed",
                        "n": _b64(self.other_key.public_key().public_numbers().n),
                        "e": _b64(self.other_key.public_key().public_numbers().e),
                        "endorsements": [],
                    },
                ]
            }
        )

    async def _openid(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "issuer": ISSUER,
                "jwks_uri": self.jwks_uri,
                "id_token_signing_alg_values_supported": ["RS256"],
            }
        )

    async def _token(self, request: web.Request) -> web.Response:
        with self._lock:
            self.token_requests += 1
        return web.json_response(
            {
                "token_type": "Bearer",
                "expires_in": 3600,
                "access_token": f"fake-access-{uuid.uuid4().hex}",
            }
        )

    async def _send(self, request: web.Request) -> web.Response:
        if not request.headers.get("Authorization", "").startswith("Bearer fake-access-"):
            return web.json_response({"error": "unauthorized"}, status=401)
        with self._lock:
            if self.fail_next:
                status = self.fail_next.pop(0)
                headers = {"Retry-After": "1"} if status == 429 else {}
                return web.json_response({"error": status}, status=status, headers=headers)
            body = await request.json()
            new_id = f"act-{next(self._ids)}"
            self.activities.append(
                {
                    "conversation": request.match_info["conv"],
                    "reply_to": request.match_info.get("reply"),
                    "id": new_id,
                    "at": time.monotonic(),
                    **body,
                }
            )
        return web.json_response({"id": new_id})

    async def _update(self, request: web.Request) -> web.Response:
        body = await request.json()
        with self._lock:
            self.updates.append(
                {
                    "conversation": request.match_info["conv"],
                    "activity_id": request.match_info["activity"],
                    **body,
                }
            )
        return web.json_response({"id": request.match_info["activity"]})

    # -- for the tests ----------------------------------------------------------------------

    def start(self) -> None:
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(self._loop)
            self._runner = web.AppRunner(self._app())
            self._loop.run_until_complete(self._runner.setup())
            self._loop.run_until_complete(web.TCPSite(self._runner, "127.0.0.1", self.port).start())
            ready.set()
            self._loop.run_forever()

        threading.Thread(target=run, daemon=True, name="fake-microsoft-cloud").start()
        ready.wait(10)

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)

    def sent(self, conversation: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [a for a in self.activities if conversation in (None, a["conversation"])]

    def token(
        self,
        app_id: str,
        service_url: str,
        *,
        expired: bool = False,
        wrong_audience: bool = False,
        wrong_issuer: bool = False,
        bad_signature: bool = False,
        no_endorsement: bool = False,
        wrong_service_url: bool = False,
    ) -> str:
        """An inbound Bot Framework token, as the Bot Connector would sign it."""
        now = int(time.time())
        claims = {
            "iss": "https://evil.example" if wrong_issuer else ISSUER,
            "aud": "someone-else" if wrong_audience else app_id,
            "serviceurl": "https://elsewhere.example/" if wrong_service_url else service_url,
            "nbf": now - 60,
            "iat": now - 60,
            "exp": now - 3600 if expired else now + 3600,
        }
        key = self.other_key if bad_signature or no_endorsement else self.key
        kid = "unendorsed" if no_endorsement else KID
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})

    def activity(
        self,
        text: str,
        *,
        user: str = "aad-anna",
        conversation: str = "a:dm-anna",
        personal: bool = True,
        activity_id: str | None = None,
        tenant: str = "tenant-1",
        mention_bot: bool = False,
        bot_id: str = "28:stodbot",
        invoke: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A realistic Teams activity: a personal or channel message, or an Action.Execute."""
        act: dict[str, Any] = {
            "type": "invoke" if invoke else "message",
            "id": activity_id or f"1{uuid.uuid4().int % 10**12}",
            "timestamp": "2026-11-27T08:00:00.000Z",
            "channelId": "msteams",
            "serviceUrl": self.url + "/",
            "from": {
                "id": f"29:{user}",
                "name": NAMES.get(user, f"Person {user[-3:]}"),
                "aadObjectId": user,
            },
            "recipient": {"id": bot_id, "name": "Stödbot"},
            "conversation": {
                "id": conversation,
                "tenantId": tenant,
                "conversationType": "personal" if personal else "channel",
            },
            "channelData": {"tenant": {"id": tenant}},
            "locale": "sv-SE",
        }
        if invoke is not None:
            act["name"] = "adaptiveCard/action"
            act["value"] = {"action": {"type": "Action.Execute", **invoke}}
        else:
            act["text"] = f"<at>Stödbot</at> {text}" if mention_bot else text
            if mention_bot:
                act["entities"] = [
                    {
                        "type": "mention",
                        "text": "<at>Stödbot</at>",
                        "mentioned": {"id": bot_id, "name": "Stödbot"},
                    }
                ]
        if not personal:
            act["channelData"].update({"team": {"id": "19:team"}, "channel": {"id": conversation}})
        return act


# The names Teams shows for the test users (``from.name``): never ids.
NAMES = {
    "aad-anna": "Anna Chef",
    "aad-hr1": "Maria Lindqvist",
    "aad-hr2": "Hasse Konsult",
    "aad-it": "Karin Dahl",
}


def card_text(card: dict[str, Any]) -> str:
    """Everything a person reads on an Adaptive Card's body, line by line: TextBlocks,
    the runs of RichTextBlocks and the facts of FactSets."""
    lines = []
    for block in card.get("body") or []:
        if block.get("type") == "TextBlock":
            lines.append(str(block.get("text", "")))
        elif block.get("type") == "RichTextBlock":
            lines.append("".join(str(r.get("text", "")) for r in block.get("inlines") or []))
        elif block.get("type") == "FactSet":
            lines += [
                f"{f.get('title', '')}: {f.get('value', '')}" for f in block.get("facts") or []
            ]
    return "\n".join(lines)
