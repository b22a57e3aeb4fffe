"""Resolution: which stored event does a new mention belong to?

A pure function over a handful of candidates that the database has already narrowed down
(``candidate_query`` says how). Each candidate is scored by small, pluggable scorers; each
scorer adds a contribution or vetoes the pair outright, and says why. The reasons are kept as
the evidence of the decision, so every join can be explained later.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from workers.records import EventMention

# A scorer's contribution that rules the pair out, whatever the other scorers say.
VETO = float("-inf")
DEFAULT_THRESHOLD = 0.6

VISIT_TYPES = frozenset({"state_visit", "official_visit", "working_visit"})
# Occasions held within a visit: the visit is the containing event.
PART_TYPES = frozenset({"talks", "council_session"})

# Reports give the event's own dates; a few days of slack absorb time zones and
# "yesterday"/"today" resolved against a late publication time.
NEAR_DAYS = 3
# Announced dates move: a summit planned for the 15th may open on the 20th.
ANNOUNCED_DRIFT_DAYS = 14
# How far ahead an announcement without dates may look.
ANNOUNCEMENT_LEAD_DAYS = 90
# A report without dates is published during the event or within a week after it.
REPORT_LAG_DAYS = 7
# The longest occasion the date index is searched for: it bounds the index range scan.
MAX_EVENT_DAYS = 14


@dataclass(frozen=True, slots=True)
class EventSnapshot:
    """What resolution knows about a stored event."""

    id: int
    type: str
    format: str | None
    ordinal: int | None
    city: str | None
    country: str | None
    date_start: date | None
    date_end: date | None
    status: str
    participants: frozenset[str]
    role: str = "reported"


@dataclass(frozen=True, slots=True)
class CandidateQuery:
    """The indexed selection of events a mention may belong to.

    An event is a candidate when it has the mention's format and ordinal (or that format and
    no ordinal yet; ``format`` and ``ordinal`` are set only when the mention names both), or
    when its dates intersect [``date_from``, ``date_to``]. In SQL, with both indexes usable::

        (format = :format AND (ordinal = :ordinal OR ordinal IS NULL))
        OR (date_start BETWEEN :start_from AND :date_to AND date_end >= :date_from)
    """

    date_from: date | None
    date_to: date | None
    format: str | None
    ordinal: int | None

    @property
    def start_from(self) -> date | None:
        """Lower bound on ``date_start``: keeps the date predicate a bounded index range."""
        return self.date_from - timedelta(days=MAX_EVENT_DAYS) if self.date_from else None

    @property
    def selects_nothing(self) -> bool:
        return self.format is None and (self.date_from is None or self.date_to is None)

    def matches(self, snapshot: EventSnapshot) -> bool:
        """The same predicate as the SQL above, for a snapshot in memory."""
        if (
            self.format is not None
            and snapshot.format == self.format
            and snapshot.ordinal in (self.ordinal, None)
        ):
            return True
        span = _span(snapshot.date_start, snapshot.date_end)
        if span is None or self.date_from is None or self.date_to is None:
            return False
        return self.start_from <= span[0] <= self.date_to and span[1] >= self.date_from


@dataclass(slots=True)
class Decision:
    """The event a mention joins (None: it founds a new one), and why."""

    event_id: int | None
    score: float
    evidence: dict[str, Any]
    # Other events the mention matches as well: the same occasion stored twice, to merge.
    merge_ids: list[int] = field(default_factory=list)


Scorer = Callable[[EventMention, EventSnapshot, date | None], tuple[float, str]]


def candidate_query(mention: EventMention, published: date | None) -> CandidateQuery:
    """The date window (and exact format+ordinal) that the stored candidates must fall in."""
    published = _as_date(published)
    exact = bool(mention.format) and mention.ordinal is not None
    window = _window(mention, published)
    return CandidateQuery(
        date_from=window[0] if window else None,
        date_to=window[1] if window else None,
        format=mention.format if exact else None,
        ordinal=mention.ordinal if exact else None,
    )


def _window(mention: EventMention, published: date | None) -> tuple[date, date] | None:
    span = _span(mention.date_start, mention.date_end)
    announced = mention.status == "announced"
    if span is not None:
        slack = timedelta(days=ANNOUNCED_DRIFT_DAYS if announced else NEAR_DAYS)
        return span[0] - slack, span[1] + slack
    if published is None:
        return None
    if announced:
        return published - timedelta(days=NEAR_DAYS), published + timedelta(
            days=ANNOUNCEMENT_LEAD_DAYS
        )
    return published - timedelta(days=REPORT_LAG_DAYS), published + timedelta(days=1)


# --- scorers --------------------------------------------------------------------------------------


def format_ordinal(
    mention: EventMention, event: EventSnapshot, published: date | None
) -> tuple[float, str]:
    if not mention.format or not event.format:
        return 0.0, "format unknown on one side"
    if mention.format != event.format:
        return VETO, f"different formats: {mention.format} vs {event.format}"
    if mention.ordinal is None or event.ordinal is None:
        return 0.3, f"same format {mention.format}, ordinal unknown on one side"
    if mention.ordinal != event.ordinal:
        return (
            VETO,
            f"different meetings of {mention.format}: #{mention.ordinal} vs #{event.ordinal}",
        )
    return 0.6, f"same format and ordinal: {mention.format} #{mention.ordinal}"


def type_compatibility(
    mention: EventMention, event: EventSnapshot, published: date | None
) -> tuple[float, str]:
    if mention.type == event.type:
        return 0.2, f"same type: {event.type}"
    if _same_occasion(mention, event):
        return 0.0, f"types differ ({mention.type} vs {event.type}), same format and ordinal"
    kinds = {mention.type, event.type}
    if kinds <= VISIT_TYPES:
        return 0.1, f"both visits: {mention.type} vs {event.type}"
    if kinds & PART_TYPES and kinds <= PART_TYPES | VISIT_TYPES:
        gap = _gap(
            _span(mention.date_start, mention.date_end), _span(event.date_start, event.date_end)
        )
        if gap is None:
            return 0.05, f"{mention.type} and {event.type} may be one occasion, dates unknown"
        if gap <= 0:
            return 0.15, f"{mention.type} and {event.type} on overlapping dates: one occasion"
        return VETO, f"{mention.type} and {event.type} on different dates"
    return VETO, f"incompatible types: {mention.type} vs {event.type}"


def participant_overlap(
    mention: EventMention, event: EventSnapshot, published: date | None
) -> tuple[float, str]:
    named, stored = frozenset(mention.participants), event.participants
    if not named or not stored:
        return 0.0, "participants unknown on one side"
    common = len(named & stored)
    union = len(named | stored)
    jaccard = common / union
    if common == 0:
        if _same_occasion(mention, event):
            return 0.0, "no participant in common, same format and ordinal"
        return VETO, "no participant in common"
    if common in (len(named), len(stored)):
        # One side names a subset of the other: articles differ in whom they mention.
        return round(0.2 + 0.1 * jaccard, 3), f"participants nested, jaccard {jaccard:.2f}"
    if "summit" in (mention.type, event.type):
        return round(0.3 * jaccard - 0.05, 3), f"participants overlap, jaccard {jaccard:.2f}"
    # A bilateral occasion with a different counterpart on each side is another meeting.
    return -0.3, f"different counterparts, jaccard {jaccard:.2f}"


def host_place(
    mention: EventMention, event: EventSnapshot, published: date | None
) -> tuple[float, str]:
    if mention.city and event.city:
        if mention.city == event.city:
            return 0.2, f"same city: {event.city}"
        if _same_occasion(mention, event):
            return 0.0, f"cities differ ({mention.city} vs {event.city}), same format and ordinal"
        return VETO, f"different cities: {mention.city} vs {event.city}"
    if mention.country and event.country:
        if mention.country == event.country:
            return 0.1, f"same host country: {event.country}"
        if _same_occasion(mention, event):
            return (
                0.0,
                f"countries differ ({mention.country} vs {event.country}), same format and ordinal",
            )
        return VETO, f"different host countries: {mention.country} vs {event.country}"
    return 0.0, "place unknown on one side"


def date_window(
    mention: EventMention, event: EventSnapshot, published: date | None
) -> tuple[float, str]:
    stated = _span(mention.date_start, mention.date_end)
    stored = _span(event.date_start, event.date_end)
    if stated is not None and stored is not None:
        return _score_gap(_gap(stated, stored), mention, event)
    if stored is not None and published is not None and mention.role == "reported":
        return _score_publication(mention, stored, published)
    return 0.0, "dates unknown on one side"


def _score_gap(gap: int, mention: EventMention, event: EventSnapshot) -> tuple[float, str]:
    if gap <= 0:
        return 0.3, "dates overlap"
    if gap == 1:
        return 0.15, "dates one day apart"
    if gap <= NEAR_DAYS:
        return 0.05, f"dates {gap} days apart"
    if "announced" in (mention.status, event.status) and gap <= ANNOUNCED_DRIFT_DAYS:
        return 0.0, f"dates {gap} days apart, announced dates may move"
    if _same_occasion(mention, event):
        return 0.0, f"dates {gap} days apart, same format and ordinal"
    return VETO, f"dates {gap} days apart"


def _score_publication(
    mention: EventMention, stored: tuple[date, date], published: date
) -> tuple[float, str]:
    """A mention without dates is placed by its article's publication date."""
    if mention.status == "announced":
        if published <= stored[1] and (stored[0] - published).days <= ANNOUNCEMENT_LEAD_DAYS:
            return 0.05, "announcement published before the event"
        return 0.0, "announcement published after the event's dates"
    if stored[0] - timedelta(days=1) <= published <= stored[1] + timedelta(days=REPORT_LAG_DAYS):
        return 0.1, "report published during or just after the event"
    return 0.0, "report published away from the event's dates"


