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

from workers.extract.lexicon import Lexicon
from workers.extract.matcher import Hit, ending_of
from workers.extract.normalize import Words
from workers.records import Span

_FEMININE_VERB = re.compile(r"^\W*\w+(?:ла|лась)\b")
_CONJUNCTIONS = frozenset({"i", "va", "men", "pen", "ben", "and", "hamda", "jane", "menen", "jana"})


@dataclass(frozen=True, slots=True)
class PersonMention:
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
    person_hits = [h for h in hits if h.kind == "person"]
    by_span: dict[tuple[int, int], list[Hit]] = {}
    for hit in person_hits:
        by_span.setdefault((hit.start, hit.end), []).append(hit)
    titled = _titled(ctx, hits)
    mentions = _named(ctx, person_hits, by_span, {m.person for m in titled})
    mentions += titled
    mentions += _self_references(ctx, hits)
    mentions.sort(key=lambda m: (m.start, m.end))
    return _dedupe(mentions)


def _parts(hits: list[Hit], part: str) -> list[Hit]:
    return [h for h in hits if h.label.endswith(":" + part)]


def _person_of(hit: Hit) -> str:
    return hit.label.split(":")[1]


def _named(
    ctx: _Context, person_hits: list[Hit], by_span: dict, titled: set[str]
) -> list[PersonMention]:
    # First names by the word they end at (person -> start) and start at (person -> end).
    given_by_end: dict[int, dict[str, int]] = {}
    given_by_start: dict[int, dict[str, int]] = {}
    for hit in _parts(person_hits, "given"):
        given_by_end.setdefault(hit.end, {})[_person_of(hit)] = hit.start
        given_by_start.setdefault(hit.start, {})[_person_of(hit)] = hit.end
    patronymic_by_end: dict[int, dict[str, int]] = {}
    for hit in _parts(person_hits, "patronymic"):
        patronymic_by_end.setdefault(hit.end, {})[_person_of(hit)] = hit.start

    resolved: list[PersonMention] = []
    pending: list[tuple[Hit, list[str]]] = []
    for (start, end), group in sorted(by_span.items()):
        surnames = [h for h in group if h.label.endswith(":surname")]
        if not surnames:
            continue
        candidates = sorted({_person_of(h) for h in surnames})
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

    for hit in _parts(person_hits, "full") + _parts(person_hits, "title"):
        resolved.append(
            _mention(ctx, _person_of(hit), hit.start, hit.end, "name", ending_of(hit, ctx.words))
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
        and any(_person_of(h) == c and ending_of(h, ctx.words) == "a" for h in surnames)
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


def _titled(ctx: _Context, hits: list[Hit]) -> list[PersonMention]:
    titles = [h for h in hits if h.label in _TITLE_LABELS]
    if not titles:
        return []
    names_after: dict[int, tuple[int, str]] = {}  # start word -> (end word, country)
    names_before: dict[int, tuple[int, str]] = {}  # end word -> (start word, country)
    adjectives_before: dict[int, tuple[int, str]] = {}
    fillers_after: dict[int, int] = {}
    fillers_before: dict[int, int] = {}
    deputy_words: set[int] = set()
    for hit in hits:
        if hit.kind == "country":
            names_after.setdefault(hit.start, (hit.end, hit.value))
            names_before.setdefault(hit.end, (hit.start, hit.value))
        elif hit.kind == "country_adj":
            adjectives_before.setdefault(hit.end, (hit.start, hit.value))
        elif hit.label == "term:cue.republic":
            fillers_after[hit.start] = hit.end
            fillers_before[hit.end] = hit.start
        elif hit.label == "term:cue.deputy":
            deputy_words.update(range(hit.start, hit.end))
    # Russian and English put the country after the title ("президент Узбекистана",
    # "President of Uzbekistan") and only an adjective before it ("узбекский лидер"); Kazakh,
    # Uzbek and the other Turkic languages put the country before ("Өзбекстан президенті").
    if ctx.language in ("ru", "en", "other", None):
        before = {**adjectives_before, **(names_before if ctx.language == "en" else {})}
    else:
        before, names_after = {**adjectives_before, **names_before}, {}
    mentions: list[PersonMention] = []
    for hit in titles:
        if _near_deputy(hit, deputy_words):
            continue
        role = _TITLE_LABELS[hit.label]
        plural = ctx.lexicon.is_plural(ending_of(hit, ctx.words), ctx.language)
        countries = _countries_after(ctx, hit.end, names_after, fillers_after) or _countries_before(
            ctx, hit.start, before, fillers_before
        )
        if not plural:
            countries = countries[:1]
        for country in countries:
            person = ctx.lexicon.office_holder(country, role, ctx.day)
            if person:
                mentions.append(
                    _mention(ctx, person, hit.start, hit.end, "title", ending_of(hit, ctx.words))
                )
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


def _self_references(ctx: _Context, hits: list[Hit]) -> list[PersonMention]:
    if ctx.source_country is None:
        return []
    holder = ctx.lexicon.office_holder(ctx.source_country, "head_of_state", ctx.day)
    if holder is None:
        return []
    mentions = []
    for hit in hits:
        if hit.label != "term:title.self":
            continue
        if ctx.lexicon.is_plural(ending_of(hit, ctx.words), ctx.language):
            continue
        mentions.append(
            _mention(ctx, holder, hit.start, hit.end, "self", ending_of(hit, ctx.words))
        )
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
