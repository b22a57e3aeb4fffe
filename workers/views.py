"""Read models of events: the one shape that alerts, the CLI's JSON, and the API all show."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlmodel import Session

from storage import queries
from storage.models import Event, as_utc
from workers.extract import lexicon

TYPE_LABELS = {
    "summit": "Summit",
    "state_visit": "State visit",
    "official_visit": "Official visit",
    "working_visit": "Working visit",
    "talks": "Talks",
    "council_session": "Council session",
    "phone_call": "Phone call",
}


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
    coverage = queries.event_coverage(session, event.id)
    view = {
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
        "languages": sorted({a.language for _, a, _ in coverage if a.language}),
        "coverage": [
            {
                "article_id": article.id,
                "url": article.url,
                "source": source.key,
                "source_name": source.name,
                "source_role": source.role,
                "language": article.language,
                "published_at": _iso(article.published_at),
                "title": article.title,
                "role": cov.role,
                "independent": cov.independent,
                "fields": list(cov.fields),
            }
            for cov, article, source in coverage
        ],
    }
    if with_claims:
        view["claims"], view["conflicts"] = _claims_view(session, event.id)
    return view


def _claims_view(session: Session, event_id: int) -> tuple[list[dict], list[dict]]:
    claims, groups = [], defaultdict(list)
    for claim, article, source in queries.event_claims(session, event_id):
        item = {
            "measure": claim.measure,
            "value": claim.value,
            "unit": claim.unit,
            "currency": claim.currency,
            "target_year": claim.target_year,
            "qualifier": claim.qualifier,
            "count": claim.count,
            "sentence": claim.sentence,
            "source": source.key,
            "url": article.url,
            "language": article.language,
            "conflict_group": claim.conflict_group,
        }
        claims.append(item)
        if claim.conflict_group:
            groups[claim.conflict_group].append(item)
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
