"""One article against many stored signatures at once: the same verdicts as comparing it with
each in turn, and stored signatures decoded from the JSON the database keeps."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workers.neardup import (
    EMPTY_SLOT,
    is_near_duplicate,
    near_duplicates,
    signature,
    stored_signature,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def others() -> dict[str, list[int] | None]:
    long_seed = seed("003")
    lines = long_seed.split("\n")
    return {
        "the same text": signature(long_seed),
        "a reprint with a header and a footer": signature("Источник: Kazpravda\n" + long_seed + "\nТеги: политика"),
        "half the paragraphs": signature("\n".join(lines[::2])),
        "another article": signature(seed("004")),
        "a text without words": signature("— —"),
        "a signature of another width": signature(long_seed, 32),
        "no signature": None,
    }


@pytest.mark.parametrize("threshold", [0.8, 0.5, 1.0])
def test_many_at_once_agree_with_one_by_one(threshold: float) -> None:
    own = signature(seed("003"))
    named = others()
    verdicts = dict(zip(named, near_duplicates(own, list(named.values()), threshold), strict=True))
    for name, other in named.items():
        expected = other is not None and is_near_duplicate(own, other, threshold)
        assert verdicts[name] == expected, name
    assert verdicts["the same text"] and verdicts["a reprint with a header and a footer"]
    assert not verdicts["another article"] and not verdicts["no signature"]


def test_a_text_without_words_resembles_nothing() -> None:
    empty = signature("")
    assert empty == [EMPTY_SLOT] * len(empty)
    assert near_duplicates(empty, [empty, signature(seed("000"))]) == [False, False]


def test_a_stored_signature_is_decoded_from_its_json() -> None:
    sig = signature(seed("001"))
    decoded = stored_signature(json.dumps(sig))
    assert decoded.tolist() == sig
    assert not decoded.flags.writeable  # shared by every later comparison: never changed
    assert stored_signature("null") is None
    assert near_duplicates(sig, [decoded]) == [True]
