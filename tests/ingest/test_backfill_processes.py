"""``backfill`` as real processes: walked in-process in embedded mode, and on the Celery
``backfill`` queue by a real worker on Redis and PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.db import make_engine, migrate, session_scope
from storage.models import Article, Source
from tests.ingest.archive_site import LISTING, ArchiveSite
from tests.pipeline.processes import WORKER_READY, ROOT, running, service_env, wait_for_log
from workers.backfill import Progress


def backfill_command(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """The ``backfill`` command inside the real ``summitwatch`` group, as its own process."""
    return subprocess.run([sys.executable, "-m", "summitwatch.cli_backfill", "backfill", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)


@pytest.fixture
def site() -> Iterator[ArchiveSite]:
    with ArchiveSite() as running_site:
        yield running_site


def add_listing_source(database_url: str, site: ArchiveSite) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    with session_scope(engine) as session:
        session.add(Source(key="archive-listing", name="Archive", kind="html_listing", url=f"{site.base_url}/listing",
                           host=site.host, timezone="Asia/Almaty", languages=["ru"],
                           config={"selectors": LISTING, "pagination": {"param": "page", "delay_s": 0}}))
    engine.dispose()


def articles(database_url: str) -> list[tuple[str, str]]:
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        rows = [(row.url, row.state) for row in session.scalars(select(Article).order_by(Article.id))]
    engine.dispose()
    return rows


def test_embedded_backfill_walks_processes_and_resumes(site: ArchiveSite, tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'summitwatch.db'}"
    add_listing_source(database_url, site)
    env = service_env(DATABASE_URL=database_url, SUMMITWATCH_ALLOW_PRIVATE_HOSTS=site.host)

    done = backfill_command(["archive-listing", "--since", "2025-11-01", "--json"], env)
    assert done.returncode == 0, done.stderr[-3000:]
    progress = json.loads(done.stdout)
    assert (progress["state"], progress["queued"]) == ("done", False)
    assert (progress["pages_done"], progress["articles"]) == (3, 15)
    rows = articles(database_url)
    assert {url for url, _ in rows} == site.urls_since(Progress(since="2025-11-01").since_date)
    assert {state for _, state in rows} == {"processed"}

    again = backfill_command(["archive-listing", "--since", "2025-11-01"], env)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "done: 3 pages, 15 articles" in again.stdout
    assert site.pages_requested("/listing") == [1, 2, 3]
    assert len(articles(database_url)) == 15


def test_backfill_refuses_a_bad_date_and_an_unknown_source(tmp_path: Path) -> None:
    env = service_env(DATABASE_URL=f"sqlite:///{tmp_path / 'summitwatch.db'}")
    bad_date = backfill_command(["somewhere", "--since", "15.11.2025"], env)
    assert bad_date.returncode == 2 and "not an ISO date" in bad_date.stderr
    unknown = backfill_command(["somewhere", "--since", "2025-11-01"], env)
    assert unknown.returncode == 1 and "no source 'somewhere'" in unknown.stderr


@pytest.mark.integration
def test_backfill_runs_on_the_backfill_queue_of_a_celery_worker(site: ArchiveSite, pg_url: str, redis_url: str,
                                                                 tmp_path: Path) -> None:
    add_listing_source(pg_url, site)
    env = service_env(DATABASE_URL=pg_url, REDIS_URL=redis_url, SUMMITWATCH_ALLOW_PRIVATE_HOSTS=site.host)
    log = tmp_path / "worker.log"
    # No fetch queue: the walk and its article fetches must all travel on the backfill queue.
    with running(["worker", "-Q", "backfill,process,alerts", "-c", "2", "-I", "workers.backfill_tasks"], env, log):
        wait_for_log(log, WORKER_READY)
        queued = backfill_command(["archive-listing", "--since", "2025-10-25", "--json"], env)
        assert queued.returncode == 0, queued.stderr[-3000:]
        assert json.loads(queued.stdout)["queued"] is True
        progress = wait_for_walk(pg_url, timeout_s=120)
    assert (progress.state, progress.pages_done, progress.articles) == ("done", 4, 22)
    assert site.pages_requested("/listing") == [1, 2, 3, 4]
    rows = articles(pg_url)
    assert {url for url, _ in rows} == site.urls_since(Progress(since="2025-10-25").since_date)
    assert {state for _, state in rows} == {"processed"}
    assert "workers.backfill_tasks.backfill_page" in log.read_text()


def wait_for_walk(database_url: str, *, timeout_s: float) -> Progress:
    """Until the walk has ended and every article it found was processed."""
    engine = make_engine(database_url)
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            with session_scope(engine) as session:
                progress = Progress.of(session.scalars(select(Source.config)).one())
                waiting = session.scalars(select(Article.id).where(Article.state.in_(("pending", "fetched")))).all()
            if progress is not None and progress.state != "running" and not waiting:
                return progress
            time.sleep(0.2)
    finally:
        engine.dispose()
    raise TimeoutError(f"backfill not finished after {timeout_s} s: {progress}, {len(waiting)} articles waiting")
