"""Index parsing: named cases per index kind, plus the failure contract (NotAFeed, errors)."""

from __future__ import annotations

import gzip
import json
from datetime import datetime, timezone

import pytest

from workers.index import (
    IndexParseError,
    NotAFeed,
    SitemapRef,
    find_feed_links,
    parse_index,
    parse_index_date,
    sitemaps_from_robots,
)
from workers.records import FeedItem

UTC = timezone.utc

RSS_RELATIVE = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Акорда</title><link>https://www.akorda.kz/ru</link>
<language>ru</language>
<item><title>Глава государства провёл переговоры</title>
<link>/ru/glava-gosudarstva-provel-peregovory-1510151</link>
<guid isPermaLink="false">akorda-1510151</guid>
<pubDate>Sat, 15 Nov 2025 16:20:00 +0500</pubDate></item>
<item><title>Телефонный разговор</title><link>ru/telefonnyy-razgovor-1510150</link>
<pubDate>Fri, 14 Nov 2025 19:48:00</pubDate></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><title>Example</title>
<id>urn:feed</id><updated>2025-11-15T10:00:00+05:00</updated>
<entry><id>urn:uuid:1</id><title type="html">Talks &lt;b&gt;held&lt;/b&gt;</title>
<link rel="alternate" href="https://example.uz/en/news/1"/>
<published>2025-11-15T10:00:00+05:00</published><updated>2025-11-16T10:00:00+05:00</updated></entry>
<entry><id>urn:uuid:2</id><title>Second</title><link href="/en/news/2"/>
<updated>2025-11-14T08:00:00Z</updated></entry>
</feed>"""

RDF = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://old.example.kg/"><title>Old</title><link>https://old.example.kg/</link></channel>
<item rdf:about="https://old.example.kg/news/7"><title>Визит</title><link>https://old.example.kg/news/7</link>
<dc:date>2025-11-13T09:30:00+06:00</dc:date></item>
</rdf:RDF>"""

BOZO_USABLE = """<rss version="2.0"><channel><title>Broken &nbsp; feed</title>
<item><title>A &amp; B</title><link>https://example.kz/a</link></item>
<item><title>C</title><link>https://example.kz/c</link></item>
</channel>"""

HTML_PAGE = """<!DOCTYPE html><html><head><title>Главная</title></head>
<body><h1>Новости</h1><p>Сайт на реконструкции</p></body></html>"""

EMPTY_FEED = '<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>'

SITEMAP_INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://kun.uz/sitemap/news-2025-11-15.xml</loc><lastmod>2025-11-15T23:59:00+05:00</lastmod></sitemap>
<sitemap><loc>/sitemap/news-2025-11-14.xml</loc><lastmod>2025-11-14</lastmod></sitemap>
</sitemapindex>"""

NEWS_SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://www.inform.kz/ru/tokaev-i-mirziyoev-1</loc>
  <news:news><news:publication><news:name>Kazinform</news:name><news:language>ru</news:language></news:publication>
  <news:publication_date>2025-11-15T11:45:00+05:00</news:publication_date>
  <news:title>Токаев и Мирзиёев обсудили сотрудничество</news:title></news:news></url>
<url><loc>https://www.inform.kz/oz/tokaev-mirziyoev-2</loc>
  <news:news><news:publication><news:name>Kazinform</news:name><news:language>uz</news:language></news:publication>
  <news:publication_date>2025-11-15T12:00:00+05:00</news:publication_date>
  <news:title>Тоқаев ва Мирзиёев</news:title></news:news></url>
<url><loc>https://www.inform.kz/ru/plain-3</loc><lastmod>2025-11-14T10:00:00</lastmod></url>
</urlset>"""

LISTING = """<html><head><meta charset="utf-8"><title>Президент</title></head><body>
<nav><a href="/r/ekonomika/">Экономика</a></nav>
<div class="list">
 <article class="news-item"><a class="title" href="/n/tokaev-vstretilsya-1/">Токаев встретился с Мирзиёевым</a>
   <time datetime="2025-11-17T09:00:00+05:00">17 ноября 2025, 09:00</time></article>
 <article class="news-item"><a class="title" href="https://kazpravda.kz/n/vizit-2/"> Визит
   в Ташкент </a><span class="date">16.11.2025 18:30</span></article>
 <article class="news-item"><span>no link here</span></article>
</div></body></html>"""

LISTING_SELECTORS = {"item": "article.news-item", "link": "a.title", "title": "a.title", "date": "time, .date"}

