"""Hostile routes for the fixture site: the ways real news sites break naive fetchers.

``hostile_routes()`` maps paths under ``/hostile/`` to handlers that write the whole
response (status line, headers, body) themselves on the handler's socket, so they can send
what a well-behaved framework would refuse to: a body that never ends, a gzip stream that
inflates to a gigabyte, a body in one charset declared as another.

``serve(routes)`` runs them on a private ThreadingHTTPServer on 127.0.0.1 (tests use it
before the fixture site mounts the same routes).
"""

from __future__ import annotations

import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

Route = Callable[[BaseHTTPRequestHandler], None]

HUGE_BYTES = 50 * 1024 * 1024
BOMB_INFLATED_BYTES = 1024 * 1024 * 1024
TRICKLE_INTERVAL_S = 0.5
# The trickle gives up by itself so a forgotten client cannot keep a server thread forever.
TRICKLE_MAX_BYTES = 240
RETRY_AFTER_S = 120

FEED_ETAG = '"hostile-feed-1"'
FEED_LAST_MODIFIED = "Thu, 14 Nov 2024 09:00:00 GMT"
RUSSIAN_TEXT = (
    "Президент Казахстана Касым-Жомарт Токаев провёл переговоры с Президентом Узбекистана "
    "Шавкатом Мирзиёевым. Стороны обсудили торговлю, транзит и водные ресурсы."
)
KAZAKH_TEXT = (
    "Қазақстан Президенті Қасым-Жомарт Тоқаев Өзбекстан Президенті Шавкат Мирзиёевпен "
    "келіссөздер жүргізді. Тараптар сауда мен көлік мәселелерін талқылады."
)
_CLIENT_GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)


def respond(
    handler: BaseHTTPRequestHandler,
    status: int,
    headers: Iterable[tuple[str, str]] = (),
    body: bytes | Iterable[bytes] = b"",
    *,
    content_length: bool = True,
) -> None:
    """Writes a complete response and closes the connection; a client that hangs up mid-body
    is normal here (fetchers cut hostile bodies off), so it ends the handler quietly."""
    handler.close_connection = True
    lines = [f"HTTP/1.1 {status} {_reason(status)}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers]
    if isinstance(body, bytes | bytearray) and content_length:
        lines.append(f"Content-Length: {len(body)}")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    try:
        handler.wfile.write(head)
        if handler.command != "HEAD":
            for chunk in [body] if isinstance(body, bytes | bytearray) else body:
                handler.wfile.write(chunk)
                handler.wfile.flush()
    except _CLIENT_GONE:
        return


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def rss(
    items: Iterable[tuple[str, str, str]],
    *,
    title: str = "Hostile fixture feed",
    encoding: str = "utf-8",
) -> bytes:
    """A small RSS 2.0 document: items are (guid, link, title)."""
    return rss_document(items, title=title, encoding=encoding).encode(encoding)


def rss_document(
    items: Iterable[tuple[str, str, str]],
    *,
    title: str = "Hostile fixture feed",
    encoding: str = "utf-8",
) -> str:
    entries = "".join(
        f'<item><guid isPermaLink="false">{guid}</guid><link>{link}</link><title>{name}</title>'
        "<pubDate>Thu, 14 Nov 2024 09:00:00 +0000</pubDate></item>"
        for guid, link, name in items
    )
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0"><channel>'
        f"<title>{title}</title><link>http://fixture.invalid/</link>"
        "<description>fixture</description>"
        f"{entries}</channel></rss>\n"
    )


def _feed_items() -> list[tuple[str, str, str]]:
    return [
        ("hostile-1", "/news/tokayev-mirziyoyev-talks", "Токаев и Мирзиёев провели переговоры"),
        ("hostile-2", "/news/astana-summit", "Саммит в Астане"),
    ]


def well_formed_feed(handler: BaseHTTPRequestHandler) -> None:
    """The source that keeps working while its neighbours fail; honours conditional GET."""
    if handler.headers.get("If-None-Match") == FEED_ETAG:
        respond(handler, 304, [("ETag", FEED_ETAG)])
        return
    respond(
        handler,
        200,
        [
            ("Content-Type", "application/rss+xml; charset=utf-8"),
            ("ETag", FEED_ETAG),
            ("Last-Modified", FEED_LAST_MODIFIED),
            ("Cache-Control", "max-age=300"),
        ],
        rss(_feed_items()),
    )


def malformed_feed(handler: BaseHTTPRequestHandler) -> None:
    body = (
        b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Broken'
        b"<item><title>Unclosed &nbsp; entity & tags<link>/news/1</item></channel>"
    )
    respond(handler, 200, [("Content-Type", "application/rss+xml; charset=utf-8")], body)


def empty_feed(handler: BaseHTTPRequestHandler) -> None:
    respond(handler, 200, [("Content-Type", "application/rss+xml; charset=utf-8")], b"")


def html_as_feed(handler: BaseHTTPRequestHandler) -> None:
    page = (
        '<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>Главная</title></head>'
        '<body><nav><a href="/">Главная</a> <a href="/news">Новости</a></nav>'
        f"<main><h1>Новости</h1><p>{RUSSIAN_TEXT}</p></main>"
        "<footer>© Fixture</footer></body></html>"
    )
    respond(handler, 200, [("Content-Type", "text/html; charset=utf-8")], page.encode("utf-8"))


