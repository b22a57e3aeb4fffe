"""The source registry: sources as data (``sources.yaml``), validated and upserted by key.

Every site quirk is a field of the entry, never a branch in code. Loading fails loudly,
naming the entry, on anything the workers could not act on: an unknown kind, a zone that
zoneinfo does not know, a duplicate key, a missing field, an unknown or mistyped quirk.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from sqlmodel import Session, select

from storage.models import Source

DEFAULT_PATH = Path(__file__).with_name("sources.yaml")
KINDS = ("rss", "html_listing", "sitemap", "json_api")
ROLES = ("official", "press")
REQUIRED = ("key", "name", "kind", "url", "homepage", "role", "country", "timezone", "languages", "poll_interval_s")
# Every quirk with its default; an entry may omit any of them, but may not invent new ones.
DEFAULT_QUIRKS: Mapping[str, Any] = {
    "headers": {},
    "verify_tls": True,
    "relative_links": False,
    "discover_feed": False,
    "respect_robots": True,
    "date_format": None,
    "page_has_date": True,
    "url_language": {},
    "selectors": {},
    "charset": None,
    "news_sitemap": False,
}
# Fetch limits a source may override (read by workers.fetch.FetchPolicy); absent by default so
# the project settings apply.
OPTIONAL_QUIRKS: Mapping[str, tuple[type, ...]] = {
    "pagination": (dict,),  # archive paging for backfill: {param, start, step, max_pages} or {next_selector}
    "user_agent": (str,),
    "connect_timeout_s": (int, float),
    "read_timeout_s": (int, float),
    "total_timeout_s": (int, float),
    "max_body_bytes": (int,),
    "max_redirects": (int,),
}
_QUIRK_TYPES: Mapping[str, tuple[type, ...]] = {
    **OPTIONAL_QUIRKS,
    "headers": (dict,),
    "verify_tls": (bool,),
    "relative_links": (bool,),
    "discover_feed": (bool,),
    "respect_robots": (bool,),
    "date_format": (str, type(None)),
    "page_has_date": (bool,),
    "url_language": (dict,),
    "selectors": (dict,),
    "charset": (str, type(None)),
    "news_sitemap": (bool,),
}
# Validators describe one URL's document: they are dropped when the source's URL changes.
_URL_BOUND_STATE = ("etag", "last_modified", "content_hash")


@dataclass(frozen=True)
class SourceSpec:
    key: str
    name: str
    kind: str
    url: str
    homepage: str
    role: str
    country: str
    timezone: str
    languages: tuple[str, ...]
    poll_interval_s: int
    quirks: dict[str, Any] = field(default_factory=lambda: copy.deepcopy(dict(DEFAULT_QUIRKS)))

    @property
    def host(self) -> str:
        return url_host(self.url)

    def config(self) -> dict[str, Any]:
        """The ``Source.config`` column: the quirks plus the homepage."""
        return {"homepage": self.homepage, **copy.deepcopy(self.quirks)}

    def to_dict(self) -> dict[str, Any]:
        """The registry entry as YAML/JSON data (the inverse of ``spec_from_dict``)."""
        return {
            "key": self.key,
            "name": self.name,
            "kind": self.kind,
            "url": self.url,
            "homepage": self.homepage,
            "role": self.role,
            "country": self.country,
            "timezone": self.timezone,
            "languages": list(self.languages),
            "poll_interval_s": self.poll_interval_s,
            "quirks": copy.deepcopy(self.quirks),
        }


def url_host(url: str) -> str:
    """``host[:port]`` of a URL, lower-cased, without user info: the politeness unit."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host