JSON_API = {
    "content": [
        {"id": 101, "title": "Встреча министров", "created_date": "2025-11-15T10:00:00+05:00"},
        {"id": 102, "title": "Визит в Бишкек", "created_date": "2025-11-14T09:00:00"},
    ],
    "totalElements": 2,
}
JSON_SELECTORS = {
    "items": "content",
    "url_template": "https://www.gov.kz/memleket/entities/mfa/press/news/details/{id}?lang=ru",
    "guid": "id",
    "title": "title",
    "date": "created_date",
}


def cyrillic_feed(encoding: str) -> bytes:
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel><title>Лента</title>'
        "<item><title>Саммит глав государств Центральной Азии</title>"
        "<link>https://24.kg/politika/1/</link><pubDate>Sat, 15 Nov 2025 10:00:00 +0600</pubDate></item>"
        "</channel></rss>"
    )
    return text.encode(encoding)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


FEED_CASES = {
    "rss_relative_links_resolved_against_feed_url": (
        "rss",
        RSS_RELATIVE,
        "https://www.akorda.kz/ru/rss",
        {"url_language": {"/ru/": "ru", "/kz/": "kk"}},
        "Asia/Almaty",
        [
            FeedItem(
                url="https://www.akorda.kz/ru/glava-gosudarstva-provel-peregovory-1510151",
                guid="akorda-1510151",
                title="Глава государства провёл переговоры",
                published_at=at(2025, 11, 15, 11, 20),
                language="ru",
            ),
            # A pubDate without an offset is local time of the source's zone (UTC+5).
            FeedItem(
                url="https://www.akorda.kz/ru/ru/telefonnyy-razgovor-1510150",
                guid=None,
                title="Телефонный разговор",
                published_at=at(2025, 11, 14, 14, 48),
                language="ru",
            ),
        ],
    ),
    "atom_html_title_and_relative_href": (
        "rss",
        ATOM,
        "https://example.uz/en/feed.atom",
        None,
        "Asia/Tashkent",
        [
            FeedItem(url="https://example.uz/en/news/1", guid="urn:uuid:1", title="Talks held",
                     published_at=at(2025, 11, 15, 5, 0), language="en"),
            FeedItem(url="https://example.uz/en/news/2", guid="urn:uuid:2", title="Second",
                     published_at=at(2025, 11, 14, 8, 0), language="en"),
        ],
    ),
    "rdf_with_dc_date": (
        "rss",
        RDF,
        "https://old.example.kg/rss.rdf",
        None,
        "Asia/Bishkek",
        [FeedItem(url="https://old.example.kg/news/7", guid="https://old.example.kg/news/7", title="Визит", published_at=at(2025, 11, 13, 3, 30))],
    ),
    "bozo_feed_keeps_its_entries": (
        "rss",
        BOZO_USABLE,
        "https://example.kz/rss",
        None,
        "UTC",
        [
            FeedItem(url="https://example.kz/a", title="A & B"),
            FeedItem(url="https://example.kz/c", title="C"),
        ],
    ),
    "well_formed_empty_feed_is_empty": ("rss", EMPTY_FEED, "https://example.kz/rss", None, "UTC", []),
    "cp1251_bytes_with_declaration": (
        "rss",
        cyrillic_feed("windows-1251"),
        "https://24.kg/rss/",
        None,
        "Asia/Bishkek",
        [FeedItem(url="https://24.kg/politika/1/", title="Саммит глав государств Центральной Азии",
                  published_at=at(2025, 11, 15, 4, 0))],
    ),
    "koi8r_bytes_with_declaration": (
        "rss",
        cyrillic_feed("koi8-r"),
        "https://24.kg/rss/",
        None,
        "Asia/Bishkek",
        [FeedItem(url="https://24.kg/politika/1/", title="Саммит глав государств Центральной Азии",
                  published_at=at(2025, 11, 15, 4, 0))],
    ),
    "text_with_stale_declaration_is_read_as_text": (
        "rss",
        cyrillic_feed("windows-1251").decode("windows-1251"),
        "https://24.kg/rss/",
        None,
        "Asia/Bishkek",
        [FeedItem(url="https://24.kg/politika/1/", title="Саммит глав государств Центральной Азии",
                  published_at=at(2025, 11, 15, 4, 0))],
    ),
    "forced_charset_overrides_a_lying_declaration": (
        "rss",
        cyrillic_feed("windows-1251").replace(b'encoding="windows-1251"', b'encoding="utf-8"'),
        "https://24.kg/rss/",
        {"charset": "cp1251"},
        "Asia/Bishkek",
        [FeedItem(url="https://24.kg/politika/1/", title="Саммит глав государств Центральной Азии",
                  published_at=at(2025, 11, 15, 4, 0))],
    ),
    "sitemap_index_lists_child_sitemaps": (
        "sitemap",
        SITEMAP_INDEX,
        "https://kun.uz/sitemap/news.xml",
        None,
        "Asia/Tashkent",
        [
            SitemapRef(url="https://kun.uz/sitemap/news-2025-11-15.xml", published_at=at(2025, 11, 15, 18, 59)),
            SitemapRef(url="https://kun.uz/sitemap/news-2025-11-14.xml", published_at=at(2025, 11, 13, 19, 0)),
        ],
    ),
    "news_sitemap_with_title_date_language": (
        "sitemap",
        NEWS_SITEMAP,
        "https://www.inform.kz/sitemap-news.xml",
        {"url_language": {"/oz/": "uz-Cyrl"}},
        "Asia/Almaty",
        [
            FeedItem(url="https://www.inform.kz/ru/tokaev-i-mirziyoev-1", title="Токаев и Мирзиёев обсудили сотрудничество",
                     published_at=at(2025, 11, 15, 6, 45), language="ru"),
            # The site's URL map (Cyrillic on /oz/) is more precise than news:language.
            FeedItem(url="https://www.inform.kz/oz/tokaev-mirziyoev-2", title="Тоқаев ва Мирзиёев",
                     published_at=at(2025, 11, 15, 7, 0), language="uz-Cyrl"),
            FeedItem(url="https://www.inform.kz/ru/plain-3", published_at=at(2025, 11, 14, 5, 0)),
        ],
    ),
    "gzipped_sitemap": (
        "sitemap",
        gzip.compress(NEWS_SITEMAP.encode()),
        "https://www.inform.kz/sitemap-news.xml.gz",
        None,
        "Asia/Almaty",
        None,  # same three URLs as the plain one; checked by url below
    ),
    "listing_with_selectors": (
        "html_listing",
        LISTING,
        "https://kazpravda.kz/r/prezident/",
        {"selectors": LISTING_SELECTORS},
        "Asia/Almaty",
        [
            FeedItem(url="https://kazpravda.kz/n/tokaev-vstretilsya-1/", title="Токаев встретился с Мирзиёевым",
                     published_at=at(2025, 11, 17, 4, 0)),
            # Text dates go through the multilingual date grammar, in the source's zone.
            FeedItem(url="https://kazpravda.kz/n/vizit-2/", title="Визит в Ташкент", published_at=at(2025, 11, 16, 13, 30)),
        ],
    ),
    "listing_date_format_hint": (
        "html_listing",
        LISTING,
        "https://kazpravda.kz/r/prezident/",
        {"selectors": {**LISTING_SELECTORS, "date": ".date"}, "date_format": "%d.%m.%Y %H:%M"},
        "Asia/Almaty",
        [
            FeedItem(url="https://kazpravda.kz/n/tokaev-vstretilsya-1/", title="Токаев встретился с Мирзиёевым"),
            FeedItem(url="https://kazpravda.kz/n/vizit-2/", title="Визит в Ташкент", published_at=at(2025, 11, 16, 13, 30)),
        ],
    ),
    "json_api_with_url_template": (
        "json_api",
        json.dumps(JSON_API, ensure_ascii=False).encode("utf-8"),
        "https://www.gov.kz/api/v1/public/content-manager/news",
        {"selectors": JSON_SELECTORS},
        "Asia/Almaty",
        [
            FeedItem(url="https://www.gov.kz/memleket/entities/mfa/press/news/details/101?lang=ru", guid="101",
                     title="Встреча министров", published_at=at(2025, 11, 15, 5, 0)),
            FeedItem(url="https://www.gov.kz/memleket/entities/mfa/press/news/details/102?lang=ru", guid="102",
                     title="Визит в Бишкек", published_at=at(2025, 11, 14, 4, 0)),
        ],
    ),
}


