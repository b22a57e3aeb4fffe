"""Where things are in an article: sentences, the headline, the lead, and the sidebar.

A cleaned article can still carry page furniture (a related-news list, photo credits, a
dateline). The extractor reads the article's own event from the headline and the lead, and
gives nothing that follows a related-news header the power to become the article's event.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import NamedTuple

from workers.extract._compiled import loops as _compiled  # the sentence split and map
from workers.extract._grammar.text import short_word_before
from workers.extract.matcher import Hit
from workers.extract.normalize import Words

HEADER, TITLE, BODY, SIDEBAR = "header", "title", "body", "sidebar"
LEAD_SENTENCES = 3
_MAX_TITLE_CHARS = 250

# A period, "!", "?" or "…" (with closing quotes) followed by space and a letter, a digit,
# an opening quote or a dash ends a sentence; one or more line breaks always do. Written to
# open with one class of characters, which lets the regex engine skip ahead to the next
# candidate character.
_BREAK = re.compile(
    r"[\n.!?\u2026](?:(?<=\n)\n*"
    r"|(?<=[.!?\u2026])[.!?\u2026]*[\"'»”)\]]*(?=[^\S\n]+[«\"“„'(\-–—\d\w]))"
)
# A listing's meta line: a rubric and a time ("Сиёсат Бугун 13:35", "Политика 14.11.2025 19:48").
_LISTING_META = re.compile(
    r"^\s*(?:\S+\s+){0,3}(?:\d{1,2}[./]\d{1,2}[./]\d{2,4}\s+)?\d{1,2}:\d{2}\s*$"
)
_CREDIT = re.compile(
    r"^\s*(?:фото|photo|foto|сурет|сурат|автор|author|источник|манба|дереккөз)\b",
    re.IGNORECASE,
)


class Sentence(NamedTuple):
    """A tuple rather than a dataclass: one is built for every sentence of every article."""

    index: int
    start: int
    end: int
    line: int
    zone: str
    first_word: int
    end_word: int


@dataclass(frozen=True, slots=True)
class Layout:
    sentences: tuple[Sentence, ...]
    sentence_of: tuple[int, ...]  # sentence index of every word
    title: int | None
    lead: frozenset[int]
    sidebar_start: int | None  # character offset where the sidebar begins

    def position_weight(self, index: int) -> float:
        """How much a sentence speaks for the article's own event: headline and lead most."""
        sentence = self.sentences[index]
        if sentence.zone == SIDEBAR:
            return 0.0
        if index == self.title:
            return 3.0
        if index in self.lead:
            return 2.0
        return 1.0


def split_sentences(text: str) -> list[tuple[int, int, int]]:
    """(start, end, line number) of every sentence; lines are never joined."""
    if _compiled is None:
        return reference_split_sentences(text)
    return _compiled.split_sentences(text, _FRAME_ABBREVIATIONS, _LONGEST_ABBREVIATION)


def reference_split_sentences(text: str) -> list[tuple[int, int, int]]:
    """``split_sentences`` written out: the definition its compiled twin is tested against,
    and its stand-in where the package was not built."""
    sentences: list[tuple[int, int, int]] = []
    line_number = start = 0
    for match in _BREAK.finditer(text):
        at = match.start()
        if text[at] == "\n":
            _append(sentences, text, start, at, line_number)
            if at:
                line_number += 1  # a break opening the text adds no line
            start = match.end()
        elif text[at] != "." or not _is_abbreviation(text, at):
            _append(sentences, text, start, match.end(), line_number)
            start = match.end()
    _append(sentences, text, start, len(text), line_number)
    return sentences


# The sentences frames are read in. Narrower than the list ``_grammar.text.sentence_bounds``
# splits figures and documents by: widening this one moves the bounds of every frame, which
# is for the quality gate to judge, not a tidy-up.
_FRAME_ABBREVIATIONS = frozenset(
    ["г", "гг", "млрд", "млн", "тыс", "руб", "долл", "им", "т", "ст", "др", "пр"]
)
_LONGEST_ABBREVIATION = max(map(len, _FRAME_ABBREVIATIONS))


def _is_abbreviation(text: str, period_at: int) -> bool:
    # "К.-Ж. Токаев", "Ш. Мирзиёев", "г.", "млрд." : a single letter or a short lower-case
    # abbreviation before the period does not end the sentence (callers ask only for
    # periods: "Кто, если не я? Мы придём." is two sentences).
    word = short_word_before(text, period_at, _LONGEST_ABBREVIATION)
    return word is not None and (len(word) == 1 or word in _FRAME_ABBREVIATIONS)


