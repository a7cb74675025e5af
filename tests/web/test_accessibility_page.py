"""The accessibility statement (/tillganglighet): public, DIGG's structure filled from
settings, hostile settings escaped, the dashboard's headers, linked from the dashboard
and the yearly pages, and no axe-core violations in a real Chromium."""

from __future__ import annotations

import html as html_lib
import re
from datetime import date

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from adapters.web.accessibility import add_accessibility, statement
from adapters.web.dashboard import CSP
from bot.service import ConversationService
from bot.settings import Settings
from tests.web.browser import AXE, CHROMIUM, Browser
from tests.web.conftest import make_app
from tests.web.test_dashboard import signed

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def app_with(s: Settings, municipality: str = "Exempelkommun") -> web.Application:
    app = web.Application()
    add_accessibility(app, statement(s, municipality))
    return app


def text_of(html: str, testid: str) -> str:
    found = re.search(rf'<(\w+) data-testid="{testid}">(.*?)</\1>', html, re.S)
    assert found, testid
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", found.group(2))).split())


async def test_the_statement_is_public_and_follows_diggs_model() -> None:
    async with TestClient(TestServer(app_with(settings()))) as client:
        resp = await client.get("/tillganglighet")
        page = await resp.text()
    assert resp.status == 200  # no signed link, no cookie
    assert resp.headers["Content-Security-Policy"] == CSP
    assert resp.headers["X-Frame-Options"] == "DENY" and resp.headers["Server"] == "Stodbot"
    headings = re.findall(r"<h[234]>(.*?)</h[234]>", page)
    assert headings == [
        "Hur tillgänglig är tjänsten?",
        "Vad kan du göra om du inte kan använda delar av tjänsten?",
        "Rapportera brister i tjänstens tillgänglighet",
        "Tillsyn",
        "Teknisk information om tjänstens tillgänglighet",
        "Innehåll som inte är tillgängligt",
        "Bristande förenlighet med lagkraven",
        "Oskäligt betungande anpassning",
        "Innehåll som inte omfattas av lagkraven",
        "Hur vi testat tjänsten",
    ]
    assert "Exempelkommun står bakom Stödbot" in page
    assert "delvis förenlig" in text_of(page, "status")
    assert text_of(page, "contact") == (
        "e-post: tillganglighet@exempelkommun.se telefon: 0123-45 67 00"
    )
    assert 'href="mailto:tillganglighet@exempelkommun.se"' in page
    assert 'href="tel:0123456700"' in page
    assert 'href="https://www.digg.se/tdosanmalan"' in page
    assert "axe-core" in page and "Chromium" in page
    assert text_of(page, "dates") == (
        "Senaste bedömningen gjordes den 1 december 2026. "
        "Redogörelsen uppdaterades senast den 1 december 2026."
    )
    assert "Word- och Excel-filerna" in text_of(page, "failures")
    assert "tredjepartsprogram" in text_of(page, "out-of-scope")
    assert "åberopar inte" in text_of(page, "burdens")
    # other methods: only GET (and HEAD)
    async with TestClient(TestServer(app_with(settings()))) as client:
        assert (await client.post("/tillganglighet")).status == 405


async def test_filled_from_settings() -> None:
    s = settings(
        accessibility_contact_email="webb@storby.se",
        accessibility_contact_phone="",
        accessibility_status="fullt",
        accessibility_assessed=date(2027, 3, 4),
        accessibility_updated=date(2027, 5, 6),
        accessibility_published=date(2026, 1, 2),
        accessibility_shortcomings=[],
        accessibility_burden=["Gamla veckoposter i chatten rättas inte i efterhand.", " "],
        accessibility_out_of_scope=[],
    )
    async with TestClient(TestServer(app_with(s, "Storby kommun"))) as client:
        page = await (await client.get("/tillganglighet")).text()
    assert "<title>Tillgänglighetsredogörelse för Stödbot – Storby kommun</title>" in page
    assert "Stödbot är helt förenlig" in text_of(page, "status")
    assert text_of(page, "contact") == "e-post: webb@storby.se"  # no phone given: none shown
    assert "tel:" not in page
    assert text_of(page, "failures") == "Vi känner inte till några brister mot lagkraven."
    assert text_of(page, "burdens") == "Gamla veckoposter i chatten rättas inte i efterhand."
    assert text_of(page, "out-of-scope") == "Inget."
    assert text_of(page, "dates") == (
        "Senaste bedömningen gjordes den 4 mars 2027. Tjänsten publicerades den 2 januari "
        "2026. Redogörelsen uppdaterades senast den 6 maj 2027."
    )


def test_bad_settings_are_refused_at_start() -> None:
    with pytest.raises(ValueError, match="accessibility_status"):
        settings(accessibility_status="nästan")
    with pytest.raises(ValueError, match="e-postadress"):
        settings(accessibility_contact_email="   ")


async def test_hostile_settings_are_escaped() -> None:
    s = settings(
        accessibility_contact_email=f"a@b{HOSTILE}",
        accessibility_contact_phone=HOSTILE,
        accessibility_shortcomings=[HOSTILE, "\x00" * 3 + "x" * 20_000],
        accessibility_burden=[HOSTILE],
        accessibility_out_of_scope=[HOSTILE],
    )
    async with TestClient(TestServer(app_with(s, HOSTILE))) as client:
        resp = await client.get("/tillganglighet")
        page = await resp.text()
    assert resp.status == 200
    assert "<script" not in page and "<img" not in page  # shown as text, never as markup
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 6
    assert 'href="tel:12"' in page  # only the digits of the phone become the link


async def test_linked_from_the_dashboard_and_the_yearly_pages(
    seeded_service: ConversationService,
) -> None:
    async with TestClient(TestServer(make_app(seeded_service))) as client:
        dashboard = await (await client.get(signed())).text()
        yearly_url = re.search(r'<a href="(/arsanalys\?[^"]+)">', dashboard)
        assert yearly_url
        yearly = await (await client.get(html_lib.unescape(yearly_url.group(1)))).text()
        statement_page = await client.get("/tillganglighet")
    for page in (dashboard, yearly):
        assert '<a href="/tillganglighet">Tillgänglighetsredogörelse</a>' in page
    assert statement_page.status == 200


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium (apt-get install chromium)")
@pytest.mark.skipif(not AXE.exists(), reason=f"no axe-core at {AXE} (.ci/run installs it)")
async def test_the_statement_passes_axe_in_chromium(live_dashboard: str) -> None:
    async with Browser() as browser:
        await browser.goto(f"{live_dashboard}/tillganglighet")
        title = await browser.js("document.title")
        result = await browser.axe()
        styled = await browser.js("getComputedStyle(document.body).fontFamily")
        mail = await browser.js("document.querySelector('a[href^=mailto]').textContent")
    assert title == "Tillgänglighetsredogörelse för Stödbot – Exempelkommun"
    assert result["violations"] == [] and result["passes"] > 5, result
    assert "system-ui" in styled  # the CSP let base.html's style through
    assert mail == "tillganglighet@exempelkommun.se"
