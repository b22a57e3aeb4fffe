"""Find every lexicon phrase in a text's words, within sentences.

Each word is looked up once by its matching key, by trying its prefixes as stems; a phrase
then extends word by word. What a key starts and which following words it fits are worked
out once per key and kept (news repeat their words). Only the words are compared, so
punctuation between words (a dash in "Центральная Азия – Китай", a hyphen in "Қасым-Жомарт")
is transparent, but a phrase never crosses a sentence boundary.
"""

from __future__ import annotations

from functools import cache
from itertools import compress
from typing import NamedTuple

from workers.extract._compiled import loops as _compiled
from workers.extract.lexicon import WordSpec, index_stems, load_lexicon
from workers.extract.normalize import ByWord, Words


class Hit(NamedTuple):
    """A phrase found at words ``[start, end)``; ``kind`` and ``value`` split its label.

    A tuple rather than a dataclass: an article yields hundreds, each built in the loop below.
    """

    label: str
    start: int
    end: int
    phrase: int  # index into Lexicon.phrases
    kind: str
    value: str


@cache
def label_parts(label: str) -> tuple[str, str]:
    """A label's kind and value: "person:uz-mirziyoyev:surname" is ("person", "uz-mirziyoyev")."""
    parts = label.split(":")
    return parts[0], parts[1] if len(parts) > 1 else ""


class _Start(NamedTuple):
    """A lexicon phrase that may start at a word, with what is left to check there."""

    number: int
    label: str
    kind: str
    value: str
    needs_capital: bool  # the word must start with a capital
    upper: bool  # the word must be written in capitals
    rest: tuple[tuple[int, bool], ...]  # (spec id, in capitals) of the following words


class _Starts(NamedTuple):
    """The phrases that may start at a word, in the order their hits are reported."""

    phrases: tuple[_Start, ...]
    one_word: tuple[_Start, ...]  # those of a single word
    second_words: frozenset[int]  # spec ids of the second words of the others
    # (label, number, kind, value) of the one-word phrases when none of them asks anything
    # of how the word is written: then the key alone tells their hits.
    one_word_hits: tuple[tuple[str, int, str, str], ...] | None


@cache
def _spec_ids() -> dict[WordSpec, int]:
    """A number for every word spec that follows a phrase's first word."""
    ids: dict[WordSpec, int] = {}
    for phrase in load_lexicon().phrases:
        for spec in phrase.words[1:]:
            ids.setdefault(spec, len(ids))
    return ids


@cache
def _following_index() -> tuple[dict[str, tuple[tuple[WordSpec, int], ...]], int]:
    """Following-word specs by the stems a matching key starts with, and the longest stem."""
    index: dict[str, list[tuple[WordSpec, int]]] = {}
    for spec, number in _spec_ids().items():
        for stem in index_stems(spec):
            index.setdefault(stem, []).append((spec, number))
    longest = max(map(len, index), default=0)
    return {stem: tuple(specs) for stem, specs in index.items()}, longest


_MAX_CACHED_KEYS = 100_000


def _starting(key: str) -> _Starts | tuple[()]:
    """The phrases whose first word the key matches, in lexicon order by stem length;
    an empty tuple when there are none."""
    lexicon = load_lexicon()
    found: list[int] = []
    for length in range(min(len(key), lexicon.max_stem), 0, -1):
        for number in lexicon.first_index.get(key[:length], ()):
            if lexicon.word_matches(lexicon.phrases[number].words[0], key):
                found.append(number)
    if not found:
        return ()
    # An a-stem is indexed with and without its final vowel: report each phrase once.
    phrases = tuple(map(_start, dict.fromkeys(found)))
    one_word = tuple(p for p in phrases if not p.rest)
    as_written = any(p.needs_capital or p.upper for p in one_word)
    return _Starts(
        phrases,
        one_word,
        frozenset(p.rest[0][0] for p in phrases if p.rest),
        None if as_written else tuple((p.label, p.number, p.kind, p.value) for p in one_word),
    )


