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

from workers.extract._grammar import claim_words
from workers.extract._grammar.text import (
    SPACE,
    LineSentences,
    fold,
    lowered,
    windows_around,
)
from workers.extract.dates import date_spans
from workers.extract.normalize import Words
from workers.extract.numbers import Amount, find_folded_amounts
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
    sentence: _Sentence
    kind: str | None  # money, tonnes, percent, people, count; None: a bare number
    unit_end: int  # offset after the unit (or the amount when there is none)
    currency: str | None = None
    noun: str | None = None  # measure named by the counted noun after the figure
    qualifier: str | None = None


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    # a unit right after an amount; the group named after its kind (money, tonnes, percent,
    # people) holds it, and a money unit's currency code names the group of its currency
    unit_after: re.Pattern[str]
    currency_before: re.Pattern[str]
    # the count nouns of every measure, after the character before them (the noun window
    # opens with one); the group named after a measure holds its noun
    count_noun: re.Pattern[str]
    measures: tuple[_Measure, ...]
    launch: _Measure  # the cues that make projects projects_launched
    target: _Measure  # the cues that make trade trade_target
    target_years: re.Pattern[str]
    before: tuple[tuple[str, re.Pattern[str]], ...]
    after: tuple[tuple[str, re.Pattern[str]], ...]
    masks: re.Pattern[str]


def _any(alternatives: list[str]) -> str:
    # the text is folded before matching, so the vocabulary is folded too ("зиёд" -> "зиед")
    return "(?:" + "|".join(fold(a) for a in alternatives) + ")"


def _word(alternatives: list[str], flags: int = re.IGNORECASE) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w']){_any(alternatives)}(?!\w)", flags)


@dataclass(frozen=True, slots=True)
class _Measure:
    name: str
    pattern: re.Pattern[str]
    # the same for lower-cased text (much faster); None when a cue is not lower case
    lower_case: re.Pattern[str] | None
    # what a match in lower-cased text always holds one of; None when a cue holds nothing sure
    needles: tuple[str, ...] | None

    def occurs_in(self, sentence: str, lower: str | None) -> bool:
        """Whether a cue occurs in ``sentence``; ``lower``: lowered(sentence)."""
        if lower is None or self.lower_case is None:
            return self.pattern.search(sentence) is not None
        # a substring search per needle is far cheaper than the pattern, which most
        # sentences do not match
        if self.needles is not None and not any(map(lower.__contains__, self.needles)):
            return False
        return self.lower_case.search(lower) is not None


def _measure_of(name: str, alternatives: list[str]) -> _Measure:
    lower_case = _word(alternatives, 0) if _lower_case(alternatives) else None
    needles = [_required_literal(fold(a)) for a in alternatives]
    return _Measure(
        name, _word(alternatives), lower_case, tuple(set(needles)) if all(needles) else None
    )


def _required_literal(alternative: str) -> str:
    """The longest run of plain characters that every match of ``alternative`` holds
    ("" when none is sure): characters outside groups, classes and escapes, none of them
    optional."""
    runs: list[str] = []
    run: list[str] = []
    depth = 0
    index = 0
    while index < len(alternative):
        char = alternative[index]
        index += 1
        if char == "|" and depth == 0:
            return ""  # a choice: nothing is sure
        if char in "?*{" and run:
            run.pop()  # the character before may be absent
        if depth == 0 and char not in "\\.^$*+?{}[]|()":
            run.append(char)
            continue
        runs.append("".join(run))
        run = []
        if char == "\\":
            index += 1
        elif char in "[{":  # a class, or a count of repeats: nothing plain inside
            index = alternative.index("]" if char == "[" else "}", index + 1) + 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
    runs.append("".join(run))
    return max(runs, key=len)


