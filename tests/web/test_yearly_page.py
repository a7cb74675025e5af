"""An area's yearly analysis on the dashboard (issue 14), on two years of made-up
demand: the lead's link opens their own area only, leadership's every area without
free text; the page passes axe in Chromium, and the DOCX and XLSX hold the page's
figures."""

from __future__ import annotations

import io
import os
import re
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from bot.links import LEADERSHIP, yearly_link
from tests.web.browser import AXE, CHROMIUM, Browser
from tests.web.conftest import SECRET

DOCS = Path(__file__).resolve().parents[2] / "docs"
NOW = datetime.now(UTC)


def _get(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url) as resp:
            return resp.status, resp.read(), resp.headers.get("Content-Security-Policy", "")
    except urllib.error.HTTPError as err:
        return err.code, err.read(), err.headers.get("Content-Security-Policy", "")


def _link(base: str, scope: str, area: str | None) -> str:
    return yearly_link(base, SECRET, scope, area, 2026, NOW)


def _cells(html: str, key: str) -> list[list[str]]:
    table = re.search(rf'<table data-testid="{key}">(.*?)</table>', html, re.S)
    assert table, key
    body = table.group(1).split("<tbody>")[1]
    return [
        [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
        ]
        for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_who_opens_what(live_yearly: str) -> None:
    lead = _link(live_yearly, "hr", "hr")
    status, body, csp = _get(lead)
    page = body.decode()
    assert status == 200 and "Årsanalys 2026: HR – Exempelkommun" in page
    assert "Exempel (maskerat)" in page and "default-src 'none'" in csp
    # the lead's link does not open another area, nor leadership's list
    assert _get(lead.replace("/arsanalys/hr?", "/arsanalys/it?"))[0] == 403
    assert _get(lead.replace("/arsanalys/hr?", "/arsanalys?"))[0] == 403
    # nor a scope it was not signed for, nor no signature at all
    assert _get(lead.replace("scope=hr", f"scope={LEADERSHIP}"))[0] == 403
    assert _get(f"{live_yearly}/arsanalys/hr?year=2026")[0] == 403
    assert _get(lead.replace("year=2026", "year=20x6"))[0] == 400
    assert _get(lead.replace("year=2026", "year=1999"))[0] == 400
    boss = _link(live_yearly, LEADERSHIP, None)
    status, body, _ = _get(boss)
    listed = body.decode()
    assert status == 200 and listed.count('<li><a href="/arsanalys/') == 9
    it_page = re.search(r'href="(/arsanalys/it\?[^"]+)"', listed)
    assert it_page
    status, body, _ = _get(live_yearly + it_page.group(1).replace("&amp;", "&"))
    it = body.decode()
    assert status == 200 and "Gemensam IT-drift för Exempelkommun" in it
    assert "IT-samordnare Karin Dahl" in it  # the partner's local contact
    assert "Exempel (maskerat)" not in it and "hur gör vi med" not in it  # no free text


def test_the_files_hold_the_pages_figures(live_yearly: str) -> None:
    link = _link(live_yearly, "hr", "hr")
    page = _get(link)[1].decode()
    months = _cells(page, "manader")
    year = _cells(page, "aret")
    assert len(months) == 12 and months[0][0] == "jan" and months[11][1] == "0"  # no December
    status, data, _ = _get(link.replace("/arsanalys/hr?", "/arsanalys/hr.docx?"))
    assert status == 200
    doc = Document(io.BytesIO(data))
    tables = {t.rows[1].cells[0].text: t for t in doc.tables if len(t.rows) > 1}
    doc_months = [[c.text for c in r.cells] for r in tables["jan"].rows[1:]]
    doc_year = [[c.text for c in r.cells] for r in tables["Frågor"].rows[1:]]
    assert doc_months == months and doc_year == year
    (chart,) = doc.inline_shapes  # the chart, with the alt text Word reads out
    assert chart._inline.docPr.get("descr").startswith("Frågor per månad 2026 till HR: jan ")
    status, data, _ = _get(link.replace("/arsanalys/hr?", "/arsanalys/hr.xlsx?"))
    book = load_workbook(io.BytesIO(data))
    sheet = book["Efterfrågan per månad"]
    rows = [[str(v) for v in r] for r in sheet.iter_rows(min_row=3, values_only=True)]
    assert rows == months


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium (apt-get install chromium)")
@pytest.mark.skipif(not AXE.exists(), reason=f"no axe-core at {AXE} (.ci/run installs it)")
async def test_the_yearly_page_passes_axe_in_chromium(live_yearly: str) -> None:
    async with Browser() as browser:
        await browser.goto(_link(live_yearly, "hr", "hr"))
        assert await browser.js("document.title") == "Årsanalys 2026: HR – Exempelkommun"
        result = await browser.axe()
        chart_ok = await browser.js(
            "(() => { const i = document.querySelector('figure img'); "
            "return i.naturalWidth > 0 && i.alt.startsWith('Frågor per månad 2026'); })()"
        )
        if os.environ.get("STODBOT_SCREENSHOTS"):
            await browser.screenshot(DOCS / "yearly-hr.png")
    assert result["violations"] == [] and result["passes"] > 10
    assert chart_ok
