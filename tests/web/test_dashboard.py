"""The dashboard's pages, as HTML, over the known world."""

from __future__ import annotations

import re

import lxml.html
import pytest


def page(site, path: str, **params):
    answer = site.get(path, params=params)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    return lxml.html.fromstring(answer.text)


def rows(doc) -> list[int]:
    return [int(li.get("data-event-id")) for li in doc.cssselect("ol#events li.event")]


def test_timeline_lists_events_newest_first(sqlite_site):
    world = sqlite_site.world
    doc = page(sqlite_site, "/")
    assert rows(doc) == [world.e4, world.e1, world.e3, world.e2]
    [e1] = doc.cssselect(f'li.event[data-event-id="{world.e1}"]')
    assert "Kassym-Jomart Tokayev" in e1.text_content()
    assert e1.cssselect(".badge.conflict"), "E1's figures disagree: the row says so"
    assert {chip.get("lang") for chip in e1.cssselect(".lang-chip")} == {"kk", "ru", "uz-Cyrl"}
    assert doc.cssselect("#event-total")[0].text == "4"


@pytest.mark.parametrize("params,expected", [
    ({"type": "summit"}, ["e2"]),
    ({"country": "KG"}, ["e3"]),
    ({"status": "announced"}, ["e3"]),
    ({"language": "uz-Cyrl"}, ["e1"]),
    ({"q": "Ташкент"}, ["e1"]),
    ({"q": "Тоқаев", "type": "summit"}, ["e2"]),
], ids=["type", "country", "status", "language", "text", "text and type"])
def test_timeline_filters(sqlite_site, params, expected):
    doc = page(sqlite_site, "/", **params)
    assert rows(doc) == [getattr(sqlite_site.world, name) for name in expected]
    for name, value in params.items():
        control = doc.cssselect(f'[name="{name}"]')[0]
        chosen = control.value if control.tag == "input" else control.value
        assert chosen == value, f"the form keeps {name}={value}"


def test_an_empty_form_field_means_any(sqlite_site):
    doc = page(sqlite_site, "/", type="", country="", status="", language="", q="")
    assert len(rows(doc)) == 4


def test_filter_choices_come_from_the_data(sqlite_site):
    doc = page(sqlite_site, "/")
    countries = [o.text for o in doc.cssselect('select[name="country"] option')[1:]]
    assert countries == ["Kazakhstan", "Kyrgyzstan", "Uzbekistan"]
    languages = {o.get("value"): o.get("lang") for o in doc.cssselect('select[name="language"] option')[1:]}
    assert {"kk", "ru", "uz", "uz-Cyrl", "uz-Latn", "en"} <= set(languages)
    assert all(code == lang for code, lang in languages.items())


def test_event_page_shows_the_whole_record(sqlite_site):
    world = sqlite_site.world
    doc = page(sqlite_site, f"/events/{world.e1}")
    facts = {dt.text_content().strip(): dd.text_content() for dt, dd in
             zip(doc.cssselect("dl.facts dt"), doc.cssselect("dl.facts dd"))}
    assert "Tashkent, Uzbekistan" in facts["Place"]
    assert "2025-11-14 – 2025-11-15" in facts["Dates"]
    assert "Kassym-Jomart Tokayev" in facts["Participants"] and "Shavkat Mirziyoyev" in facts["Participants"]
    assert "held" in facts["Status"]

    coverage = doc.cssselect("#coverage .coverage-item")
    assert len(coverage) == 4
    assert sorted(item.get("lang") for item in coverage) == ["kk", "ru", "ru", "uz-Cyrl"]
    groups = doc.cssselect("#coverage .language-group")
    assert [g.get("data-language") for g in groups] == ["ru", "kk", "uz-Cyrl"]
    assert [h.text for h in groups[0].cssselect("h4")] == ["Kazakhstanskaya Pravda", "prosud.kz"]
    assert all(a.get("href").startswith("https://") for a in doc.cssselect("#coverage .coverage-item a"))

    [conflict] = doc.cssselect("section.conflicts .conflict")
    assert conflict.get("data-measure") == "projects_launched"
    text = conflict.text_content()
    assert "$1.2 bn" in text and "$1.3 bn" in text
    assert len(doc.cssselect("#figures li.claim.conflict")) == 2
    assert len(doc.cssselect("#documents li")) == 2
    assert [li.text_content().strip() for li in doc.cssselect("#status-history li")][0].startswith("held")


