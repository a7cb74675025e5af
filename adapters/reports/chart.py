"""The summary's chart: volume and deflection per area, and the five-week trend.
Swedish labels, the Okabe–Ito colour-blind-safe palette, PNG or SVG."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # no display; set before pyplot is imported
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from routing.disclosure import SMALL  # noqa: E402
from routing.summary import Row, Summary  # noqa: E402

BLUE, ORANGE, GREEN, GREY = "#0072B2", "#E69F00", "#009E73", "#999999"
NAN = float("nan")  # a point that is not drawn


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)} %"


def alt_text(summary: Summary) -> str:
    """The chart in words, for screen readers and the chat post; figures as masked."""
    cur = summary.total.current
    busiest = sorted(summary.areas, key=lambda r: (-r.current.questions.order, r.name))[:3]
    parts = ", ".join(
        f"{r.name} {r.current.questions}" for r in busiest if not r.current.questions.zero
    )
    trend = " → ".join(str(f.questions) for f in summary.total.weeks)
    return (
        f"Frågor per område vecka {summary.week[-2:]}: {parts or 'inga'}. "
        f"Andel besvarade av boten totalt {_pct(cur.deflection)}. "
        f"Frågor per vecka, fem veckor: {trend}."
    )


def _bars(r: Row) -> tuple[float, float, float, float, str]:
    """(answered, other, unsplit, marker, label) for one area's bar: the split only
    where the share may be shown; a hidden count is a fixed "<5" box or no bar at all."""
    f = r.current
    n = f.questions.shown
    if n is None:
        return (0, 0, 0, SMALL, "<5") if f.questions.small else (0, 0, 0, 0, "..")
    if f.deflection is not None and f.deflected.shown is not None:
        return (f.deflected.shown, n - f.deflected.shown, 0, 0, "")
    return (0, 0, n, 0, "")


def render(summary: Summary, fmt: str = "png") -> bytes:
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # SVG text stays text
        return _render(summary, fmt)


def _render(summary: Summary, fmt: str) -> bytes:
    areas = [r for r in summary.areas if any(not f.questions.zero for f in r.weeks)] or list(
        summary.areas
    )
    names = [r.name if len(r.name) <= 22 else r.name[:21] + "…" for r in areas]
    answered, other, unsplit, marker, labels = zip(*map(_bars, areas), strict=True)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 5.2), gridspec_kw={"width_ratios": [3, 2]})
    y = range(len(areas))
    left.barh(y, answered, color=BLUE, label="Besvarade av boten")
    left.barh(
        y, other, left=answered, color=ORANGE, hatch="//", label="Övriga (vidare, förtydligade)"
    )
    if any(unsplit):
        left.barh(y, unsplit, color=GREY, label="Uppdelning visas inte (för få)")
    left.barh(y, marker, color="#FFFFFF", edgecolor=GREY, hatch="..", label="Färre än 5 frågor")
    for i, label in enumerate(labels):
        if label:
            left.text((SMALL if label == "<5" else 0) + 0.2, i, label, va="center", fontsize=9)
    left.xaxis.set_major_locator(MaxNLocator(integer=True))
    left.set_yticks(list(y), names)
    left.invert_yaxis()
    left.set_xlabel("Frågor")
    left.set_title(f"Frågor per område, vecka {summary.week[-2:]}")
    left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, frameon=False, fontsize=9)
    weeks = [w[-3:].replace("W", "v") for w in summary.weeks]
    counts = [f.questions for f in summary.total.weeks]
    totals = [NAN if c.shown is None else c.shown for c in counts]
    shares = [
        NAN if f.deflection is None else round(f.deflection * 100) for f in summary.total.weeks
    ]
    right.plot(weeks, totals, marker="o", color=BLUE, label="Frågor")
    for x, c in zip(weeks, counts, strict=True):
        if c.hidden:  # no point: the masked figure, at the foot of the axis
            right.text(x, 0, str(c), ha="center", va="bottom", fontsize=9)
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
