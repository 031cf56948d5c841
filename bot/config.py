"""Configuration, read from the environment and an optional ``.env`` file.

Every setting has a safe default except the bot token, so that a fresh clone runs with
``TELEGRAM_BOT_TOKEN`` alone: SQLite in ``data/`` and the bundled ``content/``.
"""

from __future__ import annotations

import re
from datetime import date, time
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.core.jp import JpScale, Targets
from bot.core.schedule import QuietHours as QuietWindow
from bot.core.schedule import parse_clock_time
from db.dialects import with_async_driver

# A Bot API token is "<bot id>:<secret>", the secret being 30-50 URL-safe characters.
TOKEN_PATTERN = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{20,60}$")

WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
FREE_SEND_RATE = 30  # messages per second Telegram allows a bot without paid broadcasts
LocalTime = Annotated[time, NoDecode]
QuietHours = Annotated[tuple[time, time], NoDecode]


class Settings(BaseSettings):
    """All deploy-time settings. Names match the README and ``.env.example``."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    # Optional here so that `migrate` and `content check` run without it; `run` requires it.
    telegram_bot_token: SecretStr | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_base_url: str = Field(
        default="https://api.telegram.org/bot", alias="TELEGRAM_API_BASE_URL"
    )
    telegram_api_base_file_url: str | None = Field(default=None, alias="TELEGRAM_API_BASE_FILE_URL")
    database_url: str = Field(default="sqlite+aiosqlite:///data/sinau.db", alias="DATABASE_URL")
    content_dir: Path = Field(default=Path("content"), alias="SINAU_CONTENT_DIR")
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(), alias="SINAU_ADMIN_IDS"
    )
    timezone: str = Field(default="Asia/Jakarta", alias="SINAU_TIMEZONE")
    # The yearly target of a PNS (PP 11/2017 Pasal 203(4): at least 20 JP), and of a PPPK: no
    # regulation sets a PPPK minimum (PP 49/2018 Pasal 40(1) sets at most 24 JP per contract
    # year), so theirs is the agency's policy.
    jp_target: Decimal = Field(default=Decimal(20), alias="SINAU_JP_TARGET", gt=0, le=200)
    jp_target_pppk: Decimal = Field(default=Decimal(20), alias="SINAU_JP_TARGET_PPPK", gt=0, le=200)
    jp_minutes: int = Field(default=45, alias="SINAU_JP_MINUTES", gt=0, le=120)
    # Honest minutes: the reading a quiz needs first, and how often a quiz may be retried.
    min_reading_share: float = Field(default=0.5, alias="SINAU_MIN_READING_SHARE", ge=0, le=1)
    quiz_retry_minutes: int = Field(default=10, alias="SINAU_QUIZ_RETRY_MINUTES", ge=0, le=1440)
    quiz_attempts_per_day: int = Field(default=3, alias="SINAU_QUIZ_ATTEMPTS_PER_DAY", ge=1, le=50)
    # Scenario questions carry their case in the poll's description (Bot API 9.6); with an older
    # Bot API server, false sends the case as a message right before the poll.
    scenario_in_poll: bool = Field(default=True, alias="SINAU_SCENARIO_IN_POLL")
    content_review_months: int = Field(
        default=12, alias="SINAU_CONTENT_REVIEW_MONTHS", ge=1, le=120
    )
    # Spaced review (/ulas): the recall probability FSRS schedules for, the questions reviewed a
    # day, and the minutes a reviewed question credits (0: review credits nothing, the default;
    # an agency whose policy counts review time sets it, capped per day by the daily maximum).
    review_retention: float = Field(default=0.9, alias="SINAU_REVIEW_RETENTION", gt=0.5, lt=1)
    review_max_per_day: int = Field(default=5, alias="SINAU_REVIEW_MAX_PER_DAY", ge=1, le=20)
    review_minutes_per_question: int = Field(
        default=0, alias="SINAU_REVIEW_MINUTES_PER_QUESTION", ge=0, le=5
    )
    # Replies to users are not throttled by default: Telegram's ~30 msg/s guidance is about
    # bulk sending, which goes through the outbound sender. 0 disables the global limit.
    reply_max_rate: float = Field(default=0, alias="SINAU_REPLY_MAX_RATE", ge=0)
    # Updates of different users handled at once; one user's updates always run in order.
    concurrent_updates: int = Field(default=64, alias="SINAU_CONCURRENT_UPDATES", ge=1, le=1024)
    log_level: str = Field(default="INFO", alias="SINAU_LOG_LEVEL")
    # "json": one JSON object per line, for a log collector; "text": one readable line.
    log_format: Literal["text", "json"] = Field(default="text", alias="SINAU_LOG_FORMAT")

    # --- Reminders and the outbound sender ---
    reminder_default_time: LocalTime = Field(default=time(19, 30), alias="SINAU_REMINDER_TIME")
    # Reminders never go out in this local window; it may wrap midnight ("21:00-06:00").
    quiet_hours: QuietHours = Field(default=(time(21), time(6)), alias="SINAU_QUIET_HOURS")
    # A reminder missed during downtime goes out late only within this many minutes.
    reminder_catch_up_minutes: int = Field(
        default=120, alias="SINAU_REMINDER_CATCH_UP_MINUTES", ge=0, le=24 * 60
    )
    # From this day of the year (MM-DD), learners below target get a weekly pacing message.
    pacing_start: str = Field(default="10-01", alias="SINAU_PACING_START")
    pacing_weekday: int = Field(default=0, alias="SINAU_PACING_WEEKDAY", ge=0, le=6)  # Monday
    tick_seconds: float = Field(default=60, alias="SINAU_TICK_SECONDS", gt=0)
    # Required learning (/tugas): the local time from which the day's reminders go out, and
    # the days a person who joins an assignment's audience later gets to complete it.
    assignment_reminder_time: LocalTime = Field(
        default=time(9, 0), alias="SINAU_ASSIGNMENT_REMINDER_TIME"
    )
    assignment_join_days: int = Field(default=30, alias="SINAU_ASSIGNMENT_JOIN_DAYS", ge=1, le=365)
    # Bulk messages (reminders, announcements): overall per second, and the per-chat gap.
    send_rate: float = Field(default=30, alias="SINAU_SEND_RATE", gt=0, le=1000)
    send_chat_interval: float = Field(default=1.0, alias="SINAU_SEND_CHAT_INTERVAL", ge=0)
    send_max_attempts: int = Field(default=5, alias="SINAU_SEND_MAX_ATTEMPTS", ge=1, le=20)
    # Telegram's paid broadcasts (allow_paid_broadcast, charged in Stars) lift the overall limit
    # to 1000 messages/s. Without it, a SINAU_SEND_RATE above 30 is refused at start-up.
    paid_broadcast: bool = Field(default=False, alias="SINAU_PAID_BROADCAST")
    # Several instances on one database: one holds the background-worker lease (ticks, bulk
    # sending) and renews it; if it dies, another takes over after at most this many seconds.
    lease_seconds: float = Field(default=30, alias="SINAU_LEASE_SECONDS", ge=3, le=600)

    # --- Webhook mode (python -m bot run --webhook) ---
    # The public HTTPS URL Telegram posts to; its path is the path the bot serves (behind a
    # reverse proxy, the proxy forwards that path unchanged).
    webhook_url: str | None = Field(default=None, alias="SINAU_WEBHOOK_URL")
    webhook_listen: str = Field(default="0.0.0.0", alias="SINAU_WEBHOOK_LISTEN")
    webhook_port: int = Field(default=8080, alias="SINAU_WEBHOOK_PORT", ge=1, le=65535)
    # Telegram sends it in X-Telegram-Bot-Api-Secret-Token; requests without it are refused.
    webhook_secret: SecretStr | None = Field(default=None, alias="SINAU_WEBHOOK_SECRET")

    # --- The Mini App dashboard (/app/) ---
    # Its public HTTPS URL (the /app/ path of this server, behind the reverse proxy). Unset: no
    # button opens it. Webhook mode serves it on the webhook's port; polling mode on its own.
    webapp_url: str | None = Field(default=None, alias="SINAU_WEBAPP_URL")
    webapp_port: int = Field(default=8081, alias="SINAU_WEBAPP_PORT", ge=1, le=65535)
    # The signed initData is refused once its auth_date is older than this many seconds.
    webapp_max_age: int = Field(default=3600, alias="SINAU_WEBAPP_MAX_AGE", ge=60, le=86400)
    # API requests one Telegram user may make per minute (a sliding window, per instance).
    webapp_rate_per_minute: int = Field(
        default=120, alias="SINAU_WEBAPP_RATE_PER_MINUTE", ge=1, le=10000
    )

    @model_validator(mode="after")
    def _default_reminder_outside_quiet_hours(self) -> Settings:
        start, end = self.quiet_hours
        if QuietWindow(start, end).contains(self.reminder_default_time):
            raise ValueError(
                f"SINAU_REMINDER_TIME {self.reminder_default_time:%H:%M} lies inside "
                f"SINAU_QUIET_HOURS {start:%H:%M}-{end:%H:%M}: no new learner would get a reminder"
            )
        return self

    @model_validator(mode="after")
    def _rate_within_telegram_limits(self) -> Settings:
        if self.send_rate > FREE_SEND_RATE and not self.paid_broadcast:
            raise ValueError(
                f"SINAU_SEND_RATE above {FREE_SEND_RATE}/s needs SINAU_PAID_BROADCAST=true"
            )
        return self

    # --- Training hours: outside trainings, certificates, roster ---
    # HMAC key of certificate verification codes (>= 16 characters). Unset: a random key is
    # generated on first use and kept in the database (table app_secrets), stable per deployment.
    cert_secret: SecretStr | None = Field(default=None, alias="SINAU_CERT_SECRET", min_length=16)
    # A reported outside training may claim at most this many JP per calendar day it lasted.
    external_max_jp_per_day: Decimal = Field(
        default=Decimal(10), alias="SINAU_EXTERNAL_MAX_JP_PER_DAY", gt=0, le=24
    )
    # Largest certificate file (photo or PDF) accepted, in megabytes.
    external_max_file_mb: float = Field(default=5, alias="SINAU_EXTERNAL_MAX_FILE_MB", gt=0, le=20)
    # A chart, transcript, certificate or export button may be pressed once per this many
    # seconds per user and kind; an unchanged file is sent again by its Telegram file_id.
    file_cooldown_seconds: float = Field(
        default=10, alias="SINAU_FILE_COOLDOWN_SECONDS", ge=0, le=3600
    )
    # Once a roster is imported: may a NIP that is not in it still register?
    roster_allow_unknown: bool = Field(default=True, alias="SINAU_ROSTER_ALLOW_UNKNOWN")
    # How an account is confirmed as the NIP's owner: a shared contact matching the roster's
    # phone, an admin of the OPD, or the phone where the roster has one and an admin otherwise.
    verification: Literal["phone", "admin", "phone_or_admin"] = Field(
        default="phone_or_admin", alias="SINAU_VERIFICATION"
    )
    # The sender line of every announcement: the agency and the role of a superadmin's
    # announcements (an OPD admin's name their OPD), so recipients know they are official;
    # also who reviews for an agency that has no admin of its own.
    sender_name: str = Field(
        default="BPSDMD Provinsi Jawa Tengah",
        alias="SINAU_SENDER_NAME",
        min_length=2,
        max_length=80,
    )
    sender_role: str = Field(
        default="Admin Sinau Bareng", alias="SINAU_SENDER_ROLE", min_length=2, max_length=40
    )
    # The certificate's issuing body, signing official and place; optional logo and signature
    # images (PNG or JPEG files).
    cert_issuer: str = Field(
        default="Badan Pengembangan Sumber Daya Manusia Daerah Provinsi Jawa Tengah",
        alias="SINAU_CERT_ISSUER",
        min_length=2,
        max_length=120,
    )
    cert_signer_name: str = Field(default="", alias="SINAU_CERT_SIGNER_NAME", max_length=120)
    cert_signer_nip: str = Field(default="", alias="SINAU_CERT_SIGNER_NIP", max_length=24)
    cert_signer_title: str = Field(
        default="Kepala BPSDMD Provinsi Jawa Tengah",
        alias="SINAU_CERT_SIGNER_TITLE",
        max_length=120,
    )
    cert_city: str = Field(default="Semarang", alias="SINAU_CERT_CITY", min_length=2, max_length=60)
    cert_logo: Path | None = Field(default=None, alias="SINAU_CERT_LOGO")
    cert_signature: Path | None = Field(default=None, alias="SINAU_CERT_SIGNATURE")

    @field_validator("cert_logo", "cert_signature", mode="before")
    @classmethod
    def _image_file(cls, value: object) -> object:
        if value in (None, ""):
            return None
        path = Path(str(value))
        if not path.is_file():
            raise ValueError(f"no such file: {path}")
        return path

    # --- Personal data (UU 27/2022): the privacy notice, retention, data-subject rights ---
    # Who decides about the data (the controller) and where to reach them, as /privasi names them.
    privacy_controller: str = Field(
        default="BPSDMD Provinsi Jawa Tengah (Badan Pengembangan Sumber Daya Manusia Daerah)",
        alias="SINAU_PRIVACY_CONTROLLER",
        min_length=3,
        max_length=200,
    )
    privacy_contact: str = Field(
        default=(
            "Admin Sinau Bareng di BPSDMD Provinsi Jawa Tengah, melalui admin kepegawaian "
            "instansi Bapak/Ibu"
        ),
        alias="SINAU_PRIVACY_CONTACT",
        min_length=3,
        max_length=300,
    )
    # After /hapus, the ledger of competency development (a legal duty) is held under the NIP
    # for this many years, then deleted; the audit log is kept as long.
    retention_years: int = Field(default=5, alias="SINAU_RETENTION_YEARS", ge=1, le=50)
    # Registration, /lapor and other flows untouched this long are deleted by the worker.
    session_ttl_hours: int = Field(default=48, alias="SINAU_SESSION_TTL_HOURS", ge=1, le=24 * 90)
    # /dataku: at most one export per user in this many minutes.
    data_export_cooldown_minutes: int = Field(
        default=60, alias="SINAU_DATA_EXPORT_COOLDOWN_MINUTES", ge=0, le=7 * 24 * 60
    )

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if not WEBHOOK_SECRET.match(value.get_secret_value()):
            raise ValueError("1-256 characters: letters, digits, _ and - (Telegram's rule)")
        return value

    @field_validator("webapp_url")
    @classmethod
    def _webapp_https(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith("https://"):
            raise ValueError("must be an https:// URL (Telegram opens Mini Apps over HTTPS only)")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith(("https://", "http://")):
            raise ValueError("must be an https:// URL")
        return value

    def webhook_problems(self) -> list[str]:
        """What is missing to run in webhook mode (empty when ready)."""
        problems = []
        if not self.webhook_url:
            problems.append("SINAU_WEBHOOK_URL belum diisi / is not set")
        if self.webhook_secret is None:
            problems.append("SINAU_WEBHOOK_SECRET wajib di mode webhook / is required for webhooks")
        return problems

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        if not TOKEN_PATTERN.match(value.get_secret_value().strip()):
            raise ValueError("token has the wrong shape (expected <digits>:<secret>)")
        return SecretStr(value.get_secret_value().strip())

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",")]
            return frozenset(int(p) for p in parts if p)
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("reminder_default_time", "assignment_reminder_time", mode="before")
    @classmethod
    def _parse_time(cls, value: object) -> object:
        return parse_clock_time(value) if isinstance(value, str) else value

    @field_validator("quiet_hours", mode="before")
    @classmethod
    def _parse_window(cls, value: object) -> object:
        if isinstance(value, str):
            start, sep, end = value.partition("-")
            if not sep:
                raise ValueError("expected HH:MM-HH:MM, e.g. 21:00-06:00")
            value = (start, end)
        if isinstance(value, tuple | list) and len(value) == 2:
            return tuple(parse_clock_time(v) if isinstance(v, str) else v for v in value)
        return value

    @field_validator("pacing_start")
    @classmethod
    def _month_day(cls, value: str) -> str:
        try:
            date.fromisoformat(f"2024-{value.strip()}")  # a leap year accepts 02-29
        except ValueError as exc:
            raise ValueError("expected MM-DD, e.g. 10-01") from exc
        return value.strip()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("telegram_api_base_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        """Accept the usual spellings of a database URL and use the drivers the bot runs on.

        Hosting panels and ``pg_dump`` habits give ``postgres://`` or ``postgresql://``; the bot
        needs SQLAlchemy's asyncio drivers (asyncpg, aiosqlite), so those become
        ``postgresql+asyncpg://`` and ``sqlite+aiosqlite://``. Other databases are refused here,
        in one line, rather than with a traceback from the engine.
        """
        try:
            url = make_url(value)
        except ArgumentError as exc:
            raise ValueError("not a database URL") from exc
        try:
            url = with_async_driver(url)
        except NotImplementedError as exc:
            backend = url.get_backend_name()
            raise ValueError(f"{backend!r} is not supported; use PostgreSQL or SQLite") from exc
        return url.render_as_string(hide_password=False)

    @property
    def scale(self) -> JpScale:
        return JpScale(self.jp_minutes)

    @property
    def targets(self) -> Targets:
        """The yearly target of each employee kind, in minutes."""
        return Targets(self.scale.minutes(self.jp_target), self.scale.minutes(self.jp_target_pppk))

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def token(self) -> str:
        if self.telegram_bot_token is None or not self.telegram_bot_token.get_secret_value():
            raise SettingsError("TELEGRAM_BOT_TOKEN belum diisi / is not set")
        return self.telegram_bot_token.get_secret_value()

    @property
    def base_file_url(self) -> str:
        if self.telegram_api_base_file_url:
            return self.telegram_api_base_file_url
        # "https://host/bot" -> "https://host/file/bot", python-telegram-bot's convention.
        head, _, tail = self.telegram_api_base_url.rpartition("/")
        return f"{head}/file/{tail}"


class SettingsError(Exception):
    """Raised with a one-line, human-readable explanation of what is wrong."""


def load_settings(**overrides: object) -> Settings:
    """Load settings, turning pydantic's report into one readable line per problem."""
    from pydantic import ValidationError

    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else "?"
            field = Settings.model_fields.get(name)
            env = field.alias if field and field.alias else name.upper()
            if not err["loc"]:  # a rule across settings; its message names them
                problems.append(str(err["msg"]).removeprefix("Value error, "))
            elif err["type"] == "missing":
                problems.append(f"{env} belum diisi / is not set")
            else:
                problems.append(f"{env} tidak valid / is invalid: {err['msg']}")
        raise SettingsError("; ".join(problems)) from None
