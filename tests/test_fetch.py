"""The fetcher against real HTTP servers on 127.0.0.1 started by each test."""

from __future__ import annotations

import gzip
import socket
import ssl
import subprocess
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

from seeds.hostile import KAZAKH_TEXT, RUSSIAN_TEXT, respond, rss_document, serve
from workers.fetch import (
    DEFAULT_USER_AGENT,
    Fetcher,
    FetchPolicy,
    Validators,
    decode_body,
    fetch,
    is_public_address,
    parse_max_age,
    parse_retry_after,
)

Handler = Callable[[BaseHTTPRequestHandler], None]


class Site:
    """A real local server whose routes a test sets; records every request it receives."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.hits: Counter[str] = Counter()
        self.requests: list[dict[str, str]] = []
        self._lock = threading.Lock()
        self.server, self.base = serve(_RecordingRoutes(self))
        self.hostport = self.base.split("//", 1)[1]

    def url(self, path: str) -> str:
        return self.base + path

    def policy(self, **overrides) -> FetchPolicy:
        options = {
            "allow_private_hosts": frozenset({self.hostport}),
            "total_timeout_s": 5.0,
            **overrides,
        }
        return FetchPolicy(**options)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _RecordingRoutes(dict):
    def __init__(self, site: Site):
        super().__init__()
        self.site = site

    def get(self, path, default=None):
        site = self.site
        with site._lock:
            site.hits[path] += 1
        route = site.routes.get(path, default)

        def recorded(handler: BaseHTTPRequestHandler) -> None:
            with site._lock:
                site.requests.append(
                    {"path": path, **{k.lower(): v for k, v in handler.headers.items()}}
                )
            route(handler)

        return recorded


@pytest.fixture
def site() -> Iterator[Site]:
    running = Site()
    yield running
    running.close()


def _text(
    body: bytes, content_type: str = "application/rss+xml; charset=utf-8", headers=()
) -> Handler:
    def handler(h: BaseHTTPRequestHandler) -> None:
        respond(h, 200, [("Content-Type", content_type), *headers], body)

    return handler


FEED = rss_document([("g1", "/news/1", RUSSIAN_TEXT)]).encode("utf-8")


# --- conditional GET ------------------------------------------------------------------------


def _validating_feed(etag: str, last_modified: str) -> Handler:
    def handler(h: BaseHTTPRequestHandler) -> None:
        if (
            h.headers.get("If-None-Match") == etag
            or h.headers.get("If-Modified-Since") == last_modified
        ):
            respond(h, 304, [("ETag", etag)])
            return
        respond(
            h,
            200,
            [
                ("Content-Type", "application/rss+xml"),
                ("ETag", etag),
                ("Last-Modified", last_modified),
                ("Cache-Control", "public, max-age=600"),
            ],
            FEED,
        )

    return handler


def test_conditional_get_with_etag_gives_not_modified(site: Site) -> None:
    site.routes["/feed.xml"] = _validating_feed('"v1"', "Thu, 14 Nov 2024 09:00:00 GMT")
    with Fetcher(site.policy()) as fetcher:
        first = fetcher.fetch(site.url("/feed.xml"))
        second = fetcher.fetch(
            site.url("/feed.xml"), Validators(etag=first.etag, content_hash=first.content_hash)
        )
    assert (first.status_code, first.etag, first.not_modified, first.max_age_s) == (
        200,
        '"v1"',
        False,
        600.0,
    )
    assert first.last_modified == "Thu, 14 Nov 2024 09:00:00 GMT"
    assert site.requests[-1]["if-none-match"] == '"v1"'
    assert "if-modified-since" not in site.requests[-1]
    assert (second.status_code, second.not_modified, second.body) == (304, True, b"")
    assert second.etag == '"v1"' and second.content_hash == first.content_hash


def test_conditional_get_with_last_modified_only(site: Site) -> None:
    site.routes["/feed.xml"] = _validating_feed('"v1"', "Thu, 14 Nov 2024 09:00:00 GMT")
    with Fetcher(site.policy()) as fetcher:
        result = fetcher.fetch(
            site.url("/feed.xml"), Validators(last_modified="Thu, 14 Nov 2024 09:00:00 GMT")
        )
    assert site.requests[-1]["if-modified-since"] == "Thu, 14 Nov 2024 09:00:00 GMT"
    assert "if-none-match" not in site.requests[-1]
    assert result.status_code == 304 and result.not_modified
    assert result.last_modified == "Thu, 14 Nov 2024 09:00:00 GMT"


def test_unchanged_body_hash_counts_as_not_modified_when_validators_are_ignored(site: Site) -> None:
    site.routes["/feed.xml"] = _text(FEED)
    site.routes["/changed.xml"] = _text(FEED.replace(b"g1", b"g2"))
    with Fetcher(site.policy()) as fetcher:
        first = fetcher.fetch(site.url("/feed.xml"))
        again = fetcher.fetch(
            site.url("/feed.xml"), Validators(etag='"ignored"', content_hash=first.content_hash)
        )
        changed = fetcher.fetch(
            site.url("/changed.xml"), Validators(content_hash=first.content_hash)
        )
    assert first.not_modified is False and len(first.content_hash) == 64
    assert again.status_code == 200 and again.not_modified is True
    assert changed.status_code == 200 and changed.not_modified is False


# --- redirects ----------------------------------------------------------------------------


def _redirect(location: str, status: int = 302) -> Handler:
    def handler(h: BaseHTTPRequestHandler) -> None:
        respond(h, status, [("Location", location)])

    return handler


def test_redirects_are_followed_to_the_final_url(site: Site) -> None:
    site.routes["/old"] = _redirect("/moved", 301)
    site.routes["/moved"] = _redirect(site.url("/feed.xml"), 307)
    site.routes["/feed.xml"] = _text(FEED)
    with Fetcher(site.policy()) as fetcher:
        result = fetcher.fetch(site.url("/old"))
    assert result.status_code == 200 and result.error is None
    assert result.final_url == site.url("/feed.xml")
    assert result.url == site.url("/old")


def test_redirect_limit(site: Site) -> None:
    for hop in range(7):
        site.routes[f"/r{hop}"] = _redirect(f"/r{hop + 1}")
    site.routes["/r7"] = _text(FEED)
    with (
        Fetcher(site.policy(max_redirects=5)) as strict,
        Fetcher(site.policy(max_redirects=8)) as lenient,
    ):
        refused = strict.fetch(site.url("/r0"))
        followed = lenient.fetch(site.url("/r0"))
    assert refused.error_kind == "too_many_redirects" and refused.status_code is None
    assert site.hits["/r7"] == 1
    assert followed.status_code == 200 and followed.final_url == site.url("/r7")


def test_redirect_loop_is_stopped(site: Site) -> None:
    site.routes["/a"] = _redirect("/b")
    site.routes["/b"] = _redirect("/a")
    with Fetcher(site.policy()) as fetcher:
        result = fetcher.fetch(site.url("/a"))
    assert result.error_kind == "too_many_redirects"
    assert site.hits["/a"] == 1 and site.hits["/b"] == 1


# --- charsets over the wire -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "body", "content_type", "expected_encoding", "expected_text"),
    [
        (
            "cp1251 declared utf-8",
            RUSSIAN_TEXT.encode("cp1251"),
            "text/xml; charset=utf-8",
            "cp1251",
            RUSSIAN_TEXT,
        ),
        (
            "cp1251 declared in the XML only",
            b'<?xml version="1.0" encoding="windows-1251"?><t>'
            + RUSSIAN_TEXT.encode("cp1251")
            + b"</t>",
            "application/rss+xml",
            "cp1251",
            RUSSIAN_TEXT,
        ),
        ("koi8-r undeclared", RUSSIAN_TEXT.encode("koi8-r"), "text/xml", "koi8-r", RUSSIAN_TEXT),
        (
            "koi8-r declared cp1251",
            RUSSIAN_TEXT.encode("koi8-r"),
            "text/xml; charset=windows-1251",
            "koi8-r",
            RUSSIAN_TEXT,
        ),
        (
            "cp1251 declared koi8-r",
            RUSSIAN_TEXT.encode("cp1251"),
            "text/html; charset=koi8-r",
            "cp1251",
            RUSSIAN_TEXT,
        ),
        (
            "utf-8 declared cp1251",
            RUSSIAN_TEXT.encode("utf-8"),
            "text/html; charset=windows-1251",
            "utf-8",
            RUSSIAN_TEXT,
        ),
        (
            "kazakh utf-8 declared cp1251",
            KAZAKH_TEXT.encode("utf-8"),
            "text/html; charset=cp1251",
            "utf-8",
            KAZAKH_TEXT,
        ),
        (
            "kazakh kz1048 declared utf-8",
            KAZAKH_TEXT.encode("kz1048"),
            "text/html; charset=utf-8",
            "kz1048",
            KAZAKH_TEXT,
        ),
        (
            "meta charset koi8-r",
            b'<html><head><meta charset="koi8-r"></head><body>'
            + RUSSIAN_TEXT.encode("koi8-r")
            + b"</body></html>",
            "text/html",
            "koi8-r",
            RUSSIAN_TEXT,
        ),
    ],
)
def test_charsets_are_detected_over_http(
    site: Site, name, body, content_type, expected_encoding, expected_text
) -> None:
    site.routes["/doc"] = _text(body, content_type)
    with Fetcher(site.policy()) as fetcher:
        result = fetcher.fetch(site.url("/doc"))
    assert result.encoding == expected_encoding, name
    assert expected_text in result.text


def test_forced_charset_quirk_wins() -> None:
    body = "Саммит".encode("cp1251")
    assert decode_body(body, "text/html; charset=koi8-r", forced="windows-1251") == (
        "Саммит",
        "cp1251",
    )


@pytest.mark.parametrize(
    ("name", "body", "content_type", "expected"),
    [
        (
            "ascii keeps the declared charset",
            b"<rss/>",
            "text/xml; charset=windows-1251",
            ("<rss/>", "cp1251"),
        ),
        (
            "utf-8 bom",
            "\ufeffАстана".encode("utf-8"),
            "text/html; charset=cp1251",
            ("Астана", "utf-8-sig"),
        ),
        (
            "western text stays western",
            "crème brûlée à la française".encode("cp1252"),
            "text/html",
            ("crème brûlée à la française", "cp1252"),
        ),
        (
            "unknown declared charset is ignored",
            "Ташкент".encode(),
            "text/html; charset=x-nonsense",
            ("Ташкент", "utf-8"),
        ),
        (
            "short koi8-r word",
            "Да".encode("koi8-r"),
            "text/plain; charset=windows-1251",
            ("Да", "koi8-r"),
        ),
    ],
)
def test_decode_body_cases(name, body, content_type, expected) -> None:
    assert decode_body(body, content_type) == expected, name


# --- body size ------------------------------------------------------------------------------


def test_declared_content_length_over_the_limit_is_refused_before_reading(site: Site) -> None:
    site.routes["/big"] = _text(b"x" * 5000, "text/html")
    with Fetcher(site.policy(max_body_bytes=4096)) as fetcher:
        result = fetcher.fetch(site.url("/big"))
    assert result.error_kind == "too_large" and "Content-Length" in result.error


def test_streamed_body_over_the_limit_is_cut_off(site: Site) -> None:
    def endless_without_length(h: BaseHTTPRequestHandler) -> None:
        respond(h, 200, [("Content-Type", "text/html")], (b"y" * 1024 for _ in range(64)))

    site.routes["/stream"] = endless_without_length
    site.routes["/small"] = _text(b"z" * 4096, "text/html")
    with Fetcher(site.policy(max_body_bytes=4096)) as fetcher:
        cut = fetcher.fetch(site.url("/stream"))
        exact = fetcher.fetch(site.url("/small"))
    assert cut.error_kind == "too_large" and "exceeds 4096" in cut.error
    assert exact.error is None and len(exact.body) == 4096


def test_gzip_body_is_inflated_and_limited_on_decoded_size(site: Site) -> None:
    packed = gzip.compress(b"a" * 20000)
    site.routes["/gz"] = _text(packed, "text/html", headers=[("Content-Encoding", "gzip")])
    with (
        Fetcher(site.policy(max_body_bytes=30000)) as roomy,
        Fetcher(site.policy(max_body_bytes=10000)) as tight,
    ):
        inflated = roomy.fetch(site.url("/gz"))
        refused = tight.fetch(site.url("/gz"))
    assert len(packed) < 10000
    assert inflated.body == b"a" * 20000
    assert refused.error_kind == "too_large"


def test_corrupt_gzip_is_a_decode_error(site: Site) -> None:
    site.routes["/bad-gz"] = _text(
        b"\x1f\x8b\x08\x00not gzip at all", "text/html", headers=[("Content-Encoding", "gzip")]
    )
    with Fetcher(site.policy()) as fetcher:
        assert fetcher.fetch(site.url("/bad-gz")).error_kind == "decode"


def test_deadline_is_checked_while_reading_with_an_injected_clock(site: Site) -> None:
    def chunked_body(h: BaseHTTPRequestHandler) -> None:
        respond(
            h, 200, [("Content-Type", "text/html")], (b"<p>chunk</p>" * 100 for _ in range(5000))
        )

    ticks = iter(range(0, 10_000))
    site.routes["/slow"] = chunked_body
    with Fetcher(
        site.policy(total_timeout_s=20.0, respect_robots=False), clock=lambda: float(next(ticks))
    ) as fetcher:
        result = fetcher.fetch(site.url("/slow"))
    assert result.error_kind == "timeout" and "total timeout" in result.error


# --- headers, hints, user agent -------------------------------------------------------------


def test_user_agent_names_the_project_and_quirk_headers_are_sent(site: Site) -> None:
    site.routes["/feed.xml"] = _text(FEED)
    with Fetcher(site.policy()) as fetcher:
        fetcher.fetch(site.url("/feed.xml"))
    with Fetcher(
        site.policy(headers={"User-Agent": "Mozilla/5.0 SummitWatch", "Referer": "https://x.kz/"})
    ) as quirky:
        quirky.fetch(site.url("/feed.xml"))
    default, custom = [r for r in site.requests if r["path"] == "/feed.xml"]
    assert default["user-agent"] == DEFAULT_USER_AGENT
    assert (
        "SummitWatch" in default["user-agent"] and "github.com/summitwatch" in default["user-agent"]
    )
    assert default["accept-encoding"] == "gzip, deflate"
    assert (custom["user-agent"], custom["referer"]) == ("Mozilla/5.0 SummitWatch", "https://x.kz/")


def test_retry_after_is_read_from_a_429(site: Site) -> None:
    def limited(h: BaseHTTPRequestHandler) -> None:
        respond(
            h,
            429,
            [
                ("Retry-After", "Thu, 14 Nov 2024 09:02:00 GMT"),
                ("Date", "Thu, 14 Nov 2024 09:00:00 GMT"),
            ],
        )

    site.routes["/limited"] = limited
    with Fetcher(site.policy()) as fetcher:
        result = fetcher.fetch(site.url("/limited"))
    assert result.status_code == 429 and result.error is None
    assert result.retry_after_s == 120.0


NOW = datetime(2024, 11, 14, 9, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("120", 120.0),
        ("0", 0.0),
        ("Thu, 14 Nov 2024 09:05:00 GMT", 300.0),
        ("Thu, 14 Nov 2024 08:00:00 GMT", 0.0),
        ("soon", None),
        ("-5", None),
    ],
)
def test_parse_retry_after(value, expected) -> None:
    assert parse_retry_after(value, NOW) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("max-age=300", 300.0),
        ("public, max-age=60, must-revalidate", 60.0),
        ("s-maxage=900", None),
        ("no-cache", None),
        ('max-age="30"', 30.0),
    ],
)
def test_parse_max_age(value, expected) -> None:
    assert parse_max_age(value) == expected


# --- robots.txt -----------------------------------------------------------------------------


def test_robots_is_respected_fetched_once_and_can_be_overridden(site: Site) -> None:
    site.routes["/robots.txt"] = _text(
        b"User-agent: *\nDisallow: /admin\n\nUser-agent: SummitWatch\nDisallow: /private\n",
        "text/plain",
    )
    site.routes["/private/feed.xml"] = _text(FEED)
    site.routes["/public/feed.xml"] = _text(FEED)
    with Fetcher(site.policy()) as fetcher:
        refused = fetcher.fetch(site.url("/private/feed.xml"))
        allowed = fetcher.fetch(site.url("/public/feed.xml"))
        fetcher.fetch(site.url("/public/feed.xml"))
    with Fetcher(site.policy(respect_robots=False)) as overridden:
        forced = overridden.fetch(site.url("/private/feed.xml"))
    assert refused.error_kind == "robots" and refused.status_code is None
    assert allowed.status_code == 200
    assert site.hits["/robots.txt"] == 1
    assert forced.status_code == 200 and site.hits["/private/feed.xml"] == 1


def test_missing_robots_allows_everything(site: Site) -> None:
    site.routes["/feed.xml"] = _text(FEED)
    with Fetcher(site.policy()) as fetcher:
        assert fetcher.fetch(site.url("/feed.xml")).status_code == 200
        assert fetcher.fetch(site.url("/feed.xml")).status_code == 200
    assert site.hits["/robots.txt"] == 1


def test_robots_answering_5xx_is_asked_again_next_time(site: Site) -> None:
    def broken(h: BaseHTTPRequestHandler) -> None:
        respond(h, 503, [("Content-Type", "text/plain")], b"down")

    site.routes["/robots.txt"] = broken
    site.routes["/feed.xml"] = _text(FEED)
    with Fetcher(site.policy()) as fetcher:
        assert fetcher.fetch(site.url("/feed.xml")).status_code == 200
        assert fetcher.fetch(site.url("/feed.xml")).status_code == 200
    assert site.hits["/robots.txt"] == 2


# --- the address guard ----------------------------------------------------------------------


def test_feed_urls_to_loopback_are_refused_unless_allowed(site: Site) -> None:
    site.routes["/article"] = _text(b"<html>article</html>", "text/html")
    with Fetcher(FetchPolicy()) as unconfigured, Fetcher(site.policy()) as configured:
        refused = unconfigured.fetch(site.url("/article"), from_feed=True)
        by_name = unconfigured.fetch(
            site.url("/article").replace("127.0.0.1", "localhost"), from_feed=True
        )
        operator_configured = unconfigured.fetch(site.url("/article"))
        allowed = configured.fetch(site.url("/article"), from_feed=True)
    assert refused.error_kind == "blocked_address" and "127.0.0.1" in refused.error
    assert by_name.error_kind == "blocked_address"
    assert site.hits["/article"] == 2
    assert operator_configured.status_code == 200
    assert allowed.status_code == 200


def test_host_only_allow_entry_covers_every_port(site: Site) -> None:
    site.routes["/article"] = _text(b"<html>article</html>", "text/html")
    with Fetcher(FetchPolicy(allow_private_hosts=frozenset({"127.0.0.1"}))) as fetcher:
        assert fetcher.fetch(site.url("/article"), from_feed=True).status_code == 200


def test_redirect_hops_pass_the_guard(site: Site) -> None:
    other = Site()
    try:
        other.routes["/internal"] = _text(b"secret", "text/plain")
        site.routes["/jump"] = _redirect(other.url("/internal"))
        with Fetcher(site.policy()) as fetcher:
            result = fetcher.fetch(site.url("/jump"))
    finally:
        other.close()
    assert result.error_kind == "blocked_address"
    assert other.hits["/internal"] == 0


class _NoNetwork(httpx.BaseTransport):
    """Proves the guard answers before any connection: a request reaching it is recorded."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(599)


