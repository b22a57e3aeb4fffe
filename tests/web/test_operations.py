"""Health, readiness against real PostgreSQL and Redis (and ones that are not there), metrics."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest
import redis
from prometheus_client.parser import text_string_to_metric_families

from summitwatch import metrics
from summitwatch.settings import Settings
from tests.conftest import free_port
from tests.web.conftest import serve
from web.app import create_app

pytestmark = pytest.mark.integration


def samples(text: str) -> dict[tuple[str, tuple], float]:
    """Exposition text -> {(sample name, sorted labels): value}."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def ready(settings: Settings) -> httpx.Response:
    with serve(create_app(settings)) as url:
        return httpx.get(f"{url}/readyz", timeout=10)


def test_ready_on_postgresql_and_redis(pg_url, redis_url):
    answer = ready(Settings(database_url=pg_url, redis_url=redis_url))
    assert answer.status_code == 200
    assert answer.json() == {"status": "ready", "checks": {"database": "ok", "broker": "ok"}}


def test_ready_without_a_broker_checks_only_the_database(sqlite_url):
    answer = ready(Settings(database_url=sqlite_url))
    assert answer.status_code == 200
    assert answer.json()["checks"] == {"database": "ok"}


def test_not_ready_when_the_database_is_down():
    answer = ready(Settings(database_url=f"postgresql://postgres@127.0.0.1:{free_port()}/gone"))
    assert answer.status_code == 503
    assert answer.json()["checks"]["database"].startswith("OperationalError")


def test_not_ready_when_the_broker_is_down(pg_url):
    answer = ready(Settings(database_url=pg_url, redis_url=f"redis://127.0.0.1:{free_port()}/0"))
    assert answer.status_code == 503
    checks = answer.json()["checks"]
    assert checks["database"] == "ok" and checks["broker"].startswith("ConnectionError")


def test_healthz_answers_even_when_the_database_is_down():
    with serve(create_app(Settings(database_url=f"postgresql://postgres@127.0.0.1:{free_port()}/gone"))) as url:
        assert httpx.get(f"{url}/healthz").status_code == 200


def test_pipeline_hooks_show_on_metrics(sqlite_site):
    before = samples(sqlite_site.get("/metrics").text)
    metrics.count_fetch("ok")
    metrics.count_fetch("ok")
    metrics.count_fetch("blocked")
    metrics.count_article("processed")
    metrics.observe_stage("clean", 12.5)
    metrics.observe_stage("clean", 2500.0)
    metrics.count_events_created(2)
    metrics.count_alert("sent")
    after = samples(sqlite_site.get("/metrics").text)

    def grew(name: str, **labels) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after[key] - before.get(key, 0.0)

    assert grew("summitwatch_fetches_total", outcome="ok") == 2
    assert grew("summitwatch_fetches_total", outcome="blocked") == 1
    assert grew("summitwatch_articles_processed_total", outcome="processed") == 1
    assert grew("summitwatch_stage_duration_seconds_count", stage="clean") == 2
    assert grew("summitwatch_stage_duration_seconds_sum", stage="clean") == pytest.approx(2.5125)
    assert grew("summitwatch_stage_duration_seconds_bucket", stage="clean", le="0.025") == 1
    assert grew("summitwatch_events_created_total") == 2
    assert grew("summitwatch_alert_deliveries_total", state="sent") == 1


def test_metrics_read_the_database_at_scrape_time(sqlite_site):
    answer = sqlite_site.get("/metrics")
    assert answer.headers["content-type"].startswith("text/plain")
    found = samples(answer.text)
    assert found[("summitwatch_database_up", ())] == 1
    assert found[("summitwatch_events", (("status", "held"),))] == 3
    assert found[("summitwatch_events", (("status", "announced"),))] == 2
    assert found[("summitwatch_articles", (("state", "processed"),))] == 7
    assert found[("summitwatch_articles", (("state", "pending"),))] == 1
    for state in ("sent", "failed", "pending"):
        assert found[("summitwatch_outbox_alerts", (("state", state),))] == 1
    assert not any(name == "summitwatch_queue_depth" for name, _ in found)  # no broker configured


