"""Character classes, offset-preserving folding and sentence bounds.

Every function here keeps offsets: the grammar modules report spans into the caller's text,
so folding is strictly one character for one character and matching is case-insensitive
instead of lower-casing (``str.lower`` may change a string's length).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat

from workers.extract._compiled import loops as _compiled  # the sentence split

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
# Written to open with one character class (a period, "!", "?", "…" or a line break), so
# that the regex engine skips from one such character to the next instead of trying every
# position; it matches what ``[.!?…]+["'»”)\]]*(?=\s)|\n`` matches.
_SENTENCE_END = re.compile(r"[.!?\u2026\n](?:(?<=\n)|(?<=[.!?\u2026])[.!?\u2026]*[\"'»”)\]]*(?=\s))")


# A stretch of text without the space around it (searched for between two sentence ends).
_TRIMMED = re.compile(r"\S(?:.*\S)?", re.DOTALL)


@lru_cache(maxsize=256)
def sentence_bounds(text: str) -> tuple[tuple[int, int], ...]:
    """Sentences as (start, end) offsets, trimmed of surrounding space.

    A line break always ends a sentence (headings, list items, bylines are lines of their
    own); a period ends one unless it follows a known abbreviation or a single capital (an
    initial) or sits between digits.
    """
    return _bounds(text)


def _bounds(text: str) -> tuple[tuple[int, int], ...]:
    if _compiled is None:
        return reference_sentence_bounds(text)
    return _compiled.sentence_bounds(text, _ABBREVIATIONS, _LONGEST_ABBREVIATION)


def reference_sentence_bounds(text: str) -> tuple[tuple[int, int], ...]:
    """``sentence_bounds`` written out: the definition its compiled twin is tested against,
    and its stand-in where the package was not built."""
    # Where sentences end (not at the period of an abbreviation); a sentence is the text
    # between two ends, without the space around it.
    ends = [m.end() for m in _SENTENCE_END.finditer(text) if not _is_abbreviation(text, m.start())]
    pieces = map(_TRIMMED.search, repeat(text), [0, *ends], [*ends, len(text)])
    return tuple(piece.span() for piece in pieces if piece)


def _is_abbreviation(text: str, period_at: int) -> bool:
    if text[period_at] != ".":
        return False
    word = short_word_before(text, period_at, _LONGEST_ABBREVIATION)
    if not word:
        return False  # no word, or one longer than any abbreviation
    if len(word) == 1 and word.isupper():
        return True
    return word.lower() in _ABBREVIATIONS


_LONGEST_ABBREVIATION = max(map(len, _ABBREVIATIONS))


def short_word_before(text: str, at: int, longest: int) -> str | None:
    """The letters just before ``at`` ("" if none), or None when there are more than
    ``longest`` of them: a long word is not read back to its start."""
    tail = text[max(0, at - longest - 1) : at]
    if tail.isalpha():
        return tail if len(tail) <= longest else None
    index = len(tail)
    while index and tail[index - 1].isalpha():
        index -= 1
    return tail[index:]


def line_end(text: str, offset: int) -> int:
    """Where the line holding ``offset`` ends (its line break, or the end of the text)."""
    end = text.find("\n", offset)
    return len(text) if end < 0 else end


class LineSentences:
    """The sentences of a text as ``sentence_bounds`` finds them, split a line at a time and
    only for the lines asked about: a line break always ends a sentence, so the sentences of
    a line are those of the line alone, and figures or signings stand in few lines.

    Lines are kept here, per text, and not in ``sentence_bounds``' cache, where they would
    only push whole texts out."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._lines: dict[int, tuple[tuple[tuple[int, int], ...], int]] = {}

    def line(self, line_start: int) -> tuple[tuple[tuple[int, int], ...], int]:
        """The sentences of the line that starts at ``line_start``, and where it ends."""
        found = self._lines.get(line_start)
        if found is None:
            end = line_end(self.text, line_start)
            bounds = _bounds(self.text[line_start:end])
            found = tuple((line_start + a, line_start + b) for a, b in bounds), end
            self._lines[line_start] = found
        return found

    def line_start(self, offset: int) -> int:
        return self.text.rfind("\n", 0, offset) + 1

    def around(self, offset: int) -> tuple[tuple[tuple[int, int], ...], int]:
        """The sentences of the line that holds ``offset``, and where it ends."""
        return self.line(self.line_start(offset))

    def following(self, sentence: tuple[int, int]) -> tuple[int, int] | None:
        """The sentence after ``sentence``, on its line or on the next line that has one."""
        bounds, end = self.around(sentence[0])
        index = bounds.index(sentence)
        if index + 1 < len(bounds):
            return bounds[index + 1]
        while end < len(self.text):
            bounds, end = self.line(end + 1)
            if bounds:
                return bounds[0]
        return None


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