@cache
def _start(number: int) -> _Start:
    phrase = load_lexicon().phrases[number]
    first, *rest = phrase.words
    ids = _spec_ids()
    return _Start(
        number,
        phrase.label,
        *label_parts(phrase.label),
        phrase.capitalised,
        first.upper,
        tuple((ids[spec], spec.upper) for spec in rest),
    )


def _following(key: str) -> frozenset[int]:
    """Ids of the following-word specs the key matches."""
    lexicon = load_lexicon()
    index, longest = _following_index()
    return frozenset(
        number
        for length in range(min(len(key), longest), 0, -1)
        for spec, number in index.get(key[:length], ())
        if lexicon.word_matches(spec, key)
    )


_STARTING = ByWord(_starting, _MAX_CACHED_KEYS)
_FOLLOWING = ByWord(_following, _MAX_CACHED_KEYS)
# Builds a Hit without the Python-level __new__ of a NamedTuple (hundreds per article).
_new_hit = tuple.__new__

def find_hits(words: Words, sentence_of: tuple[int, ...], text: str) -> list[Hit]:
    """All phrase occurrences, ordered by start word; overlapping hits are all kept."""
    # Compiled, the interpreter's overhead per word (most of the loop's cost, about 0.6 ms
    # of a long article) is gone.
    if _compiled is None:
        return reference_find_hits(words, sentence_of, text)
    return _compiled.scan_phrases(
        words.keys, words.starts, words.ends, tuple(sentence_of), text, _STARTING, _FOLLOWING, Hit
    )


def reference_find_hits(words: Words, sentence_of: tuple[int, ...], text: str) -> list[Hit]:
    """``find_hits`` written out: the definition its compiled twin is tested against, and its
    stand-in where the package was not built."""
    hits: list[Hit] = []
    keys, starts = words.keys, words.starts
    starting = list(map(_STARTING.__getitem__, keys))
    last = len(keys) - 1
    # Most words start no phrase: only those that do are visited.
    for i in compress(range(len(keys)), starting):
        phrases, one_word, second_words, one_word_hits = starting[i]
        # Most phrases of several words fail on their second word (or the sentence ends
        # before it): when all of them do, only the one-word phrases are left to check.
        if (
            second_words
            and i < last
            and sentence_of[i + 1] == sentence_of[i]
            and not second_words.isdisjoint(_FOLLOWING[keys[i + 1]])
        ):
            candidates = phrases
        elif one_word_hits is not None:
            for label, number, kind, value in one_word_hits:
                hits.append(_new_hit(Hit, (label, i, i + 1, number, kind, value)))
            continue
        else:
            candidates = one_word
        for number, label, kind, value, needs_capital, upper, rest in candidates:
            if needs_capital and not text[starts[i]].isupper():
                continue
            if upper and not _is_upper(words, text, i):
                continue
            end = _end(rest, words, sentence_of, text, i) if rest else i + 1
            if end:
                hits.append(_new_hit(Hit, (label, i, end, number, kind, value)))
    return hits


def _end(
    rest: tuple[tuple[int, bool], ...],
    words: Words,
    sentence_of: tuple[int, ...],
    text: str,
    start: int,
) -> int:
    """End word index of a phrase whose first word is at ``start``, or 0 if it does not match."""
    position = start + 1
    for spec, upper in rest:
        if position >= len(words.keys) or sentence_of[position] != sentence_of[start]:
            return 0
        if spec not in _FOLLOWING[words.keys[position]]:
            return 0
        if upper and not _is_upper(words, text, position):
            return 0
        position += 1
    return position


def _is_upper(words: Words, text: str, index: int) -> bool:
    return text[words.starts[index] : words.ends[index]].isupper()


def ending_of(hit: Hit, words: Words, word_offset: int = -1) -> str:
    """The ending the text added to the stem of one word of a hit (default: its last word)."""
    lexicon = load_lexicon()
    phrase = lexicon.phrases[hit.phrase]
    spec = phrase.words[word_offset]
    index = hit.end - 1 if word_offset == -1 else hit.start + word_offset
    return lexicon.ending(spec, words.keys[index])
