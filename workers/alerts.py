"""Alert planning and rendering: which alerts an event change raises, and what they say.

Pure: no database, no network. ``plan_alerts`` turns one ``EventChange`` (and the event's read
model, the ``view``) into outbox drafts; ``render_message`` turns a stored draft into text.

Decisions that keep alerts trustworthy:

- An event whose role is ``mentioned`` (a sidebar item, reported future plans, a past summit
  named in passing) never alerts, whatever the rule says.
- ``new_event`` is planned on every change of a ``reported`` event that passes the rule, not
  only when the event is created. Its dedup key has the constant version ``1``, so the outbox
  keeps exactly one per event and channel; planning it again is free, and it covers an event
  first seen in passing that an article later reports as its own, and an event that reaches
  the rule's ``min_independent_sources`` only with its second outlet.
- The dedup key is ``{event_id}:{kind}:{channel}:{version}``. The version is what makes a
  repeat material: the new status for ``status_changed``, a hash of the new facts for
  ``new_facts`` and ``conflict``, the new article for ``coverage_digest``. Re-running an
  article, re-dating or editing its feed item, or a retried task plans the same keys again,
  and the outbox inserts nothing.
- Channel names are derived from the URL they stand for (``json-3f2a1b``) so they are stable,
  carry no secret, and each URL is retried on its own: a failing webhook never holds back
  the e-mail.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import yaml

from workers.records import EVENT_TYPES, TYPE_LABELS, EventChange

KINDS = ("new_event", "status_changed", "new_facts", "conflict", "coverage_digest")
DEFAULT_RULES_FILE = Path(__file__).resolve().parent.parent / "schedules" / "alert_rules.yaml"
ALERT_URLS_VARIABLE = "SUMMITWATCH_ALERT_URLS"
RULES_FILE_VARIABLE = "SUMMITWATCH_ALERT_RULES"
LOG_CHANNEL = "log"
CENTRAL_ASIAN_HEADS_OF_STATE = "central_asian_heads_of_state"
CENTRAL_ASIA = frozenset({"KZ", "UZ", "KG", "TJ", "TM"})
MAX_SOURCES_SHOWN = 5

TITLE_PREFIXES = {
    "new_event": "New event",
    "status_changed": "Status changed",
    "new_facts": "New facts",
    "conflict": "Sources disagree",
    "coverage_digest": "New coverage",
}


# --- rules ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time
    timezone: str

    def to_json(self) -> dict[str, str]:
        return {"start": self.start.strftime("%H:%M"), "end": self.end.strftime("%H:%M"), "timezone": self.timezone}


@dataclass(frozen=True)
class Digest:
    window_s: int


@dataclass(frozen=True)
class Rule:
    """One alert rule. An empty filter tuple means "any"."""

    name: str
    event_types: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    leaders: tuple[str, ...] = ()
    countries_of_leaders: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    min_independent_sources: int = 1
    kinds: tuple[str, ...] = ("new_event", "status_changed")
    channels: tuple[str, ...] = ("default",)
    quiet_hours: QuietHours | None = None
    digest: Digest | None = None


class RulesError(ValueError):
    """The rules file is wrong: raised at load time, never while planning."""


_RULE_FIELDS = frozenset(Rule.__dataclass_fields__)


def load_rules(path: Path | None = None, *, env: Mapping[str, str] | None = None) -> list[Rule]:
    """Read the rules file: ``path``, else ``SUMMITWATCH_ALERT_RULES``, else the bundled default."""
    env = env if env is not None else {}
    path = Path(path or env.get(RULES_FILE_VARIABLE) or DEFAULT_RULES_FILE)
    return list(_rules_from_text(path.read_text(encoding="utf-8"), str(path)))


@lru_cache(maxsize=16)
def _rules_from_text(text: str, origin: str) -> tuple[Rule, ...]:
    data = yaml.safe_load(text) or {}
    entries = data.get("rules") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise RulesError(f"{origin}: expected a top-level `rules:` list")
    rules = [parse_rule(entry, origin) for entry in entries]
    names = [rule.name for rule in rules]
    if len(set(names)) != len(names):
        raise RulesError(f"{origin}: rule names must be unique, got {names}")
    return tuple(rules)


def parse_rule(entry: Any, origin: str = "rules") -> Rule:
    if not isinstance(entry, dict) or not entry.get("name"):
        raise RulesError(f"{origin}: every rule is a mapping with a `name`")
    name = str(entry["name"])
    unknown = sorted(set(entry) - _RULE_FIELDS)
    if unknown:
        raise RulesError(f"{origin}: rule {name!r} has unknown fields {unknown}")
    kinds = _names(entry.get("kinds", Rule.kinds))
    _check_known(kinds, KINDS, f"{origin}: rule {name!r} kinds")
    event_types = _names(entry.get("event_types"))
    _check_known(event_types, EVENT_TYPES, f"{origin}: rule {name!r} event_types")
    channels = _names(entry.get("channels", Rule.channels))
    if not channels:
        raise RulesError(f"{origin}: rule {name!r} needs at least one channel")
    return Rule(
        name=name,
        event_types=event_types,
        countries=tuple(c.upper() for c in _names(entry.get("countries"))),
        leaders=_names(entry.get("leaders")),
        countries_of_leaders=tuple(c.upper() for c in _names(entry.get("countries_of_leaders"))),
        formats=_names(entry.get("formats")),
        languages=tuple(lang.lower() for lang in _names(entry.get("languages"))),
        min_independent_sources=int(entry.get("min_independent_sources") or 0),
        kinds=kinds,
        channels=channels,
        quiet_hours=_quiet_hours(entry.get("quiet_hours"), name, origin),
        digest=_digest(entry.get("digest"), name, origin),
    )


def _names(value: Any) -> tuple[str, ...]:
    if value is None or value == "any":
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value if v != "any")


def _check_known(values: tuple[str, ...], known: Sequence[str], where: str) -> None:
    bad = sorted(set(values) - set(known))
    if bad:
        raise RulesError(f"{where}: unknown {bad}; known: {list(known)}")


def _quiet_hours(value: Any, name: str, origin: str) -> QuietHours | None:
    if not value:
        return None
    try:
        quiet = QuietHours(
            start=time.fromisoformat(str(value["start"])),
            end=time.fromisoformat(str(value["end"])),
            timezone=str(value.get("timezone", "UTC")),
        )
        ZoneInfo(quiet.timezone)
    except (KeyError, TypeError, ValueError) as exc:
        raise RulesError(f"{origin}: rule {name!r} quiet_hours needs start, end (HH:MM) and a timezone: {exc}") from exc
    return quiet


def _digest(value: Any, name: str, origin: str) -> Digest | None:
    if not value:
        return None
    try:
        window_s = int(value["window_s"])
    except (KeyError, TypeError, ValueError) as exc:
        raise RulesError(f"{origin}: rule {name!r} digest needs window_s") from exc
    if window_s <= 0:
        raise RulesError(f"{origin}: rule {name!r} digest window_s must be positive")
    return Digest(window_s=window_s)


# --- channels ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Channel:
    name: str
    urls: tuple[str, ...]  # empty for the log channel


def channels_for(rule: Rule, env: Mapping[str, str]) -> list[Channel]:
    """The rule's channels, one per Apprise URL, named without revealing the URL."""
    channels: dict[str, Channel] = {}
    for entry in rule.channels:
        for channel in _expand(entry, env):
            channels.setdefault(channel.name, channel)
    return list(channels.values())


