"""Failures in the middle of a seed replay, on real processes: a worker killed with SIGKILL,
a Redis restart that loses every queued message, and PostgreSQL connections dropped while
work is in flight. Each run must still end with the five seed articles processed once, the
two seed events, and each alert row sent and received by a real webhook exactly once.

The replay is driven from this process (items released one by one in publication order, as
``summitwatch replay`` does), and so is the tick, with a stale age of seconds instead of
minutes so that work whose message was lost is found again within the test. The workers are
real ``summitwatch worker`` processes.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis
from celery import Celery
from sqlalchemy import func, select

from seeds.site import FixtureSite, load_manifest
from storage import queries
from storage.db import make_engine, session_scope
from storage.models import Alert, Article, Claim, Coverage, Event, EventMentionRow
from summitwatch.replay import ReplayOptions, is_idle, register_site, result
from summitwatch.replay import replay as replay_seeds
from summitwatch.settings import Settings
from tests.conftest import PG_ADMIN_URL, free_port
from tests.pipeline.processes import running, service_env, wait_for_log
from tests.pipeline.seed_expectations import assert_seed_events
from workers import pipeline
from workers.celery_app import app as worker_app
from workers.deliver import ALERT_KEY_FIELD
from workers.runtime import Runtime, build_runtime

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# The tick's stale age, scaled down from minutes: longer than a healthy round's fetch and
# processing (the slow page takes ARTICLE_PAUSE_S), so only lost work is re-enqueued.
STALE_AFTER = timedelta(seconds=4)
TICK_EVERY_S = 1.0
ARTICLE_PAUSE_S = 1.0
ROUND_TIMEOUT_S = 45.0
# Round 2 is the first article of E1: a fault there must not cost the "new event" alert.
FAULT_ROUND = 2
DRIVER_APPLICATION = "summitwatch-test-driver"
DROPS_WHILE_PROCESSING = 3
DROP_EVERY_S = 0.1


# --- the fixture site, slowed down ---------------------------------------------------------

class SlowArticleSite(FixtureSite):
    """The seed outlets, with article pages answering after a pause, so that a fault can be
    injected while an article fetch is in flight. Counts the requests for each page."""

    def __init__(self, *, pause_s: float, **kwargs: Any) -> None:
        super().__init__(ordered=True, **kwargs)
        self.pause_s = pause_s
        self.article_paths = frozenset(f"/{entry['outlet']}{entry['url']}" for entry in load_manifest())
        self.article_requests: Counter[str] = Counter()
        self._in_flight: Counter[str] = Counter()
        self._counts = threading.Lock()

    def resource(self, path: str):
        if path not in self.article_paths:
            return super().resource(path)
        with self._counts:
            self.article_requests[path] += 1
            self._in_flight[path] += 1
        try:
            time.sleep(self.pause_s)
            return super().resource(path)
        finally:
            with self._counts:
                self._in_flight[path] -= 1

    def in_flight(self, path: str) -> bool:
        with self._counts:
            return self._in_flight[path] > 0


def article_path(entry: dict[str, Any]) -> str:
    return f"/{entry['outlet']}{entry['url']}"


# --- the alert webhook ---------------------------------------------------------------------

class AlertReceiver:
    """A JSON webhook on 127.0.0.1 that keeps the alert key of every message it accepts."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        keys, lock = self.keys, threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with lock:
                    keys.append(json.loads(body)[ALERT_KEY_FIELD])
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self._server.server_address[1]}/hook"

    def __enter__(self) -> AlertReceiver:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


# --- a private Redis --------------------------------------------------------------------------

