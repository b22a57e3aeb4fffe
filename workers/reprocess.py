"""Re-extraction of articles made by older extractor versions, in bounded batches.

Each article's old mentions, coverage and claims are withdrawn, the events they fed are
rebuilt from the mentions that remain (``lifecycle.replay``), and the article is extracted
and resolved again. The report says which events changed: fields added or removed, events
merged, and events left with no mention at all (retracted: the old extractor's mistakes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import delete, select
from sqlmodel import Session

from storage.db import session_scope
from storage.models import Article, Claim, Coverage, Event, EventMentionRow, Source, as_utc
from workers import lifecycle
from workers.extract import EXTRACTOR_VERSION, extract
from workers.records import ClaimMention, DocumentMention, EventMention, Span
from workers.resolution import STATE_FIELDS, apply_mentions, lock
from workers.runtime import Runtime

WATCHED_FIELDS = ("type", "format", "ordinal", "city", "country", "date_start", "date_end", "status", "participants")


@dataclass
class ReprocessReport:
    articles: int = 0
    changed_events: dict[int, dict[str, Any]] = field(default_factory=dict)
    new_events: list[int] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"articles": self.articles, "extractor_version": EXTRACTOR_VERSION,
                "changed_events": [{"event_id": k, **v} for k, v in sorted(self.changed_events.items())],
                "new_events": sorted(self.new_events)}


def outdated_articles(session: Session, limit: int) -> list[int]:
    rows = session.execute(
        select(Article.id)
        .where(Article.state == "processed", Article.extractor_version != EXTRACTOR_VERSION)
        .order_by(Article.id)
        .limit(limit)
    )
    return [row[0] for row in rows]


def reprocess(rt: Runtime, *, batch: int = 100, max_batches: int | None = None) -> ReprocessReport:
    report = ReprocessReport()
    rules = rt.alert_rules()
    done = 0
    while max_batches is None or done < max_batches:
        with session_scope(rt.engine) as session:
            ids = outdated_articles(session, batch)
        if not ids:
            break
        for article_id in ids:
            _reprocess_article(rt, article_id, rules, report)
        done += 1
    return report


def _reprocess_article(rt: Runtime, article_id: int, rules, report: ReprocessReport) -> None:
    from workers.clean import text_document

    with session_scope(rt.engine) as session:
        lock(session)
        article = session.get(Article, article_id)
        source = session.get(Source, article.source_id)
        touched = _withdraw(session, article_id)
        before = {event_id: _fields(session.get(Event, event_id)) for event_id in touched}
        for event_id in touched:
            _rebuild(session, event_id)
        published = article.published_at.replace(tzinfo=timezone.utc) if article.published_at else None
        doc = text_document(article.clean_text or "", article.url, timezone=source.timezone, published_at=published,
                            title=article.title, source_key=source.key, source_role=source.role,
                            source_country=source.country)
        high_water = session.scalar(select(Event.id).order_by(Event.id.desc()).limit(1)) or 0
        apply_mentions(session, article, source, doc, extract(doc), rules, rt.env, now=rt.clock())
        article.extractor_version = EXTRACTOR_VERSION
        article.processed_at = as_utc(rt.clock())
        session.flush()
        for event_id, old in before.items():
            diff = _diff(old, session.get(Event, event_id))
            if diff:
                report.changed_events.setdefault(event_id, {}).update(diff)
        report.new_events += [e for (e,) in session.execute(select(Event.id).where(Event.id > high_water))]
        report.articles += 1


def _withdraw(session: Session, article_id: int) -> set[int]:
    rows = session.scalars(select(EventMentionRow).where(EventMentionRow.article_id == article_id)).all()
    touched = {row.event_id for row in rows if row.event_id is not None}
    session.execute(delete(Claim).where(Claim.article_id == article_id))
    session.execute(delete(Coverage).where(Coverage.article_id == article_id))
    session.execute(delete(EventMentionRow).where(EventMentionRow.article_id == article_id))
    session.flush()
    return touched


def _rebuild(session: Session, event_id: int) -> None:
    """Rebuild an event's record from the mentions it still has, in publication order."""
    event = session.get(Event, event_id)
    rows = session.execute(
        select(EventMentionRow, Source.role, Article.published_at)
        .join(Article, Article.id == EventMentionRow.article_id)
        .join(Source, Source.id == Article.source_id)
        .where(EventMentionRow.event_id == event_id)
        .order_by(Article.published_at, EventMentionRow.id)
    ).all()
    if not rows:
        event.role = "retracted"
        session.add(event)
        return
    observations = [(mention_from_row(row), role, _aware(published)) for row, role, published in rows]
    state = lifecycle.replay(observations)
    for name in STATE_FIELDS:
        setattr(event, name, getattr(state, name))
    event.content_version += 1
    session.add(event)


def mention_from_row(row: EventMentionRow) -> EventMention:
    data = row.data or {}
    return EventMention(
        role=row.role, type=row.type, status=row.status, format=row.format, ordinal=row.ordinal,
        city=row.city, country=row.country, date_start=row.date_start, date_end=row.date_end,
        participants=list(row.participants or []),
        documents=[DocumentMention(title=d["title"], kind=d.get("kind"), span=Span(**d["span"]))
                   for d in data.get("documents", [])],
        documents_count=data.get("documents_count"),
        claims=[ClaimMention(**{**c, "span": Span(**c["span"])}) for c in data.get("claims", [])],
        topics=list(data.get("topics", [])),
        spans={k: [Span(**s) for s in v] for k, v in (data.get("spans") or {}).items()},
        language=row.language, script=data.get("script"), extractor_version=row.extractor_version,
    )


def _fields(event: Event | None) -> dict[str, Any]:
    if event is None:
        return {}
    return {name: getattr(event, name) for name in WATCHED_FIELDS} | {"role": event.role}


def _diff(old: dict[str, Any], event: Event | None) -> dict[str, Any]:
    new = _fields(event)
    diff: dict[str, Any] = {}
    added = [k for k in WATCHED_FIELDS if old.get(k) in (None, []) and new.get(k) not in (None, [])]
    removed = [k for k in WATCHED_FIELDS if old.get(k) not in (None, []) and new.get(k) in (None, [])]
    changed = [k for k in WATCHED_FIELDS if k not in added + removed and old.get(k) != new.get(k)]
    if added:
        diff["fields_added"] = added
    if removed:
        diff["fields_removed"] = removed
    if changed:
        diff["fields_changed"] = changed
    if event is not None and event.merged_into_id is not None:
        diff["merged_into"] = event.merged_into_id
    if new.get("role") == "retracted" and old.get("role") != "retracted":
        diff["retracted"] = True
    return diff


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=timezone.utc) if moment is not None and moment.tzinfo is None else moment
