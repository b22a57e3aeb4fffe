"""Backfill: the pure page planner, and whole walks over a real archive server: sitemaps,
numbered listing and API pages, "older" links; stopping at the date or the archive's end;
resuming after an interruption or a failed page without inserting anything twice."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timezone
from typing import Any

import pytest
from sqlalchemy import select

from storage.db import session_scope
from storage.models import Article, Source
from summitwatch.settings import Settings
from tests.ingest.archive_site import LISTING, ArchiveSite
from tests.ingest.helpers import Clock, count
from workers import backfill
from workers.backfill import Archive, BackfillError, Progress, plan_page
from workers.index import SitemapRef
from workers.records import FeedItem
from workers.runtime import Runtime, build_runtime

NOW = datetime(2025, 11, 15, 12, 0, tzinfo=timezone.utc)
SINCE = datetime(2025, 11, 1, tzinfo=timezone.utc)
NOV_2 = datetime(2025, 11, 2, tzinfo=timezone.utc)
API = {"items": "content", "url": "path", "title": "title", "date": "date", "guid": "id"}


# --- the pure planner ---------------------------------------------------------------------------


def item(day: int | None, slug: str | None = None) -> FeedItem:
    published = datetime(2025, 11, day, 9, tzinfo=timezone.utc) if day else None
    return FeedItem(url=f"https://news.example/{slug or day}", published_at=published)


def ref(name: str, day: int | None) -> SitemapRef:
    return SitemapRef(url=f"https://news.example/{name}.xml",
                      published_at=datetime(2025, 11, day, tzinfo=timezone.utc) if day else None)


PARAM = Archive("param", param="page", start=1, max_pages=10)
CHAIN = Archive("next_link", next_selector="a.older")
SITEMAP = Archive("sitemap", max_pages=10)
CURSOR = {"url": "https://news.example/list?page=3", "page": 2, "queue": []}

PLANS: dict[str, tuple[Archive, dict, list, dict, tuple]] = {
    # name: (archive, cursor, items, options, (kept urls' days, next url or None, reason or None))
    "a page inside the range goes on to the next number": (
        PARAM, CURSOR, [item(9), item(8)], {}, ([9, 8], "https://news.example/list?page=4", None)),
    "a page partly past the date keeps what is in range and reads one page more": (
        PARAM, CURSOR, [item(2), item(1), item(None, "undated")], {"since": NOV_2},
        ([2, None], "https://news.example/list?page=4", None)),
    "a pinned old story does not end the walk": (
        PARAM, CURSOR, [item(1, "pinned"), item(9), item(8)], {"since": NOV_2},
        ([9, 8], "https://news.example/list?page=4", None)),
    "a page with nothing dated in range ends the walk": (
        PARAM, CURSOR, [item(1), item(None, "undated")], {"since": NOV_2}, ([], None, "reached the date")),
    "an empty page ends the archive": (PARAM, CURSOR, [], {}, ([], None, "end of archive: an empty page")),
    "a page repeating the previous one ends the archive": (
        PARAM, CURSOR, [item(9), item(8)], {"previous": "repeat"},
        ([9, 8], None, "end of archive: the page repeats the previous one")),
    "max_pages stops the walk": (
        PARAM, {**CURSOR, "page": 9}, [item(9)], {}, ([9], None, "stopped at max_pages (10)")),
    "an older link leads on": (
        CHAIN, CURSOR, [item(9)], {"next_href": "https://news.example/list?before=9"},
        ([9], "https://news.example/list?before=9", None)),
    "no older link ends the archive": (
        CHAIN, CURSOR, [item(9)], {}, ([9], None, "end of archive: no link to older entries")),
    "the live index alone is a one-page archive": (
        Archive("single"), CURSOR, [item(9)], {}, ([9], None, "the index is the whole archive")),
    "a sitemap index queues its sitemaps newest first, leaving out older ones": (
        SITEMAP, {"url": "https://news.example/sitemap.xml", "page": 0, "queue": []},
        [ref("oct", None), ref("nov-a", 3), ref("nov-b", 14)],
        {"since": NOV_2},
        ([], "https://news.example/nov-b.xml", None)),
    "the last sitemap in the queue ends the walk": (
        SITEMAP, {"url": "https://news.example/nov-a.xml", "page": 3, "queue": []}, [item(5), item(1)],
        {"since": NOV_2}, ([5], None, "every sitemap in range walked")),
}


@pytest.mark.parametrize("name", PLANS)
def test_plan_page(name: str) -> None:
    archive, cursor, items, options, (kept, following, reason) = PLANS[name]
    previous = backfill.page_fingerprint(items) if options.get("previous") == "repeat" else None
    plan = plan_page(archive, cursor, items, since=options.get("since", SINCE), next_href=options.get("next_href"),
                     previous_fingerprint=previous)
    assert [i.published_at.day if i.published_at else None for i in plan.keep] == kept
    assert (plan.next_cursor or {}).get("url") == following
    assert plan.reason == reason


def test_a_sitemap_index_skips_sitemaps_last_modified_before_the_date() -> None:
    refs = [ref("nov-a", 3), ref("old", 1), ref("nov-b", 14), ref("undated", None)]
    plan = plan_page(SITEMAP, {"url": "https://news.example/sitemap.xml", "page": 0, "queue": ["https://x/rest.xml"]},
                     refs, since=NOV_2)
    assert plan.next_cursor == {
        "url": "https://news.example/nov-b.xml", "page": 1,
        "queue": ["https://news.example/nov-a.xml", "https://news.example/undated.xml", "https://x/rest.xml"],
    }


def test_page_urls_keep_other_parameters() -> None:
    url = "https://www.gov.kz/api/news?projects=eq:mfa&page=1&size=20"
    assert backfill.page_url(url, "page", 7) == "https://www.gov.kz/api/news?projects=eq%3Amfa&size=20&page=7"


PAGINATION_PROBLEMS = {
    "an unknown key": ({"parm": "page"}, "unknown pagination key(s) parm"),
    "both ways at once": ({"param": "page", "next_selector": "a"}, "not both"),
    "a page count that is not a number": ({"param": "page", "max_pages": "500"}, "max_pages must be a whole number"),
    "a step of zero": ({"param": "page", "step": 0}, "step must not be 0"),
    "a broken selector": ({"next_selector": "a[["}, "is not valid CSS"),
    "a negative delay": ({"param": "page", "delay_s": -1}, "delay_s must be a number"),
}


@pytest.mark.parametrize(("pagination", "problem"), PAGINATION_PROBLEMS.values(), ids=PAGINATION_PROBLEMS.keys())
def test_pagination_quirk_problems(pagination: dict, problem: str) -> None:
    problems = backfill.pagination_problems(pagination)
    assert any(problem in p for p in problems), problems
    with pytest.raises(BackfillError):
        Archive.of("html_listing", {"pagination": pagination})


def test_a_valid_pagination_quirk_has_no_problems() -> None:
    assert backfill.pagination_problems({"param": "page", "start": 0, "step": 1, "max_pages": 500, "delay_s": 2}) == []
    assert Archive.of("json_api", {"pagination": {"param": "p"}}) == Archive("param", param="p")
    assert Archive.of("sitemap", {}).mode == "sitemap"
    assert Archive.of("rss", {}).mode == "single"


# --- walks over a real archive -----------------------------------------------------------------


@pytest.fixture
def site() -> Iterator[ArchiveSite]:
    with ArchiveSite() as running:
        yield running


def runtime_for(site: ArchiveSite, database_url: str) -> Runtime:
    settings = Settings(database_url=database_url, allow_private_hosts=site.host, fetch_timeout_s=5.0)
    return build_runtime(settings, clock=Clock(NOW))


@pytest.fixture
def rt(site: ArchiveSite, db_url: str) -> Iterator[Runtime]:
    """Walks run on SQLite and on PostgreSQL, where a page's commit locks its source row."""
    runtime = runtime_for(site, db_url)
    yield runtime
    runtime.close()


