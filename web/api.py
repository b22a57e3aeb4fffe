"""The HTTP API under ``/api/``: events, one event in full, articles, sources with their
health, and the alert rules (writes need ``Authorization: Bearer <SUMMITWATCH_API_TOKEN>``)."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import asdict
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlmodel import Session

from storage import queries
from storage.db import session_scope
from storage.models import Article, Coverage, Event, Source, as_utc
from web.eventpage import event_detail
from web.filters import EventFilter, in_language, matching_event_ids
from workers.alerts import DEFAULT_RULES_FILE, RulesError, load_rules
from workers.records import EVENT_TYPES, STATUSES
from workers.views import event_view

router = APIRouter(prefix="/api", tags=["api"])

EventType = Literal[EVENT_TYPES]
Status = Literal[STATUSES]
MAX_PAGE = 200


class Page(BaseModel):
    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int
    # Pass as ``since`` to get only what is new or changed after this page was read.
    cursor: str | None = None


class RulesFile(BaseModel):
    path: str
    content: str
    rules: list[dict[str, Any]] = []


class RulesUpdate(BaseModel):
    content: str


def db_session(request: Request) -> Iterator[Session]:
    with session_scope(request.app.state.engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(db_session)]


def event_filter(
    type: EventType | None = None,
    country: Annotated[str | None, Query(description="ISO code (UZ) or English name (Uzbekistan)")] = None,
    leader: Annotated[str | None, Query(description="person id or English name")] = None,
    format: Annotated[str | None, Query(description="format id or English name")] = None,
    status: Status | None = None,
    date_from: Annotated[date | None, Query(description="events ending on or after this day")] = None,
    date_to: Annotated[date | None, Query(description="events starting on or before this day")] = None,
    language: Annotated[str | None, Query(description="coverage language: kk, ru, uz (either script), uz-Cyrl")] = None,
    q: Annotated[str | None, Query(description="words of the title, place, people or coverage, any script")] = None,
    since: Annotated[datetime | None, Query(description="only events new or changed after this moment")] = None,
    role: Literal["reported", "mentioned", "any"] = "reported",
) -> EventFilter:
    return EventFilter(type=type, country=country, leader=leader, format=format, status=status, date_from=date_from,
                       date_to=date_to, language=language, text=q, since=since, role=None if role == "any" else role)


@router.get("/events", response_model=Page, summary="Events, filtered and paginated")
def list_events(
    session: SessionDep,
    wanted: Annotated[EventFilter, Depends(event_filter)],
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Page:
    return events_page(session, wanted, limit=limit, offset=offset)


def events_page(session: Session, wanted: EventFilter, *, limit: int, offset: int) -> Page:
    seen_up_to = cursor(session, wanted.since)  # read first: a change committed meanwhile comes next time
    ids = matching_event_ids(session, wanted)
    page_ids = ids[offset: offset + limit]
    events = {e.id: e for e in session.scalars(select(Event).where(Event.id.in_(page_ids)))}
    items = [event_view(session, events[i], with_claims=False) for i in page_ids]
    return Page(items=items, total=len(ids), limit=limit, offset=offset, cursor=seen_up_to)


def cursor(session: Session, since: datetime | None) -> str | None:
    """The newest change the reader has now seen."""
    latest = session.scalar(select(func.max(Event.last_seen_at)).where(Event.merged_into_id.is_(None)))
    latest = as_utc(latest) if latest else None
    if since is not None and (latest is None or latest < as_utc(since)):
        latest = as_utc(since)
    return latest.isoformat() if latest else None


@router.get("/events/{event_id}", summary="One event: coverage, claims, conflicts, documents, timeline, evidence")
def get_event(event_id: int, session: SessionDep) -> dict[str, Any]:
    event = queries.live_event(session, event_id)
    if event is None:
        raise HTTPException(404, f"no event {event_id}")
    return event_detail(session, event)


@router.get("/articles", response_model=Page, summary="Articles, newest first")
def list_articles(
    session: SessionDep,
    source: str | None = None,
    language: str | None = None,
    state: str | None = None,
    event_id: int | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Page:
    query = select(Article, Source.key).join(Source, Source.id == Article.source_id)
    if source:
        query = query.where(Source.key == source)
    if language:
        query = query.where(in_language(Article.language, language))
    if state:
        query = query.where(Article.state == state)
    if event_id is not None:
        query = query.where(Article.id.in_(select(Coverage.article_id).where(Coverage.event_id == event_id)))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.execute(
        query.order_by(Article.published_at.is_(None), Article.published_at.desc(), Article.id.desc())
        .limit(limit).offset(offset)
    ).all()
    events = _events_of(session, [article.id for article, _ in rows])
    items = [article_json(article, source_key, events.get(article.id, [])) for article, source_key in rows]
    return Page(items=items, total=total, limit=limit, offset=offset)


def _events_of(session: Session, article_ids: list[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    rows = session.execute(select(Coverage.article_id, Coverage.event_id).where(Coverage.article_id.in_(article_ids)))
    for article_id, event_id in rows:
        found.setdefault(article_id, []).append(event_id)
    return found


def article_json(article: Article, source_key: str, event_ids: list[int]) -> dict[str, Any]:
    return {
        "id": article.id,
        "url": article.url,
        "source": source_key,
        "title": article.title,
        "language": article.language,
        "script": article.script,
        "published_at": _iso(article.published_at),
        "fetched_at": _iso(article.fetched_at),
        "state": article.state,
        "error": article.error,
        "duplicate_of_id": article.duplicate_of_id,
        "event_ids": sorted(event_ids),
    }


def _iso(moment: datetime | None) -> str | None:
    return as_utc(moment).isoformat() if moment else None


@router.get("/sources", summary="Sources with their health")
def list_sources(session: SessionDep) -> list[dict[str, Any]]:
    return queries.source_health(session, datetime.now(timezone.utc))


# --- alert rules ----------------------------------------------------------------------------

def rules_path(request: Request) -> Path:
    return Path(request.app.state.settings.alert_rules_file or DEFAULT_RULES_FILE)


def require_token(request: Request, authorization: Annotated[str | None, Header()] = None) -> None:
    expected = request.app.state.settings.api_token
    if not expected:
        raise HTTPException(403, "writes are disabled: set SUMMITWATCH_API_TOKEN to enable them")
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(given.strip().encode(), expected.encode()):
        raise HTTPException(403, "a valid `Authorization: Bearer <token>` header is required")


@router.get("/alert-rules", response_model=RulesFile, summary="The alert rules file")
def get_rules(request: Request) -> RulesFile:
    path = rules_path(request)
    return RulesFile(path=str(path), content=path.read_text(encoding="utf-8"), rules=_rules_json(load_rules(path)))


@router.put("/alert-rules", response_model=RulesFile, dependencies=[Depends(require_token)],
            summary="Replace the alert rules file (validated first; needs the API token)")
def put_rules(update: RulesUpdate, request: Request) -> RulesFile:
    """The new rules are parsed as the workers parse them and written only when valid. Workers
    read the file when they start: restart them to apply it."""
    path = rules_path(request)
    rules = _write_validated(path, update.content)
    return RulesFile(path=str(path), content=update.content, rules=_rules_json(rules))


def _write_validated(path: Path, content: str) -> list:
    """Parse the new rules exactly as the workers will, then swap the file in atomically:
    a worker never reads a half-written or invalid file."""
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".alert_rules.", suffix=".yaml")
    except OSError as exc:
        raise HTTPException(409, f"the rules file's folder is not writable: {exc.strerror}") from exc
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(content)
        try:
            rules = load_rules(Path(temporary))
        except (RulesError, yaml.YAMLError) as exc:
            raise HTTPException(422, f"invalid rules: {exc}") from exc
        os.replace(temporary, path)
        return rules
    finally:
        Path(temporary).unlink(missing_ok=True)


def _rules_json(rules: list) -> list[dict[str, Any]]:
    return [asdict(rule) for rule in rules]
