"""Scoring of `summitwatch eval` and the well-formedness of the development gold set.

Every expected number below was worked out by hand from the small tables in this file; the
arithmetic is written next to each case so a reader can check it without running the code.
"""

from __future__ import annotations

import copy
import json
import re
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from workers.evaluate import (
    bcubed,
    differences,
    format_report,
    load_jsonl,
    normalise_text,
    participants_f1,
    score,
    score_by_group,
)

GOLD_DIR = Path(__file__).parent / "gold"
SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"

TOKAYEV = "Kassym-Jomart Tokayev"
XI = "Xi Jinping"
PUTIN = "Vladimir Putin"
ERDOGAN = "Recep Tayyip Erdoğan"
MIRZIYOYEV = "Shavkat Mirziyoyev"


def _event(**fields):
    base = {
        "type": "summit",
        "format": None,
        "ordinal": None,
        "city": None,
        "country": None,
        "date_start": None,
        "date_end": None,
        "status": "held",
        "participants": [],
    }
    base.update(fields)
    return base


# A: one summit covered by two documents (an announcement, then a report); B: a phone call;
# C: a state visit; doc-4 is a negative.
SUMMIT = dict(type="summit", format="SCO", city="Astana", country="Kazakhstan",
              date_start="2024-07-04", date_end="2024-07-04", participants=[TOKAYEV, XI])
CALL = dict(type="phone_call", date_start="2025-02-14", date_end="2025-02-14",
            participants=[TOKAYEV, ERDOGAN])
VISIT = dict(type="state_visit", format="Supreme Interstate Council Kazakhstan–Uzbekistan",
             ordinal=2, city="Tashkent", country="Uzbekistan", date_start="2025-11-14",
             date_end="2025-11-15", participants=[TOKAYEV, MIRZIYOYEV])

GOLD = [
    {"id": "doc-1", "events": [_event(event_key="A", **SUMMIT)]},
    {"id": "doc-2", "events": [_event(event_key="A", **{**SUMMIT, "status": "announced"})]},
    {"id": "doc-3", "events": [_event(event_key="B", **CALL)]},
    {"id": "doc-4", "events": []},
    {"id": "doc-5", "events": [_event(event_key="C", **VISIT)]},
]


def _perfect_predictions():
    """Each gold event reported back unchanged, gold cluster A -> id 1, B -> 2, C -> 3."""
    ids = {"A": "1", "B": "2", "C": "3"}
    rows = []
    for row in GOLD:
        events = []
        for gold_event in row["events"]:
            predicted = {k: v for k, v in gold_event.items() if k != "event_key"}
            predicted.update(event_id=ids[gold_event["event_key"]], role="reported")
            events.append(predicted)
        rows.append({"id": row["id"], "events": events})
    return rows


def _with(edit):
    predictions = copy.deepcopy(_perfect_predictions())
    edit({row["id"]: row for row in predictions})
    return predictions


def _miss_doc_5(rows):
    rows["doc-5"]["events"] = []


def _false_positive_on_doc_4(rows):
    rows["doc-4"]["events"] = [_event(event_id="4", role="reported", type="talks")]


def _mention_on_doc_4(rows):
    rows["doc-4"]["events"] = [_event(event_id="4", role="mentioned", type="summit")]


def _split_cluster_a(rows):
    rows["doc-2"]["events"][0]["event_id"] = "9"


def _merge_b_into_a(rows):
    rows["doc-3"]["events"][0]["event_id"] = "1"


def _field_errors(rows):
    doc_1 = rows["doc-1"]["events"][0]
    doc_1["city"] = "Almaty"
    doc_1["ordinal"] = 24
    rows["doc-2"]["events"][0]["status"] = "held"
    rows["doc-3"]["events"][0]["participants"] = [TOKAYEV]
    doc_5 = rows["doc-5"]["events"][0]
    doc_5["type"] = "official_visit"
    doc_5["date_end"] = "2025-11-14"


def _spelling_variants(rows):
    doc_5 = rows["doc-5"]["events"][0]
    doc_5["format"] = "supreme interstate council  KAZAKHSTAN - uzbekistan"
    doc_5["participants"] = ["kassym-jomart tokayev", "SHAVKAT MIRZIYOYEV"]
    doc_5["ordinal"] = "2"
    doc_5["date_start"] = "2025-11-14T10:00:00+05:00"
    rows["doc-3"]["events"][0]["participants"] = [ERDOGAN.upper(), f" {TOKAYEV} "]


