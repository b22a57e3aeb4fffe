"""The pipeline's stage runners: load rows, call each stage's pure core, persist, and return
the ids of the next stage's work. Celery tasks and the embedded runner both call these; the
caller enqueues the returned ids only after the transaction here has committed.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from storage import queries
from storage.db import session_scope
from storage.models import Article, Source, as_utc
from workers import resolution
from workers.clean import NotAnArticle, clean, text_document
from workers.extract import EXTRACTOR_VERSION, detect_language, extract
from workers.fetch import Validators
from workers.identity import canonical_url, content_hash
from workers.discover import DiscoveryError, discover
from workers.index import IndexParseError, NotAFeed, SitemapRef, parse_index
from workers.outcome import classify, plan_next_poll
from workers.records import FeedItem
from workers.runtime import Runtime
from summitwatch import metrics
from summitwatch.logging import get_logger

log = get_logger(__name__)

MAX_ARTICLE_ATTEMPTS = 5


# --- dispatch ---------------------------------------------------------------------------

def dispatch_due_sources(rt: Runtime, now: datetime | None = None) -> list[int]:
    now = now or rt.clock()
    with session_scope(rt.engine) as session:
        return queries.lease_due_sources(
            session, now,
            per_host=rt.settings.per_host_concurrency,
            max_errors=rt.settings.max_source_errors,
        )


def stale_work(rt: Runtime, now: datetime | None = None, *, age: timedelta | None = None) -> list[tuple[int, str]]:
    """Articles whose next stage was lost (worker killed before enqueueing, broker restart)."""
    now = now or rt.clock()
    age = age if age is not None else timedelta(seconds=rt.settings.stale_after_s)
    with session_scope(rt.engine) as session:
        return queries.stale_articles(session, now - age)


# --- poll a source's index ----------------------------------------------------------------

def poll_source(rt: Runtime, source_id: int) -> list[int]:
    """Fetch a source's index, record the outcome, plan the next poll; return new article ids."""
    with session_scope(rt.engine) as session:
        source = session.get(Source, source_id)
        if source is None or source.disabled:
            return []
        spec = _source_spec(source)
    fetcher = rt.fetcher(spec["quirks"])
    index_url = spec["index_url"] or _discover_index(rt, fetcher, spec)
    validators = Validators(etag=spec["etag"], last_modified=spec["last_modified"], content_hash=spec["content_hash"])
    with rt.timed("fetch_index"):
        result = fetcher.fetch(index_url, validators) if index_url else None
    with rt.timed("parse_index"):
        items, parse_error = _parse(result, spec)
        items = _follow_sitemap_index(fetcher, items, spec)
    outcome = classify(result, expect_feed=True, parse_error=parse_error) if result else "not_a_feed"
    metrics.count_fetch(outcome)
    now = rt.clock()
    with session_scope(rt.engine) as session:
        source = session.get(Source, source_id)
        new_ids = insert_items(session, source, items, now) if outcome == "ok" else []
        _record_poll(session, source, result, outcome, parse_error, now, len(new_ids), index_url)
    log.info("source_polled", source=spec["key"], outcome=outcome, new_items=len(new_ids),
             duration_ms=round(result.duration_ms, 1) if result else None)
    return new_ids


def _source_spec(source: Source) -> dict[str, Any]:
    config = dict(source.config or {})
    index_url = source.url
    if config.get("discover_feed"):
        index_url = config.get("feed_url")
    return {
        "key": source.key,
        "kind": config.get("feed_kind", source.kind) if config.get("discover_feed") else source.kind,
        "url": source.url,
        "index_url": index_url,
        "quirks": config,
        "timezone": source.timezone,
        "etag": source.etag,
        "last_modified": source.last_modified,
        "content_hash": source.content_hash,
        "id": source.id,
    }


def _discover_index(rt: Runtime, fetcher, spec: dict[str, Any]) -> str | None:
    """A source registered by its homepage: find its feed once (homepage links, robots.txt
    Sitemap:, /sitemap.xml; verified by parsing) and remember it on the source."""
    def get(url: str) -> tuple[int, str]:
        page = fetcher.fetch(url)
        return page.status_code or 0, page.text or ""

    try:
        entry = discover(spec["url"], get)
    except DiscoveryError as exc:
        log.warning("feed_not_discovered", source=spec["key"], error=str(exc))
        return None
    with session_scope(rt.engine) as session:
        source = session.get(Source, spec["id"])
        source.config = {**source.config, "feed_url": entry["url"], "feed_kind": entry["kind"]}
    spec["kind"] = entry["kind"]
    return entry["url"]


