"""A fixture site for the scale simulation: many small RSS sources spread over many hosts.

Source ``n`` lives on loopback address ``127.0.0.{2 + n % hosts}`` (every address of
127.0.0.0/8 reaches this machine), all on one port, so the registry sees ``hosts`` distinct
``host:port`` politeness units. Its feed ``/scale/{n}/rss`` lists ``items`` links to small
generated article pages ``/scale/{n}/a/{i}``. Pages are pure functions of ``(n, i)``; the
feed never changes, so every poll after the first is a conditional GET answered 304.

The site counts what a polite crawler must keep low: requests in flight per host, at peak,
separately for feeds and article pages, and the time of every feed request per source.
"""

from __future__ import annotations

import random
import selectors
import socket
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from functools import lru_cache
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from seeds.site import SEEDS_DIR, Resource, etag_of, http_date, load_manifest, not_modified, seed_blocks

MAX_HOSTS = 250
FIRST_HOST_OCTET = 2
EPOCH = datetime(2025, 11, 1, 6, 0, tzinfo=timezone.utc)
LANGUAGES = ("ru", "kk", "ru")

# Everyday news with nothing for the event extractor: most of what a monitor reads.
FILLER = {
    "ru": (
        "В городе завершили ремонт центральной улицы, движение транспорта восстановлено в полном объёме.",
        "Синоптики обещают на выходных переменную облачность и до пятнадцати градусов тепла.",
        "Областная библиотека открыла новый читальный зал с доступом к электронным каталогам.",
        "Футбольный клуб провёл открытую тренировку для болельщиков перед началом сезона.",
        "В школах региона начались осенние каникулы, которые продлятся до конца недели.",
        "Коммунальные службы предупреждают о плановом отключении горячей воды в нескольких районах.",
        "На городском рынке подешевели овощи, сообщает управление по ценовой политике.",
        "Местный театр показал премьеру спектакля по мотивам классической прозы.",
        "Студенты технического колледжа представили проекты по переработке пластиковых отходов.",
        "Аэропорт обслужил на десять процентов больше пассажиров, чем годом ранее.",
        "Волонтёры высадили в парке несколько сотен молодых деревьев.",
        "Жителей просят заранее проверить отопительные приборы перед началом холодов.",
    ),
    "kk": (
        "Қалада орталық көшені жөндеу жұмыстары аяқталып, көлік қозғалысы толық қалпына келтірілді.",
        "Синоптиктер демалыс күндері ауыспалы бұлтты ауа райы болатынын хабарлады.",
        "Облыстық кітапхана электронды каталогтары бар жаңа оқу залын ашты.",
        "Футбол клубы маусым басталар алдында жанкүйерлерге ашық жаттығу өткізді.",
        "Өңір мектептерінде күзгі демалыс басталды, ол апта соңына дейін жалғасады.",
        "Коммуналдық қызметтер бірнеше ауданда ыстық су жоспарлы түрде өшірілетінін ескертті.",
        "Қалалық базарда көкөніс бағасы төмендегені хабарланды.",
        "Жергілікті театр классикалық прозаның желісімен жаңа қойылымның тұсаукесерін өткізді.",
        "Колледж студенттері пластик қалдықтарын қайта өңдеу жобаларын таныстырды.",
        "Еріктілер саябаққа бірнеше жүз жас көшет отырғызды.",
    ),
}


