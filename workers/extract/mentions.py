"""From sentence frames to event mentions: the article's own event and events named in passing.

The article's own event is read from the headline and the lead: the first frame there that
describes an event seeds it, and later frames join it only when they agree with it (same
format and ordinal, overlapping dates, the same leaders, the same host). Frames that speak
of something else (a background sentence, a future plan, a sidebar item) never join it; a
few of them, specific enough to name another event (a format with an ordinal, a date or a
city), become mentions with role "mentioned".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date

from workers.extract.frames import EVENT_TYPE_KINDS, Frame
from workers.extract.lexicon import Lexicon, per_lexicon
from workers.records import DateMention, EventMention, Span

VISIT_TYPES = ("state_visit", "official_visit", "working_visit")
# Longer than this, two dates of a visit's sentences are not the ends of one visit.
_LONGEST_VISIT_DAYS = 6
# Words that name the gathering itself rather than a leader's journey to it.
_GATHERINGS = frozenset({"summit", "session", "meeting"})
# A visit the text does not qualify is taken as official: the neutral middle of the three.
DEFAULT_VISIT_TYPE = "official_visit"


@dataclass
class _Event:
    """A growing group of frames about one event, with what they agree on so far."""

    frames: list[Frame] = field(default_factory=list)
    format: str | None = None
    ordinal: int | None = None
    date: DateMention | None = None
    leaders: list[str] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)
    city: str | None = None
    qualified_visit: bool = False
    # The frames headline and lead first, sorted once: assembling a mention reads it often.
    _order: list[Frame] | None = field(default=None, init=False, repr=False, compare=False)

    def ordered(self) -> list[Frame]:
        if self._order is None:
            self._order = _ordered(self.frames)
        return self._order

    def add(self, frame: Frame, lexicon: Lexicon) -> None:
        self.frames.append(frame)
        self._order = None
        if self.format is None and frame.formats:
            self.format = frame.formats[0].id
        if self.ordinal is None and frame.ordinal is not None:
            self.ordinal = frame.ordinal
        if self.date is None and frame.date is not None:
            self.date = frame.date
        for leader in frame.leader_ids:
            if leader not in self.leaders:
                self.leaders.append(leader)
        self.kinds |= frame.kinds
        if self.city is None and frame.cities:
            placed = [p for p in frame.cities if p.score > 0]
            if placed:
                self.city = max(placed, key=lambda p: p.score).id
        self.qualified_visit = self.qualified_visit or frame.visit_type is not None


@dataclass(frozen=True)
class Context:
    lexicon: Lexicon
    published: date | None
    dateline: DateMention | None
    language: str | None
    script: str | None
    version: str


def is_phone(frame: Frame) -> bool:
    return "phone" in frame.kinds


def usable(frame: Frame) -> bool:
    """Frames that may describe the article's own event."""
    return not (
        frame.in_sidebar or frame.background or frame.next_event or frame.plan or frame.ministerial
    )


def _format_family(lexicon: Lexicon, format_id: str) -> str:
    families = _families(lexicon)
    if format_id not in families:
        family, _ = lexicon.split_pair_format(format_id)
        families[format_id] = family.id if family else format_id
    return families[format_id]


@per_lexicon
def _families(lexicon: Lexicon) -> dict[str, str]:
    """Format id -> its family's id (or itself), filled as asked: telling a pair body's id
    from a format's walks the lexicon's formats."""
    return {}


def compatible(event: _Event, frame: Frame, lexicon: Lexicon) -> bool:
    if not usable(frame):
        return False
    if frame.sidelines and _is_summit(event, lexicon):
        return False  # talks on the summit's sidelines are an event of their own
    if frame.visit_type is not None and not frame.formats and _is_summit(event, lexicon):
        return False  # "coincided with Putin's state visit": a bilateral occasion of its own
    if event.frames and is_phone(event.frames[0]) != is_phone(frame):
        return False
    if frame.formats:
        frame_formats = {_format_family(lexicon, f.id) for f in frame.formats}
        if event.format is not None and _format_family(lexicon, event.format) not in frame_formats:
            return False
        if event.format is None and not _format_may_join(event, frame, lexicon):
            return False
    if frame.ordinal is not None and event.ordinal is not None and frame.ordinal != event.ordinal:
        return False
    if frame.date is not None and event.date is not None and not _overlap(frame.date, event.date):
        return False
    if not _leaders_agree(event, frame, lexicon):
        return False
    if not _places_agree(event, frame, lexicon):
        return False
    # A plan in an article that reports something done is another event.
    if (
        frame.status == "announced"
        and frame.date is None
        and any(f.status == "held" for f in event.frames)
    ):
        return frame.ordinal is not None and frame.ordinal == event.ordinal
    return True


