"""The source registry: the shipped file loads, bad entries fail naming themselves, upserts converge."""

from __future__ import annotations

import copy
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml
from sqlmodel import select

from schedules.registry import DEFAULT_QUIRKS, SourceSpec, load_registry, spec_from_dict, upsert_sources, url_host
from storage.db import make_engine, migrate, session_scope
from storage.models import Source

ENTRY = {
    "key": "akorda-ru",
    "name": "Akorda (ru)",
    "kind": "rss",
    "url": "https://www.akorda.kz/ru/rss",
    "homepage": "https://www.akorda.kz",
    "role": "official",
    "country": "KZ",
    "timezone": "Asia/Almaty",
    "languages": ["ru"],
    "poll_interval_s": 900,
    "quirks": {"verify_tls": False, "relative_links": True, "page_has_date": False},
}


def entry(**changes) -> dict:
    data = copy.deepcopy(ENTRY)
    quirks = changes.pop("quirks", None)
    data.update(changes)
    if quirks is not None:
        data["quirks"] = quirks
    return data


def write_registry(path: Path, entries: list[dict]) -> Path:
    path.write_text(yaml.safe_dump({"sources": entries}, allow_unicode=True), encoding="utf-8")
    return path


def test_shipped_registry_loads_with_real_outlets() -> None:
    specs = load_registry()
    assert len(specs) >= 15
    assert len({spec.key for spec in specs}) == len(specs)
    assert {spec.kind for spec in specs} == {"rss", "html_listing", "sitemap", "json_api"}
    assert {spec.country for spec in specs} >= {"KZ", "UZ", "KG", "TJ"}
    by_key = {spec.key: spec for spec in specs}
    akorda = by_key["akorda-ru"]
    assert akorda.quirks["relative_links"] and not akorda.quirks["verify_tls"] and not akorda.quirks["page_has_date"]
    assert by_key["prosud-kz"].quirks["discover_feed"]
    # The same path prefix means different scripts on different sites.
    assert by_key["gazeta-uz-oz"].quirks["url_language"]["/oz/"] == "uz-Latn"
    assert by_key["president-uz-ru"].quirks["url_language"]["/oz/"] == "uz-Latn"
    assert by_key["kazinform"].quirks["url_language"]["/oz/"] == "uz-Cyrl"
    assert by_key["kun-uz"].quirks["url_language"]["/kr/"] == "uz-Cyrl"
    assert by_key["mfa-kz-ru"].quirks["headers"] == {"Accept-Language": "ru"}


def test_spec_fills_quirk_defaults() -> None:
    spec = spec_from_dict(entry(quirks={}))
    assert spec.quirks == dict(DEFAULT_QUIRKS)
    assert spec.languages == ("ru",)
    assert spec.host == "www.akorda.kz"
    assert spec.config() == {"homepage": "https://www.akorda.kz", **DEFAULT_QUIRKS}
    assert spec_from_dict(spec.to_dict()) == spec


def test_url_host_keeps_the_port() -> None:
    assert url_host("http://127.0.0.1:8123/akorda/kz/rss") == "127.0.0.1:8123"
    assert url_host("https://User@WWW.Akorda.KZ/ru/rss") == "www.akorda.kz"


INVALID = {
    "unknown_kind": (entry(kind="atom"), "unknown kind 'atom'"),
    "bad_zone": (entry(timezone="Asia/Astana_City"), "unknown time zone 'Asia/Astana_City'"),
    "offset_instead_of_zone": (entry(timezone="+05:00"), "unknown time zone"),
    "missing_url": ({k: v for k, v in ENTRY.items() if k != "url"}, "missing field"),
    "empty_languages": (entry(languages=[]), "missing field"),
    "relative_url": (entry(url="/ru/rss"), "not an absolute http"),
    "lower_case_country": (entry(country="kz"), "ISO 3166"),
    "unknown_role": (entry(role="state"), "unknown role"),
    "zero_interval": (entry(poll_interval_s=0), "poll_interval_s"),
    "unknown_field": (entry(langauges=["ru"]), "unknown field"),
    "unknown_quirk": (entry(quirks={"verify_ssl": False}), "unknown quirk"),
    "mistyped_quirk": (entry(quirks={"verify_tls": "no"}), "verify_tls must be bool"),
    "url_language_without_slash": (entry(quirks={"url_language": {"oz": "uz-Latn"}}), "path prefixes"),
    "unknown_charset": (entry(quirks={"charset": "cp9999"}), "not a known encoding"),
    "listing_without_item_selector": (entry(kind="html_listing", quirks={"selectors": {"link": "a"}}), "selectors.item"),
    "listing_with_broken_css": (entry(kind="html_listing", quirks={"selectors": {"item": "div[", "link": "a"}}), "not valid CSS"),
    "json_api_without_url": (entry(kind="json_api", quirks={"selectors": {"items": "content"}}), "url_template"),
}


