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
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, pairwise
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
from workers.extract.normalize import ByWord, Words, fold_key
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


def _ordinal_alternatives() -> tuple[str, str]:
    """(an ordinal word or a compound, a digit ordinal) as regular expressions."""
    words = trie_alternation(list(ORDINAL_WORDS))
    tens = trie_alternation(list(ORDINAL_TENS))
    endings = trie_alternation(list(ORDINAL_WORD_ENDINGS))
    digit_endings = trie_alternation(list(ORDINAL_ENDINGS))
    return (
        rf"(?:(?:{tens})(?:{SPACE}+|-))?(?:{words})(?:{endings})?",
        rf"\d{{1,4}}(?:{DASH}(?:{digit_endings})|st|nd|rd|th)",
    )


def _hyphen_ordinal(with_hyphen: bool = True) -> str:
    """Uzbek writes a digit ordinal as the number and a hyphen before its noun ("7-Маслаҳат
    учрашуви", "2-yig'ilish"); the span is the number and the hyphen. ``with_hyphen``: False
    to leave the hyphen out of the match."""
    if with_hyphen:
        return r"(?P<hyphen>\d{1,3}-)(?=(?P<noun>[^\W\d_][\w']*))"
    return r"(?P<hyphen>\d{1,3})(?=-(?P<noun>[^\W\d_][\w']*))"


@lru_cache(maxsize=1)
def _ordinal_pattern() -> re.Pattern[str]:
    word, digit = _ordinal_alternatives()
    return re.compile(
        rf"(?<![\w'])(?:(?P<word>{word})|(?P<digit>{digit})|(?P<roman>(?-i:[IVXLІХ]+)))(?![\w'])"
        rf"|(?<![\w'.,-]){_hyphen_ordinal()}",
        re.IGNORECASE,
    )


# The letters of the Roman numerals _ordinal_pattern reads (case-sensitive).
_ROMAN_LETTERS = "IVXLІХ"
# _ordinal_pattern's Roman numerals, after the character before them.
_ROMAN_AFTER_BOUNDARY = re.compile(r"[^\w']([IVXLІХ]+)(?![\w'])")


@lru_cache(maxsize=1)
def _ordinal_start() -> re.Pattern[str]:
    """What every ordinal but a Roman numeral opens with, after a non-word character: a digit
    or an ordinal word (a compound's tens word stands before one). Lower-case and led by one
    character class: a sentence without it is rejected in one quick scan, where the
    case-insensitive _ordinal_pattern tries its word tables at every word."""
    return re.compile(rf"\W(?:\d|{trie_alternation(list(ORDINAL_WORDS))})")


@lru_cache(maxsize=1)
def _ordinal_after_boundary() -> re.Pattern[str]:
    """_ordinal_pattern but Roman numerals, for lower-cased text, opening with the character
    before the ordinal, so the regex engine tries it only after non-word characters."""
    word, digit = _ordinal_alternatives()
    # The hyphen of a hyphen ordinal is left out of the match, and added back to its span:
    # it is also the character before the word that may follow ("7-седьмой").
    hyphen = _hyphen_ordinal(with_hyphen=False)
    return re.compile(
        rf"\W(?:(?<!')(?:(?P<word>{word})|(?P<digit>{digit}))(?![\w'])|(?<![.,'-]){hyphen})"
    )


