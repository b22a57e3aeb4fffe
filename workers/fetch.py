"""Fetching: the only module in the project that speaks HTTP.

``Fetcher.fetch(url, validators)`` returns a ``FetchResult`` and never raises for a network
failure: a timeout, an oversized body, a redirect loop, a refused address or a robots.txt
rule all come back as ``error``/``error_kind`` so the caller can classify the outcome
(``workers.outcome``) and plan the next poll.

Limits are enforced while streaming: the body is read chunk by chunk, inflated with a bound
(a gzip bomb stops at ``max_body_bytes`` of *decompressed* data), and the total deadline is
checked after every chunk so a server that trickles bytes is cut off. Redirects are followed
by hand so every hop passes the address guard and robots.txt.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from workers.charset import decode_body

ERROR_KINDS = (
    "timeout",
    "too_large",
    "too_many_redirects",
    "connect",
    "tls",
    "blocked_address",
    "robots",
    "decode",
    "protocol",
    "invalid_url",
)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
DEFAULT_USER_AGENT = "SummitWatch/0.1 (+https://github.com/summitwatch/summitwatch; news monitor)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, "
    "application/json;q=0.8, text/html;q=0.8, */*;q=0.5"
)
# Google's limit: rules past 500 KiB are ignored, so reading more buys nothing.
ROBOTS_MAX_BYTES = 500 * 1024


class FrozenHeaders(Mapping[str, str]):
    """Read-only, hashable headers, so a policy can key a cache of fetchers."""

    def __init__(self, headers: Mapping[str, str] | Iterable[tuple[str, str]] = ()):
        self._items = tuple(sorted(dict(headers).items()))

    def __getitem__(self, name: str) -> str:
        return dict(self._items)[name]

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(self._items)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self._items) == dict(other)

    def __repr__(self) -> str:
        return f"FrozenHeaders({dict(self._items)!r})"


@dataclass(frozen=True)
class FetchPolicy:
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 10.0
    total_timeout_s: float = 30.0
    max_body_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    user_agent: str = DEFAULT_USER_AGENT
    headers: Mapping[str, str] = field(default_factory=FrozenHeaders)
    verify_tls: bool = True
    respect_robots: bool = True
    # "host" or "host:port" that may resolve to loopback/private addresses (the fixture site).
    allow_private_hosts: frozenset[str] = frozenset()
    forced_charset: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.headers, FrozenHeaders):
            object.__setattr__(self, "headers", FrozenHeaders(self.headers))
        object.__setattr__(
            self, "allow_private_hosts", frozenset(h.lower() for h in self.allow_private_hosts)
        )

    @classmethod
    def from_settings_and_quirks(
        cls, settings: Any, quirks: Mapping[str, Any] | None
    ) -> FetchPolicy:
        """The policy for one source: project settings, then the source's fetch quirks.

        Quirk keys read here: ``headers``, ``user_agent``, ``verify_tls``, ``respect_robots``,
        ``charset``, ``total_timeout_s``, ``connect_timeout_s``, ``read_timeout_s``,
        ``max_body_bytes``, ``max_redirects``. Other keys (selectors, date formats, URL
        language maps) belong to other stages and are ignored.
        """
        quirks = dict(quirks or {})
        total = float(
            quirks.get("total_timeout_s", getattr(settings, "fetch_timeout_s", cls.total_timeout_s))
        )
        return cls(
            connect_timeout_s=float(
                quirks.get("connect_timeout_s", min(cls.connect_timeout_s, total))
            ),
            read_timeout_s=float(quirks.get("read_timeout_s", min(cls.read_timeout_s, total))),
            total_timeout_s=total,
            max_body_bytes=int(
                quirks.get(
                    "max_body_bytes", getattr(settings, "max_body_bytes", cls.max_body_bytes)
                )
            ),
            max_redirects=int(quirks.get("max_redirects", cls.max_redirects)),
            user_agent=str(
                quirks.get("user_agent")
                or getattr(settings, "user_agent", "")
                or DEFAULT_USER_AGENT
            ),
            headers=dict(quirks.get("headers") or {}),
            verify_tls=bool(quirks.get("verify_tls", True)),
            respect_robots=bool(quirks.get("respect_robots", True)),
            allow_private_hosts=frozenset(getattr(settings, "private_host_allowlist", frozenset())),
            forced_charset=quirks.get("charset") or None,
        )


@dataclass(frozen=True)
class Validators:
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None


@dataclass
class FetchResult:
    url: str
    final_url: str
    status_code: int | None
    headers: dict[str, str]
    body: bytes
    text: str | None
    encoding: str | None
    etag: str | None
    last_modified: str | None
    content_hash: str | None
    # 304, or a body whose hash equals the stored one (servers that ignore validators).
    not_modified: bool
    error: str | None
    error_kind: str | None
    retry_after_s: float | None
    max_age_s: float | None
    duration_ms: float

    @property
    def ok(self) -> bool:
        return (
            self.error_kind is None
            and self.status_code is not None
            and 200 <= self.status_code < 300
        )


class FetchFailure(Exception):
    """A fetch that ended without a usable response; carried to the result, never raised out."""

    def __init__(self, kind: str, message: str, final_url: str | None = None):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.final_url = final_url


@dataclass
class _Exchange:
    final_url: str
    status_code: int
    headers: dict[str, str]
    body: bytes


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Fetcher:
    """Fetches with one policy through one HTTP client; use as a context manager.

    robots.txt is fetched once per origin and kept on the instance, so a Fetcher lives as
    long as a poll batch or a worker, never as a module-level global.
    """

    def __init__(
        self,
        policy: FetchPolicy,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = _utcnow,
        transport: httpx.BaseTransport | None = None,
    ):
        self.policy = policy
        self._clock = clock
        self._wall_clock = wall_clock
        self._robots: dict[str, RobotFileParser] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self._client = httpx.Client(
            verify=policy.verify_tls,
            follow_redirects=False,
            trust_env=False,
            transport=transport,
            headers=_request_headers(policy),
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(
        self, url: str, validators: Validators | None = None, *, from_feed: bool = False
    ) -> FetchResult:
        validators = validators or Validators()
        started = self._clock()
        deadline = started + self.policy.total_timeout_s
        try:
            exchange = self._follow(url, validators, from_feed, deadline)
        except FetchFailure as failure:
            return _failed_result(url, failure, self._elapsed_ms(started))
        return self._result(url, exchange, validators, self._elapsed_ms(started))

    def _elapsed_ms(self, started: float) -> float:
        return round((self._clock() - started) * 1000.0, 3)

    def _follow(
        self, url: str, validators: Validators, from_feed: bool, deadline: float
    ) -> _Exchange:
        current = url
        seen = {url}
        for hop in range(self.policy.max_redirects + 1):
            target = _parse_target(current)
            guarded = from_feed or hop > 0
            if guarded:
                _guard_address(target, self.policy.allow_private_hosts, current)
            if self.policy.respect_robots and not self._robots_allow(target, current, deadline):
                raise FetchFailure("robots", f"robots.txt disallows {current}", current)
            with self._open(current, _conditional_headers(validators), deadline) as response:
                if guarded:
                    _guard_peer(response, target, self.policy.allow_private_hosts, current)
                location = response.headers.get("location")
                if response.status_code in REDIRECT_STATUSES and location:
                    current = self._next_hop(current, location, seen)
                    continue
                body = _read_body(
                    response, self.policy.max_body_bytes, deadline, self._clock, current
                )
                return _Exchange(
                    current, response.status_code, _flat_headers(response.headers), body
                )
        raise FetchFailure(
            "too_many_redirects", f"more than {self.policy.max_redirects} redirects", current
        )

    def _next_hop(self, current: str, location: str, seen: set[str]) -> str:
        following = urljoin(current, location.strip())
        if (
            urlsplit(current).scheme == "https"
            and urlsplit(following).scheme == "http"
            and self.policy.verify_tls
        ):
            # A feed fetched over https must not quietly continue in clear text, where anyone
            # on the path can inject items.
            raise FetchFailure("tls", f"redirect from https to http refused: {following}", current)
        if following in seen:
            raise FetchFailure("too_many_redirects", f"redirect loop back to {following}", current)
        seen.add(following)
        return following

    @contextmanager
    def _open(
        self, url: str, headers: Mapping[str, str], deadline: float
    ) -> Iterator[httpx.Response]:
        remaining = deadline - self._clock()
        if remaining <= 0:
            raise FetchFailure(
                "timeout", f"total timeout of {self.policy.total_timeout_s}s reached", url
            )
        timeout = httpx.Timeout(
            connect=min(self.policy.connect_timeout_s, remaining),
            read=min(self.policy.read_timeout_s, remaining),
            write=min(self.policy.connect_timeout_s, remaining),
            pool=min(self.policy.connect_timeout_s, remaining),
        )
        with _network_failures(url):
            request = self._client.build_request("GET", url, headers=headers, timeout=timeout)
            response = self._client.send(request, stream=True)
            try:
                yield response
            finally:
                response.close()

    def _robots_allow(self, target: _Target, url: str, deadline: float) -> bool:
        # One lock per origin: concurrent polls of one host wait for a single robots.txt fetch
        # instead of each fetching it, while other hosts go on.
        with self._locks_guard:
            lock = self._robots_locks.setdefault(target.origin, threading.Lock())
        with lock:
            rules = self._robots.get(target.origin)
            if rules is None:
                rules = self._load_robots(target, deadline)
                if rules is None:
                    # Unreachable robots.txt (5xx, network): go ahead this time and ask again on
                    # the next fetch; a broken robots.txt should not make a source look blocked.
                    return True
                self._robots[target.origin] = rules
        return rules.can_fetch(self.policy.user_agent, url)

    def _load_robots(self, target: _Target, deadline: float) -> RobotFileParser | None:
        robots_url = f"{target.origin}/robots.txt"
        rules = RobotFileParser(robots_url)
        try:
            with self._open(robots_url, {}, deadline) as response:
                status = response.status_code
                if 200 <= status < 300:
                    body = _read_body(
                        response, ROBOTS_MAX_BYTES, deadline, self._clock, robots_url, truncate=True
                    )
                    rules.parse(body.decode("utf-8", errors="replace").splitlines())
                    return rules
        except FetchFailure:
            return None
        if 400 <= status < 500 or status in REDIRECT_STATUSES:
            rules.allow_all = True
            rules.modified()
            return rules
        return None

    def _result(
        self, url: str, exchange: _Exchange, validators: Validators, duration_ms: float
    ) -> FetchResult:
        headers = exchange.headers
        status = exchange.status_code
        response_time = _response_time(headers.get("date")) or self._wall_clock()
        if status == 304:
            body_hash = validators.content_hash
            not_modified = True
        else:
            body_hash = hashlib.sha256(exchange.body).hexdigest()
            not_modified = 200 <= status < 300 and body_hash == validators.content_hash
        text, encoding = None, None
        if exchange.body and _is_textual(headers.get("content-type")):
            text, encoding = decode_body(
                exchange.body, headers.get("content-type"), self.policy.forced_charset
            )
        return FetchResult(
            url=url,
            final_url=exchange.final_url,
            status_code=status,
            headers=headers,
            body=exchange.body,
            text=text,
            encoding=encoding,
            etag=headers.get("etag") or (validators.etag if status == 304 else None),
            last_modified=headers.get("last-modified")
            or (validators.last_modified if status == 304 else None),
            content_hash=body_hash,
            not_modified=not_modified,
            error=None,
            error_kind=None,
            retry_after_s=parse_retry_after(headers.get("retry-after"), response_time),
            max_age_s=parse_max_age(headers.get("cache-control")),
            duration_ms=duration_ms,
        )


def fetch(
    url: str,
    validators: Validators | None = None,
    policy: FetchPolicy = FetchPolicy(),
    *,
    from_feed: bool = False,
) -> FetchResult:
    """One fetch with a client of its own; pollers should keep a ``Fetcher`` instead."""
    with Fetcher(policy) as fetcher:
        return fetcher.fetch(url, validators, from_feed=from_feed)


def _failed_result(url: str, failure: FetchFailure, duration_ms: float) -> FetchResult:
    return FetchResult(
        url=url,
        final_url=failure.final_url or url,
        status_code=None,
        headers={},
        body=b"",
        text=None,
        encoding=None,
        etag=None,
        last_modified=None,
        content_hash=None,
        not_modified=False,
        error=failure.message,
        error_kind=failure.kind,
        retry_after_s=None,
        max_age_s=None,
        duration_ms=duration_ms,
    )


# --- requests and responses -------------------------------------------------------------


def _request_headers(policy: FetchPolicy) -> dict[str, str]:
    headers = {
        "User-Agent": policy.user_agent,
        "Accept": ACCEPT,
        "Accept-Encoding": "gzip, deflate",
    }
    # Source quirks come last so a site that insists on its own User-Agent or Accept gets it.
    headers.update(policy.headers)
    return headers


def _conditional_headers(validators: Validators) -> dict[str, str]:
    headers = {}
    if validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    return headers


def _flat_headers(headers: httpx.Headers) -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in headers.multi_items():
        key = name.lower()
        flat[key] = f"{flat[key]}, {value}" if key in flat else value
    return flat


def _is_textual(content_type: str | None) -> bool:
    if not content_type:
        return True
    mime = content_type.split(";", 1)[0].strip().lower()
    return (
        mime.startswith("text/")
        or mime.endswith(("xml", "json", "+xml", "javascript"))
        or mime == ""
    )


@contextmanager
def _network_failures(url: str) -> Iterator[None]:
    """Turns the client's exceptions into FetchFailure kinds; the only place that maps them."""
    try:
        yield
    except httpx.TimeoutException as error:
        raise FetchFailure("timeout", f"{type(error).__name__}: {error}", url) from error
    except httpx.ConnectError as error:
        kind = "tls" if _caused_by_tls(error) else "connect"
        raise FetchFailure(kind, f"{type(error).__name__}: {error}", url) from error
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as error:
        raise FetchFailure("invalid_url", f"{type(error).__name__}: {error}", url) from error
    except httpx.TransportError as error:
        kind = "tls" if _caused_by_tls(error) else "protocol"
        raise FetchFailure(kind, f"{type(error).__name__}: {error}", url) from error
    except (ssl.SSLError, ssl.CertificateError) as error:
        raise FetchFailure("tls", f"{type(error).__name__}: {error}", url) from error
    except OSError as error:
        raise FetchFailure("connect", f"{type(error).__name__}: {error}", url) from error


