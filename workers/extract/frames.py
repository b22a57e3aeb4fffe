"""One event frame per sentence: what the sentence says happened, where, when, with whom.

A frame is built from the lexicon hits of one sentence: event nouns and verbs (summit,
visit, talks, session, phone call), a summit format, an ordinal attached to the event noun,
places, dates, leaders, the tense of the event verb, and cues that the sentence speaks of
another event (background, "next", an invitation, a ministers' meeting). Frames are later
joined into the article's own event or kept apart as other events (mentions.py).
"""

from __future__ import annotations

import itertools
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from operator import attrgetter
from typing import TypeVar

from workers.extract.layout import SIDEBAR, Layout, Sentence
from workers.extract.lexicon import Format, Lexicon, Pattern, per_lexicon
from workers.extract.matcher import Hit, ending_of, label_parts
from workers.extract.normalize import Words
from workers.extract.people import PersonMention
from workers.records import DateMention, Span

EVENT_KINDS = {
    "term:event.summit": "summit",
    "term:event.meeting": "meeting",
    "term:event.session": "session",
    "term:event.visit": "visit",
    "term:event.visit_verb": "visit",
    "term:event.talks": "talks",
    "term:event.talks_verb": "talks",
    "term:event.phone": "phone",
    "term:event.participation": "participation",
}
# Kinds that say what the event was (taking part only says who was there).
EVENT_TYPE_KINDS = frozenset({"summit", "meeting", "session", "visit", "talks", "phone"})
VISIT_TYPES = {
    "term:qualifier.state": "state_visit",
    "term:qualifier.official": "official_visit",
    "term:qualifier.working": "working_visit",
}
STATUS_LABELS = {
    "term:status.held": "held",
    "term:status.future": "announced",
    "term:status.ongoing": "ongoing",
}
# When two tense markers are equally near the event word, the future wins ("will be held").
_STATUS_RANK = {"announced": 0, "ongoing": 1, "held": 2}
_ORDINAL_NOUNS = {"term:event.summit", "term:event.meeting", "term:event.session"}
_LOCATIVE = frozenset({"da", "de", "ta", "te", "nda", "nde", "do", "to"})
_DIRECTIONAL = frozenset({"ga", "ge", "ka", "ke", "na", "ne", "go", "ko"})
_SOURCE_ENDINGS = frozenset({"dan", "den", "tan", "ten", "nan", "nen"})
_GENITIVE = frozenset({"nin", "din", "tin", "ning", "nun", "dun", "tun"})
_LOCATIVE_PREPOSITIONS = frozenset({"v", "vo", "in", "at", "na"})
_DIRECTION_PREPOSITIONS = frozenset({"v", "vo", "to"})
_SOURCE_PREPOSITIONS = frozenset({"iz", "from", "s"})
_PLACE_PREPOSITIONS = _DIRECTION_PREPOSITIONS | _LOCATIVE_PREPOSITIONS
_COUNTRY_KINDS = ("country", "country_adj")  # hits that name a country
_NEW_WORDS = frozenset({"novii", "novom", "novogo", "novomu", "novim", "novaa", "angi", "nev"})
_QUOTES = "«\"“„'‘"
# A date far before publication is another, earlier event.
BACKGROUND_AGE = timedelta(days=60)


@dataclass(frozen=True, slots=True)
class Place:
    id: str
    span: Span
    score: int  # 3 venue, 2 "in X"/locative, 1 bare, 0 a dateline


@dataclass(frozen=True, slots=True)
class FormatMatch:
    id: str  # a format id, or a family id for pair bodies
    span: Span


@dataclass(slots=True)
class Frame:
    """Not changed once built, yet not frozen: a frozen dataclass sets each of these fields
    through ``object.__setattr__``, which made building a frame cost several microseconds."""

    sentence: int
    zone: str
    weight: float
    kinds: frozenset[str]
    event_spans: tuple[Span, ...]
    visit_type: str | None
    visit_span: Span | None
    formats: tuple[FormatMatch, ...]
    ordinal: int | None
    ordinal_span: Span | None
    leaders: tuple[PersonMention, ...]
    hosts: tuple[str, ...]  # in the order the text names them
    cities: tuple[Place, ...]
    destinations: tuple[Place, ...]  # countries a visit goes to or is held in
    countries: tuple[str, ...]  # every country the sentence names
    region: bool
    dates: tuple[DateMention, ...]
    status: str | None
    status_span: Span | None
    background: bool
    next_event: bool
    plan: bool
    ministerial: bool
    speech: bool  # reported speech: "X said the summit will be held"
    sidelines: bool  # talks on the sidelines of another event: an event of their own

    @property
    def in_sidebar(self) -> bool:
        return self.zone == SIDEBAR

    @property
    def leader_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(map(_person, self.leaders))) if self.leaders else ()

    @property
    def date(self) -> DateMention | None:
        return self.dates[0] if self.dates else None


