"""Which leaders a text names: by name, by title with a country, or by "our head of state".

Name rules:
* a surname with the person's first name next to it identifies the person;
* a surname alone identifies the person only when no one else in the lexicon shares it,
  or when the article names that person in full elsewhere ("Japarov" after "Sadyr Japarov");
  shared surnames (the two Japarovs, the two Berdimuhamedovs) otherwise stay unresolved;
* the Russian form "Мирзиёева" is either the genitive of Мирзиёев or Saida Mirziyoyeva:
  a first name or a feminine verb decides, otherwise Russian reads it as the genitive; in
  Kazakh, Uzbek and English the "-a" is never a case ending, so it is the woman.
Titles: "the President of Uzbekistan", "Өзбекстан президенті", "Uzbek leader" name the
office-holder on the event's day; "президенты Казахстана и Узбекистана" names both;
"Мемлекет басшысы", "Глава государства", "Давлатимиз раҳбари" name the source country's
head of state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from operator import attrgetter
from typing import NamedTuple

from workers.extract.lexicon import Lexicon
from workers.extract.matcher import Hit, ending_of
from workers.extract.normalize import Words
from workers.records import Span

_FEMININE_VERB = re.compile(r"^\W*\w+(?:ла|лась)\b")
_CONJUNCTIONS = frozenset({"i", "va", "men", "pen", "ben", "and", "hamda", "jane", "menen", "jana"})


class PersonMention(NamedTuple):
    """A tuple rather than a dataclass: an article names its leaders dozens of times."""

    person: str
    start: int  # word indices
    end: int
    sentence: int
    via: str  # name | title | self
    span: Span
    # The case ending on the name or title (folded): "" for a subject, "ke"/"ga"/"u" for
    # the one thanked or visited, "nin"/"ning"/"a" for the one whose invitation it was.
    ending: str = ""


@dataclass(frozen=True, slots=True)
class _Context:
    lexicon: Lexicon
    words: Words
    text: str
    sentence_of: tuple[int, ...]
    language: str | None
    source_country: str | None
    day: date | None


def find_people(
    lexicon: Lexicon,
    words: Words,
    text: str,
    hits: list[Hit],
    sentence_of: tuple[int, ...],
    language: str | None,
    source_country: str | None,
    day: date | None,
) -> list[PersonMention]:
    ctx = _Context(lexicon, words, text, sentence_of, language, source_country, day)
    roles = _Roles.of(hits)
    titled = _titled(ctx, roles)
    mentions = _named(ctx, roles.names, {m.person for m in titled})
    mentions += titled
    mentions += _self_references(ctx, roles.self_titles)
    mentions.sort(key=_position)
    return _dedupe(mentions)


_position = attrgetter("start", "end")


@dataclass(frozen=True, slots=True)
class _Roles:
    """The hits that can name a person, by the part they play, in the text's order."""

    names: list[Hit]  # first names, surnames, patronymics, full names of the lexicon's people
    titles: list[Hit]  # "президент", "премьер-министр"
    self_titles: list[Hit]  # "Глава государства": the source country's own
    countries: list[Hit]
    adjectives: list[Hit]  # "узбекский"
    fillers: list[Hit]  # "Республики"
    deputies: list[Hit]  # "вице-", "заместитель"

    @classmethod
    def of(cls, hits: list[Hit]) -> _Roles:
        roles = cls([], [], [], [], [], [], [])
        terms = {label: roles.titles for label in _TITLE_LABELS}
        terms["term:title.self"] = roles.self_titles
        terms["term:cue.republic"] = roles.fillers
        terms["term:cue.deputy"] = roles.deputies
        # One pass over an article's hundreds of hits; most are none of these. Terms, the
        # most common, first (a hit's kind is the first part of its label).
        for hit in hits:
            kind = hit.kind
            if kind == "term":
                role = terms.get(hit.label)
                if role is not None:
                    role.append(hit)
            elif kind == "person":
                roles.names.append(hit)
            elif kind == "country":
                roles.countries.append(hit)
            elif kind == "country_adj":
                roles.adjectives.append(hit)
        return roles


@cache  # keyed by a lexicon label
def _name_part(label: str) -> str:
    """The part of the name a name hit's label names ("surname" for
    "person:uz-mirziyoyev:surname"); the person is the hit's value."""
    pieces = label.split(":")
    return pieces[-1] if len(pieces) > 1 else ""


