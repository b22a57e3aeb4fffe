"""Spelling normalisation and matching keys for Kazakh, Russian, Uzbek and English text.

Two layers:

* Display-safe normalisation: Unicode NFC, the Uzbek apostrophes folded to one, Uzbek
  Latin <-> Cyrillic transliteration.
* Matching keys: every word folded to one lower-case Latin skeleton shared by all scripts,
  so that "Тўқаев", "To'qayev", "Тоқаев", "Токаев" and "Tokayev" give the same key
  ("tokaev") and a lexicon lists one stem where the languages agree. The key is lossy on
  purpose (ё/е, й/и before vowels, қ/к, ғ/г, ў/о, х/ҳ/h are merged); it is only ever compared
  with other keys, never shown.

Offsets always point into the caller's original text: words are found on the original text
and folded one by one, and :func:`fold_with_offsets` maps every key character back.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import Any

from workers.extract._compiled import loops as _compiled

# The apostrophes Uzbek Latin uses for oʻ, gʻ and the tutuq belgisi, as they come in feeds.
UZBEK_APOSTROPHES = "'\u2018\u2019\u02bb\u02bc`\u00b4\u2032"
APOSTROPHE = "\u02bc"
_APOSTROPHE_FOLD = str.maketrans({c: "'" for c in UZBEK_APOSTROPHES})

# Cyrillic of ru, kk, uz, ky, tg and the Latin letters of uz, kk (2018/2021), tk, az, tr,
# all to a plain Latin skeleton.
_KEY_MAP = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "j",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "h",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "sh",
    "ъ": "",
    "ы": "i",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
    # Kazakh
    "ә": "a",
    "ғ": "g",
    "қ": "k",
    "ң": "n",
    "ө": "o",
    "ұ": "u",
    "ү": "u",
    "һ": "h",
    "і": "i",
    # Uzbek, Tajik
    "ў": "o",
    "ҳ": "h",
    "ӣ": "i",
    "ӯ": "u",
    "ҷ": "j",
    # Ukrainian and Belarusian letters that show up in names
    "є": "e",
    "ї": "i",
    "ґ": "g",
    # Latin alphabets of the region
    "q": "k",
    "x": "h",
    "w": "v",
    "ı": "i",
    "ş": "sh",
    "ç": "ch",
    "ž": "j",
    "ň": "n",
    "ý": "y",
    "ä": "a",
    "ö": "o",
    "ü": "u",
    "ğ": "g",
    "ǵ": "g",
    "ń": "n",
    "ñ": "n",
    "á": "a",
    "ó": "o",
    "ú": "u",
    "é": "e",
    "ə": "a",
    "ū": "u",
    "ī": "i",
    "ā": "a",
    "'": "",
    "\u0307": "",
}
_KEY_TABLE = str.maketrans(_KEY_MAP)
_Y_BEFORE_VOWEL = re.compile(r"y(?=[aeiou])")

# A word: letters and digits, with combining marks and word-internal apostrophes (oʻzbek,
# Xi'an, ma'no). Hyphens and dashes separate words.
# This runs over every article, so it is kept cheap for the regex engine: a single letter or
# digit first (the engine skips ahead to one), then one character class in a loop, and
# possessive quantifiers (a word is always taken whole) that spare the backtracking
# bookkeeping while matching exactly what greedy ones would.
_MARKS = r"\u0300-\u036f"  # combining marks
WORD_RE = re.compile(rf"\w[\w{_MARKS}]*+(?:[{UZBEK_APOSTROPHES}]\w[\w{_MARKS}]*+)*+")
_WORD_SPLIT = re.compile(f"({WORD_RE.pattern})")


@lru_cache(maxsize=1)  # built on first use: listing the plane's word characters takes 20 ms
def _basic_plane_word_split() -> re.Pattern[str]:
    """``_WORD_SPLIT`` for texts of the Basic Multilingual Plane, with ``\\w`` spelled out as
    its characters there. The engine tests an explicit set with one table look-up, where
    ``\\w`` asks the Unicode database for every character; outside the plane the set would
    have to list hundreds of ranges one by one, so other texts keep ``_WORD_SPLIT``."""
    plane = "".join(map(chr, range(0x10000)))
    letter = "".join(
        f"\\u{run.start():04x}-\\u{run.end() - 1:04x}" for run in re.finditer(r"\w+", plane)
    )
    word = rf"[{letter}][{letter}{_MARKS}]*+"
    return re.compile(f"({word}(?:[{UZBEK_APOSTROPHES}]{word})*+)")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold_apostrophes(text: str, to: str = APOSTROPHE) -> str:
    """All Uzbek apostrophe variants to one character (length preserved)."""
    folded = text.translate(_APOSTROPHE_FOLD)
    return folded if to == "'" else folded.replace("'", to)


def fold_yo(text: str) -> str:
    return text.replace("ё", "е").replace("Ё", "Е")


@lru_cache(maxsize=200_000)
def fold_key(word: str) -> str:
    """The matching key of one word: lower-case Latin skeleton, same for every script."""
    text = word.lower().translate(_APOSTROPHE_FOLD)
    if text.endswith("'s"):
        text = text[:-2]  # English possessive; no Uzbek word ends so
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    key = text.translate(_KEY_TABLE)
    if not key.isascii():
        key = "".join(
            c for c in unicodedata.normalize("NFD", key) if unicodedata.category(c) != "Mn"
        )
    if "h" in key:
        key = key.replace("kh", "h").replace("zh", "j")
    if "dj" in key:
        key = key.replace("dj", "j")
    if "y" in key:
        # Cyrillic ё/е/ю/я after a vowel and Latin yo/ye/yu/ya all reduce to the bare vowel,
        # so "Мирзиёев", "Мирзиеев" and "Mirziyoyev" meet; a y that stays is an i-sound.
        key = _Y_BEFORE_VOWEL.sub("", key.replace("yo", "ye")).replace("y", "i")
    return key


@dataclass(frozen=True, slots=True)
class Words:
    """The words of a text: parallel lists, offsets into the original text (never changed
    once made)."""

    starts: list[int]
    ends: list[int]
    keys: list[str]

    def __len__(self) -> int:
        return len(self.keys)

    def index_at(self, offset: int) -> int:
        """Index of the first word that ends after ``offset``."""
        return bisect_right(self.ends, offset)


class ByWord(dict):
    """What ``compute`` gives for each word (or key) seen so far, worked out once: news repeat
    their vocabulary, and a plain dict look-up is the cheapest way to ask about a known word.
    Emptied when it holds ``limit`` words, so a long-running worker's memory stays flat."""

    def __init__(self, compute: Callable[[str], Any], limit: int) -> None:
        super().__init__()
        self._compute = compute
        self._limit = limit

    def __missing__(self, word: str) -> Any:
        if len(self) >= self._limit:
            self.clear()
        value = self[word] = self._compute(word)
        return value


