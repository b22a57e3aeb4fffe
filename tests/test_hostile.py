"""The hostile suite over real sockets: every hostile route ends as a classified outcome
within the fetch policy's limits, nothing raises, memory stays bounded, and a well-behaved
source polled alongside keeps working."""

from __future__ import annotations

import resource
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone

import pytest

from seeds.hostile import (
    FEED_ETAG,
    KAZAKH_TEXT,
    RETRY_AFTER_S,
    RUSSIAN_TEXT,
    hostile_routes,
    serve,
)
from workers.fetch import Fetcher, FetchPolicy, FetchResult, Validators
from workers.index import IndexParseError, NotAFeed, parse_index
from workers.outcome import classify, plan_next_poll

NOW = datetime(2024, 11, 14, 9, 0, tzinfo=timezone.utc)
MIB = 1024 * 1024


@dataclass
class Poll:
    result: FetchResult
    outcome: str
    titles: list[str]
    parse_error: str | None


@pytest.fixture(scope="module")
def hostile_site() -> Iterator[str]:
    server, base = serve(hostile_routes())
    yield base
    server.shutdown()
    server.server_close()


@pytest.fixture
def fetcher(hostile_site: str) -> Iterator[Fetcher]:
    hostport = hostile_site.split("//", 1)[1]
    policy = FetchPolicy(
        connect_timeout_s=1.0,
        read_timeout_s=1.0,
        total_timeout_s=2.0,
        allow_private_hosts=frozenset({hostport}),
    )
    with Fetcher(policy) as running:
        yield running


def poll(fetcher: Fetcher, url: str, validators: Validators | None = None) -> Poll:
    """What the pipeline does with a source's index: fetch, parse, classify."""
    result = fetcher.fetch(url, validators)
    titles: list[str] = []
    parse_error = None
    if result.error is None and result.status_code == 200 and not result.not_modified:
        try:
            items = parse_index(
                "rss", result.text if result.text is not None else result.body, result.final_url
            )
            titles = [item.title or "" for item in items]
        except NotAFeed as error:
            parse_error = f"not_a_feed: {error}"
        except IndexParseError as error:
            parse_error = f"parse_error: {error}"
    return Poll(
        result, classify(result, expect_feed=True, parse_error=parse_error), titles, parse_error
    )


EXPECTED = {
    "/hostile/feed.xml": ("ok", None),
    "/hostile/malformed.xml": ("soft", None),
    "/hostile/empty.xml": ("soft", None),
    "/hostile/html-as-feed.xml": ("not_a_feed", None),
    "/hostile/wrong-charset.xml": ("ok", None),
    "/hostile/wrong-charset-utf8.xml": ("ok", None),
    "/hostile/wrong-charset-koi8.xml": ("ok", None),
    "/hostile/wrong-charset-kk.xml": ("ok", None),
    "/hostile/gzip-bomb.xml": ("hard", "too_large"),
    "/hostile/huge.html": ("hard", "too_large"),
    "/hostile/trickle.xml": ("temporary", "timeout"),
    "/hostile/redirect-loop": ("hard", "too_many_redirects"),
    "/hostile/redirect-loop-b": ("hard", "too_many_redirects"),
    "/hostile/rate-limited.xml": ("temporary", None),
    "/hostile/tls-less-redirect": ("blocked", "blocked_address"),
    "/hostile/forbidden.xml": ("blocked", None),
    "/hostile/gone.xml": ("soft", None),
}


def test_every_hostile_route_has_an_expectation() -> None:
    assert set(hostile_routes()) == set(EXPECTED)


@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_hostile_route_ends_as_a_classified_outcome(
    fetcher: Fetcher, hostile_site: str, path: str
) -> None:
    outcome, error_kind = EXPECTED[path]
    polled = poll(fetcher, hostile_site + path)
    assert polled.outcome == outcome, (polled.result.error, polled.parse_error)
    assert polled.result.error_kind == error_kind


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("/hostile/wrong-charset.xml", RUSSIAN_TEXT),
        ("/hostile/wrong-charset-utf8.xml", RUSSIAN_TEXT),
        ("/hostile/wrong-charset-koi8.xml", RUSSIAN_TEXT),
        ("/hostile/wrong-charset-kk.xml", KAZAKH_TEXT),
    ],
)
def test_a_lying_charset_still_gives_readable_text(
    fetcher: Fetcher, hostile_site: str, path: str, text: str
) -> None:
    polled = poll(fetcher, hostile_site + path)
    assert polled.titles == [text]


def test_parse_and_html_failures_say_why(fetcher: Fetcher, hostile_site: str) -> None:
    assert poll(fetcher, hostile_site + "/hostile/malformed.xml").parse_error.startswith(
        "parse_error: malformed"
    )
    assert poll(fetcher, hostile_site + "/hostile/empty.xml").parse_error.startswith(
        "parse_error: empty"
    )
    assert poll(fetcher, hostile_site + "/hostile/html-as-feed.xml").parse_error.startswith(
        "not_a_feed"
    )


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize("path", ["/hostile/gzip-bomb.xml", "/hostile/huge.html"])
def test_bomb_and_huge_page_do_not_balloon_memory(
    fetcher: Fetcher, hostile_site: str, path: str
) -> None:
    before = _peak_rss_mib()
    polled = poll(fetcher, hostile_site + path)
    grown = _peak_rss_mib() - before
    assert polled.result.error_kind == "too_large"
    # The bomb inflates to 1 GiB and the page is 50 MB; the limit is 10 MiB of decoded body.
    assert grown < 120, f"peak RSS grew by {grown:.0f} MiB"
    assert polled.result.body == b""


def test_trickle_is_cut_off_by_the_total_deadline_not_the_read_timeout(
    fetcher: Fetcher, hostile_site: str
) -> None:
    # One byte every 0.5 s never trips the 1 s read timeout: only the total deadline can end it.
    result = fetcher.fetch(hostile_site + "/hostile/trickle.xml")
    assert result.error_kind == "timeout" and "total timeout" in result.error


def test_rate_limit_is_honoured_in_the_next_poll(fetcher: Fetcher, hostile_site: str) -> None:
    polled = poll(fetcher, hostile_site + "/hostile/rate-limited.xml")
    assert polled.result.status_code == 429 and polled.result.retry_after_s == RETRY_AFTER_S
    plan = plan_next_poll(
        polled.outcome,
        now=NOW,
        interval_s=60,
        error_count=0,
        retry_after_s=polled.result.retry_after_s,
    )
    assert (plan.next_poll_at - NOW).total_seconds() == RETRY_AFTER_S and not plan.disable


def test_other_sources_keep_being_polled_alongside_the_hostile_ones(
    fetcher: Fetcher, hostile_site: str
) -> None:
    paths = sorted(EXPECTED)
    with ThreadPoolExecutor(max_workers=len(paths)) as pool:
        polls = dict(
            zip(
                paths, pool.map(lambda path: poll(fetcher, hostile_site + path), paths), strict=True
            )
        )
    assert {path: polled.outcome for path, polled in polls.items()} == {
        path: expected for path, (expected, _) in EXPECTED.items()
    }
    feed = polls["/hostile/feed.xml"]
    assert len(feed.titles) == 2 and feed.result.etag == FEED_ETAG
    again = poll(fetcher, hostile_site + "/hostile/feed.xml", Validators(etag=feed.result.etag))
    assert again.outcome == "not_modified"
