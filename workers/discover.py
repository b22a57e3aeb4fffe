"""Feed discovery: from a site's homepage to a registry entry for its best index.

Looks where sites announce their indexes, in order: the homepage's
``<link rel="alternate">`` feeds, robots.txt ``Sitemap:`` lines, then ``/sitemap.xml``. Each
candidate is fetched and parsed before it is proposed, so a "feed" that answers with an HTML
page is never registered. HTTP is injected (``get(url) -> (status, text)``): the CLI passes
the project's fetcher, tests a real local server.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from lxml import etree, html as lxml_html

from schedules.registry import url_host
from workers.index import IndexParseError, SitemapRef, find_feed_links, parse_index, sitemaps_from_robots
from workers.records import FeedItem

Get = Callable[[str], tuple[int, str]]

# Where a country code top-level domain names the source's country and its usual zone.
COUNTRY_ZONES = {
    "KZ": "Asia/Almaty",
    "UZ": "Asia/Tashkent",
    "KG": "Asia/Bishkek",
    "TJ": "Asia/Dushanbe",
    "TM": "Asia/Ashgabat",
    "RU": "Europe/Moscow",
}
# RSS/Atom carry titles, GUIDs and dates; a news sitemap has dates and titles; a plain
# sitemap has neither, so it is the last resort.
_RANK = {"feed": 0, "news_sitemap": 1, "sitemap": 2}
_RELATIVE_LINK = re.compile(r"<link>\s*(?!https?://)[^<\s]+\s*</link>|<link[^>]+href=[\"'](?!https?://)", re.IGNORECASE)
_NEWS_NAMESPACE = "sitemap-news"


class DiscoveryError(LookupError):
    """The site announces no readable feed or sitemap: register it as an html_listing by hand."""


@dataclass(frozen=True)
class _Candidate:
    rank: int
    kind: str
    url: str
    items: tuple[FeedItem, ...]
    relative_links: bool = False
    news_sitemap: bool = False


@dataclass
class _Site:
    homepage: str
    get: Get
    tried: list[str] = field(default_factory=list)

    def fetch(self, url: str) -> str | None:
        self.tried.append(url)
        status, text = self.get(url)
        return text if status == 200 and text else None


def discover(
    homepage_url: str,
    get: Get,
    *,
    role: str = "press",
    country: str | None = None,
    timezone: str | None = None,
    poll_interval_s: int = 900,
) -> dict:
    """A registry entry (the shared schema) for the best index the site offers.

    Country and zone default to what the domain says (``.kz`` -> KZ, Asia/Almaty); pass them
    for other domains. Raises DiscoveryError, listing the URLs tried, when nothing parses.
    """
    site = _Site(homepage_url, get)
    homepage = site.fetch(homepage_url) or ""
    candidate = _best(_feed_candidates(site, homepage) or _sitemap_candidates(site))
    if candidate is None:
        raise DiscoveryError(f"no feed or sitemap found for {homepage_url}; tried: {', '.join(site.tried)}")
    country = country or _country(homepage_url)
    return _entry(homepage_url, homepage, candidate, role, country, timezone, poll_interval_s)


def _feed_candidates(site: _Site, homepage: str) -> list[_Candidate]:
    candidates = []
    for url in find_feed_links(homepage, site.homepage):
        body = site.fetch(url)
        items = _readable("rss", body, url)
        if items is not None:
            relative = bool(_RELATIVE_LINK.search(body or ""))
            candidates.append(_Candidate(_RANK["feed"], "rss", url, items, relative_links=relative))
    return candidates


def _sitemap_candidates(site: _Site) -> list[_Candidate]:
    robots = site.fetch(urljoin(site.homepage, "/robots.txt")) or ""
    urls = sitemaps_from_robots(robots, site.homepage) or [urljoin(site.homepage, "/sitemap.xml")]
    candidates = []
    for url in urls:
        body = site.fetch(url)
        items = _readable("sitemap", body, url)
        if items is None:
            continue
        news = _NEWS_NAMESPACE in (body or "") or any(isinstance(i, SitemapRef) and "news" in i.url for i in items)
        rank = _RANK["news_sitemap"] if news else _RANK["sitemap"]
        candidates.append(_Candidate(rank, "sitemap", url, items, news_sitemap=news))
    return candidates


def _readable(kind: str, body: str | None, url: str) -> tuple[FeedItem, ...] | None:
    if body is None:
        return None
    try:
        return tuple(parse_index(kind, body, url))
    except IndexParseError:
        return None


def _best(candidates: list[_Candidate]) -> _Candidate | None:
    # Among equals, the one with items wins over an empty one, then the site's own order.
    ranked = sorted(enumerate(candidates), key=lambda pair: (pair[1].rank, not pair[1].items, pair[0]))
    return ranked[0][1] if ranked else None


def _entry(
    homepage_url: str,
    homepage: str,
    candidate: _Candidate,
    role: str,
    country: str | None,
    timezone: str | None,
    poll_interval_s: int,
) -> dict:
    # Only what discovery observed; every other quirk keeps its registry default.
    quirks = {"relative_links": candidate.relative_links, "news_sitemap": candidate.news_sitemap}
    return {
        "key": _key(homepage_url),
        "name": _title(homepage) or url_host(homepage_url),
        "kind": candidate.kind,
        "url": candidate.url,
        "homepage": homepage_url,
        "role": role,
        "country": country,
        "timezone": timezone or COUNTRY_ZONES.get(country or "", "UTC"),
        "languages": _languages(homepage, candidate.items),
        "poll_interval_s": poll_interval_s,
        "quirks": quirks,
    }


def _key(homepage_url: str) -> str:
    host = (urlsplit(homepage_url).hostname or "source").removeprefix("www.")
    port = urlsplit(homepage_url).port
    return re.sub(r"[^a-z0-9]+", "-", f"{host}-{port}" if port else host).strip("-")


def _country(homepage_url: str) -> str | None:
    suffix = (urlsplit(homepage_url).hostname or "").rsplit(".", 1)[-1].upper()
    return suffix if suffix in COUNTRY_ZONES else None


def _title(homepage: str) -> str | None:
    root = _document(homepage)
    title = root.findtext(".//title") if root is not None else None
    return " ".join(title.split()) if title and title.strip() else None


def _languages(homepage: str, items: tuple[FeedItem, ...]) -> list[str]:
    root = _document(homepage)
    declared = (root.get("lang") or "").strip() if root is not None else ""
    found = [declared.split("-")[0].lower()] if declared else []
    found += [item.language.split("-")[0].lower() for item in items if item.language]
    return list(dict.fromkeys(found)) or ["und"]


def _document(homepage: str) -> etree._Element | None:
    if not homepage.strip():
        return None
    try:
        return lxml_html.document_fromstring(homepage)
    except (etree.ParserError, ValueError):
        return None
