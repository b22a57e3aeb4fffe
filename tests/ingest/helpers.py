"""Building blocks of the pipeline-level ingestion tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from schedules.registry import spec_from_dict, upsert_sources
from seeds.site import FixtureSite
from storage.db import session_scope
from storage.models import FetchLog, Source
from summitwatch.settings import Settings
from workers.runtime import Runtime, build_runtime


class Clock:
    """The runtime's injected clock: time moves only when a test moves it."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> datetime:
        self.now += delta
        return self.now


def fixture_runtime(site: FixtureSite, database_url: str, clock: Clock, **settings: Any) -> Runtime:
    """A runtime that may fetch from the started fixture site, and only from it."""
    host = site.base_url.split("://", 1)[1]
    return build_runtime(Settings(database_url=database_url, allow_private_hosts=host, **settings), clock=clock)


def register(rt: Runtime, entries: list[dict[str, Any]]) -> dict[str, int]:
    """Upsert registry entries; their ids by key, all due at the runtime's now."""
    with session_scope(rt.engine) as session:
        upsert_sources(session, [spec_from_dict(entry) for entry in entries])
        rows = session.scalars(select(Source).where(Source.key.in_([e["key"] for e in entries]))).all()
        for row in rows:
            row.next_poll_at = rt.clock()
        return {row.key: row.id for row in rows}


def rss_entry(key: str, url: str, *, poll_interval_s: int = 3600, **quirks: Any) -> dict[str, Any]:
    return {
        "key": key, "name": key, "kind": "rss", "url": url, "homepage": url, "role": "press", "country": "KZ",
        "timezone": "Asia/Almaty", "languages": ["ru"], "poll_interval_s": poll_interval_s, "quirks": quirks,
    }


def source_row(session: Session, key: str) -> Source:
    return session.scalars(select(Source).where(Source.key == key)).one()


def fetch_logs(session: Session, source_id: int) -> list[FetchLog]:
    return list(session.scalars(select(FetchLog).where(FetchLog.source_id == source_id).order_by(FetchLog.id)))


def count(session: Session, model: type, *where: Any) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))