def _named(ctx: _Context, person_hits: list[Hit], titled: set[str]) -> list[PersonMention]:
    # First names by the word they end at (person -> start) and start at (person -> end).
    given_by_end: dict[int, dict[str, int]] = {}
    given_by_start: dict[int, dict[str, int]] = {}
    patronymic_by_end: dict[int, dict[str, int]] = {}
    # Surnames by their words: people who share a surname share its hit's words.
    surnames_at: dict[tuple[int, int], list[Hit]] = {}
    full: list[Hit] = []
    titles: list[Hit] = []
    for hit in person_hits:
        person, part = hit.value, _name_part(hit.label)
        if part == "surname":
            surnames_at.setdefault((hit.start, hit.end), []).append(hit)
        elif part == "given":
            given_by_end.setdefault(hit.end, {})[person] = hit.start
            given_by_start.setdefault(hit.start, {})[person] = hit.end
        elif part == "patronymic":
            patronymic_by_end.setdefault(hit.end, {})[person] = hit.start
        elif part == "full":
            full.append(hit)
        elif part == "title":
            titles.append(hit)

    resolved: list[PersonMention] = []
    pending: list[tuple[Hit, list[str]]] = []
    for (start, end), surnames in sorted(surnames_at.items()):
        candidates = sorted({h.value for h in surnames})
        named = _with_first_name(
            ctx, candidates, start, end, given_by_end, given_by_start, patronymic_by_end
        )
        if len(named) == 1:
            person, (first, last) = next(iter(named.items()))
            resolved.append(
                _mention(ctx, person, first, last, "name", ending_of(surnames[0], ctx.words))
            )
            continue
        candidates = _plausible_alone(ctx, candidates, surnames, start, end)
        if candidates:
            pending.append((surnames[0], candidates))

    for hit in full + titles:
        resolved.append(
            _mention(ctx, hit.value, hit.start, hit.end, "name", ending_of(hit, ctx.words))
        )
    # A first name with the patronymic and no surname ("Шавкат Миромонович"): a form of address.
    for end, people in patronymic_by_end.items():
        for person, start in people.items():
            given = given_by_end.get(start, {})
            if person in given:
                resolved.append(_mention(ctx, person, given[person], end, "name"))

    # A bare surname shared by two people is the one the article also names in full or by
    # title ("Жапаров ... Президент Кыргызстана").
    named_in_full = {m.person for m in resolved} | titled
    for hit, candidates in pending:
        chosen = (
            candidates if len(candidates) == 1 else [c for c in candidates if c in named_in_full]
        )
        if len(chosen) == 1:
            resolved.append(
                _mention(ctx, chosen[0], hit.start, hit.end, "name", ending_of(hit, ctx.words))
            )
    return resolved


def _with_first_name(
    ctx: _Context,
    candidates: list[str],
    start: int,
    end: int,
    given_by_end: dict[int, dict[str, int]],
    given_by_start: dict[int, dict[str, int]],
    patronymic_by_end: dict[int, dict[str, int]],
) -> dict[str, tuple[int, int]]:
    """Candidates named with a first name next to the surname, with the whole name's words."""
    found: dict[str, tuple[int, int]] = {}
    for person in candidates:
        details = ctx.lexicon.people[person]
        after = given_by_start.get(end, {})
        if details.surname_first:
            if person in after:
                found[person] = (start, after[person])
            continue
        before = given_by_end.get(start, {})
        if person in before:
            found[person] = (before[person], end)
            continue
        patronymic_start = patronymic_by_end.get(start, {}).get(person)
        if patronymic_start is not None and person in given_by_end.get(patronymic_start, {}):
            found[person] = (given_by_end[patronymic_start][person], end)
            continue
        if person in after:  # "Токаев Касым-Жомарт" in lists
            found[person] = (start, after[person])
    return found


def _plausible_alone(
    ctx: _Context, candidates: list[str], surnames: list[Hit], start: int, end: int
) -> list[str]:
    """Candidates a bare surname can stand for."""
    people = ctx.lexicon.people
    kept = [c for c in candidates if not people[c].full_only]
    feminine = [c for c in kept if people[c].feminine]
    if not feminine:
        return kept
    masculine_with_a = [
        c
        for c in kept
        if not people[c].feminine
        and any(h.value == c and ending_of(h, ctx.words) == "a" for h in surnames)
    ]
    if not masculine_with_a:
        return kept
    if ctx.language != "ru" or _feminine_context(ctx, end):
        return feminine
    return masculine_with_a


def _feminine_context(ctx: _Context, end: int) -> bool:
    if end >= len(ctx.words):
        return False
    following = ctx.text[ctx.words.ends[end - 1] : ctx.words.ends[min(end + 1, len(ctx.words) - 1)]]
    return bool(_FEMININE_VERB.match(following))


