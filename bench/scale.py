"""The scale simulation: many RSS sources on many hosts, through real Celery workers, a real
Redis broker and a fresh PostgreSQL database, driven by a real beat.

Measures articles per second, the largest number of requests a host saw at once (feeds and
article pages), the largest number of polls leased per host in the database, whether every
source was polled within its interval, repeated fetches of one article page, queue depths,
and the resident memory of the worker processes over the run. Prints numbers; asserts none.

    python -m bench.scale --sources 1000 --items 20 --workers 2
    summitwatch bench --scale --json        (the defaults)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import redis
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bench.processes import service
from bench.scale_site import ScaleSite
from schedules.registry import spec_from_dict, upsert_sources
from storage.db import session_scope
from storage.models import Article, Source
from summitwatch.settings import Settings, get_settings
from workers.runtime import build_runtime, utc_now

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
TERMINAL_STATES = ("processed", "skipped", "failed")
QUEUES = ("dispatch", "fetch", "process", "alerts")
SAMPLE_EVERY_S = 2.0


@dataclass(frozen=True)
class ScaleOptions:
    sources: int = 1000
    items: int = 20
    workers: int = 2
    poll_interval_s: int = 60
    dispatch_interval_s: float = 10.0
    # The observation window: the run ends when every article is processed or when it closes.
    duration_s: float = 240.0
    event_every: int = 20
    admin_database_url: str | None = None
    # Where the worker and beat logs go (kept); a temporary directory otherwise.
    log_dir: Path | None = None


@dataclass
class Sample:
    at_s: float
    rss_mb: float
    terminal: int
    max_leased_per_host: int
    queue_depth: dict[str, int]


@dataclass
class Observations:
    samples: list[Sample] = field(default_factory=list)
    started: float = 0.0
    finished: float | None = None
    states: dict[str, int] = field(default_factory=dict)


# --- private services ------------------------------------------------------------------------

@contextmanager
def private_redis(workdir: Path) -> Iterator[str]:
    """A redis-server of the simulation's own, on a free port, keeping nothing on disk: the
    machine's broker and its queues are never touched."""
    port = _free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--daemonize", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port, socket_connect_timeout=1)
    try:
        _wait(lambda: _pings(client), 10, "redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        process.kill()
        process.wait(timeout=10)


@contextmanager
def fresh_database(admin_url: str) -> Iterator[str]:
    """A new PostgreSQL database on the admin URL's server, dropped afterwards."""
    name = f"summitwatch_scale_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{admin_url.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def worker_env(database_url: str, redis_url: str, allowed_hosts: str, options: ScaleOptions,
               data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SUMMITWATCH_") and k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SUMMITWATCH_ALLOW_PRIVATE_HOSTS=allowed_hosts,
        SUMMITWATCH_DISPATCH_INTERVAL_S=str(options.dispatch_interval_s),
        SUMMITWATCH_DATA_DIR=str(data_dir),
        SUMMITWATCH_LOG_FORMAT="json",
    )
    return env


# --- sampling --------------------------------------------------------------------------------

def group_rss_mb(group_id: int) -> float:
    """Resident memory of every process in a process group (the worker and its pool), in MB."""
    total_kb = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[2]) != group_id:
                continue
            status = (entry / "status").read_text()
        except (OSError, IndexError, ValueError):
            continue  # the process ended while being read
        total_kb += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return round(total_kb / 1024, 1)


