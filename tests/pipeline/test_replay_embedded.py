"""The whole pipeline on the seeds, embedded mode on SQLite, over real HTTP."""

from __future__ import annotations

from summitwatch.replay import ReplayOptions, replay
from summitwatch.settings import Settings
from tests.conftest import free_port
from tests.pipeline.seed_expectations import assert_seed_events, split_events


def test_seed_replay_finds_both_events_and_alerts_once(sqlite_url):
    settings = Settings(database_url=sqlite_url)
    options = ReplayOptions(port=free_port())

    first = replay(options, settings=settings)
    assert_seed_events(first)
    # In publication order E2 (2024) comes first, then E1's four articles.
    assert first["alerts"][0]["event_index"] == 0
    e1, _ = split_events(first)
    assert e1["independent_source_count"] == 4

    second = replay(options, settings=settings)
    assert second["articles"] == first["articles"]
    assert second["alerts"] == first["alerts"]
    assert [e["coverage"] for e in second["events"]] == [e["coverage"] for e in first["events"]]
