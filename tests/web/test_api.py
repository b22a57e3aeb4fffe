"""The API over a known world, through a real uvicorn server, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from storage.db import session_scope
from storage.models import Event
from tests.web.conftest import world_site

ALL = ("e4", "e1", "e3", "e2")  # newest event date first


def ids(site, names) -> list[int]:
    return [getattr(site.world, name) for name in names]


def listed(site, **params) -> list[int]:
    return [item["id"] for item in site.json("/api/events", **params)["items"]]


def test_lists_live_reported_events_newest_first(site):
    page = site.json("/api/events")
    assert [item["id"] for item in page["items"]] == ids(site, ALL)
    assert page["total"] == 4 and page["limit"] == 50 and page["offset"] == 0
    e1 = page["items"][1]
    assert e1["participants"] == ["Kassym-Jomart Tokayev", "Shavkat Mirziyoyev"]
    assert (e1["city"], e1["country"]) == ("Tashkent", "Uzbekistan")
    assert e1["languages"] == ["kk", "ru", "uz-Cyrl"]
    assert "claims" not in e1  # the list is light; one event carries its figures


FILTERS = {
    "type": ({"type": "summit"}, ["e2"]),
    "type among mentioned events": ({"type": "summit", "role": "mentioned"}, ["m1"]),
    "type in every role": ({"type": "summit", "role": "any"}, ["m1", "e2"]),
    "country by ISO code": ({"country": "UZ"}, ["e1"]),
    "country by code in lower case": ({"country": "kg"}, ["e3"]),
    "country by English name": ({"country": "Uzbekistan"}, ["e1"]),
    "unknown country": ({"country": "Narnia"}, []),
    "leader by id": ({"leader": "kz-tokayev"}, ["e1", "e2"]),
    "leader by English name": ({"leader": "Kassym-Jomart Tokayev"}, ["e1", "e2"]),
    "leader by name, any case": ({"leader": "vladimir putin"}, ["e3"]),
    "leader who is in no event": ({"leader": "Narendra Modi"}, []),
    "format by id": ({"format": "ca-consultative-meeting"}, ["e2"]),
    "format by English name": ({"format": "Consultative Meeting of the Heads of State of Central Asia"}, ["e2"]),
    "status": ({"status": "announced"}, ["e3"]),
    "ends on or after": ({"date_from": "2025-11-15"}, ["e4", "e1"]),
    "starts on or before": ({"date_to": "2025-11-14"}, ["e1", "e3", "e2"]),
    "date range": ({"date_from": "2025-01-01", "date_to": "2025-06-30"}, ["e3"]),
    "language": ({"language": "kk"}, ["e1", "e2"]),
    "Uzbek in both scripts": ({"language": "uz"}, ["e4", "e1"]),
    "Uzbek in Cyrillic only": ({"language": "uz-Cyrl"}, ["e1"]),
    "text, Cyrillic for a Latin name": ({"q": "Ташкент"}, ["e1"]),
    "text, Kazakh spelling of a leader": ({"q": "Тоқаев"}, ["e1", "e2"]),
    "text, every word must match": ({"q": "Bishkek talks"}, ["e3"]),
    "text from a coverage title": ({"q": "телефон"}, ["e4"]),
    "text that matches nothing": ({"q": "Reykjavik"}, []),
    "filters combine": ({"type": "state_visit", "language": "kk", "leader": "uz-mirziyoyev"}, ["e1"]),
}


@pytest.mark.parametrize("params,expected", FILTERS.values(), ids=FILTERS.keys())
def test_event_filters(site, params, expected):
    page = site.json("/api/events", **params)
    assert [item["id"] for item in page["items"]] == ids(site, expected)
    assert page["total"] == len(expected)


@pytest.mark.parametrize("params", [{"type": "banquet"}, {"status": "cancelled"}, {"limit": 0}, {"limit": 201},
                                    {"offset": -1}, {"date_from": "15.11.2025"}, {"role": "sidebar"}])
def test_invalid_filters_are_refused(site, params):
    assert site.get("/api/events", params=params).status_code == 422


def test_pages_cover_the_list_once(site):
    first = site.json("/api/events", limit=2)
    second = site.json("/api/events", limit=2, offset=2)
    beyond = site.json("/api/events", limit=2, offset=4)
    assert [i["id"] for i in first["items"] + second["items"]] == ids(site, ALL)
    assert (first["total"], second["total"], beyond["total"]) == (4, 4, 4)
    assert beyond["items"] == []


def test_one_event_in_full(site):
    e1 = site.json(f"/api/events/{site.world.e1}")
    assert len(e1["coverage"]) == 4
    assert {c["language"] for c in e1["coverage"]} == {"kk", "ru", "uz-Cyrl"}
    assert e1["documents_count"] == 2
    assert len(e1["claims"]) == 3
    [conflict] = e1["conflicts"]
    assert conflict["measure"] == "projects_launched"
    assert sorted(v["value"] for v in conflict["values"]) == [1.2e9, 1.3e9]
    kinds = [entry["kind"] for entry in e1["timeline"]]
    assert kinds.count("coverage") == 4 and kinds.count("status") == 1
    moments = [entry["at"] for entry in e1["timeline"]]
    assert moments == sorted(moments)
    [city] = [q for q in e1["evidence"]["city"] if q["source"] == "prosud"]
    assert city["sentence"] == "Касым-Жомарт Токаев прибыл в Ташкент с государственным визитом."
    assert city["sentence"][city["mark_start"]:city["mark_end"]] == "Ташкент"
    assert city["language"] == "ru"


def test_a_merged_event_answers_with_its_survivor(site):
    assert site.json(f"/api/events/{site.world.x1}")["id"] == site.world.e1


def test_unknown_event_is_404(site):
    assert site.get("/api/events/987654").status_code == 404


ARTICLE_FILTERS = {
    "all": ({}, 8),
    "by source": ({"source": "uzdaily"}, 1),
    "Uzbek in both scripts": ({"language": "uz"}, 2),
    "by state": ({"state": "pending"}, 1),
    "covering one event": ({"event": "e1"}, 4),
}


@pytest.mark.parametrize("params,total", ARTICLE_FILTERS.values(), ids=ARTICLE_FILTERS.keys())
def test_article_filters(site, params, total):
    if "event" in params:
        params = {"event_id": getattr(site.world, params["event"])}
    page = site.json("/api/articles", **params, limit=3)
    assert page["total"] == total
    assert len(page["items"]) == min(3, total)


def test_articles_say_which_events_they_cover(site):
    items = site.json("/api/articles", source="uzdaily")["items"]
    assert items[0]["event_ids"] == sorted([site.world.e1, site.world.m1])
    assert items[0]["language"] == "uz-Cyrl"
    assert "clean_text" not in items[0] and "html" not in items[0]


def test_sources_with_health(site):
    health = {s["key"]: s for s in site.json("/api/sources")}
    assert len(health) == 7
    assert health["uzdaily"]["state"] == "failing"
    assert health["uzdaily"]["last_error"] == "HTTP 403"
    assert health["kunuz"]["state"] == "new"
    assert health["akorda"]["role"] == "official"


def test_since_returns_what_changed_after_the_cursor(tmp_path):
    with world_site(f"sqlite:///{tmp_path / 'since.db'}") as site:
        cursor = site.json("/api/events")["cursor"]
        assert site.json("/api/events", since=cursor)["items"][0]["id"] == site.world.e4  # the overlap
        later = datetime.fromisoformat(cursor) + timedelta(minutes=5)
        with session_scope(site.engine) as session:
            session.get(Event, site.world.e3).last_seen_at = later
        page = site.json("/api/events", since=cursor)
        assert {i["id"] for i in page["items"]} == {site.world.e3, site.world.e4}
        assert datetime.fromisoformat(page["cursor"]) == later
        assert [i["id"] for i in site.json("/api/events", since=page["cursor"])["items"]] == [site.world.e3]


def test_openapi_schema_and_docs_are_served_locally(sqlite_site):
    schema = sqlite_site.json("/openapi.json")
    assert {"/api/events", "/api/events/{event_id}", "/api/articles", "/api/sources", "/api/alert-rules",
            "/healthz", "/readyz", "/metrics"} <= set(schema["paths"])
    assert {p["name"] for p in schema["paths"]["/api/events"]["get"]["parameters"]} >= {
        "type", "country", "leader", "format", "status", "date_from", "date_to", "language", "limit", "offset"}
    docs = sqlite_site.get("/docs")
    assert docs.status_code == 200
    assets = [a for a in docs.text.split('"') if a.endswith((".js", ".css"))]
    assert assets and all(a.startswith("/") for a in assets), assets
    for asset in assets:
        assert sqlite_site.get(asset).status_code == 200


def test_healthz(sqlite_site):
    assert sqlite_site.json("/healthz") == {"status": "ok"}
