"""An announcement and then a report of one summit, through clean → extract → resolve →
persist → outbox: one event, its status moving from announced to held, alerted once as new
and once as changed. The two articles are written for tests (tests/fixtures/lifecycle)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage import queries
from storage.db import session_scope
from storage.models import Alert, Article, Source
from summitwatch.settings import Settings
from workers.pipeline import process_article
from workers.runtime import build_runtime
from workers.views import event_view

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lifecycle"


def _article(session, source_key: str, zone: str, name: str, published: datetime) -> int:
    source = Source(key=source_key, name=source_key, kind="rss", url=f"https://{source_key}/rss", host=source_key,
                    timezone=zone, country=source_key.rsplit(".", 1)[-1].upper())
    session.add(source)
    session.flush()
    article = Article(source_id=source.id, url=f"https://{source_key}/{name}", canonical_url=f"https://{source_key}/{name}",
                      clean_text=(FIXTURES / name).read_text(encoding="utf-8"), published_at=published, state="fetched")
    session.add(article)
    session.flush()
    return article.id


def test_announcement_then_report_is_one_event_moving_to_held(sqlite_url):
    rt = build_runtime(Settings(database_url=sqlite_url))
    try:
        with session_scope(rt.engine) as session:
            announcement = _article(session, "press.uz", "Asia/Tashkent", "announcement-ru.txt",
                                    datetime(2025, 11, 15, 10, 0, tzinfo=ZoneInfo("Asia/Tashkent")))
            report = _article(session, "news.kz", "Asia/Almaty", "report-kk.txt",
                              datetime(2025, 11, 16, 19, 0, tzinfo=ZoneInfo("Asia/Almaty")))
        process_article(rt, announcement)
        with session_scope(rt.engine) as session:
            [event] = queries.live_events(session)
            assert (event.status, event.ordinal, event.date_start.isoformat()) == ("announced", 7, "2025-11-16")
        process_article(rt, report)
        process_article(rt, report)  # a retried task changes nothing

        with session_scope(rt.engine) as session:
            [event] = queries.live_events(session)
            view = event_view(session, event)
            alerts = session.scalars(select(Alert).order_by(Alert.id)).all()
            languages = {c["language"] for c in view["coverage"]}
    finally:
        rt.close()
    assert view["status"] == "held"
    assert [h["status"] for h in view["status_history"]] == ["announced", "held"]
    assert view["city"] == "Tashkent" and view["ordinal"] == 7
    assert (view["date_start"], view["date_end"]) == ("2025-11-16", "2025-11-16")
    assert languages == {"ru", "kk"}
    assert [a.kind for a in alerts] == ["new_event", "status_changed"]
