"""The summary's chart: volume and deflection per area, and the five-week trend.
Swedish labels, the Okabe–Ito colour-blind-safe palette, PNG or SVG."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # no display; set before pyplot is imported
import matplotlib.pyplot as plt  # noqa: E402

from routing.summary import Summary  # noqa: E402

BLUE, ORANGE, GREEN, GREY = "#0072B2", "#E69F00", "#009E73", "#999999"


def alt_text(summary: Summary) -> str:
    """The chart in words, for screen readers and the chat post."""
    cur = summary.total.current
    busiest = sorted(summary.areas, key=lambda r: -r.current.questions)[:3]
    parts = ", ".join(f"{r.name} {r.current.questions}" for r in busiest if r.current.questions)
    trend = " → ".join(str(f.questions) for f in summary.total.weeks)
    share = f"{round(cur.deflection * 100)} %" if cur.deflection is not None else "–"
    return (f"Frågor per område vecka {summary.week[-2:]}: {parts or 'inga'}. "
            f"Andel besvarade av boten totalt {share}. Frågor per vecka, fem veckor: {trend}.")


def render(summary: Summary, fmt: str = "png") -> bytes:
    areas = [r for r in summary.areas if any(f.questions for f in r.weeks)] or list(summary.areas)
    names = [r.name if len(r.name) <= 22 else r.name[:21] + "…" for r in areas]
    answered = [r.current.deflected for r in areas]
    other = [r.current.questions - r.current.deflected for r in areas]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.8), gridspec_kw={"width_ratios": [3, 2]})
    y = range(len(areas))
    left.barh(y, answered, color=BLUE, label="Besvarade av boten")
    left.barh(y, other, left=answered, color=ORANGE, hatch="//", label="Övriga (vidare, förtydligade)")
    left.set_yticks(list(y), names)
    left.invert_yaxis()
    left.set_xlabel("Frågor")
    left.set_title(f"Frågor per område, vecka {summary.week[-2:]}")
    left.legend(loc="lower right", frameon=False)
    weeks = [w[-3:].replace("W", "v") for w in summary.weeks]
    totals = [f.questions for f in summary.total.weeks]
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
    right.legend(lines, [str(line.get_label()) for line in lines], loc="lower left", frameon=False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=110)
    plt.close(fig)
    return buf.getvalue()