def _is_summit(event: _Event, lexicon: Lexicon) -> bool:
    return event.format is not None and lexicon.format_kind(event.format) == "summit"


def _format_may_join(event: _Event, frame: Frame, lexicon: Lexicon) -> bool:
    """A format joins an event found without one only where the sentence says it took place.

    "Учрашувда Олий давлатлараро кенгашнинг биринчи йиғилишида эришилган келишувлар..." names
    the council, but the meeting reported is not its session. A summit format joins a visit
    only from the lead or from the visit's own sentence.
    """
    if frame.status is None and "participation" not in frame.kinds and frame.weight < 3:
        return False
    kinds = {lexicon.format_kind(f.id) for f in frame.formats}
    if "summit" in kinds and event.qualified_visit:
        return "visit" in frame.kinds
    if "summit" in kinds and event.kinds & {"visit", "talks"}:
        return frame.weight >= 2 or "visit" in frame.kinds
    return True


def _overlap(a: DateMention, b: DateMention) -> bool:
    return (a.start - b.end).days <= 1 and (b.start - a.end).days <= 1


def _leaders_agree(event: _Event, frame: Frame, lexicon: Lexicon) -> bool:
    if not frame.leaders or not event.leaders:
        return True
    new = [p for p in frame.leader_ids if p not in event.leaders]
    if not new:
        return True
    summit = event.format is not None and lexicon.format_kind(event.format) == "summit"
    if summit:
        return True
    # A bilateral event whose two sides are known takes in more people of those sides (a
    # prime minister at the airport, the president at the talks), not a third country.
    sides = {lexicon.person_country(p) for p in event.leaders}
    new_sides = {lexicon.person_country(p) for p in new} - sides
    return not new_sides or len(sides) < 2 and len(new_sides) == 1


def _places_agree(event: _Event, frame: Frame, lexicon: Lexicon) -> bool:
    if event.city is None or not frame.cities:
        return True
    placed = [p for p in frame.cities if p.score > 0]
    if not placed:
        return True
    city = max(placed, key=lambda p: p.score).id
    if city == event.city:
        return True
    summit = event.format is not None and lexicon.format_kind(event.format) == "summit"
    if summit:
        return False
    return lexicon.cities[city].country == lexicon.cities[event.city].country


# --- choosing the article's own event ----------------------------------------------------------


def _eventful(frame: Frame) -> bool:
    return bool(frame.kinds & EVENT_TYPE_KINDS or frame.formats)


def _strong(frame: Frame, lexicon: Lexicon) -> bool:
    return (
        bool(frame.formats)
        or (frame.visit_type is not None and bool(frame.leaders))
        or len({lexicon.person_country(p) for p in frame.leader_ids}) >= 2
    )


def _anchored(frame: Frame) -> bool:
    """The sentence says something of an occasion: its tense, its day, a leader or a visit.

    A format named with none of these is a subject of talk ("cooperation in the Central
    Asia + Japan format", "the council was set up in 2024"), not an event being reported.
    """
    return bool(
        frame.status
        or frame.dates
        or frame.leaders
        or frame.visit_type
        or frame.kinds & {"participation", "phone"}
    )


def _seeds(frames: list[Frame], lexicon: Lexicon) -> Iterator[Frame]:
    """Frames to grow the article's own event from, in the order to try them (the first
    that yields an event ends the search, so later ones are only judged when needed)."""
    yield from _ordered([f for f in frames if f.weight >= 2 and _may_seed(f)])
    yield from (f for f in frames if f.weight < 2 and _may_seed(f) and _strong(f, lexicon))


