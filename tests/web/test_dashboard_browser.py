"""The dashboard in a real browser (Debian's Chromium, headless): it loads, its
figures match the CSV, and axe-core finds no WCAG 2.1 A/AA violations."""

from __future__ import annotations

import csv
import io
import os
import urllib.request
from pathlib import Path

import pytest

from bot.links import link
from tests.web.browser import AXE, CHROMIUM, Browser
from tests.web.conftest import SECRET, WEEK

pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None, reason="no chromium (apt-get install chromium; .ci/run does)"
    ),
    pytest.mark.skipif(
        not AXE.exists(), reason=f"no axe-core at {AXE} (.ci/run installs it with npm)"
    ),
]
DOCS = Path(__file__).resolve().parents[2] / "docs"


async def test_dashboard_loads_matches_csv_and_passes_axe(live_dashboard: str) -> None:
    url = link(live_dashboard, SECRET, WEEK)
    async with Browser() as browser:
        await browser.goto(url)
        assert (
            await browser.js("document.title")
            == "Efterfrågan på stöd vecka 47 2026 – Exempelkommun"
        )
        cells = await browser.js(
            "Array.from(document.querySelectorAll('[data-testid=areas] tbody tr')).map("
            "tr => [tr.querySelector('th').textContent, ...Array.from(tr.querySelectorAll('td'))"
            ".map(td => td.textContent)])"
        )
        result = await browser.axe()
        chart_ok = await browser.js(
            "(() => { const i = document.querySelector('figure img'); "
            "return i.naturalWidth > 0 && i.alt.length > 40; })()"
        )
        focusable = await browser.js("document.querySelectorAll('a, button, select').length")
        if os.environ.get("STODBOT_SCREENSHOTS"):
            await browser.screenshot(DOCS / "dashboard.png")
    opener = urllib.request.build_opener()
    sig_query = url.split("?", 1)[1]
    with opener.open(f"{live_dashboard}/dashboard/export.csv?{sig_query}") as resp:
        rows = list(csv.reader(io.StringIO(resp.read().decode()), delimiter=";"))
    expected = [[r[2], *r[3:]] for r in rows[1:] if r[0] == WEEK and r[1] == "Område"]
    assert cells == expected
    assert result["violations"] == [] and result["passes"] > 10
    assert chart_ok and focusable >= 4