# the words of articles, folded without filling fold_key's own cache a second time
_WORD_KEYS = ByWord(fold_key.__wrapped__, 200_000)

def words(text: str) -> Words:
    # Compiled, one pass over the text makes only the words, their offsets and their keys:
    # the regex split also makes a string of every gap between words, and summing offsets
    # in Python cost as much again (about 1 ms of a long article).
    if _compiled is not None:
        return Words(*_compiled.split_words(text, UZBEK_APOSTROPHES, _WORD_KEYS))
    return reference_words(text)


def reference_words(text: str) -> Words:
    """The words of ``text`` as ``WORD_RE`` finds them: the definition the compiled split of
    ``words`` is tested against, and its stand-in where the package was not built."""
    # One split with the words captured gives words and the text between them alternately;
    # offsets follow from their lengths. Several times cheaper than a match object per word.
    parts = _word_split(text).split(text)
    offsets = list(accumulate(map(len, parts), initial=0))
    return Words(
        starts=offsets[1:-1:2],
        ends=offsets[2:-1:2],
        keys=list(map(_WORD_KEYS.__getitem__, parts[1::2])),
    )


def _word_split(text: str) -> re.Pattern[str]:
    # UTF-16 spends four bytes on a character beyond the Basic Multilingual Plane, two on
    # any other (lone surrogates included): the cheapest whole-text test for one.
    in_basic_plane = len(text.encode("utf-16-le", "surrogatepass")) == 2 * len(text)
    return _basic_plane_word_split() if in_basic_plane else _WORD_SPLIT


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """The matching key of a whole text and, for every key character, its original offset.

    Words are folded with :func:`fold_key`; everything between words becomes one space.
    ``offsets[i]`` is the offset in ``text`` of the character that produced ``key[i]``
    (the start of its word for characters a fold merged or expanded).
    """
    parts: list[str] = []
    offsets: list[int] = []
    for match in WORD_RE.finditer(text):
        if parts:
            parts.append(" ")
            offsets.append(match.start() - 1)
        key = fold_key(match.group())
        parts.append(key)
        offsets.extend(_key_offsets(match.group(), key, match.start()))
    return "".join(parts), offsets


