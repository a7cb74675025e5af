"""Plain-text rendering of the weekly demand summary."""

from __future__ import annotations

from routing.report import WeeklyReport


def _hours(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} h"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)} %"


def _change(value: float | None) -> str:
    return "ny" if value is None else f"{value * 100:+.0f} %"


def render_weekly(report: WeeklyReport, unit_names: dict[str, str]) -> str:
    local = report.start.strftime("%Y-%m-%d")
    last = report.end.date().toordinal() - 1
    from datetime import date

    lines = [
        f"Efterfrågan på stöd vecka {report.week.split('-W')[1]} {report.week[:4]} "
        f"({local} – {date.fromordinal(last):%Y-%m-%d})",
        f"Frågor totalt: {report.total_questions}",
        "",
        f"{'Område':<44} {'Frågor':>6} {'Svar':>5} {'Vidare':>6} {'Till.':>5} {'Ej t.':>5} "
        f"{'Median ta':>9} {'Median lös':>10} {'SLA ta':>6} {'SLA lös':>7} {'Mot 4 v':>7}",
    ]
    for a in report.areas:
        lines.append(
            f"{a.name[:44]:<44} {a.questions:>6} {a.answered:>5} {a.routed:>6} {a.helpful:>5} "
            f"{a.not_helpful:>5} {_hours(a.median_claim_hours):>9} "
            f"{_hours(a.median_resolve_hours):>10} "
            f"{_pct(a.sla_claim_met):>6} {_pct(a.sla_resolve_met):>7} {_change(a.change):>7}"
        )
    tickets = sum(a.tickets for a in report.areas)
    moved = sum(a.transfers for a in report.areas)
    if tickets:
        lines += [
            "",
            f"Routning: {tickets - moved} av {tickets} ärenden hamnade direkt hos rätt "
            f"område ({moved} flyttades av handläggare).",
        ]
    lines += ["", "Frågor per förvaltning:"]
    for unit, n in report.units:
        lines.append(f"  {unit_names.get(unit, 'okänd förvaltning'):<40} {n:>5}")
    lines += ["", "Kunskapsluckor (vidareskickade eller ej till hjälp, grupperade):"]
    if not report.gaps:
        lines.append("  inga")
    for gap in report.gaps:
        name = next((a.name for a in report.areas if a.area_id == gap.area_id), gap.area_id)
        line = f"  {gap.size:>3} frågor – {name}"
        if gap.representative:
            line += f" – t.ex. ”{gap.representative}”"
        lines.append(line)
    lines += [
        "",
        "Svar = besvarade av boten utan ärende. Vidare = blev ärenden. Till./Ej t. = till hjälp / "
        "inte till hjälp. Tider i arbetstimmar (vardagar 08–17, svenska helgdagar undantagna).",
    ]
    return "\n".join(lines)