class PrivateRedis:
    """A redis-server of this test's own on a free port, keeping nothing on disk: a restart
    loses every queued message, as a broker restart does in production. Every test here has
    one, so no other worker on the machine's shared broker can take its messages, and a
    killed worker's unacknowledged messages go with the test."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        try:
            wait_until(lambda: _pings(client), timeout_s=10, what="redis-server to start")
        finally:
            client.close()

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.kill()


# --- the harness -----------------------------------------------------------------------------

def wait_until(condition: Callable[[], bool], *, timeout_s: float, what: str, poll_s: float = 0.1) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout_s:.0f} s for {what}")
        time.sleep(poll_s)


# A fault is a generator stepped once per loop of its round: it yields while it waits for the
# moment to strike, and may block (bounded) while it strikes, so the driver never ticks
# into a broker that is down.
Fault = Callable[["Replay", dict[str, Any]], Iterator[None]]


@dataclass
class Replay:
    rt: Runtime
    site: SlowArticleSite
    client: Celery
    keys: list[str]
    worker_env: dict[str, str]
    workdir: Path
    stack: ExitStack
    workers: list[subprocess.Popen] = field(default_factory=list)
    last_tick: float = 0.0

    def start_worker(self) -> subprocess.Popen:
        log_path = self.workdir / f"worker-{len(self.workers) + 1}.log"
        process = self.stack.enter_context(running(["worker", "-c", "2"], self.worker_env, log_path))
        wait_for_log(log_path, "ready", timeout_s=60)
        self.workers.append(process)
        return process

    def supervise(self) -> None:
        """Restart a worker that exited, as the deployment's restart policy does."""
        if self.workers and self.workers[-1].poll() is not None:
            self.start_worker()

    def worker_logs(self) -> str:
        return "".join(p.read_text(errors="replace") for p in sorted(self.workdir.glob("worker-*.log")))

    def tick(self) -> None:
        """What beat's tick does, in this process, with the short stale age."""
        now = self.rt.clock()
        for source_id in pipeline.dispatch_due_sources(self.rt, now):
            self.send("workers.tasks.poll_source", source_id)
        for article_id, state in pipeline.stale_work(self.rt, now, age=STALE_AFTER):
            self.send("workers.tasks.process_article" if state == "fetched" else "workers.tasks.fetch_article",
                      article_id)
        for alert_id in pipeline.due_alerts(self.rt, now):
            self.send("workers.tasks.deliver_alert", alert_id)
        self.last_tick = time.monotonic()

    def send(self, task: str, *args: Any) -> None:
        self.client.send_task(task, args=list(args))

    def article_state(self, entry: dict[str, Any]) -> str | None:
        with session_scope(self.rt.engine) as session:
            return session.scalar(select(Article.state).where(Article.url == self.site.item_url(entry["key"])))

    def run(self, faults: dict[int, Fault]) -> None:
        number = 0
        while (entry := self.site.release_next()) is not None:
            number += 1
            fault = faults.get(number)
            self.run_round(entry, fault(self, entry) if fault else None)

    def run_round(self, entry: dict[str, Any], fault: Iterator[None] | None) -> None:
        since = self.rt.clock()
        with session_scope(self.rt.engine) as session:
            queries.make_sources_due(session, since, self.keys)
        deadline = time.monotonic() + ROUND_TIMEOUT_S
        while time.monotonic() < deadline:
            if fault is not None and next(fault, StopIteration) is StopIteration:
                fault = None
            self.supervise()
            if time.monotonic() - self.last_tick >= TICK_EVERY_S:
                self.tick()
            with session_scope(self.rt.engine) as session:
                if fault is None and is_idle(session, since):
                    return
            time.sleep(0.1)
        raise TimeoutError(f"round of {entry['key']} not idle after {ROUND_TIMEOUT_S:.0f} s "
                           f"(article {self.article_state(entry)}):\n{self.worker_logs()[-4000:]}")


@contextmanager
def seed_replay(pg_url: str, redis_url: str, tmp_path: Path, receiver: AlertReceiver) -> Iterator[Replay]:
    with ExitStack() as stack:
        site = stack.enter_context(SlowArticleSite(pause_s=ARTICLE_PAUSE_S))
        host = site.base_url.split("://", 1)[1]
        settings = Settings(database_url=f"{pg_url}?application_name={DRIVER_APPLICATION}", redis_url=redis_url,
                            allow_private_hosts=host)
        rt = build_runtime(settings)
        stack.callback(rt.close)
        client = Celery("summitwatch-test-driver", broker=redis_url)
        client.conf.update(task_routes=worker_app.conf.task_routes, task_serializer="json",
                           broker_connection_retry_on_startup=True)
        stack.callback(client.close)
        env = service_env(DATABASE_URL=pg_url, REDIS_URL=redis_url, SUMMITWATCH_ALLOW_PRIVATE_HOSTS=host,
                          SUMMITWATCH_ALERT_URLS=receiver.url)
        replay = Replay(rt=rt, site=site, client=client, keys=register_site(rt, site), worker_env=env,
                        workdir=tmp_path, stack=stack)
        replay.start_worker()
        yield replay


TABLES = (Article, EventMentionRow, Event, Coverage, Claim, Alert)


def table_counts(engine) -> dict[str, int]:
    with session_scope(engine) as session:
        return {model.__tablename__: session.scalar(select(func.count()).select_from(model)) for model in TABLES}


