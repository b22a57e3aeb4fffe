"""The fixture site: the seed articles served as replayable outlets over real HTTP.

Five outlets share one port, told apart by a path prefix (``/akorda/...``, ``/prosud/...``).
Each has its own page template with real furniture and the kind of index the real outlet
offers (RSS with relative links, a feed found through the homepage, a listing page, a news
sitemap). Pages are rendered on request from the seed files and the manifest, so the site
holds no copies of the pages: its whole state is which items are released and which were
edited, guarded by one lock.
"""

from __future__ import annotations

import copy
import hashlib
import json
import posixpath
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape

from schedules.registry import DEFAULT_QUIRKS
from seeds import corpus

SEEDS_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = SEEDS_DIR / "templates"
# Index validators before anything is released: older than every seed.
SITE_EPOCH = datetime(2024, 1, 1, tzinfo=timezone.utc)
POLL_INTERVAL_S = 60

HTML = "text/html; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
XML = "application/xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"

RU_MONTHS_GENITIVE = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)


@dataclass(frozen=True, slots=True)
class Outlet:
    """One imitated news outlet: identity, index kind and where things live under its prefix."""

    key: str
    name: str
    role: str
    country: str
    timezone: str
    language: str
    kind: str
    index_path: str  # the index the registry polls, relative to the outlet prefix
    feed_path: str | None  # where the RSS feed lives (prosud: found through the homepage)
    date_style: str  # how the outlet prints dates on its pages
    corpus_url: str  # URL pattern of synthetic corpus pages, formatted with their number n
    quirks: tuple[tuple[str, Any], ...] = ()

    @property
    def prefix(self) -> str:
        return f"/{self.key}"


@lru_cache(maxsize=1)
def outlets() -> tuple[Outlet, ...]:
    return (
        Outlet(
            key="akorda", name="Ақорда", role="official", country="KZ",
            timezone="Asia/Almaty", language="kk", kind="rss", index_path="/kz/rss",
            feed_path="/kz/rss", date_style="none", corpus_url="/kz/material-{n:05d}-15{n:05d}",
            quirks=(("relative_links", True), ("page_has_date", False)),
        ),
        Outlet(
            key="prosud", name="ProSud.kz", role="press", country="KZ",
            timezone="Asia/Almaty", language="ru", kind="rss", index_path="/",
            feed_path="/rss.xml", date_style="dd.mm.yyyy, HH:MM",
            corpus_url="/news/material-{n:05d}",
            quirks=(("discover_feed", True),),
        ),
        Outlet(
            key="uzdaily", name="UzDaily", role="press", country="UZ",
            timezone="Asia/Tashkent", language="uz-Cyrl", kind="rss", index_path="/uz/rss",
            feed_path="/uz/rss", date_style="dd.mm.yyyy HH:MM", corpus_url="/uz/post/2{n:05d}",
        ),
        Outlet(
            key="kazpravda", name="Казахстанская правда", role="press", country="KZ",
            timezone="Asia/Almaty", language="ru", kind="html_listing",
            index_path="/r/prezident/", feed_path=None, date_style="d month yyyy, HH:MM",
            corpus_url="/n/material-{n:05d}/",
            quirks=(("selectors", (
                ("item", "div.news-list div.news-item"),
                ("link", "a.news-item__link"),
                ("title", ".news-item__title"),
                ("date", ".news-item__date"),
            )),),
        ),
        Outlet(
            key="24kz", name="24KZ", role="press", country="KZ",
            timezone="Asia/Almaty", language="kk", kind="sitemap", index_path="/sitemap.xml",
            feed_path=None, date_style="dd.mm.yyyy HH:MM",
            corpus_url="/kz/zhanalyktar/sayasat/material-{n:05d}",
            quirks=(("news_sitemap", True),),
        ),
    )


@lru_cache(maxsize=1)
def outlets_by_key() -> Mapping[str, Outlet]:
    return MappingProxyType({outlet.key: outlet for outlet in outlets()})


def outlet_for_url(url: str) -> str | None:
    """The outlet key a fixture-site URL (absolute or a path) belongs to, None for others."""
    first = urlsplit(url).path.lstrip("/").split("/", 1)[0]
    return first if first in outlets_by_key() else None


# --------------------------------------------------------------------------- seed articles


@dataclass(frozen=True, slots=True)
class Block:
    tag: str  # "p" or "h2"
    text: str


def load_manifest(seeds_dir: Path | None = None) -> list[dict[str, Any]]:
    path = (seeds_dir or SEEDS_DIR) / "manifest.json"
    return json.loads(path.read_text(encoding="utf-8"))["seeds"]


