"""Money and quantity figures, with what they measure.

A figure is an amount (``numbers.find_amounts``) read together with the words around it:

* the unit right after it (a currency, tonnes, percent, people) or a currency sign before it;
* the counted noun right after it ("78 совместных проектов", "15 мыңнан астам жұмыс орны");
* a qualifier before it ("более", "около", "up to") or, in Kazakh and Uzbek, after the unit
  ("доллардан астам", "доллардан зиёд");
* a target year in its sentence ("к 2030 году", "2030 жылға қарай", "2030 йилгача").

What a figure measures comes, in order, from a count standing beside a money value ("семь
проектов на 1,2 млрд долларов"), the noun right after it, the measure words of its sentence
(most specific first: intra-regional trade before trade, industrial cooperation before
projects), and for a sentence that only points back ("Бу кўрсаткични ...", "их количество")
the previous sentence of the same paragraph. A scaled amount without a unit ("10
миллиардга") takes the currency of the money figure just before it.

Not claims: years, dates, clock times, ordinals, phone numbers, counts of things outside the
measure vocabulary, and percentages with nothing to measure.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from functools import lru_cache

from workers.extract._grammar import claim_words as words
from workers.extract._grammar.text import SPACE, fold, sentence_bounds, windows_around
from workers.extract.dates import date_spans
from workers.extract.numbers import Amount, find_amounts
from workers.records import ClaimMention, Span

MONEY = "money"
TONNES = "tonnes"
PERCENT = "percent"
PEOPLE = "people"
COUNT = "count"

_DIGITS = re.compile(r"\d+")
# Sorts after every (start, end) bound that starts at the same offset.
_AFTER_ANY_END = float("inf")
# A count is "beside" a money value when no more than this many characters part them.
_BESIDE = 90
# How far after a number its counted noun may stand: a few modifiers ("совместных",
# "қатор муҳим").
_NOUN_WORDS = 4


@dataclass(frozen=True, slots=True)
class _Figure:
    amount: Amount
    sentence: int  # index into sentence_bounds
    kind: str | None  # money, tonnes, percent, people, count; None: a bare number
    unit_end: int  # offset after the unit (or the amount when there is none)
    currency: str | None = None
    noun: str | None = None  # measure named by the counted noun after the figure
    qualifier: str | None = None


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    currency_after: re.Pattern[str]
    currency_before: re.Pattern[str]
    tonnes: re.Pattern[str]
    percent: re.Pattern[str]
    people: re.Pattern[str]
    count_nouns: tuple[tuple[str, re.Pattern[str]], ...]
    measures: tuple[tuple[str, re.Pattern[str]], ...]
    launch: re.Pattern[str]
    target: re.Pattern[str]
    target_years: re.Pattern[str]
    before: tuple[tuple[str, re.Pattern[str]], ...]
    after: tuple[tuple[str, re.Pattern[str]], ...]
    masks: re.Pattern[str]


def _any(alternatives: list[str]) -> str:
    # the text is folded before matching, so the vocabulary is folded too ("зиёд" -> "зиед")
    return "(?:" + "|".join(fold(a) for a in alternatives) + ")"


def _word(alternatives: list[str]) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w']){_any(alternatives)}(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    s = SPACE
    currency_groups = "|".join(
        f"(?P<{code}>{_any(forms)})" for code, forms in words.CURRENCIES.items()
    )
    symbols = "|".join(
        re.escape(k) for k in sorted(words.CURRENCY_SYMBOLS_BEFORE, key=len, reverse=True)
    )
    return _Vocabulary(
        currency_after=re.compile(
            rf"^\.?{s}*(?:{words.CURRENCY_COUNTRY}{s}+)?(?:{currency_groups})(?![\w'])",
            re.IGNORECASE,
        ),
        currency_before=re.compile(rf"(?P<symbol>{symbols}){s}*$"),
        tonnes=re.compile(rf"^\.?{s}*{_any(words.TONNES)}(?![\w'])", re.IGNORECASE),
        percent=re.compile(rf"^{s}*{_any(words.PERCENT)}(?![\w'])", re.IGNORECASE),
        people=re.compile(rf"^\.?{s}*{_any(words.PEOPLE)}(?![\w'])", re.IGNORECASE),
        count_nouns=tuple((m, _word(forms)) for m, forms in words.COUNT_NOUNS.items()),
        measures=tuple((m, _word(forms)) for m, forms in words.MEASURE_CUES),
        launch=_word(words.LAUNCH_CUES),
        target=_word(words.TARGET_CUES),
        target_years=re.compile(_any(words.TARGET_YEARS), re.IGNORECASE),
        before=tuple(
            (q, re.compile(rf"(?<![\w']){_any(forms)}{s}*$", re.IGNORECASE))
            for q, forms in words.QUALIFIERS_BEFORE.items()
        ),
        after=tuple(
            (q, re.compile(rf"^{s}*(?:\w+{s}+)?{_any(forms)}(?![\w'])", re.IGNORECASE))
            for q, forms in words.QUALIFIERS_AFTER.items()
        ),
        masks=re.compile(
            r"(?<![\d:])\d{1,2}:\d{2}(?::\d{2})?(?![\d:])"  # clock times
            # phone numbers: an international prefix, an area code in brackets, or 12-34-56
            r"|\+\d[\d \-()]{7,}\d|\(\d{2,5}\)[\d \-]{5,}\d|\d{2,3}-\d{2}-\d{2}(?!\d)"
            r"|(?<![\w.,])(?:19|20)\d\d\s*[-–—]\s*(?:19|20)\d\d(?!\d)",  # year ranges
        ),
    )


# ---------------------------------------------------------------------------- the figure


def _masked(
    text: str, language: str | None, amounts: list[Amount], bounds: tuple[tuple[int, int], ...]
) -> list[tuple[int, int]]:
    spans = _date_spans_near(text, language, amounts, bounds)
    # both patterns need digits: search only around them, not the whole article
    windows = windows_around([m.span() for m in _DIGITS.finditer(text)], text, 30, 30)
    for pattern in (_vocabulary().masks, _vocabulary().target_years):
        spans += [m.span() for a, b in windows for m in pattern.finditer(text, a, b)]
    return spans


def _date_spans_near(
    text: str, language: str | None, amounts: list[Amount], bounds: tuple[tuple[int, int], ...]
) -> list[tuple[int, int]]:
    """The date expressions of the stretches of text that hold an amount: only those can
    cover one. A stretch is a sentence, joined to the next one where the period between them
    may belong to a date ("5 мар. 2024", "2025 ж. 14 ..."), so no date expression runs
    across its ends and reading it alone finds the same expressions as reading the article."""
    spans: list[tuple[int, int]] = []
    stretches = _date_stretches(text, bounds)
    index = 0
    for amount in amounts:
        while index < len(stretches) and stretches[index][1] <= amount.span.start:
            index += 1
        if index == len(stretches):
            break
        a, b = stretches[index]
        if a <= amount.span.start:
            spans += [(a + start, a + end) for start, end in date_spans(text[a:b], language)]
            index += 1
    return spans


# A date's own abbreviations ("г.", "ж.", "нояб.", "Sept.") are this short at most.
_DATE_ABBREVIATION = re.compile(r"(?<![^\W\d_])[^\W\d_]{1,5}\.+$")


def _date_stretches(text: str, bounds: tuple[tuple[int, int], ...]) -> list[tuple[int, int]]:
    stretches: list[tuple[int, int]] = []
    joined = False
    for start, end in bounds:
        if joined:
            stretches[-1] = (stretches[-1][0], end)
        else:
            stretches.append((start, end))
        following = text[end : end + 1]
        joined = following != "\n" and _DATE_ABBREVIATION.search(text, max(start, end - 8), end) is not None
    return stretches


def _is_year(amount: Amount) -> bool:
    return (
        amount.scale is None
        and amount.is_integer
        and 1900 <= amount.value <= 2100
        and not amount.spelled
    )


def _sentence_of(bounds: tuple[tuple[int, int], ...], offset: int) -> int:
    index = bisect_right(bounds, (offset, _AFTER_ANY_END)) - 1
    if index >= 0 and bounds[index][0] <= offset < bounds[index][1]:
        return index
    return -1


def _unit(text: str, amount: Amount) -> tuple[str | None, str | None, int]:
    """(kind, currency, end of the unit) for the words right after or before ``amount``."""
    vocabulary = _vocabulary()
    after = text[amount.span.end : amount.span.end + 60]
    match = vocabulary.currency_after.match(after)
    if match:
        code = next(code for code in words.CURRENCIES if match.group(code))
        return MONEY, code, amount.span.end + match.end()
    before = vocabulary.currency_before.search(
        text[max(0, amount.span.start - 6) : amount.span.start]
    )
    if before:
        return MONEY, words.CURRENCY_SYMBOLS_BEFORE[before.group("symbol")], amount.span.end
    for kind, pattern in (
        (TONNES, vocabulary.tonnes),
        (PERCENT, vocabulary.percent),
        (PEOPLE, vocabulary.people),
    ):
        match = pattern.match(after)
        if match:
            return kind, None, amount.span.end + match.end()
    return None, None, amount.span.end


def _noun_after(text: str, offset: int) -> str | None:
    """The measure named by the counted noun a few words after ``offset``, if any."""
    window = re.match(
        rf"^\.?(?:{SPACE}+(?:[^\W\d_]|['’-])+){{1,{_NOUN_WORDS}}}", text[offset : offset + 120]
    )
    if window is None:
        return None
    found = [
        (m.start(), measure)
        for measure, pattern in _vocabulary().count_nouns
        if (m := pattern.search(window.group()))
    ]
    return min(found)[1] if found else None


def _qualifier(text: str, figure_start: int, unit_end: int) -> str | None:
    vocabulary = _vocabulary()
    head = text[max(0, figure_start - 40) : figure_start]
    head = re.sub(r"[$€₸₽]\s*$", "", head)
    for qualifier, pattern in vocabulary.before:
        if pattern.search(head):
            return qualifier
    tail = text[unit_end : unit_end + 80]
    if re.match(rf"{SPACE}*\)", tail):
        return None  # the figure is a parenthetical restatement
    tail = re.sub(rf"^{SPACE}*\([^()]*\)", "", tail)
    for qualifier, pattern in vocabulary.after:
        if pattern.match(tail):
            return qualifier
    return None


def _figures(text: str, language: str | None) -> list[_Figure]:
    bounds = sentence_bounds(text)
    amounts = find_amounts(text)
    masked = _masked(text, language, amounts, bounds)
    figures: list[_Figure] = []
    for amount in amounts:
        if any(a < amount.span.end and amount.span.start < b for a, b in masked):
            continue
        kind, currency, unit_end = _unit(text, amount)
        if kind is None and _is_year(amount):
            continue
        noun = _noun_after(text, unit_end)
        if kind is None and noun is not None:
            kind = COUNT
        figures.append(
            _Figure(
                amount=amount,
                sentence=_sentence_of(bounds, amount.span.start),
                kind=kind,
                unit_end=unit_end,
                currency=currency,
                noun=noun,
                qualifier=_qualifier(text, amount.span.start, unit_end),
            )
        )
    return _with_inherited_currency(figures)


def _with_inherited_currency(figures: list[_Figure]) -> list[_Figure]:
    """A scaled amount with no unit ("10 миллиардга") takes the previous money figure's currency."""
    result: list[_Figure] = []
    last_money: _Figure | None = None
    for figure in figures:
        scaled = figure.amount.scale in ("mln", "bn", "trn")
        if (
            figure.kind is None
            and scaled
            and last_money is not None
            and figure.sentence - last_money.sentence <= 1
        ):
            figure = replace(figure, kind=MONEY, currency=last_money.currency)
        if figure.kind == MONEY:
            last_money = figure
        result.append(figure)
    return result


