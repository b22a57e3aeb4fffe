"""Date expressions in Kazakh, Russian, Uzbek (Cyrillic and Latin) and English.

``find_dates`` finds every date expression in an article and resolves it to calendar dates:
a day and a month name in any case form ("15 ноября", "9 тамызда", "15-noyabr", "November
15, 2025"), numeric and ISO dates, day ranges and ranges across months, a month alone, the
relative words ("сегодня", "бүгін", "эртага", "yesterday") and weekdays. Month tables are
data (``lexicon/months.yaml``); the grammar around them is here.

Resolution rules, kept simple on purpose:

* A date without a year takes the year that puts it nearest to the anchor (the article's
  publication time). When the sentence's tense is known, a past-tense date is not put more
  than a week after the anchor and a future-tense one not more than a week before it, so "в
  декабре прошел саммит" written in August is last December.
* Relative words and weekdays are counted from the anchor's calendar day in the source's time
  zone (``zoneinfo``; a naive anchor is taken to be in that zone already). A weekday is the
  nearest such day, or the previous/next one when a modifier ("прошлую", "келесі", "next")
  or the tense says so.
* An explicit date in apposition wins over the relative word or weekday before it
  ("эртага, 15 ноябрь куни", "в пятницу, 14 ноября"): only the explicit date is reported.
* With no anchor, relative expressions and dates without a year yield nothing.

Day ranges are read by this grammar, never by a general date parser: "14–15 ноября" is the
14th to the 15th of November, not 15 November 2014.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from email.utils import parsedate_to_datetime
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from workers.extract._grammar.tense import FUTURE, PAST, tense_near
from workers.extract._grammar.text import (
    DASH,
    SPACE,
    fold,
    lowered,
    sentence_at,
    trie_alternation,
    windows_around,
)
from workers.records import DateMention, Span

MONTHS_FILE = Path(__file__).parent / "lexicon" / "months.yaml"

# A past/future reading may still put a date a few days across the anchor: time zones, and
# articles written the evening before they are published.
_TENSE_SLACK = timedelta(days=7)
_GENITIVE_ENDINGS = ("ның", "нің", "дың", "дің", "тың", "тің", "нинг", "ning")

_KIND_DATES = "dates"
_KIND_MONTH = "month"
_KIND_OFFSET = "offset"
_KIND_WEEKDAY = "weekday"
_NUMERIC_PATTERNS = frozenset({"numeric_cross", "numeric", "iso"})


@dataclass(frozen=True, slots=True)
class _Expression:
    """A date expression as written, before it is resolved against an anchor."""

    start: int
    end: int
    kind: str
    # dates: (y1, m1, d1, y2, m2, d2); month: (y, m); offset: (days,); weekday: (iso, direction)
    parts: tuple[Any, ...]
    # "текущего года", "былтырғы": the year is the anchor's year plus this
    year_offset: int | None = None


@dataclass(frozen=True, slots=True)
class _Calendar:
    month_by_form: tuple[tuple[str, int], ...]  # casefolded form -> month, longest form first
    ambiguous: frozenset[str]
    year_offsets: MappingProxyType[str, int]  # casefolded relative-year phrase -> offset in years
    patterns: tuple[tuple[str, re.Pattern[str]], ...]  # (name, pattern), most specific first
    # Cheap patterns that find where a date may stand; the full patterns then run only in a
    # window around each hit, which keeps long articles fast.
    month_anchor: re.Pattern[str]
    month_word: re.Pattern[str]  # one month name with its endings, whole
    numeric_anchor: re.Pattern[str]
    weekday_anchor: re.Pattern[str]
    # The anchors and idioms again, for lower-cased text: case-sensitive matching is several
    # times faster. None where lower-casing the words would change what matches.
    month_anchor_lower: re.Pattern[str] | None
    weekday_anchor_lower: re.Pattern[str] | None
    idioms_lower: re.Pattern[str] | None
    # Every month name, weekday and relative-day word and ``numeric_anchor`` in one pattern
    # for lower-cased text behind a space: a text it finds nothing in holds no date
    # expression (None as for the anchors).
    any_cue_lower: re.Pattern[str] | None
    relative: MappingProxyType[
        str, MappingProxyType[str, int]
    ]  # language -> casefolded word -> offset in days
    weekdays: MappingProxyType[str, tuple[re.Pattern[str], MappingProxyType[str, int]]]
    idioms: re.Pattern[str]
    modifiers: MappingProxyType[str, str]  # casefolded modifier -> past | future | near


# --------------------------------------------------------------------------- grammar build


def _alternation(words: list[str]) -> str:
    # the text is folded before matching, so the calendar words are folded too
    return trie_alternation([fold(w) for w in words])


def _month_piece(table: dict[str, Any], with_abbreviations: bool) -> str:
    forms = [f for fs in table["months"].values() for f in fs]
    piece = f"(?:{_alternation(forms)}){table.get('suffix') or ''}"
    abbreviations = [f for fs in (table.get("abbreviations") or {}).values() for f in fs]
    if with_abbreviations and abbreviations:
        piece = f"(?:{piece}|(?:{_alternation(abbreviations)})\\.?)"
    if table.get("case_sensitive"):
        piece = f"(?-i:{piece})"
    return piece


def _month_group(name: str, pieces: list[str]) -> str:
    return f"(?<![\\w'])(?P<{name}>{'|'.join(pieces)})(?![\\w'])"


def _build_patterns(
    languages: dict[str, Any], relative_years: list[str]
) -> tuple[tuple[str, re.Pattern[str]], ...]:
    s = SPACE
    all_pieces = [_month_piece(t, True) for t in languages.values()]
    full_pieces = [_month_piece(t, False) for t in languages.values()]
    en_pieces = [_month_piece(languages["en"], True)]

    def mon(name: str) -> str:
        return _month_group(name, all_pieces)

    all_year_words = [w for t in languages.values() for w in (t.get("year_word") or [])]
    # a period belongs to the abbreviations ("г.", "ж.") only, not to "года."
    year_words = (
        f"(?:{_alternation([w for w in all_year_words if len(w) > 2])}"
        f"|(?:{_alternation([w for w in all_year_words if len(w) <= 2])})\\.?)"
    )
    day_words = _alternation([w for t in languages.values() for w in (t.get("day_word") or [])])
    month_words = _alternation([w for t in languages.values() for w in (t.get("month_word") or [])])

    def day(name: str) -> str:
        return (
            rf"(?<![\w.,:/\d])(?P<{name}>[0-3]?\d)"
            r"(?:-(?:го|ое|е|ші|шы|сі|сы|і|ы)(?![\w])|st|nd|rd|th)?"
        )

    relative_year = _alternation(relative_years)

    def year_tail(name: str) -> str:
        return (
            rf"(?:{s}*,?{s}*(?:(?P<{name}>(?:19|20)\d\d)(?!\d)"
            rf"(?:{s}*-?{s}*{year_words}(?![\w']))?"
            rf"|(?P<{name}r>{relative_year})(?![\w'])))?"
        )

    def year_head(name: str) -> str:
        return (
            rf"(?:(?<![\w.,])(?:(?P<{name}>(?:19|20)\d\d){s}*-?{s}*{year_words}"
            rf"|(?P<{name}r>{relative_year})),?{s}+)?"
        )

    month_sep = rf"(?:{s}*{DASH}{s}*|{s}+(?:of{s}+)?)"
    range_sep = rf"(?:{s}*{DASH}{s}*|{s}+(?:по|до|to|till|until|through|and|и|ва|va|және|мен){s}+)"
    # "15 ноября и 16 ноября" are two dates; only a dash or "по/to" spans months
    cross_sep = rf"(?:{s}*{DASH}{s}*|{s}+(?:по|до|to|till|until|through){s}+)"
    range_openers = ("с", "со", "from", "between")
    range_prefix = rf"(?:(?<![\w])(?:{'|'.join(range_openers)}){s}+)?"
    day_tail = rf"(?:{s}+(?:{day_words})(?![\w']))?"
    en_month = _month_group
    flags = re.IGNORECASE
    month_forms = [
        form
        for table in languages.values()
        for forms in (*table["months"].values(), *(table.get("abbreviations") or {}).values())
        for form in forms
    ]
    opening = _word_opening([*month_forms, *relative_years, *range_openers])

    sources = (
        (
            "cross",
            rf"{range_prefix}{year_head('yh')}{day('d1')}{month_sep}{mon('m1')}{year_tail('y1')}"
            rf"{cross_sep}{day('d2')}{month_sep}{mon('m2')}{year_tail('y2')}{day_tail}",
        ),
        (
            "range",
            rf"{range_prefix}{year_head('yh')}{day('d1')}{range_sep}{day('d2')}{month_sep}"
            rf"{mon('m1')}{year_tail('y2')}{day_tail}",
        ),
        (
            "single",
            rf"{year_head('yh')}{day('d1')}{month_sep}{mon('m1')}{year_tail('y2')}{day_tail}",
        ),
        (
            "month_first",
            rf"{range_prefix}{en_month('m1', en_pieces)}{s}+{day('d1')}"
            rf"(?:{s}*,?{s}*(?P<y1>(?:19|20)\d\d)(?!\d)(?={range_sep}{en_month('m3', en_pieces)}))?"
            rf"(?:{range_sep}(?:{en_month('m2', en_pieces)}{s}+)?{day('d2')})?"
            rf"(?:{s}*,?{s}*(?P<y2>(?:19|20)\d\d)(?!\d))?",
        ),
        (
            "genitive_first",
            rf"{year_head('yh')}{mon('m1')}{s}+(?P<d1>[0-3]?\d)(?!\d)(?:-\w*)?",
        ),
        (
            "month",
            rf"{year_head('yh')}{_month_group('m1', full_pieces)}{year_tail('y2')}"
            rf"(?P<mw>{s}+(?:{month_words})(?![\w']))?",
        ),
        (
            "numeric_cross",
            r"(?<![\w.,])(?P<d1>[0-3]?\d)\.(?P<m1>[01]?\d)" + rf"{s}*{DASH}{s}*"
            r"(?P<d2>[0-3]?\d)\.(?P<m2>[01]?\d)\.(?P<y2>(?:19|20)\d\d)(?![\d])",
        ),
        (
            "numeric",
            r"(?<![\w.,])(?P<d1>[0-3]?\d)" + rf"(?:{s}*{DASH}{s}*(?P<d2>[0-3]?\d))?"
            r"(?P<sep>[./])(?P<m1>[01]?\d)(?P=sep)(?P<y2>(?:19|20)\d\d|\d\d)(?![\d])(?!\.\d)",
        ),
        ("iso", r"(?<![\d.])(?P<y2>(?:19|20)\d\d)-(?P<m1>[01]\d)-(?P<d1>[0-3]\d)(?![\d])"),
    )
    return tuple(
        (name, re.compile(src if name in _NUMERIC_PATTERNS else opening + src, flags))
        for name, src in sources
    )


def _word_opening(words: list[str]) -> str:
    """What the month patterns open with: the start of a word, on a digit (a day or a year)
    or on the first letter of one of ``words`` (month names, relative years, range openers).

    Every match of those patterns opens so; with this in front the engine leaves at once
    inside a word or at any other letter, instead of trying the optional openings and every
    month name there.
    """
    letters = "".join(sorted({re.escape(fold(word)[0]) for word in words}))
    return rf"(?<!\w)(?=[\d{letters}])"


def _anchor(words: list[str]) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w'])(?:{_alternation([fold(w) for w in words])})", re.IGNORECASE)


def _lower_anchor(words: list[str]) -> re.Pattern[str] | None:
    """``_anchor(words)`` for lower-cased text, or None when the two could match differently."""
    folded = [fold(w) for w in words]
    if not _case_blind(folded):
        return None
    return re.compile(rf"(?<![\w'])(?:{_alternation([w.lower() for w in folded])})")


def _any_cue_lower(words: list[str]) -> re.Pattern[str] | None:
    """One of ``words`` at the start of a word, or a numeric date's "15.11", in lower-cased
    text with a space put in front; None when lower-casing a word could lose a match.
    Only whether anything matches counts, not which word: the words' order does not matter.

    Opening on the character before the cue (a non-word character other than an
    apostrophe, or the "[./-]" of "15.11") rather than on the anchors' lookbehind lets the
    regex engine skip from one such character to the next instead of trying every letter;
    one class for both keeps that skip to a single test per character. At each such
    character the engine tries the words' first letters one by one; telling a Latin first
    letter from the others beforehand leaves it the letters of one script to try.
    """
    folded = [fold(w) for w in words]
    if any(lowered(w) is None for w in folded):
        return None
    lower = [w.lower() for w in folded]
    latin = [w for w in lower if "a" <= w[0] <= "z"]
    other = [w for w in lower if not "a" <= w[0] <= "z"]
    pieces = [f"(?=[a-z]){_alternation(latin)}"] if latin else []
    if other:
        pieces.append(f"(?![a-z]){_alternation(other)}")
    return re.compile(rf"[^\w'](?:{'|'.join(pieces)}|(?<=\d[./-])\d)")


def _case_blind(words: list[str]) -> bool:
    """Whether a case-insensitive alternation of ``words`` matches what the same alternation
    of the lower-cased words matches in lower-cased text: no trap letters, and no word is a
    prefix of another only once both are lower-cased (the two would then sit on different
    branches of the case-sensitive alternation, and the shorter might win)."""
    if any(lowered(w) is None for w in words):
        return False
    lower = sorted({(w.lower(), w) for w in words})
    return all(
        b.startswith(a) or not b_low.startswith(a_low)
        for a_low, a in lower
        for b_low, b in lower
        if a_low != b_low
    )


def _build_weekday(table: dict[str, Any], modifiers: list[str]) -> re.Pattern[str]:
    s = SPACE
    days = _alternation([f for fs in table["days"].values() for f in fs])
    if table.get("case_sensitive"):
        days = f"(?-i:{days})"
    modifier = _alternation(modifiers)
    before = table.get("before") or ""
    after = table.get("after") or ""
    if before and not table.get("case_sensitive"):
        # the preposition is needed unless a modifier fixes the phrase ("прошлую пятницу"):
        # "среда" alone is also "environment"
        lead = rf"(?:{before}{s}+(?:(?P<mod>{modifier}){s}+)?|(?P<mod_alone>{modifier}){s}+)"
    elif before:
        lead = rf"(?:{before}{s}+)?(?:(?P<mod>{modifier}){s}+)?"
    else:
        lead = rf"(?:(?P<mod>{modifier}){s}+)?"
    return re.compile(rf"(?<![\w']){lead}(?P<w>{days}){after}(?![\w'])", re.IGNORECASE)


@lru_cache(maxsize=1)
def _calendar() -> _Calendar:
    data = yaml.safe_load(MONTHS_FILE.read_text(encoding="utf-8"))
    languages: dict[str, Any] = data["languages"]
    month_by_form: list[tuple[str, int]] = []
    ambiguous: set[str] = set()
    for table in languages.values():
        for month, forms in table["months"].items():
            month_by_form += [(fold(f).casefold(), int(month)) for f in forms]
        for month, forms in (table.get("abbreviations") or {}).items():
            month_by_form += [(fold(f).casefold(), int(month)) for f in forms]
        ambiguous |= {fold(f).casefold() for f in table.get("ambiguous") or []}
    month_by_form.sort(key=lambda item: len(item[0]), reverse=True)

    relative = {
        lang: MappingProxyType({fold(w).casefold(): int(v) for w, v in words.items()})
        for lang, words in data["relative_days"].items()
    }
    modifier_words = data["weekday_modifiers"]
    all_modifiers = [w for ws in modifier_words.values() for w in ws]
    weekday_forms = [f for t in data["weekdays"].values() for fs in t["days"].values() for f in fs]
    weekdays = {
        lang: (
            _build_weekday(table, all_modifiers),
            MappingProxyType(
                {fold(f).casefold(): int(d) for d, fs in table["days"].items() for f in fs}
            ),
        )
        for lang, table in data["weekdays"].items()
    }
    return _Calendar(
        month_by_form=tuple(month_by_form),
        ambiguous=frozenset(ambiguous),
        year_offsets=MappingProxyType(
            {
                fold(p).casefold(): int(offset)
                for offset, phrases in data["relative_years"].items()
                for p in phrases
            }
        ),
        patterns=_build_patterns(
            languages, [fold(p) for ps in data["relative_years"].values() for p in ps]
        ),
        month_anchor=_anchor([form for form, _ in month_by_form]),
        month_word=re.compile(
            "|".join(_month_piece(t, True) for t in languages.values()), re.IGNORECASE
        ),
        numeric_anchor=re.compile(r"\d[./-]\d"),
        weekday_anchor=_anchor(weekday_forms),
        month_anchor_lower=_lower_anchor([form for form, _ in month_by_form]),
        weekday_anchor_lower=_lower_anchor(weekday_forms),
        any_cue_lower=_any_cue_lower(
            [form for form, _ in month_by_form]
            + weekday_forms
            + [word for words in relative.values() for word in words]
        ),
        idioms_lower=(
            re.compile(rf"(?<![\w'])(?:{trie_alternation([fold(i).lower() for i in data['idioms']])})")
            if _case_blind([fold(i) for i in data["idioms"]])
            else None
        ),
        relative=MappingProxyType(relative),
        weekdays=MappingProxyType(weekdays),
        idioms=re.compile(
            rf"(?<![\w'])(?:{trie_alternation([fold(i) for i in data['idioms']])})", re.IGNORECASE
        ),
        modifiers=MappingProxyType(
            {fold(w).casefold(): direction for direction, ws in modifier_words.items() for w in ws}
        ),
    )


# ------------------------------------------------------------------------------- scanning


def _table_key(word: str) -> str:
    """How a word the patterns matched is looked up in the calendar's tables (whose keys are
    ``fold(form).casefold()``). The patterns ignore case as ``re`` does, which also equates
    the dotless ı with i and reads İ as i; casefold keeps the ı, and makes İ an i with a
    combining dot, so both are put back to the i the tables hold."""
    return fold(word).casefold().replace("ı", "i").replace("i\u0307", "i")


@lru_cache(maxsize=4096)  # keyed by a month word as written
def _month_number(token: str) -> int | None:
    key = _table_key(token).rstrip(".")
    for form, month in _calendar().month_by_form:
        if key.startswith(form):
            return month
    return None


def is_month_word(word: str) -> bool:
    """Whether ``word`` is a month name in any language and case ("ноября", "noyabrda")."""
    return _calendar().month_word.fullmatch(fold(word)) is not None


def _int(match: re.Match[str], name: str) -> int | None:
    try:
        value = match.group(name)
    except IndexError:
        return None
    return int(value) if value else None


def _year(match: re.Match[str], name: str) -> int | None:
    value = _int(match, name)
    if value is not None and value < 100:
        value += 2000
    return value


def _group(match: re.Match[str], name: str) -> str | None:
    try:
        return match.group(name)
    except IndexError:
        return None


def _expressions_from(name: str, match: re.Match[str]) -> list[_Expression]:
    start, end = match.span()
    year_head = _year(match, "yh")
    offset = _year_offset(match)
    if name == "month":
        token = match.group("m1")
        year = year_head or _year(match, "y2")
        has_year = year is not None or offset is not None
        if _table_key(token) in _calendar().ambiguous and not (has_year or match.group("mw")):
            return []
        month = _month_number(token)
        if month is None:
            return []
        return [_Expression(start, end, _KIND_MONTH, (year, month), offset)]
    if name == "genitive_first" and not _table_key(match.group("m1")).endswith(
        _GENITIVE_ENDINGS
    ):
        return []
    numeric = name.startswith("numeric") or name == "iso"
    m1 = _int(match, "m1") if numeric else _month_number(match.group("m1"))
    m2_token = _group(match, "m2")
    if numeric:
        m2 = _int(match, "m2") or m1
    else:
        m2 = _month_number(m2_token) if m2_token else m1
    d1 = _int(match, "d1")
    d2 = _int(match, "d2") or d1
    if m1 is None or m2 is None or d1 is None or d2 is None:
        return []
    if name == "numeric" and match.group("sep") == "/" and d1 == d2 and m1 > 12 >= d1:
        m1, d1 = d1, m1  # month/day/year, the only reading left
        m2, d2 = m1, d1
    y1 = year_head or _year(match, "y1")
    y2 = _year(match, "y2") or year_head
    if name == "range" and _is_conjunction(match) and d2 - d1 > 1:
        # "14 и 16 ноября": two days, not a range
        return [
            _Expression(start, match.end("d1"), _KIND_DATES, (y1, m1, d1, y2, m1, d1), offset),
            _Expression(match.start("d2"), end, _KIND_DATES, (y2, m2, d2, y2, m2, d2), offset),
        ]
    return [_Expression(start, end, _KIND_DATES, (y1, m1, d1, y2, m2, d2), offset)]


def _year_offset(match: re.Match[str]) -> int | None:
    for name in ("yhr", "y1r", "y2r"):
        phrase = _group(match, name)
        if phrase:
            return _calendar().year_offsets.get(_table_key(phrase))
    return None


def _is_conjunction(match: re.Match[str]) -> bool:
    between = match.string[match.end("d1") : match.start("d2")]
    return re.search(r"\w", between) is not None and not re.search(
        r"по|до|to|till|until|through", between, re.IGNORECASE
    )


@lru_cache(maxsize=8)
def _relative_words(
    languages: tuple[str, ...],
) -> tuple[re.Pattern[str], re.Pattern[str] | None, MappingProxyType[str, int]]:
    """The relative-day words of these languages: the pattern, its twin for lower-cased text
    (None when there can be none) and each word's offset in days."""
    offsets = {
        word: days
        for lang in languages
        for word, days in _calendar().relative.get(lang, {}).items()
    }
    pattern = re.compile(rf"(?<![\w'])(?P<w>{_alternation(list(offsets))})(?![\w'])", re.IGNORECASE)
    lower = (
        re.compile(rf"(?<![\w'])(?P<w>{_alternation([w.lower() for w in offsets])})(?![\w'])")
        if _case_blind([fold(w) for w in offsets])
        else None
    )
    return pattern, lower, MappingProxyType(offsets)


