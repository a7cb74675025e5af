"""Typed settings from the environment (prefix ``STODBOT_``) and an optional ``.env``."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

EXAMPLE_DIR = Path(__file__).resolve().parent.parent / "knowledge" / "example"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STODBOT_", env_file=".env", extra="ignore")

    articles_dir: Path = Field(default=EXAMPLE_DIR / "articles", description="Knowledge base folder")
    organisation_file: Path = EXAMPLE_DIR / "organisation.yaml"
    synonyms_file: Path | None = EXAMPLE_DIR / "synonyms.yaml"
    language: str = Field(default="sv", pattern="^(sv|en)$")

    answer_threshold: float = Field(default=0.36, ge=0, le=1)
    clarify_threshold: float = Field(default=0.34, ge=0, le=1)
    clarify_margin: float = Field(default=0.12, ge=0, le=1)
    max_message_chars: int = Field(default=4000, gt=0)

    database_url: str = Field(
        default="sqlite:///stodbot.db",
        description="SQLAlchemy URL; SQLite file in the working directory by default",
    )
    retention_days: int | None = Field(
        default=None, gt=0, description="Delete question text older than this many days"
    )
    retention_decision: str | None = Field(
        default=None, description="The decision (e.g. 'KS 2026-05-12 § 45') that allows deletion"
    )