def _follow_sitemap_index(fetcher, items: list[FeedItem], spec: dict[str, Any]) -> list[FeedItem]:
    """A sitemap index lists sitemaps, not articles: read the newest one it names."""
    refs = [item for item in items if isinstance(item, SitemapRef)]
    if not refs:
        return items
    newest = max(refs, key=lambda ref: (ref.published_at is not None, ref.published_at or 0, ref.url))
    result = fetcher.fetch(newest.url)
    inner, _ = _parse(result, {**spec, "kind": "sitemap", "index_url": newest.url})
    return [item for item in items if not isinstance(item, SitemapRef)] + [
        item for item in inner if not isinstance(item, SitemapRef)
    ]


def _parse(result, spec: dict[str, Any]) -> tuple[list[FeedItem], str | None]:
    if result is None or result.error or result.not_modified or result.status_code != 200:
        return [], None
    try:
        # Decoded text when the fetcher could decode it: it corrects a lying charset header.
        body = result.text if result.text is not None else result.body
        return parse_index(spec["kind"], body, result.final_url or spec["index_url"], spec["quirks"],
                           timezone=spec["timezone"]), None
    except NotAFeed as exc:
        return [], f"not_a_feed: {exc}"
    except IndexParseError as exc:
        return [], f"parse_error: {exc}"


def insert_items(session: Session, source: Source, items: list[FeedItem], now: datetime) -> list[int]:
    """Insert feed items not seen before. Identity: GUID, then canonical URL; an edited or
    re-dated entry keeps both, so it is recognised as the same item and inserts nothing."""
    rows, seen = [], set()
    now = as_utc(now)
    for item in items:
        canonical = canonical_url(item.url)
        if canonical in seen:
            continue
        seen.add(canonical)
        rows.append(
            {
                "source_id": source.id,
                "url": item.url,
                "canonical_url": canonical,
                "guid": (item.guid or None) and item.guid[:500],
                "title": item.title,
                "published_at": as_utc(item.published_at),
                # A single-language source's items are in that language unless they say so.
                "language": item.language or (source.languages[0] if len(source.languages or []) == 1 else None),
                "state": "pending",
                "attempts": 0,
                "discovered_at": now,
            }
        )
    if not rows:
        return []
    known_guids = {
        g for (g,) in session.execute(
            select(Article.guid).where(Article.source_id == source.id,
                                       Article.guid.in_([r["guid"] for r in rows if r["guid"]]))
        )
    }
    fresh = [r for r in rows if not (r["guid"] and r["guid"] in known_guids)]
    return queries.insert_ignore(session, Article, fresh, conflict=["canonical_url"])


def _record_poll(session: Session, source: Source, result, outcome: str, parse_error: str | None,
                 now: datetime, new_items: int, index_url: str | None) -> None:
    plan = plan_next_poll(
        outcome,
        now=now,
        interval_s=source.poll_interval_s,
        error_count=source.error_count,
        retry_after_s=getattr(result, "retry_after_s", None),
        max_age_s=getattr(result, "max_age_s", None),
    )
    source.next_poll_at = as_utc(plan.next_poll_at)
    source.error_count = plan.error_count
    source.disabled = source.disabled or plan.disable
    source.lease_until = None
    source.last_outcome = outcome
    source.last_polled_at = as_utc(now)
    source.last_error = parse_error or (result.error if result else "no index URL found")
    if outcome == "ok" and result is not None:
        source.etag = result.etag
        source.last_modified = result.last_modified
        source.content_hash = result.content_hash
    if new_items:
        source.last_new_item_at = as_utc(now)
        source.items_seen += new_items
    session.add(source)
    queries.record_fetch(
        session,
        source_id=source.id,
        url=index_url or source.url,
        outcome=outcome,
        status_code=result.status_code if result else None,
        duration_ms=result.duration_ms if result else 0.0,
        size=len(result.body) if result else 0,
        new_items=new_items,
        error=source.last_error,
    )


# --- fetch an article page ----------------------------------------------------------------

