"""The new manager's path, computed: the articles with ``intro:`` in their front
matter by week, which path week a person is in, and what each week's checklist holds.
Pure: no storage, no clock."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.markup import as_plain, from_markdown
from knowledge.model import Article
from routing.calendar import STOCKHOLM
from routing.ports import IntroItem

ONE_LINE = 110  # characters of an article's first sentence in a checklist


@dataclass(frozen=True)
class Path:
    """The path: ``weeks[0]`` holds week 1's articles, in their ``intro.order``."""

    weeks: tuple[tuple[Article, ...], ...]

    @classmethod
    def of(cls, articles: Iterable[Article]) -> Path:
        on = [a for a in articles if a.intro is not None]
        last = max((a.intro.week for a in on if a.intro), default=0)
        weeks = tuple(
            tuple(
                sorted(
                    (a for a in on if a.intro and a.intro.week == w),
                    key=lambda a: (a.intro.order if a.intro else 0, a.id),
                )
            )
            for w in range(1, last + 1)
        )
        return cls(weeks)

    @property
    def length(self) -> int:
        """How many weeks the path has (12 in the example base)."""
        return len(self.weeks)

    @property
    def articles(self) -> tuple[Article, ...]:
        return tuple(a for week in self.weeks for a in week)

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(a.id for a in self.articles)

    def week_of(self, article: Article, items: Mapping[str, IntroItem]) -> int:
        """The week ``article`` is due in: its own, or the one it was postponed to."""
        item = items.get(article.id)
        if item is not None and item.later_week is not None:
            return item.later_week
        return article.intro.week if article.intro else 0

    def checklist(self, week: int, items: Mapping[str, IntroItem]) -> list[Article]:
        """What path week ``week`` asks of them: its own articles not done and not
        postponed, then those postponed to it."""
        own = [a for a in self.weeks[week - 1]] if 1 <= week <= self.length else []
        later = [a for a in self.articles if a not in own]
        return [
            a for a in [*own, *later] if not done(a.id, items) and self.week_of(a, items) == week
        ]

    def done_count(self, items: Mapping[str, IntroItem]) -> int:
        return sum(1 for a in self.articles if done(a.id, items))


def done(article_id: str, items: Mapping[str, IntroItem]) -> bool:
    item = items.get(article_id)
    return item is not None and item.done_at is not None


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def local_day(now: datetime) -> date:
    return now.astimezone(STOCKHOLM).date()


def path_week(start: date, now: datetime) -> int:
    """Which path week ``now`` is in for someone who started on ``start``: 1 in the
    week of ``start`` (from its Monday), 0 or less before it."""
    return (monday(local_day(now)) - monday(start)).days // 7 + 1


_SENTENCE = re.compile(r"(.+?[.!?])(?:\s|$)")


def one_line(article: Article) -> str:
    """An article in one line: the first sentence of its text, shortened."""
    text = " ".join(as_plain(from_markdown(article.answer)).split())
    m = _SENTENCE.match(text)
    line = m.group(1) if m else text
    if len(line) > ONE_LINE:
        line = line[: ONE_LINE - 1].rsplit(" ", 1)[0] + "…"
    return line
