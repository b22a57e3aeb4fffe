"""Scoring of extracted events against a gold set (the format of docs/product.md).

Pure: the only I/O is :func:`load_jsonl`. :func:`score` takes gold rows and prediction rows
and knows nothing about the pipeline that made the predictions.

Gold row: ``{"id", "events": [{"event_key", "type", "format", "ordinal", "city", "country",
"date_start", "date_end", "status", "participants": [...]}]}``; ``"events": []`` is a negative.

Prediction row: ``{"id", "events": [{"event_id", "role", "type", "format", "ordinal", "city",
"country", "date_start", "date_end", "status", "participants": [...]}]}``. Only events whose
role is ``"reported"`` (the article's own event) are detections; a ``"mentioned"`` event (named
in passing, background, a sidebar) is ignored by every metric.

Definitions
-----------
Documents are the gold rows; a gold id without a prediction row predicts nothing, and
prediction rows whose id is not in the gold are ignored (counted in ``unscored_predictions``).

Detection, per document: the document is *gold-positive* when its gold has at least one event,
and *predicted-positive* when the prediction has at least one reported event.
TP = gold-positive and predicted-positive, FP = predicted-positive on a negative,
FN = gold-positive with no reported event.
``detection_precision = TP / (TP + FP)``, ``detection_recall = TP / (TP + FN)``.

Event matching, within one document: every (gold event, reported event) pair gets a similarity
(type, format, ordinal, participant overlap, start and end date); pairs are taken greedily from
the most similar down, each event at most once, ties broken by gold then prediction order.
A document with one gold and one reported event therefore always matches them, whatever their
fields, so field errors are charged to the field accuracies and not to detection.
``event_precision = matched / reported events``, ``event_recall = matched / gold events``:
they expose second copies of an article's event and events missing from multi-event articles.

Field scores, over matched events: ``type_accuracy``; ``format_accuracy`` (format and ordinal
both equal); ``city_accuracy``; ``country_accuracy``; ``date_accuracy`` (start and end both
equal); ``status_accuracy``; ``participants_f1`` (set F1 of the participants, averaged over
matched events; two empty sets score 1). Missing values compare equal to ``null``.

Clustering: B-cubed over the matched events, each an item whose gold cluster is its
``event_key`` and whose predicted cluster is its ``event_id``. An item's precision is the share
of its predicted cluster that shares its gold cluster, its recall the share of its gold cluster
that shares its predicted cluster; both are averaged over items, and ``bcubed_f1`` is their
harmonic mean. An event without ``event_id`` (or ``event_key``) is a cluster of its own.

Alerts (only when ``alerts`` is given: the event ids that raised a ``new_event`` alert):
each alerted event id stands for the gold event that most of its matched items belong to.
``alert_precision = distinct gold events alerted / distinct event ids alerted``: an alert for an
event that matches no gold event, or a second event id for a gold event already alerted, counts
against it. ``alert_recall = distinct gold events alerted / distinct gold events``.

Comparisons fold Unicode to NFC, case, runs of whitespace, the apostrophes ' ‘ ’ ʻ ʼ and the
dashes ‐ ‑ – — − (and the spaces around a dash), so "Kazakhstan – Uzbekistan" equals
"kazakhstan-uzbekistan". Ordinals compare as integers, dates on their ``YYYY-MM-DD`` part.

A ratio with nothing to count (no predicted positives, no matched events, no alerts) is 1.0:
nothing was wrong. Counts are returned beside every ratio so such a case is visible, and a run
that finds nothing still fails on ``detection_recall``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

REPORTED = "reported"

_FOLD = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "ʻ": "'",
        "ʼ": "'",
        "`": "'",
        "´": "'",
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
        "−": "-",
    }
)
_SPACED_DASH = re.compile(r"\s*-\s*")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")

# Headline metrics first, in the order a reader of the table wants them.
_REPORT_ROWS = (
    ("documents", "documents scored"),
    ("gold_positive_documents", "documents with gold events"),
    ("predicted_positive_documents", "documents with reported events"),
    ("detection_tp", "detection true positives"),
    ("detection_fp", "detection false positives"),
    ("detection_fn", "detection false negatives"),
    ("detection_precision", "detection precision"),
    ("detection_recall", "detection recall"),
    ("detection_f1", "detection F1"),
    ("gold_events", "gold events"),
    ("predicted_events", "reported events"),
    ("matched_events", "matched events"),
    ("event_precision", "event precision"),
    ("event_recall", "event recall"),
    ("type_accuracy", "type accuracy"),
    ("format_accuracy", "format+ordinal accuracy"),
    ("city_accuracy", "city accuracy"),
    ("country_accuracy", "country accuracy"),
    ("date_accuracy", "date accuracy"),
    ("status_accuracy", "status accuracy"),
    ("participants_f1", "participants F1"),
    ("bcubed_precision", "B-cubed precision"),
    ("bcubed_recall", "B-cubed recall"),
    ("bcubed_f1", "B-cubed F1"),
    ("alerts", "new-event alerts"),
    ("alerted_events", "distinct events alerted"),
    ("alert_precision", "alert precision"),
    ("alert_recall", "alert recall"),
    ("unscored_predictions", "predictions not in gold"),
)


def load_jsonl(path: str | Path) -> list[dict]:
    """Read one JSON object per non-blank line."""
    rows: list[dict] = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{number}: {error.msg}") from error
            if not isinstance(row, dict):
                raise ValueError(f"{path}:{number}: expected a JSON object")
            rows.append(row)
    return rows


def normalise_text(value: Any) -> str | None:
    """The comparison form of a name: NFC, folded apostrophes and dashes, case and spaces."""
    if value is None:
        return None
    text = unicodedata.normalize("NFC", str(value)).translate(_FOLD)
    text = _SPACED_DASH.sub("-", " ".join(text.split())).casefold()
    return text or None


def _normalise_ordinal(value: Any) -> int | str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return normalise_text(value)
    if isinstance(value, int):
        return value
    text = str(value).strip()
    return int(text) if text.isdigit() else normalise_text(text)


def _normalise_day(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text[:10] if _ISO_DAY.match(text) else normalise_text(text)


def _cluster_label(value: Any, fallback: Hashable) -> Hashable:
    if value is None or str(value).strip() == "":
        return fallback
    return ("id", str(value).strip())


@dataclass(frozen=True, slots=True)
class _Event:
    cluster: Hashable
    type: str | None
    format: str | None
    ordinal: int | str | None
    city: str | None
    country: str | None
    date_start: str | None
    date_end: str | None
    status: str | None
    participants: frozenset[str]


def _event(raw: Mapping[str, Any], cluster_field: str, fallback: Hashable) -> _Event:
    names = (normalise_text(name) for name in raw.get("participants") or ())
    return _Event(
        cluster=_cluster_label(raw.get(cluster_field), fallback),
        type=normalise_text(raw.get("type")),
        format=normalise_text(raw.get("format")),
        ordinal=_normalise_ordinal(raw.get("ordinal")),
        city=normalise_text(raw.get("city")),
        country=normalise_text(raw.get("country")),
        date_start=_normalise_day(raw.get("date_start")),
        date_end=_normalise_day(raw.get("date_end")),
        status=normalise_text(raw.get("status")),
        participants=frozenset(name for name in names if name),
    )


def _gold_events(doc_id: str, row: Mapping[str, Any]) -> list[_Event]:
    events = row.get("events") or []
    return [_event(raw, "event_key", ("gold", doc_id, n)) for n, raw in enumerate(events)]


def _is_reported(raw: Mapping[str, Any]) -> bool:
    return normalise_text(raw.get("role")) == REPORTED


def _reported_events(doc_id: str, row: Mapping[str, Any] | None) -> list[_Event]:
    events = [raw for raw in (row or {}).get("events") or [] if _is_reported(raw)]
    return [_event(raw, "event_id", ("predicted", doc_id, n)) for n, raw in enumerate(events)]


def participants_f1(gold: Iterable[str], predicted: Iterable[str]) -> float:
    """Set F1 of two participant lists (after normalisation); two empty lists score 1."""
    gold_set = {n for n in map(normalise_text, gold) if n}
    predicted_set = {n for n in map(normalise_text, predicted) if n}
    return _set_f1(frozenset(gold_set), frozenset(predicted_set))


def _set_f1(gold: frozenset[str], predicted: frozenset[str]) -> float:
    if not gold and not predicted:
        return 1.0
    common = len(gold & predicted)
    if common == 0:
        return 0.0
    precision = common / len(predicted)
    recall = common / len(gold)
    return 2 * precision * recall / (precision + recall)


def _jaccard(left: frozenset[str], right: frozenset[str]) -> float:
    if not left and not right:
        return 1.0
    return len(left & right) / len(left | right)


def _similarity(gold: _Event, predicted: _Event) -> float:
    return (
        (gold.type == predicted.type)
        + (gold.format == predicted.format)
        + 0.5 * (gold.ordinal == predicted.ordinal)
        + _jaccard(gold.participants, predicted.participants)
        + (gold.date_start == predicted.date_start)
        + 0.5 * (gold.date_end == predicted.date_end)
    )


def _match(gold: Sequence[_Event], predicted: Sequence[_Event]) -> list[tuple[int, int]]:
    ranked = sorted(
        (-_similarity(g, p), i, j) for i, g in enumerate(gold) for j, p in enumerate(predicted)
    )
    used_gold: set[int] = set()
    used_predicted: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, i, j in ranked:
        if i in used_gold or j in used_predicted:
            continue
        used_gold.add(i)
        used_predicted.add(j)
        pairs.append((i, j))
    return sorted(pairs)


def _field_hits(gold: _Event, predicted: _Event) -> dict[str, bool]:
    return {
        "type": gold.type == predicted.type,
        "format": gold.format == predicted.format and gold.ordinal == predicted.ordinal,
        "city": gold.city == predicted.city,
        "country": gold.country == predicted.country,
        "date": gold.date_start == predicted.date_start and gold.date_end == predicted.date_end,
        "status": gold.status == predicted.status,
    }


def bcubed(items: Sequence[tuple[Hashable, Hashable]]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of items given as (gold cluster, predicted cluster)."""
    if not items:
        return 1.0, 1.0, 1.0
    together = Counter(items)
    gold_size = Counter(gold for gold, _ in items)
    predicted_size = Counter(predicted for _, predicted in items)
    precision = sum(together[item] / predicted_size[item[1]] for item in items) / len(items)
    recall = sum(together[item] / gold_size[item[0]] for item in items) / len(items)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _ratio(part: float, whole: float) -> float:
    return part / whole if whole else 1.0


