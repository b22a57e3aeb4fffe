"""Index parsing: the only place that reads a source's feed, sitemap, listing page or API.

``parse_index`` is pure: bytes or text in, ``FeedItem`` list out, no I/O. A source's quirks
(selectors, URL language map, forced charset, date format) arrive as data from the registry.

Errors are part of the contract because the fetch outcome depends on them: an HTML page where
a feed was expected raises ``NotAFeed`` (outcome ``not_a_feed``), anything else unreadable
raises ``IndexParseError``. A well-formed but empty feed is a normal, empty result.
"""

from __future__ import annotations

import functools
import io
import json
import re
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone as dt_timezone
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import feedparser
from lxml import etree, html as lxml_html

from workers.records import FeedItem

KINDS = ("rss", "sitemap", "html_listing", "json_api")
# Feed types a page may announce with <link rel="alternate">: the ones feedparser reads.
FEED_LINK_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/x-rss+xml")
# A compressed sitemap inflates no further than this: a gzip bomb stops here.
MAX_INFLATED_BYTES = 50 * 1024 * 1024

_HTML_START = re.compile(rb"<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_XML_DECL_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


class IndexParseError(ValueError):
    """The index could not be read: broken XML/JSON, empty document, selectors matching nothing."""


class NotAFeed(IndexParseError):
    """An HTML page (or any other document) where a feed or sitemap was expected."""


@dataclass(slots=True)
class SitemapRef(FeedItem):
    """An entry of a sitemap index: it points at another sitemap, not at an article."""


def parse_index(
    kind: str,
    body: bytes | str,
    base_url: str,
    quirks: Mapping[str, Any] | None = None,
    *,
    timezone: str = "UTC",
    now: datetime | None = None,
) -> list[FeedItem]:
    """Read one index document into feed items, in document order, without duplicate URLs.

    ``timezone`` is the source's zone: dates written without an offset are local to it.
    ``now`` anchors relative dates ("Сегодня, 11:45") in listings and feeds.
    """
    quirks = quirks or {}
    _zone(timezone)  # an unknown zone is a registry error: refuse it before reading anything
    context = _Context(
        base_url=base_url,
        zone_name=timezone,
        now=now,
        date_format=quirks.get("date_format"),
        url_language=dict(quirks.get("url_language") or {}),
    )
    forced = quirks.get("charset")
    selectors = dict(quirks.get("selectors") or {})
    if kind == "rss":
        items = _parse_feed(_as_xml_bytes(body, forced), context)
    elif kind == "sitemap":
        items = _parse_sitemap(_as_xml_bytes(_inflate(body), forced), context)
    elif kind == "html_listing":
        items = _parse_listing(_as_text(body, forced), selectors, context)
    elif kind == "json_api":
        items = _parse_json_api(_as_text(body, forced), selectors, context)
    else:
        raise ValueError(f"unknown index kind {kind!r}; expected one of {', '.join(KINDS)}")
    return _unique_by_url(items)


def find_feed_links(html: str, base_url: str) -> list[str]:
    """Feed URLs a page announces with ``<link rel="alternate" type="...rss+xml|atom+xml">``."""
    if not html.strip():
        return []
    try:
        root = lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    links: list[str] = []
    for link in root.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        href = (link.get("href") or "").strip()
        if "alternate" in rels and href and kind in FEED_LINK_TYPES:
            links.append(urljoin(base_url, href))
    return list(dict.fromkeys(links))


def sitemaps_from_robots(robots_txt: str, base_url: str) -> list[str]:
    """``Sitemap:`` lines of a robots.txt, resolved against the site (the field is case-blind)."""
    found: list[str] = []
    for line in robots_txt.splitlines():
        field, sep, value = line.split("#", 1)[0].partition(":")
        if sep and field.strip().lower() == "sitemap" and value.strip():
            found.append(urljoin(base_url, value.strip()))
    return list(dict.fromkeys(found))


@dataclass(frozen=True, slots=True)
class _Context:
    base_url: str
    zone_name: str
    now: datetime | None
    date_format: str | None
    url_language: dict[str, str]

    def url(self, href: str | None) -> str | None:
        """An absolute http(s) URL, or None for mailto:, javascript: and empty links."""
        if not href or not href.strip():
            return None
        url = urljoin(self.base_url, href.strip())
        return url if urlsplit(url).scheme in ("http", "https") else None

    def language(self, url: str, declared: str | None) -> str | None:
        # The URL prefix is more specific than a declared language (it carries the script).
        path = urlsplit(url).path
        for prefix in sorted(self.url_language, key=len, reverse=True):
            if path.startswith(prefix):
                return self.url_language[prefix]
        return declared.strip() if declared and declared.strip() else None

    def date(self, value: str | None, fallback: Any = None) -> datetime | None:
        return parse_index_date(value, self.zone_name, now=self.now, date_format=self.date_format, fallback=fallback)


def parse_index_date(
    value: str | None,
    tz: str = "UTC",
    *,
    now: datetime | None = None,
    date_format: str | None = None,
    fallback: Any = None,
) -> datetime | None:
    """A date string from an index as an aware UTC datetime; offset-less dates are local to ``tz``.

    Order: the source's declared ``date_format``, ISO 8601, RFC 822, feedparser's own parse
    (``fallback``, a UTC struct_time), then the multilingual date grammar.
    """
    text = " ".join((value or "").split())
    if not text:
        return None
    parsed = _strptime(text, date_format) or _iso(text) or _rfc822(text)
    if parsed is None and fallback is not None:
        parsed = datetime(*fallback[:6], tzinfo=dt_timezone.utc)
    if parsed is None:
        parsed = _date_grammar(text, tz, now)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_zone(tz))
    return parsed.astimezone(dt_timezone.utc)


