"""Resolution against a large store: one mention against 10,000 events must be an index
lookup (format and date indexes), not a table scan. Prints the time and the query plans."""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from storage import queries
from storage.db import make_engine, migrate, session_scope
from storage.models import Event
from workers.records import EventMention
from workers.resolution import snapshot
from workers.resolve import candidate_query, resolve

FORMATS = ("ca-consultative-meeting", "sco", "cis", "ots", "cica", "eaeu", "csto", None, None, None)
TYPES = ("summit", "state_visit", "official_visit", "talks", "phone_call")
PEOPLE = ("kz-tokayev", "uz-mirziyoyev", "kg-japarov", "tj-rahmon", "tm-berdimuhamedov", "ru-putin", "cn-xi")


def _events(count: int, rng: random.Random) -> list[dict[str, Any]]:
    start = date(2000, 1, 1)
    rows = []
    for index in range(count):
        day = start + timedelta(days=rng.randrange(0, 365 * 26))
        fmt = rng.choice(FORMATS)
        rows.append({
            "type": "summit" if fmt else rng.choice(TYPES[1:]),
            "format": fmt,
            "ordinal": (index % 40) + 1 if fmt else None,
            "country": rng.choice(("KZ", "UZ", "KG", "TJ", "TM", "RU", "CN")),
            "date_start": day,
            "date_end": day + timedelta(days=rng.randrange(0, 3)),
            "status": "held",
            "participants": rng.sample(PEOPLE, 2),
            "role": "reported",
        })
    return rows


def run(events: int = 10_000, lookups: int = 200, database_url: str | None = None) -> dict[str, Any]:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="summitwatch-resolve-") as tmp:
        engine = make_engine(database_url or f"sqlite:///{Path(tmp) / 'resolve.db'}")
        migrate(engine)
        with session_scope(engine) as session:
            session.bulk_insert_mappings(Event, _events(events, rng))
        mentions = [
            EventMention(role="reported", type="state_visit", status="held", country="UZ",
                         date_start=date(2025, 11, 14) + timedelta(days=i % 30), date_end=date(2025, 11, 15) + timedelta(days=i % 30),
                         participants=["kz-tokayev", "uz-mirziyoyev"])
            for i in range(lookups // 2)
        ] + [
            EventMention(role="reported", type="summit", status="held", format="ca-consultative-meeting",
                         ordinal=6 + i % 5, date_start=date(2024, 8, 9), date_end=date(2024, 8, 9))
            for i in range(lookups - lookups // 2)
        ]
        timings, candidates = [], []
        with session_scope(engine) as session:
            for mention in mentions:
                started = time.perf_counter()
                found = queries.candidate_events(session, candidate_query(mention, mention.date_start))
                resolve(mention, [snapshot(e) for e in found], published=mention.date_start)
                timings.append((time.perf_counter() - started) * 1000.0)
                candidates.append(len(found))
            plans = _plans(session, engine.dialect.name)
        engine.dispose()
    ordered = sorted(timings)
    return {
        "stored_events": events,
        "lookups": lookups,
        "resolve_ms_median": round(statistics.median(timings), 3),
        "resolve_ms_p95": round(ordered[int(0.95 * (len(ordered) - 1))], 3),
        "candidates_median": statistics.median(candidates),
        "query_plans": plans,
    }


def _plans(session, dialect: str) -> dict[str, str]:
    by_date = ("SELECT id FROM event WHERE merged_into_id IS NULL AND date_start >= '2025-10-31' "
               "AND date_start <= '2025-11-18' AND date_end >= '2025-11-11'")
    by_format = "SELECT id FROM event WHERE merged_into_id IS NULL AND format = 'sco' AND ordinal = 6"
    explain = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN "
    return {
        name: " | ".join(str(row[-1]) for row in session.execute(text(explain + sql)))
        for name, sql in (("by_dates", by_date), ("by_format", by_format))
    }