def _index(rows: Iterable[Mapping[str, Any]], what: str) -> dict[str, Mapping[str, Any]]:
    indexed: dict[str, Mapping[str, Any]] = {}
    for row in rows:
        doc_id = str(row["id"])
        if doc_id in indexed:
            raise ValueError(f"{what}: document id {doc_id!r} appears twice")
        indexed[doc_id] = row
    return indexed


@dataclass(slots=True)
class _Tally:
    documents: int = 0
    gold_positive: int = 0
    predicted_positive: int = 0
    true_positive: int = 0
    gold_events: int = 0
    predicted_events: int = 0
    participants_f1_sum: float = 0.0
    field_hits: Counter[str] = field(default_factory=Counter)
    # One (gold cluster, predicted cluster) item per matched event, for B-cubed.
    items: list[tuple[Hashable, Hashable]] = field(default_factory=list)

    @property
    def matched(self) -> int:
        return len(self.items)

    def add_document(self, gold: Sequence[_Event], predicted: Sequence[_Event]) -> None:
        self.documents += 1
        self.gold_positive += bool(gold)
        self.predicted_positive += bool(predicted)
        self.true_positive += bool(gold) and bool(predicted)
        self.gold_events += len(gold)
        self.predicted_events += len(predicted)
        for i, j in _match(gold, predicted):
            hits = _field_hits(gold[i], predicted[j])
            self.field_hits.update(name for name, hit in hits.items() if hit)
            self.participants_f1_sum += _set_f1(gold[i].participants, predicted[j].participants)
            self.items.append((gold[i].cluster, predicted[j].cluster))


