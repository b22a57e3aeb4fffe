"""What a fetch meant, and when to poll the source again.

Two pure functions. ``classify`` turns a ``FetchResult`` (plus the parser's verdict) into one
of ``OUTCOMES``; ``plan_next_poll`` turns an outcome into the next poll time, the new error
count and whether the source should be disabled.

Classification table (first matching row wins):

=============================================  ============  ===============================
fetch result                                   outcome       why
=============================================  ============  ===============================
error timeout / connect / protocol             temporary     the network or server hiccuped
error tls, handshake cut off (EOF, reset)      temporary     a dropped connection
error tls (certificate, https->http)           hard          needs a ``verify_tls`` quirk
error too_large / too_many_redirects / decode  hard          the site is broken or hostile
error invalid_url                              hard          the registry entry is wrong
error blocked_address / robots                 blocked       we refuse; a person decides
304, or body hash unchanged                    not_modified
2xx, parse_error "not_a_feed…", feed expected  not_a_feed    HTML where a feed should be
2xx, another parse_error, or an empty body     soft          feeds get fixed; keep polling
other 2xx                                      ok
401 / 403 / 451                                blocked       the site refuses us
404 / 410                                      soft          feeds come back
408 / 425 / 429                                temporary     retry later (429: Retry-After)
501 / 505                                      hard          the server will never do it
other 5xx                                      temporary
other 4xx, 3xx without a usable Location       hard
=============================================  ============  ===============================

Poll planning: a success resets the error count and polls again after the source's interval
(or the server's max-age, if longer). A failure increments the error count and backs off
linearly (interval × errors) with up to +20 % jitter, never sooner than Retry-After or
max-age, never later than the cap. Hard, blocked and not-a-feed failures disable the source
once the count reaches ``max_errors``; soft and temporary ones never do, because feeds that
404 or servers that are down usually come back.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from workers.fetch import FetchResult

OUTCOMES = ("ok", "not_modified", "soft", "hard", "temporary", "blocked", "not_a_feed")
SUCCESSES = frozenset({"ok", "not_modified"})
DISABLING = frozenset({"hard", "blocked", "not_a_feed"})
JITTER = 0.2

_ERROR_KIND_OUTCOMES = {
    "timeout": "temporary",
    "connect": "temporary",
    "protocol": "temporary",
    "too_large": "hard",
    "too_many_redirects": "hard",
    "decode": "hard",
    "invalid_url": "hard",
    "blocked_address": "blocked",
    "robots": "blocked",
}
_TRANSIENT_TLS = ("eof", "reset", "timed out", "timeout", "connection aborted")


def classify(result: FetchResult, *, expect_feed: bool, parse_error: str | None = None) -> str:
    if result.error_kind is not None:
        return _classify_error(result.error_kind, result.error or "")
    status = result.status_code
    if status is None:
        return "temporary"
    if status == 304 or (200 <= status < 300 and result.not_modified):
        return "not_modified"
    if 200 <= status < 300:
        return _classify_body(result, expect_feed, parse_error)
    return _classify_status(status)


def _classify_error(kind: str, message: str) -> str:
    if kind == "tls":
        lowered = message.lower()
        return "temporary" if any(word in lowered for word in _TRANSIENT_TLS) else "hard"
    return _ERROR_KIND_OUTCOMES.get(kind, "temporary")


def _classify_body(result: FetchResult, expect_feed: bool, parse_error: str | None) -> str:
    if parse_error:
        if expect_feed and parse_error.startswith("not_a_feed"):
            return "not_a_feed"
        return "soft"
    if not result.body.strip():
        return "soft"
    return "ok"


def _classify_status(status: int) -> str:
    if status in (401, 403, 451):
        return "blocked"
    if status in (404, 410):
        return "soft"
    if status in (408, 425, 429):
        return "temporary"
    if status in (501, 505):
        return "hard"
    if status >= 500:
        return "temporary"
    return "hard"


@dataclass(frozen=True)
class PollPlan:
    next_poll_at: datetime
    error_count: int
    disable: bool
    reason: str


def plan_next_poll(
    outcome: str,
    *,
    now: datetime,
    interval_s: float,
    error_count: int,
    retry_after_s: float | None = None,
    max_age_s: float | None = None,
    max_errors: int = 10,
    cap_s: float = 24 * 3600,
    rng: random.Random | None = None,
) -> PollPlan:
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}; expected one of {OUTCOMES}")
    hints = max(retry_after_s or 0.0, max_age_s or 0.0)
    if outcome in SUCCESSES:
        delay = min(max(interval_s, hints), cap_s)
        return PollPlan(
            now + timedelta(seconds=delay), 0, False, f"{outcome}: next poll in {delay:.0f}s"
        )
    errors = error_count + 1
    jitter = 1.0 + JITTER * (rng or random.Random()).random()
    backoff = interval_s * errors * jitter
    # The cap also bounds server hints, so a Retry-After of a year cannot silence a source.
    delay = min(max(backoff, hints), cap_s)
    disable = outcome in DISABLING and errors >= max_errors
    reason = f"{outcome} failure {errors}"
    if disable:
        reason += f": disabled after {max_errors} consecutive failures"
    else:
        reason += f": next poll in {delay:.0f}s"
    return PollPlan(now + timedelta(seconds=delay), errors, disable, reason)