def _key_offsets(word: str, key: str, start: int) -> list[int]:
    # A character-level alignment is only exact when no letter was expanded or dropped;
    # otherwise every key character maps to the word's start, which is what span
    # reconstruction needs (spans are widened to whole words).
    if len(key) == len(word):
        return list(range(start, start + len(word)))
    return [start] * len(key)


# Uzbek Cyrillic <-> Latin (the 1995 Latin alphabet with oʻ, gʻ and ʼ).
_UZ_CYRL_TO_LATN = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "ж": "j",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "x",
    "ц": "s",
    "ч": "ch",
    "ш": "sh",
    "ъ": "ʼ",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
    "ё": "yo",
    "ў": "oʻ",
    "қ": "q",
    "ғ": "gʻ",
    "ҳ": "h",
}
_UZ_LATN_TO_CYRL = [
    ("sh", "ш"),
    ("ch", "ч"),
    ("yo", "ё"),
    ("yu", "ю"),
    ("ya", "я"),
    ("ye", "е"),
    ("oʻ", "ў"),
    ("gʻ", "ғ"),
    ("ʼ", "ъ"),
    ("a", "а"),
    ("b", "б"),
    ("v", "в"),
    ("g", "г"),
    ("d", "д"),
    ("e", "е"),
    ("j", "ж"),
    ("z", "з"),
    ("i", "и"),
    ("y", "й"),
    ("k", "к"),
    ("l", "л"),
    ("m", "м"),
    ("n", "н"),
    ("o", "о"),
    ("p", "п"),
    ("r", "р"),
    ("s", "с"),
    ("t", "т"),
    ("u", "у"),
    ("f", "ф"),
    ("x", "х"),
    ("q", "қ"),
    ("h", "ҳ"),
]
_UZ_LATN_RE = re.compile("|".join(re.escape(a) for a, _ in _UZ_LATN_TO_CYRL), re.IGNORECASE)
_UZ_LATN_MAP = dict(_UZ_LATN_TO_CYRL)
_CYRL_VOWELS = frozenset("аеёиоуэюяў")


def uz_cyrl_to_latn(text: str) -> str:
    """Uzbek Cyrillic to the official Latin alphabet (е is "ye" at a word start, after a vowel)."""
    out: list[str] = []
    previous = ""
    for char in nfc(text):
        lower = char.lower()
        if lower == "е":
            after_vowel = previous.lower() in _CYRL_VOWELS or previous.lower() in "ъь"
            latin = "ye" if (not previous.isalpha() or after_vowel) else "e"
        else:
            latin = _UZ_CYRL_TO_LATN.get(lower)
        if latin is None:
            out.append(char)
        elif char.isupper():
            out.append(latin[:1].upper() + latin[1:])
        else:
            out.append(latin)
        previous = char
    return "".join(out)


def uz_latn_to_cyrl(text: str) -> str:
    """Uzbek Latin (any apostrophe variant) to Cyrillic."""
    folded = fold_apostrophes(nfc(text), APOSTROPHE).replace(APOSTROPHE, "ʼ")
    # oʼ and gʼ are written with the turned comma in the standard; accept any apostrophe.
    folded = re.sub(r"([oOgG])ʼ", lambda m: m.group(1) + "ʻ", folded)

    def swap(match: re.Match[str]) -> str:
        latin = match.group()
        cyrillic = _UZ_LATN_MAP[latin.lower()]
        return cyrillic.upper() if latin[0].isupper() else cyrillic

    return _UZ_LATN_RE.sub(swap, folded)
