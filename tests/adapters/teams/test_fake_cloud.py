"""The fake Microsoft cloud against the real Microsoft 365 Agents SDK (1.9.0).

A minimal echo agent built only from SDK parts (``AgentApplication``,
``CloudAdapter``, ``MsalConnectionManager``, ``jwt_authorization_middleware``,
``start_agent_process``) is served on 127.0.0.1 and driven the way Teams drives
a bot. Each test also pins a finding recorded in docs/teams-sdk-notes.md: what
the SDK rejects with 401, what it lets through (and the guard in front that
closes it), the shape of an Action.Execute InvokeResponse, proactive sends,
card updates, 429s, and the one place it blocks the event loop.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import jwt
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from microsoft_agents.activity import (
    Activity,
    AdaptiveCardInvokeResponse,
    Attachment,
    ChannelAccount,
    ConversationParameters,
    ConversationReference,
    load_configuration_from_env,
)
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.aiohttp import (
    CloudAdapter,
    jwt_authorization_middleware,
    start_agent_process,
)
from microsoft_agents.hosting.core import (
    AgentApplication,
    MemoryStorage,
    TurnContext,
    TurnState,
)
from microsoft_agents.hosting.core.authorization import _entra_issuers

from tests.adapters.teams.fake_ms_cloud import (
    BOT_FRAMEWORK_ISSUER,
    FakeMicrosoftCloud,
    NetworkGuard,
    block_internet,
    loop_lag_probe,
    patch_sdk,
)

# The SDK keys app/request storage with plain strings ("agent_configuration",
# "claims_identity"); aiohttp 3.14 warns about that on every request.
pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")

APP_ID = "8b5c7e8a-1d2f-4e3a-9b7c-5d6e7f8a9b0c"
SECRET = "fake-client-secret"
CARD_TYPE = "application/vnd.microsoft.card.adaptive"


def refreshed_card(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.5",
        "body": [
            {"type": "TextBlock", "text": f"Ärende {data.get('ticket')} är taget", "wrap": True}
        ],
        "refresh": {
            "action": {"type": "Action.Execute", "verb": "refresh", "data": data},
            "userIds": [],
        },
    }


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def guard(monkeypatch: pytest.MonkeyPatch) -> NetworkGuard:
    return block_internet(monkeypatch)


@pytest.fixture
def fake(guard: NetworkGuard, monkeypatch: pytest.MonkeyPatch) -> Any:
    cloud = FakeMicrosoftCloud().start()
    cloud.client_secrets[APP_ID] = SECRET
    patch_sdk(cloud, monkeypatch)
    yield cloud
    cloud.stop()


@dataclass
class EchoBot:
    cloud: FakeMicrosoftCloud
    url: str
    http: aiohttp.ClientSession
    adapter: CloudAdapter
    agent: AgentApplication
    connections: MsalConnectionManager
    seen: list[dict[str, Any]] = field(default_factory=list)
    refs: list[ConversationReference] = field(default_factory=list)

    async def post(
        self,
        activity: dict[str, Any] | str,
        *,
        token: str | None = "valid",
        header: str | None = None,
    ) -> tuple[int, Any]:
        headers = {}
        if header is not None:
            headers["Authorization"] = header
        elif token == "valid":
            headers["Authorization"] = "Bearer " + self.cloud.make_token(APP_ID)
        elif token is not None:
            headers["Authorization"] = "Bearer " + token
        kwargs: dict[str, Any] = (
            {"json": activity} if isinstance(activity, dict) else {"data": activity}
        )
        async with self.http.post(f"{self.url}/api/messages", headers=headers, **kwargs) as resp:
            text = await resp.text()
            try:
                body: Any = await resp.json(content_type=None) if text else None
            except ValueError:
                body = text
            return resp.status, body

    def message(self, text: str = "Hur bokar jag en poolbil?", **kw: Any) -> dict[str, Any]:
        return self.cloud.personal_message(text, app_id=APP_ID, **kw)


def sdk_settings(cloud: FakeMicrosoftCloud, **overrides: str) -> dict[str, str]:
    """The SDK's env-var configuration (``load_configuration_from_env`` reads ``__`` paths)."""
    p = "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__"
    env = {
        p + "CLIENTID": APP_ID,
        p + "CLIENTSECRET": SECRET,
        p + "TENANTID": cloud.tenant_id,
        p + "AUTHORITY": cloud.authority(),
        p + "VALIDATE_ISSUER": "true",
        p + "ISSUERS": BOT_FRAMEWORK_ISSUER,
    }
    env.update({p + k: v for k, v in overrides.items()})
    return {k: v for k, v in env.items() if v != ""}