def _essentials(items: list[FeedItem]) -> list[tuple]:
    return [(type(i).__name__, i.url, i.guid, i.title, i.published_at, i.language) for i in items]


@pytest.mark.parametrize("case", list(FEED_CASES))
def test_parse_index(case: str) -> None:
    kind, body, base_url, quirks, zone, expected = FEED_CASES[case]
    items = parse_index(kind, body, base_url, quirks, timezone=zone)
    if expected is None:
        assert [i.url for i in items] == [
            "https://www.inform.kz/ru/tokaev-i-mirziyoev-1",
            "https://www.inform.kz/oz/tokaev-mirziyoev-2",
            "https://www.inform.kz/ru/plain-3",
        ]
        return
    assert _essentials(items) == _essentials(expected)


def test_published_dates_are_aware_utc() -> None:
    items = parse_index("rss", RSS_RELATIVE, "https://www.akorda.kz/ru/rss", timezone="Asia/Almaty")
    assert all(i.published_at.tzinfo is UTC for i in items)


FAILURE_CASES = {
    "html_served_as_feed": ("rss", HTML_PAGE, NotAFeed, "HTML page"),
    "html_served_as_feed_bytes": ("rss", HTML_PAGE.encode(), NotAFeed, "HTML page"),
    "xml_that_is_not_a_feed": ("rss", "<?xml version='1.0'?><config><a/></config>", NotAFeed, "not RSS"),
    "empty_document": ("rss", b"", IndexParseError, "empty document"),
    "whitespace_document": ("rss", "  \n ", IndexParseError, "empty document"),
    "broken_xml_without_entries": ("rss", "<rss><channel><item><title>x</ti", IndexParseError, "malformed"),
    "plain_text_as_feed": ("rss", "Service Unavailable", IndexParseError, "malformed"),
    "html_served_as_sitemap": ("sitemap", HTML_PAGE, NotAFeed, "HTML page"),
    "rss_served_as_sitemap": ("sitemap", EMPTY_FEED, NotAFeed, "<rss>"),
    "empty_sitemap": ("sitemap", b"", IndexParseError, "empty document"),
    "broken_sitemap_without_urls": ("sitemap", "<urlset><url><lo", IndexParseError, "malformed sitemap"),
    "listing_layout_changed": ("html_listing", HTML_PAGE, IndexParseError, "matched nothing"),
    "html_served_as_json": ("json_api", HTML_PAGE, NotAFeed, "HTML page"),
    "broken_json": ("json_api", '{"content": [', IndexParseError, "malformed JSON"),
    "json_items_path_missing": ("json_api", '{"data": []}', IndexParseError, "does not lead to a list"),
}


