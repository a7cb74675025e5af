"""The knowledge base's domain types: articles, support areas, units."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class Intro:
    """An article's place on the new manager's path: week 1 is the first week."""

    week: int
    order: int = 1


@dataclass(frozen=True)
class Article:
    """One process article. ``answer`` is the Markdown body of the file."""

    id: str
    area: str
    title: str
    questions: tuple[str, ...]
    answer: str
    keywords: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    follow_up: tuple[str, ...] = ()
    owner: str | None = None
    reviewed: date | None = None
    intro: Intro | None = None
    source: Path | None = field(default=None, compare=False)

    @property
    def phrasings(self) -> tuple[str, ...]:
        """The title and every alternate question: what a user's question is compared with."""
        return (self.title, *self.questions)


@dataclass(frozen=True)
class Partner:
    """An inter-municipal partner that runs an area, and the local contact who answers for it."""

    name: str
    local_contact: str


@dataclass(frozen=True)
class SLA:
    claim_hours: float = 8
    resolve_hours: float = 24


@dataclass(frozen=True)
class Commitments:
    """What an area promises (``None``: no promise on that point). Hours are business
    hours, ``answered_share`` 0..1, ``satisfaction`` the askers' mean rating 1-5."""

    claim_hours: float | None = None
    resolve_hours: float | None = None
    answered_share: float | None = None
    satisfaction: float | None = None


@dataclass(frozen=True)
class Registry:
    """Where an area's tickets are registered, and when (``on``: "created", "closed"):
    a webhook signed with the secret in the environment variable ``secret_env``, or
    the registrator's mailbox ``email`` (SMTP from the settings)."""

    on: tuple[str, ...]
    webhook: str | None = None
    secret_env: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Area:
    id: str
    name: str
    description: str
    lead: str
    confidential: bool = False
    partner: Partner | None = None
    keywords: tuple[str, ...] = ()
    sla: SLA = SLA()
    room: str | None = None
    channel: str | None = None
    staff: tuple[str, ...] = ()  # platform user ids of the area's support staff
    lead_user: str | None = None  # the lead's platform user id, for escalations
    serves: tuple[str, ...] = ()  # unit ids or roles it is there for
    commitments: Commitments | None = None
    plan: Link | None = None  # the area's verksamhetsplan
    survey_month: int = 11  # when the people it served are asked how it went (1-12)
    retention_days: int | None = None  # its own line in the records plan, else the global
    registry: Registry | None = None  # tickets sent to the registry when created/closed

    @property
    def responsible(self) -> str:
        """Who answers for the area locally: the partner's local contact, else the lead."""
        return self.partner.local_contact if self.partner else self.lead


@dataclass(frozen=True)
class Unit:
    id: str
    name: str


@dataclass(frozen=True)
class Person:
    """Someone listed in the organisation file: their unit, and for a new manager the
    role and start date that enrol them on the introduction path."""

    user_id: str
    unit: str | None = None
    role: str | None = None
    start: date | None = None


@dataclass(frozen=True)
class Organisation:
    municipality: str
    areas: tuple[Area, ...]
    units: tuple[Unit, ...] = ()
    triage_area: str | None = None
    example: bool = False
    leadership: tuple[str, ...] = ()  # platform user ids who read the summaries
    leadership_room: str | None = None
    leadership_channel: str | None = None
    people: tuple[tuple[str, str], ...] = ()  # (user id, unit id) known in advance
    persons: tuple[Person, ...] = ()  # everyone listed under people:, with role and start

    def area(self, area_id: str) -> Area | None:
        return next((a for a in self.areas if a.id == area_id), None)

    @property
    def area_ids(self) -> frozenset[str]:
        return frozenset(a.id for a in self.areas)

    @property
    def triage(self) -> Area:
        """The fallback area for questions nobody else owns."""
        found = self.area(self.triage_area) if self.triage_area else None
        return found or self.areas[0]
