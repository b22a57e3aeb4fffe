"""Seed replay: the fixture site serves the seed outlets over HTTP, its sources are registered,
and the whole pipeline runs until idle (in-process, or on the Celery workers when a broker is
configured). The result is read back from the database."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlmodel import Session

from schedules.registry import spec_from_dict, upsert_sources
from seeds.site import FixtureSite
from storage import queries
from storage.db import session_scope
from storage.models import Alert, Article, Source
from workers.embedded import EmbeddedRunner
from workers.runtime import Runtime, build_runtime
from workers.views import event_view
from summitwatch.settings import Settings, get_settings


@dataclass
class ReplayOptions:
    seeds_dir: Path | None = None
    ordered: bool = True
    corpus_size: int = 0
    timeout_s: float = 300.0
    # A fixed port keeps the fixture URLs, and so the articles' identities, the same from one
    # replay to the next: replaying twice adds nothing.
    port: int | None = None


def site_settings(settings: Settings, site: FixtureSite) -> Settings:
    """The fixture site is on loopback: allow exactly its address, nothing more."""
    host = site.base_url.split("://", 1)[1]
    allowed = " ".join(filter(None, [settings.allow_private_hosts, host]))
    return settings.model_copy(update={"allow_private_hosts": allowed})


def register_site(rt: Runtime, site: FixtureSite) -> list[str]:
    specs = [spec_from_dict(entry) for entry in site.registry_entries()]
    with session_scope(rt.engine) as session:
        upsert_sources(session, specs)
    return [spec.key for spec in specs]


def replay(options: ReplayOptions, *, settings: Settings | None = None,
           progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    settings = settings or get_settings()
    port = options.port if options.port is not None else settings.fixture_port
    with FixtureSite(options.seeds_dir, ordered=options.ordered, corpus_size=options.corpus_size, port=port) as site:
        rt = build_runtime(site_settings(settings, site))
        try:
            keys = register_site(rt, site)
            drive = _embedded_driver(rt) if settings.embedded else _celery_driver(rt, options.timeout_s)

            def run_round(released: dict | None) -> None:
                with session_scope(rt.engine) as session:
                    queries.make_sources_due(session, rt.clock(), keys)
                drive()
                if progress:
                    progress(_progress_line(rt, released))

            if options.ordered:
                # One item at a time, in publication order: the first article of an event
                # founds it, the later ones add coverage.
                while (released := site.release_next()) is not None:
                    run_round(released)
            else:
                run_round(None)
            return result(rt, source_keys=keys)
        finally:
            rt.close()


def _embedded_driver(rt: Runtime) -> Callable[[], None]:
    runner = EmbeddedRunner(rt)
    return lambda: runner.run_until_idle()


def _celery_driver(rt: Runtime, timeout_s: float) -> Callable[[], None]:
    from workers.tasks import tick

    def drive() -> None:
        # The tick leases only a few sources per host at a time; beat would send it every
        # dispatch interval, the replay sends it until the pipeline is idle.
        wait_until_idle(rt, since=rt.clock(), timeout_s=timeout_s, nudge=lambda: tick.apply_async(expires=5))

    return drive


def wait_until_idle(rt: Runtime, *, since: datetime, timeout_s: float, poll_s: float = 0.2,
                    nudge: Callable[[], Any] | None = None, nudge_every_s: float = 2.0) -> None:
    """Wait until every due source was polled after ``since`` and no article or alert is in
    flight, calling ``nudge`` (send a tick) every ``nudge_every_s`` meanwhile."""
    deadline = time.monotonic() + timeout_s
    next_nudge = time.monotonic()
    while time.monotonic() < deadline:
        if nudge is not None and time.monotonic() >= next_nudge:
            nudge()
            next_nudge = time.monotonic() + nudge_every_s
        with session_scope(rt.engine) as session:
            if is_idle(session, since):
                return
        time.sleep(poll_s)
    raise TimeoutError(f"pipeline not idle after {timeout_s:.0f} s")


def is_idle(session: Session, since: datetime) -> bool:
    since = since.astimezone(timezone.utc)
    unpolled = session.scalar(
        select(func.count(Source.id)).where(
            ~Source.disabled, or_(Source.last_polled_at.is_(None), Source.last_polled_at < since)
        )
    )
    in_flight = session.scalar(select(func.count(Article.id)).where(Article.state.in_(("pending", "fetched")), Article.attempts < 5))
    # Alerts being sent are in flight; pending ones only when due (those waiting for a
    # retry, quiet hours or a digest window are not).
    sending = session.scalar(select(func.count(Alert.id)).where(
        or_(Alert.state == "sending",
            (Alert.state == "pending") & (Alert.next_attempt_at <= datetime.now(timezone.utc)))))
    return not unpolled and not in_flight and not sending


def _progress_line(rt: Runtime, released: dict | None) -> str:
    with session_scope(rt.engine) as session:
        articles = session.scalar(select(func.count(Article.id)))
        events = len(queries.live_events(session))
    label = f"released {released.get('outlet')} {released.get('key')}" if released else "all items published"
    return f"{label}: {articles} articles, {events} events"


def result(rt: Runtime, *, source_keys: list[str] | None = None) -> dict[str, Any]:
    """The replay's JSON: articles, events (reported ones) with coverage/claims/conflicts, alerts."""
    with session_scope(rt.engine) as session:
        article_query = select(func.count(Article.id))
        if source_keys:
            article_query = article_query.join(Source).where(Source.key.in_(source_keys))
        events = queries.live_events(session)
        index = {event.id: i for i, event in enumerate(events)}
        views = [event_view(session, event) for event in events]
        alerts = session.scalars(select(Alert).order_by(Alert.id)).all()
        mentioned = queries.live_events(session, role="mentioned")
        return {
            "articles": session.scalar(article_query),
            "events": [_event_json(view) for view in views],
            "alerts": [
                {"kind": alert.kind, "event_index": index.get(_live_id(session, alert.event_id)),
                 "channel": alert.channel, "state": alert.state}
                for alert in alerts
            ],
            "mentioned_events": [
                {k: v for k, v in _event_json(event_view(session, e, with_claims=False)).items() if k != "coverage"}
                for e in mentioned
            ],
        }


def _live_id(session: Session, event_id: int) -> int | None:
    event = queries.live_event(session, event_id)
    return event.id if event else None


def _event_json(view: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "title", "type", "format", "ordinal", "city", "country", "date_start", "date_end", "status",
            "participants", "documents", "documents_count", "topics", "article_count", "independent_source_count",
            "has_conflict", "status_history")
    data = {k: view.get(k) for k in keys}
    data["coverage"] = [{k: c[k] for k in ("url", "source", "language", "published_at", "title", "independent")}
                        for c in view["coverage"]]
    if "claims" in view:
        data["claims"] = view["claims"]
        data["conflicts"] = view["conflicts"]
    return data
