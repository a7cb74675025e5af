"""The yearly analysis (``routing.yearly``) as sections of rows of cells: what the
terminal, the page, the XLSX and the DOCX all show, so their figures cannot disagree.
Swedish, with Swedish number formats. The figures come masked: a count prints as "<5"
or "..", a share, mean or time that may not be shown as "–"."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from knowledge.model import Organisation
from routing.disclosure import SMALL
from routing.summary import Figures
from routing.yearly import Commitment, SurveyFigures, Yearly


@dataclass(frozen=True)
class Section:
    key: str  # a stable id: the page's anchor, the sheet's name
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    intro: str = ""  # what the table means, one or two sentences
    notes: tuple[str, ...] = field(default=())  # lines after the table (comments)
    empty: str = "Inget att visa."
    text_cols: tuple[int, ...] = ()  # columns of words, not figures (left-aligned)


def share(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)} %"


def decimal(value: float | None, places: int = 1) -> str:
    return "–" if value is None else f"{value:.{places}f}".replace(".", ",")


def number(value: float) -> str:
    """4.0 -> "4", 4.5 -> "4,5": a target as the organisation file states it."""
    return f"{value:g}".replace(".", ",")


def hours(median: float | None, p90: float | None) -> str:
    if median is None:
        return "–"
    return f"{decimal(median)} h" + ("" if p90 is None else f" (p90 {decimal(p90)} h)")


def change(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:+.0f} %".replace("-", "−")


def _year_rows(now: Figures, before: Figures) -> tuple[tuple[str, ...], ...]:
    def r(label: str, get: Callable[[Figures], str]) -> tuple[str, str, str]:
        return (label, get(now), get(before))

    return (
        r("Frågor", lambda f: str(f.questions)),
        r("Besvarade av boten", lambda f: str(f.deflected)),
        r("Andel besvarade av boten", lambda f: share(f.deflection)),
        r("Vidareskickade (blev ärenden)", lambda f: str(f.routed)),
        r("Ärenden", lambda f: str(f.tickets)),
        r("Tagna", lambda f: str(f.claimed)),
        r("Lösta", lambda f: str(f.resolved)),
        r("Tid till tagen, median", lambda f: hours(f.median_claim, f.p90_claim)),
        r("Tid till löst, median", lambda f: hours(f.median_resolve, f.p90_resolve)),
        r("SLA uppfyllt", lambda f: share(f.sla_met)),
        r("Till hjälp / inte till hjälp", lambda f: f"{f.helpful} / {f.not_helpful}"),
        r("Betygsatta ärenden", lambda f: str(f.rated)),
        r("Nöjdhet med ärenden (1–5)", lambda f: decimal(f.satisfaction)),
    )


COMMITMENT_LABELS = {
    "claim": "Ett ärende tas inom",
    "resolve": "Ett ärende löses inom",
    "answered_share": "Andel frågor som besvaras utan ärende",
    "satisfaction": "Nöjdhet med ärenden (1–5) minst",
}


def _commitment(c: Commitment) -> tuple[str, str, str, str]:
    met = "–" if c.met is None else "ja" if c.met else "nej"
    if c.key in ("claim", "resolve"):
        target = f"{number(c.target)} arbetstimmar"
        actual = f"median {decimal(c.actual)} h" if c.actual is not None else "–"
        actual += f", {share(c.within)} inom målet" if c.within is not None else ""
    elif c.key == "answered_share":
        target, actual = share(c.target), share(c.actual)
    else:
        target, actual = number(c.target), decimal(c.actual)
    return (COMMITMENT_LABELS[c.key], target, actual, met)


def _survey_rows(now: SurveyFigures, before: SurveyFigures) -> tuple[tuple[str, ...], ...]:
    return (
        ("Tillfrågade", str(now.asked), str(before.asked)),
        ("Svarade", str(now.answered), str(before.answered)),
        ("Hur väl stöttad kände du dig? (1–5)", decimal(now.supported), decimal(before.supported)),
        ("Hur lätt var det att hitta rätt väg? (1–5)", decimal(now.findable),
         decimal(before.findable)),
    )  # fmt: skip


STATUS = {"new": "ny i år", "growing": "ökar", "": ""}


def about(y: Yearly, org: Organisation) -> Section:
    a = y.area
    units = {u.id: u.name for u in org.units}
    rows = [("Område", a.name), ("Vad området gör", a.description), ("Ansvarig", a.lead)]
    if a.partner:
        rows += [("Drivs av", a.partner.name), ("Lokal kontakt", a.partner.local_contact)]
    if y.commitments:
        rows.append(
            (
                "Åtaganden",
                "; ".join(f"{c[0].lower()} {c[1]}" for c in map(_commitment, y.commitments)),
            )
        )
    if a.serves:
        rows.append(("Till för", ", ".join(units.get(s, s) for s in a.serves)))
    if a.plan:
        rows.append(("Verksamhetsplan", f"{a.plan.title}: {a.plan.url}"))
    return Section("om", "Om området", ("", ""), tuple(rows), text_cols=(1,))


def sections(y: Yearly, org: Organisation) -> list[Section]:
    """Every table of the analysis, in reading order."""
    out = [about(y, org)]
    out.append(
        Section(
            "aret",
            "Året i korthet",
            ("", str(y.year), str(y.year - 1)),
            _year_rows(y.total, y.previous),
            intro=f"Frågor mot året innan: {change(y.change)}. Tider i arbetstimmar "
            "(vardagar 08–17, svenska helgdagar undantagna).",
        )
    )
    out.append(
        Section(
            "ataganden",
            "Åtaganden och utfall",
            ("Åtagande", "Mål", f"Utfall {y.year}", "Uppfyllt"),
            tuple(_commitment(c) for c in y.commitments),
            intro="Det området lovar dem det är till för (organisationsfilen, commitments:).",
            empty="Området har inte angett några åtaganden.",
        )
    )
    out.append(
        Section(
            "manader",
            "Efterfrågan per månad",
            ("Månad", "Frågor", "Besvarade av boten", "Andel", "Ärenden", "Tid till tagen"),
            tuple(
                (
                    m,
                    str(f.questions),
                    str(f.deflected),
                    share(f.deflection),
                    str(f.tickets),
                    hours(f.median_claim, None),
                )
                for m, f in zip(y.month_labels, y.months, strict=True)
            ),  # fmt: skip
        )
    )
    out.append(
        Section(
            "forvaltningar",
            "Per förvaltning",
            ("Förvaltning", "Frågor", "Andel besvarade", "Ärenden"),
            tuple(
                (u.name, str(u.year.questions), share(u.year.deflection), str(u.year.tickets))
                for u in y.units
            ),
            intro="Var frågorna kom ifrån, efter frågeställarens förvaltning.",
        )
    )
    out.append(
        Section(
            "artiklar",
            "Artiklar som gav svar",
            ("Artikel", f"Svar {y.year}", f"Svar {y.year - 1}"),
            tuple((a.title, str(a.answered), str(a.previous)) for a in y.articles),
        )
    )
    gap_headers = ("Närmaste artikel", f"Frågor {y.year}", f"Frågor {y.year - 1}", "")
    out.append(
        Section(
            "behov",
            "Kunskapsluckor och nya behov",
            gap_headers + (("Exempel (maskerat)",) if y.lead_version else ()),
            tuple(
                (g.closest or "–", str(g.size), str(g.previous), STATUS[g.status])
                + ((g.example or "",) if y.lead_version else ())
                for g in y.gaps
            ),
            text_cols=(4,),
            intro="Frågor som skickades vidare eller inte fick hjälp, grupperade efter "
            "likhet och namngivna efter den närmaste artikeln i kunskapsbanken. ”Ny i år”: "
            "gruppen fanns inte året innan; ”ökar”: fler än året innan.",
            empty="Inga kunskapsluckor i år.",
        )
    )
    comments = y.survey.comments
    out.append(
        Section(
            "enkat",
            "Vad de som använt området säger",
            ("", str(y.year), str(y.year - 1)),
            _survey_rows(y.survey, y.previous_survey),
            intro="Den årliga frågan till dem som använt området: svaren sparas utan namn, "
            f"bara med område och förvaltning. Medelvärden visas från {SMALL} svar, "
            "kommentarerna (maskerade, var och en en gång) bara i områdesansvarigas version.",
            notes=tuple(f"– {c}" for c in comments),
        )
    )
    out.append(
        Section(
            "se-over",
            "Artiklar att se över",
            ("Artikel", "Varför"),
            tuple(
                (
                    f.title,
                    f"granskad {f.detail}, mer än ett år sedan"
                    if f.reason == "review_due"
                    else f"inte till hjälp {f.detail} gånger i år, oftare än till hjälp",
                )
                for f in y.flags
            ),
            empty="Inga artiklar behöver ses över.",
            text_cols=(1,),
        )
    )
    if y.intro is not None:
        i = y.intro
        out.append(
            Section(
                "introduktion",
                "Nya chefers introduktion",
                ("", "Antal"),
                (
                    ("Chefer på introduktionen", str(i.enrolled)),
                    ("Minst halva vägen", str(i.halfway)),
                    ("Hela vägen", str(i.finished)),
                    ("Artiklar på vägen", str(i.path_length)),
                ),
                intro="De tolv första veckorna för en ny chef (artiklar med intro:), som det "
                "ser ut när analysen läses.",
            )
        )
    return out


def title(y: Yearly, org: Organisation) -> str:
    return f"Årsanalys {y.year}: {y.area.name} – {org.municipality}"


def legend(y: Yearly) -> list[str]:
    version = (
        "Områdesansvarigas version: med exempel och kommentarer, maskerade för personuppgifter."
        if y.lead_version
        else "Ledningens version: bara antal, ingen fritext."
    )
    return [
        version,
        f"Tal under {SMALL} visas som ”<5”, och ”..” är ett tal som döljs så att ett litet "
        "tal inte kan räknas fram ur andra. Andelar, medelvärden och tider ur färre än "
        f"{SMALL} visas som ”–”.",
        y.rule,
    ]