def load_registry(path: Path | None = None) -> list[SourceSpec]:
    """Read and validate the registry file (``schedules/sources.yaml`` by default)."""
    path = Path(path) if path is not None else DEFAULT_PATH
    with path.open(encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    if not isinstance(document, dict) or not isinstance(document.get("sources"), list):
        raise ValueError(f"{path}: expected a mapping with a 'sources:' list")
    specs: list[SourceSpec] = []
    seen: dict[str, int] = {}
    for position, entry in enumerate(document["sources"], start=1):
        if not isinstance(entry, dict):
            raise ValueError(f"{path}: source #{position} is not a mapping")
        spec = _spec_or_error(entry, f"{path}: source #{position}")
        if spec.key in seen:
            raise ValueError(f"{path}: source {spec.key!r} (#{position}) duplicates the key of #{seen[spec.key]}")
        seen[spec.key] = position
        specs.append(spec)
    return specs


def spec_from_dict(d: Mapping[str, Any]) -> SourceSpec:
    """One validated registry entry; a ValueError names the entry and the field at fault."""
    return _spec_or_error(d, "source")


def upsert_sources(session: Session, specs: Iterable[SourceSpec]) -> tuple[int, int]:
    """Insert new sources and refresh registry fields of known ones, by key.

    Never deletes, and keeps each row's poll state (next poll, error count, health, config
    keys the workers added such as a discovered feed URL); the conditional-GET validators are
    dropped only when the URL they belong to changes.
    Returns (inserted, updated), where updated counts rows whose registry fields changed.
    """
    specs = list(specs)
    existing = {
        row.key: row
        for row in session.exec(select(Source).where(Source.key.in_([spec.key for spec in specs])))
    }
    inserted = updated = 0
    for spec in specs:
        values = _row_values(spec)
        row = existing.get(spec.key)
        if row is None:
            session.add(Source(key=spec.key, **values))
            inserted += 1
            continue
        # What the workers learnt about the old URL (a discovered feed) does not carry over.
        kept = _worker_config(row.config) if row.url == spec.url else {}
        values["config"] = {**kept, **values["config"]}
        changed = {name: value for name, value in values.items() if getattr(row, name) != value}
        if not changed:
            continue
        if "url" in changed:
            for name in _URL_BOUND_STATE:
                setattr(row, name, None)
        for name, value in changed.items():
            setattr(row, name, value)
        session.add(row)
        updated += 1
    session.flush()
    return inserted, updated


def _worker_config(config: Mapping[str, Any] | None) -> dict[str, Any]:
    """Keys the workers keep in ``Source.config`` (a discovered feed URL): not registry data."""
    registry_keys = set(DEFAULT_QUIRKS) | set(OPTIONAL_QUIRKS) | {"homepage"}
    return {name: value for name, value in (config or {}).items() if name not in registry_keys}


def _row_values(spec: SourceSpec) -> dict[str, Any]:
    # Registry fields only: poll state (validators, schedule, errors, health) is the workers'.
    values = {
        "name": spec.name,
        "kind": spec.kind,
        "url": spec.url,
        "host": spec.host,
        "role": spec.role,
        "country": spec.country,
        "timezone": spec.timezone,
        "languages": list(spec.languages),
        "config": spec.config(),
        "poll_interval_s": spec.poll_interval_s,
    }
    return values


# --- Validation -------------------------------------------------------------------------------


def _spec_or_error(entry: Mapping[str, Any], where: str) -> SourceSpec:
    label = f"{where} {entry.get('key')!r}" if entry.get("key") else where
    problems = _problems(entry)
    if problems:
        raise ValueError(f"{label}: " + "; ".join(problems))
    quirks = copy.deepcopy(dict(DEFAULT_QUIRKS))
    quirks.update(copy.deepcopy(dict(entry.get("quirks") or {})))
    return SourceSpec(
        key=entry["key"],
        name=entry["name"],
        kind=entry["kind"],
        url=entry["url"],
        homepage=entry["homepage"],
        role=entry["role"],
        country=entry["country"],
        timezone=entry["timezone"],
        languages=tuple(entry["languages"]),
        poll_interval_s=int(entry["poll_interval_s"]),
        quirks=quirks,
    )


def _problems(entry: Mapping[str, Any]) -> list[str]:
    missing = [name for name in REQUIRED if entry.get(name) in (None, "", [])]
    if missing:
        return [f"missing field(s) {', '.join(missing)}"]
    unknown = sorted(set(entry) - set(REQUIRED) - {"quirks"})
    problems = [f"unknown field(s) {', '.join(unknown)}"] if unknown else []
    problems += _field_problems(entry)
    quirks = entry.get("quirks") or {}
    if not isinstance(quirks, dict):
        return problems + ["quirks must be a mapping"]
    return problems + _quirk_problems(entry["kind"], quirks)


def _field_problems(entry: Mapping[str, Any]) -> list[str]:
    problems = []
    if not isinstance(entry["key"], str) or not entry["key"].replace("-", "").replace("_", "").isalnum():
        problems.append(f"key {entry['key']!r} must be letters, digits, '-' or '_'")
    if entry["kind"] not in KINDS:
        problems.append(f"unknown kind {entry['kind']!r} (expected {', '.join(KINDS)})")
    if entry["role"] not in ROLES:
        problems.append(f"unknown role {entry['role']!r} (expected {', '.join(ROLES)})")
    for name in ("url", "homepage"):
        if not _is_http_url(entry[name]):
            problems.append(f"{name} {entry[name]!r} is not an absolute http(s) URL")
    country = entry["country"]
    if not (isinstance(country, str) and len(country) == 2 and country.isalpha() and country.isupper()):
        problems.append(f"country {country!r} must be an ISO 3166 alpha-2 code in upper case")
    if not _is_zone(entry["timezone"]):
        problems.append(f"unknown time zone {entry['timezone']!r} (a zoneinfo name such as Asia/Almaty, never an offset)")
    languages = entry["languages"]
    if not isinstance(languages, list) or not all(isinstance(tag, str) and tag for tag in languages):
        problems.append("languages must be a list of language tags")
    interval = entry["poll_interval_s"]
    if isinstance(interval, bool) or not isinstance(interval, int) or interval < 1:
        problems.append(f"poll_interval_s {interval!r} must be a positive whole number of seconds")
    return problems


def _quirk_problems(kind: str, quirks: Mapping[str, Any]) -> list[str]:
    unknown = sorted(set(quirks) - set(DEFAULT_QUIRKS) - set(OPTIONAL_QUIRKS))
    problems = [f"unknown quirk(s) {', '.join(unknown)}"] if unknown else []
    for name, value in quirks.items():
        expected = _QUIRK_TYPES.get(name)
        if expected and (not isinstance(value, expected) or (isinstance(value, bool) and bool not in expected)):
            problems.append(f"quirk {name} must be {' or '.join(t.__name__ for t in expected)}, not {value!r}")
    if problems:
        return problems
    headers = quirks.get("headers") or {}
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in headers.items()):
        problems.append("quirk headers must map header names to strings")
    url_language = quirks.get("url_language") or {}
    if not all(isinstance(k, str) and k.startswith("/") and isinstance(v, str) for k, v in url_language.items()):
        problems.append("quirk url_language must map path prefixes ('/oz/') to language tags")
    if quirks.get("charset") and not _is_codec(quirks["charset"]):
        problems.append(f"quirk charset {quirks['charset']!r} is not a known encoding")
    if isinstance(quirks.get("pagination"), dict):
        from workers.backfill import pagination_problems  # lazy: it imports the pipeline

        problems += pagination_problems(quirks["pagination"])
    return problems + _selector_problems(kind, quirks.get("selectors") or {})


def _selector_problems(kind: str, selectors: Mapping[str, Any]) -> list[str]:
    if kind == "html_listing":
        if not selectors.get("item"):
            return ["html_listing needs quirks.selectors.item"]
        return [problem for name in ("item", "link", "title", "date", "guid") if (problem := _css_problem(name, selectors.get(name)))]
    if kind == "json_api" and not (selectors.get("url") or selectors.get("url_template")):
        return ["json_api needs quirks.selectors.url or quirks.selectors.url_template"]
    return []


def _css_problem(name: str, selector: Any) -> str | None:
    if selector is None:
        return None
    from cssselect import GenericTranslator, SelectorError

    try:
        GenericTranslator().css_to_xpath(selector)
    except (SelectorError, TypeError) as error:
        return f"selector {name} {selector!r} is not valid CSS: {error}"
    return None


def _is_http_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _is_zone(name: Any) -> bool:
    if not isinstance(name, str) or not name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _is_codec(name: str) -> bool:
    import codecs

    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True