def fetch_article(rt: Runtime, article_id: int) -> int | None:
    """Fetch one article page; return its id when it is ready for processing."""
    with session_scope(rt.engine) as session:
        article = session.get(Article, article_id)
        if article is None or article.state != "pending":
            return article_id if article is not None and article.state == "fetched" else None
        source = session.get(Source, article.source_id)
        url, quirks = article.url, dict(source.config or {})
    with rt.timed("fetch_article"):
        result = rt.fetcher(quirks).fetch(url, from_feed=True)
    metrics.count_fetch(classify(result, expect_feed=False))
    with session_scope(rt.engine) as session:
        article = session.get(Article, article_id)
        article.attempts += 1
        if result.error or result.status_code != 200 or not result.text:
            article.error = result.error or f"HTTP {result.status_code}"
            article.state = "failed" if article.attempts >= MAX_ARTICLE_ATTEMPTS else "pending"
            log.warning("article_fetch_failed", article_id=article_id, error=article.error, attempts=article.attempts)
            return None
        article.html = result.text
        article.html_hash = result.content_hash
        article.fetched_at = as_utc(rt.clock())
        article.state = "fetched"
        article.error = None
        return article_id


# --- process: clean -> extract -> resolve -> persist + alert outbox ----------------------

def process_article(rt: Runtime, article_id: int) -> list[int]:
    """Clean, extract and resolve one article in one transaction; return new alert ids.

    This is the stage's outer boundary: a database error propagates (the task retries it),
    anything else an article can provoke is recorded on the article, which is marked failed,
    and the pipeline goes on."""
    try:
        return _process_article(rt, article_id)
    except DBAPIError:
        raise
    except Exception as exc:  # noqa: BLE001 (the one boundary that records the failure)
        log.exception("article_failed", article_id=article_id, error=repr(exc))
        with session_scope(rt.engine) as session:
            article = session.get(Article, article_id)
            if article is not None:
                article.state, article.error = "failed", f"{type(exc).__name__}: {exc}"[:2000]
        metrics.count_article("failed")
        return []


def _process_article(rt: Runtime, article_id: int) -> list[int]:
    rules = rt.alert_rules()
    with session_scope(rt.engine) as session:
        article = session.get(Article, article_id)
        if article is None or article.state not in {"fetched", "processed"}:
            return []
        if article.state == "processed" and article.extractor_version == EXTRACTOR_VERSION:
            return []
        source = session.get(Source, article.source_id)
        with rt.timed("clean"):
            doc = _clean_doc(article, source)
        if doc is None:
            metrics.count_article("skipped")
            return []
        with rt.timed("extract"):
            mentions = extract(doc)
        with rt.timed("resolve"):
            if mentions:
                resolution.lock(session)
            alert_ids = resolution.apply_mentions(session, article, source, doc, mentions, rules, rt.env,
                                                  now=rt.clock())
        article.state = "processed"
        article.processed_at = as_utc(rt.clock())
        article.extractor_version = EXTRACTOR_VERSION
    metrics.count_article("processed")
    log.info("article_processed", article_id=article_id, mentions=len(mentions), alerts=len(alert_ids))
    return alert_ids


def _clean_doc(article: Article, source: Source):
    published = article.published_at
    if published is not None and published.tzinfo is None:
        published = published.replace(tzinfo=timezone.utc)
    try:
        if article.clean_text:
            doc = text_document(article.clean_text, article.url, timezone=source.timezone, published_at=published,
                                title=article.title, source_key=source.key, source_role=source.role,
                                source_country=source.country)
        else:
            doc = clean(article.html or "", article.url, timezone=source.timezone, published_at=published,
                        source_key=source.key, source_role=source.role, source_country=source.country)
    except NotAnArticle as exc:
        article.state, article.error = "skipped", str(exc)
        return None
    article.clean_text = doc.text
    article.title = article.title or doc.title
    article.published_at = article.published_at or as_utc(doc.published_at)
    article.text_hash = content_hash(doc.text)
    language, script = detect_language(doc.text)
    article.language = f"uz-{script}" if language == "uz" else language
    article.script = script
    return doc


# --- deliver an alert ---------------------------------------------------------------------

def deliver_alert(rt: Runtime, alert_id: int) -> str:
    from workers.outbox import deliver_one

    with rt.timed("deliver"):
        state = deliver_one(rt.engine, alert_id, env=rt.env, now=rt.clock(), lease_s=rt.settings.alert_lease_s)
    metrics.count_alert(state)
    return state


def due_alerts(rt: Runtime, now: datetime | None = None, limit: int = 200) -> list[int]:
    from workers.outbox import due_alerts as _due

    with session_scope(rt.engine) as session:
        return _due(session, now or rt.clock(), limit)
