"""A local fake of the parts of Microsoft's cloud that a Teams bot on the
Microsoft 365 Agents SDK talks to, so tests run with no internet.

One aiohttp application, served in its own thread and event loop on two
127.0.0.1 ports (free ports, bound before the thread starts):

- ``url`` (plain HTTP): the Bot Framework OpenID metadata
  (``/v1/.well-known/openidconfiguration``) and JWKS (``/v1/.well-known/keys``,
  keys carry ``"endorsements"``), and the Bot Connector under ``service_url``
  (``/amer/v3/conversations/...``, and the same without the region prefix);
- ``https_url`` (TLS, a certificate from a local CA in ``ca_file``): the Entra
  login authority that MSAL needs (MSAL refuses a non-https authority):
  ``/{tenant}/v2.0/.well-known/openid-configuration``,
  ``/{tenant}/oauth2/v2.0/token`` (client credentials -> a signed JWT) and
  ``/{tenant}/discovery/v2.0/keys``.

The Connector checks the bearer token it is sent (signed by the fake token
endpoint, audience ``https://api.botframework.com``), records every activity
thread-safely and answers ``{"id": ...}``; ``fail_next()`` makes the next N
writes answer 429 (with ``Retry-After``) or 5xx.

``make_token()`` signs inbound Bot-Framework-style tokens; ``personal_message``,
``channel_message`` and ``card_action`` build realistic Teams activities.
``patch_sdk()`` makes the Agents SDK trust the fake (see
docs/teams-sdk-notes.md), and ``block_internet()`` turns any attempt to reach
a non-loopback address into an immediate failure that is recorded.

Nothing here depends on pytest except that the patch helpers take a
``monkeypatch``-like object (``setattr``/``setitem``).
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import ipaddress
import itertools
import socket
import ssl
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
CONNECTOR_AUDIENCE = "https://api.botframework.com"
DEFAULT_TENANT = "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"

# -- keys and certificates (made once per process: RSA key generation is slow, and
#    the SDK caches JWKS per URI at class level, so identical keys across fake
#    instances keep a reused port from ever meeting a stale key set) -------------

_KEYS: dict[str, Any] = {}
_KEYS_LOCK = threading.Lock()


def _b64u(n: int) -> str:
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _rsa() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _material() -> dict[str, Any]:
    with _KEYS_LOCK:
        if _KEYS:
            return _KEYS
        run = uuid.uuid4().hex[:8]
        _KEYS.update(
            bf=_rsa(),  # the Bot Framework signing key, endorsed for msteams
            bf_kid=f"fake-bf-{run}",
            other=_rsa(),  # in the JWKS, but endorsed only for webchat
            other_kid=f"fake-webchat-{run}",
            rogue=_rsa(),  # not in any JWKS: forged signatures
            entra=_rsa(),  # signs the access tokens of the token endpoint
            entra_kid=f"fake-entra-{run}",
        )
        _KEYS.update(_make_tls())
        return _KEYS


def _make_tls() -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC)
    ca_key, leaf_key = _rsa(), _rsa()
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Fake Microsoft Cloud test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    folder = Path(tempfile.mkdtemp(prefix="fake-ms-cloud-"))
    (folder / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (folder / "leaf.pem").write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    (folder / "leaf.key").write_bytes(
        leaf_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    return {"ca_file": str(folder / "ca.pem"), "tls_dir": folder}


def _jwk(key: rsa.RSAPrivateKey, kid: str, **extra: Any) -> dict[str, Any]:
    pub = key.public_key().public_numbers()
    return {
        "kty": "RSA",
        "use": "sig",
        "alg": "RS256",
        "kid": kid,
        "n": _b64u(pub.n),
        "e": _b64u(pub.e),
        **extra,
    }


# -- what the Connector saw ---------------------------------------------------------------


@dataclass
class Recorded:
    """One write the Bot Connector received (and accepted)."""

    kind: str  # "send" | "reply" | "update" | "create" | "delete"
    method: str
    path: str
    conversation_id: str | None
    activity_id: str | None  # the replied-to / updated / deleted activity
    id: str  # what the fake answered ({"id": ...})
    body: dict[str, Any]
    authorization: str
    at: float = field(default_factory=time.monotonic)

    @property
    def text(self) -> str | None:
        return self.body.get("text")


@dataclass
class _Failure:
    status: int
    retry_after: float | None


class FakeMicrosoftCloud:
    """Start with ``start()`` (or ``with FakeMicrosoftCloud() as cloud:``); stop with ``stop()``."""

    def __init__(self, *, tenant_id: str = DEFAULT_TENANT, region: str = "amer") -> None:
        keys = _material()
        self._keys = keys
        self.tenant_id = tenant_id
        self.region = region
        self.ca_file: str = keys["ca_file"]
        self._http_sock = self._bind()
        self._https_sock = self._bind()
        self.port = self._http_sock.getsockname()[1]
        self.https_port = self._https_sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.https_url = f"https://127.0.0.1:{self.https_port}"
        # knobs
        self.openid_delay = 0.0  # seconds the Entra metadata endpoint waits (loop-blocking probe)
        self.client_secrets: dict[str, str] = {}  # client_id -> secret; empty: accept any
        # records (guarded by _lock)
        self._lock = threading.Lock()
        self._recorded: list[Recorded] = []
        self._rejected: list[dict[str, Any]] = []  # connector calls refused (bad token / knob)
        self._token_requests: list[dict[str, str]] = []
        self._metadata_requests: list[str] = []
        self._failures: list[_Failure] = []
        self._ids = itertools.count(1)
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None

    # -- addresses --------------------------------------------------------------------------

    @property
    def openid_metadata_url(self) -> str:
        return f"{self.url}/v1/.well-known/openidconfiguration"

    @property
    def jwks_uri(self) -> str:
        return f"{self.url}/v1/.well-known/keys"

    @property
    def service_url(self) -> str:
        """What Teams puts in ``activity.serviceUrl`` (trailing slash, region path)."""
        return f"{self.url}/{self.region}/" if self.region else f"{self.url}/"

    def authority(self, tenant_id: str | None = None) -> str:
        """The value for the SDK's ``AUTHORITY`` setting (https, tenant in the path)."""
        return f"{self.https_url}/{tenant_id or self.tenant_id}"

    def token_endpoint(self, tenant_id: str | None = None) -> str:
        return f"{self.authority(tenant_id)}/oauth2/v2.0/token"

    # -- lifecycle --------------------------------------------------------------------------

    @staticmethod
    def _bind() -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen(128)
        sock.setblocking(False)
        return sock

    def start(self) -> FakeMicrosoftCloud:
        ready = threading.Event()
        errors: list[BaseException] = []
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        folder: Path = self._keys["tls_dir"]
        tls.load_cert_chain(folder / "leaf.pem", folder / "leaf.key")

        def run() -> None:
            asyncio.set_event_loop(self._loop)
            try:
                self._runner = web.AppRunner(self._app(), access_log=None)
                self._loop.run_until_complete(self._runner.setup())
                self._loop.run_until_complete(web.SockSite(self._runner, self._http_sock).start())
                self._loop.run_until_complete(
                    web.SockSite(self._runner, self._https_sock, ssl_context=tls).start()
                )
            except BaseException as exc:  # pragma: no cover - surfaced below
                errors.append(exc)
                ready.set()
                return
            ready.set()
            self._loop.run_forever()
            self._loop.close()

        self._thread = threading.Thread(target=run, name="fake-microsoft-cloud", daemon=True)
        self._thread.start()
        if not ready.wait(15):
            raise RuntimeError("the fake Microsoft cloud did not start")
        if errors:
            raise errors[0]
        return self

    def stop(self) -> None:
        if self._thread is None:
            return
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(15)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(15)
        self._thread = None

    def __enter__(self) -> FakeMicrosoftCloud:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- knobs and records --------------------------------------------------------------------

    def fail_next(self, status: int, count: int = 1, *, retry_after: float | None = None) -> None:
        """The next ``count`` Connector writes answer ``status`` (429 gets ``Retry-After``)."""
        if status == 429 and retry_after is None:
            retry_after = 1
        with self._lock:
            self._failures.extend(_Failure(status, retry_after) for _ in range(count))

    def recorded(self, conversation_id: str | None = None) -> list[Recorded]:
        with self._lock:
            return [r for r in self._recorded if conversation_id in (None, r.conversation_id)]

    @property
    def rejected(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._rejected)

    @property
    def token_requests(self) -> list[dict[str, str]]:
        with self._lock:
            return list(self._token_requests)

    @property
    def metadata_requests(self) -> list[str]:
        with self._lock:
            return list(self._metadata_requests)

    def clear(self) -> None:
        with self._lock:
            self._recorded.clear()
            self._rejected.clear()
            self._failures.clear()

    async def wait_recorded(
        self, count: int = 1, *, timeout: float = 5.0, conversation_id: str | None = None
    ) -> list[Recorded]:
        """Wait (without blocking the caller's loop) until ``count`` writes were recorded."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            got = self.recorded(conversation_id)
            if len(got) >= count:
                return got
            if loop.time() > deadline:
                raise AssertionError(f"expected {count} recorded activities, got {len(got)}: {got}")
            await asyncio.sleep(0.02)

    # -- tokens -----------------------------------------------------------------------------

    def make_token(
        self,
        app_id: str,
        service_url: str | None = None,
        *,
        expired: bool = False,
        wrong_audience: bool = False,
        wrong_issuer: bool = False,
        bad_signature: bool = False,
        no_endorsement: bool = False,
        issuer: str | None = None,
        lifetime: int = 3600,
        extra_claims: dict[str, Any] | None = None,
    ) -> str:
        """An inbound token as the Bot Connector signs it for a bot (no ``ver``/``appid``:
        with them the SDK would take it for an agent-to-agent token)."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": issuer or ("https://evil.example.com" if wrong_issuer else BOT_FRAMEWORK_ISSUER),
            "aud": "00000000-0000-0000-0000-00000000beef" if wrong_audience else app_id,
            "serviceurl": service_url or self.service_url,
            "nbf": now - 300,
            "iat": now - 300,
            # an hour old: the SDK decodes with leeway=300 s
            "exp": now - 3600 if expired else now + lifetime,
            "jti": uuid.uuid4().hex,
        }
        claims.update(extra_claims or {})
        key, kid = self._keys["bf"], self._keys["bf_kid"]
        if no_endorsement:
            key, kid = self._keys["other"], self._keys["other_kid"]
        if bad_signature:  # claims to be the real key, is not
            key = self._keys["rogue"]
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid, "x5t": kid})

    def _access_token(self, client_id: str, tenant: str, scope: str) -> str:
        now = int(time.time())
        aud = scope.removesuffix("/.default") if scope else CONNECTOR_AUDIENCE
        claims = {
            "aud": aud,
            "iss": f"https://sts.windows.net/{tenant}/",
            "iat": now,
            "nbf": now,
            "exp": now + 3600,
            "appid": client_id,
            "tid": tenant,
            "ver": "1.0",
        }
        return jwt.encode(
            claims, self._keys["entra"], algorithm="RS256", headers={"kid": self._keys["entra_kid"]}
        )

    def verify_access_token(self, token: str) -> dict[str, Any]:
        """Raise ``jwt.PyJWTError`` unless ``token`` came from the fake token endpoint."""
        return jwt.decode(
            token,
            self._keys["entra"].public_key(),
            algorithms=["RS256"],
            audience=CONNECTOR_AUDIENCE,
        )

    # -- activities ----------------------------------------------------------------------------

    def _base_activity(
        self,
        *,
        activity_type: str,
        app_id: str,
        user_aad: str,
        user_name: str,
        conversation: dict[str, Any],
        channel_data: dict[str, Any],
        activity_id: str | None,
        bot_name: str,
    ) -> dict[str, Any]:
        now = dt.datetime.now(dt.UTC)
        return {
            "type": activity_type,
            "id": activity_id or f"{int(now.timestamp() * 1000)}{next(self._ids)}",
            "timestamp": now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "localTimestamp": now.astimezone(dt.timezone(dt.timedelta(hours=1))).isoformat(
                timespec="milliseconds"
            ),
            "localTimezone": "Europe/Stockholm",
            "serviceUrl": self.service_url,
            "channelId": "msteams",
            "from": {
                "id": f"29:1{user_aad.replace('-', '')}",
                "name": user_name,
                "aadObjectId": user_aad,
            },
            "recipient": {"id": f"28:{app_id}", "name": bot_name},
            "conversation": conversation,
            "channelData": channel_data,
            "locale": "sv-SE",
            "entities": [
                {
                    "type": "clientInfo",
                    "locale": "sv-SE",
                    "country": "SE",
                    "platform": "Web",
                    "timezone": "Europe/Stockholm",
                }
            ],
        }

    def personal_message(
        self,
        text: str,
        *,
        app_id: str,
        user_aad: str = "a1b2c3d4-0000-4000-8000-00000000a11a",
        user_name: str = "Anna Chef",
        conversation_id: str | None = None,
        activity_id: str | None = None,
        tenant_id: str | None = None,
        bot_name: str = "Stödbot",
    ) -> dict[str, Any]:
        tenant = tenant_id or self.tenant_id
        act = self._base_activity(
            activity_type="message",
            app_id=app_id,
            user_aad=user_aad,
            user_name=user_name,
            conversation={
                "id": conversation_id or f"a:1{user_aad.replace('-', '')}",
                "conversationType": "personal",
                "tenantId": tenant,
            },
            channel_data={"tenant": {"id": tenant}},
            activity_id=activity_id,
            bot_name=bot_name,
        )
        act.update(text=text, textFormat="plain")
        return act

    def channel_message(
        self,
        text: str,
        *,
        app_id: str,
        mention: bool = True,
        user_aad: str = "b2c3d4e5-0000-4000-8000-00000000b22b",
        user_name: str = "Maria Lindqvist",
        team_id: str = "19:team-exempelkommun@thread.tacv2",
        channel_id: str = "19:hr-arenden@thread.tacv2",
        root_id: str | None = None,
        activity_id: str | None = None,
        tenant_id: str | None = None,
        bot_name: str = "Stödbot",
    ) -> dict[str, Any]:
        """A channel post (``root_id``: a reply in that thread) that @-mentions the bot."""
        tenant = tenant_id or self.tenant_id
        activity_id = activity_id or f"{int(time.time() * 1000)}{next(self._ids)}"
        act = self._base_activity(
            activity_type="message",
            app_id=app_id,
            user_aad=user_aad,
            user_name=user_name,
            conversation={
                "id": f"{channel_id};messageid={root_id or activity_id}",
                "conversationType": "channel",
                "isGroup": True,
                "tenantId": tenant,
            },
            channel_data={
                "tenant": {"id": tenant},
                "team": {
                    "id": team_id,
                    "name": "Exempelkommun",
                    "aadGroupId": "c3d4e5f6-0000-4000-8000-00000000c33c",
                },
                "channel": {"id": channel_id, "name": "HR-ärenden"},
                "teamsTeamId": team_id,
                "teamsChannelId": channel_id,
            },
            activity_id=activity_id,
            bot_name=bot_name,
        )
        at = f"<at>{bot_name}</at>"
        act.update(
            text=f"{at} {text}" if mention else text,
            textFormat="plain",
            attachments=[
                {
                    "contentType": "text/html",
                    "content": f"<p>{at} {text}</p>" if mention else f"<p>{text}</p>",
                }
            ],
        )
        if mention:
            act["entities"].append(
                {
                    "type": "mention",
                    "text": at,
                    "mentioned": {"id": f"28:{app_id}", "name": bot_name},
                }
            )
        return act

    def card_action(
        self,
        verb: str,
        data: dict[str, Any] | None = None,
        *,
        app_id: str,
        reply_to_id: str | None = None,
        conversation_id: str | None = None,
        user_aad: str = "a1b2c3d4-0000-4000-8000-00000000a11a",
        user_name: str = "Anna Chef",
        personal: bool = True,
        tenant_id: str | None = None,
        bot_name: str = "Stödbot",
    ) -> dict[str, Any]:
        """The ``invoke`` Teams sends when an ``Action.Execute`` button is pressed."""
        tenant = tenant_id or self.tenant_id
        if personal:
            conversation = {
                "id": conversation_id or f"a:1{user_aad.replace('-', '')}",
                "conversationType": "personal",
                "tenantId": tenant,
            }
            channel_data: dict[str, Any] = {"tenant": {"id": tenant}, "source": {"name": "message"}}
        else:
            cid = "19:hr-arenden@thread.tacv2"
            conversation = {
                "id": conversation_id or f"{cid};messageid={reply_to_id or '1'}",
                "conversationType": "channel",
                "isGroup": True,
                "tenantId": tenant,
            }
            channel_data = {
                "tenant": {"id": tenant},
                "team": {"id": "19:team-exempelkommun@thread.tacv2"},
                "channel": {"id": cid},
                "source": {"name": "message"},
            }
        act = self._base_activity(
            activity_type="invoke",
            app_id=app_id,
            user_aad=user_aad,
            user_name=user_name,
            conversation=conversation,
            channel_data=channel_data,
            activity_id=None,
            bot_name=bot_name,
        )
        act.update(
            name="adaptiveCard/action",
            value={
                "action": {"type": "Action.Execute", "verb": verb, "data": data or {}},
                "trigger": "manual",
            },
        )
        if reply_to_id:
            act["replyToId"] = reply_to_id
        return act

    # -- the server -----------------------------------------------------------------------

    def _app(self) -> web.Application:
        app = web.Application()
        r = app.router
        r.add_get("/v1/.well-known/openidconfiguration", self._bf_openid)
        r.add_get("/v1/.well-known/keys", self._bf_keys)
        r.add_get("/{tenant}/v2.0/.well-known/openid-configuration", self._entra_openid)
        r.add_get("/{tenant}/discovery/v2.0/keys", self._entra_keys)
        r.add_post("/{tenant}/oauth2/v2.0/token", self._token)
        for prefix in ("", "/{region}"):
            base = prefix + "/v3/conversations"
            r.add_post(base, self._create)
            r.add_post(base + "/{conv}/activities", self._send)
            r.add_post(base + "/{conv}/activities/{activity}", self._send)
            r.add_put(base + "/{conv}/activities/{activity}", self._send)
            r.add_delete(base + "/{conv}/activities/{activity}", self._send)
        return app

    async def _bf_openid(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "issuer": BOT_FRAMEWORK_ISSUER,
                "authorization_endpoint": "https://invalid.botframework.com",
                "jwks_uri": self.jwks_uri,
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            }
        )

    async def _bf_keys(self, request: web.Request) -> web.Response:
        k = self._keys
        return web.json_response(
            {
                "keys": [
                    _jwk(k["bf"], k["bf_kid"], endorsements=["msteams", "skype", "webchat"]),
                    _jwk(k["other"], k["other_kid"], endorsements=["webchat"]),
                ]
            }
        )

    async def _entra_openid(self, request: web.Request) -> web.Response:
        tenant = request.match_info["tenant"]
        with self._lock:
            self._metadata_requests.append(tenant)
        if self.openid_delay:
            await asyncio.sleep(self.openid_delay)
        base = f"{self.https_url}/{tenant}"
        return web.json_response(
            {
                "issuer": f"{base}/v2.0",
                "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                "token_endpoint": f"{base}/oauth2/v2.0/token",
                "jwks_uri": f"{base}/discovery/v2.0/keys",
                "response_types_supported": ["code", "id_token", "token"],
                "subject_types_supported": ["pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt"],
                "tenant_region_scope": "EU",
            }
        )

    async def _entra_keys(self, request: web.Request) -> web.Response:
        return web.json_response({"keys": [_jwk(self._keys["entra"], self._keys["entra_kid"])]})

    async def _token(self, request: web.Request) -> web.Response:
        form = dict(await request.post())
        tenant = request.match_info["tenant"]
        client_id, secret = str(form.get("client_id", "")), str(form.get("client_secret", ""))
        with self._lock:
            self._token_requests.append(
                {k: str(v) for k, v in form.items() if k != "client_secret"}
            )
        if form.get("grant_type") != "client_credentials":
            return web.json_response({"error": "unsupported_grant_type"}, status=400)
        if self.client_secrets and self.client_secrets.get(client_id) != secret:
            return web.json_response(
                {
                    "error": "invalid_client",
                    "error_description": "AADSTS7000215: Invalid client secret provided.",
                },
                status=401,
            )
        scope = str(form.get("scope", "")).split()[0] if form.get("scope") else ""
        return web.json_response(
            {
                "token_type": "Bearer",
                "expires_in": 3599,
                "ext_expires_in": 3599,
                "access_token": self._access_token(client_id, tenant, scope),
            }
        )

    def _new_id(self) -> str:
        return f"1{int(time.time() * 1000)}{next(self._ids):04d}"

    async def _create(self, request: web.Request) -> web.Response:
        return await self._write(request, "create")

    async def _send(self, request: web.Request) -> web.Response:
        kind = {"PUT": "update", "DELETE": "delete"}.get(
            request.method, "reply" if "activity" in request.match_info else "send"
        )
        return await self._write(request, kind)

    async def _write(self, request: web.Request, kind: str) -> web.Response:
        auth = request.headers.get("Authorization", "")
        conv = request.match_info.get("conv")
        activity = request.match_info.get("activity")
        body: dict[str, Any] = {}
        if request.method != "DELETE":
            try:
                body = await request.json()
            except ValueError:
                return web.json_response(
                    {"error": {"code": "BadArgument", "message": "not JSON"}}, status=400
                )
        try:
            if not auth.startswith("Bearer "):
                raise jwt.InvalidTokenError("no bearer token")
            self.verify_access_token(auth.removeprefix("Bearer "))
        except jwt.PyJWTError as exc:
            with self._lock:
                self._rejected.append(
                    {"kind": kind, "path": request.path, "reason": str(exc), "body": body}
                )
            return web.json_response(
                {"error": {"code": "Unauthorized", "message": str(exc)}}, status=401
            )
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
            if failure is not None:
                self._rejected.append(
                    {"kind": kind, "path": request.path, "reason": failure.status, "body": body}
                )
            else:
                new_id = activity if kind in ("update", "delete") else self._new_id()
                self._recorded.append(
                    Recorded(kind, request.method, request.path, conv, activity, new_id, body, auth)
                )
        if failure is not None:
            headers = (
                {"Retry-After": f"{failure.retry_after:g}"}
                if failure.retry_after is not None
                else {}
            )
            code = "TooManyRequests" if failure.status == 429 else "ServiceError"
            return web.json_response(
                {"error": {"code": code, "message": f"fake {failure.status}"}},
                status=failure.status,
                headers=headers,
            )
        if kind == "delete":
            return web.Response(status=200)
        if kind == "create":
            return web.json_response(
                {"id": f"a:1{new_id}", "activityId": new_id, "serviceUrl": self.service_url},
                status=201,
            )
        return web.json_response({"id": new_id})