def _may_seed(frame: Frame) -> bool:
    return usable(frame) and _eventful(frame) and _anchored(frame)


def _grow(seed: Frame, ordered: list[Frame], lexicon: Lexicon) -> _Event:
    """The event of a seed frame with every frame that agrees with it; ``ordered``: the
    article's frames, headline and lead first."""
    event = _Event()
    event.add(seed, lexicon)
    for frame in ordered:
        if frame is not seed and compatible(event, frame, lexicon):
            event.add(frame, lexicon)
    return event


def reported_event(frames: list[Frame], ctx: Context) -> tuple[EventMention, list[Frame]] | None:
    ordered = _ordered(frames)
    for seed in _seeds(frames, ctx.lexicon):
        event = _grow(seed, ordered, ctx.lexicon)
        mention = _assemble(event, ctx, role="reported")
        if mention is not None:
            return mention, event.frames
    return None


def sideline_events(
    frames: list[Frame], used: list[Frame], main: EventMention | None, ctx: Context
) -> list[EventMention]:
    """Talks held on the sidelines of the article's summit: events of their own.

    They share the summit's place and day when the sentence gives neither.
    """
    found: list[EventMention] = []
    used_sentences = {f.sentence for f in used}
    for frame in frames:
        if not frame.sidelines or frame.sentence in used_sentences or not usable(frame):
            continue
        event = _Event()
        event.add(frame, ctx.lexicon)
        mention = _assemble(event, ctx, role="reported")
        if mention is None or mention.type != "talks":
            continue
        if main is not None and mention.city is None and main.city is not None:
            mention = replace(mention, city=main.city, country=main.country)
        if main is not None and not frame.dates and main.date_start is not None:
            mention = replace(mention, date_start=main.date_start, date_end=main.date_end)
        found.append(mention)
    return found


def separate_calls(mention: EventMention, lexicon: Lexicon, home: str | None) -> list[EventMention]:
    """A phone call is between two leaders: "spoke by phone with the presidents of Tajikistan
    and Kyrgyzstan" reports one call per counterpart, each with the leader who made them."""
    if mention.type != "phone_call":
        return [mention]
    sides: dict[str | None, list[str]] = {}
    for person in mention.participants:
        sides.setdefault(lexicon.person_country(person), []).append(person)
    if len(sides) < 3:
        return [mention]
    caller = home if home in sides else lexicon.person_country(mention.participants[0])
    # One span per participant, in the participants' order, where every one was found.
    spans = mention.spans.get("participants", [])
    span_of = dict(zip(mention.participants, spans)) if len(spans) == len(mention.participants) else {}
    calls = []
    for country, people in sides.items():
        if country == caller:
            continue
        participants = [*sides[caller], *people]
        call_spans = dict(mention.spans)
        call_spans["participants"] = [span_of[p] for p in participants if p in span_of]
        calls.append(replace(mention, participants=participants, spans=call_spans))
    return calls


# --- assembling a mention ------------------------------------------------------------------


def _ordered(frames: list[Frame]) -> list[Frame]:
    return sorted(frames, key=lambda f: (-f.weight, f.sentence))


def _event_type(
    event: _Event, format_kind: str | None, ctx: Context
) -> tuple[str | None, list[Span]]:
    frames = event.ordered()
    spans = [s for f in frames for s in f.event_spans][:3]
    if not event.kinds & EVENT_TYPE_KINDS and format_kind is None:
        return None, spans
    if is_phone(event.frames[0]):
        return "phone_call", spans
    if format_kind == "summit":
        return "summit", spans
    for frame in frames:
        if frame.visit_type:
            return frame.visit_type, [frame.visit_span] if frame.visit_span else spans
    if format_kind == "council":
        if "visit" in event.kinds:
            return ctx.lexicon.format_visit_type(event.format) or DEFAULT_VISIT_TYPE, spans
        return "council_session", spans
    if event.kinds & {"talks", "meeting"}:
        # "received the Prime Minister, who is in Tashkent on a visit": the event is the talks.
        return "talks", spans
    if "visit" in event.kinds:
        return DEFAULT_VISIT_TYPE, spans
    return None, spans