def test_queue_depth_counts_every_priority_list(redis_url):
    # Queues of its own: other users of this Redis database cannot move the numbers.
    process, fetch = f"process-{uuid.uuid4().hex}", f"fetch-{uuid.uuid4().hex}"
    client = redis.Redis.from_url(redis_url)
    client.rpush(process, "a", "b", "c")
    client.rpush(fetch, "x")
    client.rpush(f"{fetch}{metrics.PRIORITY_SEPARATOR}3", "y")
    client.close()
    collector = metrics.QueueDepthCollector(redis_url, (fetch, process, "nothing-queued-here"))
    try:
        found = samples(metrics.exposition(metrics.scrape_registry(collector)).decode())
    finally:
        collector.close()
    assert found[("summitwatch_broker_up", ())] == 1
    assert found[("summitwatch_queue_depth", (("queue", process),))] == 3
    assert found[("summitwatch_queue_depth", (("queue", fetch),))] == 2
    assert found[("summitwatch_queue_depth", (("queue", "nothing-queued-here"),))] == 0


def test_the_web_app_reports_each_celery_queue(sqlite_url, redis_url):
    from workers.celery_app import QUEUES

    with serve(create_app(Settings(database_url=sqlite_url, redis_url=redis_url))) as url:
        found = samples(httpx.get(f"{url}/metrics").text)
    assert found[("summitwatch_broker_up", ())] == 1
    assert {dict(labels)["queue"] for name, labels in found if name == "summitwatch_queue_depth"} == set(QUEUES)


def test_a_broker_that_is_down_is_reported_not_fatal(sqlite_url):
    with serve(create_app(Settings(database_url=sqlite_url, redis_url=f"redis://127.0.0.1:{free_port()}/0"))) as url:
        answer = httpx.get(f"{url}/metrics")
    assert answer.status_code == 200
    found = samples(answer.text)
    assert found[("summitwatch_broker_up", ())] == 0
    assert not any(name == "summitwatch_queue_depth" for name, _ in found)


def test_a_worker_serves_its_metrics(redis_url):
    alerts = f"alerts-{uuid.uuid4().hex}"
    client = redis.Redis.from_url(redis_url)
    client.rpush(alerts, "a")
    client.close()
    port = free_port()
    server, thread = metrics.serve_metrics(port, redis_url=redis_url, queues=(alerts,), addr="127.0.0.1")
    try:
        metrics.count_fetch("not_modified")
        found = samples(httpx.get(f"http://127.0.0.1:{port}/metrics").text)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    assert found[("summitwatch_fetches_total", (("outcome", "not_modified"),))] >= 1
    assert found[("summitwatch_queue_depth", (("queue", alerts),))] == 1


# A prefork worker in miniature: the parent serves, forked children count.
PREFORK = """
import multiprocessing, os, sys
from summitwatch import metrics

def child():
    metrics.count_fetch("ok")
    metrics.observe_stage("extract", 40.0)

server, thread = metrics.serve_metrics(int(sys.argv[1]), addr="127.0.0.1")
context = multiprocessing.get_context("fork")
for _ in range(3):
    process = context.Process(target=child)
    process.start()
    process.join()
    metrics.mark_process_dead(process.pid)
print("ready", flush=True)
sys.stdin.read()
"""


def test_prefork_children_are_summed_in_multiprocess_mode(tmp_path):
    port = free_port()
    (tmp_path / "samples").mkdir()
    env = {**os.environ, metrics.MULTIPROC_VARIABLE: str(tmp_path / "samples")}
    worker = subprocess.Popen([sys.executable, "-c", PREFORK, str(port)], env=env, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2])
    try:
        assert worker.stdout.readline().strip() == "ready"
        found = samples(httpx.get(f"http://127.0.0.1:{port}/metrics").text)
    finally:
        worker.communicate(timeout=20)
    assert found[("summitwatch_fetches_total", (("outcome", "ok"),))] == 3
    assert found[("summitwatch_stage_duration_seconds_count", (("stage", "extract"),))] == 3