# -- making the SDK trust the fake ----------------------------------------------------------


def patch_sdk(cloud: FakeMicrosoftCloud, monkeypatch: Any) -> None:
    """Point the Agents SDK at the fake, for the duration of a test.

    1. Inbound JWTs: ``BOTFRAMEWORK_JWKS_URIS`` in
       ``microsoft_agents/hosting/core/authorization/_entra_issuers.py`` maps the
       (unverified) issuer to the JWKS URI the validator fetches; the same dict
       object is imported by ``jwt/jwt_token_validator.py``, so one ``setitem``
       covers both.
    2. Outbound tokens: ``MsalAuth`` builds ``msal.ConfidentialClientApplication``
       (looked up in ``microsoft_agents.authentication.msal.msal_auth``) with the
       ``AUTHORITY`` setting but without ``instance_discovery``/``http_client``; a
       subclass adds ``instance_discovery=False`` (otherwise MSAL asks
       login.microsoftonline.com about an unknown host) and a ``requests`` session
       that trusts the fake's CA and ignores proxy/CA environment variables.
    """
    import msal
    import requests
    from microsoft_agents.authentication.msal import msal_auth
    from microsoft_agents.hosting.core.authorization import _entra_issuers

    monkeypatch.setitem(_entra_issuers.BOTFRAMEWORK_JWKS_URIS, BOT_FRAMEWORK_ISSUER, cloud.jwks_uri)
    ca_file = cloud.ca_file

    class FakeCloudConfidentialClientApplication(msal.ConfidentialClientApplication):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            session = requests.Session()
            session.trust_env = False  # REQUESTS_CA_BUNDLE would otherwise override verify
            session.verify = ca_file
            kwargs.setdefault("http_client", session)
            kwargs.setdefault("instance_discovery", False)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(
        msal_auth, "ConfidentialClientApplication", FakeCloudConfidentialClientApplication
    )