@dataclass(frozen=True)
class Sentences:
    """What frame building needs about the article, computed once."""

    lexicon: Lexicon
    text: str
    words: Words
    layout: Layout
    hits: list[Hit]  # in text order, as are the people
    people: list[PersonMention]
    # the dates and the ordinals of a sentence, by its index (read when asked for)
    dates_of: Callable[[int], list[DateMention]]
    ordinals_of: Callable[[int], list[tuple[int, Span]]]
    published: date | None
    language: str | None
    country: str | None = None  # the source's country: whose "our country" the text says


def build_frames(doc: Sentences) -> list[Frame]:
    frames = []
    known_leaders: dict[str, bool] = {}  # person -> a leader on the day of publication
    # A sentence's hits and people are cut out of the article's lists only where a frame can
    # form: a long article has hundreds of hits and a few dozen such sentences.
    hit_starts = list(map(_start, doc.hits))
    people_starts = list(map(_start, doc.people))
    for index in _framing_sentences(doc):
        sentence = doc.layout.sentences[index]
        if sentence.zone == "header":
            continue
        hits = _within(sentence, doc.hits, hit_starts)
        people = _within(sentence, doc.people, people_starts)
        frame = _frame(doc, index, hits, people, known_leaders)
        if frame is not None:
            frames.append(frame)
    return frames


def _framing_sentences(doc: Sentences) -> Iterable[int]:
    """The sentences that can hold a frame, in order: those that name an event or a format
    (most sentences name neither)."""
    framing = _frame_labels(doc.lexicon)
    sentence_of = doc.layout.sentence_of
    return dict.fromkeys([sentence_of[h.start] for h in doc.hits if h.label in framing])


T = TypeVar("T")


def _within(sentence: Sentence, items: list[T], starts: list[int]) -> list[T]:
    """The items (in text order, ``starts`` their first words) that start in the sentence."""
    return items[bisect_left(starts, sentence.first_word) : bisect_left(starts, sentence.end_word)]


def _names_format(labels: set[str]) -> bool:
    """Whether a sentence with hits of these labels names a format."""
    return any(map(_format_word, labels))


_person = attrgetter("person")


@cache  # keyed by a lexicon label
def _format_word(label: str) -> bool:
    # Every format pattern names the format with at least one format word.
    return label.startswith("term:format.")


@per_lexicon
def _frame_labels(lexicon: Lexicon) -> frozenset[str]:
    """The labels of the words a frame can form around: event words and format words."""
    labels = {phrase.label for phrase in lexicon.phrases}
    return frozenset(label for label in labels if label in EVENT_KINDS or _format_word(label))


def _span(doc: Sentences, start: int, end: int) -> Span:
    a, b = doc.words.starts[start], doc.words.ends[end - 1]
    return Span(a, b, doc.text[a:b])


