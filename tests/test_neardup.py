"""Near-duplicates: syndicated copies and reprints recognised by MinHash."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from workers.extract.normalize import uz_cyrl_to_latn
from workers.neardup import EMPTY_SLOT, is_near_duplicate, signature, similarity

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n") if p.strip()]


def syndicated_copy(text: str) -> str:
    """Another outlet's reprint: its own header and footer, the credit line, quotes retyped."""
    body = text.replace("«", '"').replace("»", '"')
    return "\n".join(
        ["Источник: Казахстанская правда", body, "Подписывайтесь на наш канал", "Теги: политика"]
    )


def rewrite(text: str) -> str:
    """The same story retold: half the paragraphs kept, in another order."""
    kept = paragraphs(text)[::2]
    return "\n".join(reversed(kept))


CASES = [
    pytest.param(lambda: (seed("003"), seed("003")), True, id="the_same_text"),
    pytest.param(
        lambda: (seed("003"), syndicated_copy(seed("003"))),
        True,
        id="a_syndicated_copy_with_its_own_furniture",
    ),
    pytest.param(
        lambda: (seed("002"), uz_cyrl_to_latn(seed("002"))),
        True,
        id="the_latin_edition_of_an_uzbek_cyrillic_article",
    ),
    pytest.param(lambda: (seed("001"), seed("003")), False, id="two_outlets_on_one_visit"),
    pytest.param(
        lambda: (seed("000"), seed("004")), False, id="two_kazakh_articles_on_different_events"
    ),
    pytest.param(
        lambda: (seed("003"), rewrite(seed("003"))), False, id="a_rewrite_with_half_the_paragraphs"
    ),
]


@pytest.mark.parametrize(("texts", "duplicate"), CASES)
def test_near_duplicates(texts, duplicate):
    a, b = texts()
    assert is_near_duplicate(a, b) is duplicate
    assert is_near_duplicate(signature(a), signature(b)) is duplicate


def test_similarity_estimates_the_shared_share_of_shingles():
    text = seed("003")
    half = "\n".join(paragraphs(text)[: len(paragraphs(text)) // 2])
    assert similarity(text, text) == 1.0
    assert 0.25 < similarity(text, half) < 0.75
    assert similarity(seed("001"), seed("004")) < 0.1


def test_a_signature_is_stable_across_processes():
    """Signatures are stored with the article: no per-process hash salt may leak in."""
    text = seed("002")
    script = (
        "import json, sys; from workers.neardup import signature; "
        "print(json.dumps(signature(sys.stdin.read())))"
    )
    other = subprocess.run(
        [sys.executable, "-c", script],
        input=text,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "12345", "PATH": ""},
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert json.loads(other.stdout) == signature(text)


def test_signatures_are_plain_json_integers_of_the_requested_length():
    sig = signature(seed("000"), num_perm=128)
    assert len(sig) == 128
    assert all(type(v) is int and 0 <= v < 2**32 for v in sig)
    json.dumps(sig)


def test_texts_without_words_are_duplicates_of_nothing():
    assert signature("  — … ", num_perm=8) == [EMPTY_SLOT] * 8
    assert similarity("", "") == 0.0
    assert not is_near_duplicate("", seed("000"))


def test_short_texts_still_sign():
    assert similarity("Тоқаев", "Тоқаев") == 1.0
    assert similarity("Токаев и Мирзиёев", "Мирзиёев и Токаев") < 1.0


def test_signatures_of_different_lengths_are_not_comparable():
    assert (
        similarity(signature("one two three four", 64), signature("one two three four", 32)) == 0.0
    )
    assert similarity("one two three four", signature("one two three four", 32)) == 1.0
