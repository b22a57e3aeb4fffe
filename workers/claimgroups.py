"""Claims: figures grouped by what they measure, and disagreements between sources flagged.

Two figures disagree only when no true value could be stated as both: each figure stands for
the range its stated precision and qualifier allow ("1.7 bn" for [1.65, 1.75) bn, "more than
15,000" for anything from 14,500 up). Disagreement within one source is not a conflict: an
article that says "over one and a half billion (1.7 bn)" is rounding, not contradicting itself.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations

# Qualifiers as the extractor writes them, by which side of the figure stays open.
LOWER_BOUND_QUALIFIERS = frozenset({"more_than", "at_least", "over", "above"})
UPPER_BOUND_QUALIFIERS = frozenset({"up_to", "less_than", "under", "below", "at_most"})
APPROXIMATE_QUALIFIERS = frozenset({"about", "approximately", "around", "almost", "nearly"})
# "About $1.7 bn" allows a tenth either side, beyond the rounding of its last digit.
APPROXIMATE_MARGIN = 0.1
# A figure without a count is read as describing the counted group it is nearest to, when
# within this ratio: "$1.3 bn of projects" sits beside "seven projects worth $1.2 bn", not
# beside "78 projects worth $1.7 bn".
SAME_QUANTITY_RATIO = 1.5
# Scales a figure is written in ("1.7 bn", "15 thousand"): its precision is the last digit
# stated at that scale.
SCALES = (1e12, 1e9, 1e6, 1e3, 1.0)
MAX_KEY_LENGTH = 80


@dataclass(frozen=True, slots=True)
class ClaimFact:
    """A stored figure with the source that states it."""

    claim_id: int
    article_id: int
    source_key: str
    independent: bool
    measure: str
    value: float
    unit: str
    currency: str | None = None
    target_year: int | None = None
    qualifier: str | None = None
    count: int | None = None


@dataclass(slots=True)
class ClaimGroup:
    """Figures that measure the same thing; ``conflict`` when two sources disagree."""

    key: str
    measure: str
    unit: str
    target_year: int | None
    facts: list[ClaimFact] = field(default_factory=list)
    conflict: bool = False
    values: list[float] = field(default_factory=list)

    @property
    def sources(self) -> list[str]:
        return sorted({f.source_key for f in self.facts})

    @property
    def independent_sources(self) -> int:
        """Sources stating the figure on their own: syndicated copies do not confirm it."""
        return len({f.source_key for f in self.facts if f.independent})


def group_claims(facts: Sequence[ClaimFact]) -> list[ClaimGroup]:
    """Group figures by (measure, unit, target year) and flag groups whose sources disagree.

    Within one measure, figures stated with different counts ("78 projects", "seven
    projects") measure different things and form separate groups.
    """
    by_measure: dict[tuple[str, str, int | None], list[ClaimFact]] = {}
    for fact in facts:
        by_measure.setdefault((fact.measure, fact.unit, fact.target_year), []).append(fact)
    groups = []
    for (measure, unit, target_year), members in by_measure.items():
        base = f"{measure}|{unit}|{target_year if target_year is not None else '*'}"
        for suffix, subgroup in _split_by_count(members):
            groups.append(_group(_key(base + suffix), measure, unit, target_year, subgroup))
    return groups


def interval(fact: ClaimFact) -> tuple[float, float]:
    """The range of true values a figure allows: [low, high), open ends as infinities."""
    half = _precision(fact.value) / 2
    low, high = fact.value - half, fact.value + half
    qualifier = (fact.qualifier or "").lower()
    if qualifier in LOWER_BOUND_QUALIFIERS:
        high = math.inf
    elif qualifier in UPPER_BOUND_QUALIFIERS:
        low = -math.inf
    elif qualifier in APPROXIMATE_QUALIFIERS:
        margin = abs(fact.value) * APPROXIMATE_MARGIN
        low, high = min(low, fact.value - margin), max(high, fact.value + margin)
    return low, high


def compatible(a: ClaimFact, b: ClaimFact) -> bool:
    """Whether one true value could be stated as both figures."""
    (low_a, high_a), (low_b, high_b) = interval(a), interval(b)
    # Ranges that only touch (1.2 bn ends where 1.3 bn begins) do not overlap; the tolerance
    # keeps float noise from turning a touch into an overlap.
    tolerance = 1e-9 * max(abs(a.value), abs(b.value), 1.0)
    return max(low_a, low_b) < min(high_a, high_b) - tolerance


def _group(
    key: str, measure: str, unit: str, target_year: int | None, facts: list[ClaimFact]
) -> ClaimGroup:
    conflict = any(
        a.source_key != b.source_key and not compatible(a, b) for a, b in combinations(facts, 2)
    )
    return ClaimGroup(
        key=key,
        measure=measure,
        unit=unit,
        target_year=target_year,
        facts=facts,
        conflict=conflict,
        values=sorted({f.value for f in facts}),
    )


def _split_by_count(facts: list[ClaimFact]) -> list[tuple[str, list[ClaimFact]]]:
    counted: dict[int, list[ClaimFact]] = {}
    uncounted: list[ClaimFact] = []
    for fact in facts:
        if fact.count is None:
            uncounted.append(fact)
        else:
            counted.setdefault(fact.count, []).append(fact)
    if len(counted) <= 1:
        return [("", facts)]
    alone: list[ClaimFact] = []
    for fact in uncounted:
        count = _nearest_count(fact, counted)
        if count is None:
            alone.append(fact)
        else:
            counted[count].append(fact)
    subgroups = [(f"|n={count}", members) for count, members in counted.items()]
    if alone:
        subgroups.append(("|n=?", alone))
    return subgroups


def _nearest_count(fact: ClaimFact, counted: dict[int, list[ClaimFact]]) -> int | None:
    """The counted group an uncounted figure describes: the one whose figures are nearest,
    if any is near enough to be the same quantity. Nearness, not agreement: two open-ended
    figures ("more than 8 bn", "more than 1.5 bn") always agree."""
    ratios = {
        count: min(_ratio(fact.value, m.value) for m in members)
        for count, members in counted.items()
    }
    count = min(ratios, key=ratios.__getitem__)
    return count if ratios[count] <= SAME_QUANTITY_RATIO else None


def _ratio(a: float, b: float) -> float:
    if a == b:
        return 1.0
    if a == 0 or b == 0 or (a < 0) != (b < 0):
        return math.inf
    return max(abs(a), abs(b)) / min(abs(a), abs(b))


def _precision(value: float) -> float:
    """The unit of the last digit stated at the figure's scale: 1.7e9 -> 1e8, 15000 -> 1000."""
    magnitude = abs(value)
    if magnitude == 0:
        return 1.0
    scale = next((s for s in SCALES if magnitude >= s), 1.0)
    mantissa = magnitude / scale
    for decimals in range(7):
        if abs(round(mantissa, decimals) - mantissa) <= 1e-9 * max(1.0, mantissa):
            return scale * 10.0**-decimals
    return scale * 1e-7


def _key(key: str) -> str:
    if len(key) <= MAX_KEY_LENGTH:
        return key
    digest = hashlib.sha1(key.encode()).hexdigest()[:12]
    return f"{key[: MAX_KEY_LENGTH - 13]}~{digest}"