@pytest.mark.parametrize("case", list(FAILURE_CASES))
def test_parse_index_failures(case: str) -> None:
    kind, body, error, message = FAILURE_CASES[case]
    quirks = {"selectors": LISTING_SELECTORS if kind == "html_listing" else JSON_SELECTORS}
    with pytest.raises(error, match=message):
        parse_index(kind, body, "https://example.kz/index", quirks)


def test_not_a_feed_is_an_index_parse_error() -> None:
    # The fetch outcome code catches IndexParseError and asks for NotAFeed by subclass.
    assert issubclass(NotAFeed, IndexParseError) and issubclass(IndexParseError, ValueError)


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown index kind 'atom'"):
        parse_index("atom", ATOM, "https://example.uz/")


def test_empty_json_list_is_empty() -> None:
    assert parse_index("json_api", '{"content": []}', "https://x.kz/api", {"selectors": JSON_SELECTORS}) == []


def test_sitemap_entities_are_not_expanded() -> None:
    # A billion-laughs style document must not expand; the hardened parser leaves the entity.
    body = (
        '<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY a "https://evil.example/x">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&b;</loc></url>'
        "<url><loc>https://ok.kz/1</loc></url></urlset>"
    )
    items = parse_index("sitemap", body, "https://ok.kz/sitemap.xml")
    assert [i.url for i in items] == ["https://ok.kz/1"]