def _frame(
    doc: Sentences,
    index: int,
    hits: list[Hit],
    people: list[PersonMention],
    known_leaders: dict[str, bool],
) -> Frame | None:
    # What the sentence names at all: the steps below skip what it does not name.
    labels = {h.label for h in hits}
    event_hits = [h for h in hits if h.label in EVENT_KINDS]
    formats = _formats(doc, hits, labels) if _names_format(labels) else []
    own_kinds = {EVENT_KINDS[h.label] for h in event_hits}
    sidelines = "term:cue.sidelines" in labels and bool(own_kinds & {"talks", "meeting"})
    if sidelines or "term:cue.relative_to" in labels:
        # Talks "on the sidelines of" or "on the eve of" a summit: the summit only dates or
        # places them.
        formats = []
    if not event_hits and not formats:
        return None
    hit_kinds = {h.kind for h in hits}
    leaders = _leaders(doc, people, known_leaders)
    if "term:cue.absent" in labels:
        leaders = _present(leaders, [h for h in hits if h.label == "term:cue.absent"])
    kinds = frozenset(own_kinds)
    visit_type, visit_span = (None, None)
    if "term:event.visit" in labels:
        visit_type, visit_span = _visit_type(doc, hits, event_hits)
    ordinal, ordinal_span = (None, None)
    # An ordinal counts only before an event noun that takes one: read them only then.
    if not labels.isdisjoint(_ORDINAL_NOUNS) and (ordinals := doc.ordinals_of(index)):
        ordinal, ordinal_span = _ordinal(doc, ordinals, hits)
    status, status_span = (None, None)
    if not labels.isdisjoint(STATUS_LABELS):
        status, status_span = _status(doc, hits, event_hits, formats)
    dates = tuple(doc.dates_of(index))
    if status == "announced" and doc.published is not None:
        # A date before publication cannot be that of an event still to come.
        dates = tuple(d for d in dates if d.end >= doc.published)
    hosts: tuple[str, ...] = ()
    if leaders and not labels.isdisjoint(_HOST_CUES):
        hosts = _hosts(hits, leaders, doc.language)
    # Words where a region name starts: a place right before one is not counted.
    region_starts: set[int] = set()
    if "region" in hit_kinds:
        region_starts = {h.start for h in hits if h.kind == "region"}
    cities: tuple[Place, ...] = ()
    if "city" in hit_kinds or "venue" in hit_kinds:
        cities = tuple(_cities(doc, hits, labels, region_starts))
    destinations: tuple[Place, ...] = ()
    if "country" in hit_kinds or "term:cue.our_country" in labels:
        destinations = tuple(_destinations(doc, hits, labels, region_starts))
    countries: tuple[str, ...] = ()
    if "country" in hit_kinds or "country_adj" in hit_kinds:
        countries = tuple(dict.fromkeys([h.value for h in hits if h.kind in _COUNTRY_KINDS]))
    if "term:cue.background" in labels:
        background = _background(doc, hits, event_hits, dates)
    else:
        background = _old_date(doc, dates)
    ministerial = (
        "term:cue.minister" in labels
        and _ministerial(hits)
        and not leaders
        and "term:cue.heads_of_state" not in labels
    )
    return Frame(
        sentence=index,
        zone=doc.layout.sentences[index].zone,
        weight=doc.layout.position_weight(index),
        kinds=kinds,
        event_spans=tuple([_span(doc, h.start, h.end) for h in event_hits]),
        visit_type=visit_type,
        visit_span=visit_span,
        formats=tuple(formats),
        ordinal=ordinal,
        ordinal_span=ordinal_span,
        leaders=leaders,
        hosts=hosts,
        cities=cities,
        destinations=destinations,
        countries=countries,
        region="region" in hit_kinds,
        dates=dates,
        status=status,
        status_span=status_span,
        background=background,
        next_event="term:cue.next" in labels,
        plan="term:cue.invited" in labels
        and kinds <= {"visit"}
        and status not in ("held", "ongoing"),
        ministerial=ministerial,
        speech="term:cue.speech" in labels,
        sidelines=sidelines,
    )


def _leaders(
    doc: Sentences, people: Sequence[PersonMention], known: dict[str, bool]
) -> tuple[PersonMention, ...]:
    """The people named who lead a state or government on the day of publication; ``known``
    keeps the answer for each person across the article's sentences."""
    if not people:
        return ()
    for mention in people:
        if mention.person not in known:
            known[mention.person] = doc.lexicon.people[mention.person].is_leader(doc.published)
    return tuple([m for m in people if known[m.person]])


def _present(leaders: tuple[PersonMention, ...], absences: list[Hit]) -> tuple[PersonMention, ...]:
    """Leaders but the one each "did not attend" speaks of: the nearest named before it."""
    absent = set()
    for cue in absences:
        before = [m for m in leaders if m.end <= cue.start]
        if before:
            absent.add(max(before, key=lambda m: m.end).person)
    return tuple(m for m in leaders if m.person not in absent)


# How near an event word a background cue must stand to speak of that event.
_CUE_REACH = 6


