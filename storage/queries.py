"""Queries the pipeline, the CLI and the web app share. Dialect-portable (SQLite, PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import bindparam, func, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session
from sqlmodel.sql.sqltypes import UTCDateTime

from storage.models import Article, Claim, Coverage, Event, FetchLog, Source

# A lease keeps a source from being dispatched twice while its poll is in flight; it expires
# on its own when a worker dies mid-poll, so the source is picked up again.
POLL_LEASE = timedelta(minutes=5)

_DUE_SOURCES_SQL = text(
    """
    WITH active AS (
        SELECT host, COUNT(*) AS n FROM source
        WHERE lease_until IS NOT NULL AND lease_until > :now GROUP BY host
    ),
    ranked AS (
        SELECT s.id, s.host, s.next_poll_at,
               ROW_NUMBER() OVER (PARTITION BY s.host ORDER BY s.next_poll_at, s.id) AS rn
        FROM source s
        WHERE NOT s.disabled
          AND s.next_poll_at <= :now
          AND s.error_count < :max_errors
          AND (s.lease_until IS NULL OR s.lease_until <= :now)
    )
    SELECT r.id FROM ranked r LEFT JOIN active a ON a.host = r.host
    WHERE r.rn + COALESCE(a.n, 0) <= :per_host
    ORDER BY r.next_poll_at, r.id
    LIMIT :batch
    """
).bindparams(bindparam("now", type_=UTCDateTime()))


def lease_due_sources(session: Session, now: datetime, *, per_host: int, max_errors: int,
                      batch: int = 500) -> list[int]:
    """Select due sources in one query (due, enabled, under the error limit, within the
    per-host concurrency limit) and lease them. Only ids whose lease this call took are
    returned, so two dispatchers never poll one source twice."""
    params = {"now": _aware(now), "per_host": per_host, "max_errors": max_errors, "batch": batch}
    due = [row[0] for row in session.execute(_DUE_SOURCES_SQL, params)]
    leased = []
    for source_id in due:
        result = session.execute(
            update(Source)
            .where(Source.id == source_id)
            .where(or_(Source.lease_until.is_(None), Source.lease_until <= _aware(now)))
            .values(lease_until=_aware(now + POLL_LEASE))
        )
        if result.rowcount:
            leased.append(source_id)
    return leased


def make_sources_due(session: Session, now: datetime, keys: Iterable[str] | None = None) -> int:
    statement = update(Source).values(next_poll_at=_aware(now), lease_until=None)
    if keys is not None:
        statement = statement.where(Source.key.in_(list(keys)))
    return session.execute(statement).rowcount


def insert_ignore(session: Session, model: type, rows: Sequence[dict[str, Any]], *,
                  conflict: Sequence[str]) -> list[int]:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id: the ids of the rows actually inserted."""
    if not rows:
        return []
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(model).values(list(rows)).on_conflict_do_nothing(index_elements=list(conflict))
    return [row[0] for row in session.execute(statement.returning(model.id))]


def candidate_events(session: Session, query: Any, limit: int = 200) -> list[Event]:
    """Events a mention might belong to, selected through the format and date indexes only
    (``query`` is a ``workers.resolve.CandidateQuery``)."""
    live = Event.merged_into_id.is_(None)
    selections = []
    if query.format is not None:
        by_format = select(Event.id).where(live, Event.format == query.format)
        if query.ordinal is not None:
            by_format = by_format.where(or_(Event.ordinal == query.ordinal, Event.ordinal.is_(None)))
        selections.append(by_format)
    if query.date_from is not None and query.date_to is not None:
        # A bounded range on date_start keeps this an index range scan, not a table scan.
        selections.append(
            select(Event.id).where(live, Event.date_start >= query.start_from, Event.date_start <= query.date_to,
                                   Event.date_end >= query.date_from)
        )
    ids = {row[0] for selection in selections for row in session.execute(selection.limit(limit))}
    if not ids:
        return []
    return list(session.scalars(select(Event).where(Event.id.in_(ids))).all())


def live_event(session: Session, event_id: int) -> Event | None:
    """Follow merges to the surviving event."""
    event = session.get(Event, event_id)
    seen = set()
    while event is not None and event.merged_into_id is not None and event.id not in seen:
        seen.add(event.id)
        event = session.get(Event, event.merged_into_id)
    return event