def resolve_channels(name: str, rules: Sequence[Rule], env: Mapping[str, str]) -> list[Channel]:
    """What ``summitwatch alerts test NAME`` means: a channel entry (``default``, ``log``,
    ``env:VAR``, an Apprise URL) or a channel name stored on an alert (``json-3f2a1b``)."""
    if name in {"default", LOG_CHANNEL} or name.startswith("env:") or "://" in name:
        return _expand(name, env)
    return [c for rule in rules for c in channels_for(rule, env) if c.name == name][:1]


def channel_name(url: str) -> str:
    scheme = re.sub(r"[^a-z0-9]", "", url.split("://", 1)[0].lower()) or "url"
    return f"{scheme}-{hashlib.sha256(url.encode()).hexdigest()[:6]}"


def _expand(entry: str, env: Mapping[str, str]) -> list[Channel]:
    if entry == LOG_CHANNEL:
        return [Channel(LOG_CHANNEL, ())]
    if "://" in entry:
        urls = [entry]
    else:
        variable = ALERT_URLS_VARIABLE if entry == "default" else entry.removeprefix("env:")
        urls = (env.get(variable) or "").split()
    # Unconfigured channels still leave a trace in the log rather than dropping the alert.
    return [Channel(channel_name(url), (url,)) for url in urls] or [Channel(LOG_CHANNEL, ())]