@pytest.mark.parametrize(
    "url",
    [
        "http://10.1.2.3/feed.xml",
        "http://169.254.169.254/latest/meta-data/",
        "http://192.168.0.10:8080/",
        "http://172.16.5.4/",
        "http://[::1]/feed",
        "http://[fe80::1]/feed",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://100.64.0.1/",
        "http://[::ffff:10.0.0.1]/",
    ],
)
def test_private_literal_hosts_are_refused_without_any_connection(url: str) -> None:
    transport = _NoNetwork()
    with Fetcher(FetchPolicy(respect_robots=True), transport=transport) as fetcher:
        result = fetcher.fetch(url, from_feed=True)
    assert result.error_kind == "blocked_address"
    assert transport.requests == []


def test_redirect_to_a_private_literal_is_refused_without_following() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "news.example":
            return httpx.Response(302, headers={"Location": "http://10.0.0.7/admin"})
        raise AssertionError(f"the guard let a request through to {request.url}")

    transport = httpx.MockTransport(handler)
    with Fetcher(FetchPolicy(respect_robots=False), transport=transport) as fetcher:
        result = fetcher.fetch("http://news.example/feed")
    assert result.error_kind == "blocked_address" and "10.0.0.7" in result.error


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("169.254.1.1", False),
        ("239.255.255.250", False),
        ("2a00:1450:4001::1", True),
        ("::ffff:192.168.1.1", False),
    ],
)
def test_is_public_address(address: str, public: bool) -> None:
    assert is_public_address(address) is public