def add_source(rt: Runtime, key: str, kind: str, url: str, **quirks: Any) -> int:
    quirks.setdefault("pagination", {})
    quirks["pagination"] = {"delay_s": 0, **quirks["pagination"]} if quirks["pagination"] else {}
    with session_scope(rt.engine) as session:
        source = Source(key=key, name=key, kind=kind, url=url, host=url.split("/")[2], timezone="Asia/Almaty",
                        languages=["ru"], config=quirks)
        session.add(source)
        session.flush()
        return source.id


def article_urls(rt: Runtime, source_id: int) -> list[str]:
    with session_scope(rt.engine) as session:
        return list(session.scalars(select(Article.url).where(Article.source_id == source_id)))


def walk(rt: Runtime, source: str, since: date, **options: Any) -> Progress:
    source_id, progress = backfill.start(rt, source, since)
    return backfill.run(rt, source_id, pause=options.pop("pause", _no_pause), process=options.pop("process", False),
                        **options) or progress


def _no_pause(_seconds: float) -> None:
    """Tests move no real time: the walk's politeness pauses are recorded, not slept."""


def test_numbered_listing_pages_are_walked_newest_first_down_to_the_date(site: ArchiveSite, rt: Runtime) -> None:
    source_id = add_source(rt, "listing", "html_listing", f"{site.base_url}/listing", selectors=LISTING,
                           pagination={"param": "page"})
    progress = walk(rt, "listing", date(2025, 11, 1))
    assert site.pages_requested("/listing") == [1, 2, 3]
    assert set(article_urls(rt, source_id)) == site.urls_since(date(2025, 11, 1))
    assert (progress.state, progress.reason) == ("done", "reached the date")
    assert (progress.pages_done, progress.articles, progress.cursor) == (3, 15, None)
    assert progress.oldest == "2025-10-17T09:00:00+00:00"