DEFAULT_SCORERS: tuple[Scorer, ...] = (
    format_ordinal,
    type_compatibility,
    participant_overlap,
    host_place,
    date_window,
)


# --- resolution -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Match:
    event: EventSnapshot
    total: float
    scores: dict[str, dict[str, Any]]
    vetoed_by: str | None


def resolve(
    mention: EventMention,
    candidates: Sequence[EventSnapshot],
    *,
    published: date | None,
    scorers: Sequence[Scorer] = DEFAULT_SCORERS,
    threshold: float = DEFAULT_THRESHOLD,
) -> Decision:
    """Join the best-scoring candidate at or above ``threshold``, or found a new event.

    ``merge_ids`` are the other candidates above the threshold that no scorer rules out
    against the chosen one: the mention shows they are the same occasion.
    """
    published = _as_date(published)
    matches = [_score(mention, event, published, scorers) for event in candidates]
    above = sorted(
        (m for m in matches if m.vetoed_by is None and m.total >= threshold),
        key=lambda m: (-m.total, m.event.id),
    )
    if not above:
        return _new_event(matches, threshold)
    best, others = above[0], above[1:]
    merge_ids, not_merged = _mergeable(best.event, others, scorers)
    evidence: dict[str, Any] = {
        "decision": "joined",
        "event_id": best.event.id,
        "total": round(best.total, 3),
        "threshold": threshold,
        "candidates": len(candidates),
        "scores": best.scores,
    }
    if merge_ids:
        evidence["merged"] = {
            str(m.event.id): round(m.total, 3) for m in others if m.event.id in merge_ids
        }
    if not_merged:
        evidence["not_merged"] = not_merged
    return Decision(best.event.id, round(best.total, 3), evidence, merge_ids)