# --- failures never raise -------------------------------------------------------------------


def test_connection_refused_is_a_connect_error() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    result = fetch(f"http://127.0.0.1:{port}/feed.xml", policy=FetchPolicy(respect_robots=False))
    assert result.error_kind == "connect" and result.status_code is None


@pytest.mark.parametrize(
    "url", ["ftp://example.com/feed", "javascript:alert(1)", "http://", "http://host:99999/"]
)
def test_invalid_urls_are_reported_not_raised(url: str) -> None:
    with Fetcher(FetchPolicy(), transport=_NoNetwork()) as fetcher:
        result = fetcher.fetch(url)
    assert result.error_kind == "invalid_url"


def test_headers_that_stall_hit_the_read_timeout(site: Site) -> None:
    release = threading.Event()

    def stall(h: BaseHTTPRequestHandler) -> None:
        release.wait(5)
        respond(h, 200, [], b"late")

    site.routes["/stall"] = stall
    try:
        with Fetcher(site.policy(read_timeout_s=0.3, respect_robots=False)) as fetcher:
            result = fetcher.fetch(site.url("/stall"))
    finally:
        release.set()
    assert result.error_kind == "timeout"


# --- TLS ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def tls_site(certificate: tuple[Path, Path]) -> Iterator[tuple[str, list[str]]]:
    paths: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            paths.append(self.path)
            if self.path == "/downgrade":
                respond(
                    self,
                    302,
                    [("Location", f"http://127.0.0.1:{self.server.server_address[1]}/plain")],
                )
            else:
                respond(self, 200, [("Content-Type", "application/rss+xml")], FEED)

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield f"https://127.0.0.1:{server.server_address[1]}", paths
    server.shutdown()
    server.server_close()