def _lower_case(alternatives: list[str]) -> bool:
    """Whether matching ``alternatives`` case-insensitively is matching them as they are in
    lower-cased text: all their letters are lower case, none is a trap letter of lowered(),
    and no character class could hold an upper-case letter."""
    letters = [re.sub(r"\\.", "", fold(a)) for a in alternatives]
    return all(w == w.lower() and lowered(w) is not None and "[" not in w for w in letters)


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    s = SPACE
    currency_groups = "|".join(
        f"(?P<{code}>{_any(forms)})" for code, forms in claim_words.CURRENCIES.items()
    )
    symbols = "|".join(
        re.escape(k) for k in sorted(claim_words.CURRENCY_SYMBOLS_BEFORE, key=len, reverse=True)
    )
    # tried in this order, as the alternatives of one pattern: the first kind that matches
    units_after = {
        MONEY: rf"\.?{s}*(?:{claim_words.CURRENCY_COUNTRY}{s}+)?(?:{currency_groups})(?![\w'])",
        TONNES: rf"\.?{s}*{_any(claim_words.TONNES)}(?![\w'])",
        PERCENT: rf"{s}*{_any(claim_words.PERCENT)}(?![\w'])",
        PEOPLE: rf"\.?{s}*{_any(claim_words.PEOPLE)}(?![\w'])",
    }
    # Measures in name order: of the nouns that start at the same place, the alternative
    # tried first, the first measure by name, wins.
    count_nouns = "|".join(
        rf"(?P<{measure}>{_any(claim_words.COUNT_NOUNS[measure])}(?!\w))"
        for measure in sorted(claim_words.COUNT_NOUNS)
    )
    return _Vocabulary(
        unit_after=re.compile(
            "|".join(f"(?P<{kind}>{unit})" for kind, unit in units_after.items()), re.IGNORECASE
        ),
        currency_before=re.compile(rf"(?P<symbol>{symbols}){s}*$"),
        # opening with a character class, not a lookbehind, lets the engine skip from one
        # word start to the next
        count_noun=re.compile(rf"[^\w'](?:{count_nouns})", re.IGNORECASE),
        measures=tuple(_measure_of(m, forms) for m, forms in claim_words.MEASURE_CUES),
        launch=_measure_of("projects_launched", claim_words.LAUNCH_CUES),
        target=_measure_of("trade_target", claim_words.TARGET_CUES),
        target_years=re.compile(_any(claim_words.TARGET_YEARS), re.IGNORECASE),
        before=tuple(
            (q, re.compile(rf"(?<![\w']){_any(forms)}{s}*$", re.IGNORECASE))
            for q, forms in claim_words.QUALIFIERS_BEFORE.items()
        ),
        after=tuple(
            (q, re.compile(rf"^{s}*(?:\w+{s}+)?{_any(forms)}(?![\w'])", re.IGNORECASE))
            for q, forms in claim_words.QUALIFIERS_AFTER.items()
        ),
        masks=re.compile(
            r"(?<![\d:])\d{1,2}:\d{2}(?::\d{2})?(?![\d:])"  # clock times
            # phone numbers: an international prefix, an area code in brackets, or 12-34-56
            r"|\+\d[\d \-()]{7,}\d|\(\d{2,5}\)[\d \-]{5,}\d|\d{2,3}-\d{2}-\d{2}(?!\d)"
            r"|(?<![\w.,])(?:19|20)\d\d\s*[-–—]\s*(?:19|20)\d\d(?!\d)",  # year ranges
        ),
    )


# Every match of _Vocabulary.masks holds one of these (a clock time's colon, a phone
# number's plus, bracket or hyphen, a year range's dash), and every target year a 19 or a 20.
_MASK_MARKS = (":", "+", "(", "-", "–", "—")
_TARGET_YEAR_MARKS = ("19", "20")


# ------------------------------------------------------------------------- the sentences


@dataclass(frozen=True, slots=True)
class _Sentence:
    start: int
    end: int
    previous: tuple[int, int] | None  # the sentence before it in the same paragraph