# (name, predictions, expected subset of the metrics). Arithmetic:
# - one missed doc: TP 3 (doc-1,2,3), FN 1 (doc-5) -> recall 3/4; 3 items all pure -> B3 1.
# - false positive: TP 4, FP 1 (doc-4) -> precision 4/5; the extra event matches nothing.
# - split: items (A,1) (A,9) (B,2) (C,3). B3 precision 1 (every predicted cluster is pure);
#   recall (1/2 + 1/2 + 1 + 1) / 4 = 3/4; F1 = 2 * 1 * 3/4 / (7/4) = 6/7.
# - merged: items (A,1) (A,1) (B,1) (C,3). Precision (2/3 + 2/3 + 1/3 + 1) / 4 = 2/3;
#   recall 1; F1 = 2 * 2/3 / (5/3) = 4/5.
# - field errors over 4 matched events: type 3/4 (doc-5), format+ordinal 3/4 (doc-1 ordinal),
#   city 3/4 (doc-1), dates 3/4 (doc-5 end), status 3/4 (doc-2), participants
#   (1 + 1 + 2/3 + 1) / 4 = 11/12, where doc-3 has P 1, R 1/2, F1 2/3.
METRIC_CASES = [
    (
        "perfect",
        _perfect_predictions(),
        dict(documents=5, detection_precision=1.0, detection_recall=1.0, matched_events=4,
             type_accuracy=1.0, format_accuracy=1.0, city_accuracy=1.0, date_accuracy=1.0,
             status_accuracy=1.0, participants_f1=1.0, bcubed_precision=1.0,
             bcubed_recall=1.0, bcubed_f1=1.0, event_precision=1.0, event_recall=1.0),
    ),
    (
        "one missed doc",
        _with(_miss_doc_5),
        dict(detection_tp=3, detection_fp=0, detection_fn=1, detection_precision=1.0,
             detection_recall=0.75, matched_events=3, event_recall=0.75, bcubed_f1=1.0,
             type_accuracy=1.0),
    ),
    (
        "one false positive",
        _with(_false_positive_on_doc_4),
        dict(detection_tp=4, detection_fp=1, detection_fn=0, detection_precision=0.8,
             detection_recall=1.0, predicted_events=5, matched_events=4, event_precision=0.8,
             bcubed_f1=1.0),
    ),
    (
        "a mention is not a detection",
        _with(_mention_on_doc_4),
        dict(detection_fp=0, detection_precision=1.0, predicted_events=4, event_precision=1.0),
    ),
    (
        "split cluster",
        _with(_split_cluster_a),
        dict(detection_precision=1.0, detection_recall=1.0, bcubed_precision=1.0,
             bcubed_recall=0.75, bcubed_f1=6 / 7, type_accuracy=1.0),
    ),
    (
        "merged cluster",
        _with(_merge_b_into_a),
        dict(bcubed_precision=2 / 3, bcubed_recall=1.0, bcubed_f1=0.8, matched_events=4),
    ),
    (
        "field errors",
        _with(_field_errors),
        dict(detection_precision=1.0, detection_recall=1.0, matched_events=4, type_accuracy=0.75,
             format_accuracy=0.75, city_accuracy=0.75, country_accuracy=1.0, date_accuracy=0.75,
             status_accuracy=0.75, participants_f1=11 / 12, bcubed_f1=1.0),
    ),
    (
        "spelling variants are the same value",
        _with(_spelling_variants),
        dict(format_accuracy=1.0, date_accuracy=1.0, participants_f1=1.0, type_accuracy=1.0),
    ),
    (
        "nothing predicted",
        [],
        dict(documents=5, detection_tp=0, detection_precision=1.0, detection_recall=0.0,
             matched_events=0, event_recall=0.0),
    ),
]


@pytest.mark.parametrize(
    ("predictions", "expected"),
    [pytest.param(p, e, id=name) for name, p, e in METRIC_CASES],
)
def test_score_named_cases(predictions, expected):
    metrics = score(GOLD, predictions)
    for key, value in expected.items():
        assert metrics[key] == pytest.approx(value), key