def _append(out: list, text: str, start: int, end: int, line: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append((start, end, line))


# Builds a Sentence without the Python-level __new__ of a NamedTuple.
_new_sentence = tuple.__new__


def build_layout(
    text: str,
    words: Words,
    raw: list[tuple[int, int, int]],
    hits: list[Hit],
    sentence_of: tuple[int, ...],
) -> Layout:
    firsts = _first_words(sentence_of, len(raw))
    listing_meta = _listing_meta(text, raw)
    sidebar_start = _sidebar_start(raw, hits, sentence_of, firsts, listing_meta)
    title = _title(text, raw, firsts)
    sentences: list[Sentence] = []
    lead: list[int] = [] if title is None else [title]
    body_seen = 0
    for index, (start, end, line) in enumerate(raw):
        first_word, end_word = firsts[index], firsts[index + 1]
        word_count = end_word - first_word
        if sidebar_start is not None and start >= sidebar_start:
            zone = SIDEBAR
        elif index == title:
            zone = TITLE
        elif (
            (title is not None and index < title)
            or index in listing_meta
            or (word_count <= _FURNITURE_WORDS and _is_furniture_line(text, start, end, word_count))
        ):
            zone = HEADER
        else:
            zone = BODY
        if zone == BODY and body_seen < LEAD_SENTENCES and word_count >= 4:
            lead.append(index)
            body_seen += 1
        fields = (index, start, end, line, zone, first_word, end_word)
        sentences.append(_new_sentence(Sentence, fields))
    return Layout(tuple(sentences), sentence_of, title, frozenset(lead), sidebar_start)


def sentence_index_of_words(words: Words, raw: list[tuple[int, int, int]]) -> tuple[int, ...]:
    """The sentence of every word (words between sentences go with the one before)."""
    if _compiled is None:
        return reference_sentence_index_of_words(words, raw)
    return _compiled.sentence_index_of_words(words.starts, raw)


def reference_sentence_index_of_words(
    words: Words, raw: list[tuple[int, int, int]]
) -> tuple[int, ...]:
    """``sentence_index_of_words`` written out (see ``reference_split_sentences``)."""
    out: list[int] = []
    sentence = 0
    next_start = raw[1][0] if len(raw) > 1 else None
    for start in words.starts:
        while next_start is not None and start >= next_start:
            sentence += 1
            next_start = raw[sentence + 1][0] if sentence + 1 < len(raw) else None
        out.append(sentence)
    return tuple(out)


def _first_words(sentence_of: tuple[int, ...], count: int) -> list[int]:
    """The first word of every sentence, and the end word of the last one: sentence ``i``
    has words [firsts[i], firsts[i + 1])."""
    return [bisect_left(sentence_of, sentence) for sentence in range(count + 1)]


def _listing_meta(text: str, raw: list[tuple[int, int, int]]) -> frozenset[int]:
    """The sentences that are a listing's meta line. The line ends in a clock time: only the
    sentences with a colon are tried (the pattern is slow to fail on an ordinary sentence)."""
    starts = [start for start, _, _ in raw]
    tried: set[int] = set()
    found: set[int] = set()
    colon = text.find(":")
    while colon >= 0:
        index = bisect_right(starts, colon) - 1
        if index >= 0 and colon < raw[index][1] and index not in tried:
            tried.add(index)
            start, end, _ = raw[index]
            if _LISTING_META.match(text[start:end]):
                found.add(index)
        colon = text.find(":", colon + 1)
    return frozenset(found)


# Credits, headings and bylines are short: the most words a furniture line has.
_FURNITURE_WORDS = 8


def _is_furniture_line(text: str, start: int, end: int, word_count: int) -> bool:
    """Whether a line of at most ``_FURNITURE_WORDS`` words is a credit, a heading or a
    byline (listing meta lines are found apart)."""
    chunk = text[start:end]
    if _CREDIT.match(chunk):
        return True
    # Headings and bylines: short, no sentence punctuation.
    return word_count < 4 and not chunk.rstrip().endswith((".", "!", "?"))


def _title(text: str, raw: list[tuple[int, int, int]], firsts: list[int]) -> int | None:
    """The headline: the first line of four words or more that reads as a heading."""
    for index, (start, end, line) in enumerate(raw[:6]):
        chunk = text[start:end]
        first, last = firsts[index], firsts[index + 1]
        if last - first < 4 or _CREDIT.match(chunk):
            continue
        line_is_one_sentence = (index + 1 >= len(raw) or raw[index + 1][2] != line) and (
            index == 0 or raw[index - 1][2] != line
        )
        if line_is_one_sentence and len(chunk) <= _MAX_TITLE_CHARS and not chunk.endswith("."):
            return index
        return None
    return None


def _sidebar_start(
    raw: list[tuple[int, int, int]],
    hits: list[Hit],
    sentence_of: tuple[int, ...],
    firsts: list[int],
    listing_meta: frozenset[int],
) -> int | None:
    """Offset of the first related-news header, or of a listing that follows the body."""
    candidates: list[int] = []
    for hit in [hit for hit in hits if hit.label == "term:furniture.sidebar"]:
        sentence = sentence_of[hit.start]
        start, _, line = raw[sentence]
        first, last = firsts[sentence], firsts[sentence + 1]
        # The header must open its line (line numbers never fall from one sentence to the
        # next) and be most of it ("Читайте также", not a sentence that happens to contain
        # the words).
        if (
            (sentence == 0 or raw[sentence - 1][2] != line)
            and hit.start == first
            and last - first <= hit.end - hit.start + 3
        ):
            candidates.append(start)
    if listing_meta:
        body_sentences = 0
        for index, (start, end, _) in enumerate(raw):
            if body_sentences >= LEAD_SENTENCES and index in listing_meta:
                candidates.append(start)
                break
            if end - start > 60:
                body_sentences += 1
    return min(candidates) if candidates else None
