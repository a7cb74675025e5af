"""The accessibility statement (tillgänglighetsredogörelse) at ``/tillganglighet``, in
the structure of DIGG's model for lagen (2018:1937) om tillgänglighet till digital
offentlig service: who stands behind the service, how accessible it is, what is not
and why, how to report a problem or ask for content in another form, the supervisory
authority, how it was tested, and when. Filled from settings (``STODBOT_ACCESSIBILITY_*``)
and the organisation file. Public: a statement must be reachable without a link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from aiohttp import web

from adapters.web.dashboard import TEMPLATES, harden
from bot.settings import Settings
from bot.texts import swedish_date

PATH = "/tillganglighet"
DIGG_FORM = "https://www.digg.se/tdosanmalan"
STATUS = {
    "helt": "helt förenlig",
    "delvis": "delvis förenlig",
    "inte": "inte förenlig",
}


@dataclass(frozen=True)
class Statement:
    municipality: str
    email: str
    phone: str | None
    status: str  # helt, delvis or inte
    assessed: date
    updated: date
    published: date | None
    failures: tuple[str, ...]  # bristande förenlighet med lagkraven
    burdens: tuple[str, ...]  # oskäligt betungande anpassning
    out_of_scope: tuple[str, ...]  # innehåll som inte omfattas av lagen


def statement(settings: Settings, municipality: str) -> Statement:
    """The statement as configured; empty lines in the lists are left out."""

    def kept(items: list[str]) -> tuple[str, ...]:
        return tuple(i.strip() for i in items if i.strip())

    return Statement(
        municipality=municipality,
        email=settings.accessibility_contact_email,
        phone=(settings.accessibility_contact_phone or "").strip() or None,
        status=settings.accessibility_status,
        assessed=settings.accessibility_assessed,
        updated=settings.accessibility_updated or settings.accessibility_assessed,
        published=settings.accessibility_published,
        failures=kept(settings.accessibility_shortcomings),
        burdens=kept(settings.accessibility_burden),
        out_of_scope=kept(settings.accessibility_out_of_scope),
    )


def page(s: Statement) -> str:
    return TEMPLATES.get_template("accessibility.html").render(
        s=s,
        status=STATUS[s.status],
        assessed=swedish_date(s.assessed),
        updated=swedish_date(s.updated),
        published=swedish_date(s.published) if s.published else None,
        phone_href="".join(c for c in s.phone or "" if c.isdigit() or c == "+"),
        digg_form=DIGG_FORM,
    )


def add_accessibility(app: web.Application, s: Statement) -> None:
    """``/tillganglighet`` on ``app``, open to everyone, with the dashboard's headers."""
    html = page(s)

    async def show(request: web.Request) -> web.Response:
        return web.Response(text=html, content_type="text/html", charset="utf-8")

    harden(app)
    app.router.add_get(PATH, show)