def _ordinal_matches(folded: str) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, noun) of every match of _ordinal_pattern in ``folded``, in order;
    kind is "hyphen" (with its noun), "roman" or "other" (a word or digit ordinal)."""
    lower = lowered(folded)
    if lower is not None:
        return _lower_case_ordinal_matches(folded, lower)
    found = []
    for match in _ordinal_pattern().finditer(folded):
        kind = "hyphen" if match.group("hyphen") else "roman" if match.group("roman") else "other"
        found.append((match.start(), match.end(), kind, match.group("noun") or ""))
    return found


def _lower_case_ordinal_matches(folded: str, lower: str) -> list[tuple[int, int, str, str]]:
    """_ordinal_matches from the lower-cased text, without case-insensitive matching: much
    faster. Roman numerals are upper case, so they are read apart, in the folded text.

    A space stands for the start of the text, so an offset in either spaced text is one past
    the offset in ``folded``, and a match's start is where the ordinal starts in ``folded``.
    """
    found: list[tuple[int, int, str, str]] = []
    spaced = " " + lower
    if _ordinal_start().search(spaced):
        for match in _ordinal_after_boundary().finditer(spaced):
            if match.group("noun") is None:
                found.append((match.start(), match.end() - 1, "other", ""))
            else:
                noun = folded[match.start("noun") - 1 : match.end("noun") - 1]
                found.append((match.start(), match.end(), "hyphen", noun))
    if any(map(folded.__contains__, _ROMAN_LETTERS)):
        romans = _ROMAN_AFTER_BOUNDARY.finditer(" " + folded)
        found += [(m.start(), m.end() - 1, "roman", "") for m in romans]
        found.sort()
        # one scan would not have found a numeral inside another match ("5-І" is a digit
        # ordinal with a Kazakh ending); no other matches overlap
        kept: list[tuple[int, int, str, str]] = []
        for match in found:
            if not kept or match[0] >= kept[-1][1]:
                kept.append(match)
        found = kept
    return found


def find_ordinals(text: str) -> list[tuple[int, Span]]:
    """Every ordinal in ``text`` with its span.

    A lone "I" counts only before a Cyrillic word ("I съезд"), never as the English pronoun.
    """
    found: list[tuple[int, Span]] = []
    folded = fold(text)
    for start, end, kind, noun in _ordinal_matches(folded):
        token = folded[start:end]
        if kind == "hyphen":
            if noun.isupper() or noun.casefold() in NUMBER_ENDINGS or is_month_word(noun):
                continue  # "1-ГЭС" names a plant; "15-noyabr" is a date; "15-тен" a count
            value = int(token[:-1])
        elif kind == "roman":
            if token in ("I", "І") and not re.match(
                r"\s+[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]", folded[end:]
            ):
                continue
            value = _roman_value(token)
        else:
            value = parse_ordinal(token)
        if value is not None:
            found.append((value, Span(start, end, text[start:end])))
    return found


# -------------------------------------------------------------------------------- amounts

_CONNECT_WORDS = ("and", "и", "с", "ва", "va")


def _digits_token(first_digit: str = r"\d") -> str:
    """Digits, with thousands groups and a decimal part, then a glued scale ("1.5bn"), a case
    ending ("15-ти") or an English ordinal ending ("2nd"). ``first_digit`` matches the first
    digit (and may check what stands before it)."""
    return (
        rf"(?P<num>{first_digit}"
        r"(?:\d{0,2}(?:(?:[ \u00a0\u202f\u2009]|[,.])\d{3}(?!\d))+|\d*)(?:[.,]\d+)?)"
        r"(?:(?P<glued>bn|mn|mln|mlrd|m|b|k)(?![\w])|" + DASH + r"(?P<suffix>[^\W\d_]+)"
        r"|(?P<eng>st|nd|rd|th)(?![\w]))?"
    )


# A word that ends here: no letter follows, not even after an apostrophe.
_WHOLE = r"(?![^\W\d_]|'[^\W\d_])"
# The rest of a word, from its start on.
_WORD_REST = r"[^\W\d_]*(?:'[^\W\d_]+)*"


@lru_cache(maxsize=2)
def _amount_token(lower_case: bool = False) -> re.Pattern[str]:
    """The token pattern; ``lower_case``: the same, to run on lower-cased text without the
    (much slower) case-insensitive matching."""
    # Only words that start like a number word, and the joining words themselves, are
    # tokens; any other word between two tokens keeps them apart (see _adjacent), which is
    # all a token for it would do.
    starts = trie_alternation(list(NUMBER_WORDS))
    connect = trie_alternation(_CONNECT_WORDS)
    return re.compile(
        rf"(?<![\w.,/:]){_digits_token()}"
        rf"|(?<![\w'])(?P<word>(?:{starts}){_WORD_REST}|an?{_WHOLE}|(?:{connect}){_WHOLE})",
        0 if lower_case else re.IGNORECASE,
    )


@lru_cache(maxsize=1)
def _token_after_boundary() -> re.Pattern[str]:
    """_amount_token(lower_case=True) for every token but one at the very start of the text.

    Written for speed on long articles: the pattern opens with the non-word character
    before the token, so the regex engine skips from one such character to the next instead
    of trying the pattern at every letter, and each word alternative opens with its first
    letter, so the engine rejects most words by comparing one character per alternative.
    The lookbehinds of _amount_token look past that first character.

    A joining word is left out unless a number word or an article follows it: only then can
    it join anything (see _continues), and most "и" and "с" of a text join no numbers."""
    starts = trie_alternation(list(NUMBER_WORDS))
    joins = rf"(?=(?:{SPACE}|-)*(?:{starts}|a))"
    # (words, what follows them) in _amount_token's order
    kinds = (
        (list(NUMBER_WORDS), _WORD_REST),
        (["a", "an"], _WHOLE),
        (list(_CONNECT_WORDS), _WHOLE + joins),
    )
    by_letter: dict[str, list[str]] = {}
    for vocabulary, follows in kinds:
        for letter in sorted({w[0] for w in vocabulary}):
            rest = trie_alternation([w[1:] for w in vocabulary if w[0] == letter])
            by_letter.setdefault(letter, []).append(f"(?:{rest}){follows}")
    words = "|".join(
        f"{re.escape(letter)}(?<!'.)(?:{'|'.join(alternatives)})"
        for letter, alternatives in sorted(by_letter.items())
    )
    number = _digits_token(first_digit=r"\d(?<![.,/:]\d)")
    return re.compile(rf"\W(?:{number}|(?P<word>{words}))")


def _lower_case_tokens(lower: str) -> Iterator[re.Match[str]]:
    first = _amount_token(lower_case=True).match(lower)
    if first is not None:
        yield first
    # every token ends with a word character, so the next one's boundary comes after it
    yield from _token_after_boundary().finditer(lower, first.end() if first else 0)


def _number_word(word: str) -> tuple[str, float] | None:
    key = word.casefold()
    if key in NUMBER_WORDS:
        return NUMBER_WORDS[key]
    for size in range(len(key) - 1, 2, -1):
        stem, ending = key[:size], key[size:]
        if stem in NUMBER_WORDS and ending in NUMBER_ENDINGS:
            kind, value = NUMBER_WORDS[stem]
            if _takes_endings(stem, kind):
                return kind, value
    return None


def _takes_endings(stem: str, kind: str) -> bool:
    """Whether a number word is read with a case ending glued on: a scale word of three
    letters or more, another word of four or more (shorter ones would match common words)."""
    return len(stem) >= 4 or (len(stem) >= 3 and kind == SCALE)


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
    start = match.start("num")  # the match may open with the character before the token
    tokens = [_Token(start, match.end("num"), _NUMBER, 0.0, raw)]
    glued = match.group("glued")
    if glued:
        scale = glued.lower()  # "$1.5BN" as "$1.5bn"
        tokens.append(
            _Token(match.start("glued"), match.end(), SCALE, GLUED_SCALES[scale], glued, scale)
        )
    elif suffix is not None:
        tokens[0] = _Token(start, match.end(), _NUMBER, 0.0, raw)
    return tokens


def _tokens(text: str) -> list[_Token]:
    """The number tokens of ``text``: digits, number words and the words that join them.
    Other words give none; the text between two tokens tells whether they are adjacent."""
    lower = lowered(text)
    matches = _lower_case_tokens(lower) if lower is not None else _amount_token().finditer(text)
    tokens: list[_Token] = []
    for match in matches:
        word = match.group("word")
        if word is None:
            tokens += _digit_tokens(match)
            continue
        kind = _word_kind(word)
        if kind is not None:
            tokens.append(_Token(match.start("word"), match.end(), kind[0], kind[1], word, kind[2]))
    return tokens


def _digits_value(raw: str, next_token: _Token | None) -> float:
    if raw.isdecimal():
        return float(raw)  # no separators: nothing to tell apart
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
    # whether each token is adjacent to the next one
    adjacent = [_adjacent(text, a, b) for a, b in pairwise(tokens)]
    for index, token in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if following is not None and not adjacent[index]:
            following = None
        if token.kind is None:
            if current:
                phrases.append(current)
            current = []
            continue
        # the phrase so far ends with the token before this one
        if current and adjacent[index - 1] and _continues(current[-1], token, following):
            current.append(token)
            continue
        if current:
            phrases.append(current)
        current = [token]
    if current:
        phrases.append(current)
    return phrases


def _evaluate(phrase: list[_Token]) -> tuple[float, str | None] | None:
    if len(phrase) == 1:
        # most amounts are one number or one number word: read as the loop below reads them
        token = phrase[0]
        if token.kind == _NUMBER:
            return _digits_value(token.raw, None), None
        return (0.0 + token.value, None) if token.kind == UNIT else None
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
    return _amounts_of(text, fold(text), None, 0)


def find_folded_amounts(
    folded: str, words: Words | None = None, text_start: int = 0
) -> list[Amount]:
    """find_amounts for a text the caller has folded already (it is not folded again).

    ``words``: the words of ``folded`` (``normalize.words``), when the caller has them, or of
    a longer text in which ``folded`` starts at offset ``text_start`` (the words wholly inside
    it are its words: no copy of them is made). Then only the pieces of text around the words
    that may belong to an amount are read (see _pieces_to_read); the amounts are those found
    without ``words``."""
    return _amounts_of(folded, folded, words, text_start)


def _amounts_of(text: str, folded: str, words: Words | None, text_start: int) -> list[Amount]:
    """The amounts of ``text``, whose folded form is ``folded``."""
    pieces = None if words is None else _pieces_to_read(folded, words, text_start)
    if pieces is None:
        return _amounts(text, folded)
    # one text for all pieces, a line break between two: no amount runs across a break
    return _amounts(text, "\n".join(folded[start:end] for start, end in pieces), pieces)


# The kinds of token that make an amount written (partly) in words.
_SPELLED = frozenset((UNIT, HALF, HUNDRED, _A))


def _amounts(
    text: str, read: str, pieces: list[tuple[int, int]] | None = None
) -> list[Amount]:
    """The amounts in ``read``: ``text`` folded, or the ``pieces`` of it joined by line
    breaks; offsets into ``text``."""
    if pieces is not None:
        # where each piece starts in ``read``
        starts = list(accumulate((end - start + 1 for start, end in pieces), initial=0))
    amounts: list[Amount] = []
    for phrase in _phrases(read, _tokens(read)):
        evaluated = _evaluate(phrase)
        if evaluated is None:
            continue
        value, scale = evaluated
        start, end = phrase[0].start, phrase[-1].end
        if pieces is not None:
            piece = bisect_right(starts, start) - 1
            shift = pieces[piece][0] - starts[piece]
            start, end = start + shift, end + shift
        spelled = not _SPELLED.isdisjoint([token.kind for token in phrase])
        amounts.append(Amount(value, Span(start, end, text[start:end]), scale, spelled))
    return amounts


# --------------------------------------------------------------------- amounts by words
#
# Which words may hold a token, told from their matching keys alone. A token of digits
# starts with a digit, and a key keeps every digit. A token of a word (a number word, a
# joining word, an article) is letters and apostrophes, so it lies in one word (a word runs
# on through both), and it starts after a character that is neither a word character nor
# an apostrophe: inside a word, only a combining mark is such. In a word without a
# combining mark or two apostrophes in a row, the token thus starts where the word starts
# and runs to its end, to a final apostrophe (which the key drops), or to a digit or an
# underscore. The word's key is then the key of a word _word_kind reads, or holds something
# other than the letters a-z: a digit, an underscore, or a letter the key keeps as it is,
# as it keeps every letter whose lower case is not its casefold ("ſ", "ß", "ᲀ"). A text
# with a combining mark or two apostrophes in a row is read whole.
#
# Which pieces to read. A piece grows from a word that may hold a digit or a number word to
# its neighbours: to one parted from it by space and hyphens only (_GAP) when that one may
# hold a token, and to one parted from it by a lone comma, period or dash in any case (a
# decimal part, the case ending of "5-ти"). So beyond a piece's ends stands no token its
# tokens could join, and no token runs across them: reading the piece alone gives the tokens
# the whole text gives there (a joining word at its end may give none, but would join
# nothing). A piece is read from the character before its first word, so that every
# lookbehind of the token patterns sees what it sees in the whole text, and the pieces are
# read as one text, a line break between two, where no lookahead finds a token. Every
# amount holds a digit or a number word (_evaluate), so every amount lies in a piece.


def _number_word_forms() -> Iterator[str]:
    """Every word _number_word reads: the table's words, and, with an ending glued on, its
    scale words of three letters or more and its other words of four or more."""
    for word, (kind, _) in NUMBER_WORDS.items():
        yield word
        if _takes_endings(word, kind):
            yield from (word + ending for ending in NUMBER_ENDINGS)


@lru_cache(maxsize=1)
def _number_word_keys() -> frozenset[str]:
    key = getattr(fold_key, "__wrapped__", fold_key)  # leave the article words' cache alone
    return frozenset(map(key, _number_word_forms()))


@lru_cache(maxsize=1)
def _joining_keys() -> frozenset[str]:
    return frozenset(map(fold_key, ("a", "an", *_CONNECT_WORDS)))


def _plain(key: str) -> bool:
    return key.isascii() and key.isalpha()


def _may_count(key: str) -> bool:
    """Whether a word with this matching key may hold digits or a number word."""
    return not _plain(key) or key in _number_word_keys()


def _may_join(key: str) -> bool:
    """Whether a word with this matching key may hold any token (a joining word or an
    article as well)."""
    return _MAY_COUNT[key] or key in _joining_keys()


_MAX_KEYS = 100_000
_MAY_COUNT = ByWord(_may_count, _MAX_KEYS)
_MAY_JOIN = ByWord(_may_join, _MAX_KEYS)
_WORD_CHARACTER = re.compile(r"\w")

# How the text between two words joins them in a piece: not at all (it may stand in no
# phrase and no token of digits), if the word beyond may hold a token (space and hyphens,
# as in a phrase: _GAP), or always (a lone comma, period or dash, which joins digits to a
# decimal part or a case ending).
_NEVER, _IF_IT_MAY_JOIN, _ALWAYS = 0, 1, 2
_TIGHT = re.compile(rf"[,.]|{DASH}")


def _one_character_joins(character: str) -> int:
    """_joins for a text of one character."""
    if _TIGHT.fullmatch(character):
        return _ALWAYS
    return _IF_IT_MAY_JOIN if _GAP.fullmatch(character) else _NEVER


_ONE_CHARACTER_JOINS = ByWord(_one_character_joins, _MAX_KEYS)


def _joins(folded: str, start: int, end: int) -> int:
    """How ``folded[start:end]``, the text between two words, joins them."""
    if end - start == 1:
        return _ONE_CHARACTER_JOINS[folded[start]]
    return _IF_IT_MAY_JOIN if _GAP.fullmatch(folded, start, end) else _NEVER


def _pieces_to_read(folded: str, words: Words, text_start: int) -> list[tuple[int, int]] | None:
    """The pieces of ``folded`` that hold every amount, each as (start, end), in order;
    None when the words cannot tell and the whole text is read. ``words`` and
    ``text_start``: see find_folded_amounts; the words of ``folded`` are ``own`` to ``end`` - 1."""
    starts, ends, keys = words.starts, words.ends, words.keys
    own = bisect_left(starts, text_start)
    end = max(own, bisect_right(ends, text_start + len(folded)))
    if (
        own == end
        # a word character outside the words: a word cut at either end of the text
        or _WORD_CHARACTER.search(folded, 0, starts[own] - text_start)
        or _WORD_CHARACTER.search(folded, ends[end - 1] - text_start)
        or _may_hide_tokens(folded)
    ):
        return None

    def reaches(word: int, neighbour: int) -> bool:
        """Whether a piece that holds ``word`` must hold ``neighbour``, next to it."""
        if word < neighbour:
            joins = _joins(folded, ends[word] - text_start, starts[neighbour] - text_start)
        else:
            joins = _joins(folded, ends[neighbour] - text_start, starts[word] - text_start)
        return joins == _ALWAYS or (joins == _IF_IT_MAY_JOIN and _MAY_JOIN[keys[neighbour]])

    ranges: list[list[int]] = []  # [first word, last word] of each piece
    # A flag per word, and a search in C for the next one set: few words may count, and an
    # index object made for every word of a long article costs more than the look-ups.
    may_count = bytearray(map(_MAY_COUNT.__getitem__, keys[own:end]))
    found = may_count.find(1)
    while found >= 0:
        first = last = own + found
        while first > own and reaches(first, first - 1):
            first -= 1
        while last + 1 < end and reaches(last, last + 1):
            last += 1
        if ranges and first <= ranges[-1][1] + 1:
            ranges[-1][1] = last
        else:
            ranges.append([first, last])
        found = may_count.find(1, last + 1 - own)  # the words up to ``last`` are read
    return [
        (max(0, starts[first] - text_start - 1), ends[last] - text_start)
        for first, last in ranges
    ]


def _may_hide_tokens(folded: str) -> bool:
    """Whether a word of ``folded`` may hold a token elsewhere than from its start to its
    end: after or before a combining mark, or before two apostrophes in a row."""
    if "'" in folded and "''" in folded:
        return True
    if folded.isascii():
        return False
    # A combining mark, U+0300 to U+036F, is two bytes in UTF-16: up to 0x6F, then 0x03.
    # Few other characters hold a byte 0x03, so the search stops rarely.
    encoded = folded.encode("utf-16-le")
    at = encoded.find(b"\x03", 1)
    while at >= 0:
        if at % 2 and encoded[at - 1] <= 0x6F:
            return True
        at = encoded.find(b"\x03", at + 1)
    return False


def parse_amount(text: str) -> float | None:
    """The value of the first amount in ``text`` in base units ("1,7 млрд" -> 1.7e9), else None."""
    amounts = find_amounts(text)
    return amounts[0].value if amounts else None
