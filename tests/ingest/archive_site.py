"""A news archive over real HTTP for the backfill tests.

``ArchiveSite`` publishes one article a day, newest first, and offers its archive in every
shape the backfill walks: numbered listing pages (``/listing?page=N``), numbered JSON API
pages (``/api/news?page=N&size=...``), listing pages chained by an "older" link
(``/chain?offset=K``) and a sitemap index with one sitemap per month. Past the last page it
answers the way real sites do (``past_end``: a 404, an empty page, or the last page again).
Pages can be made to fail a number of times first, and every request is logged.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from seeds.hostile import KAZAKH_TEXT, RUSSIAN_TEXT, respond, serve

HTML = "text/html; charset=utf-8"
# The quirks.selectors of a source reading this site's listing pages.
LISTING = {"item": "div.item", "link": "a.link", "title": "a.link", "date": "time"}


@dataclass(frozen=True)
class Story:
    slug: str
    title: str
    published_at: datetime


class ArchiveSite:
    def __init__(self, *, days: int = 60, per_page: int = 10, past_end: str = "404",
                 newest: datetime = datetime(2025, 11, 15, 9, 0, tzinfo=timezone.utc)):
        self.per_page = per_page
        self.past_end = past_end
        self.stories = [
            Story(f"story-{n:03d}", f"Новость {n}: переговоры", newest - timedelta(days=n)) for n in range(days)
        ]
        self.requests: list[str] = []
        # "path?query" -> (times left to fail, Retry-After seconds)
        self.failures: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()
        self._server = None
        self.base_url = ""

    # -------------------------------------------------------------- lifecycle

    def __enter__(self) -> ArchiveSite:
        routes = {"/listing": self._listing, "/api/news": self._api, "/chain": self._chain,
                  "/sitemap.xml": self._sitemap_index}
        routes.update({f"/sitemap-{month}.xml": self._sitemap for month in self.months()})
        routes.update({f"/a/{story.slug}": self._article for story in self.stories})
        self._server, self.base_url = serve({path: self._logged(handler) for path, handler in routes.items()})
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def host(self) -> str:
        return self.base_url.split("://", 1)[1]

    # -------------------------------------------------------------- what a test asks

    def urls_since(self, day) -> set[str]:
        return {f"{self.base_url}/a/{s.slug}" for s in self.stories if s.published_at.date() >= day}

    def pages_requested(self, path: str) -> list[int]:
        """The page numbers requested from a numbered archive, in order."""
        return [int(parse_qs(urlsplit(r).query)["page"][0]) for r in self.requests if urlsplit(r).path == path]

    def requested(self, path: str) -> list[str]:
        return [r for r in self.requests if urlsplit(r).path == path]

    def months(self) -> list[str]:
        return sorted({s.published_at.strftime("%Y-%m") for s in self.stories}, reverse=True)

    def fail(self, path_and_query: str, times: int, retry_after_s: int = 0) -> None:
        self.failures[path_and_query] = (times, retry_after_s)

    # -------------------------------------------------------------- handlers

    def _logged(self, handler):
        def serve_logged(request: BaseHTTPRequestHandler) -> None:
            with self._lock:
                self.requests.append(request.path)
                times, retry_after = self.failures.get(request.path, (0, 0))
                if times:
                    self.failures[request.path] = (times - 1, retry_after)
            if times:
                headers = [("Retry-After", str(retry_after))] if retry_after else []
                respond(request, 503, headers + [("Content-Type", HTML)], b"<h1>busy</h1>")
                return
            handler(request)

        return serve_logged

    def _page(self, number: int) -> list[Story] | None:
        """The stories of page ``number`` (1-based), None past the end."""
        start = (number - 1) * self.per_page
        if number < 1 or start >= len(self.stories):
            return None
        return self.stories[start:start + self.per_page]

    def _past_end(self, request: BaseHTTPRequestHandler, render) -> None:
        if self.past_end == "404":
            respond(request, 404, [("Content-Type", HTML)], b"<h1>404</h1>")
        elif self.past_end == "empty":
            respond(request, 200, [("Content-Type", HTML)], render([]))
        else:  # "repeat": the last page again
            last = (len(self.stories) - 1) // self.per_page + 1
            respond(request, 200, [("Content-Type", HTML)], render(self._page(last)))

    def _listing(self, request: BaseHTTPRequestHandler) -> None:
        number = int(_query(request).get("page", "1"))
        stories = self._page(number)
        if stories is None:
            self._past_end(request, self._listing_html)
            return
        respond(request, 200, [("Content-Type", HTML)], self._listing_html(stories))

    def _chain(self, request: BaseHTTPRequestHandler) -> None:
        offset = int(_query(request).get("offset", "0"))
        stories = self.stories[offset:offset + self.per_page]
        following = offset + self.per_page
        older = f'/chain?offset={following}' if following < len(self.stories) else None
        respond(request, 200, [("Content-Type", HTML)], self._listing_html(stories, older=older))

    def _listing_html(self, stories: list[Story], *, older: str | None = None) -> bytes:
        items = "".join(
            f'<div class="item"><a class="link" href="/a/{s.slug}">{s.title}</a>'
            f'<time datetime="{s.published_at.isoformat()}">{s.published_at:%d.%m.%Y}</time></div>'
            for s in stories
        )
        pager = f'<a class="older" href="{older}">Older</a>' if older else ""
        return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Archive</title></head><body>'
                f'<nav><a href="/">Home</a></nav><div class="list">{items}</div>{pager}</body></html>').encode()

    def _api(self, request: BaseHTTPRequestHandler) -> None:
        query = _query(request)
        stories = self._page(int(query.get("page", "1"))) or []
        records = [{"id": s.slug, "title": s.title, "date": s.published_at.isoformat(), "path": f"/a/{s.slug}"}
                   for s in stories]
        body = json.dumps({"content": records, "size": int(query.get("size", "10"))}).encode()
        respond(request, 200, [("Content-Type", "application/json")], body)

    def _sitemap_index(self, request: BaseHTTPRequestHandler) -> None:
        entries = "".join(
            f"<sitemap><loc>{self.base_url}/sitemap-{month}.xml</loc>"
            f"<lastmod>{self._month_stories(month)[0].published_at.isoformat()}</lastmod></sitemap>"
            for month in self.months()
        )
        body = ('<?xml version="1.0" encoding="UTF-8"?>'
                f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>')
        respond(request, 200, [("Content-Type", "application/xml")], body.encode())

    def _sitemap(self, request: BaseHTTPRequestHandler) -> None:
        month = urlsplit(request.path).path.removeprefix("/sitemap-").removesuffix(".xml")
        urls = "".join(
            f"<url><loc>{self.base_url}/a/{s.slug}</loc><lastmod>{s.published_at.isoformat()}</lastmod></url>"
            for s in self._month_stories(month)
        )
        body = ('<?xml version="1.0" encoding="UTF-8"?>'
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>')
        respond(request, 200, [("Content-Type", "application/xml")], body.encode())

    def _month_stories(self, month: str) -> list[Story]:
        return [s for s in self.stories if s.published_at.strftime("%Y-%m") == month]

    def _article(self, request: BaseHTTPRequestHandler) -> None:
        slug = urlsplit(request.path).path.rsplit("/", 1)[-1]
        story = next(s for s in self.stories if s.slug == slug)
        paragraphs = "".join(f"<p>{text}</p>" for text in (
            f"Астана, {story.published_at:%d.%m.%Y}. {RUSSIAN_TEXT}", KAZAKH_TEXT,
            f"Это {story.slug}: стороны договорились продолжить консультации на уровне министров."))
        body = (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{story.title}</title></head><body>'
                f'<nav><a href="/">Home</a></nav><article><h1>{story.title}</h1>'
                f'<time datetime="{story.published_at.isoformat()}"></time>{paragraphs}</article></body></html>')
        respond(request, 200, [("Content-Type", HTML)], body.encode())


def _query(request: BaseHTTPRequestHandler) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(request.path).query).items()}