def _background(doc: Sentences, hits: list[Hit], event_hits: list[Hit], dates) -> bool:
    """The sentence tells of an earlier event ("the first such meeting took place in 2018").

    A cue counts when it opens the sentence ("Ранее, ...") or stands next to the event word;
    a sentence dated close to publication is about now, whatever its adverbs.
    """
    if _old_date(doc, dates):
        return True
    cues = [h for h in hits if h.label == "term:cue.background"]
    if not cues:
        return False
    first_word = doc.layout.sentences[doc.layout.sentence_of[hits[0].start]].first_word
    opening = any(cue.start - first_word <= 1 for cue in cues)
    if dates:
        # "Бұған дейін, 16 маусымда ...", "Earlier, on 16 June ...": a sentence that opens on
        # a backward cue and is dated before publication tells of a day already past.
        return opening and _before_publication(doc, dates)
    anchors = [h.start for h in event_hits]
    return opening or any(
        abs(cue.start - a) <= _CUE_REACH for cue in cues for a in anchors
    )


def _before_publication(doc: Sentences, dates: tuple[DateMention, ...]) -> bool:
    return bool(doc.published and all(d.end < doc.published for d in dates))


def _old_date(doc: Sentences, dates: tuple[DateMention, ...]) -> bool:
    return bool(
        doc.published and dates and all(d.end < doc.published - BACKGROUND_AGE for d in dates)
    )


def _formats(doc: Sentences, hits: list[Hit], labels: set[str]) -> list[FormatMatch]:
    formats, triggers = _format_patterns(doc.lexicon)
    # Only the patterns one of the sentence's words triggers can match it.
    candidates = {p for label in labels for p in triggers.get(_format_key(label), ())}
    if not candidates:
        return []
    by_label: dict[str, list[Hit]] = {}
    for hit in hits:
        key = _format_key(hit.label)
        if key in by_label:
            by_label[key].append(hit)
        else:
            by_label[key] = [hit]
    found: dict[str, FormatMatch] = {}
    for position, number in sorted(candidates):
        fmt = formats[position]
        if fmt.id in found:
            continue  # a format matches on its first pattern that does
        match = _match_pattern(fmt.patterns[number], by_label)
        if match:
            found[fmt.id] = FormatMatch(fmt.id, _span(doc, *match))
    if not found:
        return []
    suppressed = {s for f in found for s in doc.lexicon.formats[f].suppresses}
    return [m for f, m in found.items() if f not in suppressed]


@cache  # keyed by a lexicon label
def _format_key(label: str) -> str:
    """What format patterns call a hit: its label without "term:", or "country.UZ" for a
    country named by its name ("country:UZ") or adjective ("country_adj:UZ"). A hit's kind
    and value are the parts of its label."""
    kind, value = label_parts(label)
    if kind in _COUNTRY_KINDS:
        return "country." + value
    return label[5:]


_Triggers = dict[str, tuple[tuple[int, int], ...]]  # hit key -> (format, pattern) positions


@per_lexicon
def _format_patterns(lexicon: Lexicon) -> tuple[tuple[Format, ...], _Triggers]:
    """The lexicon's formats in order, and for each hit key the patterns it triggers, as
    (format position, pattern position).

    A pattern needs every one of its items filled, so a sentence that fills none of the
    words of the item chosen as a pattern's trigger cannot match it. The trigger is the
    pattern's rarest item ("country.CN" rather than "format.central_asia" or "event.summit").
    """
    formats = tuple(lexicon.formats.values())
    patterns = [
        (position, number, pattern)
        for position, fmt in enumerate(formats)
        for number, pattern in enumerate(fmt.patterns)
    ]
    uses = Counter(key for *_, p in patterns for item in p.sentence + p.near for key in item)
    triggers: dict[str, list[tuple[int, int]]] = {}
    for position, number, pattern in patterns:
        items = pattern.sentence + pattern.near
        if not items:
            continue
        rarest = min(items, key=lambda item: sum(uses[key] for key in item))
        for key in rarest:
            triggers.setdefault(key, []).append((position, number))
    return formats, {key: tuple(p) for key, p in triggers.items()}


def _match_pattern(pattern: Pattern, by_label: dict[str, list[Hit]]) -> tuple[int, int] | None:
    """The words a pattern matches in a sentence: every item filled, the near ones close."""
    for item in pattern.sentence:
        if not any(map(by_label.__contains__, item)):
            return None
    options = []
    for item in pattern.near:
        if len(item) == 1:
            hits = by_label.get(item[0])
        else:
            hits = [h for a in item if a in by_label for h in by_label[a]]
        if not hits:
            return None
        options.append(hits)
    for combination in itertools.product(*options):
        starts = list(map(_start, combination))
        ends = list(map(_end, combination))
        if max(starts) - min(ends) <= pattern.window:  # the gap between the words
            return min(starts), max(ends)
    return None


_start = attrgetter("start")
_end = attrgetter("end")


