"""The extraction-quality gate: `summitwatch eval` on the development gold set stays at or
above the floors pinned in tests/gold/floors.json.

Floors only go up. When quality improves by more than RATCHET the gate asks for the floor to
be raised; a floor may be lowered only with an entry in the file's "lowered" list saying why.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summitwatch.analysis import run_eval

GOLD = Path(__file__).parent / "gold"
RATCHET = 0.05


@pytest.fixture(scope="module")
def metrics() -> dict:
    result, _ = run_eval(GOLD / "dev_docs.jsonl", GOLD / "dev_gold.jsonl")
    print(json.dumps(result, indent=2))
    return result


def _floors() -> dict:
    return json.loads((GOLD / "floors.json").read_text())


def test_quality_at_or_above_the_floors(metrics):
    floors = _floors()["metrics"]
    below = {name: (metrics[name], floor) for name, floor in floors.items() if metrics[name] < floor}
    assert not below, f"below the pinned floors (metric, floor): {below}"


def test_floors_follow_improvements(metrics):
    floors = _floors()["metrics"]
    stale = {name: (metrics[name], floor) for name, floor in floors.items() if metrics[name] > floor + RATCHET}
    assert not stale, f"quality improved: raise these floors in tests/gold/floors.json (metric, floor): {stale}"


def test_every_lowered_floor_says_why():
    for entry in _floors().get("lowered", []):
        assert entry.get("reason") and entry["to"] < entry["from"], entry
