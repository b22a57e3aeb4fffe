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
    for module in (normalize, matcher, layout, grammar_text):
        assert module._compiled is not None, "install the package: the loops are compiled"


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


# What the compiled loops are handed is read in C, so what is malformed in it must be refused
# with an exception, never read past its end; and an exception raised by Python code the scan
# runs (a cache's __missing__, a flag's __bool__, an __eq__) must reach the caller.

_SCAN_TEXT = "Тоқаев пен Мирзиёев"


def _scan(starting, following=None, sentence_of=(0, 0, 0), text=_SCAN_TEXT, found=None):
    from workers.extract import _speedups

    found = found or words(text)
    return _speedups.scan_phrases(
        list(found.keys), list(found.starts), list(found.ends), tuple(sentence_of), text,
        starting, following or {}, matcher.Hit,
    )


def _start(needs_capital=False, upper=False, rest=()):
    return matcher._Start(0, "label", "kind", "value", needs_capital, upper, rest)


@pytest.mark.parametrize(
    "starts",
    [
        (1,),  # shorter than (phrases, one_word, second_words, one_word_hits)
        ((), [1], frozenset(), None),  # one_word not a tuple
        ((), (1,), frozenset(), None),  # a phrase not a tuple
        ((), (("n", "l"),), frozenset(), None),  # a phrase too short
        ((), (_start()[:6] + ([],),), frozenset(), None),  # its rest not a tuple
        (((_start(rest=((0,),))),), (), frozenset({0}), None),  # a following word too short
        ((), (), frozenset(), [("l", 0, "k", "v")]),  # one-word hits not a tuple
        ((), (), frozenset(), (("l",),)),  # a one-word hit too short
        ((), (), [0], None),  # second words not a set
    ],
)
def test_the_compiled_phrase_scan_refuses_malformed_phrases(starts) -> None:
    found = words(_SCAN_TEXT)
    following = {key: frozenset({0}) for key in found.keys}
    with pytest.raises(TypeError):
        _scan({key: starts for key in found.keys}, following)


def test_the_compiled_phrase_scan_passes_on_what_python_code_raises() -> None:
    class Flag:
        def __bool__(self) -> bool:
            raise ZeroDivisionError

    class Missing(dict):
        def __missing__(self, key):
            raise LookupError(key)

    found = words(_SCAN_TEXT)
    with pytest.raises(ZeroDivisionError):
        flagged = _start(Flag())
        _scan({key: ((flagged,), (flagged,), frozenset(), None) for key in found.keys})
    with pytest.raises(ZeroDivisionError):
        _scan({key: ((_start(False, Flag()),),) * 2 + (frozenset(), None) for key in found.keys})
    with pytest.raises(LookupError):
        _scan(Missing())
    with pytest.raises(LookupError):  # the following words' cache
        phrase = _start(rest=((0, False),))
        _scan({key: ((phrase,), (), frozenset({0}), None) for key in found.keys}, Missing())


def test_the_compiled_phrase_scan_survives_a_cache_that_empties_the_word_lists() -> None:
    found = words(" ".join(["Тоқаев"] * 2_000))
    keys, starts, ends = list(found.keys), list(found.starts), list(found.ends)
    phrase = _start(needs_capital=True, upper=False)

    class Emptying(dict):
        def __missing__(self, key):
            keys.clear(), starts.clear(), ends.clear()
            return ((phrase,), (phrase,), frozenset(), None)

    from workers.extract import _speedups

    text = " ".join(["Тоқаев"] * 2_000)
    with pytest.raises(RuntimeError, match="changed size"):
        _speedups.scan_phrases(
            keys, starts, ends, (0,) * len(found), text, Emptying(), {}, matcher.Hit
        )


def test_the_compiled_phrase_scan_compares_sentences_as_python_does() -> None:
    found = words(_SCAN_TEXT)
    phrase = _start(rest=((0, False),))
    starting = {key: ((phrase,), (), frozenset({0}), None) for key in found.keys}
    following = {key: frozenset({0}) for key in found.keys}
    # numbers beyond a C integer, equal and not; and a following set given as a tuple
    assert len(_scan(starting, following, (10**30, 10**30, 10**30))) == 2
    assert _scan(starting, following, (10**30, 10**31, 10**30)) == []
    assert len(_scan(starting, {key: (0,) for key in found.keys})) == 2


