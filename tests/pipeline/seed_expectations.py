"""What the seed replay must produce (../shared/seeds/README.md, "the development gold")."""

from __future__ import annotations

from collections import Counter
from typing import Any

TOKAYEV = "Kassym-Jomart Tokayev"
MIRZIYOYEV = "Shavkat Mirziyoyev"


def split_events(outcome: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    events = outcome["events"]
    assert len(events) == 2, [e["title"] for e in events]
    e1 = next(e for e in events if e["type"] == "state_visit")
    e2 = next(e for e in events if e["type"] == "summit")
    return e1, e2


def assert_seed_events(outcome: dict[str, Any]) -> None:
    assert outcome["articles"] == 5
    e1, e2 = split_events(outcome)

    assert e1["country"] == "Uzbekistan" and e1["city"] == "Tashkent"
    assert (e1["date_start"], e1["date_end"]) == ("2025-11-14", "2025-11-15")
    assert e1["status"] == "held"
    assert sorted(e1["participants"]) == [TOKAYEV, MIRZIYOYEV]
    assert e1["ordinal"] == 2
    assert len(e1["coverage"]) == 4
    assert Counter(c["language"] for c in e1["coverage"]) == Counter({"ru": 2, "kk": 1, "uz-Cyrl": 1})
    assert e1["has_conflict"] is True
    assert any(c["measure"] == "projects_launched" for c in e1["conflicts"])
    assert not any(c["measure"] == "projects" for c in e1["conflicts"])

    assert e2["format"] == "Consultative Meeting of the Heads of State of Central Asia"
    assert e2["ordinal"] == 6
    assert (e2["city"], e2["country"]) == ("Astana", "Kazakhstan")
    assert (e2["date_start"], e2["date_end"]) == ("2024-08-09", "2024-08-09")
    assert e2["participants"] == [TOKAYEV]
    assert e2["status"] == "held"
    assert [c["language"] for c in e2["coverage"]] == ["kk"]

    new_events = [a for a in outcome["alerts"] if a["kind"] == "new_event"]
    assert sorted(a["event_index"] for a in new_events) == [0, 1]
    assert len(outcome["alerts"]) == 2, outcome["alerts"]