class _Sentences(LineSentences):
    """The sentences of the article, read where figures stand, with the sentence before
    each and the stretch a date may run over."""

    def at(self, offset: int) -> _Sentence:
        """The sentence that holds ``offset`` (a figure's start: never space, so always in a
        sentence)."""
        bounds = self.around(offset)[0]
        index = bisect_right(bounds, (offset, _AFTER_ANY_END)) - 1
        start, end = bounds[index]
        return _Sentence(start, end, bounds[index - 1] if index else None)

    def next_to(self, earlier: _Sentence, later: _Sentence) -> bool:
        """Whether ``later`` is ``earlier`` or the sentence right after it: sentences hold
        every character but space, so only space stands between two that follow each other."""
        return earlier == later or self.text[earlier.end : later.start].isspace()

    def in_line(self, line: int) -> tuple[tuple[int, int], ...]:
        """The sentences of the line that starts at offset ``line``."""
        return self.line(line)[0]

    def stretch(self, sentence: _Sentence) -> tuple[int, int]:
        """The stretch of ``sentence`` in _date_spans_of: it and the sentences a date's
        abbreviation joins to it."""
        line = self.line_start(sentence.start)
        index = self.in_line(line).index((sentence.start, sentence.end))
        first = last = (line, index)
        while (before := self._before(*first)) is not None and self._joined(*before):
            first = before
        while self._joined(*last) and (after := self._after(*last)) is not None:
            last = after
        return self.in_line(first[0])[first[1]][0], self.in_line(last[0])[last[1]][1]

    def _joined(self, line: int, index: int) -> bool:
        # The period after a date's abbreviation ("5 мар. 2024", "2025 ж. 14 ...") may have
        # ended the sentence; the date goes on in the next one, unless a line break parts them.
        start, end = self.in_line(line)[index]
        return (
            self.text[end : end + 1] != "\n"
            and _DATE_ABBREVIATION.search(self.text, max(start, end - 8), end) is not None
        )

    def _before(self, line: int, index: int) -> tuple[int, int] | None:
        while index == 0:
            # The last sentence of a line that ends in no space ends at the line break, so
            # it joins nothing: the lines before need not be read.
            if line == 0 or not self.text[line - 2 : line - 1].isspace():
                return None
            line = self.line_start(line - 1)
            index = len(self.in_line(line))
        return line, index - 1

    def _after(self, line: int, index: int) -> tuple[int, int] | None:
        while index + 1 >= len(self.in_line(line)):
            end = self.line(line)[1]
            if end == len(self.text):
                return None
            line, index = end + 1, -1
        return line, index + 1


# -------------------------------------------------------------------------------- masks


# A date's own abbreviations ("г.", "ж.", "нояб.", "Sept.") are this short at most.
_DATE_ABBREVIATION = re.compile(r"(?<![^\W\d_])[^\W\d_]{1,5}\.+$")
# The mask patterns run in windows this far around every run of digits (windows_around).
_REACH = 30


