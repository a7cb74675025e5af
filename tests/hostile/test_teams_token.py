"""Case 12, first bullet: a token signed with the Bot Connector's key but without a
sound lifetime (no ``exp``, or one years ahead) gets 401, through the real Agents SDK
against the fake cloud. A token that is not yet valid (``nbf`` or ``iat`` ahead) too."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import jwt
from sqlalchemy import func, select

from adapters.sql import tables
from tests.adapters.teams.conftest import APP_ID, Teams, cloud, teams  # noqa: F401
from tests.adapters.teams.fake_cloud import ISSUER, KID

DM = "a:dm-anna"


def signed(world: Teams, service_url: str, **claims: Any) -> str:
    """A token as the Bot Connector signs it (the right key, issuer and audience), with
    ``claims`` changed; a claim set to None is left out."""
    now = int(time.time())
    body: dict[str, Any] = {
        "iss": ISSUER,
        "aud": APP_ID,
        "serviceurl": service_url,
        "nbf": now - 60,
        "iat": now - 60,
        "exp": now + 3600,
    }
    body.update(claims)
    body = {k: v for k, v in body.items() if v is not None}
    return "Bearer " + jwt.encode(body, world.cloud.key, algorithm="RS256", headers={"kid": KID})


async def test_a_token_without_a_sound_lifetime_is_401(teams: Teams) -> None:  # noqa: F811
    act = teams.cloud.activity("Hur bokar jag en poolbil?")
    url = act["serviceUrl"]
    now = int(time.time())
    bad = {
        "no exp": signed(teams, url, exp=None),
        "no exp, nbf or iat": signed(teams, url, exp=None, nbf=None, iat=None),
        "exp in ten years": signed(teams, url, exp=now + 10 * 365 * 86400),
        "exp as text": signed(teams, url, exp=str(now + 3600)),
        "exp not a number": signed(teams, url, exp="snart"),
        "exp infinite": signed(teams, url, exp=float("inf")),
        "exp NaN": signed(teams, url, exp=float("nan")),
        "exp true": signed(teams, url, exp=True),
        "nbf a day ahead": signed(teams, url, nbf=now + 86400),
        "iat a day ahead": signed(teams, url, iat=now + 86400),
    }
    statuses = {}
    for name, header in bad.items():
        # twice: a verified token is remembered, the second answer must agree
        statuses[name] = [(await teams.post(act, token=header)).status for _ in range(2)]
    assert statuses == {name: [401, 401] for name in bad}
    await asyncio.sleep(0.3)
    assert teams.cloud.sent(DM) == []
    with teams.adapter.store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(tables.inbox)).scalar_one() == 0

    # the same token with an ordinary hour's lifetime is let in
    resp = await teams.post(act, token=signed(teams, url))
    assert resp.status in (200, 201, 202)
    await teams.wait_sent(DM, "poolbil")
