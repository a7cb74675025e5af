"""The summary's chart: volume and deflection per area, and the five-week trend.
Swedish labels, the Okabe–Ito colour-blind-safe palette, PNG or SVG."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # no display; set before pyplot is imported
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from routing.summary import SMALL, Summary, masked  # noqa: E402

BLUE, ORANGE, GREEN, GREY = "#0072B2", "#E69F00", "#009E73", "#999999"


def alt_text(summary: Summary) -> str:
    """The chart in words, for screen readers and the chat post."""
    cur = summary.total.current
    busiest = sorted(summary.areas, key=lambda r: -r.current.questions)[:3]
    parts = ", ".join(
        f"{r.name} {masked(r.current.questions)}" for r in busiest if r.current.questions
    )
    trend = " → ".join(str(f.questions) for f in summary.total.weeks)
    share = f"{round(cur.deflection * 100)} %" if cur.deflection is not None else "–"
    return (
        f"Frågor per område vecka {summary.week[-2:]}: {parts or 'inga'}. "
        f"Andel besvarade av boten totalt {share}. Frågor per vecka, fem veckor: {trend}."
    )


def render(summary: Summary, fmt: str = "png") -> bytes:
    areas = [r for r in summary.areas if any(f.questions for f in r.weeks)] or list(summary.areas)
    names = [r.name if len(r.name) <= 22 else r.name[:21] + "…" for r in areas]
    small = [0 < r.current.questions < SMALL for r in areas]
    # Under five questions: no split and no exact length, just a marked "<5" bar.
    answered = [0 if tiny else r.current.deflected for r, tiny in zip(areas, small, strict=True)]
    other = [
        0 if tiny else r.current.questions - r.current.deflected
        for r, tiny in zip(areas, small, strict=True)
    ]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 5.2), gridspec_kw={"width_ratios": [3, 2]})
    y = range(len(areas))
    left.barh(y, answered, color=BLUE, label="Besvarade av boten")
    left.barh(
        y, other, left=answered, color=ORANGE, hatch="//", label="Övriga (vidare, förtydligade)"
    )
    left.barh(
        y,
        [SMALL if tiny else 0 for tiny in small],
        color="#FFFFFF",
        edgecolor=GREY,
        hatch="..",
        label="Färre än 5 frågor",
    )
    for i, tiny in enumerate(small):
        if tiny:
            left.text(SMALL + 0.2, i, "<5", va="center", fontsize=9)
    left.xaxis.set_major_locator(MaxNLocator(integer=True))
    left.set_yticks(list(y), names)
    left.invert_yaxis()
    left.set_xlabel("Frågor")
    left.set_title(f"Frågor per område, vecka {summary.week[-2:]}")
    left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, frameon=False, fontsize=9)
    weeks = [w[-3:].replace("W", "v") for w in summary.weeks]
    totals = [f.questions for f in summary.total.weeks]  # a whole municipality: no small counts
    shares = [round((f.deflection or 0) * 100) for f in summary.total.weeks]
    right.plot(weeks, totals, marker="o", color=BLUE, label="Frågor")
    right.set_ylabel("Frågor per vecka")
    right.set_ylim(bottom=0)
    twin = right.twinx()
    twin.plot(weeks, shares, marker="s", linestyle="--", color=GREEN, label="Andel besvarade (%)")
    twin.set_ylim(0, 100)
    twin.set_ylabel("Andel besvarade av boten (%)")
    right.set_title("Trend, fem veckor")
    lines = right.get_lines() + twin.get_lines()
    right.legend(
        lines,
        [str(line.get_label()) for line in lines],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncol=2,
        frameon=False,
        fontsize=9,
    )
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=110)
    plt.close(fig)
    return buf.getvalue()
