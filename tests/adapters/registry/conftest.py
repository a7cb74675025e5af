"""A registry to register with: a local webhook receiver (aiohttp) and a local SMTP
server (aiosmtpd) that the tests start, and an organisation whose HR registers by
e-mail and IT by webhook."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiosmtpd.controller import Controller

from tests.conftest import example_copy, load_copy

SECRET = "registry-secret-for-tests-0123456789"
SECRET_ENV = "STODBOT_REGISTRY_SECRET_IT"


@dataclass
class Receiver:
    """The registry's webhook: what it got, and how many times to answer 500 first."""

    url: str = ""
    fail_first: int = 0
    got: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    refused: int = 0

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        if self.fail_first > 0:
            self.fail_first -= 1
            self.refused += 1
            return web.Response(status=500, text="registry down")
        self.got.append((dict(request.headers), body))
        return web.Response(status=202, text="ok")


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    rec = Receiver()
    app = web.Application()
    app.router.add_post("/diarium", rec.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    rec.url = f"http://127.0.0.1:{port}/diarium"
    yield rec
    await runner.cleanup()


class Mailbox:
    """The registrator's mailbox behind a local SMTP server."""

    def __init__(self) -> None:
        self.mails: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        mail = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(mail, EmailMessage)
        self.mails.append(mail)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


def registry_base(root: Path, webhook: str) -> Path:
    """The example base with HR registering by e-mail on creation and closing, and IT
    by webhook on both."""
    base = example_copy(root)
    org = base / "organisation.yaml"
    text = org.read_text(encoding="utf-8")
    hr = '    lead_user: "@maria.lindqvist:exempelkommun.se"\n'
    it = '    lead_user: "@karin.dahl:exempelkommun.se"\n'
    text = text.replace(
        hr, hr + '    registry: {on: [created, closed], email: "registrator@exempelkommun.se"}\n'
    )
    text = text.replace(
        it,
        it + f'    registry: {{on: [created, closed], webhook: "{webhook}", '
        f'secret_env: "{SECRET_ENV}"}}\n',
    )
    org.write_text(text, encoding="utf-8")
    return base


__all__ = ["load_copy"]
