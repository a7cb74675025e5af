"""Typed settings from the environment (prefix ``STODBOT_``) and an optional ``.env``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from routing.retention import MAX_DAYS

EXAMPLE_DIR = Path(__file__).resolve().parent.parent / "knowledge" / "example"


_ENVIRONMENT_ONLY = ("audit_key", "smtp_password")


class _WithoutAuditKey(PydanticBaseSettingsSource):
    """The ``.env`` source minus ``audit_key`` and ``smtp_password``: secrets come from
    the environment only, never from a file that may be copied along with the database
    beside it."""

    def __init__(self, inner: PydanticBaseSettingsSource) -> None:
        super().__init__(inner.settings_cls)
        self._inner = inner

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        return {k: v for k, v in self._inner().items() if k not in _ENVIRONMENT_ONLY}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STODBOT_", env_file=".env", extra="ignore")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        dotenv = _WithoutAuditKey(dotenv_settings)
        return init_settings, env_settings, dotenv, file_secret_settings

    articles_dir: Path = Field(
        default=EXAMPLE_DIR / "articles", description="Knowledge base folder"
    )
    organisation_file: Path = EXAMPLE_DIR / "organisation.yaml"
    synonyms_file: Path | None = EXAMPLE_DIR / "synonyms.yaml"
    language: str = Field(default="sv", pattern="^(sv|en)$")

    calibration_file: Path | None = Field(
        default=None, description="Answer model; default calibration.json beside the articles"
    )
    semantic: str = Field(
        default="on",
        pattern="^(on|off)$",
        description="Fuse a multilingual sentence-embedding model with the lexical matcher",
    )
    cache_dir: Path | None = Field(
        default=None,
        description=(
            "Cached article embeddings and lexical index"
            " (default $XDG_CACHE_HOME/stodbot, ~/.cache/stodbot)"
        ),
    )
    answer_threshold: float = Field(
        default=0.5, ge=0, le=1, description="Answer when P(best article is right) reaches it"
    )
    clarify_threshold: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="Otherwise ask back when P(the right article is among the choices) reaches it",
    )
    clarify_margin: float = Field(
        default=0.15, ge=0, le=1, description="Offer articles scoring this close to the best"
    )
    max_message_chars: int = Field(default=4000, gt=0)

    database_url: str = Field(
        default="sqlite:///stodbot.db",
        description="SQLAlchemy URL; SQLite file in the working directory by default",
    )
    # Matrix (see the README): the adapter starts when homeserver and user are set.
    matrix_homeserver: str | None = None
    matrix_user_id: str | None = None
    matrix_access_token: str | None = None
    matrix_password: str | None = None
    matrix_device_id: str = "STODBOT"
    matrix_allowed_servers: list[str] = Field(
        default_factory=list, description="Accept invites from users on these servers"
    )
    matrix_allowed_users: list[str] = Field(default_factory=list)
    matrix_staff_power_level: int = 0
    matrix_e2e: bool = False
    matrix_store_path: Path = Path("matrix-store")
    matrix_sync_timeout_ms: int = 30000

    # Microsoft Teams (Microsoft 365 Agents SDK): enabled with teams_enabled.
    teams_enabled: bool = False
    teams_app_id: str | None = None
    teams_app_password: str | None = None
    teams_tenant_id: str | None = None
    teams_token_url: str = "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token"
    teams_service_url: str = Field(
        default="https://smba.trafficmanager.net/emea/",
        description="Bot Connector for proactive posts to area and leadership channels",
    )
    teams_worker: str = Field(
        default="inline",
        pattern="^(inline|process)$",
        description="inline: answer in the web process; process: in a worker process of its own",
    )
    production: bool = Field(default=False, description="Refuse insecure development modes")

    # The leadership dashboard and the weekly post.
    web_host: str = "127.0.0.1"
    web_port: int = 3978
    public_url: str | None = Field(default=None, description="Base URL of the dashboard in links")
    dashboard_secret: str | None = Field(default=None, description="Signs dashboard links")
    audit_key: SecretStr | None = Field(
        default=None, description="HMAC key of the audit log's chain (environment only)"
    )
    weekly_post_weekday: int = Field(default=0, ge=0, le=6, description="0 = Monday")
    weekly_post_time: str = Field(default="07:30", pattern=r"^\d{2}:\d{2}$")

    # The accessibility statement (/tillganglighet), DIGG's model; lagen (2018:1937).
    accessibility_contact_email: str = Field(
        default="tillganglighet@exempelkommun.se",
        description="Where people report a problem or ask for content in another form",
    )
    accessibility_contact_phone: str | None = "0123-45 67 00"
    accessibility_status: str = Field(
        default="delvis",
        pattern="^(helt|fullt|delvis|inte)$",
        description="Compliance with the law: helt (fullt), delvis or inte förenlig",
    )
    accessibility_assessed: date = Field(
        default=date(2026, 12, 1), description="When the service was last assessed"
    )
    accessibility_updated: date | None = Field(
        default=None, description="When the statement was last updated (default: assessed)"
    )
    accessibility_published: date | None = Field(
        default=None, description="When the service was first published"
    )
    accessibility_shortcomings: list[str] = Field(
        default_factory=lambda: [
            "Word- och Excel-filerna med veckans och årets siffror är inte granskade mot "
            "kraven för dokument. Samma siffror finns som tabeller på webbsidan.",
        ],
        description="Known failures to meet the requirements (bristande förenlighet)",
    )
    accessibility_burden: list[str] = Field(
        default_factory=list,
        description="Shortcomings kept as oskäligt betungande anpassning, each with its reason",
    )
    accessibility_out_of_scope: list[str] = Field(
        default_factory=lambda: [
            "Chattfönstren i Microsoft Teams och Element (Matrix) är tredjepartsprogram som "
            "kommunen inte har utvecklat eller styr över. Boten skickar varje meddelande "
            "också som ren text, så att det kan läsas med skärmläsare och i klienter som "
            "inte visar kort.",
        ],
        description="Content outside the law's scope (utanför lagens tillämpningsområde)",
    )

    retention_days: int | None = Field(
        default=None, description="Delete what people wrote older than this many days"
    )
    retention_decision: str | None = Field(
        default=None, description="The decision (e.g. 'KS 2026-05-12 § 45') that allows deletion"
    )
    auto_close_days: int = Field(
        default=5, description="Answered tickets nobody confirms close after these business days"
    )
    waiting_remind_days: int = Field(
        default=2,
        ge=1,
        description="A ticket waiting for its asker: remind after these business days",
    )
    waiting_close_days: int = Field(
        default=5, ge=2, description="... and close it after these business days"
    )
    drafts_dir: Path | None = Field(
        default=None,
        description="Draft articles made from tickets (publicera 42); default drafts/ beside "
        "the articles folder",
    )
    kb_reload_seconds: float = Field(
        default=30.0,
        ge=0,
        description="How often the running bot looks for changed article files (0: never)",
    )

    # Registration by e-mail (an area's ``registry: {email: …}``): the registrator's
    # mailbox is reached over SMTP. The password only from the environment.
    smtp_host: str | None = Field(default=None, description="SMTP server for registration mail")
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: SecretStr | None = Field(default=None, description="Environment only")
    smtp_from: str = Field(default="stodbot@localhost", description="The mail's sender")
    smtp_starttls: bool = Field(default=True, description="STARTTLS before logging in")

    # Operators read these messages: one Swedish line each (see adapters/cli).
    @field_validator("synonyms_file", "calibration_file", "cache_dir", mode="before")
    @classmethod
    def _empty_path_is_none(cls, value: object) -> object:
        """An empty setting switches the file off (``STODBOT_SYNONYMS_FILE=``), as the README
        says; read as a path it would be the working directory."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("accessibility_status")
    @classmethod
    def _accessibility_status(cls, value: str) -> str:
        return "helt" if value == "fullt" else value

    @field_validator("accessibility_contact_email")
    @classmethod
    def _accessibility_email(cls, value: str) -> str:
        if "@" not in value.strip():
            raise ValueError("måste vara en e-postadress: en redogörelse ska gå att svara på")
        return value.strip()

    @field_validator("retention_days")
    @classmethod
    def _retention_days(cls, value: int | None) -> int | None:
        if value is not None and value < 1:
            raise ValueError("måste vara minst 1 (dagar); utan värde gallras ingenting")
        if value is not None and value > MAX_DAYS:
            raise ValueError(
                f"måste vara högst {MAX_DAYS} (dagar); det som ska bevaras gallras inte"
            )
        return value

    @field_validator("retention_decision")
    @classmethod
    def _retention_decision(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("får inte vara tomt: ange beslutet, t.ex. ”KS 2026-05-12 § 45”")
        return None if value is None else value.strip()

    @field_validator("auto_close_days")
    @classmethod
    def _auto_close_days(cls, value: int) -> int:
        if not 1 <= value <= 60:
            raise ValueError("måste vara mellan 1 och 60 (arbetsdagar)")
        return value
