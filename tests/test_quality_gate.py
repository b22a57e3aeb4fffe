"""The extraction-quality gate: `summitwatch eval` on the development sets (tests/gold,
tests/dev2) and on the blind held-out set (tests/heldout) stays at or above the floors pinned
beside each.

Floors only go up. When quality improves by more than RATCHET the gate asks for the floor to
be raised; a floor may be lowered only with an entry in the file's "lowered" list saying why.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summitwatch.analysis import run_eval

TESTS = Path(__file__).parent
SETS = {
    "dev": (TESTS / "gold" / "dev_docs.jsonl", TESTS / "gold" / "dev_gold.jsonl", TESTS / "gold" / "floors.json"),
    "dev2": (TESTS / "dev2" / "docs.jsonl", TESTS / "dev2" / "gold.jsonl", TESTS / "dev2" / "floors.json"),
    "heldout": (TESTS / "heldout" / "docs.jsonl", TESTS / "heldout" / "gold.jsonl", TESTS / "heldout" / "floors.json"),
}
RATCHET = 0.05


@pytest.fixture(scope="module", params=sorted(SETS))
def measured(request) -> tuple[dict, dict]:
    docs, gold, floors = SETS[request.param]
    result, _ = run_eval(docs, gold)
    print(request.param, json.dumps(result, indent=2))
    return result, json.loads(floors.read_text())


def test_quality_at_or_above_the_floors(measured):
    metrics, floors = measured
    below = {name: (metrics[name], floor) for name, floor in floors["metrics"].items() if metrics[name] < floor}
    assert not below, f"below the pinned floors (metric, floor): {below}"


def test_floors_follow_improvements(measured):
    metrics, floors = measured
    stale = {name: (metrics[name], floor) for name, floor in floors["metrics"].items()
             if metrics[name] > floor + RATCHET}
    assert not stale, f"quality improved: raise these floors (metric, floor): {stale}"


@pytest.mark.parametrize("name", sorted(SETS))
def test_every_lowered_floor_says_why(name):
    for entry in json.loads(SETS[name][2].read_text()).get("lowered", []):
        assert entry.get("reason") and entry["to"] < entry["from"], entry
