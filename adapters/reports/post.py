"""The weekly summary as a short Swedish chat post."""

from __future__ import annotations

from collections.abc import Callable

from adapters.reports import chart
from routing.summary import Summary


def _mean(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} av 5".replace(".", ",")


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)} %"


def chat_text(summary: Summary, municipality: str, link: str | None) -> str:
    """Every figure comes masked from the summary; this only prints them."""
    cur = summary.total.current
    change = summary.total.change
    trend = (
        "" if change is None else f" ({change * 100:+.0f} % mot snittet för de fyra veckorna innan)"
    )
    busiest = [
        r
        for r in sorted(summary.areas, key=lambda r: (-r.current.questions.order, r.name))
        if not r.current.questions.zero
    ][:3]
    lines = [
        f"**Efterfrågan på stöd, vecka {int(summary.week[-2:])} {summary.week[:4]} "
        f"– {municipality}**",
        f"Frågor: {cur.questions}{trend}. "
        f"Besvarade av boten: {_pct(cur.deflection)}. "
        f"Vidareskickade till handläggare: {cur.routed}.",
        f"Ärenden: {cur.tickets} nya, {cur.claimed} tagna, {cur.resolved} lösta "
        f"({cur.from_base} med en artikel ur kunskapsbanken). "
        f"SLA uppfyllt: {_pct(cur.sla_met)}. "
        f"Eskalerade: {cur.escalated}. Återöppnade: {cur.reopened}. "
        f"Nöjdhet: {_mean(cur.satisfaction)} ({cur.rated} betyg).",
    ]
    if busiest:
        lines.append(
            "Mest efterfrågat: "
            + ", ".join(f"{r.name} ({r.current.questions})" for r in busiest)
            + "."
        )
    if summary.gaps:
        lines.append(
            "Kunskapsluckor: " + ", ".join(f"{g.area_name} ({g.size})" for g in summary.gaps) + "."
        )
    due = sum(f.reason == "review_due" for f in summary.flags)
    unhelpful = sum(f.reason == "not_helpful" for f in summary.flags)
    if due or unhelpful:
        lines.append(
            f"Artiklar att se över: {due} förfallna för granskning, "
            f"{unhelpful} ofta inte till hjälp."
        )
    if link:
        lines.append(f"Hela sammanställningen: {link}")
    return "\n".join(lines)


def renderer(municipality: str) -> Callable[[Summary, str | None], tuple[str, bytes | None]]:
    """What ``bot.jobs.post_weekly`` needs: the post's text and its chart."""

    def render(summary: Summary, link: str | None) -> tuple[str, bytes | None]:
        return chat_text(summary, municipality, link), chart.render(summary, "png")

    return render
