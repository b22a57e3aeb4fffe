"""One typed settings object for every process (CLI, workers, beat, web).

Values come from the environment (prefix-free names such as ``DATABASE_URL`` and
``REDIS_URL``, plus ``SUMMITWATCH_*``) or a ``.env`` file. Unknown ``SUMMITWATCH_*`` variables
and invalid values fail loudly at start-up rather than being ignored.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("data")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False, populate_by_name=True)

    database_url: str = Field(default="", validation_alias="DATABASE_URL")
    # Empty means embedded mode: the stages run in-process, no broker.
    redis_url: str = Field(default="", validation_alias="REDIS_URL")
    data_dir: Path = Field(default=DEFAULT_DATA_DIR, validation_alias="SUMMITWATCH_DATA_DIR")
    log_level: str = Field(default="INFO", validation_alias="SUMMITWATCH_LOG_LEVEL")
    log_format: str = Field(default="auto", validation_alias="SUMMITWATCH_LOG_FORMAT")
    # Space-separated Apprise URLs used by the default alert rule. Never logged.
    alert_urls: str = Field(default="", validation_alias="SUMMITWATCH_ALERT_URLS", repr=False)
    alert_rules_file: Path | None = Field(default=None, validation_alias="SUMMITWATCH_ALERT_RULES")
    sources_file: Path | None = Field(default=None, validation_alias="SUMMITWATCH_SOURCES_FILE")
    user_agent: str = Field(
        default="SummitWatch/0.1 (+https://github.com/summitwatch/summitwatch; news monitor)",
        validation_alias="SUMMITWATCH_USER_AGENT",
    )
    # Hosts (host or host:port) that may resolve to loopback/private addresses: the fixture site.
    allow_private_hosts: str = Field(default="", validation_alias="SUMMITWATCH_ALLOW_PRIVATE_HOSTS")
    dispatch_interval_s: float = Field(default=30.0, gt=0, validation_alias="SUMMITWATCH_DISPATCH_INTERVAL_S")
    # An article still waiting for its next stage this long is re-enqueued by the tick.
    stale_after_s: float = Field(default=120.0, gt=0, validation_alias="SUMMITWATCH_STALE_AFTER_S")
    # How long a delivery may hold an alert before another worker may take it over (a worker
    # that died mid-send); also the at-least-once window for that alert.
    alert_lease_s: float = Field(default=300.0, gt=0, validation_alias="SUMMITWATCH_ALERT_LEASE_S")
    per_host_concurrency: int = Field(default=2, ge=1, validation_alias="SUMMITWATCH_PER_HOST_CONCURRENCY")
    max_source_errors: int = Field(default=10, ge=1, validation_alias="SUMMITWATCH_MAX_SOURCE_ERRORS")
    fetch_timeout_s: float = Field(default=20.0, gt=0, validation_alias="SUMMITWATCH_FETCH_TIMEOUT_S")
    max_body_bytes: int = Field(default=10 * 1024 * 1024, gt=0, validation_alias="SUMMITWATCH_MAX_BODY_BYTES")
    fixture_port: int = Field(default=8089, ge=0, le=65535, validation_alias="SUMMITWATCH_FIXTURE_PORT")
    # Prometheus exporter port of a worker process; 0 = off.
    metrics_port: int = Field(default=0, ge=0, le=65535, validation_alias="SUMMITWATCH_METRICS_PORT")
    web_host: str = Field(default="127.0.0.1", validation_alias="SUMMITWATCH_WEB_HOST")
    web_port: int = Field(default=8000, ge=0, le=65535, validation_alias="SUMMITWATCH_WEB_PORT")
    api_token: str = Field(default="", validation_alias="SUMMITWATCH_API_TOKEN", repr=False)

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError(f"SUMMITWATCH_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {value!r}")
        return level

    @field_validator("log_format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        if value not in {"auto", "json", "console"}:
            raise ValueError(f"SUMMITWATCH_LOG_FORMAT must be auto, json or console, not {value!r}")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str) -> str:
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(f"REDIS_URL must be a redis:// URL, not {value!r}")
        return value

    @model_validator(mode="after")
    def _refuse_unknown(self) -> "Settings":
        known = {f.validation_alias.upper() for f in type(self).model_fields.values() if isinstance(f.validation_alias, str)}
        unknown = sorted(k for k in os.environ if k.startswith("SUMMITWATCH_") and k not in known)
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(unknown)} (see .env.example)")
        return self

    @property
    def embedded(self) -> bool:
        return not self.redis_url

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'summitwatch.db').as_posix()}"

    @property
    def alert_url_list(self) -> list[str]:
        return self.alert_urls.split()

    @property
    def private_host_allowlist(self) -> frozenset[str]:
        return frozenset(h.strip().lower() for h in self.allow_private_hosts.replace(",", " ").split() if h.strip())


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def reset_settings() -> None:
    """Forget the cached settings (tests and the CLI change the environment)."""
    get_settings.cache_clear()
