"""The development gold of the seed articles (../shared/seeds/README.md): exactly E1 and E2."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from workers.extract import detect_language, extract
from workers.extract.lexicon import display_name
from workers.records import CleanDoc, EventMention

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
# The outlets' own sites: the country domain is how an article's "Глава государства" is read.
HOSTS = {
    "akorda": "https://www.akorda.kz",
    "prosud": "https://prosud.kz",
    "uzdaily": "https://www.uzdaily.uz",
    "kazpravda": "https://kazpravda.kz",
    "24kz": "https://24.kz",
}
ROLES = {"akorda": "official"}


def _manifest() -> dict[str, dict]:
    entries = json.loads((SEEDS / "manifest.json").read_text(encoding="utf-8"))["seeds"]
    return {entry["key"]: entry for entry in entries}


def _doc(key: str) -> CleanDoc:
    entry = _manifest()[key]
    return CleanDoc(
        url=HOSTS[entry["outlet"]] + entry["url"],
        text=(SEEDS / entry["file"]).read_text(encoding="utf-8"),
        published_at=datetime.fromisoformat(entry["published_at"]),
        timezone=entry["timezone"],
        source_key=entry["outlet"],
        source_role=ROLES.get(entry["outlet"], "press"),
    )


@pytest.fixture(scope="module")
def mentions() -> dict[str, list[EventMention]]:
    return {key: extract(_doc(key)) for key in ("000", "001", "002", "003", "004")}


def _reported(found: list[EventMention]) -> list[EventMention]:
    return [m for m in found if m.role == "reported"]


E1 = {
    "type": "state_visit",
    "format": "sic-kz-uz",
    "ordinal": 2,
    "country": "UZ",
    "participants": {"kz-tokayev", "uz-mirziyoyev"},
    "status": "held",
}
E1_CITY = {"000": None, "001": "tashkent", "002": "tashkent", "003": "tashkent"}
E1_DATES = {
    "000": (date(2025, 11, 15), date(2025, 11, 15)),
    "001": (date(2025, 11, 15), date(2025, 11, 15)),
    "002": (date(2025, 11, 15), date(2025, 11, 15)),
    "003": (date(2025, 11, 14), date(2025, 11, 15)),
}


@pytest.mark.parametrize("key", ["000", "001", "002", "003"])
def test_e1_from_each_of_its_four_articles(mentions: dict, key: str) -> None:
    reported = _reported(mentions[key])
    assert len(reported) == 1
    mention = reported[0]
    assert {
        "type": mention.type,
        "format": mention.format,
        "ordinal": mention.ordinal,
        "country": mention.country,
        "participants": set(mention.participants),
        "status": mention.status,
    } == E1
    assert mention.city == E1_CITY[key]
    assert (mention.date_start, mention.date_end) == E1_DATES[key]


def test_e2_from_the_summit_article(mentions: dict) -> None:
    reported = _reported(mentions["004"])
    assert len(reported) == 1
    mention = reported[0]
    assert (mention.type, mention.format, mention.ordinal) == (
        "summit",
        "ca-consultative-meeting",
        6,
    )
    assert (mention.city, mention.country) == ("astana", "KZ")
    assert (mention.date_start, mention.date_end) == (date(2024, 8, 9), date(2024, 8, 9))
    assert mention.status == "held"
    # Only Tokayev is named; the other leaders are not invented.
    assert mention.participants == ["kz-tokayev"]


def test_exactly_two_reported_events_across_the_seeds(mentions: dict) -> None:
    keys = {(m.type, m.format, m.ordinal) for found in mentions.values() for m in _reported(found)}
    assert keys == {("state_visit", "sic-kz-uz", 2), ("summit", "ca-consultative-meeting", 6)}
    assert (
        sum(len(_reported(found)) for found in mentions.values()) == 5
    )  # four articles of E1, one of E2


def test_traps_are_never_reported_and_never_copies_of_the_own_event(mentions: dict) -> None:
    others = [m for found in mentions.values() for m in found if m.role == "mentioned"]
    # 002's sidebar and 003's reported speech name the coming 7th Consultative Meeting.
    assert {(m.format, m.ordinal, m.status) for m in others} <= {
        ("ca-consultative-meeting", 7, "announced")
    }
    assert all(m.format != "sic-kz-uz" for m in others)
    assert [m.role for m in mentions["004"]] == ["reported"]  # past summits and projects: nothing
    assert [m.role for m in mentions["001"]] == ["reported"]
    assert [m.role for m in mentions["000"]] == ["reported"]


def test_the_sidebar_summit_keeps_its_own_date_and_place(mentions: dict) -> None:
    sidebar = [m for m in mentions["002"] if m.role == "mentioned"]
    assert [(m.city, m.date_start, m.participants) for m in sidebar] == [
        ("tashkent", date(2025, 11, 16), [])
    ]


def test_english_names_for_display(mentions: dict) -> None:
    mention = _reported(mentions["003"])[0]
    assert (
        display_name("format", mention.format)
        == "Supreme Interstate Council Kazakhstan\u2013Uzbekistan"
    )
    assert display_name("city", mention.city) == "Tashkent"
    assert display_name("country", mention.country) == "Uzbekistan"
    assert sorted(display_name("person", p) for p in mention.participants) == [
        "Kassym-Jomart Tokayev",
        "Shavkat Mirziyoyev",
    ]
    e2 = _reported(mentions["004"])[0]
    assert (
        display_name("format", e2.format)
        == "Consultative Meeting of the Heads of State of Central Asia"
    )


LANGUAGES = {
    "000": ("kk", "Cyrl"),
    "001": ("ru", "Cyrl"),
    "002": ("uz", "Cyrl"),
    "003": ("ru", "Cyrl"),
    "004": ("kk", "Cyrl"),
}


@pytest.mark.parametrize("key", sorted(LANGUAGES))
def test_language_of_each_seed(mentions: dict, key: str) -> None:
    assert detect_language(_doc(key).text) == LANGUAGES[key]
    assert {(m.language, m.script) for m in mentions[key]} == {LANGUAGES[key]}


@pytest.mark.parametrize("key", ["000", "001", "002", "003", "004"])
def test_every_span_points_into_the_article(mentions: dict, key: str) -> None:
    text = _doc(key).text
    for mention in mentions[key]:
        for spans in mention.spans.values():
            for span in spans:
                assert text[span.start : span.end] == span.text
        for item in [*mention.documents, *mention.claims]:
            assert text[item.span.start : item.span.end] == item.span.text


def test_fields_carry_their_evidence(mentions: dict) -> None:
    mention = _reported(mentions["003"])[0]
    assert mention.spans["date"][0].text == "14–15 ноября"
    assert mention.spans["type"][0].text == "государственным визитом"
    assert "Высшего межгосударственного совета" in mention.spans["format"][0].text
    e2 = _reported(mentions["004"])[0]
    assert e2.spans["ordinal"][0].text == "VI"
    assert e2.spans["city"][0].text == "Астанада"


def test_documents_claims_and_topics_stay_with_the_own_event(mentions: dict) -> None:
    e1 = _reported(mentions["003"])[0]
    assert len(e1.documents) >= 10  # the full list of signed documents
    assert e1.claims
    assert {"trade", "transport", "water", "energy"} <= set(e1.topics)
    sidebar = [m for m in mentions["002"] if m.role == "mentioned"]
    assert all(not m.documents and not m.claims for m in sidebar)
    sidebar_start = _doc("002").text.index("Бошқа янгиликлар")
    e1_002 = _reported(mentions["002"])[0]
    assert all(c.span.start < sidebar_start for c in e1_002.claims)


@pytest.mark.parametrize("key", ["000", "001", "002", "003", "004"])
def test_shortcuts_and_full_searches_agree(key: str, mentions) -> None:
    """The extractor reads most text lower-cased and case-sensitively, and skips stretches
    that lack a vocabulary's letters; a letter whose case folding differs ("İ", "ı") turns
    those shortcuts off. A closing line with one gives the article the same mentions."""
    doc = _doc(key)
    trailer = "\n\nİstanbul ıssız"
    slow = extract(replace(doc, text=doc.text + trailer))
    assert [m.to_json() for m in slow] == [m.to_json() for m in mentions[key]]