# --- RSS / Atom / RDF -------------------------------------------------------------------------


def _parse_feed(body: bytes, context: _Context) -> list[FeedItem]:
    if not body.strip():
        raise IndexParseError("empty document where a feed was expected")
    # A stream, never the bytes themselves: feedparser fetches URL-like strings and opens
    # path-like ones, and a feed body must never make the parser reach a network or a disk.
    parsed = feedparser.parse(io.BytesIO(body), sanitize_html=False, resolve_relative_uris=False)
    entries = parsed.get("entries") or []
    if not entries:
        _refuse_empty_feed(parsed, body)
        return []
    feed_language = dict.get(parsed.get("feed") or {}, "language")
    items = [item for entry in entries if (item := _feed_item(entry, feed_language, context))]
    if not items:
        problem = parsed.get("bozo_exception") if parsed.get("bozo") else "no entry carries a usable link"
        raise IndexParseError(f"malformed feed with no readable entries: {problem}")
    return items


def _refuse_empty_feed(parsed: Any, body: bytes) -> None:
    """An entry-less result is fine only for a well-formed feed; say what it was otherwise."""
    if _looks_like_html(body):
        raise NotAFeed("an HTML page where a feed was expected")
    if parsed.get("bozo"):
        raise IndexParseError(f"malformed feed with no readable entries: {parsed.get('bozo_exception')}")
    if not parsed.get("version"):
        raise NotAFeed("an XML document that is not RSS, Atom or RDF")


def _feed_item(entry: dict[str, Any], feed_language: str | None, context: _Context) -> FeedItem | None:
    # Plain dict lookups: feedparser's own ``get`` maps missing keys to others with a warning.
    field = functools.partial(dict.get, entry)
    guid = _clean(field("id"))
    url = context.url(field("link"))
    if url is None and guid and field("guidislink", True):
        url = context.url(guid)
    if url is None:
        return None
    raw_date = field("published") or field("updated") or field("created")
    fallback = field("published_parsed") or field("updated_parsed") or field("created_parsed")
    return FeedItem(
        url=url,
        guid=guid,
        title=_plain(field("title")),
        published_at=context.date(raw_date, fallback),
        summary=_plain(field("summary")),
        language=context.language(url, field("language") or feed_language),
    )