def test_json_api_pages_are_walked_to_the_date(site: ArchiveSite, rt: Runtime) -> None:
    source_id = add_source(rt, "api", "json_api", f"{site.base_url}/api/news?page=1&size=10", selectors=API,
                           pagination={"param": "page"})
    progress = walk(rt, "api", date(2025, 10, 20))
    assert site.pages_requested("/api/news") == [1, 2, 3, 4]
    assert set(article_urls(rt, source_id)) == site.urls_since(date(2025, 10, 20))
    assert progress.articles == 27 and progress.state == "done"


def test_older_links_are_followed_to_the_date(site: ArchiveSite, rt: Runtime) -> None:
    source_id = add_source(rt, "chain", "html_listing", f"{site.base_url}/chain", selectors=LISTING,
                           pagination={"next_selector": "a.older"})
    progress = walk(rt, "chain", date(2025, 11, 1))
    assert site.requested("/chain") == ["/chain", "/chain?offset=10", "/chain?offset=20"]
    assert set(article_urls(rt, source_id)) == site.urls_since(date(2025, 11, 1))
    assert progress.reason == "reached the date"


def test_a_sitemap_index_is_walked_sitemap_by_sitemap_skipping_older_months(site: ArchiveSite, rt: Runtime) -> None:
    source_id = add_source(rt, "sitemaps", "sitemap", f"{site.base_url}/sitemap.xml")
    progress = walk(rt, "sitemaps", date(2025, 10, 20))
    assert site.months() == ["2025-11", "2025-10", "2025-09"]
    assert [r for r in site.requests if r.startswith("/sitemap")] == [
        "/sitemap.xml", "/sitemap-2025-11.xml", "/sitemap-2025-10.xml"]
    assert set(article_urls(rt, source_id)) == site.urls_since(date(2025, 10, 20))
    assert (progress.state, progress.pages_done, progress.reason) == ("done", 3, "every sitemap in range walked")