def is_subheading(line: str) -> bool:
    """Short lines without closing punctuation are section titles in these outlets' texts."""
    return len(line) <= 80 and not line.endswith(tuple(".!?:;…\"»”“'–-,")) and line[:1].isupper()


def seed_blocks(text: str, furniture: Mapping[str, Any]) -> tuple[str | None, list[Block]]:
    """Split a seed file into its headline and body blocks, leaving its furniture lines out.

    The furniture lines (listed in the manifest) are rendered by the outlet template instead,
    in the header, sidebar or footer, where a real page carries them.
    """
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    cut = furniture.get("sidebar_from")
    if cut:
        lines = lines[: lines.index(cut)]
    moved = set(furniture.get("moved_lines") or ())
    lines = [line for line in lines if line not in moved]
    headline = None
    if furniture.get("headline_in_text", True) and lines:
        headline = lines.pop(0)
        prefix = furniture.get("headline_prefix")
        if prefix and headline.startswith(prefix):
            headline = headline[len(prefix):].strip()
    blocks = [
        Block("h2" if is_subheading(line) and i < len(lines) - 1 else "p", line)
        for i, line in enumerate(lines)
    ]
    return headline, blocks


# --------------------------------------------------------------------------- site items


@dataclass(slots=True)
class SiteItem:
    """A publishable article of the site: a seed or a synthetic corpus page."""

    key: str
    outlet: str
    url: str  # path on the outlet, without the outlet prefix
    guid: str | None
    title: str
    published_at: datetime
    language: str
    timezone: str
    entry: dict[str, Any]  # the manifest entry (for corpus items, a synthesized one)
    description: str = ""
    modified_at: datetime = field(default=SITE_EPOCH)


def item_from_manifest(entry: Mapping[str, Any], description: str = "") -> SiteItem:
    published = datetime.fromisoformat(entry["published_at"])
    return SiteItem(
        key=entry["key"], outlet=entry["outlet"], url=entry["url"], guid=entry.get("guid"),
        title=entry["title"], published_at=published, language=entry["language"],
        timezone=entry["timezone"], entry=dict(entry), description=description,
        modified_at=published,
    )


def lead_of(blocks: list[Block], limit: int = 240) -> str:
    lead = next((b.text for b in blocks if b.tag == "p"), "")
    return corpus.shorten(lead, limit)


def format_page_date(style: str, when: datetime, zone: str) -> str:
    local = when.astimezone(ZoneInfo(zone))
    if style == "d month yyyy, HH:MM":
        month = RU_MONTHS_GENITIVE[local.month - 1]
        return f"{local.day} {month} {local.year}, {local:%H:%M}"
    if style == "dd.mm.yyyy, HH:MM":
        return f"{local:%d.%m.%Y, %H:%M}"
    if style == "dd.mm.yyyy HH:MM":
        return f"{local:%d.%m.%Y %H:%M}"
    return ""


def http_date(when: datetime) -> str:
    return format_datetime(when.astimezone(timezone.utc), usegmt=True)


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@dataclass(frozen=True, slots=True)
class Resource:
    """A response the site would send for a path, before conditional-GET handling."""

    status: int
    content_type: str
    body: bytes
    last_modified: datetime | None = None
    headers: tuple[tuple[str, str], ...] = ()


def not_modified(resource: Resource, request_headers: Mapping[str, str]) -> bool:
    """RFC 9110: If-None-Match decides when present; If-Modified-Since only without it."""
    if resource.status != 200:
        return False
    if_none_match = request_headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag_of(resource.body) in tags
    since = request_headers.get("If-Modified-Since")
    if since is None or resource.last_modified is None:
        return False
    try:
        since_at = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    if since_at.tzinfo is None:
        since_at = since_at.replace(tzinfo=timezone.utc)
    return resource.last_modified.replace(microsecond=0) <= since_at


# --------------------------------------------------------------------------- the site