def _relative_expressions(text: str, languages: tuple[str, ...], lower: str | None) -> list[_Expression]:
    cal = _calendar()
    pattern, lower_pattern, offsets = _relative_words(languages)
    if lower is not None and lower_pattern is not None and cal.idioms_lower is not None:
        idioms, matches = cal.idioms_lower.finditer(lower), lower_pattern.finditer(lower)
    else:
        idioms, matches = cal.idioms.finditer(text), pattern.finditer(text)
    idiom_spans = [m.span() for m in idioms]
    found: list[_Expression] = []
    for match in matches:
        if any(a <= match.start() < b for a, b in idiom_spans):
            continue
        days = offsets[_table_key(match.group("w"))]
        found.append(_Expression(match.start(), match.end(), _KIND_OFFSET, (days,)))
    return found


def _weekday_expressions(text: str, languages: tuple[str, ...], lower: str | None) -> list[_Expression]:
    cal = _calendar()
    anchors = (
        cal.weekday_anchor_lower.finditer(lower)
        if lower is not None and cal.weekday_anchor_lower is not None
        else cal.weekday_anchor.finditer(text)
    )
    windows = windows_around([m.span() for m in anchors], text, 40, 20)
    found: list[_Expression] = []
    for lang in languages:
        if lang not in cal.weekdays:
            continue
        pattern, days = cal.weekdays[lang]
        for match in (m for a, b in windows for m in pattern.finditer(text, a, b)):
            weekday = days[_table_key(match.group("w"))]
            modifier = match.group("mod") or _group(match, "mod_alone")
            direction = cal.modifiers.get(_table_key(modifier)) if modifier else None
            found.append(
                _Expression(match.start(), match.end(), _KIND_WEEKDAY, (weekday, direction))
            )
    return found


