"""One Settings object: config/coordinator.toml first, then COORDINATOR_* environment variables."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from coordinator.errors import ConfigurationError
from coordinator.settings.notifications import NotificationSettings
from coordinator.streams import StreamsSettings

DEFAULT_CONFIG_PATH = Path("config/coordinator.toml")
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///coordinator.db"
# Keys that hold secrets, at any depth of the file: they come from the environment only.
SECRET_NAMES = frozenset(
    {
        "secret_key",
        "metrics_token",
        "secret",
        "password",
        "hls_secret",
        "push_key",
        "play_key",
        "room_secret",
        "app_secret",
    }
)


class Section(BaseModel):
    """A [section] of the settings file; unknown keys are an error, not a silent typo."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ServerSettings(Section):
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    public_url: str = ""  # as users reach it (https://...); empty: http://host:port
    # Reverse proxies whose X-Forwarded-For names the real client (for sign-in rate limits).
    trusted_proxies: tuple[str, ...] = ()
    # How long a personal sign-in link (`coordinator users link`) may be used, in days.
    sign_in_link_days: float = Field(default=7.0, gt=0, le=30)
    # Seconds a request body may take to arrive whole (then 408): slow-body clients hold no
    # connection for ever. Large uploads over slow links may need more.
    body_timeout_s: float = Field(default=30.0, gt=0)


class DataSettings(Section):
    """[data]: how much one uploaded or imported bundle file may hold (docs/data-format.md)."""

    # The same defaults as coordinator.bundle.limits.ReadLimits (a test keeps them equal).
    max_rows: int = Field(default=200_000, ge=1)
    max_file_mb: float = Field(default=50, gt=0)
    max_unpacked_mb: float = Field(default=400, gt=0)
    max_ratio: int = Field(default=200, ge=1)


class StoreSettings(Section):
    sqlite_busy_timeout_ms: int = Field(default=5000, ge=0)
    echo_sql: bool = False


class FeedSettings(Section):
    # How often a web worker re-reads the change counter that invalidates its feed cache.
    counter_ttl_s: float = Field(default=1.0, ge=0)


class CheckinSettings(Section):
    # Acknowledge many check-ins with one durable transaction (group commit); false: one
    # transaction per request.
    group_commit: bool = True
    max_batch: int = Field(default=256, ge=1)
    # Hours after a lesson ends (or its first report) that an assistant may still correct it.
    correction_window_hours: float = Field(default=24.0, ge=0)
    # Days an offline report may wait in a phone's outbox and still be accepted (marked late).
    max_report_age_days: float = Field(default=30.0, gt=0)

    def answers_kept(self) -> dt.timedelta:
        """How long first answers are remembered: a day past the oldest report accepted."""
        return dt.timedelta(days=self.max_report_age_days + 1)


class SolverWeights(Section):
    """`[solver.weights]`: the objective's weights (see docs/solver.md); defaults are tuned."""

    delivered: int = Field(default=1000, ge=1)
    pinned_enrolment: int = Field(default=40, ge=0)
    open_extra: int = Field(default=1, ge=0)
    continuity: int = Field(default=60, ge=0)
    same_day: int = Field(default=20, ge=0)
    alliance: int = Field(default=8, ge=0)
    balance: int = Field(default=3, ge=0)
    session: int = Field(default=10, ge=0)
    mixed_grades: int = Field(default=4, ge=0)


class SolverSettings(Section):
    time_limit_s: float = Field(default=10.0, gt=0)
    seed: int = 7
    num_workers: int = Field(default=2, ge=1)
    max_classrooms_per_session: int = Field(default=4, ge=1)
    max_classrooms_per_weak_session: int = Field(default=2, ge=1)
    max_classrooms_per_audio_only_session: int = Field(default=1, ge=1)
    overrun_minutes: int = Field(default=5, ge=0)
    teacher_buffer_minutes: int = Field(default=10, ge=0)
    # Rebalance: the cost of each lesson of the previous plan not kept, and CP-SAT's share of
    # the time (the whole rebalance stays near this plus a fraction of a second).
    change_penalty: int = Field(default=300, ge=0)
    rebalance_time_limit_s: float = Field(default=1.5, gt=0)
    # Open courses schools joined themselves, when the admin solves again: "keep" plans around
    # them (their periods busy for the classroom and its assistant, a seat kept) and ends only
    # those the new plan still breaks (today, audited); "drop" ends them all.
    self_enrolments: Literal["keep", "drop"] = "keep"
    weights: SolverWeights = SolverWeights()


