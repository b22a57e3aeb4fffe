"""The compiled loops (workers/extract/_speedups.c) find what their Python definitions find."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from workers.extract import layout, matcher, normalize
from workers.extract._grammar import text as grammar_text
from workers.extract.matcher import find_hits, reference_find_hits
from workers.extract.normalize import reference_words, words

ROOT = Path(__file__).resolve().parents[2]

# Every kind of character the word rule treats apart: letters of each script, digits and
# other numerals, "_", combining marks, every Uzbek apostrophe, spaces and punctuation, and
# characters beyond the Basic Multilingual Plane (a letter, an emoji, a lone surrogate).
_PIECES = list("aZ9_ёқўҳӘіÉıİſ²½٣\u0301\u0308\u036f\u0483 \n\t.,-–«»\"") + [
    *normalize.UZBEK_APOSTROPHES,
    "\U0001d400",
    "\U0001f600",
    "\ud800",
    "Тоқаев",
    "O‘zbekiston",
    "g'",
]


def test_the_package_was_built_with_its_compiled_loops() -> None:
    assert normalize._compiled_split is not None, "install the package: the loops are compiled"
    assert matcher._compiled_scan is not None, "install the package: the loops are compiled"
    assert layout._compiled is not None, "install the package: the loops are compiled"
    assert grammar_text._compiled is not None, "install the package: the loops are compiled"


def test_the_compiled_word_split_finds_what_the_word_pattern_finds() -> None:
    rng = random.Random(7)
    texts = ["", " ", "'", "a'", "'a", "a''b", "a'\u0301b", "\u0301a", "ab\u0301'c\u0301"]
    texts += ["".join(rng.choices(_PIECES, k=rng.randint(1, 60))) for _ in range(5_000)]
    for text in texts:
        assert words(text) == reference_words(text), repr(text)


# What sentence breaks turn on: marks, closing and opening quotes, dashes, spaces of every
# kind, line breaks, abbreviations and initials, digits, letters of each case.
_SENTENCE_PIECES = list(".!?…\"'»”)]«“„(-–— \t\xa0\u2003\n\naA1Жж") + [
    "г.",
    "Г.",
    "Млрд.",
    "млрд.",
    "jan.",
    "т.",
    "К.-Ж. ",
    "Ш. ",
    "др. ",
    "word",
    "Сөз",
    "\U0001f600",
]


def test_the_compiled_sentence_splits_find_what_the_break_patterns_find() -> None:
    rng = random.Random(5)
    texts = ["", "\n", ".", ". A", "a. B", "\n\na", "a.\n", "г. Астана", "A. B"]
    texts += ["".join(rng.choices(_SENTENCE_PIECES, k=rng.randint(1, 50))) for _ in range(5_000)]
    texts += _articles()
    for text in texts:
        raw = layout.split_sentences(text)
        assert raw == layout.reference_split_sentences(text), repr(text)
        bounds = grammar_text._bounds(text)
        assert bounds == grammar_text.reference_sentence_bounds(text), repr(text)
        found = words(text)
        expected = layout.reference_sentence_index_of_words(found, raw)
        assert layout.sentence_index_of_words(found, raw) == expected, repr(text)


def _articles() -> list[str]:
    texts = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "seeds").glob("0*.txt"))]
    for name in ("tests/gold/dev_docs.jsonl", "tests/dev2/docs.jsonl"):
        with open(ROOT / name, encoding="utf-8") as rows:
            texts += [json.loads(row).get("text", "") for row in rows if row.strip()]
    return [text for text in texts if text]


def _mangled(rng: random.Random, text: str) -> str:
    """A stretch of an article with its case changed and stray characters put in: phrases
    that need a capital or capitals, sentence ends inside phrases, words cut in half."""
    start = rng.randrange(len(text))
    piece = text[start : start + rng.randint(20, 1_500)]
    piece = rng.choice([str.upper, str.lower, str.title, str.swapcase, str])(piece)
    for _ in range(rng.randint(0, 6)):
        at = rng.randint(0, len(piece))
        piece = piece[:at] + rng.choice([". ", "\n", "İ", "ı", "-", " ", "\u0301"]) + piece[at:]
    return piece


def test_the_compiled_phrase_scan_finds_what_the_python_scan_finds() -> None:
    rng = random.Random(11)
    articles = _articles()
    texts = articles + [_mangled(rng, rng.choice(articles)) for _ in range(3_000)]
    for text in texts:
        found = words(text)
        sentence_of = layout.sentence_index_of_words(found, layout.split_sentences(text))
        expected = reference_find_hits(found, sentence_of, text)
        assert find_hits(found, sentence_of, text) == expected, repr(text[:80])


def test_the_compiled_phrase_scan_refuses_words_and_sentences_that_differ_in_number() -> None:
    found = words("Тоқаев пен Мирзиёев")
    with pytest.raises(ValueError, match="differ in number"):
        find_hits(found, (0,), "Тоқаев пен Мирзиёев")


def test_the_compiled_phrase_scan_refuses_the_words_of_another_text() -> None:
    text = "Қасым-Жомарт Тоқаев Мирзиёевпен ШЫҰ саммитінде"
    found = words(text)
    sentence_of = layout.sentence_index_of_words(found, layout.split_sentences(text))
    with pytest.raises(IndexError):
        find_hits(found, sentence_of, text[:10])
