"""Alerts from a real Celery worker, through Apprise, to a real webhook and a real SMTP server:
once per event, and never again on a re-run or a re-dated feed item."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from schedules.registry import spec_from_dict, upsert_sources
from seeds.site import FixtureSite
from storage import queries
from storage.db import session_scope
from storage.models import Alert, Article
from summitwatch.replay import wait_until_idle
from summitwatch.settings import Settings
from tests.alerts.conftest import subject
from tests.conftest import free_port
from tests.pipeline.processes import WORKER_READY, running, send_task, service_env, wait_for_log
from workers.deliver import ALERT_KEY_FIELD
from workers.runtime import build_runtime

pytestmark = pytest.mark.integration


def _outbox(rt) -> list[tuple]:
    with session_scope(rt.engine) as session:
        return [(a.kind, a.channel, a.state, a.attempts, a.last_error) for a in session.scalars(select(Alert))]


def _round(rt, redis_url: str, keys: list[str]) -> None:
    started = rt.clock()
    with session_scope(rt.engine) as session:
        queries.make_sources_due(session, started, keys)
    wait_until_idle(rt, since=started, timeout_s=120, nudge=lambda: send_task(redis_url, "workers.tasks.tick"))


def test_seed_alerts_reach_webhook_and_mailbox_once(pg_url, redis_url, webhook, mailbox, tmp_path):
    port = free_port()
    with FixtureSite(port=port) as site:
        host = site.base_url.split("://", 1)[1]
        env = service_env(DATABASE_URL=pg_url, REDIS_URL=redis_url, SUMMITWATCH_ALLOW_PRIVATE_HOSTS=host,
                          SUMMITWATCH_ALERT_URLS=f"{webhook.url()} {mailbox.url()}")
        rt = build_runtime(Settings(database_url=pg_url, allow_private_hosts=host))
        try:
            specs = [spec_from_dict(entry) for entry in site.registry_entries()]
            with session_scope(rt.engine) as session:
                upsert_sources(session, specs)
            keys = [spec.key for spec in specs]
            with running(["worker", "-c", "2"], env, tmp_path / "worker.log"):
                wait_for_log(tmp_path / "worker.log", WORKER_READY)
                _round(rt, redis_url, keys)

                keys_sent = Counter(r.body.get(ALERT_KEY_FIELD) for r in webhook.on("/hook"))
                assert len(keys_sent) == 2 and set(keys_sent.values()) == {1}
                assert all(":new_event:" in key for key in keys_sent)
                assert len(mailbox.messages) == 2, _outbox(rt)
                assert any("Astana" in subject(m) or "Central Asia" in subject(m) for _, _, m in mailbox.messages)

                # The same seeds again, then a re-dated feed entry: nothing new is sent.
                _round(rt, redis_url, keys)
                site.edit_item("001", published_at="2025-11-15T13:05:00+05:00")
                _round(rt, redis_url, keys)
        finally:
            with session_scope(rt.engine) as session:
                alerts = session.scalars(select(Alert)).all()
                articles = session.scalar(select(func.count(Article.id)))
            rt.close()

    assert len(webhook.on("/hook")) == 2
    assert len(mailbox.messages) == 2
    assert articles == 5
    assert sorted((a.kind, a.state) for a in alerts) == [("new_event", "sent")] * 4  # two events × two channels
