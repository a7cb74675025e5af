"""An area's yearly analysis (issue 14) against hand-computed figures: the months and
the year, the year before, commitments, articles, new needs, the survey, and what the
lead's and leadership's versions may show."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from adapters.reports.yearly import sections
from adapters.sql.store import SqlStore
from bot.reports import load_yearly
from bot.service import ConversationService
from knowledge.base import KnowledgeBase, load_knowledge_base
from knowledge.model import Commitments
from routing.calendar import BusinessCalendar
from routing.ports import SurveyAnswer
from routing.yearly import build_yearly, intro_figures
from tests.conftest import EXAMPLE_DIR
from tests.unit.test_report import ticket
from tests.unit.test_summary import q

MARCH = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)  # a Tuesday
APRIL = datetime(2026, 4, 14, 9, 0, tzinfo=UTC)
LAST_YEAR = datetime(2025, 6, 10, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 12, 28, 9, 0, tzinfo=UTC)


def _year(kb: KnowledgeBase, **kw: object):  # type: ignore[no-untyped-def]
    """HR in 2026: March 5 answered and marked helpful (hr-semester) + 5 routed to
    tickets about a new thing; April 3 answered; the year before 6 answered. An IT
    question and a question of 2024 that must be left out."""
    march = [
        q(i, f"@m{i}", MARCH + timedelta(hours=i), article="hr-semester", feedback="helpful")
        for i in range(1, 6)
    ]
    routed = [
        q(10 + i, f"@r{i}", MARCH, outcome="routed", article=None, ticket_id=100 + i,
          text=f"hur gör vi med AI-verktyg i rekryteringen {i}")
        for i in range(5)
    ]  # fmt: skip
    april = [q(20 + i, f"@a{i}", APRIL + timedelta(days=i), article="hr-sjuklon") for i in range(3)]
    before = [q(30 + i, f"@b{i}", LAST_YEAR + timedelta(days=i)) for i in range(6)]
    other = [
        q(40, "@x", MARCH, area="it", article="it-glomt-losenord"),
        q(41, "@y", datetime(2024, 5, 5, 9, tzinfo=UTC)),
    ]
    # claimed after 1, 2, 3, 6 and 7 business hours; resolved after 5 h, three of them
    tickets = [
        ticket(100 + i, "hr", MARCH, h, 5 if i < 3 else None) for i, h in enumerate((1, 2, 3, 6, 7))
    ]
    return build_yearly(
        kb.organisation,
        "hr",
        2026,
        BusinessCalendar(),
        [*march, *routed, *april, *before, *other],
        tickets,
        kb.articles,
        NOW,
        **kw,  # type: ignore[arg-type]
    )


def test_months_year_and_the_year_before(example_kb: KnowledgeBase) -> None:
    y = _year(example_kb)
    # March: 5 answered (deflected: marked helpful) + 5 routed; April: 3 answered
    # (deflected: never came back). The year is 13 questions, 8 answered by the bot.
    assert str(y.total.questions) == "13" and str(y.total.deflected) == "8"
    assert str(y.months[3].questions) == "<5" and str(y.months[3].deflected) == "<5"
    # March would be 10 and 5: shown beside the year they give April's 3 away
    assert str(y.months[2].questions) == ".." and str(y.months[2].deflected) == ".."
    assert y.months[2].deflection is None  # no share from hidden counts
    assert str(y.months[2].routed) == "5"  # April routed none: nothing to give away
    assert all(m.questions.zero for i, m in enumerate(y.months) if i not in (2, 3))
    assert y.total.deflection == 8 / 13
    assert str(y.previous.questions) == "6" and y.change == 13 / 6 - 1
    assert str(y.total.tickets) == "5" and str(y.total.claimed) == "5"
    assert y.total.median_claim == 3.0  # 1, 2, 3, 6, 7


def test_commitments_against_the_year(example_kb: KnowledgeBase) -> None:
    area = example_kb.organisation.area("hr")
    assert area is not None
    org = replace(
        example_kb.organisation,
        areas=tuple(
            replace(a, commitments=Commitments(4, 16, 0.5, 4.0)) if a.id == "hr" else a
            for a in example_kb.organisation.areas
        ),
    )
    kb = replace(example_kb, organisation=org)
    y = _year(kb)
    got = {c.key: c for c in y.commitments}
    claim = got["claim"]
    assert claim.target == 4 and claim.actual == 3.0 and claim.met is True  # median 3 h
    # within 4 h: 3 of 5; "missed" is 2, under five: the share may not be shown
    assert claim.within is None
    assert got["resolve"].actual is None  # only three resolved: no median from under five
    assert got["satisfaction"].actual is None and got["satisfaction"].met is None


def test_articles_and_new_needs(example_kb: KnowledgeBase) -> None:
    y = _year(example_kb, lead_version=True)
    used = {a.article_id: (str(a.answered), str(a.previous)) for a in y.articles}
    assert used["hr-semester"] == ("5", "0")
    assert used["hr-sjuklon"] == ("<5", "6")  # 3 in April; the 6 of the year before
    assert "it-glomt-losenord" not in used
    (gap,) = y.gaps
    assert gap.status == "new" and str(gap.size) == "5" and str(gap.previous) == "0"
    assert gap.example is not None and "AI-verktyg" in gap.example
    assert _year(example_kb).gaps[0].example is None  # leadership: no free text


def test_the_survey_counts_and_comments(example_kb: KnowledgeBase) -> None:
    answers = [
        SurveyAnswer("hr", "bou", 2026, s, f, c)
        for s, f, c in [(5, 4, "Snabbare svar"), (4, 4, None), (4, 3, None), (3, 2, "Fler mallar"),
                        (5, 5, None), (5, None, None)]
    ]  # fmt: skip
    lead = _year(example_kb, survey=answers, survey_asked=6, lead_version=True)
    assert str(lead.survey.asked) == "6" and str(lead.survey.answered) == "6"
    assert lead.survey.supported == 26 / 6 and lead.survey.findable == 18 / 5
    assert lead.survey.comments == ("Fler mallar", "Snabbare svar")
    boss = _year(example_kb, survey=answers, survey_asked=6)
    assert boss.survey.comments == () and boss.survey.supported == 26 / 6
    few = _year(example_kb, survey=answers[:4], survey_asked=9, lead_version=True)
    assert str(few.survey.answered) == "<5" and few.survey.supported is None
    assert few.survey.comments == ()  # from under five answers a comment tells who
    rest = _year(example_kb, survey=answers, survey_asked=8)
    assert rest.survey.answered.hidden  # 8 asked, 6 answered: 2 did not, under five


def test_intro_figures_are_masked() -> None:
    i = intro_figures(enrolled=7, finished=2, done=(30, 15, 3, 30, 0, 20, 16), length=30)
    # 7 on the path and 5 halfway would tell that 2 are not: halfway hides to protect them
    assert (str(i.enrolled), str(i.finished), str(i.halfway)) == ("7", "<5", "..")


def test_the_area_that_owns_the_path_shows_the_new_managers(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    """The example base's path (articles with intro:); six managers with role and start
    in the organisation file, none of whom has written yet: HR's year counts them."""
    shutil.copytree(EXAMPLE_DIR, tmp_path / "kb")
    org = tmp_path / "kb" / "organisation.yaml"
    chefs = "".join(
        f'  "@chef{i}:exempelkommun.se": {{unit: bou, role: chef, start: 2026-03-02}}\n'
        for i in range(6)
    )
    org.write_text(org.read_text().replace("people:\n", "people:\n" + chefs, 1))
    kb = load_knowledge_base(tmp_path / "kb" / "articles", org, tmp_path / "kb" / "synonyms.yaml")
    assert any(a.intro for a in kb.articles) and any(p.start for p in kb.organisation.persons)
    service = ConversationService(kb, sql_store, clock=lambda: NOW)
    y = load_yearly(service, "hr", 2026)
    assert y.intro is not None and str(y.intro.enrolled) == "6"
    assert str(y.intro.finished) == "0" and y.intro.path_length == 33
    assert load_yearly(service, "it", 2026).intro is None  # HR's path, in HR's year
    assert "introduktion" in [s.key for s in sections(y, kb.organisation)]
