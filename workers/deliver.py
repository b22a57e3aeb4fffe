"""Delivery through Apprise, and the retry plan for failed deliveries.

Alert URLs carry secrets (bot tokens, webhook paths, SMTP passwords): they are never logged
and never stored. Logs and errors name the channel (``json-3f2a1b``), and any error text that
comes back from Apprise is scrubbed of the URL's parts before it is kept.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import unquote

import apprise

from summitwatch.logging import get_logger

log = get_logger(__name__)

ALERT_KEY_HEADER = "X-SummitWatch-Alert-Key"
ALERT_KEY_FIELD = "alert_key"
_MAX_ERROR_CHARS = 500


@dataclass(frozen=True)
class DeliveryResult:
    ok: bool
    error: str | None = None


def send(title: str, body: str, urls: Sequence[str], *, channel: str = "log",
         alert_key: str | None = None) -> DeliveryResult:
    """Send one message to every URL (one Apprise object per call). No URLs: the log channel.

    ``alert_key`` travels with the message where the service allows it (an HTTP header and a
    payload field for json://, form:// and xml://, a mail header for mailto://), so a receiver
    can drop a repeat delivery of the same alert."""
    if not urls:
        log.info("alert_sent", channel=channel, alert_key=alert_key, title=title, body=body)
        return DeliveryResult(ok=True)
    asset = apprise.AppriseAsset(async_mode=False, secure_logging=True, storage_mode="memory")
    notifier = apprise.Apprise(asset=asset)
    with _apprise_warnings() as warnings:
        for url in urls:
            plugin = apprise.Apprise.instantiate(url, asset=asset)
            if plugin is None:
                return _failed(channel, f"not a usable Apprise URL (scheme {_scheme(url)}://)", urls)
            _attach_key(plugin, alert_key)
            notifier.add(plugin)
        ok = notifier.notify(body=body, title=title, body_format=apprise.NotifyFormat.MARKDOWN)
    if ok:
        log.info("alert_sent", channel=channel, alert_key=alert_key)
        return DeliveryResult(ok=True)
    return _failed(channel, "; ".join(dict.fromkeys(warnings)) or "delivery failed", urls)


def plan_retry(attempts: int, now: datetime, *, max_attempts: int = 6, base_s: float = 30,
               cap_s: float = 3600) -> datetime | None:
    """When to try again after ``attempts`` failed attempts, or None to give up.

    Exponential backoff: base, 2×base, 4×base ... capped. No jitter: alerts are few, and a
    deterministic plan is one the operator can read off the outbox."""
    if attempts >= max_attempts:
        return None
    return now + timedelta(seconds=min(cap_s, base_s * 2 ** max(attempts - 1, 0)))


def _failed(channel: str, error: str, urls: Sequence[str]) -> DeliveryResult:
    error = redact(error, urls)[:_MAX_ERROR_CHARS]
    log.warning("alert_delivery_failed", channel=channel, error=error)
    return DeliveryResult(ok=False, error=error)


def _attach_key(plugin: apprise.NotifyBase, alert_key: str | None) -> None:
    if not alert_key:
        return
    headers = getattr(plugin, "headers", None)
    if isinstance(headers, dict):
        headers[ALERT_KEY_HEADER] = alert_key
    extras = getattr(plugin, "payload_extras", None)
    if isinstance(extras, dict):
        extras[ALERT_KEY_FIELD] = alert_key


def _scheme(url: str) -> str:
    return re.sub(r"[^a-z0-9+]", "", url.split("://", 1)[0].lower()) or "?"


# Loggers that can quote an alert URL: Apprise's own, and urllib3's request lines (DEBUG).
_URL_QUOTING_LOGGERS = ("apprise", "urllib3.connectionpool")


class _ThreadCapture(logging.Filter):
    """Apprise says why a send failed only through its logger, and its lines (like urllib3's)
    can quote the URL. This thread's lines are kept here (warnings and worse, to be redacted)
    and go no further; other threads' lines pass untouched."""

    def __init__(self) -> None:
        super().__init__()
        self.thread = threading.get_ident()
        self.messages: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        if record.thread != self.thread:
            return True
        if record.levelno >= logging.WARNING and record.name.startswith("apprise"):
            self.messages.append(record.getMessage())
        return False


@contextmanager
def _apprise_warnings() -> Iterator[list[str]]:
    capture = _ThreadCapture()
    loggers = [logging.getLogger(name) for name in _URL_QUOTING_LOGGERS]
    for logger in loggers:
        logger.addFilter(capture)
    try:
        yield capture.messages
    finally:
        for logger in loggers:
            logger.removeFilter(capture)


_HOSTLIKE = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}$|^\d{1,3}(?:\.\d{1,3}){3}$")


def redact(text: str, urls: Sequence[str]) -> str:
    """Remove the URLs and every secret-looking part of them (user, password, tokens, path,
    query values) from ``text``; host names and ports stay readable."""
    secrets = set()
    for url in urls:
        secrets.add(url)
        rest, _, query = url.split("://", 1)[-1].partition("?")
        raw_values = [pair.partition("=")[2] for pair in query.split("&")]
        tokens = re.split(r"[/:@]+", rest) + raw_values + [unquote(v) for v in raw_values]
        secrets.update(t for t in tokens if len(t) >= 6 and not _HOSTLIKE.match(t.lower()))
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text
