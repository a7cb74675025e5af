"""The yearly analysis on the dashboard (issue 14): a page per area, its chart, and the
DOCX and XLSX the lead brings to the yearly dialogue; for leadership a list of every
area. Access by a signed link for one scope (``bot.links``): an area's lead gets a
link to their own area (the lead's version), leadership one to all areas (counts only,
no free text). Every link of a page carries the same scope, so nothing opens wider
than the link it came from. The security headers are the dashboard's (``harden``)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from aiohttp import web

from adapters.reports.yearly import legend, sections, title
from adapters.reports.yearly_files import alt_text, chart_png, to_docx, to_xlsx
from adapters.web.dashboard import SECRET, SERVICE, TEMPLATES, harden
from bot.links import FIRST_YEAR, LEADERSHIP, valid_yearly, yearly_link
from bot.reports import load_yearly
from routing.calendar import STOCKHOLM
from routing.ports import AuditEntry
from routing.yearly import Yearly

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _this_year() -> int:
    return datetime.now(UTC).astimezone(STOCKHOLM).year


def _scope(request: web.Request) -> str:
    """The link's scope, once its signature holds; else 403 (nothing about the area)."""
    q = request.query
    scope = q.get("scope")
    if not valid_yearly(request.app[SECRET], scope, q.get("exp"), q.get("sig")):
        raise web.HTTPForbidden(text="Åtkomst kräver en giltig länk från Stödbot.")
    assert scope is not None
    return scope


def _year(request: web.Request) -> int:
    raw = request.query.get("year") or str(_this_year())
    if not (raw.isascii() and raw.isdigit() and len(raw) == 4):
        raise web.HTTPBadRequest(text="Ogiltigt år, använd t.ex. 2026")
    year = int(raw)
    if not FIRST_YEAR <= year <= _this_year():
        raise web.HTTPBadRequest(text="Ogiltigt år, använd t.ex. 2026")
    return year


def _query(request: web.Request, scope: str, year: int) -> str:
    q = request.query
    return f"year={year}&scope={scope}&exp={q['exp']}&sig={q['sig']}"


async def _load(request: web.Request) -> tuple[Yearly, str, int]:
    scope = _scope(request)
    area = request.match_info["area"]
    service = request.app[SERVICE]
    if service.org.area(area) is None or scope not in (LEADERSHIP, area):
        raise web.HTTPForbidden(text="Länken gäller inte det här området.")
    year = _year(request)
    lead = scope == area
    y = await asyncio.to_thread(load_yearly, service, area, year, None, None, lead)
    if lead and y.area.confidential:  # the lead's version of a confidential area
        with service.store.transaction() as tx:
            tx.audit.append(
                AuditEntry(service.clock(), f"link:{scope}", "read", "yearly", f"{area}:{year}")
            )
    return y, scope, year


async def page(request: web.Request) -> web.Response:
    y, scope, year = await _load(request)
    service = request.app[SERVICE]
    q = request.query
    here = f"/arsanalys/{y.area.id}"
    html = TEMPLATES.get_template("yearly.html").render(
        title=title(y, service.org),
        legend=legend(y),
        sections=sections(y, service.org),
        here=here,
        query=_query(request, scope, year),
        scope=scope,
        exp=q["exp"],
        sig=q["sig"],
        year=year,
        years=list(range(_this_year(), FIRST_YEAR - 1, -1)),
        chart_alt=alt_text(y),
        index=f"/arsanalys?{_query(request, scope, year)}" if scope == LEADERSHIP else None,
    )
    return web.Response(text=html, content_type="text/html", charset="utf-8")


async def index(request: web.Request) -> web.Response:
    """Leadership's list of the areas' analyses for the year."""
    scope = _scope(request)
    if scope != LEADERSHIP:
        raise web.HTTPForbidden(text="Länken gäller bara ett område.")
    year = _year(request)
    service = request.app[SERVICE]
    query = _query(request, scope, year)
    html = TEMPLATES.get_template("yearly.html").render(
        title=f"Årsanalyser {year} – {service.org.municipality}",
        legend=["Ledningens version: bara antal, ingen fritext."],
        sections=[],
        here="/arsanalys",
        query=query,
        scope=scope,
        exp=request.query["exp"],
        sig=request.query["sig"],
        year=year,
        years=list(range(_this_year(), FIRST_YEAR - 1, -1)),
        chart_alt="",
        index=None,
        area_links=[(a.name, f"/arsanalys/{a.id}?{query}") for a in service.org.areas],
    )
    return web.Response(text=html, content_type="text/html", charset="utf-8")


async def chart(request: web.Request) -> web.Response:
    y, _, _ = await _load(request)
    png = await asyncio.to_thread(chart_png, y)
    return web.Response(body=png, content_type="image/png")


def _file(kind: str) -> Callable[[web.Request], Awaitable[web.Response]]:
    """The handler of one download: ``docx`` or ``xlsx``."""
    write, content_type = {"docx": (to_docx, DOCX), "xlsx": (to_xlsx, XLSX)}[kind]

    async def download(request: web.Request) -> web.Response:
        y, _, year = await _load(request)
        data = await asyncio.to_thread(write, y, request.app[SERVICE].org)
        name = f"arsanalys-{y.area.id}-{year}.{kind}"
        return web.Response(
            body=data,
            content_type=content_type,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    return download


def add_yearly(app: web.Application) -> None:
    """The yearly pages, on an app that has the dashboard (its service and secret)."""
    harden(app)
    app.router.add_get("/arsanalys", index)
    app.router.add_get("/arsanalys/{area}.docx", _file("docx"))  # before {area}: it would
    app.router.add_get("/arsanalys/{area}.xlsx", _file("xlsx"))  # match "hr.docx" too
    app.router.add_get("/arsanalys/{area}/chart.png", chart)
    app.router.add_get("/arsanalys/{area}", page)


__all__ = ["add_yearly", "yearly_link"]
