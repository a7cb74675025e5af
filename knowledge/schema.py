"""Checked schemas for article front matter and the organisation file."""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LinkIn(_Strict):
    title: str = Field(min_length=1)
    url: str = Field(min_length=1)


class ArticleIn(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    area: str = Field(min_length=1)
    title: str = Field(min_length=1)
    questions: list[str] = Field(min_length=1)
    keywords: list[str] = []
    links: list[LinkIn] = []
    follow_up: list[str] = []
    owner: str | None = None
    reviewed: date | None = None
    intro: IntroIn | None = None

    @field_validator("questions")
    @classmethod
    def _no_empty_question(cls, value: list[str]) -> list[str]:
        if any(not q.strip() for q in value):
            raise ValueError("empty question")
        return value


class IntroIn(_Strict):
    """Where an article sits on a new manager's path: the week (1 = the first) and its
    order within the week."""

    week: int = Field(ge=1, le=52)
    order: int = Field(default=1, ge=1, le=99)


class PartnerIn(_Strict):
    name: str
    local_contact: str


class SLAIn(_Strict):
    claim_hours: float = Field(default=8, gt=0)
    resolve_hours: float = Field(default=24, gt=0)


class CommitmentsIn(_Strict):
    """What an area promises the people it serves, in public: business hours to claim
    and to resolve a ticket (default: its SLA), the share of questions answered without
    a ticket, and the askers' mean rating (1-5)."""

    claim_hours: float | None = Field(default=None, gt=0)
    resolve_hours: float | None = Field(default=None, gt=0)
    answered_share: float | None = Field(default=None, ge=0, le=1)
    satisfaction: float | None = Field(default=None, ge=1, le=5)


class RegistryIn(_Strict):
    """An area's tickets registered when created and/or closed: a webhook (https, signed
    with the secret in the environment variable ``secret_env``) or an e-mail address."""

    on: list[Literal["created", "closed"]] = Field(min_length=1)
    webhook: str | None = Field(default=None, pattern=r"^https?://[^\s]+$")
    secret_env: str | None = Field(default=None, pattern=r"^[A-Z][A-Z0-9_]{2,63}$")
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

    @model_validator(mode="before")
    @classmethod
    def _yaml_on(cls, data: object) -> object:
        """YAML 1.1 reads the key ``on`` as the boolean true: take it back as "on"."""
        if isinstance(data, dict) and True in data and "on" not in data:
            data = {("on" if k is True else k): v for k, v in data.items()}
        return data

    @model_validator(mode="after")
    def _one_way(self) -> RegistryIn:
        if (self.webhook is None) == (self.email is None):
            raise ValueError("registry: ange antingen webhook eller email")
        if self.webhook is not None:
            local = re.match(r"^http://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?/", self.webhook)
            if not self.webhook.startswith("https://") and not local:
                raise ValueError("registry.webhook: https krävs (http bara till localhost)")
            if self.secret_env is None:
                raise ValueError("registry.webhook: ange secret_env, miljövariabeln med nyckeln")
        return self


class AreaIn(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    name: str
    description: str
    lead: str
    confidential: bool = False
    partner: PartnerIn | None = None
    keywords: list[str] = []
    sla: SLAIn = SLAIn()
    room: str | None = None
    channel: str | None = None
    staff: list[str] = []
    lead_user: str | None = None
    serves: list[str] = []  # the units (ids) or roles it is there for
    commitments: CommitmentsIn | None = None
    plan: LinkIn | None = None  # its verksamhetsplan
    survey_month: int | None = Field(default=None, ge=1, le=12)  # else the organisation's
    # the records plan's line for the area: days kept, else STODBOT_RETENTION_DAYS
    retention_days: int | None = Field(default=None, ge=1, le=36500)
    registry: RegistryIn | None = None  # registration of its tickets (webhook or e-mail)


class UnitIn(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    name: str


class PersonIn(_Strict):
    """Someone known in advance. A ``chef`` with a ``start`` date is enrolled on the new
    manager's path from that date."""

    unit: str | None = None
    role: str | None = None
    start: date | None = None


class OrganisationIn(_Strict):
    municipality: str
    example: bool = False
    language: str = "sv"
    triage_area: str | None = None
    areas: list[AreaIn] = Field(min_length=1)
    units: list[UnitIn] = []
    leadership: list[str] = []
    leadership_room: str | None = None
    leadership_channel: str | None = None
    # user id -> unit id, or the person: {unit: bou, role: chef, start: 2026-12-07}
    people: dict[str, str | PersonIn] = {}
    survey_month: int = Field(default=11, ge=1, le=12)  # the yearly question to askers