def _resolve_format(event: _Event, lexicon: Lexicon) -> str | None:
    if event.format is None:
        return None
    fmt = lexicon.formats.get(event.format)
    if fmt is None or fmt.family != "pair":
        return event.format
    countries: list[str] = []
    for leader in event.leaders:
        country = lexicon.person_country(leader)
        if country and country not in countries:
            countries.append(country)
    for frame in event.frames:
        if any(f.id == event.format for f in frame.formats):
            countries += [
                c for c in frame.countries if c not in countries and c in lexicon.countries
            ]
    if len(countries) < 2:
        return None
    return lexicon.pair_format(event.format, countries[0], countries[1])


def _format_span(event: _Event) -> list[Span]:
    for frame in event.ordered():
        for match in frame.formats:
            return [match.span]
    return []


def _ordinal_span(event: _Event) -> list[Span]:
    for frame in event.ordered():
        if frame.ordinal == event.ordinal and frame.ordinal_span:
            return [frame.ordinal_span]
    return []


def _best_city(
    event: _Event, lexicon: Lexicon, country: str | None = None
) -> tuple[str | None, list[Span]]:
    scores: Counter[str] = Counter()
    spans: dict[str, Span] = {}
    for frame in event.frames:
        for place in frame.cities:
            if country is not None and lexicon.cities[place.id].country != country:
                continue
            scores[place.id] += place.score * frame.weight
            spans.setdefault(place.id, place.span)
    if not scores:
        return None, []
    city = max(scores, key=lambda c: (scores[c], -_first_sentence(event, c)))
    return city, [spans[city]]


def _first_sentence(event: _Event, city: str) -> int:
    return min((f.sentence for f in event.frames for p in f.cities if p.id == city), default=10**6)


def _host(event: _Event, lexicon: Lexicon) -> tuple[str | None, list[Span]]:
    """The host country of a visit: where its city is, where it goes, whose hospitality."""
    city, spans = _best_city(event, lexicon)
    leader_countries = {lexicon.person_country(p) for p in event.leaders}
    destination, destination_spans = _destination(event)
    if city is not None and (
        len(leader_countries) < 2 or lexicon.cities[city].country in leader_countries
    ):
        country = lexicon.cities[city].country
        if destination is None or destination == country or _placed_firmly(event, city):
            return country, spans
        # "arrived in Kazakhstan on a state visit" ... "the launch of the Xi'an terminal": a
        # city named in passing elsewhere does not move the visit out of the country it went to.
        return destination, destination_spans
    if destination is not None:
        return destination, destination_spans
    for frame in event.ordered():
        for host in frame.hosts:
            return lexicon.person_country(host), []
    return None, []


def _destination(event: _Event) -> tuple[str | None, list[Span]]:
    """The country the visit's own sentences say it went to."""
    scores: Counter[str] = Counter()
    country_spans: dict[str, Span] = {}
    for frame in event.frames:
        if "visit" not in frame.kinds:
            continue
        for place in frame.destinations:
            scores[place.id] += place.score * frame.weight
            country_spans.setdefault(place.id, place.span)
    if not scores:
        return None, []
    country = max(scores, key=lambda c: scores[c])
    return country, [country_spans[country]]


def _placed_firmly(event: _Event, city: str) -> bool:
    """The city is where the visit or its talks were: a venue, "in Tashkent", or a visit
    sentence of its own."""
    return any(
        place.id == city and (place.score >= 2 or "visit" in frame.kinds)
        for frame in event.frames
        for place in frame.cities
    )