# --- Sitemaps ---------------------------------------------------------------------------------


def _parse_sitemap(body: bytes, context: _Context) -> list[FeedItem]:
    stripped = body.strip()
    if not stripped:
        raise IndexParseError("empty document where a sitemap was expected")
    if not stripped.startswith(b"<") and not _looks_like_html(body):
        return _plain_text_sitemap(body, context)
    root = _parse_xml(body)
    name = etree.QName(root).localname
    if name == "urlset":
        return [item for node in _descendants(root, "url") if (item := _sitemap_url(node, context))]
    if name == "sitemapindex":
        return [ref for node in _descendants(root, "sitemap") if (ref := _sitemap_ref(node, context))]
    if name.lower() == "html":
        raise NotAFeed("an HTML page where a sitemap was expected")
    raise NotAFeed(f"an XML document with root <{name}> where a sitemap was expected")


def _parse_xml(body: bytes) -> etree._Element:
    try:
        return etree.fromstring(body, parser=_hardened_parser(recover=False))
    except etree.XMLSyntaxError as strict_error:
        if _looks_like_html(body):
            raise NotAFeed("an HTML page where a sitemap was expected") from strict_error
        # Like feedparser's bozo entries: a truncated or sloppy sitemap still names its URLs.
        root = etree.fromstring(body, parser=_hardened_parser(recover=True))
        if root is None or not any(True for _ in _descendants(root, "loc")):
            raise IndexParseError(f"malformed sitemap: {strict_error}") from strict_error
        return root


def _hardened_parser(*, recover: bool) -> etree.XMLParser:
    # No network, no DTD, no entity expansion (billion laughs, XXE), no huge-tree mode.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        recover=recover,
    )


def _sitemap_url(node: etree._Element, context: _Context) -> FeedItem | None:
    url = context.url(_child_text(node, "loc"))
    if url is None:
        return None
    news = _first(_descendants(node, "news"))
    title = published = language = None
    if news is not None:
        title = _plain(_child_text(news, "title"))
        published = _child_text(news, "publication_date")
        publication = _first(_descendants(news, "publication"))
        language = _child_text(publication, "language") if publication is not None else None
    return FeedItem(
        url=url,
        title=title,
        published_at=context.date(published or _child_text(node, "lastmod")),
        language=context.language(url, language),
    )


def _sitemap_ref(node: etree._Element, context: _Context) -> SitemapRef | None:
    url = context.url(_child_text(node, "loc"))
    if url is None:
        return None
    return SitemapRef(url=url, published_at=context.date(_child_text(node, "lastmod")))


def _plain_text_sitemap(body: bytes, context: _Context) -> list[FeedItem]:
    """The sitemap protocol also allows a text file with one URL per line."""
    text = body.decode("utf-8", errors="replace")
    urls = [url for line in text.splitlines() if (url := context.url(line)) and "://" in line]
    if not urls:
        raise IndexParseError("a text document with no URLs where a sitemap was expected")
    return [FeedItem(url=url, language=context.language(url, None)) for url in urls]


def _descendants(node: etree._Element, localname: str) -> Iterator[etree._Element]:
    # Match by local name: sitemaps in the wild use the 0.9 namespace, an older one, or none.
    for child in node.iterdescendants():
        if isinstance(child.tag, str) and etree.QName(child).localname == localname:
            yield child


def _child_text(node: etree._Element, localname: str) -> str | None:
    for child in node:
        if isinstance(child.tag, str) and etree.QName(child).localname == localname:
            return (child.text or "").strip() or None
    return None


