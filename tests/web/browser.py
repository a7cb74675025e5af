"""Headless Chromium over the DevTools protocol (aiohttp websocket): load a page,
run JavaScript in it, take a screenshot. No driver download, no internet."""

from __future__ import annotations

import asyncio
import base64
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import aiohttp

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = (
    Path(__file__).resolve().parents[2]
    / ".ci"
    / "node"
    / "node_modules"
    / "axe-core"
    / "axe.min.js"
)


class Browser:
    def __init__(self) -> None:
        self._profile = tempfile.mkdtemp(prefix="stodbot-chromium-")
        self._proc: subprocess.Popen[bytes] | None = None
        self._session: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._id = 0

    async def __aenter__(self) -> Browser:
        assert CHROMIUM
        self._proc = subprocess.Popen(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-quic",
                "--no-first-run",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-port=0",
                f"--user-data-dir={self._profile}",
                "--window-size=1280,900",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        assert self._proc.stderr is not None
        port = None
        for _ in range(200):
            line = (await asyncio.to_thread(self._proc.stderr.readline)).decode()
            m = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line)
            if m:
                port = int(m.group(1))
                break
        assert port, "Chromium did not start"
        self._session = aiohttp.ClientSession()
        async with self._session.get(f"http://127.0.0.1:{port}/json/list") as resp:
            pages = [p for p in await resp.json() if p["type"] == "page"]
        self._ws = await self._session.ws_connect(pages[0]["webSocketDebuggerUrl"], max_msg_size=0)
        await self.call("Page.enable")
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._session is not None:
            await self._session.close()
        if self._proc is not None:
            self._proc.terminate()
            self._proc.wait(10)
        shutil.rmtree(self._profile, ignore_errors=True)

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        assert self._ws is not None
        self._id += 1
        my_id = self._id
        await self._ws.send_json({"id": my_id, "method": method, "params": params})
        while True:
            msg = json.loads((await self._ws.receive(timeout=60)).data)
            if msg.get("id") == my_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return dict(msg.get("result", {}))

    async def goto(self, url: str) -> None:
        await self.call("Page.navigate", url=url)
        for _ in range(200):
            if await self.js("document.readyState") == "complete":
                img_ok = await self.js("Array.from(document.images).every(i => i.complete)")
                if img_ok:
                    return
            await asyncio.sleep(0.05)
        raise AssertionError(f"{url} did not finish loading")

    async def js(self, expression: str, await_promise: bool = False) -> Any:
        result = await self.call(
            "Runtime.evaluate",
            expression=expression,
            returnByValue=True,
            awaitPromise=await_promise,
        )
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    async def axe(self) -> dict[str, Any]:
        """axe-core on the loaded page, WCAG 2.1 A and AA: ``violations`` (id: help)
        and how many rules ``passes``."""
        await self.js(AXE.read_text(encoding="utf-8"))
        result: dict[str, Any] = await self.js(
            "axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a','wcag2aa','wcag21a','wcag21aa']}})"
            ".then(r => ({violations: r.violations.map(v => v.id + ': ' + v.help), "
            "passes: r.passes.length}))",
            await_promise=True,
        )
        return result

    async def screenshot(self, path: Path) -> None:
        height = await self.js("document.documentElement.scrollHeight")
        await self.call(
            "Emulation.setDeviceMetricsOverride",
            width=1280,
            height=int(height),
            deviceScaleFactor=1,
            mobile=False,
        )
        data = await self.call("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(data["data"]))
