"""Retention per area (the records plan): which cutoff reaches which rows.

Each area may keep what people wrote for its own number of days (``retention_days``
in the organisation file); the global ``STODBOT_RETENTION_DAYS`` is the default for
areas without one and for rows without an area (a question never matched or routed).
Tables that carry no area but may hold any area's text (the inbox, the outbox and the
conversation states: transport copies, not the record) follow the shortest of all, so
no area's text outlives its own days there."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

MAX_DAYS = 36500  # a hundred years: more is a typo (a record to keep is not cleared)
DEFAULT = "*"  # the group of areas without their own days and rows without an area
SHARED = "*delat"  # the group of tables without an area (no area id starts with "*")


@dataclass(frozen=True)
class Group:
    """One line of the plan: ``name`` is an area id, ``DEFAULT`` or ``SHARED``."""

    name: str
    days: int
    cutoff: datetime


@dataclass(frozen=True)
class Cutoffs:
    default: Group
    shared: Group
    areas: tuple[Group, ...] = ()

    @property
    def all(self) -> tuple[Group, ...]:
        return (*self.areas, self.default, self.shared)

    def later(self, days: int) -> Cutoffs:
        """The same plan ``days`` days on."""
        step = timedelta(days=days)

        def on(g: Group) -> Group:
            return Group(g.name, g.days, g.cutoff + step)

        return Cutoffs(on(self.default), on(self.shared), tuple(on(a) for a in self.areas))


class BadDays(ValueError):
    """Days outside 1..MAX_DAYS; ``name`` says whose."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def cutoffs(now: datetime, default_days: int, area_days: Mapping[str, int]) -> Cutoffs:
    """The cutoff of every group at ``now``: before it, text is cleared."""
    for name, days in {DEFAULT: default_days, **area_days}.items():
        if not 1 <= days <= MAX_DAYS:
            raise BadDays(name)
    areas = tuple(
        Group(area, days, now - timedelta(days=days))
        for area, days in sorted(area_days.items())
        if days != default_days
    )
    shortest = min([default_days, *area_days.values()])
    return Cutoffs(
        Group(DEFAULT, default_days, now - timedelta(days=default_days)),
        Group(SHARED, shortest, now - timedelta(days=shortest)),
        areas,
    )


@dataclass(frozen=True)
class Due:
    """What one column holds for one area (None: no area) that a group's cutoff reaches:
    ``now`` rows today, and the times on which more rows will be reached."""

    column: str
    area: str | None
    group: str
    days: int
    now: int
    upcoming: tuple[datetime, ...] = field(default=())
