"""The hostile suite through the whole pipeline: one source per hostile route of a started
fixture site, next to a healthy fixture outlet, all run by the embedded runner. Every hostile
source ends with a recorded outcome, nothing raises, and the healthy outlet's articles are
fetched and processed all the same."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from seeds.hostile import RETRY_AFTER_S, RUSSIAN_TEXT, TRICKLE_INTERVAL_S, TRICKLE_MAX_BYTES
from seeds.site import POLL_INTERVAL_S, FixtureSite
from storage.db import session_scope
from storage.models import Article
from storage.queries import source_health
from tests.ingest.helpers import Clock, count, fetch_logs, fixture_runtime, register, rss_entry, source_row
from workers.embedded import EmbeddedRunner

NOW = datetime(2025, 11, 16, 6, 0, tzinfo=timezone.utc)
FETCH_TIMEOUT_S = 2.0
MAX_BODY_BYTES = 2 * 1024 * 1024
HEALTHY = "fixture-akorda"

# route -> (Source.last_outcome, words the recorded error must contain; None: no error)
HOSTILE = {
    "/hostile/feed.xml": ("ok", None),
    "/hostile/wrong-charset.xml": ("ok", None),
    "/hostile/wrong-charset-utf8.xml": ("ok", None),
    "/hostile/wrong-charset-koi8.xml": ("ok", None),
    "/hostile/wrong-charset-kk.xml": ("ok", None),
    "/hostile/malformed.xml": ("soft", "malformed"),
    "/hostile/empty.xml": ("soft", "empty"),
    "/hostile/html-as-feed.xml": ("not_a_feed", "not_a_feed"),
    "/hostile/gzip-bomb.xml": ("hard", "exceeds"),
    "/hostile/huge.html": ("hard", "exceeds"),
    "/hostile/trickle.xml": ("temporary", "total timeout"),
    "/hostile/redirect-loop": ("hard", "redirect"),
    "/hostile/redirect-loop-b": ("hard", "redirect"),
    "/hostile/rate-limited.xml": ("temporary", None),
    "/hostile/tls-less-redirect": ("blocked", "non-public"),
    "/hostile/forbidden.xml": ("blocked", None),
    "/hostile/gone.xml": ("soft", None),
}
STATUS = {"/hostile/rate-limited.xml": 429, "/hostile/forbidden.xml": 403, "/hostile/gone.xml": 404}


def key_of(path: str) -> str:
    return "hostile-" + path.removeprefix("/hostile/").replace(".", "-")


@pytest.fixture(scope="module")
def polled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """One embedded run over every hostile source and the healthy outlet, then a second
    round once only the healthy outlet is due again."""
    database_url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'summitwatch.db'}"
    clock = Clock(NOW)
    with FixtureSite() as site:
        rt = fixture_runtime(site, database_url, clock, fetch_timeout_s=FETCH_TIMEOUT_S, max_body_bytes=MAX_BODY_BYTES)
        try:
            healthy = next(entry for entry in site.registry_entries() if entry["key"] == HEALTHY)
            ids = register(rt, [rss_entry(key_of(path), site.base_url + path) for path in HOSTILE] + [healthy])
            first = EmbeddedRunner(rt).run_until_idle()
            with session_scope(rt.engine) as session:
                health = {row["key"]: row for row in source_health(session, clock())}
            clock.advance(timedelta(seconds=POLL_INTERVAL_S + 1))
            second = EmbeddedRunner(rt).run_until_idle()
            yield {"rt": rt, "ids": ids, "first": first, "second": second, "health": health, "site": site}
        finally:
            rt.close()


@pytest.mark.parametrize("path", HOSTILE)
def test_each_hostile_source_ends_with_a_recorded_outcome(polled: dict, path: str) -> None:
    outcome, words = HOSTILE[path]
    with session_scope(polled["rt"].engine) as session:
        source = source_row(session, key_of(path))
        logs = fetch_logs(session, source.id)
    assert source.last_outcome == outcome, source.last_error
    assert [log.outcome for log in logs] == [outcome]
    assert logs[0].url.endswith(path)
    if words is None and outcome == "ok":
        assert source.last_error is None and logs[0].error is None
    if words is not None:
        assert words in source.last_error and words in logs[0].error
    if path in STATUS:
        assert logs[0].status_code == STATUS[path]
    assert source.lease_until is None
    assert source.error_count == (0 if outcome == "ok" else 1)
    assert source.next_poll_at.astimezone(timezone.utc) > NOW


def test_every_source_was_polled_once_and_the_run_ended(polled: dict) -> None:
    assert polled["first"].polls == len(HOSTILE) + 1


def test_the_trickling_server_is_cut_off_by_the_fetch_deadline(polled: dict) -> None:
    with session_scope(polled["rt"].engine) as session:
        [log] = fetch_logs(session, source_row(session, key_of("/hostile/trickle.xml")).id)
    # The server would trickle for two minutes; the fetch ended at its own deadline.
    assert log.duration_ms < TRICKLE_MAX_BYTES * TRICKLE_INTERVAL_S * 1000 / 4
    assert "total timeout" in log.error


def test_bodies_past_the_limit_are_refused_without_being_stored(polled: dict) -> None:
    with session_scope(polled["rt"].engine) as session:
        for path in ("/hostile/gzip-bomb.xml", "/hostile/huge.html"):
            [log] = fetch_logs(session, source_row(session, key_of(path)).id)
            assert log.bytes == 0 and str(MAX_BODY_BYTES) in log.error


def test_retry_after_sets_the_next_poll(polled: dict) -> None:
    with session_scope(polled["rt"].engine) as session:
        source = source_row(session, key_of("/hostile/rate-limited.xml"))
    assert source.next_poll_at.astimezone(timezone.utc) - NOW >= timedelta(seconds=RETRY_AFTER_S)


def test_a_feed_in_a_lying_charset_gives_readable_titles(polled: dict) -> None:
    with session_scope(polled["rt"].engine) as session:
        source_id = source_row(session, key_of("/hostile/wrong-charset.xml")).id
        titles = session.scalars(select(Article.title).where(Article.source_id == source_id)).all()
    assert titles == [RUSSIAN_TEXT]


def test_the_healthy_outlet_is_fetched_and_processed_despite_its_neighbours(polled: dict) -> None:
    with session_scope(polled["rt"].engine) as session:
        source_id = polled["ids"][HEALTHY]
        states = session.scalars(select(Article.state).where(Article.source_id == source_id)).all()
        hostile_articles = count(session, Article, Article.source_id != source_id)
    assert states and set(states) == {"processed"}
    assert polled["first"].articles_processed == len(states)
    # The hostile feeds link to pages that do not exist: recorded, never processed.
    assert hostile_articles > 0


def test_health_shows_the_failures_and_the_healthy_outlet(polled: dict) -> None:
    health = polled["health"]
    assert health[HEALTHY]["state"] == "ok"
    assert health[key_of("/hostile/forbidden.xml")]["state"] == "failing"
    assert health[key_of("/hostile/html-as-feed.xml")]["state"] == "failing"
    assert health[key_of("/hostile/rate-limited.xml")]["state"] == "degraded"
    assert health[key_of("/hostile/trickle.xml")]["state"] == "degraded"


def test_the_healthy_outlet_keeps_being_polled_while_the_hostile_ones_back_off(polled: dict) -> None:
    assert polled["second"].polls == 1
    with session_scope(polled["rt"].engine) as session:
        logs = fetch_logs(session, polled["ids"][HEALTHY])
    assert [log.outcome for log in logs] == ["ok", "not_modified"]