def _dates(
    event: _Event, status: str | None, kind: str | None, ctx: Context
) -> tuple[date | None, date | None, list[Span]]:
    dated = [f.date for f in _dating_frames(event, kind) if f.date is not None]
    if dated:
        best = dated[0]
        for other in dated[1:]:
            # "tomorrow" in the lead, "12–13 March" further down: the range says more.
            if other.start <= best.start and best.end <= other.end and other != best:
                best = other
        start, end = best.start, best.end
        if kind in VISIT_TYPES:
            start, end = _visit_days(event, start, end)
        if (
            status == "ongoing"
            and kind != "summit"
            and ctx.published is not None
            and ctx.published < start
        ):
            # A visit under way now, with a later part dated ("talks tomorrow"): it began
            # already. A summit has its own day: leaders arriving on its eve do not open it.
            start = ctx.published
        return start, end, [best.span]
    if ctx.dateline is not None:
        return ctx.dateline.start, ctx.dateline.end, [ctx.dateline.span]
    if ctx.published is not None and status in ("held", "ongoing", None):
        # A report with no date of its own is about the day it was published.
        return ctx.published, ctx.published, []
    return None, None, []


def _visit_days(event: _Event, start: date, end: date) -> tuple[date, date]:
    """A visit runs from the day it began to the day it ended, which the text often gives in
    two sentences ("arrived on 2 July", "the visit concluded on 3 July", "продлится до 14
    марта"): the visit's own sentences together span it, when that span is a visit's length."""
    days = [f.date for f in event.frames if f.date is not None and "visit" in f.kinds]
    first = min([start, *(d.start for d in days)])
    last = max([end, *(d.end for d in days)])
    if (last - first).days <= _LONGEST_VISIT_DAYS:
        return first, last
    return start, end


def _dating_frames(event: _Event, kind: str | None) -> list[Frame]:
    """The frames that date the event: for a summit, not a leader's arrival on its eve."""
    frames = event.ordered()
    if kind != "summit":
        return frames
    own = [f for f in frames if not _travel_only(f)]
    return own or frames


def _travel_only(frame: Frame) -> bool:
    return "visit" in frame.kinds and not frame.formats and not frame.kinds & _GATHERINGS


def _status(event: _Event) -> tuple[str | None, list[Span]]:
    cues = [(f.status, f.status_span) for f in event.ordered() if f.status]
    for wanted in ("held", "ongoing", "announced"):
        for status, span in cues:
            if status == wanted:
                return status, [span] if span else []
    return None, []


def _status_by_date(
    status: str | None,
    start: date | None,
    end: date | None,
    published: date | None,
    kind: str | None = None,
) -> str:
    if published is None or start is None or end is None:
        return status or "held"
    if kind == "summit" and status == "ongoing" and start > published:
        return "announced"  # the leaders are on their way; the summit itself is to come
    if status is None:
        if start > published:
            return "announced"
        return "held"
    if status == "held" and start <= published < end:
        return "ongoing"
    return status


def _valid(
    kind: str | None, event: _Event, fmt: str | None, host: str | None, lexicon: Lexicon
) -> bool:
    if kind is None:
        return False
    countries = {lexicon.person_country(p) for p in event.leaders}
    if kind == "summit":
        return fmt is not None
    if kind == "council_session":
        return fmt is not None or bool(event.leaders)
    if kind in VISIT_TYPES:
        if not event.leaders:
            return False
        if host is not None:
            # A trip inside the leader's own country is not a visit of ours.
            return bool(countries - {host}) or fmt is not None
        return len(countries) >= 2
    return len(countries) >= 2


def _assemble(event: _Event, ctx: Context, role: str) -> EventMention | None:
    lexicon = ctx.lexicon
    fmt = _resolve_format(event, lexicon)
    format_kind = lexicon.format_kind(event.format) if event.format else None
    kind, type_spans = _event_type(event, format_kind, ctx)
    if kind in VISIT_TYPES or kind in ("talks", "council_session"):
        country, country_spans = _host(event, lexicon)
        city, city_spans = (
            _best_city(event, lexicon, country) if country else _best_city(event, lexicon)
        )
        if city and country is None:
            country = lexicon.cities[city].country
    elif kind == "summit":
        city, city_spans = _best_city(event, lexicon)
        country = lexicon.cities[city].country if city else None
        country_spans = city_spans
        if country is None:
            country, country_spans = _summit_country(event)
    else:
        city, city_spans, country, country_spans = None, [], None, []
    if not _valid(kind, event, fmt, country, lexicon):
        return None
    status, status_spans = _status(event)
    start, end, date_spans = _dates(event, status, kind, ctx)
    status = _status_by_date(status, start, end, ctx.published, kind)
    participants = _participants(event, role)
    spans: dict[str, list[Span]] = {
        "type": type_spans,
        "format": _format_span(event) if fmt else [],
        "ordinal": _ordinal_span(event) if event.ordinal is not None else [],
        "city": city_spans if city else [],
        "country": country_spans if country else [],
        "date": date_spans,
        "status": status_spans,
        "participants": _participant_spans(event, participants),
    }
    return EventMention(
        role=role,
        type=kind,
        status=status,
        format=fmt,
        ordinal=event.ordinal if (fmt or kind == "council_session") else None,
        city=city,
        country=country,
        date_start=start,
        date_end=end,
        participants=participants,
        spans={k: v for k, v in spans.items() if v},
        language=ctx.language,
        script=ctx.script,
        extractor_version=ctx.version,
        confidence=_confidence(fmt, participants, start, city or country, status_spans, role),
    )


