"""Backfill: walk a source's archive newest-first down to a date, one page at a time.

An archive is what a source offers besides its live index: a sitemap index (each sitemap it
names, newest first, skipping those last modified before the date), numbered listing or API
pages (``quirks.pagination: {param: page, start: 1, max_pages: 500}``), or listing pages
linked by an "older" link (``quirks.pagination: {next_selector: "a.next"}``). A source with
none of these has a one-page archive: its index.

The walk is a chain of single pages, so it runs on a queue of its own without holding a
worker for hours, and the live polls on the fetch queue keep their turn. Progress (the
cursor of the next page, pages done, articles inserted, the oldest date reached) is stored
on the source under ``Source.config["backfill"]`` in the same transaction as the page's
articles, so a walk that is interrupted anywhere resumes at the page it had not finished,
and inserting a page twice inserts nothing twice (articles are unique by canonical URL).

``plan_page`` is the pure core: given a parsed page and the cursor it came from, which items
to keep and which page comes next, or why the walk ends.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime, time as day_start, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from lxml import etree, html as lxml_html
from sqlalchemy import select
from sqlmodel import Session

from storage import queries
from storage.db import session_scope
from storage.models import Source, as_utc
from summitwatch.logging import get_logger
from workers import pipeline
from workers.fetch import FetchResult
from workers.index import IndexParseError, NotAFeed, SitemapRef, parse_index
from workers.outcome import classify
from workers.records import FeedItem
from workers.runtime import Runtime

log = get_logger(__name__)

PROGRESS_KEY = "backfill"
MODES = ("sitemap", "param", "next_link", "single")
# A page that fails this often in a row stops the walk until it is started again.
MAX_PAGE_ATTEMPTS = 3
RETRY_BASE_S = 30.0
# Archives end in many ways: past the last page a site answers 404, an empty list, or a
# listing page whose item selector matches nothing.
END_OF_ARCHIVE_STATUSES = frozenset({404, 410})
PAGINATION_KEYS = frozenset({"param", "start", "step", "max_pages", "next_selector", "delay_s"})


class BackfillError(ValueError):
    """A backfill that cannot start: unknown source, no index URL, invalid pagination."""


# --- how an archive is walked ----------------------------------------------------------------


@dataclass(frozen=True)
class Archive:
    mode: str
    param: str | None = None
    start: int = 1
    step: int = 1
    max_pages: int = 500
    next_selector: str | None = None
    # Between two pages of one walk: the site's live index is polled from the same host.
    delay_s: float = 1.0

    @classmethod
    def of(cls, kind: str, quirks: Mapping[str, Any] | None) -> Archive:
        pagination = dict((quirks or {}).get("pagination") or {})
        problems = pagination_problems(pagination)
        if problems:
            raise BackfillError("; ".join(problems))
        limits = {name: pagination[name] for name in ("max_pages", "delay_s") if name in pagination}
        if kind == "sitemap":
            return cls("sitemap", **limits)
        if pagination.get("param"):
            return cls("param", param=pagination["param"], start=int(pagination.get("start", 1)),
                       step=int(pagination.get("step", 1)), **limits)
        if pagination.get("next_selector"):
            return cls("next_link", next_selector=pagination["next_selector"], **limits)
        return cls("single", **limits)


def pagination_problems(pagination: Any) -> list[str]:
    """What is wrong with a ``pagination`` quirk (the registry reports these at load time)."""
    if not isinstance(pagination, Mapping):
        return ["quirk pagination must be a mapping"]
    problems = []
    unknown = sorted(set(pagination) - PAGINATION_KEYS)
    if unknown:
        problems.append(f"unknown pagination key(s) {', '.join(unknown)}")
    if pagination.get("param") and pagination.get("next_selector"):
        problems.append("pagination takes param or next_selector, not both")
    for name in ("start", "step", "max_pages"):
        value = pagination.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            problems.append(f"pagination {name} must be a whole number, not {value!r}")
    if isinstance(pagination.get("step"), int) and pagination["step"] == 0:
        problems.append("pagination step must not be 0")
    if isinstance(pagination.get("max_pages"), int) and pagination["max_pages"] < 1:
        problems.append("pagination max_pages must be at least 1")
    delay = pagination.get("delay_s")
    if delay is not None and (isinstance(delay, bool) or not isinstance(delay, int | float) or delay < 0):
        problems.append(f"pagination delay_s must be a number of seconds, not {delay!r}")
    selector = pagination.get("next_selector")
    if selector is not None:
        from cssselect import GenericTranslator, SelectorError

        try:
            GenericTranslator().css_to_xpath(selector)
        except (SelectorError, TypeError) as error:
            problems.append(f"pagination next_selector {selector!r} is not valid CSS: {error}")
    return problems


def first_cursor(archive: Archive, index_url: str) -> dict[str, Any]:
    """A cursor is plain JSON (it travels in task messages and lives in ``Source.config``):
    the page to fetch, how many pages came before it, and the sitemaps still to walk."""
    url = page_url(index_url, archive.param, archive.start) if archive.mode == "param" else index_url
    return {"url": url, "page": 0, "queue": []}


def page_url(url: str, param: str | None, number: int) -> str:
    """``url`` with its ``param`` query parameter set to ``number``, other parameters kept."""
    if not param:
        return url
    parts = urlsplit(url)
    query = [(name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True) if name != param]
    query.append((param, str(number)))
    return urlunsplit(parts._replace(query=urlencode(query)))


def next_link(page: str | bytes | None, base_url: str, selector: str | None) -> str | None:
    """The absolute URL of a listing page's "older" link, None when there is none."""
    if not page or not selector:
        return None
    from lxml.cssselect import CSSSelector

    try:
        root = lxml_html.document_fromstring(page)
    except (etree.ParserError, ValueError):
        return None
    for element in CSSSelector(selector, translator="html")(root):
        href = (element.get("href") or "").strip()
        if href and not href.startswith(("#", "javascript:", "mailto:")):
            return urljoin(base_url, href)
    return None