@lru_cache(maxsize=64)
def _language_keys(language: str | None) -> tuple[str, ...]:
    base = re.split(r"[-_]", language.lower())[0] if language else ""
    known = tuple(_calendar().relative)
    return (base,) if base in known else known


@lru_cache(maxsize=512)
def _scan(text: str, language: str | None) -> tuple[_Expression, ...]:
    """Every date expression in ``text``, longest first where two overlap."""
    folded = fold(text)
    lower = lowered(folded)
    cal = _calendar()
    if _dateless(lower, cal):
        return ()
    month_anchors = (
        cal.month_anchor_lower.finditer(lower)
        if lower is not None and cal.month_anchor_lower is not None
        else cal.month_anchor.finditer(folded)
    )
    months = [m.span() for m in month_anchors]
    month_windows = windows_around(months, folded, 45, 45)
    numeric_windows = windows_around(
        [m.span() for m in cal.numeric_anchor.finditer(folded)], folded, 12, 12
    )
    candidates: list[tuple[int, _Expression]] = []
    for rank, (name, pattern) in enumerate(cal.patterns):
        windows = numeric_windows if name in _NUMERIC_PATTERNS else month_windows
        if not windows:
            continue  # most sentences name no month and write no numeric date
        for a, b in windows:
            if not _may_match(name, folded, lower, a, b, months):
                continue
            for match in pattern.finditer(folded, a, b):
                candidates += [(rank, e) for e in _expressions_from(name, match)]
    keys = _language_keys(language)
    rank = len(_calendar().patterns)
    candidates += [(rank, e) for e in _relative_expressions(folded, keys, lower)]
    candidates += [(rank + 1, e) for e in _weekday_expressions(folded, keys, lower)]
    candidates.sort(key=lambda c: (-(c[1].end - c[1].start), c[0], c[1].start))
    chosen: list[_Expression] = []
    for _, expression in candidates:
        if all(expression.end <= c.start or expression.start >= c.end for c in chosen):
            chosen.append(expression)
    chosen.sort(key=lambda e: e.start)
    return tuple(_drop_overridden(folded, chosen))