def _tally(
    gold: Iterable[Mapping[str, Any]], predictions: Iterable[Mapping[str, Any]]
) -> tuple[_Tally, int]:
    gold_by_id = _index(gold, "gold")
    predicted_by_id = _index(predictions, "predictions")
    tally = _Tally()
    for doc_id, row in gold_by_id.items():
        tally.add_document(
            _gold_events(doc_id, row), _reported_events(doc_id, predicted_by_id.get(doc_id))
        )
    unscored = len(predicted_by_id.keys() - gold_by_id.keys())
    return tally, unscored


def _alert_metrics(
    items: Sequence[tuple[Hashable, Hashable]], alerts: Iterable[Any]
) -> dict[str, Any]:
    alert_ids = [
        str(alert["event_id"] if isinstance(alert, Mapping) else alert).strip() for alert in alerts
    ]
    gold_of = _majority_gold_cluster(items)
    alerted = set(alert_ids)
    reached = {gold_of[("id", event_id)] for event_id in alerted if ("id", event_id) in gold_of}
    gold_clusters = {gold for gold, _ in items}
    return {
        "alerts": len(alert_ids),
        "alerted_events": len(alerted),
        "alert_precision": _ratio(len(reached), len(alerted)),
        "alert_recall": _ratio(len(reached), len(gold_clusters)),
    }


