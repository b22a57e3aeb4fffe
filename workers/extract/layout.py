"""Where things are in an article: sentences, the headline, the lead, and the sidebar.

A cleaned article can still carry page furniture (a related-news list, photo credits, a
dateline). The extractor reads the article's own event from the headline and the lead, and
gives nothing that follows a related-news header the power to become the article's event.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from workers.extract.matcher import Hit
from workers.extract.normalize import Words

HEADER, TITLE, BODY, SIDEBAR = "header", "title", "body", "sidebar"
LEAD_SENTENCES = 3
_MAX_TITLE_CHARS = 250

# A period, "!", "?" or "…" (with closing quotes) followed by space and a capital, a digit,
# an opening quote or a dash starts a new sentence; a line break always does.
# "[.!?…][.!?…]*" rather than "[.!?…]+": opening with a plain class lets the regex engine
# skip ahead to the next candidate character.
_SENTENCE_END = re.compile(r"[.!?\u2026][.!?\u2026]*[\"'»”)\]]*\s+(?=[«\"“„'(\-–—\d\w])")
_LINE = re.compile(r"[^\n]+")
# A listing's meta line: a rubric and a time ("Сиёсат Бугун 13:35", "Политика 14.11.2025 19:48").
_LISTING_META = re.compile(
    r"^\s*(?:\S+\s+){0,3}(?:\d{1,2}[./]\d{1,2}[./]\d{2,4}\s+)?\d{1,2}:\d{2}\s*$"
)
_CREDIT = re.compile(
    r"^\s*(?:фото|photo|foto|сурет|сурат|автор|author|источник|манба|дереккөз)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Sentence:
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
    sentences: list[tuple[int, int, int]] = []
    for line_number, line in enumerate(_LINE.finditer(text)):
        start = line.start()
        for match in _SENTENCE_END.finditer(line.group()):
            end = line.start() + match.start() + len(match.group().rstrip())
            if not _is_abbreviation(text, line.start() + match.start()):
                _append(sentences, text, start, end, line_number)
                start = line.start() + match.end()
        _append(sentences, text, start, line.end(), line_number)
    return sentences


def _is_abbreviation(text: str, period_at: int) -> bool:
    # "К.-Ж. Токаев", "Ш. Мирзиёев", "г.", "млрд." : a single letter or a short lower-case
    # abbreviation before the period does not end the sentence.
    word_start = period_at
    while word_start > 0 and text[word_start - 1].isalpha():
        word_start -= 1
    word = text[word_start:period_at]
    if len(word) == 1:
        return True
    return word in {"г", "гг", "млрд", "млн", "тыс", "руб", "долл", "им", "т", "ст", "др", "пр"}


def _append(out: list, text: str, start: int, end: int, line: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append((start, end, line))


def build_layout(
    text: str,
    words: Words,
    raw: list[tuple[int, int, int]],
    hits: list[Hit],
    sentence_of: tuple[int, ...],
) -> Layout:
    bounds = _word_bounds(sentence_of, len(raw))
    sidebar_start = _sidebar_start(text, raw, hits, sentence_of, bounds)
    title = _title(text, raw, bounds)
    sentences: list[Sentence] = []
    lead: list[int] = [] if title is None else [title]
    body_seen = 0
    for index, (start, end, line) in enumerate(raw):
        first_word, end_word = bounds[index]
        if sidebar_start is not None and start >= sidebar_start:
            zone = SIDEBAR
        elif index == title:
            zone = TITLE
        elif (title is not None and index < title) or _is_furniture_line(
            text, start, end, end_word - first_word
        ):
            zone = HEADER
        else:
            zone = BODY
        if zone == BODY and body_seen < LEAD_SENTENCES and end_word - first_word >= 4:
            lead.append(index)
            body_seen += 1
        sentences.append(Sentence(index, start, end, line, zone, first_word, end_word))
    return Layout(tuple(sentences), sentence_of, title, frozenset(lead), sidebar_start)


def sentence_index_of_words(words: Words, raw: list[tuple[int, int, int]]) -> tuple[int, ...]:
    """The sentence of every word (words between sentences go with the one before)."""
    out: list[int] = []
    sentence = 0
    next_start = raw[1][0] if len(raw) > 1 else None
    for start in words.starts:
        while next_start is not None and start >= next_start:
            sentence += 1
            next_start = raw[sentence + 1][0] if sentence + 1 < len(raw) else None
        out.append(sentence)
    return tuple(out)


def _word_bounds(sentence_of: tuple[int, ...], count: int) -> list[tuple[int, int]]:
    """[first word, end word) of every sentence."""
    bounds = [(0, 0)] * count
    for sentence in range(count):
        first = bisect_left(sentence_of, sentence)
        bounds[sentence] = (first, bisect_left(sentence_of, sentence + 1, first))
    return bounds


def _is_listing_meta(chunk: str) -> bool:
    # The meta line ends in a clock time: without a colon, the pattern (slow to fail on an
    # ordinary sentence) need not run.
    return ":" in chunk and _LISTING_META.match(chunk) is not None


def _is_furniture_line(text: str, start: int, end: int, word_count: int) -> bool:
    chunk = text[start:end]
    if word_count <= 8 and _CREDIT.match(chunk):
        return True
    if _is_listing_meta(chunk):
        return True
    # Headings and bylines: short, no sentence punctuation.
    return word_count < 4 and not chunk.rstrip().endswith((".", "!", "?"))


def _title(text: str, raw: list[tuple[int, int, int]], bounds: list[tuple[int, int]]) -> int | None:
    """The headline: the first line of four words or more that reads as a heading."""
    for index, (start, end, line) in enumerate(raw[:6]):
        chunk = text[start:end]
        first, last = bounds[index]
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
    text: str,
    raw: list[tuple[int, int, int]],
    hits: list[Hit],
    sentence_of: tuple[int, ...],
    bounds: list[tuple[int, int]],
) -> int | None:
    """Offset of the first related-news header, or of a listing that follows the body."""
    line_starts: dict[int, int] = {}
    for start, _, line in raw:
        line_starts.setdefault(line, start)
    candidates: list[int] = []
    for hit in hits:
        if hit.label != "term:furniture.sidebar":
            continue
        sentence = sentence_of[hit.start]
        start, _, line = raw[sentence]
        first, last = bounds[sentence]
        # The header must open its line and be most of it ("Читайте также", not a sentence
        # that happens to contain the words).
        if (
            start == line_starts[line]
            and hit.start == first
            and last - first <= hit.end - hit.start + 3
        ):
            candidates.append(start)
    body_sentences = 0
    for start, end, _ in raw:
        chunk = text[start:end]
        if body_sentences >= LEAD_SENTENCES and _is_listing_meta(chunk):
            candidates.append(start)
            break
        if len(chunk) > 60:
            body_sentences += 1
    return min(candidates) if candidates else None
