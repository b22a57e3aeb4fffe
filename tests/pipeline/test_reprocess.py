"""Re-extraction of articles made by an older extractor version, in bounded batches."""

from __future__ import annotations

import json

from sqlalchemy import func, select, update

from storage.db import session_scope
from storage.models import Alert, Article, Event
from summitwatch.replay import ReplayOptions, replay
from summitwatch.settings import Settings
from tests.conftest import free_port
from tests.pipeline.processes import service_env, summitwatch
from workers.extract import EXTRACTOR_VERSION
from workers.reprocess import reprocess
from workers.runtime import build_runtime


def test_reprocess_reextracts_older_articles_and_reports_changes(sqlite_url):
    settings = Settings(database_url=sqlite_url)
    options = ReplayOptions(port=free_port())
    before = replay(options, settings=settings)
    rt = build_runtime(settings)
    try:
        with session_scope(rt.engine) as session:
            session.execute(update(Article).values(extractor_version="rules-0"))
            # An event field an older extractor got wrong: reprocessing must put it right.
            e2 = session.scalars(select(Event).where(Event.type == "summit", Event.role == "reported")).one()
            e2.city = None
            alerts_before = session.scalar(select(func.count(Alert.id)))

        first = reprocess(rt, batch=2, max_batches=1)
        rest = reprocess(rt, batch=2)

        with session_scope(rt.engine) as session:
            versions = set(session.scalars(select(Article.extractor_version)))
            alerts_after = session.scalar(select(func.count(Alert.id)))
            city = session.get(Event, e2.id).city
    finally:
        rt.close()

    assert first.articles == 2 and rest.articles == 3
    assert versions == {EXTRACTOR_VERSION}
    assert city == "astana"
    changed = {**first.changed_events, **rest.changed_events}
    assert "city" in changed[e2.id]["fields_added"]
    assert alerts_after == alerts_before  # the same events: no alert goes out again
    after = replay(options, settings=settings)
    assert after["articles"] == before["articles"]
    assert [(e["title"], e["status"], len(e["coverage"])) for e in after["events"]] == [
        (e["title"], e["status"], len(e["coverage"])) for e in before["events"]
    ]


def test_reprocess_command_prints_json_when_nothing_is_outdated(sqlite_url):
    result = summitwatch(["reprocess"], service_env(DATABASE_URL=sqlite_url))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["articles"] == 0