# --- who is who ----------------------------------------------------------------------------

class People(Protocol):
    def person_country(self, person_id: str) -> str | None: ...

    def is_central_asian_leader(self, person_id: str) -> bool: ...


class LexiconPeople:
    """The lexicon's view of participants, imported on first use (the lexicon is large)."""

    def person_country(self, person_id: str) -> str | None:
        return _lexicon_function("person_country")(person_id)

    def is_central_asian_leader(self, person_id: str) -> bool:
        lexicon = _lexicon()
        if hasattr(lexicon, "is_central_asian_leader"):
            return bool(lexicon.is_central_asian_leader(person_id))
        return self.person_country(person_id) in CENTRAL_ASIA


def _lexicon() -> Any:
    from workers.extract import lexicon

    return lexicon


def _lexicon_function(name: str) -> Any:
    function = getattr(_lexicon(), name, None)
    if function is None:
        # A leader rule that silently matched nobody would drop every alert: fail loudly.
        raise RulesError(f"the lexicon has no {name}(); rules on leaders cannot be evaluated")
    return function


# --- matching ------------------------------------------------------------------------------

def rule_matches(rule: Rule, view: Mapping[str, Any], people: People) -> bool:
    return (
        _any_of(rule.event_types, [view.get("type")])
        and _any_of(rule.countries, view.get("country_ids") or [])
        and _format_matches(rule, view)
        and _language_matches(rule, view.get("languages") or [])
        and _leader_matches(rule, view.get("participant_ids") or [], people)
        and int(view.get("independent_source_count") or 0) >= rule.min_independent_sources
    )


def _any_of(wanted: tuple[str, ...], present: Sequence[Any]) -> bool:
    return not wanted or any(value in wanted for value in present)


def _format_matches(rule: Rule, view: Mapping[str, Any]) -> bool:
    if not rule.formats:
        return True
    present = {str(v).casefold() for v in (view.get("format_id"), view.get("format")) if v}
    return any(f.casefold() in present for f in rule.formats)


def _language_matches(rule: Rule, languages: Sequence[str]) -> bool:
    # "uz" matches "uz-Cyrl" and "uz-Latn": rules name languages, coverage also records scripts.
    present = {lang.lower() for lang in languages} | {lang.split("-")[0].lower() for lang in languages}
    return not rule.languages or bool(present & set(rule.languages))


def _leader_matches(rule: Rule, participant_ids: Sequence[str], people: People) -> bool:
    if not rule.leaders and not rule.countries_of_leaders:
        return True
    return any(_leader_is_wanted(rule, pid, people) for pid in participant_ids)


def _leader_is_wanted(rule: Rule, person_id: str, people: People) -> bool:
    if person_id in rule.leaders:
        return True
    if CENTRAL_ASIAN_HEADS_OF_STATE in rule.leaders and people.is_central_asian_leader(person_id):
        return True
    return bool(rule.countries_of_leaders) and people.person_country(person_id) in rule.countries_of_leaders


# --- planning ------------------------------------------------------------------------------

@dataclass
class AlertDraft:
    event_id: int
    kind: str
    rule: str
    channel: str
    content_version: int
    dedup_key: str
    payload: dict = field(default_factory=dict)


def plan_alerts(change: EventChange, view: dict, rules: Sequence[Rule], env: Mapping[str, str],
                *, people: People | None = None) -> list[AlertDraft]:
    """The outbox drafts one event change raises, at most one per dedup key."""
    if change.role != "reported" or view.get("role", "reported") != "reported":
        return []
    people = people or LexiconPeople()
    drafts: dict[str, AlertDraft] = {}
    for rule in rules:
        if not rule_matches(rule, view, people):
            continue
        for kind, version, changes in _kinds_for(rule, change, view):
            for channel in channels_for(rule, env):
                key = dedup_key(change.event_id, kind, channel.name, version)
                if key not in drafts:
                    drafts[key] = AlertDraft(
                        event_id=change.event_id,
                        kind=kind,
                        rule=rule.name,
                        channel=channel.name,
                        content_version=change.content_version,
                        dedup_key=key,
                        payload=_payload(rule, kind, key, view, changes),
                    )
    return list(drafts.values())


