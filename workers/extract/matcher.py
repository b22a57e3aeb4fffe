"""Find every lexicon phrase in a text's words, within sentences.

Each word is looked up once by its matching key (cached: news repeat their words), by trying
its prefixes as stems; a phrase then extends word by word. Only the words are compared, so
punctuation between words (a dash in "Центральная Азия – Китай", a hyphen in "Қасым-Жомарт")
is transparent, but a phrase never crosses a sentence boundary.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import NamedTuple

from workers.extract.lexicon import Lexicon, load_lexicon
from workers.extract.normalize import Words


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
def _label_parts(label: str) -> tuple[str, str]:
    parts = label.split(":")
    return parts[0], parts[1] if len(parts) > 1 else ""


@lru_cache(maxsize=100_000)
def _first_word_phrases(key: str) -> tuple[int, ...]:
    lexicon = load_lexicon()
    found: list[int] = []
    for length in range(min(len(key), lexicon.max_stem), 0, -1):
        for number in lexicon.first_index.get(key[:length], ()):
            if lexicon.word_matches(lexicon.phrases[number].words[0], key):
                found.append(number)
    # An a-stem is indexed with and without its final vowel: report each phrase once.
    return tuple(dict.fromkeys(found))


@cache
def _phrase_parts(number: int) -> tuple[str, bool, tuple, str, str]:
    """(label, capitalised, word specs, kind, value) of a lexicon phrase."""
    phrase = load_lexicon().phrases[number]
    return (phrase.label, phrase.capitalised, phrase.words, *_label_parts(phrase.label))


def find_hits(words: Words, sentence_of: tuple[int, ...], text: str) -> list[Hit]:
    """All phrase occurrences, ordered by start word; overlapping hits are all kept."""
    lexicon = load_lexicon()
    hits: list[Hit] = []
    keys = words.keys
    capitalised = words.capitalised
    count = len(keys)
    for i, key in enumerate(keys):
        candidates = _first_word_phrases(key)
        if not candidates:
            continue
        for number in candidates:
            label, needs_capital, specs, kind, value = _phrase_parts(number)
            if needs_capital and not capitalised[i]:
                continue
            if len(specs) == 1:
                # a one-word phrase: only its own letter case can rule it out
                end = 0 if specs[0].upper and not _is_upper(words, text, i) else i + 1
            else:
                end = _extend(lexicon, specs, words, sentence_of, text, i, count)
            if end:
                hits.append(Hit(label, i, end, number, kind, value))
    return hits


def _extend(
    lexicon: Lexicon,
    specs: tuple,
    words: Words,
    sentence_of: tuple[int, ...],
    text: str,
    start: int,
    count: int,
) -> int:
    """End word index of the phrase starting at ``start``, or 0 if it does not match."""
    if specs[0].upper and not _is_upper(words, text, start):
        return 0
    position = start
    for spec in specs[1:]:
        position += 1
        if position >= count or sentence_of[position] != sentence_of[start]:
            return 0
        if not lexicon.word_matches(spec, words.keys[position]):
            return 0
        if spec.upper and not _is_upper(words, text, position):
            return 0
    return position + 1


def _is_upper(words: Words, text: str, index: int) -> bool:
    return text[words.starts[index] : words.ends[index]].isupper()


def ending_of(hit: Hit, words: Words, word_offset: int = -1) -> str:
    """The ending the text added to the stem of one word of a hit (default: its last word)."""
    lexicon = load_lexicon()
    phrase = lexicon.phrases[hit.phrase]
    spec = phrase.words[word_offset]
    index = hit.end - 1 if word_offset == -1 else hit.start + word_offset
    return lexicon.ending(spec, words.keys[index])