@pytest.mark.parametrize("past_end", ["404", "empty", "repeat"])
def test_the_end_of_the_archive_ends_the_walk(past_end: str, sqlite_url: str) -> None:
    with ArchiveSite(past_end=past_end) as site:
        rt = runtime_for(site, sqlite_url)
        try:
            source_id = add_source(rt, "listing", "html_listing", f"{site.base_url}/listing", selectors=LISTING,
                                   pagination={"param": "page"})
            progress = walk(rt, "listing", date(2020, 1, 1))
            assert site.pages_requested("/listing") == [1, 2, 3, 4, 5, 6, 7]
            assert len(article_urls(rt, source_id)) == len(site.stories)
            assert progress.state == "done" and progress.reason.startswith("end of archive")
        finally:
            rt.close()


def test_an_interrupted_walk_resumes_where_it_stopped_and_inserts_nothing_twice(site: ArchiveSite, rt: Runtime) -> None:
    source_id = add_source(rt, "listing", "html_listing", f"{site.base_url}/listing", selectors=LISTING,
                           pagination={"param": "page"})

    def interrupt_after_two_pages(progress: Progress) -> None:
        if progress.pages_done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        walk(rt, "listing", date(2025, 10, 10), on_page=interrupt_after_two_pages)
    stopped = backfill.progress_of(rt, "listing")
    assert (stopped.state, stopped.pages_done, stopped.cursor["page"]) == ("running", 2, 2)
    assert len(article_urls(rt, source_id)) == stopped.articles == 20

    progress = walk(rt, "listing", date(2025, 10, 10))
    assert site.pages_requested("/listing") == [1, 2, 3, 4, 5]
    urls = article_urls(rt, source_id)
    assert len(urls) == len(set(urls)) == progress.articles == 37
    assert set(urls) == site.urls_since(date(2025, 10, 10))
    assert progress.pages_done == 5 and progress.state == "done"

    # Asked again for the same date: the finished walk is left as it is.
    again = walk(rt, "listing", date(2025, 10, 10))
    assert site.pages_requested("/listing") == [1, 2, 3, 4, 5]
    assert again == progress


def test_a_page_interrupted_before_its_commit_is_walked_again_without_duplicates(site: ArchiveSite,
                                                                                 rt: Runtime) -> None:
    source_id = add_source(rt, "listing", "html_listing", f"{site.base_url}/listing", selectors=LISTING,
                           pagination={"param": "page"})
    _, progress = backfill.start(rt, "listing", date(2025, 11, 1))
    first_page = progress.cursor
    report = backfill.walk_page(rt, source_id, first_page)
    # The worker died after the commit but before the next task was sent: the page's task is
    # redelivered with the old cursor, which the walk no longer has, so it does nothing.
    assert backfill.walk_page(rt, source_id, first_page).article_ids == []
    assert site.pages_requested("/listing") == [1]
    backfill.walk_page(rt, source_id, report.next_cursor)
    assert len(article_urls(rt, source_id)) == 15


def test_two_workers_on_the_same_page_never_fork_the_walk(site: ArchiveSite, pg_url: str) -> None:
    rt = runtime_for(site, pg_url)
    try:
        source_id = add_source(rt, "listing", "html_listing", f"{site.base_url}/listing", selectors=LISTING,
                               pagination={"param": "page"})
        _, progress = backfill.start(rt, "listing", date(2025, 11, 1))
        start_together = threading.Barrier(2)

        def walk_the_first_page(_: int) -> backfill.PageReport:
            start_together.wait()
            return backfill.walk_page(rt, source_id, progress.cursor)

        with ThreadPoolExecutor(max_workers=2) as pool:
            reports = list(pool.map(walk_the_first_page, range(2)))
        # Both fetched the page; the one that committed second found the walk moved on.
        assert sorted(report.next_cursor is not None for report in reports) == [False, True]
        assert backfill.progress_of(rt, "listing").pages_done == 1
        assert len(article_urls(rt, source_id)) == 10
    finally:
        rt.close()


def test_a_busy_page_is_retried_after_the_servers_hint(site: ArchiveSite, rt: Runtime) -> None:
    add_source(rt, "listing", "html_listing", f"{site.base_url}/listing", selectors=LISTING,
               pagination={"param": "page"})
    site.fail("/listing?page=2", times=2, retry_after_s=90)
    pauses: list[float] = []
    progress = walk(rt, "listing", date(2025, 11, 1), pause=pauses.append)
    assert site.pages_requested("/listing") == [1, 2, 2, 2, 3]
    assert pauses == [90.0, 90.0]
    assert progress.state == "done" and progress.articles == 15 and progress.error is None