def dedup_key(event_id: int, kind: str, channel: str, version: str) -> str:
    return f"{event_id}:{kind}:{channel}:{version}"


def _kinds_for(rule: Rule, change: EventChange, view: Mapping[str, Any]) -> list[tuple[str, str, dict]]:
    planned = []
    if "new_event" in rule.kinds:
        planned.append(("new_event", "1", {}))
    if ("status_changed" in rule.kinds and not change.created and change.status_before
            and change.status_before != change.status_after):
        changes = {"status_before": change.status_before, "status_after": change.status_after}
        planned.append(("status_changed", change.status_after, changes))
    if "new_facts" in rule.kinds and not change.created and (change.new_documents or change.new_claims):
        changes = {"documents": list(change.new_documents), "claims": list(change.new_claims)}
        planned.append(("new_facts", _facts_hash(change.new_documents, change.new_claims), changes))
    if "conflict" in rule.kinds and change.new_conflicts:
        planned.append(("conflict", _facts_hash(change.new_conflicts), {"conflicts": list(change.new_conflicts)}))
    if rule.digest is not None and change.coverage_added and not change.created:
        entry = _new_coverage(change, view)
        if entry is not None:
            article = entry.get("article_id")
            version = f"a{article}" if article is not None else _facts_hash([entry.get("url")])
            planned.append(("coverage_digest", version, {"coverage": entry}))
    return planned


def _facts_hash(*groups: Sequence[Any]) -> str:
    facts = sorted({str(item) for group in groups for item in group})
    return hashlib.sha1(json.dumps(facts, ensure_ascii=False).encode()).hexdigest()[:12]


def _new_coverage(change: EventChange, view: Mapping[str, Any]) -> dict | None:
    """The coverage entry this change added: the change's article when it names one, else the
    most recently stored article."""
    coverage = list(view.get("coverage") or [])
    if not coverage:
        return None
    article_id = getattr(change, "article_id", None)
    if article_id is not None:
        for entry in coverage:
            if entry.get("article_id") == article_id:
                return _coverage_entry(entry)
    return _coverage_entry(max(coverage, key=lambda e: (e.get("article_id") or 0, e.get("published_at") or "")))


def _payload(rule: Rule, kind: str, key: str, view: Mapping[str, Any], changes: dict) -> dict:
    payload: dict[str, Any] = {"alert_key": key, "kind": kind, "rule": rule.name, "view": snapshot(view),
                               "changes": changes}
    if rule.quiet_hours is not None:
        payload["quiet_hours"] = rule.quiet_hours.to_json()
    if kind == "coverage_digest" and rule.digest is not None:
        payload["digest_window_s"] = rule.digest.window_s
    return payload


_SNAPSHOT_KEYS = ("id", "title", "type", "format", "ordinal", "city", "country", "country_ids", "date_start",
                  "date_end", "status", "participants", "participant_ids", "article_count",
                  "independent_source_count", "languages", "documents", "content_version")


def snapshot(view: Mapping[str, Any]) -> dict[str, Any]:
    """What a message needs, frozen at planning time so delivery needs no database reads."""
    data = {key: view.get(key) for key in _SNAPSHOT_KEYS if key in view}
    coverage = list(view.get("coverage") or [])
    data["coverage"] = [_coverage_entry(entry) for entry in coverage[:MAX_SOURCES_SHOWN]]
    data["coverage_total"] = len(coverage)
    data["conflicts"] = [
        {"measure": c.get("measure"), "values": [_conflict_value(v) for v in c.get("values") or []]}
        for c in view.get("conflicts") or []
    ]
    return data