# --- literal cues: which sentences a vocabulary can match at all ----------------------------

# Letters that make case-insensitive matching more than comparing lower case: "İ", whose
# lower case is two characters, and those ``re`` also equates with a letter of the region's
# alphabets (ı with i, ſ with s, the old Cyrillic forms ᲀ-ᲆ with в д о с т ъ).
_CASE_TRAPS = "\u0130\u0131\u017f\u1c80\u1c81\u1c82\u1c83\u1c84\u1c85\u1c86"
_METACHARACTERS = frozenset("\\.^$*+?{}[]|()")
_OPTIONAL = frozenset("*?{")


def lowered(text: str) -> str | None:
    """``text`` in lower case with the same offsets, when matching it case-insensitively is
    comparing lower case letters; None when a letter of ``_CASE_TRAPS`` makes it more."""
    # ten substring searches in C beat one character-class scan of the whole text
    if any(map(text.__contains__, _CASE_TRAPS)):
        return None
    return text.lower()


def literal_start(fragment: str) -> str:
    """The text every match of a regular expression fragment begins with, in lower case
    ("подписа" for ``подписа(?:л|ли)``, "" when it begins with a group, a class or a choice)."""
    depth, escaped = 0, False
    for char in fragment:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return ""  # a choice at the top: no start shared by all its matches
    start = []
    for index, char in enumerate(fragment):
        if char in _METACHARACTERS:
            if char in _OPTIONAL and start:
                start.pop()  # the letter before "?", "*" or "{0,..}" may be absent
            break
        start.append(char)
    prefix = "".join(start).lower()
    return "" if any(c in _CASE_TRAPS for c in prefix) else prefix


@dataclass(frozen=True, slots=True)
class Cue:
    """The literal beginnings of a vocabulary's alternatives. A stretch of text where none of
    them occurs cannot hold a match of the vocabulary, so the (slower) pattern need not run
    there; ``starts`` is None when some alternative has no literal beginning."""

    starts: tuple[str, ...] | None

    @classmethod
    def of(cls, fragments: Iterable[str]) -> Cue:
        starts = [literal_start(fold(f)) for f in fragments]
        if not all(starts):
            return cls(None)
        # A beginning that extends another adds no occurrence the shorter one lacks.
        unique = sorted(set(starts))
        kept = [s for s in unique if not any(s != t and s.startswith(t) for t in unique)]
        return cls(tuple(kept))

    def offsets(self, lower: str | None) -> list[int] | None:
        """Where the beginnings occur in the lower-cased text (sorted); None: anywhere."""
        if self.starts is None or lower is None:
            return None
        found: list[int] = []
        for start in self.starts:
            if not has_letters(lower, start):
                continue
            at = lower.find(start)
            while at >= 0:
                found.append(at)
                at = lower.find(start, at + 1)
        found.sort()
        return found


def has_letters(text: str, literal: str) -> bool:
    """Whether ``text`` has every letter of ``literal``: a letter the text lacks rules the
    literal out at the cost of one memchr, far below a substring search, and most literals
    of a vocabulary belong to the other languages."""
    return all(map(text.__contains__, literal))


def occurs_in(offsets: list[int] | None, start: int, end: int) -> bool:
    """Whether a cue occurs in [start, end); True when its offsets are unknown."""
    if offsets is None:
        return True
    index = bisect_left(offsets, start)
    return index < len(offsets) and offsets[index] < end