def _visit_type(
    doc: Sentences, hits: list[Hit], event_hits: list[Hit]
) -> tuple[str | None, Span | None]:
    visit_starts = {h.start for h in event_hits if h.label == "term:event.visit"}
    for hit in hits:
        if hit.label in VISIT_TYPES and hit.end in visit_starts:
            return VISIT_TYPES[hit.label], _span(doc, hit.start, hit.end + 1)
    return None, None


def _ordinal(
    doc: Sentences, ordinals: list[tuple[int, Span]], hits: list[Hit]
) -> tuple[int | None, Span | None]:
    """Of a sentence's ``ordinals``, one that stands before the event noun, with only format
    words between."""
    nouns = {i for h in hits if h.label in _ORDINAL_NOUNS for i in range(h.start, h.end)}
    transparent = {
        i
        for h in hits
        if _format_word(h.label)
        or h.kind in _COUNTRY_KINDS
        or h.label == "term:cue.heads_of_state"
        for i in range(h.start, h.end)
    }
    for value, span in ordinals:
        position = doc.words.index_at(span.end - 1) + 1
        steps = 0
        while position < len(doc.words) and steps <= 4:
            if position in nouns:
                return value, span
            if position not in transparent:
                break
            position += 1
            steps += 1
    return None, None


def _status(
    doc: Sentences, hits: list[Hit], event_hits: list[Hit], formats: list[FormatMatch]
) -> tuple[str | None, Span | None]:
    markers = [h for h in hits if h.label in STATUS_LABELS]
    if not markers:
        return None, None
    if len(markers) == 1:
        (best,) = markers
        return STATUS_LABELS[best.label], _span(doc, best.start, best.end)
    # A marker inside a longer one ("held" in "to be held") is part of it.
    markers = [
        m
        for m in markers
        if not any(
            o is not m
            and o.start <= m.start
            and m.end <= o.end
            and (o.end - o.start) > (m.end - m.start)
            for o in markers
        )
    ]
    anchors = [h.start for h in event_hits] or [doc.words.index_at(f.span.start) for f in formats]

    def distance(marker: Hit) -> tuple[int, int]:
        near = min(min(abs(marker.start - a), abs(marker.end - 1 - a)) for a in anchors)
        return near, _STATUS_RANK[STATUS_LABELS[marker.label]]

    best = min(markers, key=distance)
    return STATUS_LABELS[best.label], _span(doc, best.start, best.end)


# Endings of a subject (the one who thanks, the one who visits): no case ending, or the
# Kazakh/Uzbek possessive of a title ("Өзбекстан президенті", "Президенти").
_SUBJECT_ENDINGS = frozenset({"", "i", "si"})
# Cues that name a host: thanks for hospitality, a visit at someone's invitation.
_HOST_CUES = ("term:cue.hospitality", "term:cue.invitation")


def _hosts(
    hits: list[Hit], leaders: tuple[PersonMention, ...], language: str | None
) -> tuple[str, ...]:
    """Leaders whose hospitality is thanked or whose invitation brought the visitor.

    The host is the leader in an oblique case next to the cue ("благодарил Мирзиёева за
    гостеприимство", "Мирзиеевке ... қонақжайлығы үшін", "по приглашению Президента
    Узбекистана"); the subject who thanks is not. English has no case: there the host is
    any leader near the cue but the sentence's first one.
    """
    cues = [h for h in hits if h.label in _HOST_CUES]
    if not cues or not leaders:
        return ()
    first = leaders[0].person
    hosts: dict[str, None] = {}
    for cue in cues:
        for mention in leaders:
            if min(abs(mention.start - cue.end), abs(cue.start - mention.end)) > 6:
                continue
            if language == "en" or language is None:
                if mention.person != first or len({m.person for m in leaders}) == 1:
                    hosts[mention.person] = None
            elif mention.ending not in _SUBJECT_ENDINGS:
                hosts[mention.person] = None
    return tuple(hosts)


def _previous_key(doc: Sentences, index: int) -> str:
    return doc.words.keys[index - 1] if index > 0 else ""


def _quoted(doc: Sentences, hit: Hit) -> bool:
    start = doc.words.starts[hit.start]
    return start > 0 and doc.text[start - 1] in _QUOTES


