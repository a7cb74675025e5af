"""The yearly analysis (issue 14) as a hostile reader meets it: no count of one to
four worked out by subtracting one figure of the page from others (the gap groups
from "Vidareskickade", one commitment's share from "SLA uppfyllt", the new managers'
path), and no question text, survey comment or value of the organisation file that
breaks the lead's DOCX, XLSX or chart, or turns into a formula in the sheet."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from docx import Document
from openpyxl import load_workbook

from adapters.reports.yearly import sections
from adapters.reports.yearly_files import chart_png, to_docx, to_xlsx
from knowledge.base import KnowledgeBase
from routing.calendar import BusinessCalendar
from routing.yearly import Yearly, build_yearly, intro_figures
from tests.unit.test_report import ticket
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


def test_growing_does_not_pin_a_hidden_gap_group(example_kb: KnowledgeBase) -> None:
    """The year before 10 asked about AI tools, this year 11, and 1 about parking:
    "Vidareskickade 12", the AI group hidden ("..") but marked "ökar" beside its 10 of
    the year before would be 11 or more, so parking 1."""
    ai = "hur gör vi med AI-verktyg i rekryteringen"
    last = datetime(2025, 5, 6, 7, 0, tzinfo=UTC)
    qs = [_routed(i, ai) for i in range(11)] + [_routed(50, "parkering vid stadshuset")]
    qs += [q(100 + i, f"@b{i}", last + timedelta(hours=i), outcome="routed", article=None,
             ticket_id=2000 + i, text=ai) for i in range(10)]  # fmt: skip
    y = build_yearly(example_kb.organisation, "hr", 2026, BusinessCalendar(), qs, [],
                     example_kb.articles, NOW)  # fmt: skip
    assert _rows(y, example_kb, "aret")["Vidareskickade (blev ärenden)"][0] == "12"
    (group,) = [g for g in y.gaps if str(g.previous) == "10"]
    assert str(group.size) == ".." and group.status != "growing"


def test_one_commitments_share_is_not_sla_minus_the_other(example_kb: KnowledgeBase) -> None:
    """20 tickets, all claimed and resolved: 15 claimed within 4 h, 18 resolved within
    16 h (2 missed). "SLA uppfyllt 82 %" of 40 targets beside "75 % inom målet" for
    claims tells 33 - 15 = 18 resolved within, so 2 missed."""
    start = [MARCH + timedelta(days=i % 3) for i in range(20)]
    tks = [ticket(100 + i, "hr", start[i], 1 if i < 15 else 6, 10 if i < 18 else 20)
           for i in range(20)]  # fmt: skip
    qs = [
        q(i, f"@u{i}", start[i], outcome="routed", article=None, ticket_id=100 + i,
          text=f"fråga nummer {i} om något eget")
        for i in range(20)
    ]  # fmt: skip
    y = build_yearly(example_kb.organisation, "hr", 2026, BusinessCalendar(), qs, tks,
                     example_kb.articles, NOW)  # fmt: skip
    year = _rows(y, example_kb, "aret")
    assert year["Ärenden"][0] == year["Tagna"][0] == year["Lösta"][0] == "20"
    promised = _rows(y, example_kb, "ataganden")
    # 33 of 40 beside the claim SLA's 15 of 20 would tell the 2 late: not shown at all
    assert year["SLA uppfyllt"][0] == "–"
    assert promised["Ett ärende tas inom"][1] == "median 1,0 h"  # not ", 75 % inom målet"
    assert promised["Ett ärende löses inom"][1] == "median 10,0 h"


def test_the_new_managers_path_does_not_tell_how_many_are_behind() -> None:
    """7 on the path and 5 of them halfway: 2 are not."""
    i = intro_figures(enrolled=7, finished=2, done=(30, 15, 3, 30, 0, 20, 16), length=30)
    shown = [c.shown for c in (i.enrolled, i.halfway, i.finished)]
    assert shown[0] is None or shown[1] is None or not 0 < shown[0] - shown[1] < 5


HOSTILE = (
    "²",  # str.isdigit, but no int
    '=HYPERLINK("https://evil.example/","Klicka här")',
    "kan jag få \ufffe\uffff lön?",  # pass the chat's cleaning, not XML
    "tab\tnul\x00 bell\x07",
    "lone \ud800 surrogate",
)


def _hostile_year(kb: KnowledgeBase) -> Yearly:
    qs = [_routed(i * 10 + n, text) for i, text in enumerate(HOSTILE) for n in range(6)]
    y = build_yearly(kb.organisation, "hr", 2026, BusinessCalendar(), qs, [], kb.articles,
                     NOW, lead_version=True)  # fmt: skip
    area = replace(y.area, name='HR $^$ <b>"&', description="\ufffe")
    survey = replace(y.survey, comments=HOSTILE)
    return replace(y, area=area, survey=survey)


def test_hostile_question_texts_and_names_do_not_break_the_files(
    example_kb: KnowledgeBase,
) -> None:
    y = _hostile_year(example_kb)
    assert {g.example for g in y.gaps} == set(HOSTILE)  # the lead's examples, as asked
    book = load_workbook(io.BytesIO(to_xlsx(y, example_kb.organisation)))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c.value for c in cells if c.data_type == "f"]  # no formula from a question
    values = {str(c.value) for c in cells}
    assert "²" in values and '=HYPERLINK("https://evil.example/","Klicka här")' in values
    doc = Document(io.BytesIO(to_docx(y, example_kb.organisation)))
    text = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "kan jag få  lön?" in text and "²" in text
    assert chart_png(y).startswith(b"\x89PNG")  # "$^$" is a name, not mathtext