MakeBot = Callable[..., Awaitable[EchoBot]]


@pytest.fixture
async def make_bot(fake: FakeMicrosoftCloud) -> AsyncIterator[MakeBot]:
    servers: list[TestServer] = []
    sessions: list[aiohttp.ClientSession] = []

    async def build(
        *,
        middlewares: tuple[Any, ...] = (),
        keep_default_on_turn_error: bool = False,
        **settings: str,
    ) -> EchoBot:
        config = load_configuration_from_env(sdk_settings(fake, **settings))
        connections = MsalConnectionManager(**config)
        adapter = CloudAdapter(connection_manager=connections)
        agent: AgentApplication[TurnState] = AgentApplication[TurnState](
            storage=MemoryStorage(),
            connection_manager=connections,
            start_typing_timer=False,  # or the SDK posts typing activities to the Connector
            **config,
        )
        app = web.Application(middlewares=[*middlewares, jwt_authorization_middleware])
        app["agent_configuration"] = connections.get_default_connection_configuration()
        http = aiohttp.ClientSession()
        sessions.append(http)
        bot = EchoBot(fake, "", http, adapter, agent, connections)

        if not keep_default_on_turn_error:
            errors: list[BaseException] = []
            bot.seen.append({"errors": errors})

            async def on_turn_error(context: TurnContext, error: Exception) -> None:
                errors.append(error)

            adapter.on_turn_error = on_turn_error

        @agent.activity("message")
        async def on_message(context: TurnContext, state: TurnState) -> None:
            a = context.activity
            if a.text == "boom":
                raise RuntimeError("internal detail: db password=hunter2")
            bot.seen.append(
                {
                    "text": a.text,
                    "id": a.id,
                    "channel_id": str(a.channel_id),
                    "aad": a.from_property.aad_object_id,
                    "conversation": a.conversation.id,
                    "tenant": a.conversation.tenant_id,
                    "conversation_type": a.conversation.conversation_type,
                    "channel_data": a.channel_data,
                    "service_url": a.service_url,
                    "claims": dict(context.identity.claims) if context.identity else None,
                }
            )
            bot.refs.append(a.get_conversation_reference())
            await context.send_activity(f"Eko: {a.text}")

        @agent.adaptive_card.action_execute("refresh")
        async def on_refresh(
            context: TurnContext, state: TurnState, data: Any
        ) -> AdaptiveCardInvokeResponse:
            bot.seen.append({"invoke": data, "reply_to": context.activity.reply_to_id})
            return AdaptiveCardInvokeResponse(
                status_code=200, type=CARD_TYPE, value=refreshed_card(data)
            )

        async def messages(request: web.Request) -> web.Response:
            return await start_agent_process(request, agent, adapter)

        app.router.add_post("/api/messages", messages)
        server = TestServer(app, host="127.0.0.1")
        await server.start_server()
        servers.append(server)
        bot.url = str(server.make_url("")).rstrip("/")
        return bot

    yield build
    for s in sessions:
        await s.close()
    for srv in servers:
        await srv.close()


def handled(bot: EchoBot) -> list[dict[str, Any]]:
    return [s for s in bot.seen if "errors" not in s]


def turn_errors(bot: EchoBot) -> list[BaseException]:
    for s in bot.seen:
        if "errors" in s:
            return list(s["errors"])
    return []


# -- a guard in front of the SDK (what the SDK does not check) ---------------------------------