def _dateless(lower: str | None, cal: _Calendar) -> bool:
    """Whether a text surely holds no date expression: no month name, weekday or
    relative-day word, and no numeric date. Most sentences are such; the full patterns
    need not run on them."""
    return (
        lower is not None
        and cal.any_cue_lower is not None
        and not cal.any_cue_lower.search(" " + lower)
    )


_DIGIT = re.compile(r"\d")
_LATIN = re.compile(r"[A-Za-z]")


def _may_match(
    name: str, folded: str, lower: str | None, a: int, b: int, months: list[tuple[int, int]]
) -> bool:
    """Whether the month pattern ``name`` can find an expression in ``folded[a:b]``.

    What the patterns require is checked first, in C: running one of them (the month names
    of every language, ignoring case) costs far more than these checks.
    """
    if name == "month" or name in _NUMERIC_PATTERNS:
        return True
    if not _DIGIT.search(folded, a, b):
        return False  # every other month pattern reads a day number
    if name == "cross":
        return sum(a <= start < b for start, _ in months) >= 2  # a month at each end
    if name == "month_first":
        return _LATIN.search(folded, a, b) is not None  # an English month name
    if name == "genitive_first" and lower is not None:
        # only a month name in the genitive reads as a date this way
        window = lower[a:b]
        return any(ending in window for ending in _GENITIVE_ENDINGS)
    return True


