"""The leadership dashboard: server-side HTML (Jinja2, autoescaped), the chart,
CSV and XLSX downloads. Access by a signed link, which sets a cookie; nothing
is served to someone who only found the URL. Every response, errors included,
carries a strict CSP and the other security headers, and no server version."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from adapters.reports import chart, files
from adapters.reports.tables import HEADERS, cells
from bot.links import LEADERSHIP, valid, yearly_link
from bot.reports import load_summary
from bot.service import ConversationService
from routing.calendar import STOCKHOLM
from routing.report import week_bounds, week_of
from routing.summary import Summary

COOKIE = "stodbot_dashboard"
TEMPLATE_DIR = Path(__file__).parent / "templates"
TEMPLATES = Environment(
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=select_autoescape(["html"]),
)
SERVICE = web.AppKey("service", ConversationService)
SECRET = web.AppKey("secret", str)
SECURE = web.AppKey("secure", bool)
MIN_SECRET_BYTES = 32


def _style_hash() -> str:
    """The CSP hash of the pages' one inline stylesheet (static text in base.html)."""
    source = (TEMPLATE_DIR / "base.html").read_text(encoding="utf-8")
    match = re.search(r"<style>(.*?)</style>", source, re.S)
    css = match.group(1) if match else ""
    return base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()


CSP = (
    f"default-src 'none'; style-src 'sha256-{_style_hash()}'; img-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Server": "Stodbot",  # instead of aiohttp's name and version
}


class DashboardStartupError(RuntimeError):
    """The dashboard cannot start as configured; the message says what to fix."""


def check_secret(secret: str, production: bool) -> None:
    """In production a guessable secret would open the dashboard: refuse a short one."""
    if production and len(secret.encode()) < MIN_SECRET_BYTES:
        raise DashboardStartupError(
            f"STODBOT_DASHBOARD_SECRET är för kort för drift: minst {MIN_SECRET_BYTES} byte "
            "(skapa en med: python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
        )


async def _harden(request: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare: runs for every response, also 403, 404, 405 and 500."""
    response.headers.update(SECURITY_HEADERS)


def harden(app: web.Application) -> None:
    """The security headers (and no aiohttp version) on every response of ``app``,
    the Teams endpoint's included."""
    if _harden not in app.on_response_prepare:
        app.on_response_prepare.append(_harden)


def _change(change: float | None) -> str:
    return "–" if change is None else f"{change * 100:+.0f} %"


def page(
    summary: Summary, municipality: str, week_options: list[str], yearly: str | None = None
) -> str:
    """``yearly``: a link to leadership's yearly analyses (``/arsanalys``), or None."""
    start, end = week_bounds(summary.week)
    return TEMPLATES.get_template("dashboard.html").render(
        week=summary.week,
        week_no=int(summary.week[-2:]),
        year=summary.week[:4],
        municipality=municipality,
        start=f"{start:%Y-%m-%d}",
        end=f"{end - timedelta(days=1):%Y-%m-%d}",
        week_options=week_options,
        headers=HEADERS[3:],
        rule=summary.rule,
        total=cells(summary.total.current),
        areas=[(r.name, cells(r.current)) for r in summary.areas],
        units=[(r.name, cells(r.current)) for r in summary.units],
        weeks=summary.weeks,
        trend=[
            (
                r.name,
                [str(f.questions) for f in r.weeks],
                _change(r.change),
            )
            for r in (*summary.areas, summary.total)
        ],
        gaps=[(g.area_name, str(g.size)) for g in summary.gaps],
        flags=[f"{f.title} ({f.area_id}): {f.detail}" for f in summary.flags],
        chart_alt=chart.alt_text(summary),
        yearly=yearly,
    )


@web.middleware
async def require_signature(request: web.Request, handler):  # type: ignore[no-untyped-def]
    if not request.path.startswith("/dashboard"):
        return await handler(request)
    secret = request.app[SECRET]
    exp, sig = request.query.get("exp"), request.query.get("sig")
    if valid(secret, exp, sig):
        response = await handler(request)
        response.set_cookie(
            COOKIE,
            f"{exp}.{sig}",
            httponly=True,
            samesite="Strict",
            secure=request.app[SECURE],
            max_age=max(0, int(exp or 0) - int(datetime.now(UTC).timestamp())),
        )
        return response
    cookie = request.cookies.get(COOKIE, "")
    c_exp, _, c_sig = cookie.partition(".")
    if valid(secret, c_exp, c_sig):
        return await handler(request)
    return web.Response(
        status=403,
        text="Åtkomst kräver en giltig länk från Stödbot.",
        content_type="text/plain",
        charset="utf-8",
    )


def _week(request: web.Request) -> str:
    week = request.query.get("week") or week_of(datetime.now(UTC) - timedelta(days=7))
    try:
        week_bounds(week)
    except ValueError as exc:
        raise web.HTTPBadRequest(text="Ogiltig vecka, använd t.ex. 2026-W48") from exc
    return week


async def _summary(request: web.Request) -> Summary:
    return await asyncio.to_thread(load_summary, request.app[SERVICE], _week(request))


async def dashboard(request: web.Request) -> web.Response:
    summary = await _summary(request)
    now = datetime.now(UTC)
    options = [week_of(now - timedelta(weeks=k)) for k in range(26)]
    if summary.week not in options:
        options.insert(0, summary.week)
    # who reads this page reads leadership's counts: the same as the yearly analyses'
    year = min(int(summary.week[:4]), now.astimezone(STOCKHOLM).year)
    yearly = yearly_link("", request.app[SECRET], LEADERSHIP, None, year, now)
    html = page(summary, request.app[SERVICE].org.municipality, options, yearly)
    return web.Response(text=html, content_type="text/html", charset="utf-8")


async def chart_png(request: web.Request) -> web.Response:
    summary = await _summary(request)
    png = await asyncio.to_thread(chart.render, summary, "png")
    return web.Response(body=png, content_type="image/png")


async def export_csv(request: web.Request) -> web.Response:
    summary = await _summary(request)
    return web.Response(
        text=files.to_csv(summary),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="efterfragan-{summary.week}.csv"'},
    )


async def export_xlsx(request: web.Request) -> web.Response:
    summary = await _summary(request)
    data = await asyncio.to_thread(files.to_xlsx, summary)
    return web.Response(
        body=data,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="efterfragan-{summary.week}.xlsx"'},
    )


def add_dashboard(
    app: web.Application,
    service: ConversationService,
    secret: str,
    public_url: str | None = None,
) -> None:
    """``public_url``: where people reach the dashboard; https makes the cookie Secure."""
    app[SERVICE] = service
    app[SECRET] = secret
    app[SECURE] = (public_url or "").lower().startswith("https://")
    app.middlewares.append(require_signature)
    harden(app)
    app.router.add_get("/dashboard", dashboard)
    app.router.add_get("/dashboard/chart.png", chart_png)
    app.router.add_get("/dashboard/export.csv", export_csv)
    app.router.add_get("/dashboard/export.xlsx", export_xlsx)
