"""The leadership dashboard: server-side HTML (Jinja2, autoescaped), the chart,
CSV and XLSX downloads. Access by a signed link, which sets a cookie; nothing
is served to someone who only found the URL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from adapters.reports import chart, files
from adapters.reports.tables import HEADERS, cells
from bot.links import valid
from bot.reports import load_summary
from bot.service import ConversationService
from routing.report import week_bounds, week_of
from routing.summary import Summary

COOKIE = "stodbot_dashboard"
TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
)
SERVICE = web.AppKey("service", ConversationService)
SECRET = web.AppKey("secret", str)


def _change(change: float | None) -> str:
    return "–" if change is None else f"{change * 100:+.0f} %"


def page(summary: Summary, municipality: str, week_options: list[str]) -> str:
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
    html = page(summary, request.app[SERVICE].org.municipality, options)
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


def add_dashboard(app: web.Application, service: ConversationService, secret: str) -> None:
    app[SERVICE] = service
    app[SECRET] = secret
    app.middlewares.append(require_signature)
    app.router.add_get("/dashboard", dashboard)
    app.router.add_get("/dashboard/chart.png", chart_png)
    app.router.add_get("/dashboard/export.csv", export_csv)
    app.router.add_get("/dashboard/export.xlsx", export_xlsx)