def _cities(
    doc: Sentences, hits: list[Hit], labels: set[str], region_starts: set[int]
) -> list[Place]:
    # The words of format words (a city among them is not counted); most sentences have none.
    covered: set[int] = set()
    if _names_format(labels):
        covered = {i for h in hits if _format_word(h.label) for i in range(h.start, h.end)}
    places: list[Place] = []
    for hit in hits:
        if hit.kind == "venue":
            city = doc.lexicon.venues[hit.value].city
            places.append(Place(city, _span(doc, hit.start, hit.end), 3))
            continue
        if (
            hit.kind != "city"
            or hit.start in covered
            or hit.end in region_starts
            or _quoted(doc, hit)
        ):
            continue
        previous = _previous_key(doc, hit.start)
        if previous in _NEW_WORDS:
            continue  # "Новый Ташкент", "Янги Тошкент": a district, not the city
        ending = ending_of(hit, doc.words)
        if (
            ending in _SOURCE_ENDINGS
            or previous in _SOURCE_PREPOSITIONS
            and ending in ("a", "i", "u")
        ):
            continue  # "из Ташкента", "Тошкентдан": where someone came from
        score = 2 if ending in _LOCATIVE or previous in _LOCATIVE_PREPOSITIONS else 1
        if _dateline(doc, hit):
            score = 0
        places.append(Place(hit.value, _span(doc, hit.start, hit.end), score))
    return places


_DATELINE_MARKS = ("–", "—", "-", ".", ",", "(")


def _dateline(doc: Sentences, hit: Hit) -> bool:
    """"DUSHANBE – The state visit ...", "АСТАНА. Kazinform – ...": the city a story was
    filed from, in capitals at the head of its first sentence, not where the event was."""
    sentence = doc.layout.sentences[doc.layout.sentence_of[hit.start]]
    if hit.start != sentence.first_word:
        return False
    start, end = doc.words.starts[hit.start], doc.words.ends[hit.end - 1]
    name = doc.text[start:end]
    following = doc.text[end : end + 3].lstrip()
    return len(name) >= 3 and name.isupper() and following.startswith(_DATELINE_MARKS)


def _destinations(
    doc: Sentences, hits: list[Hit], labels: set[str], region_starts: set[int]
) -> list[Place]:
    """Country names a visit goes to: "посетил Узбекистан", "Өзбекстанға", "to Uzbekistan"."""
    places = []
    fillers: dict[int, Hit] = {}
    if "term:cue.republic" in labels:
        fillers = {h.start: h for h in hits if h.label == "term:cue.republic"}
    for hit in hits:
        if hit.label == "term:cue.our_country" and doc.country in doc.lexicon.countries:
            place = _our_country(doc, hit)
            if place is not None:
                places.append(place)
            continue
        if hit.kind != "country" or hit.end in region_starts or _quoted(doc, hit):
            continue
        ending = ending_of(hit, doc.words)
        if ending == "" and hit.end in fillers:
            # "Қозоғистон Республикасига": the case ending sits on "Republic".
            ending = _republic_ending(doc, fillers[hit.end])
        if ending in _GENITIVE or ending in _SOURCE_ENDINGS:
            continue
        previous = _previous_key(doc, hit.start)
        if (
            ending in _DIRECTIONAL
            or ending in _LOCATIVE
            or previous in _PLACE_PREPOSITIONS
        ):
            score = 2
        elif ending == "" and doc.language in ("ru", "en"):
            score = 1  # "посетил Узбекистан"; a bare Kazakh or Uzbek noun is a subject
        else:
            continue
        places.append(Place(hit.value, _span(doc, hit.start, hit.end), score))
    return places


def _our_country(doc: Sentences, hit: Hit) -> Place | None:
    """"Мамлакатимизга давлат ташрифи", "елімізге сапар", "visit to our country"."""
    ending = ending_of(hit, doc.words)
    previous = _previous_key(doc, hit.start)
    if ending in _DIRECTIONAL or ending in _LOCATIVE or previous in _DIRECTION_PREPOSITIONS:
        return Place(doc.country, _span(doc, hit.start, hit.end), 2)
    return None


def _republic_ending(doc: Sentences, filler: Hit) -> str:
    key = doc.words.keys[filler.start]
    for stem in ("respublikas", "respublik"):
        if key.startswith(stem):
            return key[len(stem) :].lstrip("i")
    return ""


def _ministerial(hits: list[Hit]) -> bool:
    titles = {
        i for h in hits if h.label == "term:title.head_of_government" for i in range(h.start, h.end)
    }
    return any(h.label == "term:cue.minister" and h.start not in titles for h in hits)