def test_self_signed_certificate_is_a_tls_error(tls_site) -> None:
    base, paths = tls_site
    result = fetch(base + "/feed.xml", policy=FetchPolicy(respect_robots=False))
    assert result.error_kind == "tls" and "CERTIFICATE_VERIFY_FAILED" in result.error
    assert paths == []


def test_tls_verification_can_be_turned_off_per_source(tls_site) -> None:
    base, _ = tls_site
    result = fetch(base + "/feed.xml", policy=FetchPolicy(respect_robots=False, verify_tls=False))
    assert result.status_code == 200 and result.text.startswith("<?xml")


def test_https_to_http_downgrade_is_refused(tls_site, certificate) -> None:
    base, paths = tls_site
    transport = httpx.HTTPTransport(verify=ssl.create_default_context(cafile=str(certificate[0])))
    policy = FetchPolicy(respect_robots=False, allow_private_hosts=frozenset({"127.0.0.1"}))
    with Fetcher(policy, transport=transport) as fetcher:
        trusted = fetcher.fetch(base + "/feed.xml")
        downgraded = fetcher.fetch(base + "/downgrade")
    assert trusted.status_code == 200
    assert downgraded.error_kind == "tls" and "https to http" in downgraded.error
    assert paths == ["/feed.xml", "/downgrade"]


