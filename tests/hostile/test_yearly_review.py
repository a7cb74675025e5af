"""The yearly analysis (issue 14) as a hostile reader meets it: no count of one to
four worked out by subtracting one figure of the page from others (the gap groups
from "Vidareskickade", one commitment's share from "SLA uppfyllt", the new managers'
path), and no question text, survey comment or value of the organisation file that
breaks the lead's DOCX, XLSX or chart, or turns into a formula in the sheet."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.reports.yearly import sections
from knowledge.base import KnowledgeBase
from routing.calendar import BusinessCalendar
from routing.yearly import Yearly, build_yearly
from tests.unit.test_summary import q

MARCH = datetime(2026, 3, 10, 7, 0, tzinfo=UTC)  # a Tuesday, 08:00 in Stockholm
NOW = datetime(2026, 12, 28, 9, 0, tzinfo=UTC)


def _rows(y: Yearly, kb: KnowledgeBase, key: str) -> dict[str, tuple[str, ...]]:
    (s,) = [s for s in sections(y, kb.organisation) if s.key == key]
    return {r[0]: r[1:] for r in s.rows}


def _routed(i: int, text: str) -> object:
    return q(i, f"@u{i}", MARCH + timedelta(hours=i), outcome="routed", article=None,
             ticket_id=1000 + i, text=text)  # fmt: skip


def test_a_small_gap_group_is_not_the_year_minus_the_others(example_kb: KnowledgeBase) -> None:
    """12 questions routed in the year, 9 about one thing and 3 about another: the
    page says "Vidareskickade 12" and, with the groups shown as 9 and "<5", anyone
    can tell the 3."""
    qs = [_routed(i, "hur gör vi med AI-verktyg i rekryteringen") for i in range(9)]
    qs += [_routed(20 + i, "parkering vid stadshuset för besökare") for i in range(3)]
    y = build_yearly(example_kb.organisation, "hr", 2026, BusinessCalendar(), qs, [],
                     example_kb.articles, NOW)  # fmt: skip
    year = _rows(y, example_kb, "aret")
    assert year["Vidareskickade (blev ärenden)"][0] == "12"
    assert year["Till hjälp / inte till hjälp"][0] == "0 / 0"
    sizes = sorted(str(g.size) for g in y.gaps)
    assert sizes == ["..", "<5"]  # not "9" beside "<5": 12 - 9 = 3
