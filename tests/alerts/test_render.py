"""Messages a reader can act on: what, where, when, who, what changed, and the sources."""

from __future__ import annotations

import pytest

from tests.alerts.samples import E1_VIEW, E2_VIEW, view
from workers.alerts import format_figure, render_digest, render_message, snapshot


def test_new_event_message_names_the_event_place_dates_people_and_first_sources():
    title, body = render_message(snapshot(E1_VIEW), "new_event", {"changes": {}})
    assert title == f"New event: {E1_VIEW['title']}"
    assert "Type: State visit — 2nd Supreme Interstate Council Kazakhstan–Uzbekistan" in body
    assert "Place: Tashkent, Uzbekistan" in body
    assert "Dates: 2025-11-14 – 2025-11-15" in body
    assert "Status: held" in body
    assert "Participants: Kassym-Jomart Tokayev, Shavkat Mirziyoyev" in body
    assert "Sources: 4 articles from 4 independent outlets; languages: kk, ru, uz-Cyrl" in body
    assert "Documents: 1 signed or adopted" in body


@pytest.mark.parametrize(
    "language, article",
    [
        pytest.param("kk", 0, id="kazakh"),
        pytest.param("ru", 1, id="russian"),
        pytest.param("uz-Cyrl", 2, id="uzbek-cyrillic"),
    ],
)
def test_sources_are_listed_with_their_own_title_language_date_and_link(language, article):
    entry = E1_VIEW["coverage"][article]
    _, body = render_message(snapshot(E1_VIEW), "new_event", {"changes": {}})
    line = f"- {entry['source_name']} [{language}, {entry['published_at'][:10]}]: {entry['title']} — <{entry['url']}>"
    assert line in body.splitlines()


def test_uzbek_latin_and_kazakh_titles_survive_as_written():
    latin = {"article_id": 9, "url": "https://kun.uz/news/2025/11/15/maslahat-uchrashuvi", "source": "kunuz",
             "language": "uz-Latn", "published_at": "2025-11-15T08:00:00Z",
             "title": "Markaziy Osiyo davlat rahbarlarining Maslahat uchrashuvi o‘tkazildi"}
    title, body = render_message(snapshot(view(E2_VIEW, coverage=E2_VIEW["coverage"] + [latin])), "new_event", {})
    assert "Markaziy Osiyo davlat rahbarlarining Maslahat uchrashuvi o‘tkazildi" in body
    assert "Астанада Орталық Азия мемлекеттері басшыларының алтыншы Консультативтік кездесуі өтті" in body
    assert title.startswith("New event: 6th Consultative Meeting")
    assert body.encode("utf-8").decode("utf-8") == body


def test_status_change_says_from_what_to_what():
    title, body = render_message(snapshot(E1_VIEW), "status_changed",
                                 {"changes": {"status_before": "announced", "status_after": "held"}})
    assert title == f"Status changed: {E1_VIEW['title']} (announced → held)"
    assert body.splitlines()[0] == "Status: announced → held."


def test_conflict_shows_both_figures_with_their_sources():
    _, body = render_message(snapshot(E1_VIEW), "conflict", {"changes": {"conflicts": ["projects_launched"]}})
    assert "Sources disagree:" in body
    assert "- projects launched during the visit: $1.3 bn (uzdaily); $1.2 bn (7 items) (kazpravda)" in body


def test_new_facts_lists_documents_and_figures():
    changes = {"documents": ["Agreement on joint management of transboundary water bodies"],
               "claims": ["mutual trade target: $10 bn by 2030"]}
    title, body = render_message(snapshot(E1_VIEW), "new_facts", {"changes": changes})
    assert title.startswith("New facts: ")
    assert "- document: Agreement on joint management of transboundary water bodies" in body
    assert "- figure: mutual trade target: $10 bn by 2030" in body


def test_only_the_first_sources_are_listed_and_the_rest_counted():
    many = [dict(E1_VIEW["coverage"][1], article_id=10 + i, url=f"https://example.kz/{i}") for i in range(8)]
    _, body = render_message(snapshot(view(E1_VIEW, coverage=many)), "new_event", {})
    assert sum(line.startswith("- prosud.kz") for line in body.splitlines()) == 5
    assert "- … and 3 more" in body


def test_an_event_without_place_or_dates_says_so_instead_of_inventing():
    bare = view(E2_VIEW, city=None, country=None, date_start=None, date_end=None, participants=[])
    _, body = render_message(snapshot(bare), "new_event", {})
    assert "Place:" not in body and "Participants:" not in body
    assert "Dates: not stated" in body


def test_digest_is_one_message_for_the_window():
    payloads = [
        {"view": snapshot(E1_VIEW), "changes": {"coverage": E1_VIEW["coverage"][2]}},
        {"view": snapshot(E2_VIEW), "changes": {"coverage": E2_VIEW["coverage"][0]}},
        {"view": snapshot(E1_VIEW), "changes": {"coverage": E1_VIEW["coverage"][3]}},
        {"view": snapshot(E1_VIEW), "changes": {"coverage": E1_VIEW["coverage"][3]}},
    ]
    title, body = render_digest(payloads)
    assert title == "New coverage: 3 articles on 2 events"
    assert body.count("## ") == 2
    assert E1_VIEW["coverage"][2]["title"] in body and E1_VIEW["coverage"][3]["title"] in body
    assert body.count(E1_VIEW["coverage"][3]["url"]) == 1


@pytest.mark.parametrize(
    "value, unit, currency, count, text",
    [
        pytest.param(1.3e9, "USD", "USD", None, "$1.3 bn", id="billions"),
        pytest.param(1.7e9, "USD", None, 78, "$1.7 bn (78 items)", id="with-count"),
        pytest.param(8e9, "USD", "USD", None, "$8 bn", id="round-billions"),
        pytest.param(2.5e6, "EUR", "EUR", None, "€2.5 mln", id="euro-millions"),
        pytest.param(5e11, "KZT", "KZT", None, "500 bn KZT", id="tenge"),
        pytest.param(15000, "count", None, None, "15,000", id="jobs"),
        pytest.param(22e6, "tonnes", None, None, "22,000,000 tonnes", id="freight"),
        pytest.param(15, "percent", None, None, "15 %", id="percent"),
    ],
)
def test_format_figure(value, unit, currency, count, text):
    assert format_figure(value, unit, currency, count) == text