def page_fingerprint(items: list[FeedItem]) -> str:
    return hashlib.sha256("\n".join(sorted(item.url for item in items)).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class PagePlan:
    keep: list[FeedItem]
    next_cursor: dict[str, Any] | None
    oldest: datetime | None  # the oldest dated entry on the page, kept or not
    reason: str | None  # why the walk ends here; None while it goes on


def plan_page(
    archive: Archive,
    cursor: Mapping[str, Any],
    items: list[FeedItem],
    *,
    since: datetime,
    next_href: str | None = None,
    previous_fingerprint: str | None = None,
) -> PagePlan:
    """Which of a page's items to insert and where the walk goes next.

    Entries dated before ``since`` are dropped; undated ones are kept while their page is in
    range. Paged archives are newest first, and the walk ends on the first page with nothing
    dated in range: a page only partly past the date may open with a pinned old story, so
    the page after it is read too. A sitemap index queues its sitemaps newest first, leaving
    out those last modified before ``since``: nothing in them can be newer than that.
    """
    refs = [item for item in items if isinstance(item, SitemapRef)]
    entries = [item for item in items if not isinstance(item, SitemapRef)]
    keep = [item for item in entries if item.published_at is None or item.published_at >= since]
    dated = [item.published_at for item in entries if item.published_at is not None]
    oldest = min(dated) if dated else None
    page = int(cursor.get("page", 0))
    if archive.mode == "sitemap":
        following = _next_sitemap(archive, cursor, refs, since)
        reason = None if following else _sitemap_end_reason(archive, cursor, refs, since)
        return PagePlan(keep, following, oldest, reason)
    past_the_date = bool(dated) and max(dated) < since
    if past_the_date:
        return PagePlan([], None, oldest, "reached the date")
    reason = _paged_end_reason(archive, entries, page, next_href, previous_fingerprint)
    if reason is not None:
        return PagePlan(keep, None, oldest, reason)
    if archive.mode == "param":
        following = page_url(cursor["url"], archive.param, archive.start + (page + 1) * archive.step)
    else:
        following = next_href
    return PagePlan(keep, {"url": following, "page": page + 1, "queue": []}, oldest, None)


def _paged_end_reason(archive: Archive, entries: list[FeedItem], page: int, next_href: str | None,
                      previous_fingerprint: str | None) -> str | None:
    if not entries:
        return "end of archive: an empty page"
    if previous_fingerprint is not None and page_fingerprint(entries) == previous_fingerprint:
        # Sites answer a page number past the end with their last page again.
        return "end of archive: the page repeats the previous one"
    if archive.mode == "single":
        return "the index is the whole archive"
    if archive.mode == "next_link" and not next_href:
        return "end of archive: no link to older entries"
    if page + 1 >= archive.max_pages:
        return f"stopped at max_pages ({archive.max_pages})"
    return None


def _fresh_sitemaps(refs: list[SitemapRef], since: datetime) -> list[str]:
    fresh = [ref for ref in refs if ref.published_at is None or ref.published_at >= since]
    fresh.sort(key=lambda ref: (ref.published_at is not None, ref.published_at or since, ref.url), reverse=True)
    return [ref.url for ref in fresh]


def _next_sitemap(archive: Archive, cursor: Mapping[str, Any], refs: list[SitemapRef],
                  since: datetime) -> dict[str, Any] | None:
    page = int(cursor.get("page", 0))
    # Depth first: a nested index's sitemaps come before the rest of its parent's.
    queue = [url for url in _fresh_sitemaps(refs, since) + list(cursor.get("queue") or []) if url != cursor["url"]]
    queue = list(dict.fromkeys(queue))
    if not queue or page + 1 >= archive.max_pages:
        return None
    return {"url": queue[0], "page": page + 1, "queue": queue[1:]}


def _sitemap_end_reason(archive: Archive, cursor: Mapping[str, Any], refs: list[SitemapRef],
                        since: datetime) -> str:
    if _fresh_sitemaps(refs, since) or cursor.get("queue"):
        return f"stopped at max_pages ({archive.max_pages})"
    return "every sitemap in range walked"


# --- progress on the source --------------------------------------------------------------------


@dataclass
class Progress:
    since: str  # ISO date
    state: str = "running"  # running | done | failed
    cursor: dict[str, Any] | None = None
    pages_done: int = 0
    articles: int = 0  # articles this walk inserted
    oldest: str | None = None  # ISO time of the oldest dated entry reached
    reason: str | None = None  # why the walk ended
    error: str | None = None  # the last page failure
    attempts: int = 0  # failed tries of the page at the cursor
    fingerprint: str | None = None  # of the last page walked, to spot a repeated page
    started_at: str | None = None
    updated_at: str | None = None

    @classmethod
    def of(cls, config: Mapping[str, Any] | None) -> Progress | None:
        stored = (config or {}).get(PROGRESS_KEY)
        if not isinstance(stored, Mapping):
            return None
        known = {name: stored[name] for name in cls.__dataclass_fields__ if name in stored}
        return cls(**known) if "since" in known else None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def since_date(self) -> date:
        return date.fromisoformat(self.since)


def since_moment(since: date, zone: str) -> datetime:
    """The start of ``since`` in the source's own time zone, as UTC."""
    return as_utc(datetime.combine(since, day_start.min, tzinfo=ZoneInfo(zone)))


def find_source(session: Session, source: str | int) -> Source:
    """A source by registry key, or by id."""
    if isinstance(source, int) or str(source).isdigit():
        row = session.get(Source, int(source))
    else:
        row = session.scalars(select(Source).where(Source.key == source)).first()
    if row is None:
        raise BackfillError(f"no source {source!r}: load the registry first (summitwatch sources load)")
    return row


def start(rt: Runtime, source: str | int, since: date, *, restart: bool = False) -> tuple[int, Progress]:
    """Begin a walk down to ``since``, or resume the one that stopped on the way there.

    A finished walk to the same date is left as it is (nothing to do) unless ``restart``;
    a walk to another date starts from the newest page again, which re-inserts nothing.
    """
    with session_scope(rt.engine) as session:
        row = find_source(session, source)
        spec = _walk_spec(row)
        stored = Progress.of(row.config)
        now = as_utc(rt.clock()).isoformat()
        if stored is not None and stored.since == since.isoformat() and not restart:
            if stored.state == "done":
                return row.id, stored
            if stored.cursor is not None:
                stored.state, stored.error, stored.attempts, stored.updated_at = "running", None, 0, now
                _save(row, stored)
                log.info("backfill_resumed", source=row.key, since=stored.since, page=stored.cursor["page"])
                return row.id, stored
        progress = Progress(since=since.isoformat(), cursor=first_cursor(spec["archive"], spec["index_url"]),
                            started_at=now, updated_at=now)
        _save(row, progress)
        log.info("backfill_started", source=row.key, since=progress.since, mode=spec["archive"].mode)
        return row.id, progress


def progress_of(rt: Runtime, source: str | int) -> Progress | None:
    with session_scope(rt.engine) as session:
        return Progress.of(find_source(session, source).config)


def _save(row: Source, progress: Progress) -> None:
    # A new dict, so the ORM sees the JSON column change.
    row.config = {**(row.config or {}), PROGRESS_KEY: progress.to_json()}


def _walk_spec(row: Source) -> dict[str, Any]:
    config = dict(row.config or {})
    kind, index_url = row.kind, row.url
    if config.get("discover_feed"):
        # Registered by its homepage: the archive hangs off the feed a live poll discovered.
        kind, index_url = config.get("feed_kind", row.kind), config.get("feed_url")
        if not index_url:
            raise BackfillError(f"source {row.key!r} has no discovered feed yet: let it be polled once first")
    return {"key": row.key, "kind": kind, "index_url": index_url, "quirks": config, "timezone": row.timezone,
            "archive": Archive.of(kind, config)}


# --- one page --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageReport:
    article_ids: list[int]
    # The page to walk next (the same one again when retrying), None when the walk stopped.
    next_cursor: dict[str, Any] | None
    countdown_s: float
    progress: Progress | None


def walk_page(rt: Runtime, source_id: int, cursor: Mapping[str, Any]) -> PageReport:
    """Fetch and insert the archive page at ``cursor`` and store how far the walk got.

    A cursor that is not the source's current one belongs to a walk that moved on or was
    restarted (a redelivered or duplicated task): it is ignored, so one walk never forks.
    """
    cursor = dict(cursor)
    with session_scope(rt.engine) as session:
        row = session.get(Source, source_id)
        progress = Progress.of(row.config) if row is not None else None
        if not _current(progress, cursor):
            return PageReport([], None, 0.0, progress)
        spec = _walk_spec(row)
    with rt.timed("backfill_fetch"):
        result = rt.fetcher(spec["quirks"]).fetch(
            cursor["url"], from_feed=cursor["page"] > 0 and spec["archive"].mode != "param"
        )
    items, parse_error = _parse_page(result, spec, cursor["url"])
    with session_scope(rt.engine) as session:
        # Locked until commit: of two tasks holding one cursor, the second finds it moved on.
        row = session.get(Source, source_id, with_for_update=True)
        progress = Progress.of(row.config)
        if not _current(progress, cursor):
            return PageReport([], None, 0.0, progress)
        page = _Page(cursor, result, items, parse_error)
        new_ids, following, outcome = _record_page(session, row, progress, page, spec, rt.clock())
    log.info("backfill_page", source=spec["key"], page=cursor["page"], outcome=outcome, new_items=len(new_ids),
             state=progress.state, reason=progress.reason)
    return PageReport(new_ids, following[0], following[1], progress)


@dataclass(frozen=True)
class _Page:
    cursor: dict[str, Any]
    result: FetchResult
    items: list[FeedItem]
    parse_error: str | None


def _record_page(session: Session, row: Source, progress: Progress, page: _Page, spec: Mapping[str, Any],
                 now: datetime) -> tuple[list[int], tuple[dict[str, Any] | None, float], str]:
    """Insert the page's articles and move the walk on, or note why it cannot move on."""
    archive, result = spec["archive"], page.result
    outcome = classify(result, expect_feed=True, parse_error=page.parse_error)
    new_ids: list[int] = []
    if _archive_ended(result, page.parse_error, archive, first=page.cursor["page"] == 0):
        following = _archive_end(progress, result, page.parse_error)
    elif outcome != "ok":
        following = _page_failed(progress, page.cursor, result, outcome, page.parse_error, archive)
    else:
        since = since_moment(progress.since_date, spec["timezone"])
        new_ids, following = _page_walked(session, row, progress, page, since, archive, now)
    progress.updated_at = as_utc(now).isoformat()
    _save(row, progress)
    session.add(row)
    queries.record_fetch(session, source_id=row.id, url=page.cursor["url"], outcome=outcome,
                         status_code=result.status_code, duration_ms=result.duration_ms, size=len(result.body),
                         new_items=len(new_ids), error=page.parse_error or result.error)
    return new_ids, following, outcome


def _current(progress: Progress | None, cursor: Mapping[str, Any]) -> bool:
    return progress is not None and progress.state == "running" and progress.cursor == dict(cursor)


def _parse_page(result: FetchResult, spec: Mapping[str, Any], url: str) -> tuple[list[FeedItem], str | None]:
    if result.error or result.status_code != 200 or result.not_modified:
        return [], None
    try:
        body = result.text if result.text is not None else result.body
        items = parse_index(spec["kind"], body, result.final_url or url, spec["quirks"], timezone=spec["timezone"])
        return items, None
    except NotAFeed as exc:
        return [], f"not_a_feed: {exc}"
    except IndexParseError as exc:
        return [], f"parse_error: {exc}"


def _archive_ended(result: FetchResult, parse_error: str | None, archive: Archive, *, first: bool) -> bool:
    """Past the last page of a paged archive, sites answer 404 or a page with no entries."""
    if first or archive.mode not in ("param", "next_link") or result.error:
        return False
    return result.status_code in END_OF_ARCHIVE_STATUSES or (result.status_code == 200 and parse_error is not None)


def _archive_end(progress: Progress, result: FetchResult, parse_error: str | None) -> tuple[None, float]:
    progress.cursor, progress.state, progress.attempts, progress.error = None, "done", 0, None
    progress.reason = f"end of archive: {parse_error or f'HTTP {result.status_code}'}"
    return None, 0.0


def _page_failed(progress: Progress, cursor: dict[str, Any], result: FetchResult, outcome: str,
                 parse_error: str | None, archive: Archive) -> tuple[dict[str, Any] | None, float]:
    progress.attempts += 1
    progress.error = parse_error or result.error or f"HTTP {result.status_code} ({outcome})"
    if outcome == "temporary" and progress.attempts < MAX_PAGE_ATTEMPTS:
        # The cursor stays: the same page is tried again, after the server's hint if it gave one.
        return cursor, max(result.retry_after_s or 0.0, RETRY_BASE_S * progress.attempts, archive.delay_s)
    progress.state = "failed"
    progress.reason = f"page {int(cursor['page']) + 1} failed {progress.attempts} time(s): start again to resume"
    return None, 0.0


def _page_walked(session: Session, row: Source, progress: Progress, page: _Page, since: datetime,
                 archive: Archive, now: datetime) -> tuple[list[int], tuple[dict[str, Any] | None, float]]:
    cursor, result, items = page.cursor, page.result, page.items
    html = result.text if archive.mode == "next_link" else None
    plan = plan_page(archive, cursor, items, since=since,
                     next_href=next_link(html, result.final_url or cursor["url"], archive.next_selector),
                     previous_fingerprint=progress.fingerprint)
    new_ids = pipeline.insert_items(session, row, plan.keep, now) if plan.keep else []
    progress.pages_done += 1
    progress.articles += len(new_ids)
    progress.attempts, progress.error = 0, None
    progress.fingerprint = page_fingerprint([item for item in items if not isinstance(item, SitemapRef)])
    before = datetime.fromisoformat(progress.oldest) if progress.oldest else None
    reached = [moment for moment in (plan.oldest, before) if moment is not None]
    progress.oldest = as_utc(min(reached)).isoformat() if reached else None
    progress.cursor = plan.next_cursor
    if plan.next_cursor is None:
        progress.state, progress.reason = "done", plan.reason
    return new_ids, (plan.next_cursor, archive.delay_s)


# --- the whole walk, in-process ------------------------------------------------------------------


def process_found(rt: Runtime, article_ids: list[int]) -> int:
    """Embedded mode: the found articles through the normal fetch and process stages."""
    processed = 0
    for article_id in article_ids:
        ready = pipeline.fetch_article(rt, article_id)
        if ready is None:
            continue
        for alert_id in pipeline.process_article(rt, ready):
            pipeline.deliver_alert(rt, alert_id)
        processed += 1
    return processed


def run(
    rt: Runtime,
    source_id: int,
    *,
    on_page: Callable[[Progress], None] | None = None,
    pause: Callable[[float], None] = time.sleep,
    process: bool = True,
) -> Progress | None:
    """Walk the source's current backfill to its end in this process (embedded mode)."""
    progress = progress_of(rt, source_id)
    cursor = progress.cursor if progress is not None and progress.state == "running" else None
    while cursor is not None:
        report = walk_page(rt, source_id, cursor)
        if process:
            process_found(rt, report.article_ids)
        progress = report.progress
        if on_page is not None and progress is not None:
            on_page(progress)
        cursor = report.next_cursor
        if cursor is not None and report.countdown_s > 0:
            pause(report.countdown_s)
    return progress


def covered_fraction(progress: Progress, now: datetime) -> float:
    """How much of the span from now back to the date the walk has covered, 0..1."""
    if progress.state == "done":
        return 1.0
    if progress.oldest is None:
        return 0.0
    since = as_utc(datetime.combine(progress.since_date, day_start.min))
    span = (as_utc(now) - since) / timedelta(seconds=1)
    if span <= 0:
        return 1.0
    covered = (as_utc(now) - datetime.fromisoformat(progress.oldest)) / timedelta(seconds=1)
    return min(1.0, max(0.0, covered / span))


__all__ = [
    "Archive", "BackfillError", "PagePlan", "PageReport", "Progress", "covered_fraction", "find_source",
    "first_cursor", "next_link", "page_fingerprint", "page_url", "pagination_problems", "plan_page",
    "process_found", "progress_of", "run", "since_moment", "start", "walk_page",
]


def stalled_walks(rt: Runtime, now: datetime | None = None, *, age: timedelta | None = None) -> list[tuple[int, dict[str, Any]]]:
    """Running walks whose next page was never taken (its message lost to a broker restart or
    a crash before enqueueing): each source id with the cursor to resume at. Re-sending a
    cursor is safe: a page whose cursor has moved on is ignored (``walk_page``)."""
    now = as_utc(now or rt.clock())
    # Pages may be paced (delay_s) and queued behind other backfill work: wait well past that.
    age = age or timedelta(seconds=5 * rt.settings.stale_after_s)
    stalled = []
    with session_scope(rt.engine) as session:
        for source_id, config in session.execute(select(Source.id, Source.config)):
            progress = Progress.of(config)
            if progress is None or progress.state != "running" or not progress.cursor or not progress.updated_at:
                continue
            if now - as_utc(datetime.fromisoformat(progress.updated_at)) >= age:
                stalled.append((source_id, dict(progress.cursor)))
    return stalled