def _inflate(body: bytes | str) -> bytes | str:
    """Sitemaps are often served as ``.xml.gz`` files; inflate them with a ceiling."""
    if not isinstance(body, bytes) or not body.startswith(b"\x1f\x8b"):
        return body
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, MAX_INFLATED_BYTES + 1)
    except zlib.error as error:
        raise IndexParseError(f"broken gzip sitemap: {error}") from error
    if len(data) > MAX_INFLATED_BYTES:
        raise IndexParseError(f"gzip sitemap inflates beyond {MAX_INFLATED_BYTES} bytes")
    return data


# --- HTML listings ----------------------------------------------------------------------------


def _parse_listing(text: str, selectors: Mapping[str, str], context: _Context) -> list[FeedItem]:
    if not text.strip():
        raise IndexParseError("empty document where a listing page was expected")
    if not selectors.get("item"):
        raise IndexParseError("html_listing needs quirks.selectors.item")
    try:
        root = lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError) as error:
        raise IndexParseError(f"unreadable listing page: {error}") from error
    root.make_links_absolute(context.base_url, resolve_base_href=True, handle_failures="ignore")
    nodes = _select(root, selectors["item"])
    if not nodes:
        raise IndexParseError(f"listing selector {selectors['item']!r} matched nothing: the page layout changed?")
    return [item for node in nodes if (item := _listing_item(node, selectors, context))]


def _listing_item(node: etree._Element, selectors: Mapping[str, str], context: _Context) -> FeedItem | None:
    link = _link_element(node, selectors.get("link"))
    if link is None:
        return None
    url = context.url(link.get("href"))
    if url is None:
        return None
    title_node = _first(_select(node, selectors["title"])) if selectors.get("title") else link
    date_node = _first(_select(node, selectors["date"])) if selectors.get("date") else None
    guid_node = _first(_select(node, selectors["guid"])) if selectors.get("guid") else None
    return FeedItem(
        url=url,
        guid=_node_value(guid_node, ("data-id", "id", "value")),
        title=_plain(title_node.text_content()) if title_node is not None else None,
        published_at=context.date(_node_value(date_node, ("datetime", "content", "data-date"))),
        language=context.language(url, None),
    )


def _link_element(node: etree._Element, selector: str | None) -> etree._Element | None:
    if selector:
        return _first(el for el in _select(node, selector) if el.get("href"))
    if node.get("href"):
        return node
    return _first(el for el in node.iter("a") if el.get("href"))


def _node_value(node: etree._Element | None, attributes: Iterable[str]) -> str | None:
    """A machine-readable attribute when the markup offers one, else the visible text."""
    if node is None:
        return None
    for attribute in attributes:
        if node.get(attribute):
            return node.get(attribute).strip()
    return _plain(node.text_content())


def _select(node: etree._Element, selector: str) -> list[etree._Element]:
    from lxml.cssselect import CSSSelector, SelectorError

    try:
        return CSSSelector(selector, translator="html")(node)
    except SelectorError as error:
        raise IndexParseError(f"invalid CSS selector {selector!r}: {error}") from error


# --- JSON APIs --------------------------------------------------------------------------------


def _parse_json_api(text: str, selectors: Mapping[str, str], context: _Context) -> list[FeedItem]:
    if not text.strip():
        raise IndexParseError("empty document where a JSON response was expected")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        if _looks_like_html(text.encode("utf-8", errors="replace")):
            raise NotAFeed("an HTML page where a JSON response was expected") from error
        raise IndexParseError(f"malformed JSON: {error}") from error
    records = _key_path(document, selectors.get("items") or "")
    if not isinstance(records, list):
        raise IndexParseError(f"JSON items path {selectors.get('items')!r} does not lead to a list")
    return [item for record in records if isinstance(record, dict) and (item := _api_item(record, selectors, context))]