# --- policy from settings and quirks ----------------------------------------------------------


def test_policy_from_settings_and_quirks() -> None:
    settings = SimpleNamespace(
        fetch_timeout_s=12.0,
        max_body_bytes=2048,
        user_agent="SummitWatch/9",
        private_host_allowlist=frozenset({"127.0.0.1:8765"}),
    )
    quirks = {
        "headers": {"Accept-Language": "ru"},
        "verify_tls": False,
        "respect_robots": False,
        "charset": "windows-1251",
        "selectors": {"item": "a.news"},
    }
    policy = FetchPolicy.from_settings_and_quirks(settings, quirks)
    assert (
        policy.total_timeout_s == 12.0
        and policy.connect_timeout_s == 5.0
        and policy.read_timeout_s == 10.0
    )
    assert (policy.max_body_bytes, policy.user_agent) == (2048, "SummitWatch/9")
    assert dict(policy.headers) == {"Accept-Language": "ru"}
    assert (policy.verify_tls, policy.respect_robots, policy.forced_charset) == (
        False,
        False,
        "windows-1251",
    )
    assert policy.allow_private_hosts == frozenset({"127.0.0.1:8765"})
    assert (
        FetchPolicy.from_settings_and_quirks(
            settings,
            {
                "headers": {"Accept-Language": "ru"},
                "verify_tls": False,
                "respect_robots": False,
                "charset": "windows-1251",
            },
        )
        == policy
    )
    assert hash(policy) == hash(FetchPolicy.from_settings_and_quirks(settings, dict(quirks)))


def test_concurrent_polls_of_one_host_fetch_robots_once(site: Site) -> None:
    site.routes["/robots.txt"] = _text(b"User-agent: *\nDisallow: /admin\n", "text/plain")
    site.routes["/feed.xml"] = _text(FEED)
    with Fetcher(site.policy()) as fetcher, ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(
            pool.map(lambda _: fetcher.fetch(site.url("/feed.xml")).status_code, range(8))
        )
    assert statuses == [200] * 8
    assert site.hits["/robots.txt"] == 1