def _summit_country(event: _Event) -> tuple[str | None, list[Span]]:
    for frame in event.ordered():
        for place in frame.destinations:
            if place.score >= 2:
                return place.id, [place.span]
    return None, []


def _participant_spans(event: _Event, participants: list[str]) -> list[Span]:
    """One span per participant, where the text first names them (a name before a title)."""
    mentions = [m for f in sorted(event.frames, key=lambda f: f.sentence) for m in f.leaders]
    spans = []
    for person in participants:
        own = [m for m in mentions if m.person == person]
        named = [m for m in own if m.via == "name"] or own
        if named:
            spans.append(named[0].span)
    return spans


def _participants(event: _Event, role: str) -> list[str]:
    if role == "reported":
        return list(event.leaders)
    # Of another event, only leaders the text puts in it count, not one who speaks of it.
    return list(dict.fromkeys(p for f in event.frames if not f.speech for p in f.leader_ids))


def _confidence(fmt, participants, start, place, status_spans, role) -> float:
    score = 0.5 + 0.15 * bool(fmt) + 0.1 * bool(participants) + 0.1 * bool(start)
    score += 0.1 * bool(place) + 0.05 * bool(status_spans)
    if role == "mentioned":
        score *= 0.8
    return round(min(score, 1.0), 2)


# --- other events named in passing -------------------------------------------------------------


def mentioned_events(
    frames: list[Frame], used: list[Frame], reported: EventMention | None, ctx: Context
) -> list[EventMention]:
    """Events other than the article's own that the text names specifically enough."""
    groups: list[_Event] = []
    used_sentences = {f.sentence for f in used}
    for frame in frames:
        if frame.sentence in used_sentences or frame.ministerial or frame.plan or not frame.formats:
            continue
        if frame.background and frame.ordinal is None:
            continue
        if frame.ordinal is None and frame.date is None and not frame.cities:
            continue
        for group in groups:
            if _same_other_event(group, frame, ctx.lexicon):
                group.add(frame, ctx.lexicon)
                break
        else:
            group = _Event()
            group.add(frame, ctx.lexicon)
            groups.append(group)
    mentions = []
    for group in groups:
        mention = _assemble(group, ctx, role="mentioned")
        if mention is None or (reported is not None and _duplicates(mention, reported)):
            continue
        mentions.append(mention)
    return mentions


def _same_other_event(group: _Event, frame: Frame, lexicon: Lexicon) -> bool:
    formats = {_format_family(lexicon, f.id) for f in frame.formats}
    if group.format is None or _format_family(lexicon, group.format) not in formats:
        return False
    if group.ordinal is not None and frame.ordinal is not None:
        return group.ordinal == frame.ordinal
    if group.date is not None and frame.date is not None:
        return _overlap(group.date, frame.date)
    return True


def _duplicates(mention: EventMention, reported: EventMention) -> bool:
    if mention.format != reported.format:
        return False
    if mention.ordinal is not None and reported.ordinal is not None:
        return mention.ordinal == reported.ordinal
    if mention.date_start and reported.date_start and mention.date_end and reported.date_end:
        return (mention.date_start - reported.date_end).days <= 1 and (
            reported.date_start - mention.date_end
        ).days <= 1
    return True
