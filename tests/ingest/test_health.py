"""Feed health: ``storage.queries.source_health`` states and numbers, and
``summitwatch sources --json`` as a real process over the loaded registry."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from schedules.registry import load_registry
from storage.db import session_scope
from storage.models import Article, Source
from storage.queries import source_health
from tests.pipeline.processes import service_env, summitwatch

NOW = datetime(2025, 11, 15, 12, 0, tzinfo=timezone.utc)
INTERVAL_S = 900


@dataclass(frozen=True)
class Poll:
    outcome: str | None
    items_seen: int = 0
    quiet_for_intervals: float | None = None  # time since the last new item
    disabled: bool = False


STATES = {
    "never polled": (Poll(None), "new"),
    "polled with new items lately": (Poll("ok", items_seen=12, quiet_for_intervals=1), "ok"),
    "unchanged feed of an active source, within its usual rhythm": (
        Poll("not_modified", items_seen=12, quiet_for_intervals=5), "ok"),
    "a 404 or a broken feed is degraded": (Poll("soft", items_seen=3, quiet_for_intervals=1), "degraded"),
    "a server that is down is degraded": (Poll("temporary"), "degraded"),
    "a refused fetch is failing": (Poll("blocked"), "failing"),
    "a hard failure is failing": (Poll("hard", items_seen=4, quiet_for_intervals=1), "failing"),
    "HTML where the feed was is failing": (Poll("not_a_feed"), "failing"),
    "a usually active source quiet for several intervals is silent": (
        Poll("not_modified", items_seen=40, quiet_for_intervals=7), "silent"),
    "quiet but answering ok is silent too": (Poll("ok", items_seen=40, quiet_for_intervals=30), "silent"),
    "a source that never yielded anything is not silent": (Poll("not_modified", items_seen=0), "ok"),
    "exactly at the silence threshold is still ok": (
        Poll("not_modified", items_seen=40, quiet_for_intervals=6), "ok"),
    "disabled wins over everything": (Poll("hard", items_seen=40, quiet_for_intervals=30, disabled=True),
                                      "disabled"),
}


def add_source(engine: Engine, key: str, poll: Poll) -> None:
    quiet = poll.quiet_for_intervals
    with session_scope(engine) as session:
        session.add(
            Source(
                key=key, name=key, kind="rss", url=f"https://{key}.example/rss", host=f"{key}.example",
                languages=["ru"], poll_interval_s=INTERVAL_S, last_outcome=poll.outcome,
                last_polled_at=NOW if poll.outcome else None, items_seen=poll.items_seen, disabled=poll.disabled,
                last_new_item_at=NOW - timedelta(seconds=quiet * INTERVAL_S) if quiet is not None else None,
            )
        )


def health_of(engine: Engine) -> dict[str, dict]:
    with session_scope(engine) as session:
        return {row["key"]: row for row in source_health(session, NOW)}


@pytest.mark.parametrize(("poll", "state"), STATES.values(), ids=STATES.keys())
def test_health_state(engine: Engine, poll: Poll, state: str) -> None:
    add_source(engine, "src", poll)
    assert health_of(engine)["src"]["state"] == state


def test_items_per_day_and_time_since_the_last_new_item(engine: Engine) -> None:
    add_source(engine, "src", Poll("ok", items_seen=15, quiet_for_intervals=2))
    with session_scope(engine) as session:
        source_id = session.scalar(select(Source.id))
        for n in range(15):
            # Fourteen in the last week, one from before it, which does not count.
            discovered = NOW - timedelta(hours=11 * n) if n < 14 else NOW - timedelta(days=8)
            session.add(Article(source_id=source_id, url=f"https://src.example/{n}",
                                canonical_url=f"https://src.example/{n}", discovered_at=discovered))
    row = health_of(engine)["src"]
    assert row["items_per_day"] == 2.0
    assert row["seconds_since_new_item"] == 2 * INTERVAL_S
    assert row["last_outcome"] == "ok" and row["kind"] == "rss" and row["languages"] == ["ru"]


def test_sources_json_lists_every_registered_source_with_kind_languages_and_health(tmp_path) -> None:
    env = service_env(DATABASE_URL=f"sqlite:///{tmp_path / 'summitwatch.db'}")
    loaded = summitwatch(["sources", "load"], env)
    assert loaded.returncode == 0, loaded.stderr
    listed = summitwatch(["sources", "--json"], env)
    assert listed.returncode == 0, listed.stderr

    rows = {row["key"]: row for row in json.loads(listed.stdout)}
    registry = load_registry()
    assert len(registry) >= 15
    assert set(rows) == {spec.key for spec in registry}
    for spec in registry:
        row = rows[spec.key]
        assert (row["kind"], row["languages"], row["country"]) == (spec.kind, list(spec.languages), spec.country)
        assert row["state"] == "new" and row["last_outcome"] is None and row["disabled"] is False