def test_events_within_a_document_are_matched_on_their_fields_not_their_order():
    gold = [{"id": "d", "events": [
        _event(event_key="A", **SUMMIT),
        _event(event_key="T", type="talks", city="Astana", date_start="2024-07-04",
               date_end="2024-07-04", participants=[TOKAYEV, ERDOGAN]),
    ]}]
    talks = _event(event_id="5", role="reported", type="talks", city="Astana",
                   date_start="2024-07-04", date_end="2024-07-04", participants=[ERDOGAN, TOKAYEV])
    summit = _event(event_id="1", role="reported", **SUMMIT)
    second_copy = _event(event_id="7", role="reported", **{**SUMMIT, "participants": [TOKAYEV]})
    metrics = score(gold, [{"id": "d", "events": [talks, second_copy, summit]}])
    # Both gold events find their own prediction; the second copy of the summit is left over:
    # event precision 2/3, and every matched field is right.
    assert metrics["matched_events"] == 2
    assert metrics["event_precision"] == pytest.approx(2 / 3)
    assert metrics["event_recall"] == 1.0
    assert metrics["type_accuracy"] == 1.0
    assert metrics["participants_f1"] == 1.0
    assert metrics["detection_precision"] == 1.0


# Alert precision = distinct gold events reached / distinct event ids alerted;
# alert recall = distinct gold events reached / distinct gold events (A, B, C = 3).
ALERT_CASES = [
    ("one alert per event", _perfect_predictions(), ["1", "2", "3"], 1.0, 1.0),
    ("a repeated id is one alerted event", _perfect_predictions(), ["1", "1", "2"], 1.0, 2 / 3),
    ("a split event alerted twice", _with(_split_cluster_a), ["1", "9", "2", "3"], 3 / 4, 1.0),
    ("an alert for no real event", _perfect_predictions(), ["1", "42"], 1 / 2, 1 / 3),
    ("rows with event_id are accepted", _perfect_predictions(), [{"event_id": "2"}], 1.0, 1 / 3),
    ("no alerts", _perfect_predictions(), [], 1.0, 0.0),
]


@pytest.mark.parametrize(
    ("predictions", "alerts", "precision", "recall"),
    [pytest.param(p, a, pr, r, id=name) for name, p, a, pr, r in ALERT_CASES],
)
def test_alert_precision(predictions, alerts, precision, recall):
    metrics = score(GOLD, predictions, alerts=alerts)
    assert metrics["alert_precision"] == pytest.approx(precision)
    assert metrics["alert_recall"] == pytest.approx(recall)


def test_alert_metrics_are_absent_without_alerts():
    assert "alert_precision" not in score(GOLD, _perfect_predictions())


def test_alerted_ids_compare_as_text():
    predictions = _perfect_predictions()
    for row in predictions:
        for predicted in row["events"]:
            predicted["event_id"] = int(predicted["event_id"])
    metrics = score(GOLD, predictions, alerts=["1", 2])
    assert metrics["alert_precision"] == 1.0


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        pytest.param([], (1.0, 1.0, 1.0), id="no items"),
        # Recall: three items see 3/4 of their gold cluster, one sees 1/4 -> 2.5/4 = 5/8;
        # F1 = 2 * 5/8 / (13/8) = 10/13.
        pytest.param([("A", "x"), ("A", "x"), ("A", "x"), ("A", "y")], (1.0, 5 / 8, 10 / 13),
                     id="one gold cluster split 3+1"),
        # Precision: every item's predicted cluster is half its own gold -> 1/2; F1 = 2/3.
        pytest.param([("A", "x"), ("A", "x"), ("B", "x"), ("B", "x")], (0.5, 1.0, 2 / 3),
                     id="two gold clusters merged"),
        pytest.param([("A", "x"), ("B", "y")], (1.0, 1.0, 1.0), id="singletons"),
    ],
)
def test_bcubed(items, expected):
    assert bcubed(items) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("gold", "predicted", "expected"),
    [
        pytest.param([TOKAYEV, ERDOGAN], [TOKAYEV], 2 / 3, id="half recalled"),
        pytest.param([TOKAYEV], [TOKAYEV, XI, PUTIN], 0.5, id="two invented"),
        pytest.param([], [], 1.0, id="both empty"),
        pytest.param([TOKAYEV], [], 0.0, id="none predicted"),
        pytest.param([], [XI], 0.0, id="none in gold"),
    ],
)
def test_participants_f1(gold, predicted, expected):
    assert participants_f1(gold, predicted) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        (
            "Supreme Interstate Council Kazakhstan–Uzbekistan",
            "supreme interstate council kazakhstan - uzbekistan",
        ),
        ("Oʻzbekiston", "O'zbekiston"),
        ("O‘zbekiston", "O’zbekiston"),
        ("Central Asia + China", "  central   asia + CHINA "),
        ("Kassym—Jomart Tokayev", "Kassym-Jomart Tokayev"),
    ],
)
def test_comparison_folds_case_spaces_apostrophes_and_dashes(left, right):
    assert normalise_text(left) == normalise_text(right)