@dataclass(frozen=True)
class ScaleLayout:
    """Where every source and page of the simulation lives."""

    sources: int
    items: int
    port: int
    hosts: int
    # One page in this many carries a paragraph of a seed article, so extraction and
    # resolution have real work on a share of the corpus.
    event_every: int = 20

    @classmethod
    def for_sources(cls, sources: int, items: int, port: int, *, event_every: int = 20) -> ScaleLayout:
        # About four sources per host, as on real news sites with several feeds.
        return cls(sources, items, port, max(1, min(MAX_HOSTS, sources // 4)), event_every)

    def address(self, n: int) -> str:
        return f"127.0.0.{FIRST_HOST_OCTET + n % self.hosts}"

    def addresses(self) -> list[str]:
        return [f"127.0.0.{FIRST_HOST_OCTET + h}" for h in range(self.hosts)]

    def host(self, n: int) -> str:
        return f"{self.address(n)}:{self.port}"

    def feed_url(self, n: int) -> str:
        return f"http://{self.host(n)}/scale/{n}/rss"

    def article_url(self, n: int, i: int) -> str:
        return f"http://{self.host(n)}/scale/{n}/a/{i}"

    def allowed_hosts(self) -> str:
        """The value of SUMMITWATCH_ALLOW_PRIVATE_HOSTS that lets the workers reach the site."""
        return " ".join(f"{address}:{self.port}" for address in self.addresses())

    def language(self, n: int) -> str:
        return LANGUAGES[n % len(LANGUAGES)]

    def published_at(self, n: int, i: int) -> datetime:
        return EPOCH + timedelta(minutes=7 * i + n % 97)

    def registry_entries(self, poll_interval_s: int) -> list[dict[str, Any]]:
        return [
            {
                "key": f"scale-{n:05d}",
                "name": f"Scale source {n}",
                "kind": "rss",
                "url": self.feed_url(n),
                "homepage": f"http://{self.host(n)}/scale/{n}/",
                "role": "press",
                "country": "KZ",
                "timezone": "Asia/Almaty",
                "languages": [self.language(n)],
                "poll_interval_s": poll_interval_s,
                "quirks": {},
            }
            for n in range(self.sources)
        ]


# --- pages -----------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def seed_paragraphs() -> tuple[str, ...]:
    paragraphs = []
    for entry in load_manifest():
        text = (SEEDS_DIR / entry["file"]).read_text(encoding="utf-8")
        _, blocks = seed_blocks(text, entry["furniture"])
        paragraphs += [b.text for b in blocks if b.tag == "p" and len(b.text) > 120]
    return tuple(paragraphs)


def _rng(n: int, i: int) -> random.Random:
    return random.Random(n * 1_000_003 + i)


def article_paragraphs(layout: ScaleLayout, n: int, i: int) -> list[str]:
    rng = _rng(n, i)
    pool = FILLER[layout.language(n)]
    paragraphs = [" ".join(rng.sample(pool, rng.randint(2, 4))) for _ in range(rng.randint(3, 5))]
    if (n * layout.items + i) % layout.event_every == 0:
        paragraphs.insert(1, rng.choice(seed_paragraphs()))
    return paragraphs


def article_title(layout: ScaleLayout, n: int, i: int) -> str:
    first = _rng(n, i).choice(FILLER[layout.language(n)])
    return f"{first.split(',')[0].rstrip('.')} ({n}-{i})"


def article_page(layout: ScaleLayout, n: int, i: int) -> bytes:
    title = escape(article_title(layout, n, i))
    published = layout.published_at(n, i)
    body = "\n".join(f"<p>{escape(p)}</p>" for p in article_paragraphs(layout, n, i))
    related = "\n".join(
        f'<li><a href="/scale/{n}/a/{j}">{escape(article_title(layout, n, j))}</a></li>'
        for j in range(max(0, i - 3), i)
    )
    return f"""<!doctype html>
<html lang="{layout.language(n)}"><head><meta charset="utf-8"><title>{title}</title>
<meta property="article:published_time" content="{published.isoformat()}"></head>
<body><header><nav><a href="/scale/{n}/">Главная</a> <a href="/scale/{n}/rss">RSS</a></nav></header>
<main><article><h1>{title}</h1><time datetime="{published.isoformat()}">{published:%d.%m.%Y %H:%M}</time>
{body}
</article></main>
<aside><h3>Читайте также</h3><ul>{related}</ul></aside>
<footer>© Scale source {n}. Все права защищены.</footer></body></html>
""".encode("utf-8")


def feed(layout: ScaleLayout, n: int) -> bytes:
    items = "\n".join(
        f"""<item><title>{xml_escape(article_title(layout, n, i))}</title>
<link>{layout.article_url(n, i)}</link><guid isPermaLink="true">{layout.article_url(n, i)}</guid>
<pubDate>{format_datetime(layout.published_at(n, i))}</pubDate></item>"""
        for i in reversed(range(layout.items))
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Scale source {n}</title><link>http://{layout.host(n)}/scale/{n}/</link>
<description>Synthetic source {n}</description><language>{layout.language(n)}</language>
{items}
</channel></rss>
""".encode("utf-8")


def resource(layout: ScaleLayout, address: str, path: str) -> tuple[str, int | None, Resource]:
    """What the site serves at a path on one address: (kind, source number, response)."""
    missing = ("other", None, Resource(404, "text/plain; charset=utf-8", b"not found"))
    if path == "/robots.txt":
        return "robots", None, Resource(200, "text/plain; charset=utf-8", b"User-agent: *\nAllow: /\n", EPOCH)
    parts = path.strip("/").split("/")
    if len(parts) < 3 or parts[0] != "scale" or not parts[1].isdigit():
        return missing
    n = int(parts[1])
    if n >= layout.sources or layout.address(n) != address:
        return missing
    if parts[2:] == ["rss"]:
        last = layout.published_at(n, layout.items - 1)
        return "feed", n, Resource(200, "application/rss+xml; charset=utf-8", feed(layout, n), last)
    if len(parts) == 4 and parts[2] == "a" and parts[3].isdigit() and int(parts[3]) < layout.items:
        i = int(parts[3])
        return "article", n, Resource(200, "text/html; charset=utf-8", article_page(layout, n, i),
                                      layout.published_at(n, i))
    return missing


# --- load accounting -------------------------------------------------------------------------

class HostLoad:
    """Requests in flight per host (now and at peak, per kind), feed request times per source,
    and how often each article page was fetched."""

    def __init__(self, clock=time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._in_flight: Counter[tuple[str, str]] = Counter()
        self.peak: Counter[tuple[str, str]] = Counter()
        self.polls: dict[int, list[float]] = defaultdict(list)
        self.article_fetches: Counter[tuple[int, str]] = Counter()

    @contextmanager
    def request(self, host: str, kind: str, n: int | None, path: str) -> Iterator[None]:
        keys = [(host, kind), (host, "all")]
        with self._lock:
            for key in keys:
                self._in_flight[key] += 1
                self.peak[key] = max(self.peak[key], self._in_flight[key])
            if kind == "feed" and n is not None:
                self.polls[n].append(self._clock())
            elif kind == "article" and n is not None:
                self.article_fetches[(n, path)] += 1
        try:
            yield
        finally:
            with self._lock:
                for key in keys:
                    self._in_flight[key] -= 1

    def peak_per_host(self) -> dict[str, int]:
        with self._lock:
            kinds = {kind for _, kind in self.peak}
            return {kind: max((v for (_, k), v in self.peak.items() if k == kind), default=0) for kind in kinds}

    def poll_times(self) -> Mapping[int, list[float]]:
        with self._lock:
            return {n: list(times) for n, times in self.polls.items()}

    def repeated_article_fetches(self) -> int:
        with self._lock:
            return sum(count - 1 for count in self.article_fetches.values() if count > 1)


class _Handler(BaseHTTPRequestHandler):
    layout: ScaleLayout
    load: HostLoad
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        address = self.server.server_address[0]
        path = self.path.split("?", 1)[0]
        kind, n, found = resource(self.layout, address, path)
        with self.load.request(f"{address}:{self.layout.port}", kind, n, path):
            status = 304 if not_modified(found, self.headers) else found.status
            body = b"" if status == 304 else found.body
            self.send_response(status)
            self.send_header("Content-Type", found.content_type)
            if found.status == 200:
                self.send_header("ETag", etag_of(found.body))
                if found.last_modified is not None:
                    self.send_header("Last-Modified", http_date(found.last_modified))
            self.send_header("Content-Length", str(len(body)))
            try:
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

    def log_message(self, *_args: Any) -> None:
        return


class ScaleSite:
    """One HTTP server per loopback address, all on one port, served by one accept loop."""

    def __init__(self, sources: int, items: int, *, event_every: int = 20) -> None:
        self._sources, self._items, self._event_every = sources, items, event_every
        self.load = HostLoad()
        self.layout: ScaleLayout | None = None
        self._servers: list[ThreadingHTTPServer] = []
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, attempts: int = 5) -> ScaleSite:
        for _ in range(attempts):
            layout = ScaleLayout.for_sources(self._sources, self._items, _free_port(),
                                             event_every=self._event_every)
            handler = type("ScaleHandler", (_Handler,), {"layout": layout, "load": self.load})
            try:
                self._servers = [_server(address, layout.port, handler) for address in layout.addresses()]
            except OSError:
                self._close_servers()
                continue
            self.layout = layout
            self._thread = threading.Thread(target=self._accept_loop, name="scale-site", daemon=True)
            self._thread.start()
            return self
        raise RuntimeError("no port free on every loopback address of the scale site")

    def _accept_loop(self) -> None:
        with selectors.DefaultSelector() as selector:
            for server in self._servers:
                selector.register(server, selectors.EVENT_READ)
            while not self._stopping.is_set():
                for key, _ in selector.select(timeout=0.1):
                    # Ready to accept: handle_request() does not block, and the threading
                    # server answers on a thread of its own.
                    key.fileobj.handle_request()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        self._close_servers()

    def _close_servers(self) -> None:
        for server in self._servers:
            server.server_close()
        self._servers = []

    def __enter__(self) -> ScaleSite:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def _server(address: str, port: int, handler: type[_Handler]) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((address, port), handler)
    server.daemon_threads = True
    server.timeout = 0
    return server


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((f"127.0.0.{FIRST_HOST_OCTET}", 0))
        return sock.getsockname()[1]