def event_coverage(session: Session, event_id: int) -> list[tuple[Coverage, Article, Source]]:
    rows = session.execute(
        select(Coverage, Article, Source)
        .join(Article, Article.id == Coverage.article_id)
        .join(Source, Source.id == Article.source_id)
        .where(Coverage.event_id == event_id)
        .order_by(Article.published_at.is_(None), Article.published_at, Article.id)
    )
    return [tuple(row) for row in rows]


def event_claims(session: Session, event_id: int) -> list[tuple[Claim, Article, Source]]:
    rows = session.execute(
        select(Claim, Article, Source)
        .join(Article, Article.id == Claim.article_id)
        .join(Source, Source.id == Article.source_id)
        .where(Claim.event_id == event_id)
        .order_by(Claim.measure, Claim.id)
    )
    return [tuple(row) for row in rows]


def live_events(session: Session, *, role: str | None = "reported") -> list[Event]:
    query = select(Event).where(Event.merged_into_id.is_(None))
    if role is not None:
        query = query.where(Event.role == role)
    return list(session.scalars(query.order_by(Event.first_seen_at, Event.id)).all())


def stale_articles(session: Session, older_than: datetime, limit: int = 500) -> list[tuple[int, str]]:
    """Articles whose next stage was never run (a lost task, a broker restart)."""
    rows = session.execute(
        select(Article.id, Article.state)
        .where(Article.state.in_(("pending", "fetched")))
        .where(Article.attempts < 5)
        .where(func.coalesce(Article.fetched_at, Article.discovered_at) <= _aware(older_than))
        .order_by(Article.id)
        .limit(limit)
    )
    return [(row[0], row[1]) for row in rows]


def source_health(session: Session, now: datetime, *, silent_after_intervals: int = 6) -> list[dict[str, Any]]:
    """Per source: last outcome, items per day, time since the last new item, silent state."""
    week_ago = now - timedelta(days=7)
    counts = dict(
        session.execute(
            select(Article.source_id, func.count(Article.id))
            .where(Article.discovered_at >= _aware(week_ago))
            .group_by(Article.source_id)
        ).all()
    )
    health = []
    for source in session.scalars(select(Source).order_by(Source.key)).all():
        items_per_day = counts.get(source.id, 0) / 7.0
        since_new = (_aware(now) - _aware(source.last_new_item_at)).total_seconds() if source.last_new_item_at else None
        health.append(
            {
                "key": source.key,
                "name": source.name,
                "kind": source.kind,
                "url": source.url,
                "role": source.role,
                "country": source.country,
                "languages": source.languages,
                "disabled": source.disabled,
                "last_outcome": source.last_outcome,
                "last_error": source.last_error,
                "error_count": source.error_count,
                "last_polled_at": _iso(source.last_polled_at),
                "next_poll_at": _iso(source.next_poll_at),
                "items_seen": source.items_seen,
                "items_per_day": round(items_per_day, 2),
                "seconds_since_new_item": round(since_new, 1) if since_new is not None else None,
                "state": _health_state(source, since_new, silent_after_intervals),
            }
        )
    return health


def _health_state(source: Source, since_new: float | None, silent_after: int) -> str:
    if source.disabled:
        return "disabled"
    if source.last_outcome is None:
        return "new"
    if source.last_outcome in {"hard", "blocked", "not_a_feed"}:
        return "failing"
    if source.last_outcome in {"soft", "temporary"}:
        return "degraded"
    # "Usually active": it has yielded items before; quiet now for several of its intervals.
    if source.items_seen and since_new is not None and since_new > silent_after * source.poll_interval_s:
        return "silent"
    return "ok"


def record_fetch(session: Session, *, source_id: int | None, url: str, outcome: str, status_code: int | None,
                 duration_ms: float, size: int, new_items: int = 0, error: str | None = None) -> None:
    session.add(FetchLog(source_id=source_id, url=url, outcome=outcome, status_code=status_code,
                         duration_ms=duration_ms, bytes=size, new_items=new_items, error=error))


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def _iso(moment: datetime | None) -> str | None:
    return _aware(moment).isoformat() if moment else None