def test_a_page_that_keeps_failing_stops_the_walk_until_it_is_started_again(site: ArchiveSite, rt: Runtime) -> None:
    source_id = add_source(rt, "listing", "html_listing", f"{site.base_url}/listing", selectors=LISTING,
                           pagination={"param": "page"})
    site.fail("/listing?page=2", times=backfill.MAX_PAGE_ATTEMPTS)
    failed = walk(rt, "listing", date(2025, 11, 1))
    assert failed.state == "failed" and "503" in failed.error and failed.cursor["page"] == 1
    assert len(article_urls(rt, source_id)) == 10

    resumed = walk(rt, "listing", date(2025, 11, 1))
    assert site.pages_requested("/listing") == [1, 2, 2, 2, 2, 3]
    assert resumed.state == "done" and resumed.articles == 15 and len(article_urls(rt, source_id)) == 15


def test_articles_found_go_through_the_fetch_and_process_stages(site: ArchiveSite, rt: Runtime) -> None:
    source_id = add_source(rt, "listing", "html_listing", f"{site.base_url}/listing", selectors=LISTING,
                           pagination={"param": "page", "max_pages": 1})
    progress = walk(rt, "listing", date(2025, 11, 1), process=True)
    assert progress.reason == "stopped at max_pages (1)"
    with session_scope(rt.engine) as session:
        states = session.scalars(select(Article.state).where(Article.source_id == source_id)).all()
        fetched = count(session, Article, Article.fetched_at.is_not(None))
    assert states == ["processed"] * 10 and fetched == 10


def test_a_walk_to_another_date_starts_from_the_newest_page(site: ArchiveSite, rt: Runtime) -> None:
    source_id = add_source(rt, "listing", "html_listing", f"{site.base_url}/listing", selectors=LISTING,
                           pagination={"param": "page"})
    walk(rt, "listing", date(2025, 11, 10))
    deeper = walk(rt, "listing", date(2025, 10, 25))
    assert site.pages_requested("/listing") == [1, 2, 1, 2, 3, 4]
    assert deeper.articles == 22 - 6 and len(article_urls(rt, source_id)) == 22


def test_a_finished_walk_can_be_restarted_from_the_newest_page(site: ArchiveSite, rt: Runtime) -> None:
    source_id = add_source(rt, "listing", "html_listing", f"{site.base_url}/listing", selectors=LISTING,
                           pagination={"param": "page"})
    walk(rt, "listing", date(2025, 11, 10))
    _, restarted = backfill.start(rt, "listing", date(2025, 11, 10), restart=True)
    assert (restarted.state, restarted.pages_done, restarted.cursor["page"]) == ("running", 0, 0)
    finished = backfill.run(rt, source_id, pause=_no_pause, process=False)
    assert site.pages_requested("/listing") == [1, 2, 1, 2]
    assert finished.articles == 0 and len(article_urls(rt, source_id)) == 6


def test_unknown_sources_and_undiscovered_feeds_are_refused(rt: Runtime) -> None:
    with pytest.raises(BackfillError, match="no source"):
        backfill.start(rt, "nowhere", date(2025, 1, 1))
    add_source(rt, "homepage", "rss", "https://news.example/", discover_feed=True)
    with pytest.raises(BackfillError, match="no discovered feed"):
        backfill.start(rt, "homepage", date(2025, 1, 1))


def test_progress_covers_the_span_back_to_the_date() -> None:
    progress = Progress(since="2025-11-05", oldest="2025-11-10T06:00:00+00:00")
    assert backfill.covered_fraction(progress, NOW) == pytest.approx(0.5, abs=0.01)
    assert backfill.covered_fraction(Progress(since="2025-11-05", state="done"), NOW) == 1.0
    assert backfill.covered_fraction(Progress(since="2025-11-05"), NOW) == 0.0
