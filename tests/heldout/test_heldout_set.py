"""Well-formedness of the held-out set (tests/heldout): its format, its languages and its gold rules.

These tests read the held-out texts only to check that the set is sound; they say nothing about
how the extractor does on it. Whoever changes the extractor must not read the texts (README.md).
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

HELDOUT_DIR = Path(__file__).parent
LANGUAGES = {"kk": "kk", "ru": "ru", "uz-Cyrl": "uzc", "uz-Latn": "uzl", "en": "en"}
EVENT_TYPES = {"summit", "state_visit", "official_visit", "working_visit", "talks",
               "council_session", "phone_call"}
STATUSES = {"announced", "ongoing", "held"}
GOLD_KEYS = {"event_key", "type", "format", "ordinal", "city", "country", "date_start",
             "date_end", "status", "participants"}
DOC_KEYS = {"id", "url", "source", "language", "published_at", "title", "text", "note"}
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CONSULTATIVE = "Consultative Meeting of the Heads of State of Central Asia"
FORMATS = {
    CONSULTATIVE, "SCO", "CIS", "OTS", "CICA", "EAEU", "CSTO", "C5+1",
    "Central Asia + China", "Central Asia + Russia", "Central Asia + EU",
    "Central Asia + Japan", "Central Asia + Korea",
}
COUNCIL = re.compile(r"^Supreme Interstate Council (\w+)–(\w+)$")
# Where each outlet publishes from: the offset of published_at must be that zone's offset.
SOURCE_ZONES = {
    "akorda-kz": "Asia/Almaty", "akorda-ru": "Asia/Almaty", "akorda-en": "Asia/Almaty",
    "kazinform": "Asia/Almaty", "kazpravda": "Asia/Almaty", "24-kz": "Asia/Almaty",
    "tengrinews": "Asia/Almaty", "astanatimes": "Asia/Almaty", "timesca": "Asia/Almaty",
    "uzdaily-uz": "Asia/Tashkent", "uzdaily-en": "Asia/Tashkent", "uza-uz": "Asia/Tashkent",
    "president-uz-uz": "Asia/Tashkent", "president-uz-oz": "Asia/Tashkent",
    "kun-uz": "Asia/Tashkent", "gazeta-uz-ru": "Asia/Tashkent", "gazeta-uz-oz": "Asia/Tashkent",
    "daryo-uz": "Asia/Tashkent", "podrobno-uz": "Asia/Tashkent",
    "24-kg": "Asia/Bishkek", "kabar-kg": "Asia/Bishkek",
    "khovar-tj": "Asia/Dushanbe", "tdh-tm": "Asia/Ashgabat",
}
# Canonical English names of the leaders the set names: a misspelt participant is a gold error.
LEADERS = {
    "Kassym-Jomart Tokayev", "Shavkat Mirziyoyev", "Sadyr Japarov", "Emomali Rahmon",
    "Serdar Berdimuhamedov", "Vladimir Putin", "Xi Jinping", "Recep Tayyip Erdoğan",
    "Ilham Aliyev", "Alexander Lukashenko", "Abdulla Aripov", "Adylbek Kasymaliev",
    "Donald Trump", "António Costa", "Ursula von der Leyen", "Shehbaz Sharif", "Viktor Orbán",
    "Sanae Takaichi", "Lee Jae-myung", "Giorgia Meloni", "Ukhnaagiin Khürelsükh", "Li Qiang",
}
PLACES = {
    "Astana": "Kazakhstan", "Tashkent": "Uzbekistan", "Samarkand": "Uzbekistan",
    "Bishkek": "Kyrgyzstan", "Dushanbe": "Tajikistan", "Ashgabat": "Turkmenistan",
    "Moscow": "Russia", "Minsk": "Belarus", "Baku": "Azerbaijan", "Beijing": "China",
    "Washington": "United States", "New York": "United States", "Tokyo": "Japan",
    "Seoul": "South Korea",
}


def _load(name: str) -> list[dict]:
    raw = (HELDOUT_DIR / name).read_bytes()
    assert raw.endswith(b"\n"), name
    return [json.loads(line) for line in raw.decode("utf-8").splitlines()]


@pytest.fixture(scope="module")
def docs():
    return _load("docs.jsonl")


@pytest.fixture(scope="module")
def gold():
    return _load("gold.jsonl")


@pytest.fixture(scope="module")
def gold_events(docs, gold):
    by_id = {d["id"]: d for d in docs}
    return [(by_id[row["id"]], event) for row in gold for event in row["events"]]


def _local_day(doc: dict) -> date:
    published = datetime.fromisoformat(doc["published_at"])
    return published.astimezone(ZoneInfo(SOURCE_ZONES[doc["source"]])).date()


def test_every_document_has_one_gold_row_in_the_same_order(docs, gold):
    ids = [d["id"] for d in docs]
    assert len(ids) == len(set(ids)) == 60
    assert ids == [row["id"] for row in gold]


def test_twelve_documents_per_language_with_ids_that_name_it(docs):
    assert Counter(d["language"] for d in docs) == {language: 12 for language in LANGUAGES}
    for doc in docs:
        assert re.fullmatch(rf"heldout-{LANGUAGES[doc['language']]}-\d{{3}}", doc["id"]), doc["id"]


def test_documents_follow_the_input_format(docs):
    for doc in docs:
        assert set(doc) == DOC_KEYS, doc["id"]
        assert doc["note"] == "written for tests"
        assert doc["url"].startswith("https://"), doc["id"]
        assert doc["title"].strip() and doc["text"].strip(), doc["id"]
        assert 150 <= len(doc["text"].split()) <= 600, doc["id"]


def test_publication_times_carry_the_offset_of_the_source_zone(docs):
    for doc in docs:
        published = datetime.fromisoformat(doc["published_at"])
        zone = ZoneInfo(SOURCE_ZONES[doc["source"]])
        assert published.utcoffset() == published.astimezone(zone).utcoffset(), doc["id"]
        assert date(2024, 1, 1) <= published.date() <= date(2026, 12, 31), doc["id"]


def test_registered_sources_keep_the_zone_of_the_registry(docs):
    from schedules.registry import load_registry

    registry = {spec.key: spec.timezone for spec in load_registry()}
    registered = {d["source"] for d in docs} & registry.keys()
    assert registered
    assert {key: registry[key] for key in registered} == {key: SOURCE_ZONES[key] for key in registered}


def test_documents_are_written_in_their_language(docs):
    cyrillic = re.compile("[а-яё]", re.IGNORECASE)
    marks = {"kk": set("әғқңөұүһі"), "uz-Cyrl": set("ўқғҳ")}
    for doc in docs:
        body = (doc["title"] + "\n" + doc["text"]).lower()
        if doc["language"] in marks:
            assert marks[doc["language"]] & set(body), doc["id"]
        if doc["language"] in {"en", "uz-Latn"}:
            assert not cyrillic.search(body), doc["id"]
        else:
            assert cyrillic.search(body), doc["id"]
    assert not any(set("әңөұүһі") & set(d["text"]) for d in docs if d["language"] == "ru")


def test_uzbek_latin_uses_every_apostrophe_outlets_print(docs):
    bodies = [d["text"].lower() for d in docs if d["language"] == "uz-Latn"]
    for apostrophe in "ʻ‘’'":
        assert any(f"o{apostrophe}" in body and f"g{apostrophe}" in body for body in bodies), apostrophe


def test_gold_events_follow_the_gold_format(gold):
    for row in gold:
        assert set(row) == {"id", "events"}
        for event in row["events"]:
            assert set(event) == GOLD_KEYS, row["id"]
            assert event["type"] in EVENT_TYPES, row["id"]
            assert event["status"] in STATUSES, row["id"]
            assert event["ordinal"] is None or isinstance(event["ordinal"], int), row["id"]
            assert (event["date_start"] is None) == (event["date_end"] is None), row["id"]
            if event["date_start"]:
                assert ISO_DAY.match(event["date_start"]) and ISO_DAY.match(event["date_end"])
                date.fromisoformat(event["date_start"]), date.fromisoformat(event["date_end"])
                assert event["date_start"] <= event["date_end"], row["id"]
            assert len(set(event["participants"])) == len(event["participants"]), row["id"]
            assert set(event["participants"]) <= LEADERS, row["id"]
            assert event["participants"], row["id"]
        keys = [e["event_key"] for e in row["events"]]
        assert len(keys) == len(set(keys)), row["id"]


def test_places_and_formats_use_canonical_names(gold_events):
    for doc, event in gold_events:
        if event["city"] is not None:
            assert PLACES[event["city"]] == event["country"], doc["id"]
        if event["type"] == "phone_call":
            assert event["city"] is None and event["country"] is None, doc["id"]
        fmt = event["format"]
        if fmt is None:
            assert event["type"] != "summit", doc["id"]
            continue
        council = COUNCIL.match(fmt)
        if council:
            assert list(council.groups()) == sorted(council.groups()), fmt
            assert event["type"] in {"council_session", "state_visit", "official_visit",
                                     "working_visit"}, doc["id"]
        else:
            assert fmt in FORMATS and event["type"] == "summit", doc["id"]


def test_an_event_key_is_one_record_wherever_it_appears(gold_events):
    records = defaultdict(set)
    for _, event in gold_events:
        records[event["event_key"]].add(
            tuple(v for k, v in sorted(event.items()) if k != "participants"))
    assert all(len(v) == 1 for v in records.values()), {k: v for k, v in records.items() if len(v) > 1}


def test_the_status_is_the_one_the_latest_coverage_supports(gold_events):
    latest = {}
    for doc, event in gold_events:
        day = _local_day(doc)
        latest[event["event_key"]] = max(latest.get(event["event_key"], day), day)
    for doc, event in gold_events:
        seen = latest[event["event_key"]]
        if event["status"] == "held":
            assert date.fromisoformat(event["date_end"]) <= seen, doc["id"]
        elif event["status"] == "ongoing":
            assert date.fromisoformat(event["date_start"]) <= seen <= date.fromisoformat(event["date_end"])
        else:
            assert seen < date.fromisoformat(event["date_start"]), doc["id"]


def test_the_set_covers_types_formats_statuses_clusters_and_negatives(docs, gold, gold_events):
    assert {e["type"] for _, e in gold_events} == EVENT_TYPES
    assert {e["status"] for _, e in gold_events} == STATUSES
    formats = {e["format"] for _, e in gold_events}
    assert FORMATS <= formats
    assert sum(bool(f and COUNCIL.match(f)) for f in formats) >= 2
    assert sum(not row["events"] for row in gold) >= 15
    assert any(len(row["events"]) > 1 for row in gold)
    languages = defaultdict(set)
    documents = defaultdict(set)
    for doc, event in gold_events:
        languages[event["event_key"]].add(doc["language"])
        documents[event["event_key"]].add(doc["id"])
    clusters = [key for key, ids in documents.items() if len(ids) >= 2]
    assert 10 <= len(clusters) <= 16
    assert all(len(languages[key]) >= 2 for key in clusters)
    assert max(len(v) for v in languages.values()) >= 4
    assert all(sum(d["language"] == lang for d in docs if not any(
        g["id"] == d["id"] and g["events"] for g in gold)) == 3 for lang in LANGUAGES)


# Documents that date an event by a relative word or a weekday: the word, the event, which of
# its dates the word gives, and that day counted from the publication day in the source's zone.
RELATIVE_DATES = [
    ("heldout-kk-001", "Бүгін", "h-sco-2024-astana", "date_end", 0),
    ("heldout-kk-001", "Кеше кешке", "h-sco-2024-astana", "date_start", -1),
    ("heldout-kk-002", "Бүгін", "h-csto-2024-astana", "date_start", 0),
    ("heldout-kk-003", "Бүгін", "h-kz-tr-phone-2025", "date_start", 0),
    ("heldout-kk-005", "Бүгін", "h-caeu-1-samarkand", "date_start", 0),
    ("heldout-kk-006", "Кеше", "h-kz-ru-working-moscow", "date_start", -1),
    ("heldout-kk-006", "бүгін", "h-kz-ru-working-moscow", "date_end", 0),
    ("heldout-kk-008", "Бүгін", "h-carussia-2-dushanbe", "date_start", 0),
    ("heldout-kk-011", "Бүгін", "h-kzkg-sic-video", "date_start", 0),
    ("heldout-kk-012", "Ертең", "h-az-kz-state-visit", "date_end", 1),
    ("heldout-ru-001", "сегодня", "h-tj-kg-state-visit", "date_start", 0),
    ("heldout-ru-003", "Сегодня", "h-cachina-2-astana", "date_start", 0),
    ("heldout-ru-004", "Вчера", "h-eaeu-2025-minsk", "date_start", -1),
    ("heldout-ru-004", "Сегодня", "h-eaeu-2025-minsk", "date_end", 0),
    ("heldout-ru-006", "Сегодня", "h-ru-tj-state-visit", "date_start", 0),
    ("heldout-ru-006", "завтра", "h-ru-tj-state-visit", "date_end", 1),
    ("heldout-ru-008", "В четверг", "h-c51-2025-washington", "date_start", -1),
    ("heldout-ru-010", "вчера", "h-kzkg-sic-video", "date_start", -1),
    ("heldout-uzc-004", "Кеча", "h-tj-kg-state-visit", "date_start", -1),
    ("heldout-uzc-009", "Бугун", "h-cm-7-tashkent", "date_start", 0),
    ("heldout-uzc-010", "бугун", "h-kg-uz-phone-2026", "date_start", 0),
    ("heldout-uzc-011", "Эртага", "h-uz-tm-state-visit", "date_end", 1),
    ("heldout-uzl-002", "kecha", "h-kg-uz-official-visit", "date_start", -1),
    ("heldout-uzl-003", "Ertaga", "h-caeu-1-samarkand", "date_start", 1),
    ("heldout-uzl-008", "Bugun", "h-cis-2025-dushanbe", "date_start", 0),
    ("heldout-uzl-009", "Bugun", "h-cm-7-tashkent", "date_start", 0),
    ("heldout-uzl-011", "ertaga", "h-uz-tm-state-visit", "date_start", 1),
    ("heldout-en-002", "Today", "h-tj-kg-state-visit", "date_start", 0),
    ("heldout-en-003", "today", "h-caeu-1-samarkand", "date_start", 0),
    ("heldout-en-004", "today", "h-cachina-2-astana", "date_start", 0),
    ("heldout-en-007", "on Thursday", "h-carussia-2-dushanbe", "date_start", -2),
    ("heldout-en-007", "on Friday", "h-cis-2025-dushanbe", "date_start", -1),
    ("heldout-en-008", "on Thursday", "h-c51-2025-washington", "date_start", -1),
    ("heldout-en-009", "on Sunday", "h-cm-7-tashkent", "date_start", -1),
    ("heldout-en-010", "on Monday", "h-kg-uz-phone-2026", "date_start", 0),
    ("heldout-en-012", "Today", "h-uz-tm-state-visit", "date_end", 0),
]


@pytest.mark.parametrize(("doc_id", "word", "event_key", "field", "days"), RELATIVE_DATES)
def test_relative_dates_in_the_texts_agree_with_the_gold(docs, gold, doc_id, word, event_key,
                                                         field, days):
    doc = next(d for d in docs if d["id"] == doc_id)
    event = next(e for g in gold if g["id"] == doc_id for e in g["events"]
                 if e["event_key"] == event_key)
    assert word in doc["text"]
    expected = date.fromordinal(_local_day(doc).toordinal() + days)
    assert event[field] == expected.isoformat()


def test_gold_scored_against_itself_is_perfect(gold):
    from workers.evaluate import score

    predictions = [
        {"id": row["id"], "events": [
            {**{k: v for k, v in e.items() if k != "event_key"},
             "event_id": e["event_key"], "role": "reported"}
            for e in row["events"]
        ]}
        for row in gold
    ]
    alerts = sorted({e["event_key"] for row in gold for e in row["events"]})
    metrics = score(gold, predictions, alerts=alerts)
    assert metrics["documents"] == 60
    for key in ("detection_precision", "detection_recall", "type_accuracy", "format_accuracy",
                "city_accuracy", "date_accuracy", "status_accuracy", "participants_f1",
                "bcubed_f1", "alert_precision", "alert_recall"):
        assert metrics[key] == 1.0, key