_APPOSITION = re.compile(rf"^{SPACE}*[,(]?{SPACE}*$")


def _drop_overridden(text: str, expressions: list[_Expression]) -> list[_Expression]:
    """Drop a relative word or weekday followed by the explicit date it stands for."""
    kept: list[_Expression] = []
    for index, expression in enumerate(expressions):
        following = expressions[index + 1] if index + 1 < len(expressions) else None
        if (
            expression.kind in (_KIND_OFFSET, _KIND_WEEKDAY)
            and following is not None
            and following.kind == _KIND_DATES
            and _APPOSITION.match(text[expression.end : following.start])
        ):
            continue
        kept.append(expression)
    return kept


def date_spans(text: str, language: str | None = None) -> list[tuple[int, int]]:
    """Offsets of every date expression, resolvable or not (for masking figures)."""
    return [(e.start, e.end) for e in _scan(text, language)]


# ----------------------------------------------------------------------------- resolution


@lru_cache(maxsize=64)  # keyed by a publication time: every sentence of an article asks
def _local_day(anchor: datetime, tz: str) -> date:
    zone = ZoneInfo(tz)
    if anchor.tzinfo is None:
        return anchor.date()
    return anchor.astimezone(zone).date()


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _infer_year(month: int, day: int, anchor: date, tense: str | None) -> int | None:
    candidates = [
        d
        for y in (anchor.year - 1, anchor.year, anchor.year + 1)
        if (d := _safe_date(y, month, day))
    ]
    if not candidates:
        return None
    if tense == PAST:
        before = [d for d in candidates if d <= anchor + _TENSE_SLACK]
        if before:
            return max(before).year
    if tense == FUTURE:
        after = [d for d in candidates if d >= anchor - _TENSE_SLACK]
        if after:
            return min(after).year
    return min(candidates, key=lambda d: abs((d - anchor).days)).year


