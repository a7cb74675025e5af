"""A ``routing.records.Record`` as JSON (times in ISO UTC and Swedish local time) and as
a standalone, accessible HTML page (lang="sv", headings, a table of events; every text
escaped; no external resources)."""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.texts import swedish_date
from routing.records import SECRECY, Message, Record

STOCKHOLM = ZoneInfo("Europe/Stockholm")
KINDS = {
    "created": "Ärendet skapades",
    "asker_info": "Komplettering från frågeställaren",
    "answer": "Svar från handläggare",
    "question_to_asker": "Fråga till frågeställaren",
    "note": "Intern anteckning",
    "transfer": "Överlämnat till annat område",
    "claimed": "Taget av handläggare",
    "unclaimed": "Släppt av handläggare",
    "resolved": "Markerat som löst",
    "reopened": "Öppnat igen",
    "escalated": "Eskalerat till områdesansvarig",
    "waiting_reminder": "Påminnelse till frågeställaren",
    "close_notice": "Besked om att ärendet stängs",
    "auto_closed": "Stängt automatiskt",
    "rating": "Betyg",
    "rating_comment": "Kommentar till betyget",
    "merged": "Sammanslaget med annat ärende (dubblett)",
    "merged_from": "Dubblett sammanslagen hit",
}
MESSAGES = {
    "reply": "Kvitto till frågeställaren",
    "notice": "Meddelande",
    "ticket_card": "Ärendekort till områdets rum eller kanal",
    "ticket_update": "Ärendekortet uppdaterat",
    "escalation": "Eskalering till områdesansvarig",
}
REGISTRY = {"created": "Registrering: ärendet skapat", "closed": "Registrering: ärendet stängt"}
STATUSES = {
    "open": "öppet",
    "claimed": "taget",
    "waiting": "väntar på frågeställaren",
    "resolved": "löst",
    "reopened": "öppnat igen",
    "closed": "stängt",
}


def _clean(text: str | None) -> str | None:
    """Text without NUL and the other control characters no document may carry."""
    if text is None:
        return None
    return "".join(c for c in text if c in "\n\t" or ord(c) >= 32 and c != "\x7f")


def local(at: datetime | None) -> str:
    """Swedish local time: "26 november 2026 kl. 10:00"."""
    if at is None:
        return ""
    t = at.astimezone(STOCKHOLM)
    return f"{swedish_date(t.date())} kl. {t:%H:%M}"


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _time(at: datetime | None) -> dict[str, str | None] | None:
    return None if at is None else {"utc": _iso(at), "lokal": local(at)}


def _message_kind(m: Message) -> str:
    table = REGISTRY if m.channel == "registry" else MESSAGES
    return table.get(m.kind, m.kind)


def to_json(record: Record) -> dict[str, Any]:
    r = record
    return {
        "sekretessprovning": SECRECY if r.confidential else None,
        "maskerad": r.masked,
        "kommun": r.municipality,
        "arende": r.ticket_id,
        "omrade": {"id": r.area_id, "namn": r.area_name},
        "ursprungligt_omrade": r.original_area_id,
        "omraden": list(r.areas),
        "status": r.status,
        "fragestallare": r.asker,
        "kanal": r.channel,
        "enhet": r.unit_id,
        "fraga": _clean(r.question),
        "handlaggare": r.claimed_by,
        "tider": {
            "skapat": _time(r.created_at),
            "taget": _time(r.claimed_at),
            "lost": _time(r.resolved_at),
            "stangt": _time(r.closed_at),
            "eskalerat": _time(r.escalated_at),
        },
        "betyg": r.rating,
        "svar_med_artikel": r.answer_article,
        "sammanslaget_med": r.merged_into,
        "dubbletter": list(r.merged_from),
        "statusandringar": [
            {"tid": _time(c.at), "av": c.actor, "handling": c.action, "fran": c.old, "till": c.new}
            for c in r.status_changes
        ],
        "overlamningar": [
            {
                "tid": _time(t.at),
                "av": t.actor,
                "fran": t.from_area,
                "till": t.to_area,
                "skal": _clean(t.reason),
            }
            for t in r.transfers
        ],
        "handelser": [
            {
                "tid": _time(e.at),
                "av": e.actor,
                "typ": e.kind,
                "beskrivning": KINDS.get(e.kind, e.kind),
                "text": _clean(e.text),
                "synlig_for_fragestallaren": e.visible_to_asker,
                "omrade": e.area_id,
            }
            for e in r.entries
        ],
        "granskningslogg": [
            {"tid": _time(a.at), "av": a.actor, "handling": a.action} for a in r.audit
        ],
        "meddelanden": [
            {
                "tid": _time(m.at),
                "skickat": _time(m.sent_at),
                "kanal": m.channel,
                "till": m.to,
                "typ": m.kind,
                "beskrivning": _message_kind(m),
                "text": _clean(m.text),
            }
            for m in r.messages
        ],
    }


def json_text(record: Record) -> str:
    return json.dumps(to_json(record), ensure_ascii=False, indent=2)


def _e(value: object) -> str:
    return html.escape(_clean(str(value)) or "", quote=True)


_STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
line-height:1.5;color:#1a1a1a;background:#fff}
.secrecy{border:3px solid #a00;padding:.75rem 1rem;color:#a00;font-weight:bold}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #666;padding:.4rem;
text-align:left;vertical-align:top}td.text{white-space:pre-wrap;overflow-wrap:anywhere}
dt{font-weight:bold}dd{margin:0 0 .5rem 0;white-space:pre-wrap;overflow-wrap:anywhere}
"""


def to_html(record: Record) -> str:
    r = record
    title = f"Ärende {r.ticket_id} – {r.area_name}"
    facts = [
        ("Kommun", r.municipality),
        ("Område", f"{r.area_name} ({r.area_id})"),
        ("Områden som haft ärendet", ", ".join(r.areas)),
        ("Status", STATUSES.get(r.status, r.status)),
        ("Frågeställare", r.asker),
        ("Kanal", r.channel),
        ("Enhet", r.unit_id or "–"),
        ("Handläggare", r.claimed_by or "–"),
        ("Skapat", local(r.created_at)),
        ("Taget", local(r.claimed_at) or "–"),
        ("Löst", local(r.resolved_at) or "–"),
        ("Stängt", local(r.closed_at) or "–"),
        ("Eskalerat", local(r.escalated_at) or "–"),
        ("Betyg", f"{r.rating} av 5" if r.rating is not None else "–"),
        ("Sammanslaget med ärende", r.merged_into or "–"),
        ("Dubbletter sammanslagna hit", ", ".join(map(str, r.merged_from)) or "–"),
    ]
    out = [
        "<!DOCTYPE html>",
        '<html lang="sv">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        "<main>",
    ]
    if r.confidential:
        out.append(f'<p class="secrecy" role="note"><strong>{_e(SECRECY)}</strong></p>')
    out.append(f"<h1>{_e(title)}</h1>")
    if r.masked:
        out.append(
            "<p>Maskerad version: personuppgifter är ersatta med [hakparentes] och "
            "personers id med roller.</p>"
        )
    out.append("<h2>Uppgifter</h2>")
    out.append("<dl>")
    out.extend(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts)
    out.append("</dl>")
    out.append("<h2>Frågan</h2>")
    out.append(f'<p class="question" style="white-space:pre-wrap">{_e(r.question or "–")}</p>')
    out.append("<h2>Händelser</h2>")
    out.append("<table>")
    out.append(f"<caption>Ärende {r.ticket_id}: alla händelser i tidsordning</caption>")
    out.append(
        '<thead><tr><th scope="col">Tid</th><th scope="col">Av</th>'
        '<th scope="col">Händelse</th><th scope="col">Text</th>'
        '<th scope="col">Synlig för frågeställaren</th><th scope="col">Område</th></tr></thead>'
    )
    out.append("<tbody>")
    for e in r.entries:
        out.append(
            f"<tr><td>{_e(local(e.at))}</td><td>{_e(e.actor)}</td>"
            f'<td>{_e(KINDS.get(e.kind, e.kind))}</td><td class="text">{_e(e.text or "")}</td>'
            f"<td>{'ja' if e.visible_to_asker else 'nej'}</td><td>{_e(e.area_id or '')}</td></tr>"
        )
    out.append("</tbody></table>")
    out.append("<h2>Statusändringar</h2>")
    out.append("<table><caption>Status före och efter, med tid</caption>")
    out.append(
        '<thead><tr><th scope="col">Tid</th><th scope="col">Av</th><th scope="col">Från</th>'
        '<th scope="col">Till</th></tr></thead><tbody>'
    )
    for c in r.status_changes:
        old = STATUSES.get(c.old, c.old) if c.old else "–"
        out.append(
            f"<tr><td>{_e(local(c.at))}</td><td>{_e(c.actor)}</td><td>{_e(old)}</td>"
            f"<td>{_e(STATUSES.get(c.new, c.new))}</td></tr>"
        )
    out.append("</tbody></table>")
    if r.transfers:
        out.append("<h2>Överlämningar</h2>")
        out.append("<ul>")
        for t in r.transfers:
            out.append(
                f"<li>{_e(local(t.at))}: {_e(t.from_area)} till {_e(t.to_area)} "
                f"av {_e(t.actor)}. Skäl: {_e(t.reason)}</li>"
            )
        out.append("</ul>")
    out.append("<h2>Granskningslogg</h2>")
    out.append("<table><caption>Allt som loggats om ärendet, även utlämnanden</caption>")
    out.append(
        '<thead><tr><th scope="col">Tid</th><th scope="col">Av</th>'
        '<th scope="col">Handling</th></tr></thead><tbody>'
    )
    for a in r.audit:
        out.append(
            f"<tr><td>{_e(local(a.at))}</td><td>{_e(a.actor)}</td><td>{_e(a.action)}</td></tr>"
        )
    out.append("</tbody></table>")
    out.append("<h2>Meddelanden</h2>")
    out.append(
        "<table><caption>Det Stödbot skickat om ärendet: kvitto, meddelanden, "
        "ärendekort, eskaleringar och registreringar</caption>"
    )
    out.append(
        '<thead><tr><th scope="col">Tid</th><th scope="col">Skickat</th>'
        '<th scope="col">Till</th><th scope="col">Meddelande</th>'
        '<th scope="col">Text</th></tr></thead><tbody>'
    )
    for m in r.messages:
        sent = local(m.sent_at) or "inte skickat"
        shown = "–" if m.text is None else m.text
        out.append(
            f"<tr><td>{_e(local(m.at))}</td><td>{_e(sent)}</td>"
            f"<td>{_e(m.to)} ({_e(m.channel)})</td><td>{_e(_message_kind(m))}</td>"
            f'<td class="text">{_e(shown)}</td></tr>'
        )
    out.append("</tbody></table>")
    out.append("</main>")
    out.append("</body>")
    out.append("</html>")
    return "\n".join(out) + "\n"