class FixtureSite:
    """The outlets around the seed articles, on 127.0.0.1 and a random port."""

    def __init__(self, seeds_dir: Path | None = None, *, ordered: bool = False,
                 corpus_size: int = 0, host: str = "127.0.0.1", port: int = 0) -> None:
        self.seeds_dir = Path(seeds_dir) if seeds_dir else SEEDS_DIR
        self.ordered = ordered
        self.host = host
        self.port = port or 0
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._base_url: str | None = None
        self._env = Environment(
            loader=FileSystemLoader(str(TEMPLATES_DIR)),
            autoescape=select_autoescape(["html", "xml"]),
            keep_trailing_newline=True,
        )
        self._manifest = load_manifest(self.seeds_dir)
        self._seed_texts = {
            entry["key"]: (self.seeds_dir / entry["file"]).read_text(encoding="utf-8")
            for entry in self._manifest
        }
        items = [self._seed_item(entry) for entry in self._manifest]
        self._corpus = corpus.Corpus(self._corpus_pools(), size=corpus_size)
        items.extend(self._corpus_item(spec) for spec in self._corpus.specs(outlets()))
        self._items = {item.key: item for item in items}
        self._publication_order = sorted(items, key=lambda it: (it.published_at, it.key))
        self._by_path = {(it.outlet, it.url): it.key for it in items}
        self._released: set[str] = set()
        self._index_modified = dict.fromkeys(outlets_by_key(), SITE_EPOCH)
        self._clock = SITE_EPOCH
        if not ordered:
            self.release_all()
        self._hostile = hostile_routes()

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        if self._base_url is None:
            raise RuntimeError("the fixture site is not started")
        return self._base_url

    def start(self) -> FixtureSite:
        handler = type("FixtureSiteHandler", (SiteRequestHandler,), {"site": self})
        self._server = ThreadingHTTPServer((self.host, self.port), handler)
        self._server.daemon_threads = True
        host, port = self._server.server_address[:2]
        self._base_url = f"http://{host}:{port}"
        # A short poll interval keeps stop() fast; the loop is idle otherwise.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
            name="fixture-site", daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def __enter__(self) -> FixtureSite:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def url(self, outlet: str, path: str = "/") -> str:
        """The absolute URL of a path on an outlet."""
        return f"{self.base_url}/{outlet}{path}"

    def item_url(self, key: str) -> str:
        item = self._items[key]
        return self.url(item.outlet, item.url)

    # ------------------------------------------------------------------ replay

    def release_next(self) -> dict[str, Any] | None:
        """Publish the next unreleased item in publication order; its manifest entry."""
        with self._lock:
            for item in self._publication_order:
                if item.key not in self._released:
                    self._release(item)
                    return dict(item.entry)
        return None

    def release_all(self) -> None:
        with self._lock:
            for item in self._publication_order:
                if item.key not in self._released:
                    self._release(item)

    def _release(self, item: SiteItem) -> None:
        self._released.add(item.key)
        self._touch_index(item.outlet, item.published_at)

    def _touch_index(self, outlet: str, at: datetime) -> datetime:
        # Validators must move forward on every change even when a re-dated item goes back
        # in time, or a client's If-Modified-Since would hide the change.
        self._clock = max(self._clock + timedelta(seconds=1), at)
        self._index_modified[outlet] = self._clock
        return self._clock

    def released_keys(self) -> list[str]:
        with self._lock:
            return [it.key for it in self._publication_order if it.key in self._released]

    def edit_item(self, seed_key: str, *, published_at: str | None = None,
                  title: str | None = None) -> None:
        """Re-date or retitle an item in place: same guid and link, new validators."""
        with self._lock:
            item = self._items[seed_key]
            if published_at is not None:
                item.published_at = datetime.fromisoformat(published_at)
                item.entry["published_at"] = published_at
            if title is not None:
                item.title = title
                item.entry["title"] = title
            item.modified_at = self._touch_index(item.outlet, SITE_EPOCH)

    def manifest_entry(self, key: str) -> dict[str, Any]:
        with self._lock:
            return dict(self._items[key].entry)

    def corpus_entries(self) -> list[dict[str, Any]]:
        return [dict(it.entry) for it in self._publication_order if it.entry.get("file") is None]

    # ------------------------------------------------------------------ registry

    def registry_entries(self) -> list[dict[str, Any]]:
        """Source registry entries (the shared schema) pointing at this site."""
        return [registry_entry(outlet, self.base_url) for outlet in outlets()]

    # ------------------------------------------------------------------ resources

    def resource(self, path: str) -> Resource | None:
        """What the site serves at a path (no query), None when nothing lives there."""
        if path == "/robots.txt":
            return self._robots(None)
        outlet_key = outlet_for_url(path)
        if outlet_key is None:
            return None
        outlet = outlets_by_key()[outlet_key]
        rest = path[len(outlet.prefix):]
        if rest == "":
            return Resource(301, TEXT, b"", headers=(("Location", outlet.prefix + "/"),))
        with self._lock:
            return self._outlet_resource(outlet, rest)

    def _outlet_resource(self, outlet: Outlet, rest: str) -> Resource | None:
        if rest == "/robots.txt":
            return self._robots(outlet)
        if rest == "/":
            return self._homepage(outlet)
        if rest == outlet.feed_path:
            return self._rss(outlet)
        if outlet.kind == "html_listing" and rest == outlet.index_path:
            return self._listing(outlet)
        if outlet.kind == "sitemap" and rest == outlet.index_path:
            return self._sitemap(outlet)
        key = self._by_path.get((outlet.key, rest))
        if key is None or key not in self._released:
            return None
        return self._article(self._items[key])

    def _released_items(self, outlet: Outlet) -> list[SiteItem]:
        items = [
            it for it in self._items.values()
            if it.outlet == outlet.key and it.key in self._released
        ]
        return sorted(items, key=lambda it: (it.published_at, it.key), reverse=True)

    def _render(self, template: str, **context: Any) -> bytes:
        return self._env.get_template(template).render(**context).encode("utf-8")

    def _page_context(self, outlet: Outlet) -> dict[str, Any]:
        return {
            "outlet": outlet,
            "prefix": outlet.prefix,
            "base_url": self.base_url,
            "latest": [self._summary(it) for it in self._released_items(outlet)[:30]],
        }

    def _summary(self, item: SiteItem) -> dict[str, Any]:
        outlet = outlets_by_key()[item.outlet]
        return {
            "key": item.key,
            "title": item.title,
            "href": outlet.prefix + item.url,
            "absolute": self.base_url + outlet.prefix + item.url,
            "relative": posixpath.relpath(item.url, posixpath.dirname(outlet.index_path)),
            "guid": item.guid,
            "published_at": item.published_at,
            "rfc822": format_datetime(item.published_at),
            "iso": item.published_at.isoformat(),
            "date_text": format_page_date(outlet.date_style, item.published_at, item.timezone),
            "language": item.language,
            "description": item.description,
        }

    def _blocks(self, item: SiteItem) -> tuple[str | None, list[Block]]:
        if item.key in self._seed_texts:
            return seed_blocks(self._seed_texts[item.key], item.entry["furniture"])
        return None, [Block(tag, text) for tag, text in self._corpus.blocks(item.key)]

    def _article(self, item: SiteItem) -> Resource:
        outlet = outlets_by_key()[item.outlet]
        _, blocks = self._blocks(item)
        furniture = item.entry.get("furniture", {})
        body = self._render(
            f"{outlet.key}_article.html",
            **self._page_context(outlet),
            item=self._summary(item),
            blocks=blocks,
            furniture=furniture,
            dateline=furniture.get("dateline") or format_page_date(
                outlet.date_style, item.published_at, item.timezone
            ),
        )
        return Resource(200, HTML, body, item.modified_at)

    def _homepage(self, outlet: Outlet) -> Resource:
        body = self._render(f"{outlet.key}_home.html", **self._page_context(outlet))
        return Resource(200, HTML, body, self._index_modified[outlet.key])

    def _rss(self, outlet: Outlet) -> Resource:
        items = [self._summary(it) for it in self._released_items(outlet)]
        body = self._render(
            "rss.xml", **self._page_context(outlet), items=items,
            relative_links=dict(outlet.quirks).get("relative_links", False),
            feed_url=self.base_url + outlet.prefix + (outlet.feed_path or ""),
        )
        return Resource(200, RSS, body, self._index_modified[outlet.key])

    def _listing(self, outlet: Outlet) -> Resource:
        items = [self._summary(it) for it in self._released_items(outlet)]
        body = self._render(f"{outlet.key}_listing.html", **self._page_context(outlet),
                            items=items)
        return Resource(200, HTML, body, self._index_modified[outlet.key])

    def _sitemap(self, outlet: Outlet) -> Resource:
        items = [self._summary(it) for it in self._released_items(outlet)]
        body = self._render("news_sitemap.xml", outlet=outlet, items=items)
        return Resource(200, XML, body, self._index_modified[outlet.key])

    def _robots(self, outlet: Outlet | None) -> Resource:
        # The host root names no sitemap: outlets share the host, and a site discovering
        # one outlet's index must not be sent to another outlet's sitemap.
        sitemaps = [] if outlet is None or outlet.kind != "sitemap" else [
            f"{self.base_url}{outlet.prefix}{outlet.index_path}"
        ]
        lines = ["User-agent: *", "Allow: /", ""] + [f"Sitemap: {url}" for url in sitemaps]
        return Resource(200, TEXT, ("\n".join(lines) + "\n").encode("utf-8"), SITE_EPOCH)

    # ------------------------------------------------------------------ corpus

    def _seed_item(self, entry: Mapping[str, Any]) -> SiteItem:
        _, blocks = seed_blocks(self._seed_texts[entry["key"]], entry["furniture"])
        return item_from_manifest(entry, lead_of(blocks))

    def _corpus_pools(self) -> dict[str, corpus.OutletPool]:
        """Per outlet, the body paragraphs of every seed in the language of its own seed."""
        paragraphs: dict[str, list[str]] = {}
        for entry in self._manifest:
            _, blocks = seed_blocks(self._seed_texts[entry["key"]], entry["furniture"])
            paragraphs.setdefault(entry["language"], []).extend(
                b.text for b in blocks if b.tag == "p"
            )
        return {
            entry["outlet"]: corpus.OutletPool(
                language=entry["language"],
                paragraphs=tuple(paragraphs[entry["language"]]),
                furniture=entry["furniture"],
            )
            for entry in self._manifest
        }

    def _corpus_item(self, spec: corpus.CorpusSpec) -> SiteItem:
        entry = {
            "file": None, "key": spec.key, "outlet": spec.outlet, "url": spec.url,
            "guid": None, "language": spec.language, "script": "Cyrl",
            "published_at": spec.published_at.isoformat(), "timezone": spec.timezone,
            "title": spec.title, "furniture": dict(spec.furniture),
        }
        return item_from_manifest(entry, spec.description)

    # ------------------------------------------------------------------ request log

    def hostile_route(self, path: str) -> Callable[[BaseHTTPRequestHandler], None] | None:
        return self._hostile.get(path)

    def log_request(self, record: dict[str, Any]) -> None:
        with self._lock:
            self.requests.append(record)