def test_comparison_keeps_letters_that_differ():
    assert normalise_text("Erdoğan") != normalise_text("Erdogan")
    assert normalise_text("") is None


def test_predictions_outside_the_gold_are_counted_not_scored():
    predictions = _perfect_predictions() + [{"id": "elsewhere", "events": []}]
    assert score(GOLD, predictions)["unscored_predictions"] == 1


def test_a_document_id_twice_is_an_error():
    with pytest.raises(ValueError, match="doc-1"):
        score(GOLD + [GOLD[0]], [])


def test_score_by_group_scores_each_group_alone():
    groups = {"doc-1": "ru", "doc-2": "ru", "doc-3": "kk", "doc-4": "kk"}
    result = score_by_group(GOLD, _with(_miss_doc_5), groups)
    assert sorted(result) == ["kk", "other", "ru"]
    assert result["other"]["detection_recall"] == 0.0
    assert result["ru"]["documents"] == 2
    assert result["kk"]["detection_recall"] == 1.0


def test_differences_name_the_wrong_fields_with_their_values():
    report = differences(GOLD, _with(_field_errors))
    by_id = {entry["id"]: entry for entry in report}
    assert sorted(by_id) == ["doc-1", "doc-2", "doc-3", "doc-5"]
    doc_1 = {f["field"]: (f["gold"], f["predicted"]) for f in by_id["doc-1"]["fields"]}
    assert doc_1 == {"city": ("Astana", "Almaty"), "format": (["SCO", None], ["SCO", 24])}
    doc_5 = {f["field"]: (f["gold"], f["predicted"]) for f in by_id["doc-5"]["fields"]}
    assert doc_5["date"] == (["2025-11-14", "2025-11-15"], ["2025-11-14", "2025-11-14"])
    assert doc_5["type"] == ("state_visit", "official_visit")


def test_differences_list_missed_and_extra_events():
    report = differences(GOLD, _with(_false_positive_on_doc_4))
    assert [(e["id"], len(e["missed"]), len(e["extra"])) for e in report] == [("doc-4", 0, 1)]
    report = differences(GOLD, _with(_miss_doc_5))
    assert [(e["id"], len(e["missed"]), len(e["extra"])) for e in report] == [("doc-5", 1, 0)]


def test_load_jsonl_reads_objects_and_names_a_bad_line(tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text('{"id": "a", "events": []}\n\n{"id": "б", "events": []}\n', encoding="utf-8")
    assert load_jsonl(good) == [{"id": "a", "events": []}, {"id": "б", "events": []}]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a"}\n{"id": \n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.jsonl:2"):
        load_jsonl(bad)


def test_format_report_is_a_table_of_every_metric():
    metrics = {
        "documents": 74,
        "detection_precision": 0.95,
        "detection_recall": 0.875,
        "bcubed_f1": 1.0,
        "alert_precision": None,
        "latency_ms": 12,
    }
    lines = format_report(metrics).splitlines()
    assert lines[0].split() == ["metric", "value"]
    assert set(lines[1]) == {"-", " "}
    rows = {re.split(r"\s{2,}", line.strip())[0]: line.split()[-1] for line in lines[2:]}
    assert rows == {
        "documents scored": "74",
        "detection precision": "0.950",
        "detection recall": "0.875",
        "B-cubed F1": "1.000",
        "alert precision": "n/a",
        "latency ms": "12",
    }
    assert len({len(line) for line in lines}) == 1


