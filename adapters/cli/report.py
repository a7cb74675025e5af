"""`stodbot report weekly` as plain Swedish text: the leadership summary
(``routing.summary``, the same figures as the dashboard, the chat post and the
CSV/XLSX files), with what each column means written above the tables.

The figures come masked from the summary (``routing.disclosure``): counts under
five are "<5", ".." hides a count that would give a small one away, and shares,
trends and times that may not be shown are "–". No question text and no names,
except the example questions of a knowledge gap, which the summary carries only
for the reader's own areas."""

from __future__ import annotations

import textwrap
from datetime import timedelta

from routing.disclosure import SMALL
from routing.report import week_bounds
from routing.summary import Figures, Row, Summary

NAME = 44  # width of the name column
INDENT = " " * 18


def _share(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)} %"


def _hours(median: float | None, p90: float | None) -> str:
    if median is None or p90 is None:
        return "–"
    return f"{median:.1f} / {p90:.1f} h".replace(".", ",")


def _change(row: Row) -> str:
    return "–" if row.change is None else f"{row.change * 100:+.0f} %"


def _legend(term: str, text: str) -> list[str]:
    return textwrap.wrap(text, width=100, initial_indent=f"  {term:<15} ", subsequent_indent=INDENT)


QUESTION_HEADER = (
    f"{'Område':<{NAME}} {'Frågor':>6} {'Besvarade':>9} {'Andel':>5} {'Vidare':>6} "
    f"{'Till hjälp':>10} {'Ej till hjälp':>13} {'Mot 4 v':>7}"
)
TICKET_HEADER = (
    f"{'Område':<{NAME}} {'Ärenden':>7} {'Tagna':>5} {'Lösta':>5} {'Ta median/p90':>15} "
    f"{'Lös median/p90':>15} {'SLA ta':>6} {'SLA lös':>7} {'Eskalerade':>10}"
)


def _question_line(row: Row) -> str:
    f = row.current
    return (
        f"{row.name[:NAME]:<{NAME}} {f.questions:>6} {f.deflected:>9} "
        f"{_share(f.deflection):>5} {f.routed:>6} "
        f"{f.helpful:>10} {f.not_helpful:>13} {_change(row):>7}"
    )


def _ticket_line(name: str, f: Figures) -> str:
    return (
        f"{name[:NAME]:<{NAME}} {f.tickets:>7} {f.claimed:>5} "
        f"{f.resolved:>5} {_hours(f.median_claim, f.p90_claim):>15} "
        f"{_hours(f.median_resolve, f.p90_resolve):>15} "
        f"{_share(f.sla_claim_met):>6} {_share(f.sla_resolve_met):>7} "
        f"{f.escalated:>10}"
    )


def render_weekly(summary: Summary, municipality: str) -> str:
    start, end = week_bounds(summary.week)
    total = summary.total
    cur = total.current
    change = (
        ""
        if total.change is None
        else f" ({total.change * 100:+.0f} % mot snittet för de fyra veckorna innan)"
    )
    lines = [
        f"Efterfrågan på stöd vecka {int(summary.week[-2:])} {summary.week[:4]} "
        f"({start:%Y-%m-%d} – {end - timedelta(days=1):%Y-%m-%d}) – {municipality}",
        f"Frågor totalt: {cur.questions}{change}",
        "",
        "Så läses tabellerna:",
        *_legend("Frågor", "ställda till boten under veckan, per område."),
        *_legend("Besvarade", summary.rule),
        *_legend("Andel", "besvarade av boten, av veckans frågor."),
        *_legend("Vidare", "vidareskickade till en handläggare (blev ärenden)."),
        *_legend(
            "Till hjälp",
            "svar som frågeställaren markerade som till hjälp; Ej till hjälp: som inte till hjälp.",
        ),
        *_legend("Mot 4 v", "veckans frågor mot snittet för de fyra veckorna innan."),
        *_legend(
            "Ärenden",
            "skapade under veckan; Tagna och Lösta är hur många av dem som hittills har "
            "tagits av en handläggare och lösts.",
        ),
        *_legend(
            "Ta / Lös",
            "arbetstimmar från ärende till tagen / löst (vardagar 08–17, svenska helgdagar "
            "undantagna): median och p90 (9 av 10 ärenden tog högst så lång tid).",
        ),
        *_legend(
            "SLA ta / lös",
            "andel ärenden som togs / löstes inom områdets mål, av dem där det är avgjort "
            "(tagna/lösta, eller målet har passerat).",
        ),
        *_legend(
            "<5 och –",
            f"tal under {SMALL} visas som ”<5”, och ”..” är ett tal som döljs så att ett "
            f"litet tal inte kan räknas fram ur summan. Andelar, trender och tider ur färre "
            f"än {SMALL} visas som ”–”, så att ingen kan pekas ut. Frågetexter och namn "
            "visas aldrig.",
        ),
        "",
        "Frågor",
        QUESTION_HEADER,
        *(_question_line(r) for r in summary.areas),
        _question_line(total),
        "",
        "Ärenden",
        TICKET_HEADER,
        *(_ticket_line(r.name, r.current) for r in summary.areas),
        _ticket_line(total.name, cur),
    ]
    if not cur.tickets.zero:
        lines += [
            "",
            f"Routning: {cur.direct} av {cur.tickets} "
            f"ärenden hamnade direkt hos rätt område ({cur.transferred} flyttades "
            "av handläggare).",
        ]
    lines += ["", "Frågor per förvaltning:"]
    units = [r for r in summary.units if not r.current.questions.zero]
    lines += [f"  {r.name[:NAME]:<{NAME}} {r.current.questions:>5}" for r in units]
    if not units:
        lines.append("  inga")
    lines += ["", "Kunskapsluckor (vidareskickade eller ej till hjälp, grupperade efter likhet):"]
    if not summary.gaps:
        lines.append("  inga")
    for gap in summary.gaps:
        line = f"  {gap.size:>3} frågor – {gap.area_name}"
        if gap.example:
            line += f" – t.ex. ”{gap.example}”"
        lines.append(line)
    due = sum(f.reason == "review_due" for f in summary.flags)
    unhelpful = sum(f.reason == "not_helpful" for f in summary.flags)
    if due or unhelpful:
        lines += [
            "",
            f"Artiklar att se över: {due} förfallna för granskning, "
            f"{unhelpful} ofta inte till hjälp.",
        ]
    return "\n".join(lines)