class _Masks:
    """What keeps an amount from being a figure: a date expression, a clock time, a phone
    number, a year range or a target year over it.

    Masks are the date expressions of the stretches of text that hold an amount, and the
    matches of the mask patterns in windows around the digits of the text. Only the
    stretches and windows of the amounts asked about are read, each once."""

    def __init__(self, text: str, language: str | None, sentences: _Sentences) -> None:
        self.text = text
        self.language = language
        self.sentences = sentences
        self._dates: dict[tuple[int, int], list[tuple[int, int]]] = {}
        self._windows: dict[tuple[int, int], list[tuple[int, int]]] = {}
        self._patterns: dict[tuple[int, int], list[tuple[int, int]]] = {}

    def cover(self, amount: Amount, sentence: _Sentence) -> bool:
        start, end = amount.span.start, amount.span.end
        windows = [w for w in self._windows_of(sentence) if w[0] < end and start < w[1]]
        return any(
            a < end and start < b for window in windows for a, b in self._pattern_spans(window)
        ) or any(a < end and start < b for a, b in self._date_spans_of(sentence))

    def _windows_of(self, sentence: _Sentence) -> list[tuple[int, int]]:
        # the windows over an amount are among those over its sentence
        windows = self._windows.get((sentence.start, sentence.end))
        if windows is None:
            windows = _digit_windows(self.text, sentence.start, sentence.end)
            self._windows[(sentence.start, sentence.end)] = windows
        return windows

    def _pattern_spans(self, window: tuple[int, int]) -> list[tuple[int, int]]:
        spans = self._patterns.get(window)
        if spans is None:
            vocabulary = _vocabulary()
            piece = self.text[window[0] : window[1]]
            # each pattern needs a character of its own: skip a window without one
            patterns = [
                pattern
                for pattern, marks in (
                    (vocabulary.masks, _MASK_MARKS),
                    (vocabulary.target_years, _TARGET_YEAR_MARKS),
                )
                if any(mark in piece for mark in marks)
            ]
            spans = [m.span() for p in patterns for m in p.finditer(self.text, *window)]
            self._patterns[window] = spans
        return spans

    def _date_spans_of(self, sentence: _Sentence) -> list[tuple[int, int]]:
        """The date expressions of the stretch of text ``sentence`` belongs to: a sentence,
        joined to the next one where the period between them may belong to a date, so no date
        expression runs across its ends and reading it alone finds the same expressions as
        reading the article."""
        spans = self._dates.get((sentence.start, sentence.end))
        if spans is None:
            # kept by sentence: its other figures need not trace the stretch again (a second
            # sentence of the stretch scans the same text, which dates has cached)
            a, b = self.sentences.stretch(sentence)
            spans = [(a + s, a + e) for s, e in date_spans(self.text[a:b], self.language)]
            self._dates[(sentence.start, sentence.end)] = spans
        return spans