# --- the development gold set -------------------------------------------------------------

EVENT_TYPES = {"summit", "state_visit", "official_visit", "working_visit", "talks",
               "council_session", "phone_call"}
STATUSES = {"announced", "ongoing", "held"}
LANGUAGES = {"kk", "ru", "uz-Cyrl", "uz-Latn", "en"}
FORMATS = {
    "Consultative Meeting of the Heads of State of Central Asia",
    "Supreme Interstate Council Kazakhstan–Uzbekistan",
    "SCO", "CIS", "OTS", "CICA", "EAEU",
    "CSTO", "C5+1", "Central Asia + China",
}
# Where each source publishes from: its offset must be that zone's offset at publication time.
# Keys are those of schedules/sources.yaml where the outlet is registered.
SOURCE_ZONES = {
    "akorda-kz": "Asia/Almaty", "akorda-ru": "Asia/Almaty", "akorda-en": "Asia/Almaty",
    "kazinform": "Asia/Almaty", "prosud-kz": "Asia/Almaty", "kazpravda": "Asia/Almaty",
    "24-kz": "Asia/Almaty", "tengrinews": "Asia/Almaty", "astanatimes": "Asia/Almaty",
    "timesca": "Asia/Almaty",
    "uzdaily-uz": "Asia/Tashkent", "uzdaily-en": "Asia/Tashkent", "uza-uz": "Asia/Tashkent",
    "president-uz-uz": "Asia/Tashkent", "president-uz-oz": "Asia/Tashkent",
    "kun-uz": "Asia/Tashkent", "gazeta-uz-ru": "Asia/Tashkent", "gazeta-uz-oz": "Asia/Tashkent",
    "daryo-uz": "Asia/Tashkent", "podrobno-uz": "Asia/Tashkent",
    "24-kg": "Asia/Bishkek", "kabar-kg": "Asia/Bishkek",
    "khovar-tj": "Asia/Dushanbe", "tdh-tm": "Asia/Ashgabat",
}
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@pytest.fixture(scope="module")
def dev_docs():
    return load_jsonl(GOLD_DIR / "dev_docs.jsonl")


@pytest.fixture(scope="module")
def dev_gold():
    return load_jsonl(GOLD_DIR / "dev_gold.jsonl")


@pytest.fixture(scope="module")
def gold_events(dev_docs, dev_gold):
    """(document, event) for every gold event."""
    docs = {d["id"]: d for d in dev_docs}
    return [(docs[g["id"]], e) for g in dev_gold for e in g["events"]]


def test_dev_set_pairs_every_document_with_one_gold_row(dev_docs, dev_gold):
    doc_ids = [d["id"] for d in dev_docs]
    assert len(doc_ids) == len(set(doc_ids))
    assert doc_ids == [g["id"] for g in dev_gold]


def test_dev_documents_follow_the_input_format(dev_docs):
    allowed = {"id", "url", "source", "language", "published_at", "title", "text", "html", "note"}
    for doc in dev_docs:
        assert set(doc) <= allowed, doc["id"]
        assert doc["url"].startswith("https://"), doc["id"]
        assert ("text" in doc) != ("html" in doc), doc["id"]
        assert doc["language"] in LANGUAGES, doc["id"]
        published = datetime.fromisoformat(doc["published_at"])
        zone = ZoneInfo(SOURCE_ZONES[doc["source"]])
        assert published.utcoffset() == published.astimezone(zone).utcoffset(), doc["id"]


def test_registered_sources_keep_the_zone_of_the_registry(dev_docs):
    from schedules.registry import load_registry

    registry = {spec.key: spec.timezone for spec in load_registry()}
    used = {doc["source"] for doc in dev_docs}
    registered = used & registry.keys()
    assert {"akorda-kz", "prosud-kz", "uzdaily-uz", "kazpravda"} <= registered
    assert {key: registry[key] for key in registered} == {
        key: SOURCE_ZONES[key] for key in registered
    }


