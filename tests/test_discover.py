"""Feed discovery against real local HTTP servers, one per imitated site layout."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from schedules.registry import spec_from_dict
from workers.discover import DiscoveryError, discover

Routes = dict[str, tuple[int, str, str]]  # path -> (status, content type, body)
# The local servers must be reached directly, whatever proxy the environment names.
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))

RSS = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Prosud</title>
<language>ru</language>
<item><title>Суд</title><link>/news/sud-1</link><pubDate>Sat, 15 Nov 2025 11:45:00 +0500</pubDate></item>
</channel></rss>"""
NEWS_SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>{base}/kz/zhanalyktar/1</loc><news:news><news:publication><news:name>24</news:name>
<news:language>kk</news:language></news:publication>
<news:publication_date>2025-11-15T16:20:00+05:00</news:publication_date><news:title>Саммит</news:title></news:news></url>
</urlset>"""
PLAIN_SITEMAP = """<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{base}/a</loc></url></urlset>"""


def homepage(*links: str, lang: str = "ru", title: str = "Prosud.kz — новости") -> str:
    head = "".join(links)
    return f'<!DOCTYPE html><html lang="{lang}"><head><title>{title}</title>{head}</head><body><p>Новости</p></body></html>'


class _Handler(BaseHTTPRequestHandler):
    routes: Routes = {}
    base = ""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        status, content_type, body = self.routes.get(self.path, (404, "text/plain", "not found"))
        data = body.replace("{base}", self.base).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def site(routes: Routes) -> Iterator[str]:
    handler = type("Handler", (_Handler,), {"routes": routes})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    handler.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield handler.base
    finally:
        server.shutdown()
        server.server_close()


class Recorder:
    """``get`` for discover(): real HTTP, remembering what was asked for."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __call__(self, url: str) -> tuple[int, str]:
        self.asked.append(url)
        try:
            with NO_PROXY.open(url, timeout=5) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, ""


def test_homepage_link_alternate_wins() -> None:
    routes = {
        "/": (200, "text/html", homepage('<link rel="alternate" type="application/rss+xml" href="/rss.xml">')),
        "/rss.xml": (200, "application/rss+xml", RSS),
    }
    with site(routes) as base:
        get = Recorder()
        entry = discover(f"{base}/", get, country="KZ")
    assert entry["kind"] == "rss" and entry["url"] == f"{base}/rss.xml"
    assert entry["quirks"]["relative_links"] is True
    assert entry["languages"] == ["ru"] and entry["name"] == "Prosud.kz — новости"
    assert (entry["country"], entry["timezone"]) == ("KZ", "Asia/Almaty")
    # A feed was found on the homepage: robots.txt and sitemaps were not needed.
    assert get.asked == [f"{base}/", f"{base}/rss.xml"]
    spec_from_dict(entry)  # the printed entry is a valid registry entry as it stands


def test_feed_link_answering_html_is_skipped_for_robots_sitemap() -> None:
    routes = {
        "/": (200, "text/html", homepage('<link rel="alternate" type="application/rss+xml" href="/feed">', lang="kk")),
        "/feed": (200, "text/html", homepage()),
        "/robots.txt": (200, "text/plain", "User-agent: *\nAllow: /\nSitemap: {base}/news-sitemap.xml\n"),
        "/news-sitemap.xml": (200, "application/xml", NEWS_SITEMAP),
    }
    with site(routes) as base:
        entry = discover(f"{base}/", Recorder(), country="KZ")
    assert entry["kind"] == "sitemap" and entry["url"] == f"{base}/news-sitemap.xml"
    assert entry["quirks"]["news_sitemap"] is True
    assert entry["languages"] == ["kk"]
    spec_from_dict(entry)


def test_sitemap_xml_is_the_last_resort() -> None:
    routes = {
        "/": (200, "text/html", homepage()),
        "/sitemap.xml": (200, "application/xml", PLAIN_SITEMAP),
    }
    with site(routes) as base:
        get = Recorder()
        entry = discover(f"{base}/", get, country="UZ")
    assert entry["kind"] == "sitemap" and entry["url"] == f"{base}/sitemap.xml"
    assert entry["quirks"]["news_sitemap"] is False
    assert entry["timezone"] == "Asia/Tashkent"
    assert get.asked == [f"{base}/", f"{base}/robots.txt", f"{base}/sitemap.xml"]


def test_feed_is_preferred_over_a_news_sitemap() -> None:
    routes = {
        "/": (200, "text/html", homepage('<link rel="alternate" type="application/atom+xml" href="/rss.xml">')),
        "/rss.xml": (200, "application/rss+xml", RSS),
        "/robots.txt": (200, "text/plain", "Sitemap: /news-sitemap.xml\n"),
        "/news-sitemap.xml": (200, "application/xml", NEWS_SITEMAP),
    }
    with site(routes) as base:
        entry = discover(f"{base}/", Recorder(), country="KZ")
    assert entry["kind"] == "rss"


def test_nothing_readable_raises_naming_what_was_tried() -> None:
    routes = {"/": (200, "text/html", homepage())}
    with site(routes) as base:
        with pytest.raises(DiscoveryError, match="no feed or sitemap found") as raised:
            discover(f"{base}/", Recorder())
    assert f"{base}/robots.txt" in str(raised.value) and f"{base}/sitemap.xml" in str(raised.value)


@pytest.mark.parametrize(
    ("homepage_url", "country", "zone", "key"),
    [
        ("https://prosud.kz/", "KZ", "Asia/Almaty", "prosud-kz"),
        ("https://www.gazeta.uz/", "UZ", "Asia/Tashkent", "gazeta-uz"),
        ("https://24.kg", "KG", "Asia/Bishkek", "24-kg"),
        ("https://example.com/", None, "UTC", "example-com"),
    ],
)
def test_country_zone_and_key_come_from_the_domain(homepage_url: str, country: str | None, zone: str, key: str) -> None:
    feed_url = homepage_url.rstrip("/") + "/rss"
    pages = {
        homepage_url: homepage(f'<link rel="alternate" type="application/rss+xml" href="{feed_url}">'),
        feed_url: RSS,
    }
    entry = discover(homepage_url, lambda url: (200, pages[url]) if url in pages else (404, ""))
    assert (entry["country"], entry["timezone"], entry["key"]) == (country, zone, key)