def _coverage_entry(entry: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("article_id", "source", "source_name", "url", "language", "published_at", "title")
    return {key: entry.get(key) for key in keys if entry.get(key) is not None}


def _conflict_value(value: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("value", "unit", "currency", "qualifier", "count", "source", "url")
    return {key: value.get(key) for key in keys if value.get(key) is not None}


# --- quiet hours and digest windows ----------------------------------------------------------

def quiet_until(quiet: QuietHours | Mapping[str, str] | None, now: datetime) -> datetime | None:
    """When ``now`` falls in the quiet period: the moment it ends (UTC); otherwise None."""
    if quiet is None:
        return None
    if not isinstance(quiet, QuietHours):
        quiet = QuietHours(time.fromisoformat(quiet["start"]), time.fromisoformat(quiet["end"]),
                           quiet.get("timezone", "UTC"))
    if quiet.start == quiet.end:
        return None
    zone = ZoneInfo(quiet.timezone)
    local = now.astimezone(zone)
    clock = local.time().replace(tzinfo=None)
    overnight = quiet.start > quiet.end
    inside = (clock >= quiet.start or clock < quiet.end) if overnight else quiet.start <= clock < quiet.end
    if not inside:
        return None
    end_day = local.date() + timedelta(days=1) if overnight and clock >= quiet.start else local.date()
    return datetime.combine(end_day, quiet.end, tzinfo=zone).astimezone(timezone.utc)


def digest_window_end(now: datetime, window_s: int) -> datetime:
    """The end of the window ``now`` falls in; windows are aligned on the epoch, so every
    worker puts an update in the same window."""
    stamp = now.timestamp()
    end = (int(stamp) // window_s + 1) * window_s
    return now + timedelta(seconds=end - stamp)


# --- rendering -----------------------------------------------------------------------------

def render_message(view: dict, kind: str, payload: dict) -> tuple[str, str]:
    """Title and body of one alert. The body is Markdown that reads as plain text: fields end
    in a hard line break, lists stand in paragraphs of their own."""
    changes = payload.get("changes") or {}
    title = f"{TITLE_PREFIXES.get(kind, kind)}: {view.get('title') or 'event'}"
    if kind == "status_changed":
        title += f" ({changes.get('status_before')} → {changes.get('status_after')})"
    blocks = [*_what_changed(kind, changes, view), _fields(_event_lines(view)), *_source_blocks(view)]
    return title, "\n\n".join(b for b in blocks if b) + "\n"


def render_digest(payloads: Sequence[Mapping[str, Any]]) -> tuple[str, str]:
    """One message for the coverage updates of one channel's digest window."""
    by_event: dict[Any, list[Mapping[str, Any]]] = {}
    for payload in payloads:
        by_event.setdefault((payload.get("view") or {}).get("id"), []).append(payload)
    articles = 0
    blocks = []
    for items in by_event.values():
        view = items[-1].get("view") or {}
        entries = _unique_entries([(p.get("changes") or {}).get("coverage") or {} for p in items])
        articles += len(entries)
        blocks += [f"## {view.get('title') or 'event'}", _fields(_summary_lines(view)),
                   "\n".join(_coverage_line(entry) for entry in entries)]
    events = len(by_event)
    title = f"New coverage: {_count(articles, 'article')} on {_count(events, 'event')}"
    return title, "\n\n".join(b for b in blocks if b) + "\n"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _fields(lines: Sequence[str]) -> str:
    return "  \n".join(lines)


def _unique_entries(entries: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    seen, unique = set(), []
    for entry in entries:
        marker = entry.get("url") or entry.get("article_id")
        if entry and marker not in seen:
            seen.add(marker)
            unique.append(entry)
    return unique


def _what_changed(kind: str, changes: Mapping[str, Any], view: Mapping[str, Any]) -> list[str]:
    """The message's opening: a sentence, and the list of what is new when there is one."""
    if kind == "new_event":
        return ["A new event appeared in the coverage."]
    if kind == "status_changed":
        return [f"Status: {changes.get('status_before')} → {changes.get('status_after')}."]
    if kind == "new_facts":
        items = [f"- document: {title}" for title in changes.get("documents") or []]
        items += [f"- figure: {claim}" for claim in changes.get("claims") or []]
        return ["New facts:", "\n".join(items)]
    if kind == "conflict":
        return ["Sources disagree:", "\n".join(_conflict_line(c) for c in view.get("conflicts") or [])]
    if kind == "coverage_digest":
        return ["New coverage:", _coverage_line(changes.get("coverage") or {})]
    return []


def _event_lines(view: Mapping[str, Any]) -> list[str]:
    lines = [f"Type: {_type_line(view)}"]
    lines += _summary_lines(view)
    documents = view.get("documents") or []
    if documents:
        lines.append(f"Documents: {len(documents)} signed or adopted")
    return lines


def _summary_lines(view: Mapping[str, Any]) -> list[str]:
    lines = []
    place = ", ".join(str(p) for p in (view.get("city"), view.get("country")) if p)
    if place:
        lines.append(f"Place: {place}")
    lines.append(f"Dates: {_dates(view.get('date_start'), view.get('date_end'))}")
    if view.get("status"):
        lines.append(f"Status: {view['status']}")
    participants = [str(p) for p in view.get("participants") or [] if p]
    if participants:
        lines.append(f"Participants: {', '.join(participants)}")
    return lines


def _type_line(view: Mapping[str, Any]) -> str:
    label = TYPE_LABELS.get(view.get("type") or "", view.get("type") or "event")
    if view.get("format"):
        ordinal = f"{_ordinal(view['ordinal'])} " if view.get("ordinal") else ""
        return f"{label} — {ordinal}{view['format']}"
    return label


def _dates(start: str | None, end: str | None) -> str:
    if not start:
        return "not stated"
    return start if not end or end == start else f"{start} – {end}"


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _source_blocks(view: Mapping[str, Any]) -> list[str]:
    coverage = list(view.get("coverage") or [])
    shown = coverage[:MAX_SOURCES_SHOWN]
    total = view.get("coverage_total", len(coverage))
    languages = ", ".join(view.get("languages") or []) or "unknown"
    independent = view.get("independent_source_count")
    head = f"Sources: {_count(total, 'article')}"
    if independent is not None:
        head += f" from {independent} independent outlet{'' if independent == 1 else 's'}"
    items = [_coverage_line(entry) for entry in shown]
    if total > len(shown):
        items.append(f"- … and {total - len(shown)} more")
    return [f"{head}; languages: {languages}", "\n".join(items)]


def _coverage_line(entry: Mapping[str, Any]) -> str:
    source = entry.get("source_name") or entry.get("source") or "source"
    details = ", ".join(str(x) for x in (entry.get("language"), (entry.get("published_at") or "")[:10]) if x)
    title = entry.get("title") or entry.get("url") or ""
    line = f"- {source}" + (f" [{details}]" if details else "") + f": {title}"
    # <url> is a link in Markdown and still reads as the bare address in plain text.
    return f"{line} — <{entry['url']}>" if entry.get("url") and title != entry.get("url") else line


def _conflict_line(conflict: Mapping[str, Any]) -> str:
    values = "; ".join(
        f"{format_figure(v.get('value'), v.get('unit'), v.get('currency'), v.get('count'))}"
        f" ({v.get('source') or 'source'})"
        for v in conflict.get("values") or []
    )
    return f"- {conflict.get('measure') or 'figure'}: {values}"


_SCALES: tuple[tuple[float, str], ...] = ((1e9, "bn"), (1e6, "mln"), (1e3, "thousand"))
_CURRENCY_SIGNS = {"USD": "$", "EUR": "€"}


def format_figure(value: Any, unit: str | None, currency: str | None = None, count: int | None = None) -> str:
    """1.3e9 USD -> "$1.3 bn"; 15000 count -> "15,000"."""
    if not isinstance(value, (int, float)):
        return str(value)
    currency = currency or (unit if unit and unit.isupper() and len(unit) == 3 else None)
    if currency:
        text = _scaled(value)
        sign = _CURRENCY_SIGNS.get(currency)
        text = f"{sign}{text}" if sign else f"{text} {currency}"
    elif unit == "percent":
        text = f"{value:g} %"
    else:
        text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"
        if unit and unit != "count":
            text += f" {unit}"
    return f"{text} ({count} items)" if count else text


def _scaled(value: float) -> str:
    for factor, name in _SCALES:
        if abs(value) >= factor:
            return f"{value / factor:.3g} {name}"
    return f"{value:,.0f}"

