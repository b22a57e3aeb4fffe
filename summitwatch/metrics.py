"""Prometheus metrics: the pipeline's counters and stage durations, the outbox and event
tables, and the depth of the broker's queues.

Two kinds of numbers, kept apart on purpose:

- **Counted by the process that does the work** (fetches by outcome, articles processed,
  stage durations, events created, alert deliveries by state): the pipeline calls the
  one-line hooks below (``count_fetch(outcome)``, ``observe_stage("clean", ms)``, ...). A
  worker exposes them with ``serve_metrics(port)``.
- **Read at scrape time** from shared state, so every replica reports the same truth:
  the outbox's alerts by state, events by status, articles by state (``DatabaseCollector``,
  on the web app only, so N replicas do not report N copies) and queue depth, the length of
  each Celery queue's Redis list (``QueueDepthCollector``, when ``REDIS_URL`` is set).

Celery's prefork workers count in child processes that the parent's HTTP server cannot see.
Prometheus' multiprocess mode solves that: with ``PROMETHEUS_MULTIPROC_DIR`` set in the
environment *before the worker's interpreter starts*, every process writes its samples to
files in that directory and ``serve_metrics`` aggregates them. The directory must be empty at
start and private to one worker (never on a volume shared by several containers):
``fresh_multiprocess_dir()`` makes one. When a child exits, ``mark_process_dead(pid)`` lets
its live gauges go (counters and histograms keep their totals).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import redis
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from storage.models import Alert, Article, Event

MULTIPROC_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
# Kombu's Redis transport keeps one list per queue and priority step: "fetch", "fetch\x06\x163", ...
PRIORITY_SEPARATOR = "\x06\x16"
PRIORITY_STEPS = (0, 3, 6, 9)
# From a fast extract (milliseconds) to a slow fetch (tens of seconds).
STAGE_BUCKETS_S = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
CONTENT_TYPE = CONTENT_TYPE_LATEST


@dataclass(frozen=True)
class Metrics:
    """The counters and histograms one process updates."""

    registry: CollectorRegistry
    fetches: Counter
    articles: Counter
    stage_seconds: Histogram
    events_created: Counter
    alert_deliveries: Counter


def new_metrics(registry: CollectorRegistry | None = None) -> Metrics:
    registry = registry if registry is not None else CollectorRegistry()
    return Metrics(
        registry=registry,
        fetches=Counter("summitwatch_fetches", "HTTP fetches (indexes and pages) by classified outcome.",
                        ["outcome"], registry=registry),
        articles=Counter("summitwatch_articles_processed", "Articles through the process stage, by result.",
                         ["outcome"], registry=registry),
        stage_seconds=Histogram("summitwatch_stage_duration_seconds", "Time spent in one pipeline stage.",
                                ["stage"], buckets=STAGE_BUCKETS_S, registry=registry),
        events_created=Counter("summitwatch_events_created", "Events founded by resolution.", registry=registry),
        alert_deliveries=Counter("summitwatch_alert_deliveries", "Alert delivery attempts by resulting state.",
                                 ["state"], registry=registry),
    )


@lru_cache(maxsize=1)
def process_metrics() -> Metrics:
    """This process's metrics, made on first use (after a fork, in the child)."""
    return new_metrics()


# --- the pipeline's hooks -------------------------------------------------------------------

def count_fetch(outcome: str) -> None:
    process_metrics().fetches.labels(outcome=outcome).inc()


def count_article(outcome: str = "processed") -> None:
    process_metrics().articles.labels(outcome=outcome).inc()


def observe_stage(stage: str, duration_ms: float) -> None:
    process_metrics().stage_seconds.labels(stage=stage).observe(duration_ms / 1000.0)


def count_events_created(count: int = 1) -> None:
    if count:
        process_metrics().events_created.inc(count)


def count_alert(state: str) -> None:
    process_metrics().alert_deliveries.labels(state=state).inc()


# --- read at scrape time --------------------------------------------------------------------

class QueueDepthCollector(Collector):
    """Messages waiting in each Celery queue: the lengths of its Redis lists."""

    def __init__(self, redis_url: str, queues: Sequence[str]):
        self.queues = tuple(queues)
        self.client = redis.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2)

    def describe(self) -> Iterable[Metric]:
        return [_queue_depth([]), _up("summitwatch_broker_up", "Whether the broker answered this scrape.", 1)]

    def collect(self) -> Iterator[Metric]:
        try:
            depths = self.depths()
        except redis.RedisError:
            yield _up("summitwatch_broker_up", "Whether the broker answered this scrape.", 0)
            return
        yield _up("summitwatch_broker_up", "Whether the broker answered this scrape.", 1)
        yield _queue_depth(depths)

    def depths(self) -> list[tuple[str, int]]:
        pipe = self.client.pipeline(transaction=False)
        for queue in self.queues:
            for key in queue_keys(queue):
                pipe.llen(key)
        lengths = iter(pipe.execute())
        return [(queue, sum(next(lengths) for _ in PRIORITY_STEPS)) for queue in self.queues]

    def close(self) -> None:
        self.client.close()