class _Context:
    """What resolution needs besides the expression: the anchor day and the sentence tense."""

    def __init__(self, text: str, anchor: date | None) -> None:
        self.text = text
        self.anchor = anchor

    def tense(self, expression: _Expression) -> str | None:
        start, end = sentence_at(self.text, expression.start)
        return tense_near(self.text[start:end], expression.start - start)


def _resolve(expression: _Expression, context: _Context) -> tuple[date, date, bool] | None:
    anchor = context.anchor
    if expression.kind == _KIND_OFFSET:
        if anchor is None:
            return None
        day = anchor + timedelta(days=expression.parts[0])
        return day, day, True
    if expression.kind == _KIND_WEEKDAY:
        if anchor is None:
            return None
        day = _resolve_weekday(expression, anchor, context)
        return day, day, True
    if expression.kind == _KIND_MONTH:
        return _resolve_month(expression, context)
    return _resolve_dates(expression, context)


def _resolve_weekday(expression: _Expression, anchor: date, context: _Context) -> date:
    weekday, direction = expression.parts
    back = (anchor.isoweekday() - weekday) % 7
    forward = (weekday - anchor.isoweekday()) % 7
    if direction == "past":
        return anchor - timedelta(days=back or 7)
    if direction == "future":
        return anchor + timedelta(days=forward or 7)
    tense = context.tense(expression) if direction is None else None
    if tense == PAST:
        return anchor - timedelta(days=back)
    if tense == FUTURE:
        return anchor + timedelta(days=forward)
    return anchor - timedelta(days=back) if back <= forward else anchor + timedelta(days=forward)


