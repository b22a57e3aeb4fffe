"""The SQLModel schema. Unique keys make every stage idempotent: a retried task converges
to the same rows instead of adding new ones.

Schema changes go through Alembic (``storage/migrations``); a test fails when these models
and the migrations disagree.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Timestamps are aware and stored as UTC (``timestamptz`` on PostgreSQL; SQLite keeps
    UTC without an offset and SQLModel hands it back aware)."""
    return datetime.now(timezone.utc)


def as_utc(moment: datetime | None) -> datetime | None:
    """Any timestamp as aware UTC; a naive one is taken to be UTC already."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _json(default: Any = None) -> Any:
    return Field(default_factory=(lambda: default() if callable(default) else default), sa_column=Column(JSON))


class Source(SQLModel, table=True):
    __tablename__ = "source"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(index=True, unique=True, max_length=100)
    name: str = Field(default="", max_length=200)
    kind: str = Field(max_length=20)  # rss | html_listing | sitemap | json_api
    url: str = Field(sa_column=Column(Text, nullable=False))
    host: str = Field(index=True, max_length=255)
    role: str = Field(default="press", max_length=20)  # official | press
    country: str | None = Field(default=None, max_length=2)
    timezone: str = Field(default="UTC", max_length=64)
    languages: list[str] = _json(list)
    config: dict[str, Any] = _json(dict)  # quirks as data: headers, tls, selectors, url language map
    poll_interval_s: int = Field(default=900)
    disabled: bool = Field(default=False)
    # Conditional-GET validators and the body hash for servers that ignore them.
    etag: str | None = Field(default=None, sa_column=Column(Text))
    last_modified: str | None = Field(default=None, max_length=100)
    content_hash: str | None = Field(default=None, max_length=64)
    next_poll_at: datetime = Field(default_factory=utcnow, index=True)
    lease_until: datetime | None = Field(default=None)
    error_count: int = Field(default=0)
    last_outcome: str | None = Field(default=None, max_length=20)
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    last_polled_at: datetime | None = None
    last_new_item_at: datetime | None = None
    items_seen: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow)


class Article(SQLModel, table=True):
    __tablename__ = "article"
    __table_args__ = (
        UniqueConstraint("source_id", "guid", name="uq_article_source_guid"),
        Index("ix_article_state", "state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id", index=True)
    url: str = Field(sa_column=Column(Text, nullable=False))
    canonical_url: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    guid: str | None = Field(default=None, max_length=512)
    title: str | None = Field(default=None, sa_column=Column(Text))
    published_at: datetime | None = None
    discovered_at: datetime = Field(default_factory=utcnow)
    fetched_at: datetime | None = None
    processed_at: datetime | None = None
    # pending -> fetched -> processed; failed keeps its error and can be retried.
    state: str = Field(default="pending", max_length=20)
    error: str | None = Field(default=None, sa_column=Column(Text))
    attempts: int = Field(default=0)
    html: str | None = Field(default=None, sa_column=Column(Text))
    html_hash: str | None = Field(default=None, max_length=64, index=True)
    clean_text: str | None = Field(default=None, sa_column=Column(Text))
    text_hash: str | None = Field(default=None, max_length=64, index=True)
    minhash: list[int] | None = Field(default=None, sa_column=Column(JSON))
    language: str | None = Field(default=None, max_length=10)
    script: str | None = Field(default=None, max_length=10)
    extractor_version: str | None = Field(default=None, max_length=40)
    # Set when this article is a syndicated copy/reprint of an earlier one.
    duplicate_of_id: int | None = Field(default=None, foreign_key="article.id")


class Event(SQLModel, table=True):
    __tablename__ = "event"
    __table_args__ = (
        Index("ix_event_format_ordinal", "format", "ordinal"),
        Index("ix_event_dates", "date_start", "date_end"),
    )

    id: int | None = Field(default=None, primary_key=True)
    type: str = Field(max_length=30)
    format: str | None = Field(default=None, max_length=100)
    ordinal: int | None = None
    city: str | None = Field(default=None, max_length=100)
    country: str | None = Field(default=None, max_length=2)
    date_start: date | None = None
    date_end: date | None = None
    status: str = Field(default="announced", max_length=20)
    participants: list[str] = _json(list)
    documents: list[dict[str, Any]] = _json(list)
    topics: list[str] = _json(list)
    title: str | None = Field(default=None, sa_column=Column(Text))
    # "reported" once any article reports it as its own event; "mentioned" only in passing.
    role: str = Field(default="reported", max_length=20)
    article_count: int = Field(default=0)
    independent_source_count: int = Field(default=0)
    has_conflict: bool = Field(default=False)
    status_history: list[dict[str, Any]] = _json(list)
    # field -> "official" | "press": who set it (official readouts win on conflicts)
    field_sources: dict[str, str] = _json(dict)
    # Bumped on every material change; part of the alert dedup key.
    content_version: int = Field(default=1)
    merged_into_id: int | None = Field(default=None, foreign_key="event.id")
    first_seen_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)


class EventMentionRow(SQLModel, table=True):
    __tablename__ = "event_mention"
    __table_args__ = (UniqueConstraint("article_id", "fingerprint", name="uq_mention_article_fingerprint"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True)
    event_id: int | None = Field(default=None, foreign_key="event.id", index=True)
    fingerprint: str = Field(max_length=40)
    role: str = Field(max_length=20)
    type: str = Field(max_length=30)
    format: str | None = Field(default=None, max_length=100)
    ordinal: int | None = None
    city: str | None = Field(default=None, max_length=100)
    country: str | None = Field(default=None, max_length=2)
    date_start: date | None = None
    date_end: date | None = None
    status: str = Field(max_length=20)
    participants: list[str] = _json(list)
    data: dict[str, Any] = _json(dict)  # documents, claims, topics, spans: the full mention
    language: str | None = Field(default=None, max_length=10)
    extractor_version: str = Field(max_length=40)
    evidence: dict[str, Any] = _json(dict)  # why this mention joined its event
    created_at: datetime = Field(default_factory=utcnow)


class Coverage(SQLModel, table=True):
    __tablename__ = "coverage"
    __table_args__ = (UniqueConstraint("event_id", "article_id", name="uq_coverage_event_article"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    article_id: int = Field(foreign_key="article.id", index=True)
    mention_id: int | None = Field(default=None, foreign_key="event_mention.id")
    role: str = Field(default="reported", max_length=20)
    fields: list[str] = _json(list)
    independent: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow)


class Claim(SQLModel, table=True):
    __tablename__ = "claim"
    __table_args__ = (
        UniqueConstraint("article_id", "measure", "value", "span_start", name="uq_claim_article_figure"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int | None = Field(default=None, foreign_key="event.id", index=True)
    article_id: int = Field(foreign_key="article.id", index=True)
    mention_id: int | None = Field(default=None, foreign_key="event_mention.id")
    measure: str = Field(max_length=60)
    value: float
    unit: str = Field(max_length=20)
    currency: str | None = Field(default=None, max_length=3)
    target_year: int | None = None
    qualifier: str | None = Field(default=None, max_length=20)
    count: int | None = None
    sentence: str = Field(sa_column=Column(Text, nullable=False))
    span_start: int
    span_end: int
    conflict_group: str | None = Field(default=None, max_length=80, index=True)
    created_at: datetime = Field(default_factory=utcnow)


class Alert(SQLModel, table=True):
    """The transactional outbox: written with the event change, delivered afterwards."""

    __tablename__ = "alert"
    __table_args__ = (Index("ix_alert_state_next", "state", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    kind: str = Field(max_length=30)  # new_event | status_changed | new_facts | conflict
    rule: str = Field(default="default", max_length=100)
    channel: str = Field(max_length=100)  # a channel name; the URL itself lives in settings/rules
    content_version: int = Field(default=1)
    dedup_key: str = Field(max_length=200, unique=True)
    state: str = Field(default="pending", max_length=20)  # pending | sending | sent | failed
    attempts: int = Field(default=0)
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    payload: dict[str, Any] = _json(dict)
    created_at: datetime = Field(default_factory=utcnow)
    next_attempt_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None


class FetchLog(SQLModel, table=True):
    __tablename__ = "fetch_log"

    id: int | None = Field(default=None, primary_key=True)
    source_id: int | None = Field(default=None, foreign_key="source.id", index=True)
    url: str = Field(sa_column=Column(Text, nullable=False))
    started_at: datetime = Field(default_factory=utcnow, index=True)
    status_code: int | None = None
    outcome: str = Field(max_length=20)
    duration_ms: float = 0.0
    bytes: int = 0
    new_items: int = 0
    error: str | None = Field(default=None, sa_column=Column(Text))