def _majority_gold_cluster(items: Sequence[tuple[Hashable, Hashable]]) -> dict[Hashable, Hashable]:
    votes: dict[Hashable, Counter[Hashable]] = {}
    for gold, predicted in items:
        votes.setdefault(predicted, Counter())[gold] += 1
    # Ties go to the gold cluster seen first, which keeps the result independent of hashing.
    return {predicted: counter.most_common(1)[0][0] for predicted, counter in votes.items()}


def score(
    gold: list[dict],
    predictions: list[dict],
    alerts: Iterable[Any] | None = None,
) -> dict:
    """Score predictions against gold; see the module docstring for every definition.

    ``alerts`` is the list of event ids (or ``{"event_id": ...}`` rows) that raised a
    ``new_event`` alert; the alert metrics are present only when it is given.
    """
    tally, unscored = _tally(gold, predictions)
    matched = tally.matched
    detection_precision = _ratio(tally.true_positive, tally.predicted_positive)
    detection_recall = _ratio(tally.true_positive, tally.gold_positive)
    bcubed_precision, bcubed_recall, bcubed_f1 = bcubed(tally.items)
    metrics: dict[str, Any] = {
        "documents": tally.documents,
        "gold_positive_documents": tally.gold_positive,
        "predicted_positive_documents": tally.predicted_positive,
        "detection_tp": tally.true_positive,
        "detection_fp": tally.predicted_positive - tally.true_positive,
        "detection_fn": tally.gold_positive - tally.true_positive,
        "detection_precision": detection_precision,
        "detection_recall": detection_recall,
        "detection_f1": _harmonic_mean(detection_precision, detection_recall),
        "gold_events": tally.gold_events,
        "predicted_events": tally.predicted_events,
        "matched_events": matched,
        "event_precision": _ratio(matched, tally.predicted_events),
        "event_recall": _ratio(matched, tally.gold_events),
        "type_accuracy": _ratio(tally.field_hits["type"], matched),
        "format_accuracy": _ratio(tally.field_hits["format"], matched),
        "city_accuracy": _ratio(tally.field_hits["city"], matched),
        "country_accuracy": _ratio(tally.field_hits["country"], matched),
        "date_accuracy": _ratio(tally.field_hits["date"], matched),
        "status_accuracy": _ratio(tally.field_hits["status"], matched),
        "participants_f1": _ratio(tally.participants_f1_sum, matched),
        "bcubed_precision": bcubed_precision,
        "bcubed_recall": bcubed_recall,
        "bcubed_f1": bcubed_f1,
        "unscored_predictions": unscored,
    }
    if alerts is not None:
        metrics.update(_alert_metrics(tally.items, alerts))
    return metrics