# ---------------------------------------------------------------------------- the measure


def _measure_in(sentence: str, allowed: frozenset[str] | None = None) -> str | None:
    for measure, pattern in _vocabulary().measures:
        if (allowed is None or measure in allowed) and pattern.search(sentence):
            return measure
    return None


def _same_paragraph(text: str, bounds: tuple[tuple[int, int], ...], index: int) -> bool:
    return index > 0 and "\n" not in text[bounds[index - 1][1] : bounds[index][0]]


def _measure(
    figure: _Figure, count: _Figure | None, text: str, bounds: tuple[tuple[int, int], ...]
) -> str:
    start, end = bounds[figure.sentence]
    sentence = text[start:end]
    allowed = words.MONEY_MEASURES if figure.kind == MONEY else None
    measure = (count.noun if count else None) or figure.noun or _measure_in(sentence, allowed)
    if (
        measure is None
        and figure.kind != PERCENT
        and _same_paragraph(text, bounds, figure.sentence)
    ):
        previous = text[bounds[figure.sentence - 1][0] : bounds[figure.sentence - 1][1]]
        measure = _measure_in(previous, allowed)
    if measure == "projects" and _vocabulary().launch.search(sentence):
        return "projects_launched"
    if measure == "trade" and (_target_year(sentence) or _vocabulary().target.search(sentence)):
        return "trade_target"
    return measure or "other"


