"""The fixture site over real HTTP: indexes, pages, furniture, validators, replay, corpus."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import feedparser
import httpx
import lxml.etree
import lxml.html
import pytest

from seeds.site import (
    SEEDS_DIR,
    FixtureSite,
    is_subheading,
    load_manifest,
    outlet_for_url,
    seed_blocks,
)

SITEMAP_NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
PUBLICATION_ORDER = ["004", "001", "002", "000", "003"]


@pytest.fixture(scope="module")
def site() -> Iterator[FixtureSite]:
    with FixtureSite() as running:
        yield running


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False, timeout=10) as client:
        yield client


def registry(site: FixtureSite) -> dict[str, dict]:
    return {entry["key"]: entry for entry in site.registry_entries()}


def rss_entries(http: httpx.Client, url: str) -> list:
    response = http.get(url)
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed.entries


def page(http: httpx.Client, url: str) -> lxml.html.HtmlElement:
    response = http.get(url)
    assert response.status_code == 200, url
    return lxml.html.fromstring(response.content)


def text_of(tree: lxml.html.HtmlElement, css: str) -> str:
    return " ".join(" ".join(node.itertext()) for node in tree.cssselect(css))


def seed_text(key: str) -> str:
    entry = next(e for e in load_manifest() if e["key"] == key)
    return (SEEDS_DIR / entry["file"]).read_text(encoding="utf-8")


# --------------------------------------------------------------------------- manifest


def test_manifest_covers_every_seed_file_once():
    files = sorted(p.name for p in SEEDS_DIR.glob("[0-9][0-9][0-9]_*.txt"))
    manifest = load_manifest()
    assert sorted(e["file"] for e in manifest) == files
    assert [e["key"] for e in manifest] == [f[:3] for f in files]


@pytest.mark.parametrize("entry", load_manifest(), ids=lambda e: e["key"])
def test_manifest_publication_time_carries_the_zone_offset(entry):
    published = datetime.fromisoformat(entry["published_at"])
    local = published.astimezone(ZoneInfo(entry["timezone"]))
    assert published.utcoffset() == local.utcoffset()
    assert entry["script"] == "Cyrl" and entry["language"] in {"kk", "ru", "uz"}


@pytest.mark.parametrize("entry", load_manifest(), ids=lambda e: e["key"])
def test_manifest_furniture_lines_exist_in_the_seed(entry):
    lines = {line.strip() for line in seed_text(entry["key"]).splitlines()}
    furniture = entry["furniture"]
    for line in furniture["moved_lines"]:
        assert line in lines, line
    if furniture["sidebar_from"]:
        assert furniture["sidebar_from"] in lines


@pytest.mark.parametrize("entry", load_manifest(), ids=lambda e: e["key"])
def test_headline_in_the_seed_is_the_manifest_title(entry):
    headline, blocks = seed_blocks(seed_text(entry["key"]), entry["furniture"])
    if entry["furniture"]["headline_in_text"]:
        assert headline == entry["title"]
    else:
        assert headline is None
    body = " ".join(b.text for b in blocks)
    for line in entry["furniture"]["moved_lines"]:
        assert line not in [b.text for b in blocks]
    assert "date 2025-11-15" not in body


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Широкая повестка дня", True),
        ("Торговля и промышленная кооперация", True),
        ("Отдельно Глава государства остановился на развитии искусственного интеллекта.", False),
        ("Қасым-Жомарт Тоқаев, Қазақстан Республикасының Президенті:", False),
        ("– Наши отношения сегодня достигли высочайшего уровня", False),
        ("фото Аманкула Дюсенбаева", False),
    ],
    ids=["ru-section", "ru-section-2", "sentence", "speaker-caption", "quote", "lowercase"],
)
def test_subheading_rule(line, expected):
    assert is_subheading(line) is expected


def test_sidebar_of_002_is_cut_from_the_body():
    entry = next(e for e in load_manifest() if e["key"] == "002")
    _, blocks = seed_blocks(seed_text("002"), entry["furniture"])
    body = " ".join(b.text for b in blocks)
    assert "еттинчи Маслаҳат" not in body
    assert "Бошқа янгиликлар" not in body
    assert body.endswith("ишонч билдирдилар.")


# --------------------------------------------------------------------------- registry


def test_registry_entries_point_at_the_site(site):
    entries = registry(site)
    assert set(entries) == {
        "fixture-akorda", "fixture-prosud", "fixture-uzdaily", "fixture-kazpravda", "fixture-24kz",
    }
    for key, entry in entries.items():
        outlet = key.removeprefix("fixture-")
        assert entry["url"].startswith(f"{site.base_url}/{outlet}/")
        assert entry["homepage"] == f"{site.base_url}/{outlet}/"
        assert entry["poll_interval_s"] == 60
        ZoneInfo(entry["timezone"])
    assert entries["fixture-akorda"]["quirks"]["relative_links"] is True
    assert entries["fixture-akorda"]["quirks"]["page_has_date"] is False
    assert entries["fixture-prosud"]["quirks"]["discover_feed"] is True
    assert entries["fixture-prosud"]["url"] == entries["fixture-prosud"]["homepage"]
    assert entries["fixture-kazpravda"]["kind"] == "html_listing"
    selectors = entries["fixture-kazpravda"]["quirks"]["selectors"]
    assert set(selectors) == {"item", "link", "title", "date"}
    assert entries["fixture-24kz"]["kind"] == "sitemap"
    assert entries["fixture-24kz"]["quirks"]["news_sitemap"] is True


def test_registry_entries_are_independent_copies(site):
    first = site.registry_entries()
    first[0]["quirks"]["headers"]["X-Test"] = "1"
    first[3]["quirks"]["selectors"]["item"] = "changed"
    assert site.registry_entries()[0]["quirks"]["headers"] == {}
    assert site.registry_entries()[3]["quirks"]["selectors"]["item"] != "changed"


def test_outlet_for_url(site):
    assert outlet_for_url(site.item_url("000")) == "akorda"
    assert outlet_for_url("/24kz/sitemap.xml") == "24kz"
    assert outlet_for_url("/hostile/empty.xml") is None


# --------------------------------------------------------------------------- outlets


def test_akorda_rss_links_are_relative_and_resolve(site, http):
    feed_url = registry(site)["fixture-akorda"]["url"]
    entries = rss_entries(http, feed_url)
    assert len(entries) == 1
    raw = http.get(feed_url).text
    assert "<link>tokaev-pen-mirzieev" in raw
    entry = entries[0]
    assert entry.title == site.manifest_entry("000")["title"]
    assert entry.title.startswith("Тоқаев пен Мирзиеев Жоғары мемлекетаралық кеңестің")
    assert entry.id == "akorda-kz-1510151"
    assert entry.published == "Sat, 15 Nov 2025 16:20:00 +0500"
    article_url = urljoin(feed_url, entry.link)
    assert article_url == site.item_url("000")
    tree = page(http, article_url)
    assert text_of(tree, "h1") == entry.title
    assert "Мемлекет басшысы қонақжайлығы үшін" in text_of(tree, ".article__content")


def test_akorda_page_carries_no_date(site, http):
    html = http.get(site.item_url("000")).text
    tree = lxml.html.fromstring(html)
    assert not tree.cssselect("time")
    assert not tree.xpath("//meta[contains(@property, 'time')]")
    assert "2025-11-15" not in html and "15.11.2025" not in html
    assert text_of(tree, "nav.main-menu")
    assert "Байланыс" in text_of(tree, "footer")


def test_prosud_feed_is_found_through_the_homepage(site, http):
    homepage = registry(site)["fixture-prosud"]["url"]
    tree = page(http, homepage)
    links = tree.xpath("//link[@rel='alternate'][@type='application/rss+xml']/@href")
    assert links == ["/prosud/rss.xml"]
    entries = rss_entries(http, urljoin(homepage, links[0]))
    assert [e.title for e in entries] == [
        "Казахстан и Узбекистан договорились усилить сотрудничество"
    ]
    assert entries[0].published == "Sat, 15 Nov 2025 11:45:00 +0500"
    assert entries[0].link == site.item_url("001")


def test_prosud_page_furniture(site, http):
    tree = page(http, site.item_url("001"))
    assert text_of(tree, ".news-full__date") == "Сегодня, 11:45"
    assert text_of(tree, ".news-full__source") == "Читать на сайте prosud.kz"
    assert [a.text for a in tree.cssselect(".news-full__tags a")] == [
        "Касым-Жомарт Токаев", "Казахстан", "Президенты",
    ]
    assert "Читайте также" in text_of(tree, ".read-also")
    body = text_of(tree, ".news-full__text")
    assert "Читать на сайте" not in body and "Сергей Ревякин" not in body
    headings = [h.text for h in tree.cssselect(".news-full__text h2")]
    assert headings[0] == "Торговля и промышленная кооперация"


def test_uzdaily_rss_and_sidebar(site, http):
    entries = rss_entries(http, registry(site)["fixture-uzdaily"]["url"])
    assert entries[0].title == "Мирзиёев ва Тоқаев 1,3 млрд долларлик лойиҳаларни ишга туширди"
    assert entries[0].published == "Sat, 15 Nov 2025 14:10:00 +0500"
    tree = page(http, entries[0].link)
    sidebar = text_of(tree, "aside.other-news")
    for date_text in ("Бугун 13:35", "Бугун 12:09", "14.11.2025 19:48", "13.11.2025 13:13"):
        assert date_text in sidebar
    assert "еттинчи Маслаҳат учрашуви" in sidebar
    body = text_of(tree, ".post__text")
    assert "еттинчи" not in body and "Бошқа янгиликлар" not in body
    assert [a.text for a in tree.cssselect(".breadcrumbs a")] == ["Асосий", "Сиёсат"]
    assert tree.cssselect(".post__image img")[0].get("alt").endswith("'ning rasmi")


def test_kazpravda_listing_with_registry_selectors(site, http):
    entry = registry(site)["fixture-kazpravda"]
    selectors = entry["quirks"]["selectors"]
    tree = page(http, entry["url"])
    items = tree.cssselect(selectors["item"])
    assert len(items) == 1
    link = items[0].cssselect(selectors["link"])[0].get("href")
    assert text_of(items[0], selectors["title"]).strip() == (
        "Новый импульс союзничеству: итоги государственного визита Главы государства в Узбекистан"
    )
    assert text_of(items[0], selectors["date"]) == "17 ноября 2025, 09:00"
    article = page(http, urljoin(entry["url"], link))
    credit = text_of(article, ".kp-article__credit")
    assert credit == "фото Аманкула Дюсенбаева, Еркебулана Укибаева"
    assert "фото Аманкула" not in text_of(article, ".kp-article__body")
    assert "Широкая повестка дня" in [h.text for h in article.cssselect(".kp-article__body h2")]


def test_24kz_sitemap_named_in_robots(site, http):
    sitemap_url = registry(site)["fixture-24kz"]["url"]
    robots = http.get(f"{site.base_url}/24kz/robots.txt")
    assert robots.status_code == 200
    assert f"Sitemap: {sitemap_url}" in robots.text.splitlines()
    assert "Allow: /" in robots.text.splitlines()
    root = lxml.etree.fromstring(http.get(sitemap_url).content)
    urls = root.findall("sm:url", SITEMAP_NS)
    assert len(urls) == 1
    loc = urls[0].findtext("sm:loc", namespaces=SITEMAP_NS)
    assert loc == site.item_url("004")
    news = urls[0].find("news:news", SITEMAP_NS)
    published = news.findtext("news:publication_date", namespaces=SITEMAP_NS)
    assert published == "2024-08-09T18:30:00+05:00"
    assert news.findtext("news:title", namespaces=SITEMAP_NS).startswith("Астанада Орталық Азия")
    tree = page(http, loc)
    poll = text_of(tree, ".tv-poll")
    assert "Жасанды интеллектті қолданасыз ба?" in poll and "Дауыс беру" in poll
    assert "Жасанды интеллектті" not in text_of(tree, ".tv-article__text")


@pytest.mark.parametrize("outlet", ["akorda", "prosud", "uzdaily", "kazpravda", "24kz"])
def test_every_outlet_serves_robots_homepage_and_its_furniture(site, http, outlet):
    robots = http.get(f"{site.base_url}/{outlet}/robots.txt")
    assert robots.status_code == 200 and "Allow: /" in robots.text
    home = page(http, f"{site.base_url}/{outlet}/")
    assert home.cssselect("nav") and home.cssselect("footer")
    hrefs = home.xpath("//a/@href")
    seed_key = next(e["key"] for e in load_manifest() if e["outlet"] == outlet)
    assert f"/{outlet}{site.manifest_entry(seed_key)['url']}" in hrefs
    article = page(http, site.item_url(seed_key))
    assert article.cssselect("nav") and "©" in text_of(article, "footer")
    assert article.cssselect("aside")


def test_root_robots_allows_all_and_sends_no_outlet_to_another_sitemap(site, http):
    response = http.get(f"{site.base_url}/robots.txt")
    assert response.status_code == 200
    assert "User-agent: *" in response.text and "Allow: /" in response.text
    assert "Sitemap:" not in response.text


# --------------------------------------------------------------------------- HTTP behaviour


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/akorda/kz/rss", "application/rss+xml; charset=utf-8"),
        ("/prosud/rss.xml", "application/rss+xml; charset=utf-8"),
        ("/prosud/", "text/html; charset=utf-8"),
        ("/kazpravda/r/prezident/", "text/html; charset=utf-8"),
        ("/24kz/sitemap.xml", "application/xml; charset=utf-8"),
        ("/24kz/robots.txt", "text/plain; charset=utf-8"),
    ],
)
def test_content_type_carries_the_charset(site, http, path, content_type):
    response = http.get(site.base_url + path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    assert response.headers["ETag"].startswith('"')
    assert response.headers["Last-Modified"].endswith("GMT")
    response.content.decode("utf-8")


def test_unknown_and_unreleased_paths_are_404(site, http):
    assert http.get(f"{site.base_url}/akorda/kz/nothing-here").status_code == 404
    assert http.get(f"{site.base_url}/elsewhere/").status_code == 404
    redirect = http.get(f"{site.base_url}/akorda")
    assert redirect.status_code == 301 and redirect.headers["Location"] == "/akorda/"


def test_head_sends_headers_without_a_body(site, http):
    get = http.get(site.item_url("003"))
    head = http.head(site.item_url("003"))
    assert head.status_code == 200 and head.content == b""
    assert head.headers["ETag"] == get.headers["ETag"]
    assert int(head.headers["Content-Length"]) == len(get.content)


@pytest.mark.parametrize("path", ["/akorda/kz/rss", "/kazpravda/r/prezident/", "/24kz/sitemap.xml"])
def test_conditional_get_answers_304(site, http, path):
    url = site.base_url + path
    first = http.get(url)
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    by_etag = http.get(url, headers={"If-None-Match": etag})
    assert by_etag.status_code == 304 and by_etag.content == b""
    assert by_etag.headers["ETag"] == etag
    by_date = http.get(url, headers={"If-Modified-Since": last_modified})
    assert by_date.status_code == 304
    stale_etag = http.get(
        url, headers={"If-None-Match": '"stale"', "If-Modified-Since": last_modified}
    )
    assert stale_etag.status_code == 200, "If-None-Match decides when both are sent"
    logged = [r for r in site.requests if r["path"] == path][-3:]
    assert [r["status"] for r in logged] == [304, 304, 200]
    assert logged[0]["headers"]["If-None-Match"] == etag
    assert logged[0]["method"] == "GET"


def test_garbled_if_modified_since_is_ignored(site, http):
    response = http.get(site.item_url("001"), headers={"If-Modified-Since": "yesterday-ish"})
    assert response.status_code == 200


# --------------------------------------------------------------------------- replay


def test_ordered_release_publishes_in_publication_order(http):
    with FixtureSite(ordered=True) as site:
        feeds = registry(site)
        assert rss_entries(http, feeds["fixture-akorda"]["url"]) == []
        assert http.get(site.item_url("000")).status_code == 404
        assert not page(http, f"{site.base_url}/uzdaily/").cssselect(".news-card__title")
        released = []
        while (entry := site.release_next()) is not None:
            released.append(entry["key"])
            assert http.get(site.item_url(entry["key"])).status_code == 200
            listed = listed_keys(site, http)
            assert listed == set(released)
        assert released == PUBLICATION_ORDER
        assert site.release_next() is None


def listed_keys(site: FixtureSite, http: httpx.Client) -> set[str]:
    """Which seeds the five indexes currently list, read the way a poller reads them."""
    feeds = registry(site)
    rss_urls = [f"{site.base_url}/prosud/rss.xml", feeds["fixture-uzdaily"]["url"]]
    urls = {e.link for url in rss_urls for e in rss_entries(http, url)}
    urls |= {urljoin(feeds["fixture-akorda"]["url"], e.link)
             for e in rss_entries(http, feeds["fixture-akorda"]["url"])}
    listing = page(http, feeds["fixture-kazpravda"]["url"])
    urls |= {urljoin(feeds["fixture-kazpravda"]["url"], a.get("href"))
             for a in listing.cssselect("a.news-item__link")}
    sitemap = lxml.etree.fromstring(http.get(feeds["fixture-24kz"]["url"]).content)
    urls |= {loc.text for loc in sitemap.iterfind("sm:url/sm:loc", SITEMAP_NS)}
    return {e["key"] for e in load_manifest() if site.item_url(e["key"]) in urls}


def test_release_moves_index_validators_forward(http):
    with FixtureSite(ordered=True) as site:
        feed = registry(site)["fixture-prosud"]["url"] + "rss.xml"
        before = http.get(feed)
        site.release_all()
        after = http.get(feed, headers={"If-Modified-Since": before.headers["Last-Modified"]})
        assert after.status_code == 200
        assert after.headers["ETag"] != before.headers["ETag"]
        assert len(feedparser.parse(after.content).entries) == 1


def test_edit_item_keeps_guid_and_link_and_changes_validators(http):
    with FixtureSite() as site:
        feed = registry(site)["fixture-akorda"]["url"]
        before = http.get(feed)
        old = feedparser.parse(before.content).entries[0]
        site.edit_item("000", published_at="2025-11-14T09:00:00+05:00", title="Жаңа тақырып")
        after = http.get(feed, headers={"If-Modified-Since": before.headers["Last-Modified"]})
        assert after.status_code == 200, "re-dating backwards must still move Last-Modified on"
        new = feedparser.parse(after.content).entries[0]
        assert (new.id, new.link) == (old.id, old.link)
        assert new.title == "Жаңа тақырып"
        assert new.published == "Fri, 14 Nov 2025 09:00:00 +0500"
        assert site.manifest_entry("000")["published_at"] == "2025-11-14T09:00:00+05:00"
        page_after = page(http, urljoin(feed, new.link))
        assert text_of(page_after, "h1") == "Жаңа тақырып"


# --------------------------------------------------------------------------- corpus


def test_corpus_pages_are_listed_served_and_sized(http):
    with FixtureSite(corpus_size=25) as site:
        corpus = site.corpus_entries()
        assert len(corpus) == 25
        assert len({e["url"] for e in corpus}) == 25
        assert {e["outlet"] for e in corpus} == {"akorda", "prosud", "uzdaily", "kazpravda", "24kz"}
        sizes = []
        for entry in corpus:
            response = http.get(site.item_url(entry["key"]))
            assert response.status_code == 200
            sizes.append(len(response.content))
            tree = lxml.html.fromstring(response.content)
            assert text_of(tree, "h1") == entry["title"]
            assert tree.cssselect("footer")
        assert min(sizes) >= 2 * 1024 and max(sizes) <= 60 * 1024
        assert max(sizes) - min(sizes) > 20 * 1024, "sizes should vary"
        listed = {urljoin(registry(site)["fixture-akorda"]["url"], e.link)
                  for e in rss_entries(http, registry(site)["fixture-akorda"]["url"])}
        akorda = {site.item_url(e["key"]) for e in corpus if e["outlet"] == "akorda"}
        assert akorda <= listed
        listing = page(http, registry(site)["fixture-kazpravda"]["url"])
        assert len(listing.cssselect("div.news-item")) == 1 + sum(
            e["outlet"] == "kazpravda" for e in corpus
        )


def test_corpus_is_deterministic(http):
    with FixtureSite(corpus_size=6) as first, FixtureSite(corpus_size=6) as second:
        for entry in first.corpus_entries():
            a = http.get(first.item_url(entry["key"])).text.replace(first.base_url, "")
            b = http.get(second.item_url(entry["key"])).text.replace(second.base_url, "")
            assert a == b
        assert json.dumps(first.corpus_entries()) == json.dumps(second.corpus_entries())


# --------------------------------------------------------------------------- hostile routes


def test_hostile_routes_are_mounted_when_present(site, http):
    hostile = pytest.importorskip("seeds.hostile")
    routes = hostile.hostile_routes()
    assert "/hostile/forbidden.xml" in routes
    assert http.get(f"{site.base_url}/hostile/forbidden.xml").status_code == 403
    assert http.get(f"{site.base_url}/hostile/no-such-route").status_code == 404


# --------------------------------------------------------------------------- the project's readers


@pytest.mark.parametrize("outlet", ["akorda", "prosud", "uzdaily", "kazpravda", "24kz"])
def test_project_index_parser_reads_every_outlet(site, http, outlet):
    """The registry entries and the pipeline's own index parser agree with the manifest."""
    from schedules.registry import spec_from_dict
    from workers.index import find_feed_links, parse_index

    entry = registry(site)[f"fixture-{outlet}"]
    spec = spec_from_dict(entry)
    url, kind = spec.url, spec.kind
    if entry["quirks"]["discover_feed"]:
        url, kind = find_feed_links(http.get(url).text, url)[0], "rss"
    items = parse_index(kind, http.get(url).content, url, entry["quirks"],
                        timezone=spec.timezone)
    seed = next(e for e in load_manifest() if e["outlet"] == outlet)
    assert [item.url for item in items] == [site.item_url(seed["key"])]
    assert items[0].title == seed["title"]
    assert items[0].published_at == datetime.fromisoformat(seed["published_at"])