def _digit_windows(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The windows ``windows_around(every run of digits in text, text, _REACH, _REACH)``
    puts over or near [start, end), found from the runs of digits nearby.

    A run's window reaches _REACH characters to its left and, to its right, on to the first
    space _REACH characters after it; windows that touch are merged. So the runs to read
    are those near [start, end) and, on either side, every further run whose window still
    reaches the windows already read (or [start, end) itself)."""
    lo = _run_boundary(text, max(0, start - 2 * _REACH), -1)
    hi = _run_boundary(text, min(len(text), end + 2 * _REACH), 1)
    runs = _runs(text, lo, hi)
    while True:
        # Runs before ``lo`` whose windows end at or after ``reach`` merge with the first
        # run's window or cover [start, end). A window ends at a space: one that ends before
        # the last space short of ``reach`` stops there, so its run ended more than _REACH
        # characters before that space.
        reach = min(start + 1, max(0, runs[0][0] - _REACH)) if runs else start + 1
        space = reach - 1
        while space >= 0 and not text[space].isspace():
            space -= 1
        new_lo = _run_boundary(text, max(0, space - _REACH), -1)
        before = _runs(text, new_lo, lo) if new_lo < lo else []
        if not before:
            break
        runs, lo = before + runs, new_lo
    while runs:
        # Runs after ``hi`` whose windows start within the last window merge with it.
        last_end = _window_end(text, runs[-1][1])
        new_hi = _run_boundary(text, min(len(text), last_end + _REACH + 1), 1)
        after = _runs(text, hi, new_hi) if hi < new_hi else []
        if not after:
            break
        runs, hi = runs + after, new_hi
    return windows_around(runs, text, _REACH, _REACH)


_SPACE = re.compile(r"\s")  # what str.isspace() holds to be space


def _window_end(text: str, run_end: int) -> int:
    """Where windows_around ends the window of a run: _REACH on, then at the next space."""
    space = _SPACE.search(text, min(len(text), run_end + _REACH))
    return space.start() if space else len(text)


def _run_boundary(text: str, offset: int, step: int) -> int:
    """``offset``, moved by ``step`` until it splits no run of digits."""
    while 0 < offset < len(text) and text[offset - 1].isdecimal() and text[offset].isdecimal():
        offset += step
    return offset


def _runs(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    return [m.span() for m in _DIGITS.finditer(text, lo, hi)]


# ---------------------------------------------------------------------------- the figure

# Scales that make a unit-less amount a sum of money in the currency just mentioned.
_SCALED = ("mln", "bn", "trn")
# The words after a figure where its counted noun may stand (letters taken a run at a
# time: the engine loops once per run, not once per letter).
_NOUN_WINDOW = re.compile(rf"\.?(?:{SPACE}+(?:[^\W\d_]+|['’-])+){{1,{_NOUN_WORDS}}}")


def _is_year(amount: Amount) -> bool:
    return (
        amount.scale is None
        and amount.is_integer
        and 1900 <= amount.value <= 2100
        and not amount.spelled
    )


def _unit(text: str, amount: Amount) -> tuple[str | None, str | None, int]:
    """(kind, currency, end of the unit) for the words right after or before ``amount``."""
    vocabulary = _vocabulary()
    unit = vocabulary.unit_after.match(text, amount.span.end, amount.span.end + 60)
    kind = None if unit is None else unit.lastgroup
    if kind == MONEY:
        code = next(code for code in claim_words.CURRENCIES if unit.group(code))
        return MONEY, code, unit.end()
    before = vocabulary.currency_before.search(
        text[max(0, amount.span.start - 6) : amount.span.start]
    )
    if before:
        return MONEY, claim_words.CURRENCY_SYMBOLS_BEFORE[before.group("symbol")], amount.span.end
    if kind is None:
        return None, None, amount.span.end
    return kind, None, unit.end()


def _noun_after(text: str, offset: int) -> str | None:
    """The measure named by the counted noun a few words after ``offset``, if any."""
    window = _NOUN_WINDOW.match(text, offset, offset + 120)
    if window is None:
        return None
    # the window opens with a period or space, never with a noun
    noun = _vocabulary().count_noun.search(window.group())
    return noun.lastgroup if noun else None


_SIGN_BEFORE = re.compile(r"[$€₸₽]\s*$")
_CLOSING_BRACKET = re.compile(rf"{SPACE}*\)")
_BRACKETS = re.compile(rf"^{SPACE}*\([^()]*\)")


def _qualifier(text: str, figure_start: int, unit_end: int) -> str | None:
    vocabulary = _vocabulary()
    head = text[max(0, figure_start - 40) : figure_start]
    head = _SIGN_BEFORE.sub("", head)
    for qualifier, pattern in vocabulary.before:
        if pattern.search(head):
            return qualifier
    tail = text[unit_end : unit_end + 80]
    if _CLOSING_BRACKET.match(tail):
        return None  # the figure is a parenthetical restatement
    tail = _BRACKETS.sub("", tail)
    for qualifier, pattern in vocabulary.after:
        if pattern.match(tail):
            return qualifier
    return None


def _figures(
    text: str,
    language: str | None,
    sentences: _Sentences,
    words: Words | None = None,
    text_start: int = 0,
) -> list[_Figure]:
    masks = _Masks(text, language, sentences)
    figures: list[_Figure] = []
    for amount in find_folded_amounts(text, words, text_start):
        kind, currency, unit_end = _unit(text, amount)
        if kind is None and _is_year(amount):
            continue
        noun = _noun_after(text, unit_end)
        if kind is None and noun is not None:
            kind = COUNT
        if kind is None and amount.scale not in _SCALED:
            continue  # a bare number: no claim, and no other figure takes anything from it
        sentence = sentences.at(amount.span.start)
        if masks.cover(amount, sentence):
            continue
        figures.append(
            _Figure(
                amount=amount,
                sentence=sentence,
                kind=kind,
                unit_end=unit_end,
                currency=currency,
                noun=noun,
                qualifier=_qualifier(text, amount.span.start, unit_end),
            )
        )
    return _with_inherited_currency(figures, sentences)


def _with_inherited_currency(figures: list[_Figure], sentences: _Sentences) -> list[_Figure]:
    """A scaled amount with no unit ("10 миллиардга") takes the previous money figure's currency
    when it stands in the same sentence or the next one."""
    result: list[_Figure] = []
    last_money: _Figure | None = None
    for figure in figures:
        if (
            figure.kind is None
            and figure.amount.scale in _SCALED
            and last_money is not None
            and sentences.next_to(last_money.sentence, figure.sentence)
        ):
            figure = replace(figure, kind=MONEY, currency=last_money.currency)
        if figure.kind == MONEY:
            last_money = figure
        result.append(figure)
    return result


# ---------------------------------------------------------------------------- the measure


def _measure_in(
    sentence: str, lower: str | None, allowed: frozenset[str] | None = None
) -> str | None:
    """``lower``: lowered(sentence)."""
    for measure in _vocabulary().measures:
        if (allowed is None or measure.name in allowed) and measure.occurs_in(sentence, lower):
            return measure.name
    return None


def _measure(figure: _Figure, count: _Figure | None, text: str) -> str:
    sentence = text[figure.sentence.start : figure.sentence.end]
    lower = lowered(sentence)
    allowed = claim_words.MONEY_MEASURES if figure.kind == MONEY else None
    measure = (
        (count.noun if count else None) or figure.noun or _measure_in(sentence, lower, allowed)
    )
    if measure is None and figure.kind != PERCENT and figure.sentence.previous is not None:
        start, end = figure.sentence.previous
        previous = text[start:end]
        measure = _measure_in(previous, lowered(previous), allowed)
    vocabulary = _vocabulary()
    if measure == "projects" and vocabulary.launch.occurs_in(sentence, lower):
        return vocabulary.launch.name
    if measure == "trade" and (
        _target_year(sentence) or vocabulary.target.occurs_in(sentence, lower)
    ):
        return vocabulary.target.name
    return measure or "other"


def _target_year(sentence: str) -> int | None:
    if not any(mark in sentence for mark in _TARGET_YEAR_MARKS):
        return None  # every target year is written 19xx or 20xx
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


def find_claims(
    text: str, language: str | None = None, words: Words | None = None, text_start: int = 0
) -> list[ClaimMention]:
    """Every money and quantity figure in ``text``; each span is the sentence stating it.

    ``words``: the words of ``text`` (``normalize.words``), when the caller has them, or of
    a longer text in which ``text`` starts at offset ``text_start``: the amounts are then
    looked for only where they may stand (the claims are those found without ``words``)."""
    folded = fold(text)
    figures = _figures(folded, language, _Sentences(folded), words, text_start)
    counts = {id(f): c for f in figures if f.kind == MONEY and (c := _count_beside(f, figures))}
    consumed = {id(c) for c in counts.values()}
    claims: list[ClaimMention] = []
    for figure in figures:
        if figure.kind is None or id(figure) in consumed:
            continue
        count = counts.get(id(figure))
        measure = _measure(figure, count, folded)
        if measure == "other" and figure.kind in (PERCENT, PEOPLE, COUNT):
            continue
        claims.append(_claim(figure, count, measure, text, folded))
    return claims


def _claim(
    figure: _Figure, count: _Figure | None, measure: str, text: str, folded: str
) -> ClaimMention:
    start, end = figure.sentence.start, figure.sentence.end
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
        _target_year(sentence) or _vocabulary().target.occurs_in(sentence, lowered(sentence))
    ):
        return None
    return figure.qualifier