def _mislabelled(body_encoding: str, declared: str, text: str) -> Route:
    def handler_fn(handler: BaseHTTPRequestHandler) -> None:
        # The body is rendered in one charset while the header and XML declaration name another.
        body = rss_document([("charset-1", "/news/charset", text)], encoding=declared).encode(
            body_encoding
        )
        respond(handler, 200, [("Content-Type", f"application/rss+xml; charset={declared}")], body)

    return handler_fn


@lru_cache(maxsize=1)
def gzip_bomb() -> bytes:
    """About 1 MB on the wire, 1 GiB inflated. Built from one full-flushed deflate block of
    zeros repeated, so making it costs a CRC pass rather than compressing a gigabyte."""
    megabyte = b"\0" * (1024 * 1024)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = compressor.compress(megabyte) + compressor.flush(zlib.Z_FULL_FLUSH)
    count = BOMB_INFLATED_BYTES // len(megabyte)
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(megabyte, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    trailer = struct.pack("<II", crc, BOMB_INFLATED_BYTES & 0xFFFFFFFF)
    return header + block * count + compressor.flush(zlib.Z_FINISH) + trailer


def gzip_bomb_feed(handler: BaseHTTPRequestHandler) -> None:
    respond(
        handler,
        200,
        [("Content-Type", "application/rss+xml; charset=utf-8"), ("Content-Encoding", "gzip")],
        gzip_bomb(),
    )


def _huge_chunks(total: int) -> Iterable[bytes]:
    chunk = (b"<p>" + RUSSIAN_TEXT.encode("utf-8") + b"</p>\n") * 256
    yield b'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
    sent = 0
    while sent < total:
        piece = chunk[: total - sent]
        sent += len(piece)
        yield piece


def huge_page(handler: BaseHTTPRequestHandler) -> None:
    """50 MB of HTML with no Content-Length, so only a limit applied while streaming stops it."""
    respond(handler, 200, [("Content-Type", "text/html; charset=utf-8")], _huge_chunks(HUGE_BYTES))


def _trickle(handler: BaseHTTPRequestHandler) -> Iterable[bytes]:
    yield b'<?xml version="1.0" encoding="utf-8"?>'
    for _ in range(TRICKLE_MAX_BYTES):
        time.sleep(TRICKLE_INTERVAL_S)
        yield b" "


def trickle_feed(handler: BaseHTTPRequestHandler) -> None:
    respond(
        handler, 200, [("Content-Type", "application/rss+xml; charset=utf-8")], _trickle(handler)
    )


def _redirect(location: str) -> Route:
    def handler_fn(handler: BaseHTTPRequestHandler) -> None:
        respond(handler, 302, [("Location", location)])

    return handler_fn


def rate_limited(handler: BaseHTTPRequestHandler) -> None:
    respond(
        handler,
        429,
        [("Retry-After", str(RETRY_AFTER_S)), ("Content-Type", "text/plain; charset=utf-8")],
        b"Too Many Requests",
    )


def tls_less_redirect(handler: BaseHTTPRequestHandler) -> None:
    """Redirects to plain http on another loopback host: a private address nobody allowed."""
    port = handler.server.server_address[1]
    respond(handler, 302, [("Location", f"http://127.0.0.2:{port}/hostile/feed.xml")])


def _status(status: int) -> Route:
    def handler_fn(handler: BaseHTTPRequestHandler) -> None:
        respond(
            handler,
            status,
            [("Content-Type", "text/html; charset=utf-8")],
            f"<h1>{status}</h1>".encode(),
        )

    return handler_fn


def hostile_routes() -> dict[str, Route]:
    return {
        "/hostile/feed.xml": well_formed_feed,
        "/hostile/malformed.xml": malformed_feed,
        "/hostile/empty.xml": empty_feed,
        "/hostile/html-as-feed.xml": html_as_feed,
        "/hostile/wrong-charset.xml": _mislabelled("cp1251", "utf-8", RUSSIAN_TEXT),
        "/hostile/wrong-charset-utf8.xml": _mislabelled("utf-8", "windows-1251", RUSSIAN_TEXT),
        "/hostile/wrong-charset-koi8.xml": _mislabelled("koi8-r", "windows-1251", RUSSIAN_TEXT),
        "/hostile/wrong-charset-kk.xml": _mislabelled("utf-8", "windows-1251", KAZAKH_TEXT),
        "/hostile/gzip-bomb.xml": gzip_bomb_feed,
        "/hostile/huge.html": huge_page,
        "/hostile/trickle.xml": trickle_feed,
        "/hostile/redirect-loop": _redirect("/hostile/redirect-loop-b"),
        "/hostile/redirect-loop-b": _redirect("/hostile/redirect-loop"),
        "/hostile/rate-limited.xml": rate_limited,
        "/hostile/tls-less-redirect": tls_less_redirect,
        "/hostile/forbidden.xml": _status(403),
        "/hostile/gone.xml": _status(404),
    }


def not_found(handler: BaseHTTPRequestHandler) -> None:
    respond(handler, 404, [("Content-Type", "text/plain; charset=utf-8")], b"not found")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Pollers open many connections at once; the stdlib default backlog of 5 drops them.
    request_queue_size = 128


def serve(routes: Mapping[str, Route]) -> tuple[ThreadingHTTPServer, str]:
    """Starts a threaded server on a free 127.0.0.1 port; stop it with ``server.shutdown()``
    and ``server.server_close()``."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            routes.get(urlsplit(self.path).path, not_found)(self)

        do_HEAD = do_GET

        def log_message(self, format: str, *args: object) -> None:
            return

    server = _Server(("127.0.0.1", 0), Handler)
    threading.Thread(
        target=server.serve_forever, args=(0.05,), name="hostile-site", daemon=True
    ).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"