def test_sitemap_external_entity_is_not_read(tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("https://leak.example/secret")
    body = (
        f'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<urlset><url><loc>&x;</loc></url><url><loc>https://ok.kz/2</loc></url></urlset>'
    )
    assert [i.url for i in parse_index("sitemap", body, "https://ok.kz/")] == ["https://ok.kz/2"]


def test_a_body_that_looks_like_a_path_or_url_is_not_opened(tmp_path) -> None:
    local_feed = tmp_path / "feed.xml"
    local_feed.write_text(EMPTY_FEED.replace("</channel>", "<item><link>https://leak.example/1</link></item></channel>"))
    for body in (str(local_feed), str(local_feed).encode(), "http://127.0.0.1:9/feed.xml"):
        with pytest.raises(IndexParseError):
            parse_index("rss", body, "https://ok.kz/rss")


def test_truncated_sitemap_keeps_the_urls_it_names() -> None:
    body = '<urlset><url><loc>https://ok.kz/1</loc></url><url><loc>https://ok.kz/2</loc></url><url><lo'
    assert [i.url for i in parse_index("sitemap", body, "https://ok.kz/")] == ["https://ok.kz/1", "https://ok.kz/2"]


def test_plain_text_sitemap() -> None:
    body = b"https://ok.kz/1\nhttps://ok.kz/2\n\nhttps://ok.kz/1\n"
    assert [i.url for i in parse_index("sitemap", body, "https://ok.kz/")] == ["https://ok.kz/1", "https://ok.kz/2"]


def test_duplicate_and_non_http_links_are_dropped() -> None:
    body = (
        '<rss version="2.0"><channel><title>x</title>'
        "<item><title>a</title><link>https://ok.kz/1</link></item>"
        "<item><title>again</title><link>https://ok.kz/1</link></item>"
        "<item><title>mail</title><link>mailto:editor@ok.kz</link></item>"
        "</channel></rss>"
    )
    assert [(i.url, i.title) for i in parse_index("rss", body, "https://ok.kz/rss")] == [("https://ok.kz/1", "a")]


def test_listing_in_cp1251_bytes_with_meta_charset() -> None:
    body = LISTING.replace('charset="utf-8"', 'charset="windows-1251"').encode("cp1251")
    items = parse_index("html_listing", body, "https://kazpravda.kz/r/prezident/", {"selectors": LISTING_SELECTORS})
    assert items[0].title == "Токаев встретился с Мирзиёевым"


DATE_CASES = {
    "rfc822_with_offset": ("Sat, 15 Nov 2025 16:20:00 +0500", "UTC", at(2025, 11, 15, 11, 20)),
    "rfc822_gmt": ("Sat, 15 Nov 2025 16:20:00 GMT", "Asia/Almaty", at(2025, 11, 15, 16, 20)),
    "rfc822_without_zone_is_local": ("Sat, 15 Nov 2025 16:20:00", "Asia/Tashkent", at(2025, 11, 15, 11, 20)),
    "iso_with_offset": ("2025-11-15T10:00:00+05:00", "UTC", at(2025, 11, 15, 5, 0)),
    "iso_zulu": ("2025-11-15T10:00:00Z", "Asia/Almaty", at(2025, 11, 15, 10, 0)),
    "iso_date_only_is_local_midnight": ("2025-11-15", "Asia/Bishkek", at(2025, 11, 14, 18, 0)),
    "blank": ("   ", "UTC", None),
}


@pytest.mark.parametrize("case", list(DATE_CASES))
def test_parse_index_date(case: str) -> None:
    value, zone, expected = DATE_CASES[case]
    assert parse_index_date(value, zone) == expected


def test_relative_dates_are_anchored_at_now() -> None:
    page = LISTING.replace("16.11.2025 18:30", "Сегодня, 11:45")
    now = datetime(2025, 11, 15, 12, 0, tzinfo=UTC)
    items = parse_index("html_listing", page, "https://kazpravda.kz/r/prezident/", {"selectors": LISTING_SELECTORS},
                        timezone="Asia/Almaty", now=now)
    assert items[1].published_at == at(2025, 11, 15, 6, 45)


def test_unreadable_date_is_none_not_an_error() -> None:
    page = LISTING.replace("16.11.2025 18:30", "давным-давно")
    items = parse_index("html_listing", page, "https://kazpravda.kz/r/prezident/", {"selectors": LISTING_SELECTORS})
    assert [i.published_at is None for i in items] == [False, True]


def test_unknown_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        parse_index("rss", EMPTY_FEED, "https://x.kz/", timezone="+05:00")


def test_find_feed_links() -> None:
    page = """<html><head>
    <link rel="stylesheet" href="/s.css">
    <link rel="alternate" type="application/rss+xml" title="RSS" href="/rss.xml">
    <link rel="Alternate" type="application/atom+xml" href="https://prosud.kz/atom.xml">
    <link rel="alternate" hreflang="kk" href="https://prosud.kz/kz/">
    <link rel="alternate" type="application/rss+xml" href="/rss.xml">
    </head><body><a href="/rss2.xml">RSS</a></body></html>"""
    assert find_feed_links(page, "https://prosud.kz/") == ["https://prosud.kz/rss.xml", "https://prosud.kz/atom.xml"]
    assert find_feed_links("", "https://prosud.kz/") == []


def test_sitemaps_from_robots() -> None:
    robots = """User-agent: *
Disallow: /admin/
# Sitemap: https://commented.example/out.xml
Sitemap: https://24.kz/sitemap.xml
sitemap: /news-sitemap.xml  # relative, lower case
SITEMAP:https://24.kz/sitemap.xml
"""
    assert sitemaps_from_robots(robots, "https://24.kz/robots.txt") == [
        "https://24.kz/sitemap.xml",
        "https://24.kz/news-sitemap.xml",
    ]