def bot_framework_guard(jwks_uri: str, *, channel: str = "msteams") -> Any:
    """aiohttp middleware placed before ``jwt_authorization_middleware``.

    It rejects with 401, before any work: a token whose (unverified) issuer is not
    the Bot Framework (so the SDK never goes looking for Entra keys on the
    internet), a signing key not endorsed for ``channel`` and a ``serviceurl``
    claim that is not the activity's ``serviceUrl``. The SDK then verifies the
    signature, expiry and audience, which makes the claims used here authentic.
    """
    endorsements: dict[str, list[str]] = {}
    fetched = [0.0]
    lock = asyncio.Lock()

    async def endorsed(kid: str) -> list[str]:
        async with lock:
            if kid not in endorsements and time.monotonic() - fetched[0] > 60:
                fetched[0] = time.monotonic()
                async with aiohttp.ClientSession() as http, http.get(jwks_uri) as resp:
                    keys = (await resp.json()).get("keys", [])
                endorsements.clear()
                endorsements.update(
                    {k.get("kid", ""): list(k.get("endorsements", [])) for k in keys}
                )
        return endorsements.get(kid, [])

    def deny() -> web.Response:
        return web.json_response({"error": "Invalid token or authentication failed."}, status=401)

    @web.middleware
    async def guard(request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path != "/api/messages":
            return await handler(request)
        parts = request.headers.get("Authorization", "").split()
        if len(parts) != 2 or parts[0].lower() != "bearer":
            return deny()
        try:
            claims = jwt.decode(parts[1], options={"verify_signature": False})
            kid = str(jwt.get_unverified_header(parts[1]).get("kid", ""))
        except jwt.PyJWTError:
            return deny()
        if claims.get("iss") != BOT_FRAMEWORK_ISSUER:
            return deny()
        try:
            body = await request.json()  # aiohttp caches the body: the SDK reads it again
        except ValueError:
            return web.json_response({"error": "Invalid JSON"}, status=400)
        if not isinstance(body, dict) or body.get("channelId") != channel:
            return deny()
        if channel not in await endorsed(kid):
            return deny()
        if (
            str(claims.get("serviceurl", "")).rstrip("/").lower()
            != str(body.get("serviceUrl", "")).rstrip("/").lower()
        ):
            return deny()
        return await handler(request)

    return guard


# -- inbound: a valid token ---------------------------------------------------------------------


async def test_valid_token_gets_the_echo_through_the_fake_connector(make_bot: MakeBot) -> None:
    bot = await make_bot()
    act = bot.message("Hur bokar jag en poolbil?")
    status, body = await bot.post(act)
    # The SDK answers 202 Accepted (not 200) for a message, after the whole turn ran.
    assert (status, body) == (202, None)
    [seen] = handled(bot)
    assert seen["text"] == "Hur bokar jag en poolbil?"
    assert seen["aad"] == act["from"]["aadObjectId"]
    assert seen["tenant"] == bot.cloud.tenant_id and seen["conversation_type"] == "personal"
    assert seen["channel_id"] == "msteams" and seen["channel_data"] == {
        "tenant": {"id": bot.cloud.tenant_id}
    }
    assert seen["claims"]["serviceurl"] == bot.cloud.service_url and seen["claims"]["aud"] == APP_ID

    [reply] = bot.cloud.recorded()  # already there: the reply is sent inside the request
    assert reply.kind == "reply" and reply.activity_id == act["id"]
    assert (
        reply.path == f"/amer/v3/conversations/{act['conversation']['id']}/activities/{act['id']}"
    )
    assert reply.body["text"] == "Eko: Hur bokar jag en poolbil?"
    assert reply.body["replyToId"] == act["id"]
    assert (
        reply.body["from"]["id"] == f"28:{APP_ID}"
        and reply.body["recipient"]["aadObjectId"] == act["from"]["aadObjectId"]
    )
    assert reply.body["conversation"]["tenantId"] == bot.cloud.tenant_id
    # the outgoing call carried an access token from the fake token endpoint (client credentials)
    claims = bot.cloud.verify_access_token(reply.authorization.removeprefix("Bearer "))
    assert claims["appid"] == APP_ID and claims["tid"] == bot.cloud.tenant_id
    [token_request] = bot.cloud.token_requests  # MSAL caches: one request for both clients
    assert token_request["scope"] == "https://api.botframework.com/.default"
    assert (
        token_request["grant_type"] == "client_credentials" and token_request["client_id"] == APP_ID
    )
    assert bot.cloud.rejected == []


async def test_channel_mention_is_removed_and_the_reply_goes_to_the_thread(
    make_bot: MakeBot,
) -> None:
    bot = await make_bot()
    act = bot.cloud.channel_message("vem äger ärende 7?", app_id=APP_ID)
    status, _ = await bot.post(act)
    assert status == 202
    [seen] = handled(bot)
    assert seen["text"] == "vem äger ärende 7?"  # AgentApplication strips <at>Stödbot</at>
    assert seen["conversation_type"] == "channel"
    assert seen["channel_data"]["channel"]["id"] == "19:hr-arenden@thread.tacv2"
    [reply] = bot.cloud.recorded()
    assert reply.conversation_id == act["conversation"]["id"]  # "19:...;messageid=<root>"
    assert reply.kind == "reply" and reply.activity_id == act["id"]


# -- inbound: bad tokens are a 401 and nothing happens -------------------------------------------


BAD_TOKENS = {
    "expired": {"expired": True},
    "wrong_audience": {"wrong_audience": True},
    "bad_signature": {"bad_signature": True},
}
BAD_HEADERS = {
    "missing": None,
    "empty": "",
    "not_bearer": "Basic YWJjOmRlZg==",
    "two_tokens": "Bearer abc def",
    "not_a_jwt": "Bearer not.a.jwt",
    "garbage": "Bearer x",
}


@pytest.mark.parametrize("case", sorted(BAD_TOKENS) + sorted(BAD_HEADERS))
async def test_bad_or_missing_token_is_401_with_no_side_effects(
    make_bot: MakeBot, case: str
) -> None:
    bot = await make_bot()
    if case in BAD_TOKENS:
        status, body = await bot.post(
            bot.message(), token=bot.cloud.make_token(APP_ID, **BAD_TOKENS[case])
        )
    elif BAD_HEADERS[case] is None:
        status, body = await bot.post(bot.message(), token=None)
    else:
        status, body = await bot.post(bot.message(), header=BAD_HEADERS[case])
    assert status == 401, body
    assert set(body) == {"error"}
    assert handled(bot) == [] and turn_errors(bot) == []
    assert bot.cloud.recorded() == [] and bot.cloud.token_requests == []


async def test_token_expired_within_the_sdk_leeway_is_still_accepted(make_bot: MakeBot) -> None:
    bot = await make_bot()
    token = bot.cloud.make_token(APP_ID, extra_claims={"exp": int(time.time()) - 120})
    status, _ = await bot.post(bot.message(), token=token)
    assert status == 202  # jwt.decode(..., leeway=300.0) in JwtTokenValidator.validate_token


async def test_unknown_issuer_is_401_but_the_sdk_first_reaches_for_entra_keys(
    make_bot: MakeBot, guard: NetworkGuard
) -> None:
    bot = await make_bot()
    status, _ = await bot.post(bot.message(), token=bot.cloud.make_token(APP_ID, wrong_issuer=True))
    assert status == 401
    assert handled(bot) == [] and bot.cloud.recorded() == []
    # _build_jwks_uri(): an issuer not in BOTFRAMEWORK_JWKS_URIS is sent to
    # https://login.microsoftonline.com/{TENANT_ID}/discovery/v2.0/keys (PyJWKClient, in a thread)
    assert "login.microsoftonline.com" in guard.attempts


async def test_unknown_issuer_never_leaves_the_machine_behind_the_guard(
    make_bot: MakeBot, fake: FakeMicrosoftCloud, guard: NetworkGuard
) -> None:
    bot = await make_bot(middlewares=(bot_framework_guard(fake.jwks_uri),))
    status, _ = await bot.post(bot.message(), token=bot.cloud.make_token(APP_ID, wrong_issuer=True))
    assert status == 401 and guard.attempts == [] and bot.cloud.recorded() == []


@pytest.mark.parametrize("validate_issuer", ["true", "false"])
async def test_issuer_allow_list_only_bites_with_validate_issuer(
    make_bot: MakeBot, monkeypatch: pytest.MonkeyPatch, validate_issuer: str
) -> None:
    bot = await make_bot(VALIDATE_ISSUER=validate_issuer)
    evil = "https://evil.example.com"
    # a foreign issuer whose keys the validator can fetch (as it could for any Entra tenant)
    monkeypatch.setitem(_entra_issuers.BOTFRAMEWORK_JWKS_URIS, evil, bot.cloud.jwks_uri)
    status, _ = await bot.post(bot.message(), token=bot.cloud.make_token(APP_ID, issuer=evil))
    if validate_issuer == "true":
        assert status == 401 and bot.cloud.recorded() == []
    else:
        assert status == 202 and len(bot.cloud.recorded()) == 1  # VALIDATE_ISSUER defaults to False


# -- what the SDK lets through, and the guard that closes it --------------------------------------


async def test_sdk_checks_neither_endorsement_nor_serviceurl_claim(make_bot: MakeBot) -> None:
    bot = await make_bot()
    status, _ = await bot.post(
        bot.message("a"), token=bot.cloud.make_token(APP_ID, no_endorsement=True)
    )
    assert status == 202  # a key endorsed only for webchat signs an msteams activity: accepted
    other = bot.cloud.make_token(APP_ID, "https://smba.trafficmanager.net/emea/")
    status, _ = await bot.post(bot.message("b"), token=other)
    assert (
        status == 202
    )  # serviceurl claim != activity.serviceUrl: only logged (host validator off)
    assert [r.body["text"] for r in bot.cloud.recorded()] == ["Eko: a", "Eko: b"]


@pytest.mark.parametrize("case", ["no_endorsement", "serviceurl", "wrong_channel"])
async def test_guard_in_front_turns_those_into_401(
    make_bot: MakeBot, fake: FakeMicrosoftCloud, case: str
) -> None:
    bot = await make_bot(middlewares=(bot_framework_guard(fake.jwks_uri),))
    act = bot.message()
    if case == "no_endorsement":
        token = bot.cloud.make_token(APP_ID, no_endorsement=True)
    elif case == "serviceurl":
        token = bot.cloud.make_token(APP_ID, "https://smba.trafficmanager.net/emea/")
    else:
        token = bot.cloud.make_token(APP_ID)
        act["channelId"] = "webchat"
    status, _ = await bot.post(act, token=token)
    assert status == 401
    assert handled(bot) == [] and bot.cloud.recorded() == [] and bot.cloud.token_requests == []
    status, _ = await bot.post(bot.message())  # and a proper request still goes through
    assert status == 202 and len(bot.cloud.recorded()) == 1


# -- invoke: Action.Execute ----------------------------------------------------------------------


async def test_action_execute_gets_an_invoke_response_with_the_refreshed_card(
    make_bot: MakeBot,
) -> None:
    bot = await make_bot()
    data = {"ticket": 42, "say": "ta 42"}
    act = bot.cloud.card_action("refresh", data, app_id=APP_ID, reply_to_id="1700000000001")
    status, body = await bot.post(act)
    assert status == 200
    assert body == {"statusCode": 200, "type": CARD_TYPE, "value": refreshed_card(data)}
    assert handled(bot) == [{"invoke": data, "reply_to": "1700000000001"}]
    assert (
        bot.cloud.recorded() == []
    )  # the card travels in the HTTP response, not via the Connector


async def test_invoke_nobody_handles_is_501(make_bot: MakeBot) -> None:
    bot = await make_bot()
    status, body = await bot.post(bot.cloud.card_action("unknown-verb", {}, app_id=APP_ID))
    assert (status, body) == (501, None)


async def test_invoke_with_a_bad_token_is_401(make_bot: MakeBot) -> None:
    bot = await make_bot()
    act = bot.cloud.card_action("refresh", {"ticket": 1}, app_id=APP_ID)
    status, _ = await bot.post(act, token=bot.cloud.make_token(APP_ID, expired=True))
    assert status == 401 and handled(bot) == []


# -- malformed requests with a valid token ---------------------------------------------------------


async def test_malformed_bodies(make_bot: MakeBot) -> None:
    bot = await make_bot()
    assert (await bot.post("{not json"))[0] == 400
    act = bot.message()
    del act["conversation"]
    assert await bot.post(act) == (400, {"error": "Activity must have type and conversation.id"})
    # a body pydantic cannot parse escapes process_request: aiohttp turns it into a bare 500
    status, _ = await bot.post(
        {"type": "message", "conversation": {"id": 5}, "serviceUrl": bot.cloud.service_url}
    )
    assert status == 500
    assert handled(bot) == [] and bot.cloud.recorded() == []


# -- outbound: proactive, update, create, errors -----------------------------------------------------


async def test_proactive_send_and_card_update_from_a_stored_reference(make_bot: MakeBot) -> None:
    bot = await make_bot()
    act = bot.message("hej")
    await bot.post(act)
    [ref] = bot.refs
    stored = ref.model_dump(mode="json", by_alias=True, exclude_none=True)  # what we would persist
    bot.cloud.clear()

    reference = ConversationReference.model_validate(stored)
    sent_ids: list[str] = []

    async def send_card(context: TurnContext) -> None:
        card = Attachment(content_type=CARD_TYPE, content=refreshed_card({"ticket": 7}))
        resp = await context.send_activity(Activity(type="message", attachments=[card]))
        sent_ids.append(resp.id)

    # get_continuation_activity() carries a fresh uuid as id, so the send becomes a *reply* to it
    await bot.adapter.continue_conversation(
        APP_ID, reference.get_continuation_activity(), send_card
    )
    # without an id it is a plain POST .../activities (send_to_conversation)
    continuation = reference.get_continuation_activity()
    continuation.id = None
    await bot.adapter.continue_conversation(APP_ID, continuation, send_card)
    first, second = bot.cloud.recorded()
    assert first.kind == "reply" and first.activity_id not in (None, act["id"])
    assert second.kind == "send" and second.conversation_id == act["conversation"]["id"]
    assert second.body["attachments"][0]["contentType"] == CARD_TYPE
    assert second.body["recipient"]["aadObjectId"] == act["from"]["aadObjectId"]

    async def update_card(context: TurnContext) -> None:
        card = Attachment(
            content_type=CARD_TYPE, content=refreshed_card({"ticket": 7, "state": "tagen"})
        )
        await context.update_activity(Activity(type="message", id=sent_ids[1], attachments=[card]))

    await bot.adapter.continue_conversation(APP_ID, continuation, update_card)
    update = bot.cloud.recorded()[-1]
    assert update.kind == "update" and update.method == "PUT" and update.activity_id == sent_ids[1]
    assert update.body["attachments"][0]["content"]["refresh"]["action"]["data"]["state"] == "tagen"
    assert turn_errors(bot) == []


async def test_create_conversation(make_bot: MakeBot) -> None:
    bot = await make_bot()
    created: list[str] = []

    async def first_message(context: TurnContext) -> None:
        created.append(context.activity.conversation.id)
        await context.send_activity("Ett nytt ärende har kommit in.")

    params = ConversationParameters(
        is_group=False,
        agent=ChannelAccount(id=f"28:{APP_ID}"),
        members=[ChannelAccount(id="29:1user")],
        tenant_id=bot.cloud.tenant_id,
        channel_data={"tenant": {"id": bot.cloud.tenant_id}},
    )
    await bot.adapter.create_conversation(
        APP_ID,
        "msteams",
        bot.cloud.service_url,
        "https://api.botframework.com",
        params,
        first_message,
    )
    create, send = bot.cloud.recorded()
    assert create.kind == "create" and create.body["tenantId"] == bot.cloud.tenant_id
    assert created == [f"a:1{create.id}"]
    assert (
        send.conversation_id == created[0] and send.body["text"] == "Ett nytt ärende har kommit in."
    )


async def test_connector_429_surfaces_as_client_response_error_without_retry(
    make_bot: MakeBot,
) -> None:
    bot = await make_bot()
    await bot.post(bot.message("hej"))
    continuation = bot.refs[0].get_continuation_activity()
    continuation.id = None
    bot.cloud.clear()
    bot.cloud.fail_next(429, retry_after=2)

    async def say(context: TurnContext) -> None:
        await context.send_activity("Svar på ditt ärende")

    await bot.adapter.continue_conversation(APP_ID, continuation, say)
    [error] = turn_errors(bot)  # the exception reaches adapter.on_turn_error
    assert isinstance(error, aiohttp.ClientResponseError)
    assert error.status == 429 and error.headers is not None and error.headers["Retry-After"] == "2"
    assert bot.cloud.recorded() == [] and len(bot.cloud.rejected) == 1
    await bot.adapter.continue_conversation(APP_ID, continuation, say)  # the knob was for one send
    assert [r.body["text"] for r in bot.cloud.recorded()] == ["Svar på ditt ärende"]


async def test_fail_next_500_and_default_turn_error_leaks_the_exception_text(
    make_bot: MakeBot,
) -> None:
    bot = await make_bot(keep_default_on_turn_error=True)
    status, _ = await bot.post(bot.message("boom"))
    assert status == 202  # the handler raised; the request still "succeeds"
    [leak] = bot.cloud.recorded()
    # HttpAdapterBase's default on_turn_error sends the exception text to the user
    assert leak.body["text"].startswith("Exception caught : internal detail: db password=hunter2")


async def test_connector_rejects_a_forged_access_token(fake: FakeMicrosoftCloud) -> None:
    async with aiohttp.ClientSession() as http:
        url = f"{fake.service_url}v3/conversations/a:1x/activities"
        async with http.post(
            url, json={"type": "message", "text": "x"}, headers={"Authorization": "Bearer abc"}
        ) as r:
            assert r.status == 401
    assert fake.recorded() == [] and len(fake.rejected) == 1


# -- the event loop ------------------------------------------------------------------------------


async def test_first_token_blocks_the_event_loop_unless_msal_is_prewarmed(
    make_bot: MakeBot,
) -> None:
    delay = 0.6
    bot = await make_bot()
    bot.cloud.openid_delay = (
        delay  # the tenant discovery MSAL does in ConfidentialClientApplication()
    )
    worst, stop = loop_lag_probe()
    status, _ = await bot.post(bot.message())
    stop()
    assert status == 202
    # MsalAuth._get_access_token -> self._get_client() -> ConfidentialClientApplication(...) runs
    # on the loop thread, and its constructor GETs {AUTHORITY}/v2.0/.well-known/openid-configuration
    assert worst() >= delay * 0.75

    fixed = await make_bot()
    provider = fixed.connections.get_default_connection()
    await asyncio.to_thread(provider._get_client)  # build (and cache) the MSAL client off the loop
    worst, stop = loop_lag_probe()
    status, _ = await fixed.post(fixed.message())
    stop()
    assert status == 202
    assert worst() < delay / 2


async def test_no_app_id_means_every_request_is_401(make_bot: MakeBot) -> None:
    bot = await make_bot(CLIENTID="", CLIENTSECRET="")
    assert (await bot.post(bot.message(), token=None))[
        0
    ] == 401  # ANONYMOUS_ALLOWED defaults to False
    assert (await bot.post(bot.message()))[0] == 401  # no CLIENT_ID: no audience is valid
    assert handled(bot) == [] and bot.cloud.recorded() == []


def test_activity_ids_are_unique_and_teams_shaped(fake: FakeMicrosoftCloud) -> None:
    a = fake.personal_message("x", app_id=APP_ID)
    b = fake.channel_message("y", app_id=APP_ID)
    c = fake.card_action("refresh", {"n": 1}, app_id=APP_ID)
    assert len({a["id"], b["id"], c["id"]}) == 3
    assert a["conversation"]["id"].startswith("a:") and re.match(
        r"19:.+@thread\.tacv2;messageid=\d+", b["conversation"]["id"]
    )
    assert c["value"]["action"] == {"type": "Action.Execute", "verb": "refresh", "data": {"n": 1}}
    assert all(x["locale"] == "sv-SE" and x["channelId"] == "msteams" for x in (a, b, c))
