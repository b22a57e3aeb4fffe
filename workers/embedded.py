"""Embedded mode: with no broker configured, the same stage runners run in-process, in the
order a worker fleet would run them, until there is no work left (or forever, on a timer)."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from workers import pipeline
from workers.runtime import Runtime
from summitwatch.logging import get_logger

log = get_logger(__name__)

# In-process there is no lost task to wait for: every pending article is work now.
_NO_AGE = timedelta(0)


@dataclass
class RunStats:
    polls: int = 0
    articles_fetched: int = 0
    articles_processed: int = 0
    alerts_delivered: int = 0
    stage_ms: dict[str, list[float]] = field(default_factory=dict)

    def timed(self, stage: str, started: float) -> None:
        self.stage_ms.setdefault(stage, []).append((time.perf_counter() - started) * 1000.0)


class EmbeddedRunner:
    def __init__(self, rt: Runtime, *, on_alert: Callable[[int, str], None] | None = None):
        self.rt = rt
        self.stats = RunStats()
        self.on_alert = on_alert

    def run_until_idle(self, now: datetime | None = None) -> RunStats:
        """Dispatch due sources and drain every stage's queue until nothing is due or in
        flight; returns cumulative stats. Dispatch repeats because the per-host limit lets
        only a few sources of one host out at a time."""
        articles: deque[int] = deque(article_id for article_id, _ in pipeline.stale_work(self.rt, now, age=_NO_AGE))
        alerts: deque[int] = deque(pipeline.due_alerts(self.rt, now))
        sources: deque[int] = deque()
        while True:
            if not sources:
                sources.extend(pipeline.dispatch_due_sources(self.rt, now))
            if not (sources or articles or alerts):
                return self.stats
            if alerts:
                self._deliver(alerts.popleft())
            elif articles:
                alerts.extend(self._article(articles.popleft()))
            else:
                articles.extend(self._poll(sources.popleft()))

    def run_forever(self, interval_s: float, *, stop: Callable[[], bool] = lambda: False) -> None:
        while not stop():
            self.run_until_idle()
            time.sleep(interval_s)

    def _poll(self, source_id: int) -> list[int]:
        started = time.perf_counter()
        new_ids = pipeline.poll_source(self.rt, source_id)
        self.stats.polls += 1
        self.stats.timed("poll", started)
        return new_ids

    def _article(self, article_id: int) -> list[int]:
        started = time.perf_counter()
        ready = pipeline.fetch_article(self.rt, article_id)
        self.stats.timed("fetch", started)
        if ready is None:
            return []
        self.stats.articles_fetched += 1
        started = time.perf_counter()
        alert_ids = pipeline.process_article(self.rt, ready)
        self.stats.timed("process", started)
        self.stats.articles_processed += 1
        return alert_ids

    def _deliver(self, alert_id: int) -> None:
        started = time.perf_counter()
        state = pipeline.deliver_alert(self.rt, alert_id)
        self.stats.timed("deliver", started)
        if state == "sent":
            self.stats.alerts_delivered += 1
        if self.on_alert:
            self.on_alert(alert_id, state)