def _caused_by_tls(error: BaseException) -> bool:
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _read_body(
    response: httpx.Response,
    limit: int,
    deadline: float,
    clock: Callable[[], float],
    url: str,
    *,
    truncate: bool = False,
) -> bytes:
    """Reads and inflates the body, stopping at ``limit`` decoded bytes or the deadline."""
    declared = response.headers.get("content-length", "")
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if declared.isdigit() and int(declared) > limit and not truncate:
        raise FetchFailure("too_large", f"Content-Length {declared} exceeds {limit} bytes", url)
    inflater = _Inflater(encoding, url)
    body = bytearray()
    for chunk in _raw_chunks(response, url):
        if clock() > deadline:
            raise FetchFailure("timeout", "total timeout reached while reading the body", url)
        body += inflater.feed(chunk, limit - len(body) + 1)
        if len(body) > limit:
            if truncate:
                return bytes(body[:limit])
            raise FetchFailure("too_large", f"body exceeds {limit} bytes", url)
    return bytes(body)


def _raw_chunks(response: httpx.Response, url: str) -> Iterator[bytes]:
    with _network_failures(url):
        yield from response.iter_raw()


class _Inflater:
    """Content-Encoding decoder that never produces more than it is asked for, so a
    compression bomb costs at most the body limit in memory."""

    def __init__(self, encoding: str, url: str):
        self.url = url
        self.encoding = encoding
        if encoding in ("gzip", "x-gzip"):
            self._decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._decompressor = zlib.decompressobj()
        elif encoding in ("identity", ""):
            self._decompressor = None
        else:
            raise FetchFailure("decode", f"unsupported Content-Encoding {encoding!r}", url)
        self._started = False

    def feed(self, chunk: bytes, max_length: int) -> bytes:
        if self._decompressor is None:
            return chunk
        try:
            out = self._decompressor.decompress(chunk, max_length)
        except zlib.error as error:
            if self.encoding == "deflate" and not self._started:
                # Some servers send raw deflate without the zlib wrapper.
                self._decompressor = zlib.decompressobj(-zlib.MAX_WBITS)
                self._started = True
                return self.feed(chunk, max_length)
            raise FetchFailure("decode", f"bad {self.encoding} body: {error}", self.url) from error
        self._started = True
        return out