def _score(
    mention: EventMention, event: EventSnapshot, published: date | None, scorers: Sequence[Scorer]
) -> _Match:
    total = 0.0
    scores: dict[str, dict[str, Any]] = {}
    for scorer in scorers:
        name = getattr(scorer, "__name__", repr(scorer))
        contribution, why = scorer(mention, event, published)
        if contribution == VETO:
            # JSON has no infinity: a veto is recorded by name.
            scores[name] = {"score": "veto", "why": why}
            return _Match(event, VETO, scores, name)
        scores[name] = {"score": contribution, "why": why}
        total += contribution
    # Rounded so that sums like 0.1 + 0.2 + 0.3 meet a threshold of 0.6.
    return _Match(event, round(total, 6), scores, None)


def _new_event(matches: list[_Match], threshold: float) -> Decision:
    evidence: dict[str, Any] = {
        "decision": "new_event",
        "threshold": threshold,
        "candidates": len(matches),
    }
    scored = [m for m in matches if m.vetoed_by is None]
    if scored:
        best = max(scored, key=lambda m: (m.total, -m.event.id))
        evidence["best"] = {
            "event_id": best.event.id,
            "total": round(best.total, 3),
            "scores": best.scores,
        }
        return Decision(None, round(best.total, 3), evidence)
    if matches:
        evidence["vetoed"] = {str(m.event.id): m.vetoed_by for m in matches}
    return Decision(None, 0.0, evidence)


def _mergeable(
    chosen: EventSnapshot, others: list[_Match], scorers: Sequence[Scorer]
) -> tuple[list[int], dict[str, str]]:
    """Other matches that are compatible with the chosen event itself.

    A vague mention can match two events that are plainly different (the 6th and the 7th
    meeting of one format); those are not merged.
    """
    as_mention = _as_mention(chosen)
    merge_ids: list[int] = []
    refused: dict[str, str] = {}
    for other in others:
        pair = _score(as_mention, other.event, None, scorers)
        if pair.vetoed_by is None:
            merge_ids.append(other.event.id)
        else:
            refused[str(other.event.id)] = f"{pair.vetoed_by}: {pair.scores[pair.vetoed_by]['why']}"
    return merge_ids, refused


def _as_mention(event: EventSnapshot) -> EventMention:
    return EventMention(
        role=event.role,
        type=event.type,
        status=event.status,
        format=event.format,
        ordinal=event.ordinal,
        city=event.city,
        country=event.country,
        date_start=event.date_start,
        date_end=event.date_end,
        participants=sorted(event.participants),
    )


# --- helpers --------------------------------------------------------------------------------------


def _same_occasion(mention: EventMention, event: EventSnapshot) -> bool:
    """Same format and same ordinal: the identity of a recurring meeting, stronger than any
    disagreement on place, people or dates (those are extraction slips)."""
    return (
        bool(mention.format)
        and mention.format == event.format
        and mention.ordinal is not None
        and mention.ordinal == event.ordinal
    )


def _span(start: date | None, end: date | None) -> tuple[date, date] | None:
    if start is None and end is None:
        return None
    start = start or end
    end = end or start
    return (start, end) if start <= end else (end, start)


def _gap(a: tuple[date, date] | None, b: tuple[date, date] | None) -> int | None:
    """Days between two date ranges: 0 or less when they share a day, 1 when adjacent."""
    if a is None or b is None:
        return None
    return (max(a[0], b[0]) - min(a[1], b[1])).days


def _as_date(value: date | datetime | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value
