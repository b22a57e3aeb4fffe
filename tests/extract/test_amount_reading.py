"""Amounts read the same whichever way the text is scanned: lower-cased for speed, or as
written when a letter (Turkish dotless ı, long s) makes case-insensitive matching more than
comparing lower case. Glued scale letters count in capitals too ("$1.5BN", "6K")."""

from __future__ import annotations

from pathlib import Path

import pytest

from workers.extract.numbers import find_amounts

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def readings(text: str) -> list[tuple[float, str | None, int, int, str, bool]]:
    return [(a.value, a.scale, a.span.start, a.span.end, a.span.text, a.spelled) for a in find_amounts(text)]


def shifted(found: list[tuple], by: int) -> list[tuple]:
    return [(v, s, start + by, end + by, text, spelled) for v, s, start, end, text, spelled in found]


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_a_seed_reads_the_same_with_a_letter_that_stops_lower_casing(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    plain, trapped = readings("x " + text), readings("\u0131 " + text)
    assert plain == trapped
    assert len(plain) >= 3


CAPITAL_SCALES = [
    ("billions", "Инвестиции составили $1.5BN.", 1.5e9, "bn"),
    ("millions", "Turnover reached 20M dollars.", 20e6, "mln"),
    ("thousands", "About 6K jobs were created.", 6e3, "thousand"),
]


@pytest.mark.parametrize(("name", "text", "value", "scale"), CAPITAL_SCALES, ids=[c[0] for c in CAPITAL_SCALES])
def test_a_glued_scale_letter_reads_the_same_in_capitals(name: str, text: str, value: float, scale: str) -> None:
    (amount,) = find_amounts(text)
    assert (amount.value, amount.scale) == (pytest.approx(value), scale)
    (lower,) = find_amounts(text.lower())
    assert (lower.value, lower.scale, lower.span.start, lower.span.end) == (
        amount.value, amount.scale, amount.span.start, amount.span.end)


def test_lower_and_upper_case_number_words_read_alike() -> None:
    assert [a.value for a in find_amounts("ТРИ МИЛЛИОНА туристов")] == [a.value for a in find_amounts("три миллиона туристов")]