def test_each_field_links_to_the_sentence_that_supports_it(sqlite_site):
    doc = page(sqlite_site, f"/events/{sqlite_site.world.e1}")
    links = {a.get("href") for a in doc.cssselect("dl.facts a.why")}
    assert {"#evidence-place", "#evidence-participants", "#evidence-type", "#evidence-format"} <= links
    for href in links:
        assert doc.cssselect(href), f"{href} points at nothing"
    quotes = doc.cssselect("#evidence-place blockquote")
    by_language = {q.get("lang"): q for q in quotes}
    assert set(by_language) == {"ru", "uz-Cyrl"}
    ru = by_language["ru"]
    assert ru.text_content() == "Касым-Жомарт Токаев прибыл в Ташкент с государственным визитом."
    assert [m.text for m in ru.cssselect("mark")] == ["Ташкент"]
    assert [m.text for m in by_language["uz-Cyrl"].cssselect("mark")] == ["Тошкентда"]


def test_a_merged_event_redirects_to_its_survivor(sqlite_site):
    world = sqlite_site.world
    answer = sqlite_site.get(f"/events/{world.x1}")
    assert answer.status_code == 301
    assert answer.headers["location"].endswith(f"/events/{world.e1}")


def test_unknown_event_page_is_404(sqlite_site):
    assert sqlite_site.get("/events/424242").status_code == 404


def test_a_timeline_row_for_the_live_update(sqlite_site):
    world = sqlite_site.world
    fragment = lxml.html.fragment_fromstring(sqlite_site.get(f"/events/{world.e3}/row").text.strip())
    assert fragment.tag == "li" and fragment.get("data-event-id") == str(world.e3)
    assert fragment.get("data-date") == "2025-03-02"
    timeline = page(sqlite_site, "/")
    [same] = timeline.cssselect(f'li.event[data-event-id="{world.e3}"]')
    assert lxml.html.tostring(same) == lxml.html.tostring(fragment)


def test_sources_page_reports_health(sqlite_site):
    doc = page(sqlite_site, "/sources")
    by_key = {tr.get("data-source"): tr for tr in doc.cssselect("table.sources tbody tr")}
    assert len(by_key) == 7
    assert "health-failing" in by_key["uzdaily"].get("class")
    assert "HTTP 403" in by_key["uzdaily"].text_content()
    assert by_key["kunuz"].cssselect(".badge.health")[0].text == "new"
    assert by_key["akorda"].cssselect(".lang-chip")[0].get("lang") == "kk"


@pytest.mark.parametrize("path", ["/", "/events/{e1}", "/sources", "/docs"])
def test_nothing_loads_from_the_internet(sqlite_site, path):
    doc = page(sqlite_site, path.format(e1=sqlite_site.world.e1))
    assets = [el.get("src") for el in doc.cssselect("script[src], img[src], iframe[src]")]
    assets += [el.get("href") for el in doc.cssselect("link[href]")]
    assert assets
    for asset in assets:
        assert asset.startswith("/") and not asset.startswith("//"), asset
        assert sqlite_site.get(asset).status_code == 200, asset
    inline = " ".join(el.text or "" for el in doc.cssselect("script:not([src]), style"))
    assert not re.search(r"https?://", inline)


def test_stylesheet_uses_system_fonts_only(sqlite_site):
    css = sqlite_site.get("/static/style.css").text
    assert "@font-face" not in css and "@import" not in css and "url(" not in css
    stack = re.search(r"--font:\s*([^;]+);", css).group(1)
    assert stack.startswith('"Noto Sans", "DejaVu Sans"')  # both carry ә ғ қ ң ө ұ ү һ і ў ҳ
