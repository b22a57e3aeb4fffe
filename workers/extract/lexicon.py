"""The extraction lexicon: people, places, formats, event words and topics, loaded from data.

The data lives in ``workers/extract/lexicon/*.yaml`` (each file carries a ``version``); this
module compiles it once into phrases of folded word stems and answers the look-ups the
rest of the pipeline needs (display names, a person's country, who held an office on a day).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any, TypeVar

import yaml

from workers.extract.normalize import WORD_RE, fold_key

T = TypeVar("T")

DATA_DIR = Path(__file__).resolve().parent / "lexicon"
DATA_FILES = ("morphology", "people", "places", "formats", "terms", "topics")
CENTRAL_ASIA = ("KZ", "KG", "TJ", "TM", "UZ")
LEADER_ROLES = ("head_of_state", "head_of_government")

# Word modes: how a text word may extend a stem.
EXACT, NOUN, ADJ, PREFIX = "exact", "noun", "adj", "prefix"
_MARKERS = {"*": NOUN, "~": ADJ, "+": PREFIX}


@dataclass(frozen=True, slots=True)
class WordSpec:
    stem: str
    mode: str
    upper: bool = False  # written in capitals: matches only a word in capitals


@dataclass(frozen=True, slots=True)
class Phrase:
    """One way of writing something the lexicon knows; ``label`` says what it is.

    Labels: ``term:<id>``, ``topic:<id>``, ``country:<XX>``, ``country_adj:<XX>``,
    ``city:<id>``, ``venue:<id>``, ``region``, ``person:<id>:<part>`` with part in
    given | surname | patronymic | full | title.
    """

    label: str
    words: tuple[WordSpec, ...]
    capitalised: bool = False


@dataclass(frozen=True, slots=True)
class Office:
    role: str
    country: str
    start: date | None
    end: date | None

    def held_on(self, day: date | None) -> bool:
        if day is None:
            return self.end is None
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str
    offices: tuple[Office, ...]
    wikidata: str | None = None
    surname_first: bool = False
    full_only: bool = False
    feminine: bool = False

    @property
    def country(self) -> str | None:
        return self.offices[-1].country if self.offices else None

    def is_leader(self, day: date | None = None) -> bool:
        """Head of state or government on ``day`` (any day the lexicon knows, if None)."""
        return any(o.role in LEADER_ROLES and (day is None or o.held_on(day)) for o in self.offices)


@dataclass(frozen=True, slots=True)
class Country:
    id: str
    name: str
    central_asia: bool = False


@dataclass(frozen=True, slots=True)
class City:
    id: str
    name: str
    country: str


@dataclass(frozen=True, slots=True)
class Venue:
    id: str
    name: str
    city: str


@dataclass(frozen=True, slots=True)
class Pattern:
    near: tuple[tuple[str, ...], ...]
    window: int
    sentence: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True, slots=True)
class Format:
    id: str
    name: str
    kind: str  # summit | council
    patterns: tuple[Pattern, ...]
    countries: tuple[str, ...] = ()
    suppresses: tuple[str, ...] = ()
    family: str | None = None  # "pair": one body per pair of countries
    id_prefix: str | None = None
    visit_type: str | None = None
    full_name: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lexicon:
    versions: dict[str, int]
    phrases: tuple[Phrase, ...]
    # First-word stem -> indices into ``phrases``.
    first_index: dict[str, tuple[int, ...]]
    endings: dict[str, frozenset[str]]
    a_declension: frozenset[str]
    plural_endings: frozenset[str]
    plural_prefixes: tuple[str, ...]
    people: dict[str, Person]
    countries: dict[str, Country]
    cities: dict[str, City]
    venues: dict[str, Venue]
    formats: dict[str, Format]
    topics: tuple[str, ...]
    max_stem: int = field(default=0)
    # (country, role) -> (person id, office): who may hold an office, for title references.
    offices_by_country: dict[tuple[str, str], tuple[tuple[str, Office], ...]] = field(
        default_factory=dict
    )

    @property
    def version(self) -> str:
        return ".".join(f"{name}{self.versions[name]}" for name in DATA_FILES)

    def word_matches(self, spec: WordSpec, key: str) -> bool:
        stem = spec.stem
        if spec.mode == EXACT:
            return key == stem
        if spec.mode == PREFIX:
            return key.startswith(stem)
        if key.startswith(stem) and key[len(stem) :] in self.endings[spec.mode]:
            return True
        # Russian a-declension replaces the final vowel: Москва -> Москвы, встреча -> встречи.
        return (
            spec.mode == NOUN
            and stem.endswith("a")
            and len(stem) > 3
            and key.startswith(stem[:-1])
            and key[len(stem) - 1 :] in self.a_declension
        )

    def ending(self, spec: WordSpec, key: str) -> str:
        """What a matching word adds to the stem (its case and number ending)."""
        if key.startswith(spec.stem):
            return key[len(spec.stem) :]
        return key[len(spec.stem) - 1 :]

    def is_plural(self, ending: str, language: str | None) -> bool:
        if ending.startswith(self.plural_prefixes):
            return True
        if language == "en":
            return ending in ("s", "es")
        # Russian plural endings fold like Kazakh and Uzbek possessive ones ("-ы"/"-и" -> i).
        return language == "ru" and ending in self.plural_endings

    # --- look-ups -------------------------------------------------------------------------

    def display_name(self, kind: str, id: str) -> str:
        if kind == "person":
            return self.people[id].name
        if kind == "city":
            return self.cities[id].name
        if kind == "country":
            return self.countries[id].name
        if kind == "venue":
            return self.venues[id].name
        if kind == "format":
            return self.format_name(id)
        raise ValueError(f"unknown lexicon kind {kind!r}")

    def format_name(self, format_id: str) -> str:
        if format_id in self.formats:
            return self.formats[format_id].name
        family, pair = self.split_pair_format(format_id)
        if family is None:
            raise KeyError(format_id)
        names = [self.countries[c].name for c in pair]
        return family.name.format(pair="\u2013".join(names))

    def pair_format(self, family_id: str, first: str, second: str) -> str:
        """The id of a pair body ("sic-kz-uz") for two countries, in display order."""
        family = self.formats[family_id]
        pair = sorted({first, second}, key=lambda c: self.countries[c].name)
        return "-".join([family.id_prefix or family.id, *(c.lower() for c in pair)])

    def split_pair_format(self, format_id: str) -> tuple[Format | None, tuple[str, ...]]:
        parts = format_id.split("-")
        for fmt in self.formats.values():
            if fmt.family == "pair" and len(parts) == 3 and parts[0] == fmt.id_prefix:
                pair = tuple(p.upper() for p in parts[1:])
                if all(p in self.countries for p in pair):
                    return fmt, pair
        return None, ()

    def format_kind(self, format_id: str) -> str:
        if format_id in self.formats:
            return self.formats[format_id].kind
        family, _ = self.split_pair_format(format_id)
        return family.kind if family else "summit"

    def format_visit_type(self, format_id: str) -> str | None:
        family, _ = self.split_pair_format(format_id)
        fmt = family or self.formats.get(format_id)
        return fmt.visit_type if fmt else None

    def format_countries(self, format_id: str) -> tuple[str, ...]:
        if format_id in self.formats:
            return self.formats[format_id].countries
        return self.split_pair_format(format_id)[1]

    def person_country(self, person_id: str) -> str | None:
        person = self.people.get(person_id)
        return person.country if person else None

    def is_central_asian_leader(self, person_id: str, on: date | None = None) -> bool:
        person = self.people.get(person_id)
        if person is None:
            return False
        return any(
            o.role in LEADER_ROLES and o.country in CENTRAL_ASIA and (on is None or o.held_on(on))
            for o in person.offices
        )

    def office_holder(self, country: str, role: str, on: date | None) -> str | None:
        """The person who held ``role`` in ``country`` on ``on`` (today's holder if None)."""
        holders = [
            person
            for person, office in self.offices_by_country.get((country, role), ())
            if office.held_on(on)
        ]
        return holders[0] if len(holders) == 1 else None


# --- loading ------------------------------------------------------------------------------


def _read(name: str) -> dict[str, Any]:
    with open(DATA_DIR / f"{name}.yaml", encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict) or "version" not in data:
        raise ValueError(f"lexicon file {name}.yaml has no version")
    return data


def _fold_endings(raw: dict[str, Any]) -> frozenset[str]:
    endings = {fold_key(e) if e else "" for e in raw.get("plain", [])}
    for slots in raw.get("chains", {}).values():
        for combination in itertools.product(*slots):
            joined = "".join(combination)
            endings.add(fold_key(joined) if joined else "")
    return frozenset(endings)


def parse_phrase(raw: str, default_mode: str = EXACT) -> tuple[WordSpec, ...]:
    """Words of a lexicon phrase, in the notation of terms.yaml."""
    specs: list[WordSpec] = []
    for chunk in str(raw).split():
        marker = chunk[-1] if chunk[-1] in _MARKERS else None
        body = chunk[:-1] if marker else chunk
        parts = WORD_RE.findall(body)
        upper = sum(c.isalpha() for c in body) >= 2 and body.isupper()
        for position, part in enumerate(parts):
            last = position == len(parts) - 1
            mode = _MARKERS[marker] if (marker and last) else default_mode
            if upper:
                mode = EXACT
            specs.append(WordSpec(fold_key(part), mode, upper))
    return tuple(specs)


def _phrases(label: str, raws: list[Any], default_mode: str, capitalised: bool) -> list[Phrase]:
    out = []
    for raw in raws or []:
        words = parse_phrase(str(raw), default_mode)
        if words:
            out.append(Phrase(label, words, capitalised))
    return out


def _people(data: dict[str, Any]) -> tuple[dict[str, Person], list[Phrase]]:
    people: dict[str, Person] = {}
    phrases: list[Phrase] = []
    for entry in data["people"]:
        offices = tuple(
            Office(o["role"], o["country"], o.get("from"), o.get("to")) for o in entry["offices"]
        )
        person = Person(
            id=entry["id"],
            name=entry["name"],
            offices=offices,
            wikidata=entry.get("wikidata"),
            surname_first=entry.get("order") == "surname_first",
            full_only=bool(entry.get("full_only")),
            feminine=bool(entry.get("feminine")),
        )
        people[person.id] = person
        for part in ("given", "surname", "patronymic", "full"):
            phrases += _phrases(f"person:{person.id}:{part}", entry.get(part), NOUN, True)
        phrases += _phrases(f"person:{person.id}:title", entry.get("titles"), NOUN, False)
    return people, phrases


def _places(data: dict[str, Any]) -> tuple[dict, dict, dict, list[Phrase]]:
    countries, cities, venues = {}, {}, {}
    phrases: list[Phrase] = []
    for entry in data["countries"]:
        countries[entry["id"]] = Country(
            entry["id"], entry["name"], bool(entry.get("central_asia"))
        )
        phrases += _phrases(f"country:{entry['id']}", [entry["name"], *entry["names"]], NOUN, True)
        phrases += _phrases(f"country_adj:{entry['id']}", entry.get("adjectives"), NOUN, False)
    for entry in data["cities"]:
        cities[entry["id"]] = City(entry["id"], entry["name"], entry["country"])
        phrases += _phrases(f"city:{entry['id']}", [entry["name"], *entry["names"]], NOUN, True)
    for entry in data["venues"]:
        venues[entry["id"]] = Venue(entry["id"], entry["name"], entry["city"])
        phrases += _phrases(f"venue:{entry['id']}", entry["names"], NOUN, True)
    phrases += _phrases("region", data.get("region_words"), EXACT, False)
    return countries, cities, venues, phrases


def _alternatives(item: Any) -> tuple[str, ...]:
    return tuple(item) if isinstance(item, list) else (item,)


def _formats(data: dict[str, Any]) -> dict[str, Format]:
    formats = {}
    for entry in data["formats"]:
        patterns = tuple(
            Pattern(
                near=tuple(_alternatives(i) for i in p["near"]),
                window=int(p.get("window", 1)),
                sentence=tuple(_alternatives(i) for i in p.get("sentence", [])),
            )
            for p in entry["patterns"]
        )
        formats[entry["id"]] = Format(
            id=entry["id"],
            name=entry["name"],
            kind=entry["kind"],
            patterns=patterns,
            countries=tuple(entry.get("countries", ())),
            suppresses=tuple(entry.get("suppresses", ())),
            family=entry.get("family"),
            id_prefix=entry.get("id_prefix"),
            visit_type=entry.get("visit_type"),
            full_name=entry.get("full_name"),
            aliases=tuple(entry.get("aliases", ())),
        )
    return formats


def index_stems(spec: WordSpec) -> tuple[str, ...]:
    """What every key that matches ``spec`` starts with: its stem or, for a noun of the
    Russian a-declension, the stem without its final vowel (word_matches: Москва, Москвы)."""
    if spec.mode == NOUN and spec.stem.endswith("a") and len(spec.stem) > 3:
        return spec.stem, spec.stem[:-1]
    return (spec.stem,)


def _index(phrases: list[Phrase]) -> dict[str, tuple[int, ...]]:
    index: dict[str, list[int]] = {}
    for number, phrase in enumerate(phrases):
        for stem in index_stems(phrase.words[0]):
            index.setdefault(stem, []).append(number)
    return {stem: tuple(numbers) for stem, numbers in index.items()}


def per_lexicon(build: Callable[[Lexicon], T]) -> Callable[[Lexicon], T]:
    """``build(lexicon)`` worked out once and kept for the lexicon last asked about: what a
    step derives from the vocabulary is shared by every article, and a test that loads
    another lexicon gets its own. One slot, keyed by the lexicon's identity."""
    slot: list[tuple[Lexicon, T] | None] = [None]

    @wraps(build)
    def cached(lexicon: Lexicon) -> T:
        held = slot[0]  # read once: another thread may swap it meanwhile
        if held is not None and held[0] is lexicon:
            return held[1]
        value = build(lexicon)
        slot[0] = (lexicon, value)
        return value

    return cached


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    raw = {name: _read(name) for name in DATA_FILES}
    morphology = raw["morphology"]
    endings = {name: _fold_endings(spec) for name, spec in morphology["classes"].items()}
    people, person_phrases = _people(raw["people"])
    countries, cities, venues, place_phrases = _places(raw["places"])
    term_phrases: list[Phrase] = []
    for term, raws in raw["terms"]["terms"].items():
        term_phrases += _phrases(f"term:{term}", raws, EXACT, False)
    topic_phrases: list[Phrase] = []
    for topic, raws in raw["topics"]["topics"].items():
        topic_phrases += _phrases(f"topic:{topic}", raws, EXACT, False)
    # Spellings that fold to the same key ("Токаев", "Tokayev", "Тўқаев") are one phrase.
    phrases = list(dict.fromkeys([*person_phrases, *place_phrases, *term_phrases, *topic_phrases]))
    plural = morphology["plural_endings"]
    return Lexicon(
        versions={name: int(data["version"]) for name, data in raw.items()},
        phrases=tuple(phrases),
        first_index=_index(phrases),
        endings=endings,
        a_declension=frozenset(fold_key(e) for e in morphology["a_declension"]),
        plural_endings=frozenset(fold_key(e) for e in plural["plain"]),
        plural_prefixes=tuple(fold_key(e) for e in plural["prefixes"]),
        people=people,
        countries=countries,
        cities=cities,
        venues=venues,
        formats=_formats(raw["formats"]),
        topics=tuple(raw["topics"]["topics"]),
        max_stem=max(len(p.words[0].stem) for p in phrases),
        offices_by_country=_offices_by_country(people),
    )


def _offices_by_country(
    people: dict[str, Person],
) -> dict[tuple[str, str], tuple[tuple[str, Office], ...]]:
    table: dict[tuple[str, str], list[tuple[str, Office]]] = {}
    for person in people.values():
        for office in person.offices:
            table.setdefault((office.country, office.role), []).append((person.id, office))
    return {key: tuple(value) for key, value in table.items()}


# Module-level conveniences over the one loaded lexicon.


def display_name(kind: str, id: str) -> str:
    """English name of a person, city, country, venue or format id."""
    return load_lexicon().display_name(kind, id)


def person_country(person_id: str) -> str | None:
    return load_lexicon().person_country(person_id)


def is_central_asian_leader(person_id: str, on: date | None = None) -> bool:
    return load_lexicon().is_central_asian_leader(person_id, on)


_PAIR_NAME = re.compile(r"^(supreme interstate council)\s+(\w[\w ]*?)\s*[-–—]\s*(\w[\w ]*)$", re.I)


@lru_cache(maxsize=1)
def _format_names() -> dict[str, str]:
    """Every English name of a format, case-folded, to its display name."""
    names: dict[str, str] = {}
    for fmt in load_lexicon().formats.values():
        if fmt.family == "pair":
            continue
        for alias in (fmt.id, fmt.name, fmt.full_name, *fmt.aliases):
            if alias:
                names[" ".join(alias.casefold().split())] = fmt.name
    for alias, target in (("central asia-china", "Central Asia + China"), ("china-central asia", "Central Asia + China"),
                          ("central asia-eu", "Central Asia + EU"), ("eu-central asia", "Central Asia + EU"),
                          ("central asia-russia", "Central Asia + Russia"), ("russia-central asia", "Central Asia + Russia")):
        names.setdefault(alias, target)
    return names


def canonical_format_name(name: str | None) -> str | None:
    """A format's English name, however it is written (full name, abbreviation, the two
    countries of a Supreme Interstate Council in either order), as its display name; an
    unknown name comes back unchanged."""
    if not name:
        return name
    folded = " ".join(name.replace("–", "-").replace("—", "-").casefold().split())
    folded = re.sub(r"\s*-\s*", "-", folded).removesuffix(" summit")
    pair = _PAIR_NAME.match(name.strip())
    if pair:
        first, second = sorted((pair.group(2).strip(), pair.group(3).strip()))
        return f"Supreme Interstate Council {first}–{second}"
    return _format_names().get(folded, name)


def lexicon_version() -> str:
    return load_lexicon().version