# --- the address guard ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int

    @property
    def origin(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"


def _parse_target(url: str) -> _Target:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise FetchFailure("invalid_url", f"invalid URL {url!r}: {error}", url) from error
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise FetchFailure("invalid_url", f"not an http(s) URL: {url!r}", url)
    return _Target(
        scheme, parts.hostname.lower().rstrip("."), port or (443 if scheme == "https" else 80)
    )


def _allowed(target: _Target, allow: frozenset[str]) -> bool:
    host = target.host
    names = {host, f"{host}:{target.port}", f"[{host}]", f"[{host}]:{target.port}"}
    return not names.isdisjoint(allow)


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _resolve(target: _Target, url: str) -> list[str]:
    try:
        return [str(ipaddress.ip_address(target.host))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchFailure("connect", f"cannot resolve {target.host}: {error}", url) from error
    return [str(info[4][0]) for info in infos]


def _guard_address(target: _Target, allow: frozenset[str], url: str) -> None:
    """Refuses hosts that resolve to private, loopback, link-local, multicast or reserved
    addresses: a feed must not make the poller reach into the network it runs in."""
    if _allowed(target, allow):
        return
    for address in _resolve(target, url):
        if not is_public_address(address):
            raise FetchFailure(
                "blocked_address", f"{target.host} resolves to non-public {address}", url
            )


def _guard_peer(response: httpx.Response, target: _Target, allow: frozenset[str], url: str) -> None:
    """Checks the address actually connected to, which DNS may have changed since the guard."""
    if _allowed(target, allow):
        return
    stream = response.extensions.get("network_stream")
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    if peer and not is_public_address(str(peer[0])):
        raise FetchFailure(
            "blocked_address", f"{target.host} connected to non-public {peer[0]}", url
        )


# --- server hints ---------------------------------------------------------------------------


def _response_time(date_header: str | None) -> datetime | None:
    if not date_header:
        return None
    try:
        moment = parsedate_to_datetime(date_header)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Retry-After as seconds from ``now``: delta-seconds or an HTTP date (RFC 9110 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    moment = _response_time(value)
    if moment is None:
        return None
    return max(0.0, (moment - now).total_seconds())


_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*\"?(\d+)\"?", re.IGNORECASE)


def parse_max_age(cache_control: str | None) -> float | None:
    """Cache-Control max-age in seconds; no-store/no-cache carry no freshness hint."""
    if not cache_control:
        return None
    match = _MAX_AGE.search(cache_control)
    return float(match.group(1)) if match else None