@pytest.fixture(scope="module")
def undisturbed(tmp_path_factory) -> dict[str, int]:
    """Row counts of the same replay with nothing going wrong (embedded mode, SQLite)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('undisturbed') / 'summitwatch.db'}"
    assert_seed_events(replay_seeds(ReplayOptions(port=free_port()), settings=Settings(database_url=url)))
    engine = make_engine(url)
    try:
        return table_counts(engine)
    finally:
        engine.dispose()


def assert_replayed_once(replay: Replay, receiver: AlertReceiver, undisturbed: dict[str, int]) -> None:
    """The seed events, every article processed, the rows of an undisturbed replay and not one
    more; two alert rows, both sent, each received exactly once."""
    assert_seed_events(result(replay.rt, source_keys=replay.keys))
    assert table_counts(replay.rt.engine) == undisturbed
    with session_scope(replay.rt.engine) as session:
        states = Counter(session.scalars(select(Article.state)).all())
        alerts = session.execute(select(Alert.kind, Alert.state, Alert.dedup_key)).all()
    assert states == Counter({"processed": 5})
    assert sorted((kind, state) for kind, state, _ in alerts) == [("new_event", "sent"), ("new_event", "sent")]
    assert Counter(receiver.keys) == Counter({key: 1 for *_, key in alerts})


# --- the faults ------------------------------------------------------------------------------

def kill_worker_mid_fetch(replay: Replay, entry: dict[str, Any]) -> Iterator[None]:
    path = article_path(entry)
    while not replay.site.in_flight(path):
        yield
    worker = replay.workers[-1]
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    assert replay.article_state(entry) == "pending"
    replay.start_worker()


def restart_redis_mid_fetch(redis_server: PrivateRedis) -> Fault:
    def fault(replay: Replay, entry: dict[str, Any]) -> Iterator[None]:
        path = article_path(entry)
        while not replay.site.in_flight(path):
            yield
        redis_server.kill()
        # Down until the fetch has ended: the message for the next stage, and the fetch
        # task's own acknowledgement, have nowhere to go.
        wait_until(lambda: not replay.site.in_flight(path) and replay.article_state(entry) != "pending",
                   timeout_s=20, what="the article fetch to end while Redis is down")
        redis_server.start()

    return fault


@dataclass
class ConnectionDropper:
    """Terminates the worker processes' PostgreSQL sessions on the test database."""

    database: str
    terminated: int = 0

    def drop(self) -> None:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
            rows = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid() AND application_name <> %s",
                (self.database, DRIVER_APPLICATION),
            ).fetchall()
        self.terminated += sum(1 for (done,) in rows if done)

    def fault(self, replay: Replay, entry: dict[str, Any]) -> Iterator[None]:
        """Drop every session while the round's article is fetched (the pool's idle
        connections), then a few times while it is processed (a transaction in flight).
        Spaced out and bounded: a database that drops every connection every instant lets no
        transaction commit."""
        path = article_path(entry)
        while not replay.site.in_flight(path):
            yield
        self.drop()
        while replay.article_state(entry) == "pending":
            yield
        for _ in range(DROPS_WHILE_PROCESSING):
            if replay.article_state(entry) == "processed":
                return
            self.drop()
            time.sleep(DROP_EVERY_S)
            yield


# --- the tests -------------------------------------------------------------------------------

def test_worker_killed_with_sigkill_mid_replay(pg_url, private_redis, tmp_path, undisturbed):
    with AlertReceiver() as receiver, seed_replay(pg_url, private_redis.url, tmp_path, receiver) as replay:
        replay.run({FAULT_ROUND: kill_worker_mid_fetch})
        assert_replayed_once(replay, receiver, undisturbed)
        killed = replay.site.manifest_entry(replay.site.released_keys()[FAULT_ROUND - 1])
        # The fetch the kill cut off was done again, by the second worker.
        assert replay.site.article_requests[article_path(killed)] >= 2
        assert len(replay.workers) == 2


def test_redis_restarted_mid_replay(pg_url, private_redis, tmp_path, undisturbed):
    with AlertReceiver() as receiver, seed_replay(pg_url, private_redis.url, tmp_path, receiver) as replay:
        replay.run({FAULT_ROUND: restart_redis_mid_fetch(private_redis)})
        assert_replayed_once(replay, receiver, undisturbed)


def test_postgresql_connections_dropped_mid_replay(pg_url, private_redis, tmp_path, undisturbed):
    dropper = ConnectionDropper(database=pg_url.rsplit("/", 1)[1])
    with AlertReceiver() as receiver, seed_replay(pg_url, private_redis.url, tmp_path, receiver) as replay:
        replay.run({number: dropper.fault for number in range(1, 6)})
        assert_replayed_once(replay, receiver, undisturbed)
    assert dropper.terminated > 0
