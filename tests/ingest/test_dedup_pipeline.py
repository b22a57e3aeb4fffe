"""Identity through the pipeline: an entry that an outlet re-dates or retitles in its index
is the same article. Polling again sees the changed index, inserts nothing and alerts no one."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from seeds.site import POLL_INTERVAL_S, FixtureSite
from storage.db import session_scope
from storage.models import Alert, Article, FetchLog, Source
from tests.ingest.helpers import Clock, count, fixture_runtime, register
from workers.embedded import EmbeddedRunner

NOW = datetime(2025, 11, 18, 6, 0, tzinfo=timezone.utc)


def test_a_re_dated_or_retitled_entry_inserts_nothing_and_alerts_no_one(sqlite_url: str) -> None:
    clock = Clock(NOW)
    with FixtureSite() as site:
        rt = fixture_runtime(site, sqlite_url, clock)
        try:
            ids = register(rt, site.registry_entries())
            first = EmbeddedRunner(rt).run_until_idle()
            with session_scope(rt.engine) as session:
                articles = {row.url: row.id for row in session.scalars(select(Article))}
                alerts = count(session, Alert)
                first_log_id = session.scalar(select(FetchLog.id).order_by(FetchLog.id.desc()).limit(1))
            assert first.articles_processed == len(articles) == 5
            assert alerts >= 1

            for seed in site.released_keys():
                published = datetime.fromisoformat(site.manifest_entry(seed)["published_at"])
                site.edit_item(seed, published_at=(published + timedelta(days=1, minutes=7)).isoformat())
            site.edit_item("002", title="Мирзиёев и Токаев: итоги (обновлено)")
            clock.advance(timedelta(seconds=POLL_INTERVAL_S + 1))
            second = EmbeddedRunner(rt).run_until_idle()

            with session_scope(rt.engine) as session:
                logs = session.execute(
                    select(Source.key, FetchLog.outcome, FetchLog.new_items)
                    .join(Source, Source.id == FetchLog.source_id).where(FetchLog.id > first_log_id)
                ).all()
                after = {row.url: row.id for row in session.scalars(select(Article))}
                alerts_after = count(session, Alert)
        finally:
            rt.close()
    # Every index changed (new validators, new dates) and was read again in full...
    assert sorted(key for key, _, _ in logs) == sorted(ids)
    assert {outcome for _, outcome, _ in logs} == {"ok"}
    # ...and every entry in it was recognised.
    assert [new for _, _, new in logs] == [0] * len(ids)
    assert after == articles
    assert second.articles_fetched == second.articles_processed == 0
    assert alerts_after == alerts
