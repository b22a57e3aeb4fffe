"""The records that pass between pipeline stages.

Plain dataclasses, no database and no I/O: every stage's pure core takes and returns these,
so stages can be tested and composed without a broker or a database.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

EVENT_TYPES = (
    "summit",
    "state_visit",
    "official_visit",
    "working_visit",
    "talks",
    "council_session",
    "phone_call",
)
# How each type reads in titles and messages.
TYPE_LABELS = {
    "summit": "Summit",
    "state_visit": "State visit",
    "official_visit": "Official visit",
    "working_visit": "Working visit",
    "talks": "Talks",
    "council_session": "Council session",
    "phone_call": "Phone call",
}
STATUSES = ("announced", "ongoing", "held")
# "reported": the article's own event. "mentioned": another event named in passing
# (background, a sidebar, reported future plans); stored, never alerted as new.
ROLES = ("reported", "mentioned")


@dataclass(frozen=True, slots=True)
class Span:
    """Character offsets into the cleaned article text, end exclusive."""

    start: int
    end: int
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(slots=True)
class FeedItem:
    """One entry of a source's index (RSS/Atom item, sitemap url, listing link, API record)."""

    url: str
    guid: str | None = None
    title: str | None = None
    published_at: datetime | None = None
    summary: str | None = None
    language: str | None = None


@dataclass(slots=True)
class CleanDoc:
    """An article after cleaning: main text without page furniture, plus page metadata."""

    url: str
    text: str
    title: str | None = None
    published_at: datetime | None = None
    # IANA zone of the publishing source, used to resolve relative dates ("Сегодня", "Бугун").
    timezone: str = "UTC"
    source_key: str | None = None
    # Official readouts (presidency, ministries) win over press on participants, dates, documents.
    source_role: str = "press"
    # The publishing source's country: "Мемлекет басшысы" on a Kazakh source is Kazakhstan's.
    source_country: str | None = None


@dataclass(slots=True)
class DateMention:
    start: date
    end: date
    span: Span
    # True when resolved from a relative word ("Бугун", "накануне") against the publication time.
    relative: bool = False


@dataclass(slots=True)
class ClaimMention:
    """A figure stated in the text, normalised."""

    measure: str  # what it measures: trade, investment, projects, jobs, freight, tourists, ...
    value: float  # in base units: 1.3 bn dollars -> 1.3e9
    unit: str  # "USD", "EUR", "KZT", "count", "tonnes", "percent", ...
    span: Span  # the sentence that states it
    currency: str | None = None
    scale: str | None = None  # as written: "bn", "mln", "thousand"
    target_year: int | None = None
    qualifier: str | None = None  # "more_than", "about", "up_to", or None for exact
    count: int | None = None  # a count stated beside a money value: "seven projects worth $1.2 bn"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["span"] = self.span.to_json()
        return data


@dataclass(slots=True)
class DocumentMention:
    title: str
    span: Span
    kind: str | None = None  # agreement, memorandum, decision, programme, roadmap, concept, ...


@dataclass(slots=True)
class EventMention:
    """One event as one article states it, every field with the span that supports it."""

    role: str
    type: str
    status: str
    format: str | None = None  # canonical format id from the lexicon
    ordinal: int | None = None
    city: str | None = None  # canonical city id from the lexicon
    country: str | None = None  # canonical country id (ISO 3166 alpha-2, upper case)
    date_start: date | None = None
    date_end: date | None = None
    participants: list[str] = field(default_factory=list)  # canonical person ids
    documents: list[DocumentMention] = field(default_factory=list)
    documents_count: int | None = None
    claims: list[ClaimMention] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    spans: dict[str, list[Span]] = field(default_factory=dict)
    language: str | None = None  # kk, ru, uz, en, ky, tg, tk
    script: str | None = None  # Cyrl, Latn
    extractor_version: str = ""
    confidence: float = 1.0

    def fingerprint(self) -> str:
        """Stable identity of this mention within its article (idempotent re-extraction)."""
        key = [
            self.role,
            self.type,
            self.format,
            self.ordinal,
            self.city,
            self.country,
            self.date_start.isoformat() if self.date_start else None,
            sorted(self.participants),
        ]
        return hashlib.sha1(json.dumps(key, ensure_ascii=False).encode()).hexdigest()[:20]

    def to_json(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "type": self.type,
            "status": self.status,
            "format": self.format,
            "ordinal": self.ordinal,
            "city": self.city,
            "country": self.country,
            "date_start": self.date_start.isoformat() if self.date_start else None,
            "date_end": self.date_end.isoformat() if self.date_end else None,
            "participants": list(self.participants),
            "documents": [
                {"title": d.title, "kind": d.kind, "span": d.span.to_json()} for d in self.documents
            ],
            "documents_count": self.documents_count,
            "claims": [c.to_json() for c in self.claims],
            "topics": list(self.topics),
            "spans": {k: [s.to_json() for s in v] for k, v in self.spans.items()},
            "language": self.language,
            "script": self.script,
            "extractor_version": self.extractor_version,
            "confidence": self.confidence,
        }


@dataclass(slots=True)
class EventChange:
    """What one resolved mention did to its event: the input to alert planning."""

    event_id: int
    created: bool
    role: str  # the event's role after the change: reported | mentioned
    status_before: str | None
    status_after: str
    content_version: int
    new_documents: list[str] = field(default_factory=list)
    new_claims: list[str] = field(default_factory=list)  # human-readable figures
    new_conflicts: list[str] = field(default_factory=list)  # claim conflict groups newly in conflict
    coverage_added: bool = False
    merged_event_ids: list[int] = field(default_factory=list)
    article_id: int | None = None  # the article whose mention made this change
