"""The seeds through a real Celery worker process, on the real Redis broker and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import free_port
from tests.pipeline.processes import WORKER_READY, running, service_env, summitwatch, wait_for_log
from tests.pipeline.seed_expectations import assert_seed_events

pytestmark = pytest.mark.integration


def _count(url: str, table: str) -> int:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as connection:
        value = connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
    engine.dispose()
    return value


def test_seed_replay_on_celery_worker_redis_postgresql(pg_url, redis_url, tmp_path):
    port = free_port()
    env = service_env(DATABASE_URL=pg_url, REDIS_URL=redis_url, SUMMITWATCH_FIXTURE_PORT=str(port),
                      SUMMITWATCH_ALLOW_PRIVATE_HOSTS=f"127.0.0.1:{port}")
    migrated = summitwatch(["migrate"], env)
    assert migrated.returncode == 0, migrated.stderr

    with running(["worker", "-c", "2"], env, tmp_path / "worker.log"):
        wait_for_log(tmp_path / "worker.log", WORKER_READY)
        first = summitwatch(["replay", "--json"], env)
        assert first.returncode == 0, first.stderr[-3000:]
        outcome = json.loads(first.stdout)
        assert_seed_events(outcome)

        counts = {t: _count(pg_url, t) for t in ("article", "event", "coverage", "alert")}
        assert counts["article"] == 5
        assert counts["coverage"] >= 5
        assert _count(pg_url, "alert") == 2

        again = summitwatch(["replay", "--json"], env)
        assert again.returncode == 0, again.stderr[-3000:]
        assert {t: _count(pg_url, t) for t in counts} == counts
        assert json.loads(again.stdout)["alerts"] == outcome["alerts"]
    assert "process_article" in (tmp_path / "worker.log").read_text()