def article_states(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as session:
        return dict(session.execute(select(Article.state, func.count(Article.id)).group_by(Article.state)).all())


def max_leased_per_host(engine: Engine) -> int:
    with session_scope(engine) as session:
        counts = session.execute(
            select(func.count(Source.id)).where(Source.lease_until > utc_now()).group_by(Source.host)
        ).scalars().all()
    return max(counts, default=0)


def queue_depths(client: redis.Redis) -> dict[str, int]:
    return {queue: int(client.llen(queue)) for queue in QUEUES}


def observe(engine: Engine, broker: redis.Redis, worker: subprocess.Popen, expected: int,
            options: ScaleOptions) -> Observations:
    """Sample until every article reached a terminal state, or the window closes."""
    seen = Observations(started=time.monotonic())
    deadline = seen.started + options.duration_s
    while time.monotonic() < deadline and worker.poll() is None:
        states = article_states(engine)
        terminal = sum(states.get(s, 0) for s in TERMINAL_STATES)
        seen.samples.append(Sample(
            at_s=round(time.monotonic() - seen.started, 1), rss_mb=group_rss_mb(worker.pid), terminal=terminal,
            max_leased_per_host=max_leased_per_host(engine), queue_depth=queue_depths(broker),
        ))
        seen.states = states
        if terminal >= expected:
            seen.finished = time.monotonic()
            break
        time.sleep(SAMPLE_EVERY_S)
    return seen


# --- the numbers -----------------------------------------------------------------------------

def poll_punctuality(poll_times: Mapping[int, list[float]], sources: int, started: float, ended: float,
                     interval_s: float, dispatch_interval_s: float) -> dict[str, Any]:
    """Per source, the longest wait for a poll: from the start (every source is due then) to
    its first poll, between polls, and from its last poll to the end. A source is polled
    within its interval when that wait is at most the interval plus one dispatch period."""
    allowed = interval_s + dispatch_interval_s
    longest = []
    for n in range(sources):
        times = sorted(poll_times.get(n, []))
        points = [started, *times, ended]
        longest.append(max(b - a for a, b in zip(points, points[1:])))
    first_polls = [min(poll_times[n]) - started for n in poll_times if poll_times[n]]
    within = sum(1 for wait in longest if wait <= allowed)
    return {
        "polls": sum(len(t) for t in poll_times.values()),
        "sources_never_polled": sum(1 for n in range(sources) if not poll_times.get(n)),
        "first_poll_s_max": round(max(first_polls, default=0.0), 1),
        "poll_wait_s_max": round(max(longest, default=0.0), 1),
        "poll_wait_allowed_s": allowed,
        "sources_polled_within_interval": within,
        "every_source_polled_within_interval": within == sources and all(poll_times.get(n) for n in range(sources)),
    }


def memory_trend(samples: list[Sample]) -> dict[str, Any]:
    """Worker memory after warm-up (the first quarter of the run) against its end."""
    rss = [s.rss_mb for s in samples if s.rss_mb > 0]
    if len(rss) < 4:
        return {"worker_rss_mb_start": rss[0] if rss else None, "worker_rss_mb_peak": max(rss, default=None),
                "worker_rss_mb_end": rss[-1] if rss else None, "worker_rss_growth_mb": None, "memory_flat": None}
    warm = round(statistics.median(rss[len(rss) // 4: len(rss) // 2]), 1)
    end = round(statistics.median(rss[-max(2, len(rss) // 8):]), 1)
    growth = round(end - warm, 1)
    warmed = [(s.at_s / 60.0, s.rss_mb) for s in samples[len(samples) // 4:] if s.rss_mb > 0]
    slope = statistics.linear_regression(*zip(*warmed)).slope if len(warmed) >= 2 else 0.0
    return {
        "worker_rss_mb_start": rss[0],
        "worker_rss_mb_after_warmup": warm,
        "worker_rss_mb_peak": max(rss),
        "worker_rss_mb_end": end,
        "worker_rss_growth_mb": growth,
        "worker_rss_mb_per_min_after_warmup": round(slope, 2),
        # Flat: the second half of the run grew less than 10 % (and 20 MB) over the warmed-up size.
        "memory_flat": growth <= max(20.0, 0.1 * warm),
        "worker_rss_mb_series": _downsample([(s.at_s, s.rss_mb) for s in samples], 20),
    }


def _downsample(points: list[tuple[float, float]], count: int) -> list[list[float]]:
    if len(points) <= count:
        return [list(p) for p in points]
    step = (len(points) - 1) / (count - 1)
    return [list(points[round(k * step)]) for k in range(count)]


def tick_counts(beat_log: Path, worker_log: Path) -> dict[str, int]:
    """Ticks beat sent, and ticks a worker ran: a tick that waited in its queue longer than its
    expiry (one dispatch interval) is dropped, and that round dispatches nothing."""
    sent = beat_log.read_text(errors="replace").count("Sending due task tick")
    ran = sum(1 for line in worker_log.read_text(errors="replace").splitlines()
              if "workers.tasks.tick[" in line and "succeeded" in line)
    return {"ticks_sent": sent, "ticks_run": ran}


def summary(options: ScaleOptions, site: ScaleSite, seen: Observations, expected: int,
            per_host_limit: int, ticks: Mapping[str, int]) -> dict[str, Any]:
    ended = seen.finished or time.monotonic()
    elapsed = ended - seen.started
    terminal = sum(seen.states.get(s, 0) for s in TERMINAL_STATES)
    rate = terminal / elapsed if elapsed else 0.0
    peaks = site.load.peak_per_host()
    leased = max((s.max_leased_per_host for s in seen.samples), default=0)
    return {
        "sources": options.sources,
        "items_per_source": options.items,
        "hosts": site.layout.hosts,
        "worker_processes": options.workers,
        "poll_interval_s": options.poll_interval_s,
        "dispatch_interval_s": options.dispatch_interval_s,
        "articles_expected": expected,
        "articles_by_state": dict(sorted(seen.states.items())),
        "completed": seen.finished is not None,
        "elapsed_s": round(elapsed, 1),
        "articles_done": terminal,
        "articles_per_s": round(rate, 2),
        # Articles found but not yet processed, and feed items not yet found (unpolled sources).
        "backlog_at_end": expected - terminal,
        "drain_estimate_s": round((expected - terminal) / rate) if rate else None,
        "per_host_limit": per_host_limit,
        "max_in_flight_per_host": {"feeds": peaks.get("feed", 0), "articles": peaks.get("article", 0),
                                   "all": peaks.get("all", 0)},
        "max_leased_polls_per_host": leased,
        "per_host_limit_respected": peaks.get("feed", 0) <= per_host_limit and leased <= per_host_limit,
        **poll_punctuality(site.load.poll_times(), options.sources, seen.started, ended,
                           options.poll_interval_s, options.dispatch_interval_s),
        "repeated_article_fetches": site.load.repeated_article_fetches(),
        **ticks,
        "queue_depth_max": {q: max((s.queue_depth[q] for s in seen.samples), default=0) for q in QUEUES},
        **memory_trend(seen.samples),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
    }


# --- the run ---------------------------------------------------------------------------------

def run(sources: int = 1000, items: int = 20, workers: int = 2, **overrides: Any) -> dict[str, Any]:
    """Simulate ``sources`` feeds of ``items`` articles each on ``workers`` worker processes
    (one ``summitwatch worker -c WORKERS``), with beat dispatching; return the numbers."""
    options = ScaleOptions(sources=sources, items=items, workers=workers, **overrides)
    base = get_settings()
    admin_url = options.admin_database_url or _admin_url(base)
    expected = sources * items
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="summitwatch-scale-")))
        logs = Path(options.log_dir) if options.log_dir else workdir
        logs.mkdir(parents=True, exist_ok=True)
        site = stack.enter_context(ScaleSite(sources, items, event_every=options.event_every))
        redis_url = stack.enter_context(private_redis(workdir))
        database_url = stack.enter_context(fresh_database(admin_url))
        settings = Settings(database_url=database_url, redis_url=redis_url,
                            allow_private_hosts=site.layout.allowed_hosts())
        rt = build_runtime(settings)
        stack.callback(rt.close)
        with session_scope(rt.engine) as session:
            upsert_sources(session, [spec_from_dict(e) for e in site.layout.registry_entries(options.poll_interval_s)])
        env = worker_env(database_url, redis_url, site.layout.allowed_hosts(), options, workdir)
        worker = stack.enter_context(service(["worker", "-c", str(workers)], env, logs / "worker.log"))
        _wait(lambda: b"ready" in (logs / "worker.log").read_bytes(), 120, "the worker")
        stack.enter_context(service(["beat"], env, logs / "beat.log"))
        broker = redis.Redis.from_url(redis_url)
        stack.callback(broker.close)
        seen = observe(rt.engine, broker, worker, expected, options)
        ticks = tick_counts(logs / "beat.log", logs / "worker.log")
        return summary(options, site, seen, expected, settings.per_host_concurrency, ticks)


def _admin_url(settings: Settings) -> str:
    url = settings.database_url
    if url.startswith("postgresql"):
        return url.rsplit("/", 1)[0] + "/postgres"
    return DEFAULT_ADMIN_URL


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False


def _wait(condition, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not ready after {timeout_s:.0f} s")
        time.sleep(0.2)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--poll-interval", type=int, default=60, dest="poll_interval_s")
    parser.add_argument("--dispatch-interval", type=float, default=10.0, dest="dispatch_interval_s")
    parser.add_argument("--duration", type=float, default=240.0, dest="duration_s")
    parser.add_argument("--logs", type=Path, default=None, dest="log_dir", help="keep worker and beat logs here")
    args = vars(parser.parse_args(argv))
    print(json.dumps(run(**args)))


if __name__ == "__main__":
    main()
