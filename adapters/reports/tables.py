"""The summary as rows of cells: what the page, CSV and XLSX all show, so their
figures cannot disagree. The figures come masked (``routing.disclosure``): a count
prints as "<5" or "..", a share or time that may not be shown is None, "–"."""

from __future__ import annotations

from routing.summary import Figures, Row, Summary

HEADERS = (
    "Vecka",
    "Nivå",
    "Namn",
    "Frågor",
    "Besvarade av boten",
    "Andel besvarade",
    "Vidareskickade",
    "Ärenden",
    "Tagna",
    "Lösta",
    "Lösta med en artikel",
    "Median ta (h)",
    "P90 ta (h)",
    "Median lös (h)",
    "P90 lös (h)",
    "SLA uppfyllt",
    "Eskalerade",
    "Återöppnade",
    "Till hjälp",
    "Inte till hjälp",
    "Betygsatta ärenden",
    "Nöjdhet (1–5)",
)


def _hours(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}".replace(".", ",")


def _share(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)} %"


def cells(f: Figures) -> list[str]:
    return [
        str(f.questions),
        str(f.deflected),
        _share(f.deflection),
        str(f.routed),
        str(f.tickets),
        str(f.claimed),
        str(f.resolved),
        str(f.from_base),
        _hours(f.median_claim),
        _hours(f.p90_claim),
        _hours(f.median_resolve),
        _hours(f.p90_resolve),
        _share(f.sla_met),
        str(f.escalated),
        str(f.reopened),
        str(f.helpful),
        str(f.not_helpful),
        str(f.rated),
        "–" if f.satisfaction is None else f"{f.satisfaction:.1f}".replace(".", ","),
    ]


def rows(summary: Summary, all_weeks: bool = True) -> list[list[str]]:
    out: list[list[str]] = []
    levels: list[tuple[str, tuple[Row, ...]]] = [
        ("Område", summary.areas),
        ("Förvaltning", summary.units),
        ("Totalt", (summary.total,)),
    ]
    weeks = range(len(summary.weeks)) if all_weeks else [len(summary.weeks) - 1]
    for i in weeks:
        for level, group in levels:
            for row in group:
                out.append([summary.weeks[i], level, row.name, *cells(row.weeks[i])])
    return out
