"""The dashboard over a seeded database of six weeks: access, figures, files, chart."""

from __future__ import annotations

import csv
import html as html_lib
import io
import re
import time

from aiohttp.test_utils import TestClient, TestServer
from openpyxl import load_workbook

from bot.links import link
from bot.service import ConversationService
from tests.web.conftest import SECRET, WEEK, make_app


def signed(path: str = "/dashboard") -> str:
    url = link("http://x", SECRET, WEEK)
    return path + "?" + url.split("?", 1)[1]


async def test_no_access_without_a_valid_link(seeded_service: ConversationService) -> None:
    async with TestClient(TestServer(make_app(seeded_service))) as client:
        assert (await client.get("/dashboard")).status == 403
        assert (await client.get("/dashboard/export.csv")).status == 403
        expired = f"/dashboard?exp={int(time.time()) - 10}&sig=" + "0" * 64
        assert (await client.get(expired)).status == 403
        forged = signed().replace("sig=", "sig=f")
        assert (await client.get(forged)).status == 403


async def test_page_figures_match_the_csv_and_xlsx(seeded_service: ConversationService) -> None:
    async with TestClient(TestServer(make_app(seeded_service))) as client:
        resp = await client.get(signed())
        assert resp.status == 200
        html = await resp.text()
        # the cookie lets the downloads through without the query string
        csv_text = await (await client.get(f"/dashboard/export.csv?week={WEEK}")).text()
        xlsx = await (await client.get(f"/dashboard/export.xlsx?week={WEEK}")).read()
        png = await (await client.get(f"/dashboard/chart.png?week={WEEK}")).read()
    rows = list(csv.reader(io.StringIO(csv_text), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["Vecka", "Nivå", "Namn", "Frågor"]
    week_rows = {r[2]: r[3:] for r in body if r[0] == WEEK and r[1] == "Område"}
    table = re.search(r'<table data-testid="areas">.*?</table>', html, re.S)
    assert table
    for name, values in re.findall(r'<tr><th scope="row">([^<]+)</th>(.*?)</tr>', table.group(0)):
        cells = [html_lib.unescape(c) for c in re.findall(r"<td>([^<]*)</td>", values)]
        assert cells == week_rows[html_lib.unescape(name)], name
    total = next(r for r in body if r[0] == WEEK and r[1] == "Totalt")
    assert f"Frågor: <strong>{total[3]}</strong>" in html
    assert int(total[3]) > 50
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert sheet is not None
    xlsx_rows = [
        [str(c) if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)
    ]
    assert xlsx_rows == rows
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


async def test_no_question_text_or_names_on_the_page(seeded_service: ConversationService) -> None:
    async with TestClient(TestServer(make_app(seeded_service))) as client:
        html = await (await client.get(signed())).text()
    assert "fråga om" not in html and "saknas i basen" not in html
    assert "@chef" not in html and "@staff" not in html
    assert "&lt;5" in html or "<5" in html


async def test_the_weekly_page_links_to_leaderships_yearly_analyses(
    seeded_service: ConversationService,
) -> None:
    """Who reads the weekly page reads leadership's counts: one click to every area's
    yearly analysis (issue 14), and that link opens no lead's version."""
    async with TestClient(TestServer(make_app(seeded_service))) as client:
        page = await (await client.get(signed())).text()
        found = re.search(r'<a href="(/arsanalys\?[^"]+)">Årsanalyser per område</a>', page)
        assert found
        url = html_lib.unescape(found.group(1))
        listed = await client.get(url)
        assert listed.status == 200 and "Årsanalyser 2026" in await listed.text()
        hr = re.search(r'href="(/arsanalys/hr\?[^"]+)"', await listed.text())
        assert hr
        text = await (await client.get(html_lib.unescape(hr.group(1)))).text()
        assert "Ledningens version" in text and "Exempel (maskerat)" not in text
