"""Which events a reader asked for: the filters of the API's event list and the dashboard's
timeline, applied in SQL where the database can, and in Python only for free text.

Countries, formats and leaders are stored as canonical ids (``UZ``, a format id, a person
id); a reader may also type their English names. Names are turned into ids by comparing them
with the display names of the ids the events actually use, so no second name table exists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import String, cast, false, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute
from sqlmodel import Session

from storage.models import Article, Coverage, Event, as_utc
from workers.extract.normalize import fold_key
from workers.views import display, event_title

WORD = re.compile(r"\w+", re.UNICODE)
# An event's change time is stamped before its transaction commits, so a reader's cursor may
# pass a change that commits a moment later; ``since`` looks back this far to catch it (a
# reader keys events by id, so seeing one twice is harmless).
SINCE_OVERLAP = timedelta(seconds=30)


@dataclass(frozen=True)
class EventFilter:
    """Every filter is optional; an empty filter lists every reported event."""

    type: str | None = None
    country: str | None = None
    leader: str | None = None
    format: str | None = None
    status: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    language: str | None = None
    text: str | None = None
    # Events new or changed after this moment: the dashboard's live update.
    since: datetime | None = None
    # "reported" (the default), "mentioned" (only named in passing), or None for both.
    role: str | None = "reported"


def matching_event_ids(session: Session, wanted: EventFilter) -> list[int]:
    """Ids of the live events that pass every filter, newest event date first."""
    query = select(Event.id).where(Event.merged_into_id.is_(None))
    for condition in _conditions(session, wanted):
        query = query.where(condition)
    query = query.order_by(Event.date_start.is_(None), Event.date_start.desc(), Event.id.desc())
    ids = list(session.scalars(query))
    if wanted.text and ids:
        ids = _text_matches(session, ids, wanted.text)
    return ids


def _conditions(session: Session, wanted: EventFilter) -> Iterable:
    if wanted.role:
        yield Event.role == wanted.role
    if wanted.type:
        yield Event.type == wanted.type
    if wanted.status:
        yield Event.status == wanted.status
    if wanted.country:
        yield Event.country.in_(ids_named(session, "country", Event.country, wanted.country))
    if wanted.format:
        yield Event.format.in_(ids_named(session, "format", Event.format, wanted.format))
    if wanted.leader:
        yield _with_participant(leader_ids(session, wanted.leader))
    if wanted.date_from:
        yield func.coalesce(Event.date_end, Event.date_start) >= wanted.date_from
    if wanted.date_to:
        yield Event.date_start <= wanted.date_to
    if wanted.language:
        yield Event.id.in_(_covered_in(wanted.language))
    if wanted.since:
        yield Event.last_seen_at > as_utc(wanted.since) - SINCE_OVERLAP


def _with_participant(people: list[str]):
    if not people:
        return false()
    # Participants are a JSON list of ids: its text holds each id in quotes, on both dialects.
    text = cast(Event.participants, String)
    return or_(*[text.contains(f'"{person}"', autoescape=True) for person in people])


def _covered_in(language: str):
    """Events with coverage in ``language``; "uz" takes in both scripts (uz-Cyrl, uz-Latn)."""
    return (
        select(Coverage.event_id)
        .join(Article, Article.id == Coverage.article_id)
        .where(in_language(Article.language, language))
    )


def in_language(column, language: str):
    """``language`` as written, or any of its scripts: "uz" takes in uz-Cyrl and uz-Latn."""
    return or_(column == language, column.startswith(f"{language}-", autoescape=True))


def ids_named(session: Session, kind: str, column: InstrumentedAttribute, wanted: str) -> list[str]:
    """The ids in ``column`` that are ``wanted`` or whose display name is ``wanted``."""
    used = session.scalars(select(column).where(column.is_not(None)).distinct())
    return [ident for ident in used if _names(kind, ident, wanted)]


def leader_ids(session: Session, wanted: str) -> list[str]:
    people = {person for row in session.scalars(select(Event.participants).where(Event.merged_into_id.is_(None)))
              for person in row or ()}
    return sorted(person for person in people if _names("person", person, wanted))


def _names(kind: str, ident: str, wanted: str) -> bool:
    wanted = wanted.strip().casefold()
    return wanted in (ident.casefold(), (display(kind, ident) or "").casefold())


def _text_matches(session: Session, ids: list[int], text: str) -> list[int]:
    """Events whose title, place, people or coverage titles contain every word of ``text``,
    in any script: words are compared by their folded keys, so "Ташкент" finds "Tashkent"."""
    wanted = word_keys(text)
    if not wanted:
        return ids
    haystacks = {event.id: searchable_text(event) for event in session.scalars(select(Event).where(Event.id.in_(ids)))}
    titles = session.execute(
        select(Coverage.event_id, Article.title).join(Article, Article.id == Coverage.article_id)
        .where(Coverage.event_id.in_(ids))
    )
    for event_id, title in titles:
        haystacks[event_id] += " " + (title or "")
    return [event_id for event_id in ids if contains_words(word_keys(haystacks[event_id]), wanted)]


def searchable_text(event: Event) -> str:
    names = [display("city", event.city), display("country", event.country), display("format", event.format),
             *[display("person", p) for p in event.participants or ()]]
    return " ".join(filter(None, [event.title or event_title(event), event.type.replace("_", " "), *names]))


def word_keys(text: str) -> list[str]:
    return [fold_key(word) for word in WORD.findall(text)]


def contains_words(haystack: list[str], wanted: list[str]) -> bool:
    """Every wanted word starts some word of the haystack (so "Tashkent" finds "Tashkentda")."""
    return all(any(word.startswith(key) for word in haystack) for key in wanted)
