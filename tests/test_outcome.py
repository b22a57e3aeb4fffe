"""Named-case tables for outcome classification and poll planning."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from workers.fetch import FetchResult
from workers.outcome import OUTCOMES, PollPlan, classify, plan_next_poll


def result(
    status: int | None = 200,
    *,
    body: bytes = b"<rss/>",
    error_kind: str | None = None,
    error: str | None = None,
    not_modified: bool = False,
) -> FetchResult:
    return FetchResult(
        url="https://kun.uz/feed",
        final_url="https://kun.uz/feed",
        status_code=status,
        headers={},
        body=body,
        text=body.decode() if body else None,
        encoding="utf-8",
        etag=None,
        last_modified=None,
        content_hash=None,
        not_modified=not_modified,
        error=error,
        error_kind=error_kind,
        retry_after_s=None,
        max_age_s=None,
        duration_ms=1.0,
    )


CLASSIFY_CASES = [
    ("200 feed", result(200), True, None, "ok"),
    ("200 article page", result(200, body=b"<html>x</html>"), False, None, "ok"),
    ("304", result(304, body=b""), True, None, "not_modified"),
    ("200 with unchanged hash", result(200, not_modified=True), True, None, "not_modified"),
    (
        "200 html where a feed was expected",
        result(200, body=b"<html>"),
        True,
        "not_a_feed: html page",
        "not_a_feed",
    ),
    (
        "not_a_feed verdict on an article fetch is just soft",
        result(200),
        False,
        "not_a_feed: html",
        "soft",
    ),
    (
        "200 malformed xml",
        result(200, body=b"<rss><channel>"),
        True,
        "parse_error: mismatched tag",
        "soft",
    ),
    ("200 empty body", result(200, body=b""), True, None, "soft"),
    ("200 whitespace body", result(200, body=b"  \n"), True, None, "soft"),
    ("404", result(404), True, None, "soft"),
    ("410", result(410), True, None, "soft"),
    ("401", result(401), True, None, "blocked"),
    ("403", result(403), True, None, "blocked"),
    ("451", result(451), True, None, "blocked"),
    ("408", result(408), True, None, "temporary"),
    ("429", result(429), True, None, "temporary"),
    ("500", result(500), True, None, "temporary"),
    ("502", result(502), True, None, "temporary"),
    ("503", result(503), True, None, "temporary"),
    ("522 cloudflare", result(522), True, None, "temporary"),
    ("501", result(501), True, None, "hard"),
    ("400", result(400), True, None, "hard"),
    ("405", result(405), True, None, "hard"),
    ("300 without location", result(300), True, None, "hard"),
    (
        "timeout",
        result(None, body=b"", error_kind="timeout", error="ReadTimeout"),
        True,
        None,
        "temporary",
    ),
    (
        "connect",
        result(None, body=b"", error_kind="connect", error="refused"),
        True,
        None,
        "temporary",
    ),
    (
        "protocol",
        result(None, body=b"", error_kind="protocol", error="peer closed"),
        True,
        None,
        "temporary",
    ),
    (
        "bad certificate",
        result(
            None,
            body=b"",
            error_kind="tls",
            error="[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed",
        ),
        True,
        None,
        "hard",
    ),
    (
        "https to http downgrade",
        result(None, body=b"", error_kind="tls", error="redirect from https to http refused"),
        True,
        None,
        "hard",
    ),
    (
        "tls handshake cut off",
        result(
            None,
            body=b"",
            error_kind="tls",
            error="[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred",
        ),
        True,
        None,
        "temporary",
    ),
    (
        "too large",
        result(None, body=b"", error_kind="too_large", error="body exceeds"),
        True,
        None,
        "hard",
    ),
    (
        "redirect loop",
        result(None, body=b"", error_kind="too_many_redirects", error="loop"),
        True,
        None,
        "hard",
    ),
    ("bad gzip", result(None, body=b"", error_kind="decode", error="bad gzip"), True, None, "hard"),
    (
        "invalid url",
        result(None, body=b"", error_kind="invalid_url", error="ftp://"),
        True,
        None,
        "hard",
    ),
    (
        "private address",
        result(None, body=b"", error_kind="blocked_address", error="10.0.0.1"),
        True,
        None,
        "blocked",
    ),
    (
        "robots",
        result(None, body=b"", error_kind="robots", error="disallowed"),
        True,
        None,
        "blocked",
    ),
    (
        "error wins over a parse verdict",
        result(None, body=b"", error_kind="timeout", error="t"),
        True,
        "not_a_feed: x",
        "temporary",
    ),
]


@pytest.mark.parametrize(
    ("name", "fetched", "expect_feed", "parse_error", "expected"),
    CLASSIFY_CASES,
    ids=[case[0] for case in CLASSIFY_CASES],
)
def test_classify(name, fetched, expect_feed, parse_error, expected) -> None:
    assert expected in OUTCOMES
    assert classify(fetched, expect_feed=expect_feed, parse_error=parse_error) == expected


def test_every_outcome_is_reachable() -> None:
    reached = {case[4] for case in CLASSIFY_CASES}
    assert reached == set(OUTCOMES)


NOW = datetime(2024, 11, 14, 9, 0, tzinfo=timezone.utc)


class FixedRandom(random.Random):
    """An rng whose random() is a chosen value, so jitter is exact in the table."""

    def __init__(self, value: float):
        super().__init__(0)
        self.value = value

    def random(self) -> float:
        return self.value


def after(seconds: float) -> datetime:
    return NOW + timedelta(seconds=seconds)


PLAN_CASES = [
    # name, outcome, kwargs, expected plan
    (
        "ok resets errors, polls after the interval",
        "ok",
        {"error_count": 4},
        PollPlan(after(900), 0, False, ""),
    ),
    (
        "not modified is a success",
        "not_modified",
        {"error_count": 2},
        PollPlan(after(900), 0, False, ""),
    ),
    ("ok honours a longer max-age", "ok", {"max_age_s": 3600}, PollPlan(after(3600), 0, False, "")),
    ("ok ignores a shorter max-age", "ok", {"max_age_s": 60}, PollPlan(after(900), 0, False, "")),
    ("ok max-age is capped", "ok", {"max_age_s": 10 * 86400}, PollPlan(after(86400), 0, False, "")),
    (
        "first temporary failure, no jitter",
        "temporary",
        {"error_count": 0},
        PollPlan(after(900), 1, False, ""),
    ),
    (
        "third failure backs off linearly",
        "temporary",
        {"error_count": 2},
        PollPlan(after(2700), 3, False, ""),
    ),
    (
        "jitter adds up to 20 percent",
        "temporary",
        {"error_count": 2, "rng": FixedRandom(0.5)},
        PollPlan(after(2970), 3, False, ""),
    ),
    (
        "retry-after is a lower bound",
        "temporary",
        {"error_count": 0, "retry_after_s": 7200},
        PollPlan(after(7200), 1, False, ""),
    ),
    (
        "retry-after below the backoff changes nothing",
        "temporary",
        {"error_count": 3, "retry_after_s": 120},
        PollPlan(after(3600), 4, False, ""),
    ),
    ("backoff is capped", "soft", {"error_count": 200}, PollPlan(after(86400), 201, False, "")),
    (
        "a year of retry-after is capped",
        "temporary",
        {"retry_after_s": 365 * 86400},
        PollPlan(after(86400), 1, False, ""),
    ),
    (
        "hard below the limit keeps polling",
        "hard",
        {"error_count": 8},
        PollPlan(after(8100), 9, False, ""),
    ),
    ("hard at the limit disables", "hard", {"error_count": 9}, PollPlan(after(9000), 10, True, "")),
    (
        "blocked at the limit disables",
        "blocked",
        {"error_count": 9},
        PollPlan(after(9000), 10, True, ""),
    ),
    (
        "not a feed at the limit disables",
        "not_a_feed",
        {"error_count": 9},
        PollPlan(after(9000), 10, True, ""),
    ),
    (
        "custom limit",
        "hard",
        {"error_count": 2, "max_errors": 3},
        PollPlan(after(2700), 3, True, ""),
    ),
    ("soft never disables", "soft", {"error_count": 50}, PollPlan(after(45900), 51, False, "")),
    (
        "temporary never disables",
        "temporary",
        {"error_count": 50},
        PollPlan(after(45900), 51, False, ""),
    ),
]


@pytest.mark.parametrize(
    ("name", "outcome", "kwargs", "expected"), PLAN_CASES, ids=[case[0] for case in PLAN_CASES]
)
def test_plan_next_poll(name, outcome, kwargs, expected) -> None:
    options = {"now": NOW, "interval_s": 900, "error_count": 0, "rng": FixedRandom(0.0), **kwargs}
    plan = plan_next_poll(outcome, **options)
    assert (plan.next_poll_at, plan.error_count, plan.disable) == (
        expected.next_poll_at,
        expected.error_count,
        expected.disable,
    )
    assert plan.reason.startswith(outcome)
    assert ("disabled" in plan.reason) is plan.disable


def test_jitter_spreads_sources_that_failed_together() -> None:
    rng = random.Random(7)
    times = {
        plan_next_poll("temporary", now=NOW, interval_s=600, error_count=1, rng=rng).next_poll_at
        for _ in range(20)
    }
    assert len(times) > 1
    assert all(after(1200) <= moment <= after(1440) for moment in times)


def test_unknown_outcome_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown outcome"):
        plan_next_poll("fine", now=NOW, interval_s=60, error_count=0)
