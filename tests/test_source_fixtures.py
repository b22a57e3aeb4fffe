"""Every registered source has a recorded fixture folder, and its index still parses as recorded."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import sys
from datetime import datetime
from pathlib import Path

import pytest

from schedules.record_fixtures import RecordingError, expected_items, index_name, record
from schedules.registry import SourceSpec, load_registry
from workers.index import parse_index

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
SPECS = load_registry()


def _imitations():
    spec = importlib.util.spec_from_file_location("source_imitations", FIXTURES / "_imitations.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(sys.modules[spec.name])
    return sys.modules[spec.name]


def _files(spec: SourceSpec) -> dict[str, Path]:
    folder = FIXTURES / spec.key
    return {name: folder / name for name in (index_name(spec), "page.html", "headers.json", "expected.json")}


@pytest.mark.parametrize("spec", SPECS, ids=[spec.key for spec in SPECS])
def test_source_has_fixtures_that_parse_as_expected(spec: SourceSpec) -> None:
    files = _files(spec)
    missing = [name for name, path in files.items() if not path.is_file()]
    assert not missing, (
        f"{spec.key} lacks {', '.join(missing)} in {FIXTURES / spec.key}: "
        "record it (python -m schedules.record_fixtures KEY, or the imitation recorder)"
    )
    meta = json.loads(files["headers.json"].read_text(encoding="utf-8"))
    assert meta["status"] == 200 and meta["headers"], f"{spec.key}: headers.json records no response headers"
    assert b"<" in files["page.html"].read_bytes()[:2048], f"{spec.key}: page.html is not an HTML page"

    items = parse_index(
        spec.kind,
        files[index_name(spec)].read_bytes(),
        meta["url"],
        spec.quirks,
        timezone=spec.timezone,
        now=datetime.fromisoformat(meta["recorded_at"]),
    )
    expected = json.loads(files["expected.json"].read_text(encoding="utf-8"))
    assert expected, f"{spec.key}: the recorded index had no items"
    assert expected_items(items) == expected


def test_no_orphan_fixture_folders() -> None:
    folders = {path.name for path in FIXTURES.iterdir() if path.is_dir() and not path.name.startswith(("_", "."))}
    assert folders <= {spec.key for spec in SPECS}, f"fixtures for unregistered sources: {folders - {s.key for s in SPECS}}"


def test_imitation_fixtures_are_what_the_recorder_writes(tmp_path: Path) -> None:
    """Fixtures are recorded, never edited by hand: re-recording the imitations reproduces them."""
    imitations = _imitations()
    imitated = [
        spec.key for spec in SPECS
        if imitations.IMITATION_HEADER in json.loads((FIXTURES / spec.key / "headers.json").read_text("utf-8"))["headers"]
    ]
    imitations.record_all(tmp_path)
    for key in imitated:
        for stored in (FIXTURES / key).iterdir():
            fresh = tmp_path / key / stored.name
            assert fresh.read_bytes() == stored.read_bytes(), f"{key}/{stored.name} differs from a fresh recording"


def test_recorder_refuses_an_index_that_does_not_answer(tmp_path: Path) -> None:
    imitations = _imitations()
    spec = next(spec for spec in SPECS if spec.key == "tengrinews")
    moved = dataclasses.replace(spec, url="https://tengrinews.kz/no-such.rss")
    with imitations.ImitationSite(
        {(url, None): response for url, response in imitations.outlet_documents(spec).items()}
    ) as site:
        with pytest.raises(RecordingError, match="answered 404"):
            record(moved, site.get, tmp_path)
    assert not (tmp_path / "tengrinews").exists()


def test_recorder_refuses_a_discovered_index_of_another_kind(tmp_path: Path) -> None:
    imitations = _imitations()
    spec = next(spec for spec in SPECS if spec.key == "prosud-kz")
    as_sitemap = dataclasses.replace(spec, kind="sitemap")
    with imitations.ImitationSite(
        {(url, None): response for url, response in imitations.outlet_documents(spec).items()}
    ) as site:
        with pytest.raises(RecordingError, match="found a rss index, the registry says sitemap"):
            record(as_sitemap, site.get, tmp_path)
