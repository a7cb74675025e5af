"""Loading the weekly summary from the store: the demand log of the five weeks
(plus three days after, for the come-back rule) and their tickets."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.intro.progress import HR_AREA, progress_in
from knowledge.masking import mask
from routing.names import names_to_mask
from routing.policy import Role
from routing.ports import AuditEntry, QuestionRow, Tx
from routing.report import week_bounds
from routing.summary import Summary, build_summary
from routing.tally import COME_BACK, previous_weeks
from routing.tickets import Ticket
from routing.yearly import Yearly, build_yearly, intro_figures, year_bounds

if TYPE_CHECKING:
    from bot.service import ConversationService


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
    start, end = week_bounds(week)
    with service.store.transaction() as tx:
        questions = tx.questions.between(first, end + COME_BACK)
        tickets = tx.tickets.created_between(first, end)
        viewer_areas = service.desk.text_areas(tx, viewer, now, "report") if viewer else []
        # the examples come from the week's questions: the names they may mention
        week_texts = [q.text for q in questions if start <= q.asked_at < end]
        names = names_to_mask(service.org, tx.people, week_texts) if viewer_areas else None
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
        names=names,
    )


class NotAllowed(Exception):
    """The viewer may not read this area's yearly analysis."""


def load_yearly(
    service: ConversationService,
    area_id: str,
    year: int,
    now: datetime | None = None,
    viewer: str | None = None,
    lead_version: bool = False,
    tx: Tx | None = None,
) -> Yearly:
    """An area's yearly analysis. ``viewer``: the person reading it in chat or on the
    dashboard, who must be the area's lead (the lead's version) or leadership (counts
    only), as the access policy decides and audits (a refusal too); None: the
    operator's terminal, which gets leadership's version unless ``lead_version``.
    ``tx``: the caller's open transaction (a chat turn), else one of its own."""
    now = now or service.clock()
    with _open(service, tx) as rows_tx:
        read = _yearly_rows(service, rows_tx, area_id, year, now, viewer, lead_version)
    if read is None:  # raised only now: the refusal's audit entry is committed
        raise NotAllowed(area_id)
    lead_version, questions, tickets, more = read
    matcher = service.kb.matcher
    analyzer = matcher.analyzer

    def closest(text: str) -> str | None:
        best = matcher.match(text).best
        return best.article.title if best is not None else None

    yearly = build_yearly(
        service.org,
        area_id,
        year,
        service.desk.calendar,
        questions,
        tickets,
        service.kb.articles,
        now,
        normalise=lambda text: " ".join(analyzer.surface(text)),
        closest=closest,
        lead_version=lead_version,
        **more,
    )
    if lead_version:  # the free text of the lead's version, masked for personal data
        examples = [g.example for g in yearly.gaps if g.example]
        with _open(service, tx) as names_tx:
            names = names_to_mask(service.org, names_tx.people, examples)
        yearly = replace(
            yearly,
            gaps=tuple(
                replace(g, example=mask(g.example, names)) if g.example else g for g in yearly.gaps
            ),
        )
    return yearly


def _open(service: ConversationService, tx: Tx | None) -> AbstractContextManager[Tx]:
    """The caller's open transaction (not committed here), else one of its own."""
    return nullcontext(tx) if tx is not None else service.store.transaction()


def _yearly_rows(
    service: ConversationService,
    tx: Tx,
    area_id: str,
    year: int,
    now: datetime,
    viewer: str | None,
    lead_version: bool,
) -> tuple[bool, list[QuestionRow], list[Ticket], dict[str, Any]] | None:
    """(lead's version?, the demand log, the tickets, the surveys and for HR the new
    managers' path) of the two years; None: refused."""
    if viewer is not None:
        decision = service.desk.policy.yearly(viewer, area_id)
        if decision.audit:
            action = "read" if decision.allowed else "refused"
            tx.audit.append(AuditEntry(now, viewer, action, "yearly", f"{area_id}:{year}"))
        if not decision.allowed:
            return None
        lead_version = decision.role is Role.STAFF
    first, _ = year_bounds(year - 1)
    _, end = year_bounds(year)
    questions = tx.questions.between(first, end + COME_BACK)
    more: dict[str, Any] = {
        "survey": tx.surveys.answers(area_id, year),
        "survey_asked": tx.surveys.asked(area_id, year),
        "previous_survey": tx.surveys.answers(area_id, year - 1),
        "previous_asked": tx.surveys.asked(area_id, year - 1),
    }
    if area_id == HR_AREA:  # the new managers' path, as it stands now (HR's to follow)
        p = progress_in(tx, service, now)
        more["intro"] = intro_figures(p.enrolled, p.finished, p.done, p.path_length)
    return lead_version, questions, tx.tickets.created_between(first, end), more