@pytest.mark.parametrize("case", list(INVALID))
def test_invalid_entry_names_itself(case: str) -> None:
    data, message = INVALID[case]
    with pytest.raises(ValueError, match=message) as raised:
        spec_from_dict(data)
    assert "akorda-ru" in str(raised.value)


def test_load_registry_refuses_duplicate_keys(tmp_path: Path) -> None:
    path = write_registry(tmp_path / "sources.yaml", [entry(), entry(name="again")])
    with pytest.raises(ValueError, match=r"'akorda-ru' \(#2\) duplicates the key of #1"):
        load_registry(path)


def test_load_registry_names_the_bad_entry_by_position(tmp_path: Path) -> None:
    path = write_registry(tmp_path / "sources.yaml", [entry(), entry(key="uzdaily-ru", kind="feed")])
    with pytest.raises(ValueError, match=r"source #2 'uzdaily-ru': unknown kind 'feed'"):
        load_registry(path)


def test_load_registry_requires_a_sources_list(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text("- key: x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'sources:' list"):
        load_registry(path)


@pytest.fixture()
def engine(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'registry.db'}")
    migrate(engine)
    yield engine
    engine.dispose()


def rows(engine) -> dict[str, Source]:
    with session_scope(engine) as session:
        return {row.key: row for row in session.exec(select(Source))}


def test_upsert_twice_adds_no_rows_and_keeps_poll_state(engine) -> None:
    specs = load_registry()
    with session_scope(engine) as session:
        assert upsert_sources(session, specs) == (len(specs), 0)

    polled_at = datetime(2025, 11, 15, 12, 0, tzinfo=timezone.utc)
    with session_scope(engine) as session:
        row = session.exec(select(Source).where(Source.key == "akorda-ru")).one()
        row.etag, row.error_count, row.next_poll_at, row.last_outcome = '"abc"', 3, polled_at, "temporary"
        session.add(row)

    with session_scope(engine) as session:
        assert upsert_sources(session, specs) == (0, 0)

    stored = rows(engine)
    assert len(stored) == len(specs)
    akorda = stored["akorda-ru"]
    assert (akorda.etag, akorda.error_count, akorda.last_outcome) == ('"abc"', 3, "temporary")
    assert akorda.next_poll_at.replace(tzinfo=timezone.utc) == polled_at
    assert akorda.host == "www.akorda.kz"
    assert akorda.config["homepage"] == "https://www.akorda.kz" and akorda.config["relative_links"] is True
    assert akorda.languages == ["ru"]


def test_upsert_updates_registry_fields_and_never_deletes(engine) -> None:
    first = [spec_from_dict(entry()), spec_from_dict(entry(key="tengrinews", url="https://tengrinews.kz/news.rss"))]
    with session_scope(engine) as session:
        upsert_sources(session, first)
    with session_scope(engine) as session:
        row = session.exec(select(Source).where(Source.key == "akorda-ru")).one()
        row.etag, row.content_hash, row.error_count = '"old"', "f" * 64, 2
        session.add(row)

    moved = spec_from_dict(entry(url="https://akorda.kz/ru/rss.xml", poll_interval_s=600))
    with session_scope(engine) as session:
        assert upsert_sources(session, [moved]) == (0, 1)

    stored = rows(engine)
    assert set(stored) == {"akorda-ru", "tengrinews"}
    akorda = stored["akorda-ru"]
    assert (akorda.url, akorda.host, akorda.poll_interval_s) == ("https://akorda.kz/ru/rss.xml", "akorda.kz", 600)
    # Validators belonged to the old URL's document; the error history stays.
    assert (akorda.etag, akorda.content_hash, akorda.error_count) == (None, None, 2)


def test_upsert_keeps_what_workers_learnt_until_the_url_moves(engine) -> None:
    prosud = entry(key="prosud-kz", url="https://prosud.kz/", homepage="https://prosud.kz/",
                   quirks={"discover_feed": True})
    with session_scope(engine) as session:
        upsert_sources(session, [spec_from_dict(prosud)])
    with session_scope(engine) as session:
        row = session.exec(select(Source).where(Source.key == "prosud-kz")).one()
        row.config = {**row.config, "feed_url": "https://prosud.kz/rss.xml", "feed_kind": "rss"}
        session.add(row)

    renamed = spec_from_dict({**prosud, "name": "prosud.kz news"})
    with session_scope(engine) as session:
        assert upsert_sources(session, [renamed]) == (0, 1)
    assert rows(engine)["prosud-kz"].config["feed_url"] == "https://prosud.kz/rss.xml"

    moved = spec_from_dict({**prosud, "url": "https://new.prosud.kz/"})
    with session_scope(engine) as session:
        assert upsert_sources(session, [moved]) == (0, 1)
    assert "feed_url" not in rows(engine)["prosud-kz"].config


def test_spec_is_immutable() -> None:
    spec = spec_from_dict(entry())
    with pytest.raises(AttributeError):
        spec.url = "https://elsewhere.kz/"  # type: ignore[misc]
    assert isinstance(spec, SourceSpec)