# -- no internet ----------------------------------------------------------------------------


@dataclass
class NetworkGuard:
    """What ``block_internet`` refused (host names / addresses, in order)."""

    attempts: list[str] = field(default_factory=list)


def _is_local(host: Any) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode()
    host = str(host).strip("[]")
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def block_internet(monkeypatch: Any) -> NetworkGuard:
    """Make every name lookup or connection to a non-loopback address fail at once
    (``socket.gaierror`` / ``ConnectionRefusedError``) and record it."""
    guard = NetworkGuard()
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    lock = threading.Lock()

    def note(host: Any) -> None:
        with lock:
            guard.attempts.append(str(host))

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _is_local(host):
            note(host)
            raise socket.gaierror(socket.EAI_NONAME, f"blocked by the test network guard: {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    def _addr_ok(self: socket.socket, address: Any) -> bool:
        return self.family not in (socket.AF_INET, socket.AF_INET6) or _is_local(address[0])

    def connect(self: socket.socket, address: Any) -> Any:
        if not _addr_ok(self, address):
            note(address[0])
            raise ConnectionRefusedError(f"blocked by the test network guard: {address}")
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> Any:
        if not _addr_ok(self, address):
            note(address[0])
            return 111  # ECONNREFUSED
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    return guard


def loop_lag_probe(interval: float = 0.01) -> tuple[Callable[[], float], Callable[[], None]]:
    """Start a ticker on the running loop; returns (max_lag_so_far, stop)."""
    worst = [0.0]
    stopped = [False]

    async def tick() -> None:
        loop = asyncio.get_running_loop()
        while not stopped[0]:
            before = loop.time()
            await asyncio.sleep(interval)
            worst[0] = max(worst[0], loop.time() - before - interval)

    task = asyncio.get_running_loop().create_task(tick())

    def stop() -> None:
        stopped[0] = True
        task.cancel()

    return (lambda: worst[0]), stop
