"""Lifecycle: how an event's canonical record changes as mentions of it arrive.

``fold`` takes the record and one more mention and returns the new record; the order in
which articles arrive must not matter more than the evidence they carry. Each field keeps
the strongest evidence seen so far:

- a report (the article's own event, told as happening or done) beats a passing mention,
  which beats an announcement; at equal strength, an official readout beats the press;
- status only moves forward: announced -> ongoing -> held;
- a part of an occasion (talks, a council session) never narrows the occasion that contains
  it (a visit); a mention of the containing occasion upgrades the record's type.

``field_sources`` records who set each field ("official" or "press") and, under
``"<field>.evidence"``, what kind of evidence it was ("report", "mention", "announcement",
or "part" for dates known only from a part of the occasion), so the record can be stored and
folded again later without the mentions.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from workers.records import DocumentMention, EventMention
from workers.resolve import EventSnapshot

STATUS_ORDER = {"announced": 0, "ongoing": 1, "held": 2}
KIND_ORDER = {"part": -1, "announcement": 0, "mention": 1, "report": 2}
VISIT_TYPES = frozenset({"state_visit", "official_visit", "working_visit"})
# Containment: talks happen at a council session, a council session during a visit.
TYPE_LEVEL = {
    "talks": 0,
    "council_session": 1,
    "state_visit": 2,
    "official_visit": 2,
    "working_visit": 2,
}
# Changes in these are material: they bump the event's content version.
RECORD_FIELDS = (
    "type",
    "format",
    "ordinal",
    "city",
    "country",
    "date_start",
    "date_end",
    "status",
    "participants",
    "documents",
    "topics",
    "role",
)


@dataclass(slots=True)
class EventState:
    """The canonical record of one event, as built from its mentions."""

    type: str
    format: str | None
    ordinal: int | None
    city: str | None
    country: str | None
    date_start: date | None
    date_end: date | None
    status: str
    participants: list[str] = field(default_factory=list)
    # {"title", "kind", "key" (normalised title), "source_role"}
    documents: list[dict[str, Any]] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    role: str = "mentioned"
    # {"status", "date" (the event date it refers to), "published" (the article's time)}
    status_history: list[dict[str, Any]] = field(default_factory=list)
    field_sources: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Evidence:
    """Who says it and how: the strength of one offer of a field value."""

    source: str  # official | press
    kind: str  # report | mention | announcement | part

    @property
    def rank(self) -> int:
        return KIND_ORDER.get(self.kind, 0) * 2 + (self.source == "official")

    @property
    def participant_rank(self) -> int:
        # Announcements name the expected participants as well as reports do; in-passing
        # references name them loosely. An official list beats any press list.
        return 2 * (self.source == "official") + (self.kind != "mention")


def new_state(mention: EventMention, *, source_role: str, published: datetime | None) -> EventState:
    """The record of an event founded by this mention."""
    evidence = _evidence_of(mention, source_role)
    state = EventState(
        type=mention.type,
        format=None,
        ordinal=None,
        city=None,
        country=None,
        date_start=None,
        date_end=None,
        status=mention.status,
        role=mention.role,
    )
    _set_source(state, "type", evidence)
    _offer_fields(state, mention, evidence, "same")
    state.status = _observed_status(mention, published, state.date_end)
    state.field_sources["status"] = evidence.source
    state.status_history.append(_history_entry(state, published))
    return state


def fold(
    state: EventState, mention: EventMention, *, source_role: str, published: datetime | None
) -> tuple[EventState, list[str]]:
    """The record after one more mention (a new copy), and the fields that changed."""
    new = copy.deepcopy(state)
    evidence = _evidence_of(mention, source_role)
    relation = _relation(state.type, mention.type)
    _offer_type(new, mention.type, evidence)
    _offer_fields(new, mention, evidence, relation)
    if mention.role == "reported":
        new.role = "reported"
    _offer_status(
        new, _observed_status(mention, published, new.date_end), evidence.source, published
    )
    return new, changed_fields(state, new)


def merge_states(into: EventState, other: EventState) -> tuple[EventState, list[str]]:
    """One record from two records of the same occasion, each field by its stored evidence."""
    new = copy.deepcopy(into)
    relation = _relation(into.type, other.type)
    _offer_type(new, other.type, _stored(other, "type"))
    if other.format:
        _offer_format(new, other.format, other.ordinal, _stored(other, "format"))
    _offer_place(new, "city", other.city, _stored(other, "city"))
    _offer_place(new, "country", other.country, _stored(other, "country"))
    _offer_dates(new, _span(other.date_start, other.date_end), _stored(other, "dates"), relation)
    _offer_participants(new, other.participants, _stored(other, "participants"))
    _offer_documents(new, other.documents)
    new.topics = list(dict.fromkeys([*new.topics, *other.topics]))
    if other.role == "reported":
        new.role = "reported"
    if STATUS_ORDER.get(other.status, 0) > STATUS_ORDER.get(new.status, 0):
        new.status = other.status
        new.field_sources["status"] = other.field_sources.get("status", "press")
    history = {_history_key(h): h for h in [*new.status_history, *other.status_history]}
    new.status_history = sorted(
        history.values(),
        key=lambda h: (STATUS_ORDER.get(h.get("status"), 0), h.get("published") or ""),
    )
    return new, changed_fields(into, new)


def replay(observations: Iterable[tuple[EventMention, str, datetime | None]]) -> EventState:
    """The record built from (mention, source role, published) in the given order."""
    state: EventState | None = None
    for mention, source_role, published in observations:
        if state is None:
            state = new_state(mention, source_role=source_role, published=published)
        else:
            state, _ = fold(state, mention, source_role=source_role, published=published)
    if state is None:
        raise ValueError("an event needs at least one mention")
    return state


def snapshot(event_id: int, state: EventState) -> EventSnapshot:
    """What resolution needs to know about a stored record."""
    return EventSnapshot(
        id=event_id,
        type=state.type,
        format=state.format,
        ordinal=state.ordinal,
        city=state.city,
        country=state.country,
        date_start=state.date_start,
        date_end=state.date_end,
        status=state.status,
        participants=frozenset(state.participants),
        role=state.role,
    )


def changed_fields(before: EventState, after: EventState) -> list[str]:
    """Record fields that differ materially: sets compare as sets, documents by their keys,
    and a reworded document title is no change."""
    changed = []
    for name in RECORD_FIELDS:
        old, new = getattr(before, name), getattr(after, name)
        if name in ("participants", "topics"):
            old, new = set(old), set(new)
        elif name == "documents":
            old, new = {_document_key(d) for d in old}, {_document_key(d) for d in new}
        if old != new:
            changed.append(name)
    return changed


def document_key(title: str) -> str:
    """A title folded for deduplication: case, ё, quotes, dashes and punctuation ignored."""
    folded = unicodedata.normalize("NFKC", title).casefold().replace("ё", "е")
    return re.sub(r"[\W_]+", " ", folded).strip()


# --- offers: one field at a time ------------------------------------------------------------------


def _offer_fields(
    state: EventState, mention: EventMention, evidence: _Evidence, relation: str
) -> None:
    if mention.format:
        _offer_format(state, mention.format, mention.ordinal, evidence)
    _offer_place(state, "city", mention.city, evidence)
    _offer_place(state, "country", mention.country, evidence)
    _offer_dates(state, _span(mention.date_start, mention.date_end), evidence, relation)
    _offer_participants(state, mention.participants, evidence)
    _offer_documents(state, [_document(d, evidence.source) for d in mention.documents])
    state.topics = list(dict.fromkeys([*state.topics, *mention.topics]))


def _offer_type(state: EventState, offered: str, evidence: _Evidence) -> None:
    if offered == state.type:
        return
    if _relation(state.type, offered) == "container":
        # "During the state visit ... the council met": the visit is the event.
        _set_source(state, "type", evidence)
        state.type = offered
    elif {state.type, offered} <= VISIT_TYPES and evidence.rank > _stored(state, "type").rank:
        _set_source(state, "type", evidence)
        state.type = offered


def _offer_format(
    state: EventState, format_id: str, ordinal: int | None, evidence: _Evidence
) -> None:
    if state.format is None:
        state.format, state.ordinal = format_id, ordinal
        _set_source(state, "format", evidence)
    elif state.format == format_id and state.ordinal is None and ordinal is not None:
        state.ordinal = ordinal
        _set_source(state, "format", evidence)


def _offer_place(state: EventState, name: str, value: str | None, evidence: _Evidence) -> None:
    current = getattr(state, name)
    if value is None or value == current:
        return
    if current is None or evidence.rank > _stored(state, name).rank:
        setattr(state, name, value)
        _set_source(state, name, evidence)


def _offer_dates(
    state: EventState, span: tuple[date, date] | None, evidence: _Evidence, relation: str
) -> None:
    """``relation``: how the offering occasion relates to the record's type before this
    offer (a part of it, its container, or the same occasion)."""
    if span is None:
        return
    current = _span(state.date_start, state.date_end)
    if current is None:
        kind = "part" if relation == "part" else evidence.kind
        _set_dates(state, span, _Evidence(evidence.source, kind))
        return
    stored = _stored(state, "dates")
    if relation == "part":
        # A council day extends the visit it belongs to, never narrows it.
        _set_dates(state, _union(current, span), stored)
    elif relation == "container" or stored.kind == "part":
        _set_dates(state, _union(current, span), evidence)
    elif evidence.rank > stored.rank:
        # A report's "16 November" replaces an announcement's "15–16 November".
        _set_dates(state, span, evidence)
    elif evidence.rank == stored.rank:
        _set_dates(state, _union(current, span), stored)
    elif evidence.kind == stored.kind == "report" and span[0] <= current[0] and current[1] <= span[1]:
        # An official readout dates the day it reports (the council's 15 November); a press
        # report's "14–15 November" around it is the whole occasion, not a disagreement.
        _set_dates(state, span, stored)


def _offer_participants(state: EventState, names: Sequence[str], evidence: _Evidence) -> None:
    if not names:
        return
    offered = list(dict.fromkeys(names))
    if not state.participants:
        state.participants = offered
        _set_source(state, "participants", evidence)
        return
    stored = _stored(state, "participants").participant_rank
    if evidence.participant_rank > stored:
        # The official readout's list wins over what the press names.
        state.participants = offered
        _set_source(state, "participants", evidence)
    elif evidence.participant_rank == stored:
        state.participants = list(dict.fromkeys([*state.participants, *offered]))


def _offer_documents(state: EventState, documents: Sequence[dict[str, Any]]) -> None:
    by_key = {_document_key(d): i for i, d in enumerate(state.documents)}
    for document in documents:
        key = _document_key(document)
        if not key:
            continue
        index = by_key.get(key)
        if index is None:
            by_key[key] = len(state.documents)
            state.documents.append(dict(document, key=key))
        elif (
            document.get("source_role") == "official"
            and state.documents[index].get("source_role") != "official"
        ):
            # Same document: the official readout's wording of the title.
            state.documents[index] = dict(document, key=key)
    if state.documents:
        official = any(d.get("source_role") == "official" for d in state.documents)
        state.field_sources["documents"] = "official" if official else "press"


def _offer_status(
    state: EventState, observed: str, source: str, published: datetime | None
) -> None:
    if STATUS_ORDER.get(observed, 0) <= STATUS_ORDER.get(state.status, 0):
        return  # a late-arriving announcement never moves a held event back
    state.status = observed
    state.field_sources["status"] = source
    state.status_history.append(_history_entry(state, published))


# --- helpers --------------------------------------------------------------------------------------


def _evidence_of(mention: EventMention, source_role: str) -> _Evidence:
    source = "official" if source_role == "official" else "press"
    if mention.status == "announced":
        return _Evidence(source, "announcement")
    return _Evidence(source, "report" if mention.role == "reported" else "mention")


def _stored(state: EventState, name: str) -> _Evidence:
    return _Evidence(
        state.field_sources.get(name, "press"),
        state.field_sources.get(f"{name}.evidence", "report"),
    )


def _set_source(state: EventState, name: str, evidence: _Evidence) -> None:
    state.field_sources[name] = evidence.source
    state.field_sources[f"{name}.evidence"] = evidence.kind


def _set_dates(state: EventState, span: tuple[date, date], evidence: _Evidence) -> None:
    state.date_start, state.date_end = span
    _set_source(state, "dates", evidence)


def _observed_status(
    mention: EventMention, published: datetime | date | None, end: date | None
) -> str:
    """The status a mention attests: a report published after the event's last day says
    it was held, whatever tense the article uses."""
    day = published.date() if isinstance(published, datetime) else published
    if mention.status != "announced" and day is not None and end is not None and day > end:
        return "held"
    return mention.status


def _history_entry(state: EventState, published: datetime | date | None) -> dict[str, Any]:
    day = state.date_end if state.status == "held" else state.date_start
    return {
        "status": state.status,
        "date": day.isoformat() if day else None,
        "published": published.isoformat() if published else None,
    }


def _history_key(entry: dict[str, Any]) -> tuple[Any, ...]:
    return entry.get("status"), entry.get("date"), entry.get("published")


def _relation(current: str, offered: str) -> str:
    """How an offered occasion relates to the record's: a part of it, its container, or
    the same kind of occasion."""
    if current not in TYPE_LEVEL or offered not in TYPE_LEVEL:
        return "same"
    if TYPE_LEVEL[offered] < TYPE_LEVEL[current]:
        return "part"
    if TYPE_LEVEL[offered] > TYPE_LEVEL[current]:
        return "container"
    return "same"


def _document(mention: DocumentMention, source: str) -> dict[str, Any]:
    return {
        "title": mention.title,
        "kind": mention.kind,
        "key": document_key(mention.title),
        "source_role": source,
    }


def _document_key(document: dict[str, Any]) -> str:
    return document.get("key") or document_key(document.get("title") or "")


def _span(start: date | None, end: date | None) -> tuple[date, date] | None:
    if start is None and end is None:
        return None
    start = start or end
    end = end or start
    return (start, end) if start <= end else (end, start)


def _union(a: tuple[date, date], b: tuple[date, date]) -> tuple[date, date]:
    return min(a[0], b[0]), max(a[1], b[1])
