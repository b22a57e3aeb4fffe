"""Read models of events: the one shape that alerts, the CLI's JSON, and the API all show."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from storage.models import Article, Claim, Coverage, Event, Source, as_utc
from workers.extract import lexicon
from workers.records import TYPE_LABELS


def display(kind: str, ident: str | None) -> str | None:
    """The English name of a lexicon id; an id the lexicon no longer knows shows as itself."""
    if ident is None:
        return None
    try:
        return lexicon.display_name(kind, ident) or ident
    except KeyError:
        return ident


def ordinal_en(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


VISIT_TYPES = {"state_visit", "official_visit", "working_visit"}


def event_title(event: Event) -> str:
    label = TYPE_LABELS.get(event.type, event.type)
    city, country = display("city", event.city), display("country", event.country)
    where = ", ".join(x for x in (city, country) if x)
    named = None
    if event.format:
        name = display("format", event.format)
        named = f"{ordinal_en(event.ordinal)} {name}" if event.ordinal else name
    if event.type in VISIT_TYPES:
        # A visit is named by who went where; a council held during it is part of it.
        guests = [display("person", p) for p in event.participants if lexicon.person_country(p) != event.country]
        head = f"{label}: {' and '.join(guests)} to {country}" if guests and country else label
        head += f" ({city})" if city and country else ""
        return f"{head}, with the {named}" if named else head
    if named:
        return f"{named} ({where})" if where else named
    people = " and ".join(display("person", p) for p in event.participants[:3])
    parts = [label]
    if people:
        parts.append(f"— {people}")
    if where:
        parts.append(f"in {where}")
    return " ".join(parts)


def date_range(start: date | None, end: date | None) -> str:
    if start is None:
        return "date unknown"
    if end is None or end == start:
        return start.isoformat()
    return f"{start.isoformat()} – {end.isoformat()}"


def event_view(session: Session, event: Event, *, with_claims: bool = True) -> dict[str, Any]:
    coverage = _coverage_rows(session, event.id)
    view = _event_fields(event)
    view["languages"] = sorted({row.language for row in coverage if row.language})
    view["coverage"] = [
        {
            "article_id": row.article_id,
            "url": row.url,
            "source": row.source,
            "source_name": row.source_name,
            "source_role": row.source_role,
            "language": row.language,
            "published_at": _iso(row.published_at),
            "title": row.title,
            "role": row.role,
            "independent": row.independent,
            "fields": list(row.fields),
        }
        for row in coverage
    ]
    if with_claims:
        view["claims"], view["conflicts"] = _claims_view(session, event.id)
    return view


def rule_view(session: Session, event: Event, *, with_languages: bool = True) -> dict[str, Any]:
    """The event view without its coverage and figures: every field an alert rule matches on
    (the coverage's languages too, unless no rule asks), read without loading the coverage."""
    view = _event_fields(event)
    if not with_languages:
        return view
    languages = session.scalars(
        select(Article.language).distinct()
        .join(Coverage, Coverage.article_id == Article.id)
        .where(Coverage.event_id == event.id)
    )
    view["languages"] = sorted({language for language in languages if language})
    return view


def _event_fields(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "title": event.title or event_title(event),
        "type": event.type,
        "format": display("format", event.format),
        "format_id": event.format,
        "ordinal": event.ordinal,
        "city": display("city", event.city),
        "city_id": event.city,
        "country": display("country", event.country),
        "country_ids": sorted({event.country} if event.country else set()),
        "date_start": event.date_start.isoformat() if event.date_start else None,
        "date_end": event.date_end.isoformat() if event.date_end else None,
        "status": event.status,
        "role": event.role,
        "participants": [display("person", p) for p in event.participants],
        "participant_ids": list(event.participants),
        "documents": [d.get("title") for d in event.documents],
        "documents_count": len(event.documents),
        "topics": list(event.topics),
        "article_count": event.article_count,
        "independent_source_count": event.independent_source_count,
        "status_history": list(event.status_history),
        "content_version": event.content_version,
        "has_conflict": event.has_conflict,
    }


def alert_view(session: Session, event: Event) -> dict[str, Any]:
    """The view alert planning reads: the event view with its conflicts but without the list
    of every figure, which planning never looks at and which grows with each article."""
    view = event_view(session, event, with_claims=False)
    view["conflicts"] = _claims_view(session, event.id, conflicting_only=True)[1]
    return view


def _coverage_rows(session: Session, event_id: int) -> list[Any]:
    # Columns, not whole rows: an article row carries its page and its text.
    return list(session.execute(
        select(Coverage.article_id, Coverage.role, Coverage.independent, Coverage.fields,
               Article.url, Article.language, Article.published_at, Article.title,
               Source.key.label("source"), Source.name.label("source_name"), Source.role.label("source_role"))
        .join(Article, Article.id == Coverage.article_id)
        .join(Source, Source.id == Article.source_id)
        .where(Coverage.event_id == event_id)
        .order_by(Article.published_at.is_(None), Article.published_at, Article.id)
    ))


def _claim_rows(session: Session, event_id: int, *, conflicting_only: bool) -> list[Any]:
    query = (
        select(Claim.measure, Claim.value, Claim.unit, Claim.currency, Claim.target_year, Claim.qualifier,
               Claim.count, Claim.sentence, Claim.conflict_group, Article.url, Article.language,
               Source.key.label("source"))
        .join(Article, Article.id == Claim.article_id)
        .join(Source, Source.id == Article.source_id)
        .where(Claim.event_id == event_id)
        .order_by(Claim.measure, Claim.id)
    )
    if conflicting_only:
        query = query.where(Claim.conflict_group.is_not(None))
    return list(session.execute(query))


def _claims_view(session: Session, event_id: int, *, conflicting_only: bool = False) -> tuple[list[dict], list[dict]]:
    claims, groups = [], defaultdict(list)
    for row in _claim_rows(session, event_id, conflicting_only=conflicting_only):
        item = {
            "measure": row.measure,
            "value": row.value,
            "unit": row.unit,
            "currency": row.currency,
            "target_year": row.target_year,
            "qualifier": row.qualifier,
            "count": row.count,
            "sentence": row.sentence,
            "source": row.source,
            "url": row.url,
            "language": row.language,
            "conflict_group": row.conflict_group,
        }
        claims.append(item)
        if row.conflict_group:
            groups[row.conflict_group].append(item)
    conflicts = [
        {
            "group": key,
            "measure": items[0]["measure"],
            "values": [{k: i[k] for k in ("value", "unit", "currency", "qualifier", "count", "source", "url", "language", "sentence")}
                       for i in items],
        }
        for key, items in groups.items()
    ]
    return claims, conflicts


def _iso(moment) -> str | None:
    moment = as_utc(moment)
    return moment.isoformat() if moment else None