def queue_keys(queue: str) -> list[str]:
    return [queue if step == 0 else f"{queue}{PRIORITY_SEPARATOR}{step}" for step in PRIORITY_STEPS]


def _queue_depth(depths: Sequence[tuple[str, int]]) -> GaugeMetricFamily:
    family = GaugeMetricFamily("summitwatch_queue_depth", "Messages waiting in a Celery queue.", labels=["queue"])
    for queue, depth in depths:
        family.add_metric([queue], depth)
    return family


def _up(name: str, documentation: str, value: int) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


class DatabaseCollector(Collector):
    """Row counts that describe the whole fleet: alerts by state, events by status, articles by state."""

    FAMILIES = (
        ("summitwatch_outbox_alerts", "Alerts in the outbox by state.", "state", Alert.state, None),
        ("summitwatch_events", "Live events by status.", "status", Event.status, Event.merged_into_id.is_(None)),
        ("summitwatch_articles", "Articles by pipeline state.", "state", Article.state, None),
    )

    def __init__(self, engine: Engine):
        self.engine = engine

    def describe(self) -> Iterable[Metric]:
        return [GaugeMetricFamily(name, doc, labels=[label]) for name, doc, label, _, _ in self.FAMILIES] + [
            _up("summitwatch_database_up", "Whether the database answered this scrape.", 1)
        ]

    def collect(self) -> Iterator[Metric]:
        try:
            with Session(self.engine) as session:
                counts = [(family, self._count(session, family)) for family in self.FAMILIES]
        except SQLAlchemyError:
            yield _up("summitwatch_database_up", "Whether the database answered this scrape.", 0)
            return
        yield _up("summitwatch_database_up", "Whether the database answered this scrape.", 1)
        for (name, doc, label, _, _), rows in counts:
            family = GaugeMetricFamily(name, doc, labels=[label])
            for value, count in rows:
                family.add_metric([value], count)
            yield family

    @staticmethod
    def _count(session: Session, family) -> list[tuple[str, int]]:
        _, _, _, column, condition = family
        query = select(column, func.count()).group_by(column).order_by(column)
        if condition is not None:
            query = query.where(condition)
        return [(str(value), count) for value, count in session.execute(query)]


class ProcessCollector(Collector):
    """This process's own counters, or every process's when running in multiprocess mode."""

    def __init__(self, metrics: Metrics):
        self.metrics = metrics

    def describe(self) -> Iterable[Metric]:
        return []  # collected lazily: never registered twice, never read at registration

    def collect(self) -> Iterator[Metric]:
        source = multiprocess_registry() if os.environ.get(MULTIPROC_VARIABLE) else self.metrics.registry
        yield from source.collect()


def multiprocess_registry(path: str | None = None) -> CollectorRegistry:
    """A registry that sums the samples every process wrote to the multiprocess directory."""
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=path)
    return registry


def scrape_registry(*collectors: Collector, metrics: Metrics | None = None) -> CollectorRegistry:
    """One registry for an exposition endpoint: this process's metrics plus ``collectors``."""
    registry = CollectorRegistry()
    registry.register(ProcessCollector(metrics or process_metrics()))
    for collector in collectors:
        registry.register(collector)
    return registry


def exposition(registry: CollectorRegistry) -> bytes:
    return generate_latest(registry)


# --- workers --------------------------------------------------------------------------------

def serve_metrics(port: int, *, redis_url: str = "", queues: Sequence[str] = (), addr: str = "0.0.0.0"):
    """Serve ``/metrics`` on ``port`` from a background thread; returns (server, thread).

    Call it once, in the worker's main process (Celery's ``worker_init`` signal), or in the
    embedded runner. With ``REDIS_URL`` the queue depths are read at each scrape."""
    collectors = [QueueDepthCollector(redis_url, queues)] if redis_url and queues else []
    return start_http_server(port, addr=addr, registry=scrape_registry(*collectors))


def fresh_multiprocess_dir() -> str:
    """An empty directory private to one worker, for ``PROMETHEUS_MULTIPROC_DIR``."""
    return tempfile.mkdtemp(prefix="summitwatch-metrics-")


def mark_process_dead(pid: int) -> None:
    """Forget an exited child's live samples (Celery's ``worker_process_shutdown`` signal)."""
    if os.environ.get(MULTIPROC_VARIABLE):
        multiprocess.mark_process_dead(pid)