def test_dev_gold_events_follow_the_gold_format(dev_gold):
    keys = {"event_key", "type", "format", "ordinal", "city", "country", "date_start",
            "date_end", "status", "participants"}
    for row in dev_gold:
        assert set(row) == {"id", "events"}
        for event in row["events"]:
            assert set(event) == keys, row["id"]
            assert event["type"] in EVENT_TYPES, row["id"]
            assert event["status"] in STATUSES, row["id"]
            assert event["ordinal"] is None or isinstance(event["ordinal"], int)
            assert (event["date_start"] is None) == (event["date_end"] is None), row["id"]
            if event["date_start"]:
                assert ISO_DAY.match(event["date_start"]) and ISO_DAY.match(event["date_end"])
                assert event["date_start"] <= event["date_end"], row["id"]
            if event["type"] == "phone_call":
                assert event["city"] is None and event["country"] is None, row["id"]
            assert len(set(event["participants"])) == len(event["participants"]), row["id"]


def test_an_event_key_means_one_event_wherever_it_appears(gold_events):
    # Documents of one event may name different participants, but never a different
    # type of event, format, place or start.
    seen = {}
    for doc, event in gold_events:
        identity = (event["type"], event["format"], event["ordinal"], event["city"],
                    event["date_start"])
        assert seen.setdefault(event["event_key"], identity) == identity, doc["id"]


def test_seed_documents_are_the_seed_files_with_their_gold(dev_docs, dev_gold):
    seeds = sorted(SEEDS_DIR.glob("0*.txt"))
    assert len(seeds) == 5
    docs = {d["id"]: d for d in dev_docs}
    gold = {g["id"]: g["events"] for g in dev_gold}
    for n, path in enumerate(seeds):
        assert docs[f"seed-{n:03d}"]["text"] == path.read_text(encoding="utf-8")
    e1 = {gold[f"seed-{n:03d}"][0]["event_key"] for n in range(4)}
    assert len(e1) == 1 and all(len(gold[f"seed-{n:03d}"]) == 1 for n in range(5))
    assert gold["seed-000"][0] | {"event_key": None} == {
        "event_key": None, "type": "state_visit",
        "format": "Supreme Interstate Council Kazakhstan–Uzbekistan", "ordinal": 2,
        "city": "Tashkent", "country": "Uzbekistan", "date_start": "2025-11-14",
        "date_end": "2025-11-15", "status": "held",
        "participants": ["Kassym-Jomart Tokayev", "Shavkat Mirziyoyev"],
    }
    e2 = gold["seed-004"][0]
    assert (e2["type"], e2["format"], e2["ordinal"], e2["city"], e2["date_start"],
            e2["participants"]) == (
        "summit", "Consultative Meeting of the Heads of State of Central Asia", 6, "Astana",
        "2024-08-09", ["Kassym-Jomart Tokayev"])
    assert docs["seed-001"]["published_at"] == "2025-11-15T11:45:00+05:00"


def test_written_documents_cover_every_language(dev_docs):
    written = [d for d in dev_docs if d["id"].startswith("written-")]
    assert len(written) >= 48
    assert all(d["note"] == "written for tests" for d in written)
    per_language = Counter(d["language"] for d in written)
    assert set(per_language) == LANGUAGES and min(per_language.values()) >= 8, per_language
    assert sum("html" in d for d in written) >= 3


def test_written_documents_are_written_in_their_language(dev_docs):
    letters = {
        "kk": set("әғқңөұүһі"),
        "uz-Cyrl": set("ўқғҳ"),
        "uz-Latn": set("ʻ‘’'"),
    }
    cyrillic = re.compile("[а-яё]", re.IGNORECASE)
    for doc in dev_docs:
        if not doc["id"].startswith("written-"):
            continue
        body = doc.get("text") or doc["html"]
        marks = letters.get(doc["language"])
        if marks:
            assert marks & set(body.lower()), doc["id"]
        if doc["language"] in {"en", "uz-Latn"}:
            # A page's language switcher may be in Cyrillic; a plain text may not.
            assert "html" in doc or not cyrillic.search(body), doc["id"]
        else:
            assert cyrillic.search(body), doc["id"]


def test_uzbek_latin_documents_use_each_apostrophe(dev_docs):
    bodies = [d.get("text") or d["html"] for d in dev_docs if d["language"] == "uz-Latn"]
    for apostrophe in "ʻ‘’'":
        assert any(f"o{apostrophe}" in body.lower() for body in bodies), apostrophe


