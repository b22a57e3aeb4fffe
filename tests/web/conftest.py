"""The web app on a known world of rows, served by a real uvicorn on a free port."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import psycopg
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy.engine import Engine

from storage.db import make_engine, migrate
from tests.conftest import PG_ADMIN_URL, free_port
from tests.web.world import World, build_world


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 until the block ends; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def pg_database(prefix: str) -> Iterator[str]:
    """A new PostgreSQL database, dropped when the block ends."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL at {PG_ADMIN_URL} is not reachable: {exc}")
    try:
        yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


@dataclass
class Site:
    """A running app over the test world."""

    url: str
    world: World
    engine: Engine
    app: FastAPI
    client: httpx.Client

    def get(self, path: str, **kwargs) -> httpx.Response:
        return self.client.get(path, **kwargs)

    def json(self, path: str, **params):
        response = self.client.get(path, params=params)
        assert response.status_code == 200, response.text
        return response.json()


@contextmanager
def world_site(database_url: str, **settings) -> Iterator[Site]:
    from summitwatch.settings import Settings
    from web.app import create_app

    engine = make_engine(database_url)
    migrate(engine)
    world = build_world(engine)
    app = create_app(Settings(database_url=database_url, **settings), engine=engine)
    try:
        with serve(app) as url, httpx.Client(base_url=url, timeout=10) as client:
            yield Site(url=url, world=world, engine=engine, app=app, client=client)
    finally:
        engine.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(request, tmp_path_factory) -> Iterator[Site]:
    """The world on SQLite, and again on PostgreSQL: the filters' SQL must hold on both."""
    if request.param == "sqlite":
        with world_site(f"sqlite:///{tmp_path_factory.mktemp('web') / 'world.db'}") as running:
            yield running
    else:
        with pg_database("sw_web") as url, world_site(url) as running:
            yield running


@pytest.fixture(scope="module")
def sqlite_site(tmp_path_factory) -> Iterator[Site]:
    with world_site(f"sqlite:///{tmp_path_factory.mktemp('web') / 'world.db'}") as running:
        yield running