def _resolve_month(expression: _Expression, context: _Context) -> tuple[date, date, bool] | None:
    year, month = expression.parts
    if expression.year_offset is not None:
        if context.anchor is None:
            return None
        year = context.anchor.year + expression.year_offset
    if year is None:
        if context.anchor is None:
            return None
        year = _infer_month_year(month, context.anchor, context.tense(expression))
    last = calendar.monthrange(year, month)[1]
    return date(year, month, 1), date(year, month, last), False


def _infer_month_year(month: int, anchor: date, tense: str | None) -> int:
    """Like ``_infer_year`` for a whole month: the anchor's own month fits any tense."""
    years = (anchor.year - 1, anchor.year, anchor.year + 1)

    def bounds(year: int) -> tuple[date, date]:
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])

    if tense == PAST:
        return max(y for y in years if bounds(y)[0] <= anchor + _TENSE_SLACK)
    if tense == FUTURE:
        return min(y for y in years if bounds(y)[1] >= anchor - _TENSE_SLACK)

    def distance(year: int) -> int:
        first, last = bounds(year)
        return max((first - anchor).days, (anchor - last).days, 0)

    return min(years, key=distance)


def _resolve_dates(expression: _Expression, context: _Context) -> tuple[date, date, bool] | None:
    y1, m1, d1, y2, m2, d2 = expression.parts
    crosses_year = (m2, d2) < (m1, d1)
    if expression.year_offset is not None:
        if context.anchor is None:
            return None
        y2 = context.anchor.year + expression.year_offset
    if y1 is None and y2 is not None:
        y1 = y2 - 1 if crosses_year else y2
    if y1 is None:
        if context.anchor is None:
            return None
        y1 = _infer_year(m1, d1, context.anchor, context.tense(expression))
        if y1 is None:
            return None
    if y2 is None or y2 < y1:
        y2 = y1 + 1 if crosses_year else y1
    start = _safe_date(y1, m1, d1)
    end = _safe_date(y2, m2, d2)
    if start is None or end is None or end < start or (end - start).days > 366:
        return None
    return start, end, False


