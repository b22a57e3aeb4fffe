"""Literal cues: the cheap look-ups that spare a vocabulary's regular expression the sentences
it cannot match. A cue that missed a sentence the expression matches would lose a finding, so
the cues are checked against the expressions themselves, on the seeds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workers.extract._grammar import document_words
from workers.extract._grammar.text import (
    Cue,
    fold,
    literal_start,
    lowered,
    occurs_in,
    sentence_bounds,
)
from workers.extract.documents import _search

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

LITERAL_STARTS = [
    ("alternatives after a stem", r"подписа(?:л|ли|ла)", "подписа"),
    ("optional last letter", r"agreements?", "agreement"),
    ("optional first word", r"(?:совместн\w+\s+)?заявлени(?:е|я)", ""),
    ("class after a stem", r"communiqu[eé]s?", "communiqu"),
    ("escaped period", r"долл\.?", "долл"),
    ("one or more", r"ab+c", "ab"),
    ("a bounded repeat", r"x{0,2}y", ""),
    ("a choice at the top", r"plan|programme", ""),
    ("a choice inside a group", r"план(?:а|у|ом)?", "план"),
    ("capitals", r"MoU", "mou"),
    ("a letter re folds further", "\u0131ki", ""),
]


@pytest.mark.parametrize(("name", "fragment", "start"), LITERAL_STARTS, ids=[c[0] for c in LITERAL_STARTS])
def test_literal_start(name: str, fragment: str, start: str) -> None:
    assert literal_start(fragment) == start


def test_a_cue_keeps_the_shortest_beginnings_and_none_when_one_is_unknown() -> None:
    assert Cue.of([r"подписа(?:л|ли)", r"подписани\w+", r"signed"]).starts == ("signed", "подписа")
    assert Cue.of([r"signed", r"(?:joint\s+)?statements?"]).starts is None


def test_offsets_of_a_cue_in_lower_case_text() -> None:
    cue = Cue.of([r"подписа\w*", r"signed"])
    lower = lowered("Стороны ПОДПИСАЛИ соглашение. Both sides signed it; подписано.")
    offsets = cue.offsets(lower)
    assert offsets == [8, 41, 52]
    assert occurs_in(offsets, 0, 30) and not occurs_in(offsets, 30, 40) and occurs_in(None, 0, 1)


@pytest.mark.parametrize("text", ["İstanbul", "Kazakhstan'ın", "ſigned", "\u1c80"])
def test_text_that_case_insensitive_matching_folds_further_is_not_lowered(text: str) -> None:
    assert lowered(text) is None


def test_other_text_is_lowered_letter_for_letter() -> None:
    text = "Қасым-Жомарт ТОҚАЕВ, O\u2018zbekiston, Ташкент"
    assert lowered(text) == text.lower() and len(lowered(text)) == len(text)


VOCABULARIES = {
    "signing verbs": document_words.SIGNING_VERBS,
    "document nouns": document_words.GENERIC_NOUNS,
    **{f"head-first {kind}": forms for kind, forms in document_words.HEAD_FIRST_NOUNS.items()},
    **{f"head-final {kind}": forms for kind, forms in document_words.HEAD_FINAL_NOUNS.items()},
}


@pytest.mark.parametrize("name", sorted(VOCABULARIES))
def test_every_seed_sentence_the_vocabulary_matches_carries_its_cue(name: str) -> None:
    forms = VOCABULARIES[name]
    pattern, cue = _search(forms), Cue.of(forms)
    for path in sorted(SEEDS.glob("*.txt")):
        text = fold(path.read_text(encoding="utf-8"))
        offsets = cue.offsets(lowered(text))
        for start, end in sentence_bounds(text):
            if pattern.search(text, start, end):
                assert occurs_in(offsets, start, end), text[start:end]


def test_the_cues_of_the_signing_verbs_are_found_in_the_seeds() -> None:
    # The check above is only worth something if the seeds do sign things.
    pattern = _search(document_words.SIGNING_VERBS)
    texts = [fold(p.read_text(encoding="utf-8")) for p in SEEDS.glob("*.txt")]
    assert sum(len(pattern.findall(t)) for t in texts) >= 5
    assert re.search("подписа", " ".join(t.lower() for t in texts))