def _target_year(sentence: str) -> int | None:
    match = _vocabulary().target_years.search(sentence)
    if match is None:
        return None
    return int(next(v for v in match.groups() if v))


def _count_beside(money: _Figure, figures: list[_Figure]) -> _Figure | None:
    """A small count of projects or companies standing beside a money figure."""
    candidates = [
        f
        for f in figures
        if f.kind == COUNT
        and f.sentence == money.sentence
        and f.noun in ("projects", "enterprises")
        and f.amount.scale is None
        and f.amount.is_integer
        and _distance(f, money) <= _BESIDE
    ]
    return min(candidates, key=lambda f: _distance(f, money), default=None)


def _distance(a: _Figure, b: _Figure) -> int:
    if a.amount.span.start < b.amount.span.start:
        return b.amount.span.start - a.unit_end
    return a.amount.span.start - b.unit_end


# ------------------------------------------------------------------------------ the claim

_UNITS = {TONNES: "tonnes", PERCENT: "percent", PEOPLE: "people", COUNT: "count"}


def find_claims(text: str, language: str | None = None) -> list[ClaimMention]:
    """Every money and quantity figure in ``text``; each span is the sentence stating it."""
    folded = fold(text)
    bounds = sentence_bounds(folded)
    figures = _figures(folded, language)
    counts = {id(f): c for f in figures if f.kind == MONEY and (c := _count_beside(f, figures))}
    consumed = {id(c) for c in counts.values()}
    claims: list[ClaimMention] = []
    for figure in figures:
        if figure.kind is None or id(figure) in consumed or figure.sentence < 0:
            continue
        count = counts.get(id(figure))
        measure = _measure(figure, count, folded, bounds)
        if measure == "other" and figure.kind in (PERCENT, PEOPLE, COUNT):
            continue
        claims.append(_claim(figure, count, measure, text, folded, bounds))
    return claims


def _claim(
    figure: _Figure,
    count: _Figure | None,
    measure: str,
    text: str,
    folded: str,
    bounds: tuple[tuple[int, int], ...],
) -> ClaimMention:
    start, end = bounds[figure.sentence]
    unit = figure.currency if figure.kind == MONEY else _UNITS[figure.kind or COUNT]
    if figure.kind == COUNT and figure.noun == "tourists":
        unit = "people"
    return ClaimMention(
        measure=measure,
        value=figure.amount.value,
        unit=unit or "count",
        span=Span(start, end, text[start:end]),
        currency=figure.currency,
        scale=figure.amount.scale,
        target_year=_target_year(folded[start:end]),
        qualifier=_qualifier_in_context(figure, folded[start:end]),
        count=int(count.amount.value) if count else None,
    )


def _qualifier_in_context(figure: _Figure, sentence: str) -> str | None:
    """ "до 10 млрд к 2030 году" is a target, not an upper bound."""
    if figure.qualifier == "up_to" and (
        _target_year(sentence) or _vocabulary().target.search(sentence)
    ):
        return None
    return figure.qualifier
