"""How the new managers are doing on the path, for HR and the yearly analysis: exact
figures (``progress``; the caller masks them), and HR's chat view, masked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.intro.path import Path, path_week
from bot.intro.people import file_managers
from bot.texts import Texts
from routing.disclosure import Group, protect
from routing.ports import Tx

if TYPE_CHECKING:
    from bot.service import ConversationService

HR_AREA = "hr"  # whose staff may read ``introduktioner``


@dataclass(frozen=True)
class IntroProgress:
    """``enrolled``: managers on the path (not left; also those past its last week);
    ``finished``: of them, those who marked every path article done; ``done``: per
    enrolled manager the number of path articles done, ascending (no ids);
    ``path_length``: articles on the path; ``by_week``: managers in path week 1, 2, …
    now (index 0 is week 1; as many as the path has weeks)."""

    enrolled: int
    finished: int
    done: tuple[int, ...]
    path_length: int
    by_week: tuple[int, ...]


def progress(service: ConversationService, now: datetime | None = None) -> IntroProgress:
    """The path's figures at ``now``, exact, in a transaction of their own."""
    now = now or service.clock()
    with service.store.transaction() as tx:
        return progress_in(tx, service, now)


def progress_in(tx: Tx, service: ConversationService, now: datetime) -> IntroProgress:
    """``progress`` in an open transaction. Reads only: the organisation file's managers
    whose start week has come count as enrolled before the bot has written them into
    its tables (unless they left the path)."""
    path = Path.of(service.kb.articles)
    everyone = tx.intro.everyone()
    starts = {p.user_id: p.start for p in everyone if p.left_at is None}
    left = {p.user_id for p in everyone if p.left_at is not None}
    for person in file_managers(service.org, now):
        if person.user_id not in left and person.start is not None:
            starts.setdefault(person.user_id, person.start)
    done = sorted(path.done_count(tx.intro.items(user)) for user in starts)
    weeks = [0] * path.length
    for start in starts.values():
        week = path_week(start, now)
        if 1 <= week <= path.length:
            weeks[week - 1] += 1
    total = len(path.articles)
    return IntroProgress(
        enrolled=len(starts),
        finished=sum(1 for n in done if total and n == total),
        done=tuple(done),
        path_length=total,
        by_week=tuple(weeks),
    )


BANDS = ("none", "under_half", "half", "all")  # articles done: 0, < half, >= half, all


def band(n: int, total: int) -> str:
    if total and n >= total:
        return "all"
    if n == 0:
        return "none"
    return "half" if 2 * n >= total else "under_half"


def masked_view(t: Texts, figures: IntroProgress) -> str:
    """HR's view: how many are on the path and how far they have come, counts under 5
    shown as "<5" (and more hidden where a sum would give one away), no names."""
    values = {"enrolled": figures.enrolled, **dict.fromkeys(BANDS, 0)}
    for n in figures.done:
        values[band(n, figures.path_length)] += 1
    shown = protect(values, [Group("enrolled", BANDS)])
    lines = [
        t("intro_hr_header", total=figures.path_length),
        f"- {t('intro_hr_enrolled')}: {shown['enrolled']}",
        *(f"- {t(f'intro_hr_{b}')}: {shown[b]}" for b in reversed(BANDS)),
    ]
    return "\n".join(lines)