def registry_entry(outlet: Outlet, base_url: str) -> dict[str, Any]:
    quirks: dict[str, Any] = copy.deepcopy(dict(DEFAULT_QUIRKS))
    for name, value in outlet.quirks:
        quirks[name] = dict(value) if name == "selectors" else value
    homepage = f"{base_url}{outlet.prefix}/"
    return {
        "key": f"fixture-{outlet.key}",
        "name": f"{outlet.name} (fixture)",
        "kind": outlet.kind,
        "url": f"{base_url}{outlet.prefix}{outlet.index_path}",
        "homepage": homepage,
        "role": outlet.role,
        "country": outlet.country,
        "timezone": outlet.timezone,
        "languages": [outlet.language],
        "poll_interval_s": POLL_INTERVAL_S,
        "quirks": quirks,
    }


def hostile_routes() -> dict[str, Callable[[BaseHTTPRequestHandler], None]]:
    """Routes of seeds/hostile.py when that module is present; none otherwise."""
    try:
        from seeds import hostile
    except ImportError:
        return {}
    routes = getattr(hostile, "hostile_routes", None)
    return dict(routes()) if callable(routes) else {}


class SiteRequestHandler(BaseHTTPRequestHandler):
    """Serves one request from the site's resources; the site is bound as a class attribute."""

    site: FixtureSite
    protocol_version = "HTTP/1.1"
    server_version = "FixtureSite/1.0"
    # Headers and body go out in separate writes; with Nagle on, keep-alive clients would
    # wait for a delayed ACK on every response.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def log_message(self, format: str, *args: Any) -> None:
        """The site keeps its own request log; stderr stays quiet in tests."""

    def _serve(self, *, send_body: bool) -> None:
        parts = urlsplit(self.path)
        record = {
            "path": parts.path,
            "query": parts.query,
            "method": self.command,
            "headers": dict(self.headers.items()),
            "status": None,
        }
        hostile = self.site.hostile_route(parts.path)
        if hostile is not None:
            self.site.log_request(record)
            hostile(self)
            self.close_connection = True
            return
        resource = self.site.resource(parts.path)
        if resource is None:
            resource = Resource(404, HTML, b"<!doctype html><title>404</title><h1>404</h1>")
        status = 304 if not_modified(resource, self.headers) else resource.status
        record["status"] = status
        self.site.log_request(record)
        self._send(resource, status, send_body=send_body)

    def _send(self, resource: Resource, status: int, *, send_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", resource.content_type)
        if resource.status == 200:
            self.send_header("ETag", etag_of(resource.body))
            if resource.last_modified is not None:
                self.send_header("Last-Modified", http_date(resource.last_modified))
        for name, value in resource.headers:
            self.send_header(name, value)
        body = b"" if status == 304 else resource.body
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        try:
            self.end_headers()
            if send_body and body:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            # Fetchers hang up mid-body on purpose (size limits, HEAD-like probes).
            self.close_connection = True