def test_gold_covers_every_type_format_and_the_traps(dev_docs, dev_gold, gold_events):
    assert {e["type"] for _, e in gold_events} == EVENT_TYPES
    formats = {e["format"] for _, e in gold_events}
    assert FORMATS <= formats
    partners = {f for f in formats if f and f.startswith("Central Asia + ")}
    assert len(partners) >= 3
    assert len({f for f in formats if f and f.startswith("Supreme Interstate Council")}) >= 2
    assert {e["status"] for _, e in gold_events} == STATUSES
    negatives = [g for g in dev_gold if not g["events"]]
    assert len(negatives) >= 15
    assert any(len(g["events"]) > 1 for g in dev_gold)


def test_gold_clusters_cross_languages_and_keep_one_record_per_event(gold_events):
    languages = defaultdict(set)
    records = defaultdict(set)
    for doc, event in gold_events:
        languages[event["event_key"]].add(doc["language"])
        records[event["event_key"]].add(tuple(v for k, v in sorted(event.items()) if k != "participants"))
    assert max(len(v) for v in languages.values()) >= 4
    assert sum(len(v) >= 2 for v in languages.values()) >= 6
    # One record per occasion: an event announced in one document and reported in another
    # carries its final status and dates in both (participants stay what each text names).
    assert all(len(v) == 1 for v in records.values()), {k: v for k, v in records.items() if len(v) > 1}


def test_gold_scored_against_itself_is_perfect(dev_gold):
    predictions = [
        {"id": row["id"], "events": [
            {**{k: v for k, v in e.items() if k != "event_key"},
             "event_id": e["event_key"], "role": "reported"}
            for e in row["events"]
        ]}
        for row in dev_gold
    ]
    alerts = [e["event_key"] for row in dev_gold for e in row["events"]]
    metrics = score(dev_gold, predictions, alerts=alerts)
    assert metrics["documents"] == len(dev_gold)
    for key in ("detection_precision", "detection_recall", "type_accuracy", "format_accuracy",
                "city_accuracy", "date_accuracy", "status_accuracy", "participants_f1",
                "bcubed_f1", "alert_precision", "alert_recall"):
        assert metrics[key] == 1.0, key


# Written documents that date their event by a relative word or a weekday only: the word,
# and the day it gives counted from the publication date in the source's zone.
RELATIVE_DATES = [
    ("written-kk-001", "Бүгін", 0), ("written-kk-005", "бүгін", 0), ("written-kk-007", "бүгін", 0),
    ("written-kk-008", "Ертең", 1), ("written-kk-013", "Кеше", -1),
    ("written-ru-002", "Сегодня", 0), ("written-ru-004", "Сегодня", 0),
    ("written-ru-009", "Накануне", -1), ("written-ru-012", "Сегодня", 0),
    ("written-uzc-002", "Эртага", 1), ("written-uzc-003", "Бугун", 0),
    ("written-uzc-006", "бугун", 0), ("written-uzl-002", "Bugun", 0),
    ("written-uzl-006", "Bugun", 0), ("written-uzl-007", "bugun", 0),
    ("written-en-004", "on Thursday", -1), ("written-en-005", "on Tuesday", -1),
    ("written-en-007", "on Monday", -1), ("written-en-011", "today", 0),
]


@pytest.mark.parametrize(("doc_id", "word", "days"), RELATIVE_DATES)
def test_relative_dates_in_the_texts_agree_with_the_gold(dev_docs, dev_gold, doc_id, word, days):
    doc = next(d for d in dev_docs if d["id"] == doc_id)
    events = next(g["events"] for g in dev_gold if g["id"] == doc_id)
    assert word in (doc.get("text") or doc["html"])
    published = datetime.fromisoformat(doc["published_at"]).astimezone(
        ZoneInfo(SOURCE_ZONES[doc["source"]])
    )
    if not events:
        return
    expected = date.fromordinal(published.date().toordinal() + days)
    assert events[0]["date_start"] == expected.isoformat()


def test_dev_gold_files_are_plain_utf8_json_lines():
    for name in ("dev_docs.jsonl", "dev_gold.jsonl"):
        raw = (GOLD_DIR / name).read_bytes()
        assert raw.endswith(b"\n")
        for line in raw.decode("utf-8").splitlines():
            assert json.loads(line)["id"]