def _titled(ctx: _Context, roles: _Roles) -> list[PersonMention]:
    if not roles.titles:
        return []
    names_after: dict[int, tuple[int, str]] = {}  # start word -> (end word, country)
    names_before: dict[int, tuple[int, str]] = {}  # end word -> (start word, country)
    adjectives_before: dict[int, tuple[int, str]] = {}
    fillers_after: dict[int, int] = {}
    fillers_before: dict[int, int] = {}
    deputy_words: set[int] = set()
    for hit in roles.countries:
        names_after.setdefault(hit.start, (hit.end, hit.value))
        names_before.setdefault(hit.end, (hit.start, hit.value))
    for hit in roles.adjectives:
        adjectives_before.setdefault(hit.end, (hit.start, hit.value))
    for hit in roles.fillers:
        fillers_after[hit.start] = hit.end
        fillers_before[hit.end] = hit.start
    for hit in roles.deputies:
        deputy_words.update(range(hit.start, hit.end))
    # Russian and English put the country after the title ("президент Узбекистана",
    # "President of Uzbekistan") and only an adjective before it ("узбекский лидер"); Kazakh,
    # Uzbek and the other Turkic languages put the country before ("Өзбекстан президенті").
    if ctx.language in ("ru", "en", "other", None):
        before = {**adjectives_before, **(names_before if ctx.language == "en" else {})}
    else:
        before, names_after = {**adjectives_before, **names_before}, {}
    # Where a country may follow or precede a title: most titles have none next to them.
    after_words = names_after.keys() | fillers_after.keys()
    before_words = before.keys() | fillers_before.keys()
    holders: dict[tuple[str, str], str | None] = {}  # (country, role) -> office holder
    mentions: list[PersonMention] = []
    for hit in roles.titles:
        if hit.end not in after_words and hit.start not in before_words:
            continue  # nothing next to the title that could name its country
        if deputy_words and _near_deputy(hit, deputy_words):
            continue
        countries = _countries_after(ctx, hit.end, names_after, fillers_after) or _countries_before(
            ctx, hit.start, before, fillers_before
        )
        if not countries:
            continue  # a title with no country names no one here
        role = _TITLE_LABELS[hit.label]
        ending = ending_of(hit, ctx.words)
        if not ctx.lexicon.is_plural(ending, ctx.language):
            countries = countries[:1]
        for country in countries:
            if (country, role) not in holders:
                holders[country, role] = ctx.lexicon.office_holder(country, role, ctx.day)
            person = holders[country, role]
            if person:
                mentions.append(_mention(ctx, person, hit.start, hit.end, "title", ending))
    return mentions


_TITLE_LABELS = {
    "term:title.head_of_state": "head_of_state",
    "term:title.head_of_government": "head_of_government",
}


def _near_deputy(hit: Hit, deputy_words: set[int]) -> bool:
    return any(i in deputy_words for i in (hit.start - 1, hit.start - 2, hit.end, hit.end + 1))


def _countries_after(ctx: _Context, position: int, names_at: dict, fillers: dict) -> list[str]:
    """Countries named right after a title, skipping "Республики", "of the"."""
    found: list[str] = []
    sentence = ctx.sentence_of[position - 1]
    skipped = 0
    while position < len(ctx.words) and ctx.sentence_of[position] == sentence:
        if position in names_at:
            position, country = names_at[position]
            found.append(country)
            if position < len(ctx.words) and ctx.words.keys[position] in _CONJUNCTIONS:
                position += 1  # "президентов Казахстана и Узбекистана"
                continue
            break
        if found or position not in fillers or skipped >= 2:
            break
        position = fillers[position]
        skipped += 1
    return found


def _countries_before(
    ctx: _Context, position: int, countries_before: dict, fillers: dict
) -> list[str]:
    """Countries named right before a title.

    "Өзбекстан президенті", "Ўзбекистон ва Қозоғистон етакчилари".
    """
    found: list[str] = []
    sentence = ctx.sentence_of[position]
    skipped = 0
    while position > 0 and ctx.sentence_of[position - 1] == sentence:
        if position in countries_before:
            position, country = countries_before[position]
            found.append(country)
            if (
                position > 0
                and ctx.words.keys[position - 1] in _CONJUNCTIONS
                and (position - 1) in countries_before
            ):
                position -= 1
                continue
            break
        if found or position not in fillers or skipped >= 2:
            break
        position = fillers[position]
        skipped += 1
    return list(reversed(found))


def _self_references(ctx: _Context, self_titles: list[Hit]) -> list[PersonMention]:
    if ctx.source_country is None or not self_titles:
        return []
    holder = ctx.lexicon.office_holder(ctx.source_country, "head_of_state", ctx.day)
    if holder is None:
        return []
    mentions = []
    for hit in self_titles:
        ending = ending_of(hit, ctx.words)
        if not ctx.lexicon.is_plural(ending, ctx.language):
            mentions.append(_mention(ctx, holder, hit.start, hit.end, "self", ending))
    return mentions


def _mention(
    ctx: _Context, person: str, start: int, end: int, via: str, ending: str = ""
) -> PersonMention:
    a, b = ctx.words.starts[start], ctx.words.ends[end - 1]
    return PersonMention(
        person, start, end, ctx.sentence_of[start], via, Span(a, b, ctx.text[a:b]), ending
    )


def _dedupe(mentions: list[PersonMention]) -> list[PersonMention]:
    """One mention per (person, overlapping span): a title next to the name is one mention."""
    out: list[PersonMention] = []
    last_end: dict[str, int] = {}  # mentions arrive sorted by start
    for mention in mentions:
        if last_end.get(mention.person, -1) > mention.start:
            continue
        out.append(mention)
        last_end[mention.person] = mention.end
    return out