class CatalogueSettings(Section):
    """`[catalogue]`: the open-course catalogue (docs/console.md)."""

    # Regions (counties) whose schools' joins wait for an admin's approval on the requests
    # page instead of being self-service; admins' own joins never wait.
    approval_regions: tuple[str, ...] = ()


class JobSettings(Section):
    """Long work run as jobs (a solve from the console): heartbeats and the stale sweep."""

    heartbeat_s: float = Field(default=1.0, gt=0)  # a running job stores progress this often
    stale_after_s: float = Field(default=30.0, gt=0)  # silent this long: its worker is gone
    sweep_every_s: float = Field(default=5.0, gt=0)  # how often runners look for stale jobs
    max_attempts: int = Field(default=2, ge=1)  # tries before a job is marked failed


class Settings(BaseSettings):
    """Every setting coordinator reads. Secrets come only from the environment."""

    model_config = SettingsConfigDict(
        env_prefix="COORDINATOR_",
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
    )

    database_url: str = DEFAULT_DATABASE_URL
    default_time_zone: str = "Asia/Shanghai"
    language: str = "zh"
    secret_key: SecretStr = SecretStr("")
    # Without COORDINATOR_SECRET_KEY a random key is kept in this file (mode 0600).
    secret_key_file: str = ".coordinator-secret"
    server: ServerSettings = ServerSettings()
    store: StoreSettings = StoreSettings()
    data: DataSettings = DataSettings()
    solver: SolverSettings = SolverSettings()
    jobs: JobSettings = JobSettings()
    feeds: FeedSettings = FeedSettings()
    checkins: CheckinSettings = CheckinSettings()
    streams: StreamsSettings = StreamsSettings()
    notifications: NotificationSettings = NotificationSettings()
    catalogue: CatalogueSettings = CatalogueSettings()
    # Addresses allowed to make nginx-rtmp's callbacks (on_publish, on_play, ...).
    stream_callbacks_from: tuple[str, ...] = ("127.0.0.1", "::1")
    # GET /metrics: from these addresses when no proxy forwarded the request, or from anywhere
    # with `Authorization: Bearer <COORDINATOR_METRICS_TOKEN>` (environment only).
    metrics_from: tuple[str, ...] = ("127.0.0.1", "::1")
    metrics_token: SecretStr = SecretStr("")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The file's values arrive as init arguments; the environment overrides them.
        return (env_settings, init_settings)


def load_settings(config_path: Path | None = None, **overrides: Any) -> Settings:
    """Read the settings file (if it exists), apply the environment, then explicit overrides."""
    path = config_path or DEFAULT_CONFIG_PATH
    from_file = _read_toml(path) if path.exists() else {}
    if config_path is not None and not config_path.exists():
        raise ConfigurationError(f"{config_path}: settings file not found")
    for dotted in _secret_paths(from_file):
        variable = "COORDINATOR_" + "__".join(dotted).upper()
        raise ConfigurationError(
            f"{path}: {'.'.join(dotted)} is a secret and must not be written in the settings "
            f"file; set the environment variable {variable} instead"
        )
    try:
        settings = Settings(**from_file)
    except ValidationError as error:
        raise ConfigurationError(f"{path}: {_describe(error)}") from error
    # Command-line values (already typed by the CLI) win over the file and the environment.
    return settings.model_copy(update=_without_none(overrides))


def _secret_paths(table: dict[str, Any], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for key, value in table.items():
        if isinstance(value, dict):
            found += _secret_paths(value, (*prefix, key))
        elif key in SECRET_NAMES:
            found.append((*prefix, key))
    return found


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except tomllib.TOMLDecodeError as error:
        raise ConfigurationError(f"{path}: not valid TOML: {error}") from error


def _without_none(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def _describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"])
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)