def _api_item(record: dict[str, Any], selectors: Mapping[str, str], context: _Context) -> FeedItem | None:
    template = selectors.get("url_template")
    if template:
        try:
            href = template.format_map(record)
        except (KeyError, IndexError, ValueError):
            return None
    else:
        href = _scalar(_key_path(record, selectors.get("url") or "url"))
    url = context.url(href)
    if url is None:
        return None
    guid = _scalar(_key_path(record, selectors["guid"])) if selectors.get("guid") else None
    return FeedItem(
        url=url,
        guid=guid,
        title=_plain(_scalar(_key_path(record, selectors.get("title") or "title"))),
        published_at=context.date(_scalar(_key_path(record, selectors.get("date") or "date"))),
        language=context.language(url, _scalar(_key_path(record, selectors["language"])) if selectors.get("language") else None),
    )


def _key_path(document: Any, path: str) -> Any:
    """Follow ``data.items.0.url``-style paths; a missing step gives None."""
    value = document
    for step in (part for part in path.split(".") if part):
        if isinstance(value, dict):
            value = value.get(step)
        elif isinstance(value, list) and step.lstrip("-").isdigit() and -len(value) <= int(step) < len(value):
            value = value[int(step)]
        else:
            return None
    return value


def _scalar(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    return str(value)


# --- Text and bytes ---------------------------------------------------------------------------


def _as_xml_bytes(body: bytes | str, forced_charset: str | None) -> bytes:
    """XML as bytes whose declaration tells the truth: parsers decode by the declaration."""
    if isinstance(body, bytes) and not forced_charset:
        return body
    text = body if isinstance(body, str) else _decode(body, forced_charset)
    text = text.lstrip("\ufeff")
    declaration = _XML_DECL.match(text)
    if declaration:
        text = '<?xml version="1.0" encoding="utf-8"?>' + text[declaration.end():]
    return text.encode("utf-8")


def _as_text(body: bytes | str, forced_charset: str | None) -> str:
    if isinstance(body, str):
        return body
    if forced_charset:
        return _decode(body, forced_charset)
    return _decode(body, _declared_charset(body))


def _declared_charset(body: bytes) -> str | None:
    if body.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    head = body[:4096]
    match = _XML_DECL_ENCODING.match(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None


def _decode(body: bytes, charset: str | None) -> str:
    for candidate in (charset, "utf-8"):
        if not candidate:
            continue
        try:
            return body.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    # Legacy Central Asian sites that declare nothing and are not UTF-8 are cp1251.
    return body.decode("cp1251", errors="replace")


def _looks_like_html(body: bytes) -> bool:
    return bool(_HTML_START.search(body[:4096]))


def _plain(value: Any) -> str | None:
    """Visible text: tags dropped, entities resolved, whitespace collapsed."""
    if not value:
        return None
    text = str(value)
    if "<" in text and _TAG.search(text):
        try:
            text = lxml_html.fragment_fromstring(text, create_parent="div").text_content()
        except (etree.ParserError, ValueError):
            text = _TAG.sub(" ", text)
    text = " ".join(text.split())
    return text or None


def _clean(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _first(values: Iterable[Any]) -> Any:
    return next(iter(values), None)


def _unique_by_url(items: list[FeedItem]) -> list[FeedItem]:
    seen: set[str] = set()
    unique = []
    for item in items:
        if item.url not in seen:
            seen.add(item.url)
            unique.append(item)
    return unique


# --- Dates ------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {name!r}") from error


def _strptime(text: str, date_format: str | None) -> datetime | None:
    if not date_format:
        return None
    try:
        return datetime.strptime(text, date_format)
    except ValueError:
        return None


def _iso(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _rfc822(text: str) -> datetime | None:
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _date_grammar(text: str, tz: str, now: datetime | None) -> datetime | None:
    """The multilingual grammar for "Сегодня, 11:45", "14.11.2025 19:48", "20 Январь 2026"."""
    try:
        from workers.extract.dates import parse_published
    except ImportError:
        # The index date is a hint (the article page is read later); a build without the
        # date grammar still reads every standard feed date.
        return None
    return parse_published(text, tz, now)
