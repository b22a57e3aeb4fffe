"""Character classes, offset-preserving folding and sentence bounds.

Every function here keeps offsets: the grammar modules report spans into the caller's text,
so folding is strictly one character for one character and matching is case-insensitive
instead of lower-casing (``str.lower`` may change a string's length).
"""

from __future__ import annotations

import re
from functools import lru_cache

# Horizontal space only: a date or a figure never continues across a line break.
SPACE = r"[ \t\u00a0\u2009\u202f]"
DASH = r"[-\u2010\u2011\u2012\u2013\u2014\u2212]"

# One-to-one so that offsets survive: Uzbek apostrophes to ASCII, ё to е.
_FOLD = (
    *((c, "'") for c in "\u2018\u2019\u02bb\u02bc\u0060\u00b4\u2032"),
    ("ё", "е"),
    ("Ё", "Е"),
)


def fold(text: str) -> str:
    """Fold spelling variants that carry no meaning; same length as the input."""
    # chained str.replace: several times faster than str.translate on non-ASCII text
    for variant, canonical in _FOLD:
        if variant in text:
            text = text.replace(variant, canonical)
    return text


# Abbreviations after which a period does not end a sentence (ru, kk, uz, en).
_ABBREVIATIONS = frozenset(
    """г гг тыс млн млрд трлн руб долл ул им др пр см т е ст ок напр англ каз узб
    жж ж млрд mln mlrd bn mn trn tys mr mrs ms dr st no vs etc approx
    jan feb mar apr jun jul aug sep sept oct nov dec янв фев февр апр авг сен сент окт нояб дек
    рис табл гл""".split()
)
_SENTENCE_END = re.compile(r"[.!?\u2026]+[\"'»”)\]]*(?=\s)|\n")


@lru_cache(maxsize=256)
def sentence_bounds(text: str) -> tuple[tuple[int, int], ...]:
    """Sentences as (start, end) offsets, trimmed of surrounding space.

    A line break always ends a sentence (headings, list items, bylines are lines of their
    own); a period ends one unless it follows a known abbreviation or a single capital (an
    initial) or sits between digits.
    """
    bounds: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.group() != "\n" and _is_abbreviation(text, match.start()):
            continue
        _append_trimmed(bounds, text, start, match.end())
        start = match.end()
    _append_trimmed(bounds, text, start, len(text))
    return tuple(bounds)


def _is_abbreviation(text: str, period_at: int) -> bool:
    if text[period_at] != ".":
        return False
    word_start = period_at
    while word_start > 0 and (text[word_start - 1].isalpha()):
        word_start -= 1
    word = text[word_start:period_at]
    if not word:
        return False
    if len(word) == 1 and word.isupper():
        return True
    return word.lower() in _ABBREVIATIONS


def _append_trimmed(bounds: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        bounds.append((start, end))


def sentence_at(text: str, offset: int) -> tuple[int, int]:
    """The sentence that contains ``offset`` (or the nearest one before it)."""
    best = (0, len(text))
    for start, end in sentence_bounds(text):
        if start <= offset < end:
            return (start, end)
        if start > offset:
            break
        best = (start, end)
    return best


def trie_alternation(words: list[str] | tuple[str, ...]) -> str:
    """A regex alternation of ``words`` factored by common prefix.

    The regex engine tries a plain alternation one word at a time at every position; the
    factored form rejects a position after its first letter, which keeps the large tables of
    month, number and document words cheap on long articles.
    """
    trie: dict[str, dict] = {}
    for word in set(words):
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_regex(trie)


def _trie_regex(node: dict[str, dict]) -> str:
    ends_here = "" in node
    branches = [
        re.escape(char) + _trie_regex(child) for char, child in sorted(node.items()) if char
    ]
    if not branches:
        return ""
    if len(branches) == 1 and not ends_here:
        return branches[0]
    body = "(?:" + "|".join(branches) + ")"
    return body + "?" if ends_here else body


def windows_around(
    anchors: list[tuple[int, int]], text: str, before: int, after: int
) -> list[tuple[int, int]]:
    """Disjoint stretches of ``text`` around the anchors, ending at a word boundary."""
    windows: list[tuple[int, int]] = []
    for start, end in anchors:
        start, end = max(0, start - before), min(len(text), end + after)
        while end < len(text) and not text[end].isspace():
            end += 1
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
        else:
            windows.append((start, end))
    return windows
