"""A running backfill walk whose next page message was lost is found again by the tick."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from storage.db import session_scope
from storage.models import Source
from summitwatch.settings import Settings
from workers.backfill import stalled_walks
from workers.runtime import build_runtime

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
CURSOR = {"url": "https://example.kz/archive?page=7", "page": 7}


def _progress(state: str, minutes_ago: float, cursor: dict | None = CURSOR) -> dict:
    return {"since": "2025-01-01", "state": state, "cursor": cursor,
            "updated_at": (NOW - timedelta(minutes=minutes_ago)).isoformat()}


@pytest.mark.parametrize(
    ("name", "progress", "resumed"),
    [
        ("running and quiet for an hour", _progress("running", 60), True),
        ("running, last page a minute ago", _progress("running", 1), False),
        ("finished", _progress("done", 60), False),
        ("failed (rerun the command)", _progress("failed", 60), False),
        ("running without a cursor", _progress("running", 60, cursor=None), False),
        ("never backfilled", None, False),
    ],
)
def test_stalled_walks(sqlite_url, name, progress, resumed):
    rt = build_runtime(Settings(database_url=sqlite_url), clock=lambda: NOW)
    try:
        with session_scope(rt.engine) as session:
            config = {"backfill": progress} if progress else {}
            source = Source(key="archive", kind="html_listing", url="https://example.kz/news", host="example.kz",
                            config=config)
            session.add(source)
            session.flush()
            source_id = source.id
        found = stalled_walks(rt)
    finally:
        rt.close()
    assert found == ([(source_id, CURSOR)] if resumed else []), name