def test_the_compiled_phrase_scan_refuses_offsets_at_the_end_of_the_integers() -> None:
    import sys

    from workers.extract import _speedups

    starting = {"a": ((_start(True),), (_start(True),), frozenset(), None)}
    with pytest.raises(IndexError):
        _speedups.scan_phrases(["a"], [sys.maxsize], [1], (0,), "a", starting, {}, matcher.Hit)
    with pytest.raises(OverflowError):
        _speedups.scan_phrases(["a"], [2**70], [1], (0,), "a", starting, {}, matcher.Hit)


def test_the_compiled_phrase_scan_finds_what_the_python_scan_finds_for_any_phrases(
    monkeypatch,
) -> None:
    rng = random.Random(13)
    for _ in range(2_000):
        text = "".join(rng.choices(_SENTENCE_PIECES + _PIECES, k=rng.randint(0, 40)))
        found = reference_words(text)
        sentence_of = layout.reference_sentence_index_of_words(
            found, layout.reference_split_sentences(text)
        )
        starting, following = {}, {}
        for key in set(found.keys):
            following[key] = frozenset(rng.sample(range(4), rng.randint(0, 3)))
            phrases = tuple(
                matcher._Start(
                    rng.randint(0, 9), f"l{n}", "k", "v", rng.random() < 0.3, rng.random() < 0.3,
                    tuple(
                        (rng.randint(0, 3), rng.random() < 0.3)
                        for _ in range(rng.choice([0, 1, 2]))
                    ),
                )
                for n in range(rng.randint(0, 3))
            )
            one_word = tuple(p for p in phrases if not p.rest)
            as_written = any(p.needs_capital or p.upper for p in one_word)
            starting[key] = phrases and matcher._Starts(
                phrases,
                one_word,
                frozenset(p.rest[0][0] for p in phrases if p.rest),
                None
                if as_written
                else tuple((p.label, p.number, p.kind, p.value) for p in one_word),
            )
        monkeypatch.setattr(matcher, "_STARTING", starting)
        monkeypatch.setattr(matcher, "_FOLLOWING", following)
        expected = reference_find_hits(found, sentence_of, text)
        assert find_hits(found, sentence_of, text) == expected, repr(text)


@pytest.mark.parametrize(
    "starts, sentences",
    [
        ([0, 5], [(0, 1, 0), (-2, 0, 0)]),  # a start of -2 once read as an error
        ([18, -4, 28], [(14, 0, 0), (-4, 0, 0)]),  # a negative start once read as no sentence
        ([0, 1, 2], [(0, 1, 0), (1, 2, 0), (-1, 3, 0), (2, 3, 0)]),
        ([], []),
        ([3, 2, 1], [(5, 0, 0)]),
    ],
)
def test_the_compiled_sentence_map_reads_any_starts_as_python_does(starts, sentences) -> None:
    found = normalize.Words(starts, starts, [""] * len(starts))
    expected = layout.reference_sentence_index_of_words(found, sentences)
    assert layout.sentence_index_of_words(found, sentences) == expected


def test_the_compiled_sentence_map_refuses_what_is_not_a_start() -> None:
    from workers.extract import _speedups

    with pytest.raises(TypeError):
        _speedups.sentence_index_of_words([0, "1"], [(0, 1, 0), (1, 2, 0)])
    with pytest.raises(TypeError):
        _speedups.sentence_index_of_words([0, 1], [(0, 1, 0), ("1", 2, 0)])
    with pytest.raises(TypeError):
        _speedups.sentence_index_of_words([0, 1], [(0, 1, 0), ()])


def test_the_compiled_phrase_scan_holds_a_key_whose_comparison_empties_the_words() -> None:
    import gc

    from workers.extract import _speedups

    keys: list[str] = []

    class Key(str):
        def __hash__(self) -> int:
            return hash("k")

        def __eq__(self, other) -> bool:
            keys.clear()  # the list held the key's last reference
            gc.collect()
            return False

    class Starting(dict):
        def __missing__(self, key):
            return ()

    keys += [Key("k" + "x" * 50), Key("k2")]
    with pytest.raises(RuntimeError, match="changed size"):
        _speedups.scan_phrases(keys, [0, 1], [1, 2], (0, 0), "abc", Starting(k=()), {}, matcher.Hit)
