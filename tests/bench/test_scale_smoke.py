"""The scale simulation, small: real workers, beat, Redis and PostgreSQL on a few sources."""

from __future__ import annotations

import json

import pytest

from bench.scale import run
from tests.conftest import PG_ADMIN_URL

pytestmark = [pytest.mark.integration, pytest.mark.slow]

KEYS = {
    "sources", "items_per_source", "hosts", "worker_processes", "articles_expected", "articles_by_state",
    "completed", "elapsed_s", "articles_per_s", "per_host_limit", "max_in_flight_per_host",
    "max_leased_polls_per_host", "per_host_limit_respected", "polls", "sources_never_polled",
    "poll_wait_s_max", "sources_polled_within_interval", "every_source_polled_within_interval",
    "repeated_article_fetches", "ticks_sent", "ticks_run", "queue_depth_max", "worker_rss_mb_peak",
    "memory_flat", "machine", "backlog_at_end", "articles_done",
}


def test_scale_simulation_processes_every_article_and_reports_its_numbers():
    numbers = json.loads(json.dumps(run(sources=20, items=5, workers=2, dispatch_interval_s=2.0, duration_s=150.0,
                                        admin_database_url=PG_ADMIN_URL)))

    assert KEYS <= set(numbers)
    assert numbers["completed"] is True
    assert numbers["articles_by_state"] == {"processed": 100}
    assert numbers["hosts"] == 5
    assert numbers["sources_never_polled"] == 0
    # The dispatcher's lease query never hands out more polls of one host than the limit.
    assert numbers["max_leased_polls_per_host"] <= numbers["per_host_limit"]
    assert 1 <= numbers["max_in_flight_per_host"]["feeds"] <= numbers["per_host_limit"]
    assert numbers["worker_rss_mb_peak"] > 0