def _harmonic_mean(left: float, right: float) -> float:
    return 2 * left * right / (left + right) if left + right else 0.0


def score_by_group(
    gold: list[dict], predictions: list[dict], group_of: Mapping[str, str]
) -> dict[str, dict]:
    """:func:`score` per group of documents (for instance per language); ungrouped: "other"."""
    groups: dict[str, list[dict]] = {}
    for row in gold:
        groups.setdefault(group_of.get(str(row["id"]), "other"), []).append(row)
    return {name: score(rows, predictions) for name, rows in sorted(groups.items())}


def differences(gold: list[dict], predictions: list[dict]) -> list[dict]:
    """Per document, what the predictions got wrong: the material for fixing extraction.

    One entry per document with an error: ``{"id", "missed": [gold events not matched],
    "extra": [reported events not matched], "fields": [{"event_key", "event_id", "field",
    "gold", "predicted"}]}``. Values are shown as given, not normalised.
    """
    predicted_by_id = _index(predictions, "predictions")
    report: list[dict] = []
    for doc_id, row in _index(gold, "gold").items():
        entry = _document_differences(doc_id, row, predicted_by_id.get(doc_id))
        if entry["missed"] or entry["extra"] or entry["fields"]:
            report.append(entry)
    return report


# Fields scored together are shown together.
_SHOWN_TOGETHER = {"format": ("format", "ordinal"), "date": ("date_start", "date_end")}


def _shown(raw: Mapping[str, Any], name: str) -> Any:
    keys = _SHOWN_TOGETHER.get(name)
    return [raw.get(key) for key in keys] if keys else raw.get(name)


def _document_differences(
    doc_id: str, gold_row: Mapping[str, Any], predicted_row: Mapping[str, Any] | None
) -> dict:
    gold_raw = list(gold_row.get("events") or [])
    predicted_raw = [e for e in (predicted_row or {}).get("events") or [] if _is_reported(e)]
    gold = _gold_events(doc_id, gold_row)
    predicted = _reported_events(doc_id, predicted_row)
    pairs = _match(gold, predicted)
    fields: list[dict] = []
    for i, j in pairs:
        hits = _field_hits(gold[i], predicted[j])
        hits["participants"] = gold[i].participants == predicted[j].participants
        fields += [
            {
                "event_key": gold_raw[i].get("event_key"),
                "event_id": predicted_raw[j].get("event_id"),
                "field": name,
                "gold": _shown(gold_raw[i], name),
                "predicted": _shown(predicted_raw[j], name),
            }
            for name, hit in hits.items()
            if not hit
        ]
    matched_gold = {i for i, _ in pairs}
    matched_predicted = {j for _, j in pairs}
    return {
        "id": doc_id,
        "missed": [e for i, e in enumerate(gold_raw) if i not in matched_gold],
        "extra": [e for j, e in enumerate(predicted_raw) if j not in matched_predicted],
        "fields": fields,
    }


def format_report(metrics: dict) -> str:
    """A two-column table of the metrics: known rows in a fixed order, then any others."""
    known = [(key, label) for key, label in _REPORT_ROWS if key in metrics]
    seen = {key for key, _ in known}
    extra = [(key, key.replace("_", " ")) for key in sorted(metrics) if key not in seen]
    rows = [(label, _format_value(metrics[key])) for key, label in known + extra]
    label_width = max((len(label) for label, _ in rows), default=6)
    value_width = max((len(value) for _, value in rows), default=5)
    rule = f"{'-' * label_width}  {'-' * value_width}"
    lines = [f"{'metric':<{label_width}}  {'value':>{value_width}}", rule]
    lines += [f"{label:<{label_width}}  {value:>{value_width}}" for label, value in rows]
    return "\n".join(lines)


def _format_value(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
