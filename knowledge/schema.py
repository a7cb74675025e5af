"""Checked schemas for article front matter and the organisation file."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator

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

    @field_validator("questions")
    @classmethod
    def _no_empty_question(cls, value: list[str]) -> list[str]:
        if any(not q.strip() for q in value):
            raise ValueError("empty question")
        return value


class PartnerIn(_Strict):
    name: str
    local_contact: str


class SLAIn(_Strict):
    claim_hours: float = Field(default=8, gt=0)
    resolve_hours: float = Field(default=24, gt=0)


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


class UnitIn(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    name: str


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
    people: dict[str, str] = {}  # user id -> unit id