def find_dates(
    text: str, anchor: datetime | None, tz: str = "UTC", language: str | None = None
) -> list[DateMention]:
    """Every date expression in ``text``, resolved; spans are offsets into ``text``."""
    anchor_day = _local_day(anchor, tz) if anchor is not None else None
    expressions = _scan(text, language)
    if not expressions:
        return []
    context = _Context(fold(text), anchor_day)
    mentions: list[DateMention] = []
    for expression in expressions:
        resolved = _resolve(expression, context)
        if resolved is None:
            continue
        start, end, relative = resolved
        span = Span(expression.start, expression.end, text[expression.start : expression.end])
        mentions.append(DateMention(start=start, end=end, span=span, relative=relative))
    return mentions


# ------------------------------------------------------------------------ publication time

_TIME = re.compile(
    r"(?<![\d:.])(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)(?::(?P<s>[0-5]\d))?(?![\d:])"
    r"(?:\s*(?P<ampm>[AaPp]\.?[Mm]\.?))?"
)
_RFC822 = re.compile(r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}")


def _parse_iso(value: str, zone: ZoneInfo) -> datetime | None:
    if not re.match(
        r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$",
        value,
    ):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


def _parse_rfc822(value: str) -> datetime | None:
    if not _RFC822.match(value):
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    # "-0000" means UTC with the local zone unknown
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _clock(match: re.Match[str] | None) -> time | None:
    if match is None:
        return time(0, 0)
    hour = int(match.group("h"))
    ampm = (match.group("ampm") or "").lower().replace(".", "")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    return time(hour, int(match.group("m")), int(match.group("s") or 0))


def parse_published(value: str, tz: str, now: datetime | None = None) -> datetime | None:
    """A page's or feed's date string as an aware datetime in the source's zone ``tz``.

    Handles ISO 8601, RFC 822, and the date-and-clock strings of the region's sites
    ("Сегодня, 11:45", "Бугун 13:35", "14.11.2025 19:48", "11:20, 20 Январь 2026", "20 января
    2026 г."). Relative and year-less strings need ``now``. Returns None for anything else,
    including strings with digits the grammar cannot place.
    """
    text = " ".join(value.split())
    if not text:
        return None
    zone = ZoneInfo(tz)
    parsed = _parse_iso(text, zone) or _parse_rfc822(text)
    if parsed is not None:
        return parsed
    clock_match = _TIME.search(text)
    rest = text
    if clock_match is not None:
        rest = (
            text[: clock_match.start()] + " " * len(clock_match.group()) + text[clock_match.end() :]
        )
    expressions = [e for e in _scan(rest, None) if e.kind in (_KIND_DATES, _KIND_OFFSET)]
    if len(expressions) != 1:
        return None
    expression = expressions[0]
    leftover = rest[: expression.start] + rest[expression.end :]
    if re.search(r"\d", leftover) or len(re.findall(r"\w+", leftover)) > 3:
        return None
    anchor = _local_day(now, tz) if now is not None else None
    resolved = _resolve(expression, _Context(fold(rest), anchor))
    clock = _clock(clock_match)
    if resolved is None or clock is None:
        return None
    return datetime.combine(resolved[0], clock, tzinfo=zone)
