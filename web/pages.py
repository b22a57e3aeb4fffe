"""The dashboard: server-rendered pages over the same reads as the API."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlmodel import Session

from storage import queries
from storage.models import Article, Event
from web.api import SessionDep, events_page
from web.eventpage import claims_by_measure, coverage_by_language, event_detail
from web.evidence import evidence_rows
from web.filters import EventFilter
from web.formatting import LANGUAGE_NAMES
from workers.records import EVENT_TYPES, STATUSES
from workers.views import TYPE_LABELS, display, event_view

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
FILTER_KEYS = ("type", "country", "status", "language", "q", "leader", "format")


def render(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> Response:
    state = request.app.state
    return state.templates.TemplateResponse(
        request, template, {"live_poll_s": state.live_poll_s, **context}, status_code=status_code
    )


def chosen_filters(request: Request) -> dict[str, str]:
    """The timeline form's choices; a field left empty means "any"."""
    return {key: request.query_params.get(key, "").strip() for key in FILTER_KEYS}


@router.get("/", response_class=HTMLResponse)
def timeline_page(request: Request, session: SessionDep, page: int = 1) -> Response:
    page = max(page, 1)
    chosen = chosen_filters(request)
    wanted = EventFilter(**{("text" if key == "q" else key): value or None for key, value in chosen.items()})
    listing = events_page(session, wanted, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render(request, "events.html", {
        "events": listing.items,
        "total": listing.total,
        "page": page,
        "pages": max(1, -(-listing.total // PAGE_SIZE)),
        "cursor": listing.cursor,
        "chosen": chosen,
        "query": urlencode({k: v for k, v in chosen.items() if v}),
        "types": [(t, TYPE_LABELS.get(t, t)) for t in EVENT_TYPES],
        "statuses": STATUSES,
        "countries": _countries(session),
        "languages": _languages(session),
    })


def _countries(session: Session) -> list[tuple[str, str]]:
    """(id, English name) of the countries events take place in."""
    used = session.scalars(select(Event.country).where(Event.country.is_not(None)).distinct())
    return sorted(((code, display("country", code) or code) for code in used), key=lambda pair: pair[1])


def _languages(session: Session) -> list[tuple[str, str]]:
    used = set(session.scalars(select(Article.language).where(Article.language.is_not(None)).distinct()))
    codes = used | {code.split("-")[0] for code in used if "-" in code}
    return [(code, LANGUAGE_NAMES.get(code, code)) for code in sorted(codes)]


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event_page(request: Request, event_id: int, session: SessionDep) -> Response:
    event = queries.live_event(session, event_id)
    if event is None:
        raise HTTPException(404, f"no event {event_id}")
    if event.id != event_id:
        return RedirectResponse(request.url_for("event_page", event_id=event.id), status_code=301)
    detail = event_detail(session, event)
    rows = evidence_rows(detail["evidence"])
    return render(request, "event.html", {
        "event": detail,
        "coverage_groups": coverage_by_language(detail["coverage"]),
        "claim_groups": claims_by_measure(detail.get("claims", [])),
        "evidence": rows,
        "evidence_for": {row["row"] for row in rows},
        "coverage_of": {c["url"]: c for c in detail["coverage"]},
        "document_language": _document_languages(detail["evidence"]),
    })


def _document_languages(evidence: dict[str, list[dict[str, Any]]]) -> dict[str, str]:
    """A document's title in the language of the sentence it was read from."""
    return {q["sentence"][q["mark_start"]:q["mark_end"]]: q["language"] for q in evidence.get("documents", ())}


@router.get("/events/{event_id}/row", response_class=HTMLResponse)
def event_row(request: Request, event_id: int, session: SessionDep) -> Response:
    """One timeline row, for the live update."""
    event = queries.live_event(session, event_id)
    if event is None:
        raise HTTPException(404, f"no event {event_id}")
    return render(request, "event_row.html", {"event": event_view(session, event, with_claims=False)})


@router.get("/sources", response_class=HTMLResponse)
def sources_page(request: Request, session: SessionDep) -> Response:
    health = queries.source_health(session, datetime.now(timezone.utc))
    return render(request, "sources.html", {"sources": health})
