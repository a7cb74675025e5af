"""Loading the weekly summary from the store: the demand log of the five weeks
(plus three days after, for the come-back rule) and their tickets."""

from __future__ import annotations

from datetime import datetime

from bot.service import ConversationService
from routing.report import week_bounds
from routing.summary import Summary, build_summary
from routing.tally import COME_BACK, previous_weeks


def load_summary(
    service: ConversationService,
    week: str,
    now: datetime | None = None,
    viewer: str | None = None,
) -> Summary:
    """``viewer``: a user whose own areas' knowledge gaps get an example question, as the
    access policy allows (and audits); None (no question text) for leadership."""
    now = now or service.clock()
    first, _ = week_bounds(previous_weeks(week)[0])
    _, end = week_bounds(week)
    with service.store.transaction() as tx:
        questions = tx.questions.between(first, end + COME_BACK)
        tickets = tx.tickets.created_between(first, end)
        viewer_areas = service.desk.text_areas(tx, viewer, now, "report") if viewer else []
    analyzer = service.kb.matcher.analyzer
    return build_summary(
        service.org,
        service.desk.calendar,
        week,
        questions,
        tickets,
        service.kb.articles,
        now,
        normalise=lambda text: " ".join(analyzer.surface(text)),
        viewer_areas=viewer_areas,
    )
