"""Shared fixtures: real PostgreSQL databases, the real Redis broker, the fixture site."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import redis

PG_ADMIN_URL = os.environ.get("SUMMITWATCH_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
# A database of its own per test run (two runs on one machine must not share queues).
REDIS_TEST_URL = os.environ.get("SUMMITWATCH_TEST_REDIS", f"redis://127.0.0.1:6379/{1 + os.getpid() % 15}")
ROOT = Path(__file__).resolve().parent.parent

# Settings come from the environment: keep the developer's own out of the tests.
for _name in [n for n in os.environ if n.startswith("SUMMITWATCH_") and not n.startswith("SUMMITWATCH_TEST_")]:
    del os.environ[_name]
for _name in ("DATABASE_URL", "REDIS_URL"):
    os.environ.pop(_name, None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _admin() -> psycopg.Connection:
    return psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A new, empty PostgreSQL database for one test, dropped afterwards."""
    name = f"sw_test_{uuid.uuid4().hex[:12]}"
    try:
        with _admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL at {PG_ADMIN_URL} is not reachable: {exc}")
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with _admin() as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture
def redis_url() -> Iterator[str]:
    """The real Redis broker, on a database of its own, emptied before and after."""
    client = redis.Redis.from_url(REDIS_TEST_URL)
    try:
        client.flushdb()
    except redis.ConnectionError as exc:
        pytest.fail(f"Redis at {REDIS_TEST_URL} is not reachable: {exc}")
    yield REDIS_TEST_URL
    client.flushdb()
    client.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'summitwatch.db'}"
