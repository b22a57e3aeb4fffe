"""Ordinals and amounts in Russian, Kazakh, Uzbek (Cyrillic and Latin) and English.

``parse_ordinal`` / ``find_ordinals`` read ordinals written as words ("второго", "алтыншы",
"yettinchi", "second"), with digits ("6-шы", "7-ші", "6-й", "2nd") or Roman numerals ("VI",
also with the Cyrillic "І" and "Х" that Kazakh pages type). ``parse_amount`` /
``find_amounts`` read amounts: digits with thousands separators and decimal commas, spelled
cardinals, halves and scale words ("бір жарым миллиард", "1,7 млрд", "15 мыңнан", "more than
6,000", "uch million", "три миллиона").

A separator followed by exactly three digits is the ambiguous case: "6,000" is six thousand,
but "1,250 млрд" is 1.25 billion. It is read as a decimal separator when a scale word of a
language that writes decimal commas follows (and, for a period, when any scale word
follows), and as a thousands separator otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from workers.extract._grammar.numerals import (
    ENGLISH_ORDINAL_ENDINGS,
    GLUED_SCALES,
    HALF,
    HUNDRED,
    NUMBER_ENDINGS,
    NUMBER_WORDS,
    ORDINAL_ENDINGS,
    ORDINAL_TENS,
    ORDINAL_WORD_ENDINGS,
    ORDINAL_WORDS,
    SCALE,
    SCALE_LABELS,
    UNIT,
)
from workers.extract._grammar.text import DASH, SPACE, fold, lowered, trie_alternation
from workers.extract.dates import is_month_word
from workers.records import Span

_NUMBER = "number"  # digits
_A = "a"  # English "a"/"an" before a scale word
_CONNECT = "connect"  # "and", "с", "и" before a half

_ENGLISH_SCALES = frozenset(
    {
        "thousand",
        "thousands",
        "million",
        "millions",
        "mln",
        "mn",
        "billion",
        "billions",
        "bn",
        "trillion",
        "trillions",
        "tn",
        "trn",
    }
)


@dataclass(frozen=True, slots=True)
class Amount:
    """An amount as written: its value, the scale word it used, and where it stands."""

    value: float
    span: Span
    scale: str | None = None  # "thousand", "mln", "bn", "trn"
    spelled: bool = False  # written (partly) in words

    @property
    def is_integer(self) -> bool:
        return float(self.value).is_integer()


class _Token(NamedTuple):
    # A tuple, not a dataclass: an article yields thousands and each is built in a loop.
    start: int
    end: int
    kind: str | None  # None: any other word
    value: float = 0.0
    raw: str = ""
    word: str = ""  # casefolded word, for number words and scale words


# ------------------------------------------------------------------------------- ordinals


_ROMAN_VALUE = {"I": 1, "V": 5, "X": 10, "L": 50}
_ROMAN = re.compile(r"(?:XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
# Cyrillic letters Kazakh and Russian pages type for Roman numerals.
_ROMAN_FOLD = str.maketrans({"І": "I", "Х": "X", "Ӏ": "I"})


def _roman_value(token: str) -> int | None:
    token = token.translate(_ROMAN_FOLD)
    if not token or not _ROMAN.fullmatch(token):
        return None
    total = 0
    for index, char in enumerate(token):
        value = _ROMAN_VALUE[char]
        following = _ROMAN_VALUE[token[index + 1]] if index + 1 < len(token) else 0
        total += -value if value < following else value
    return total or None


def _ordinal_word_value(word: str) -> int | None:
    word = fold(word).casefold()
    if word in ORDINAL_WORDS:
        return ORDINAL_WORDS[word]
    for ending in ORDINAL_WORD_ENDINGS:
        if word.endswith(ending) and word[: -len(ending)] in ORDINAL_WORDS:
            return ORDINAL_WORDS[word[: -len(ending)]]
    return None


def _digit_ordinal_value(token: str) -> int | None:
    match = re.fullmatch(
        rf"(\d{{1,4}})(?:{DASH}([^\W\d_]+)|({'|'.join(ENGLISH_ORDINAL_ENDINGS)}))", token
    )
    if not match:
        return None
    ending = (match.group(2) or match.group(3)).casefold()
    if match.group(3) or ending in ORDINAL_ENDINGS:
        return int(match.group(1))
    return None


def parse_ordinal(token: str) -> int | None:
    """The value of one ordinal ("второго", "VI", "6-шы", "yettinchi", "twenty-first") or None."""
    token = token.strip()
    if not token:
        return None
    value = (
        _digit_ordinal_value(token) or _roman_value(token.rstrip(".")) or _ordinal_word_value(token)
    )
    if value is not None:
        return value
    parts = re.split(rf"{SPACE}+|-", fold(token).casefold())
    if len(parts) == 2 and parts[0] in ORDINAL_TENS:
        unit = _ordinal_word_value(parts[1])
        if unit is not None and unit < 10 <= ORDINAL_TENS[parts[0]]:
            return int(ORDINAL_TENS[parts[0]]) + unit
    return None


@lru_cache(maxsize=1)
def _ordinal_pattern() -> re.Pattern[str]:
    words = trie_alternation(list(ORDINAL_WORDS))
    tens = trie_alternation(list(ORDINAL_TENS))
    endings = trie_alternation(list(ORDINAL_WORD_ENDINGS))
    digit_endings = trie_alternation(list(ORDINAL_ENDINGS))
    return re.compile(
        rf"(?<![\w'])(?:"
        rf"(?P<word>(?:(?:{tens})(?:{SPACE}+|-))?(?:{words})(?:{endings})?)"
        rf"|(?P<digit>\d{{1,4}}(?:{DASH}(?:{digit_endings})|st|nd|rd|th))"
        rf"|(?P<roman>(?-i:[IVXLІХ]+))"
        rf")(?![\w'])"
        # Uzbek writes a digit ordinal as the number and a hyphen before its noun
        # ("7-Маслаҳат учрашуви", "2-yig'ilish"); the span is the number and the hyphen.
        rf"|(?<![\w'.,-])(?P<hyphen>\d{{1,3}}-)(?=(?P<noun>[^\W\d_][\w']*))",
        re.IGNORECASE,
    )


def find_ordinals(text: str) -> list[tuple[int, Span]]:
    """Every ordinal in ``text`` with its span.

    A lone "I" counts only before a Cyrillic word ("I съезд"), never as the English pronoun.
    """
    found: list[tuple[int, Span]] = []
    folded = fold(text)
    for match in _ordinal_pattern().finditer(folded):
        token = match.group()
        if match.group("hyphen"):
            noun = match.group("noun")
            if noun.isupper() or noun.casefold() in NUMBER_ENDINGS or is_month_word(noun):
                continue  # "1-ГЭС" names a plant; "15-noyabr" is a date; "15-тен" a count
            value = int(match.group("hyphen")[:-1])
        elif match.group("roman"):
            if token in ("I", "І") and not re.match(
                r"\s+[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]", folded[match.end() :]
            ):
                continue
            value = _roman_value(token)
        else:
            value = parse_ordinal(token)
        if value is not None:
            found.append(
                (value, Span(match.start(), match.end(), text[match.start() : match.end()]))
            )
    return found


# -------------------------------------------------------------------------------- amounts

_CONNECT_WORDS = ("and", "и", "с", "ва", "va")


@lru_cache(maxsize=2)
def _amount_token(lower_case: bool = False) -> re.Pattern[str]:
    """The token pattern; ``lower_case``: the same, to run on lower-cased text without the
    (much slower) case-insensitive matching."""
    # Only words that start like a number word, and the joining words themselves, are
    # tokens; any other word between two tokens keeps them apart (see _adjacent), which is
    # all a token for it would do.
    starts = trie_alternation(list(NUMBER_WORDS))
    joiners = trie_alternation([*_CONNECT_WORDS, "a", "an"])
    return re.compile(
        r"(?P<num>(?<![\w.,/:])"
        r"(?:\d{1,3}(?:(?:[ \u00a0\u202f\u2009]|[,.])\d{3}(?!\d))+|\d+)(?:[.,]\d+)?)"
        r"(?:(?P<glued>bn|mn|mln|mlrd|m|b|k)(?![\w])|" + DASH + r"(?P<suffix>[^\W\d_]+)"
        r"|(?P<eng>st|nd|rd|th)(?![\w]))?"
        rf"|(?<![\w'])(?P<word>(?:{starts})[^\W\d_]*(?:'[^\W\d_]+)*"
        rf"|(?:{joiners})(?![^\W\d_]|'[^\W\d_]))",
        0 if lower_case else re.IGNORECASE,
    )


def _number_word(word: str) -> tuple[str, float] | None:
    key = word.casefold()
    if key in NUMBER_WORDS:
        return NUMBER_WORDS[key]
    for size in range(len(key) - 1, 2, -1):
        stem, ending = key[:size], key[size:]
        if stem in NUMBER_WORDS and ending in NUMBER_ENDINGS:
            kind, value = NUMBER_WORDS[stem]
            if kind == SCALE or len(stem) >= 4:
                return kind, value
    return None


@lru_cache(maxsize=8192)
def _word_kind(word: str) -> tuple[str, float, str] | None:
    """(kind, value, casefolded word) of a word token; None for any other word."""
    key = word.casefold()
    if key in ("a", "an"):
        return _A, 1.0, key
    if key in _CONNECT_WORDS:
        return _CONNECT, 0.0, key
    found = _number_word(word)
    if found is None:
        return None
    kind, value = found
    return kind, value, key


def _digit_tokens(match: re.Match[str]) -> list[_Token]:
    # Digits that are not an amount ("2nd", "6-шы", "1-ГЭС") give no token: like any other
    # word, they only keep their neighbours apart.
    if match.group("eng"):
        return []
    suffix = match.group("suffix")
    if suffix is not None:
        ending = suffix.casefold()
        if ending in ORDINAL_ENDINGS or ending not in NUMBER_ENDINGS:
            # "6-шы" is an ordinal; "1-ГЭС" a designation
            return []
    raw = match.group("num")
    tokens = [_Token(match.start(), match.end("num"), _NUMBER, 0.0, raw)]
    glued = match.group("glued")
    if glued:
        scale = glued.lower()  # "$1.5BN" as "$1.5bn"
        tokens.append(
            _Token(match.start("glued"), match.end(), SCALE, GLUED_SCALES[scale], glued, scale)
        )
    elif suffix is not None:
        tokens[0] = _Token(match.start(), match.end(), _NUMBER, 0.0, raw)
    return tokens


def _tokens(text: str) -> list[_Token]:
    """The number tokens of ``text``: digits, number words and the words that join them.
    Other words give none; the text between two tokens tells whether they are adjacent."""
    lower = lowered(text)
    matches = _amount_token(True).finditer(lower) if lower is not None else _amount_token().finditer(text)
    tokens: list[_Token] = []
    for match in matches:
        word = match.group("word")
        if word is None:
            tokens += _digit_tokens(match)
            continue
        kind = _word_kind(word)
        if kind is not None:
            tokens.append(_Token(match.start(), match.end(), kind[0], kind[1], word, kind[2]))
    return tokens


def _digits_value(raw: str, next_token: _Token | None) -> float:
    compact = re.sub(r"[ \u00a0\u202f\u2009]", "", raw)
    groups = re.fullmatch(r"\d{1,3}((?:[,.]\d{3})+)", compact)
    if groups:
        separators = set(re.findall(r"[,.]", groups.group(1)))
        scale_follows = next_token is not None and next_token.kind == SCALE
        english_scale = scale_follows and next_token.word in _ENGLISH_SCALES
        single = len(groups.group(1)) == 4
        decimal = single and scale_follows and (separators == {"."} or not english_scale)
        if not decimal and len(separators) == 1:
            return float(re.sub(r"[,.]", "", compact))
    if compact.count(",") + compact.count(".") > 1:
        compact = re.sub(r"[,.](?=.*[,.])", "", compact)
    return float(compact.replace(",", "."))


def _continues(previous: _Token, token: _Token, following: _Token | None) -> bool:
    kind = token.kind
    if previous.kind == _NUMBER:
        return kind in (SCALE, HALF, HUNDRED) or (kind == _CONNECT and _half_follows(following))
    if previous.kind == UNIT:
        if kind == UNIT:
            step = previous.value
            return (step % 10 == 0 and 10 <= step < 100 and token.value < 10) or (
                step % 100 == 0 and step >= 100 and token.value < 100
            )
        return kind in (SCALE, HUNDRED, HALF) or (kind == _CONNECT and _half_follows(following))
    if previous.kind == HUNDRED:
        return kind in (UNIT, SCALE) or (
            kind == _CONNECT and following is not None and following.kind == UNIT
        )
    if previous.kind == SCALE:
        return kind in (_NUMBER, UNIT) and following is not None and following.kind == SCALE
    if previous.kind == HALF:
        return kind == SCALE
    if previous.kind == _CONNECT:
        return kind in (HALF, _A, UNIT)
    if previous.kind == _A:
        return kind in (SCALE, HUNDRED, HALF)
    return False


def _half_follows(token: _Token | None) -> bool:
    return token is not None and token.kind in (HALF, _A)


_GAP = re.compile(rf"(?:{SPACE}|-)*")


def _adjacent(text: str, previous: _Token, token: _Token) -> bool:
    return _GAP.fullmatch(text, previous.end, token.start) is not None


def _phrases(text: str, tokens: list[_Token]) -> list[list[_Token]]:
    phrases: list[list[_Token]] = []
    current: list[_Token] = []
    for index, token in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if following is not None and not _adjacent(text, token, following):
            following = None
        if token.kind is None:
            if current:
                phrases.append(current)
            current = []
            continue
        if (
            current
            and _adjacent(text, current[-1], token)
            and _continues(current[-1], token, following)
        ):
            current.append(token)
            continue
        if current:
            phrases.append(current)
        current = [token]
    if current:
        phrases.append(current)
    return phrases


def _evaluate(phrase: list[_Token]) -> tuple[float, str | None] | None:
    while phrase and phrase[-1].kind in (_CONNECT, _A):
        phrase = phrase[:-1]
    kinds = {t.kind for t in phrase}
    if not kinds & {_NUMBER, UNIT} and not (_A in kinds and SCALE in kinds):
        return None
    total = 0.0
    current: float | None = None
    largest: float | None = None
    for index, token in enumerate(phrase):
        following = phrase[index + 1] if index + 1 < len(phrase) else None
        if token.kind == _NUMBER:
            current = (current or 0.0) + _digits_value(token.raw, following)
        elif token.kind == UNIT:
            current = (current or 0.0) + token.value
        elif token.kind == _A:
            # "a billion" is one billion; in "and a half" the article adds nothing
            if following is None or following.kind != HALF:
                current = (current or 0.0) + token.value
        elif token.kind == HUNDRED:
            current = (current or 1.0) * 100
        elif token.kind == HALF:
            current = (current or 0.0) + 0.5
        elif token.kind == SCALE:
            total += (current if current is not None else 1.0) * token.value
            current = None
            largest = max(largest or 0.0, token.value)
    value = total + (current or 0.0)
    return value, SCALE_LABELS.get(largest) if largest else None


def find_amounts(text: str) -> list[Amount]:
    """Every amount in ``text``: digits, number words and scale words read together."""
    folded = fold(text)
    amounts: list[Amount] = []
    for phrase in _phrases(folded, _tokens(folded)):
        evaluated = _evaluate(phrase)
        if evaluated is None:
            continue
        value, scale = evaluated
        start, end = phrase[0].start, phrase[-1].end
        spelled = any(t.kind in (UNIT, HALF, HUNDRED, _A) for t in phrase)
        amounts.append(Amount(value, Span(start, end, text[start:end]), scale, spelled))
    return amounts


def parse_amount(text: str) -> float | None:
    """The value of the first amount in ``text`` in base units ("1,7 млрд" -> 1.7e9), else None."""
    amounts = find_amounts(text)
    return amounts[0].value if amounts else None
