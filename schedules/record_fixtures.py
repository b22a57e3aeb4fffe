"""Record a source's fixture folder: its index, one article page, the index's response
headers and the expected parse. Fixtures are recorded, never written by hand.

    python -m schedules.record_fixtures [KEY ...] [--out tests/fixtures/sources]

fetches live (from a machine that reaches the sites) through the project's fetcher with
each source's own policy (headers, TLS, robots). Tests and local imitations call
``record(spec, get, out_dir)`` with their own ``get``.

Folder layout, ``<out_dir>/<key>/``:
  index.<xml|html|json>  the index body as received (bytes)
  page.html              the first article the index names, as received
  headers.json           {"url", "status", "recorded_at", "page_url", "headers"}
  expected.json          parse_index of the stored index: [{url, guid, title, published_at, language}]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from schedules.registry import SourceSpec, load_registry
from workers.index import SitemapRef, parse_index
from workers.records import FeedItem

# get(url) -> (status, response headers, body as received)
Get = Callable[[str], tuple[int, Mapping[str, str], bytes]]

INDEX_EXTENSIONS = {"rss": "xml", "sitemap": "xml", "html_listing": "html", "json_api": "json"}
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "sources"


class RecordingError(RuntimeError):
    """The source could not be recorded: its index or page did not answer 200, or it is empty."""


def record(spec: SourceSpec, get: Get, out_dir: Path) -> Path:
    """Write the source's fixture folder under ``out_dir`` and return it."""
    index_url = _index_url(spec, get)
    status, headers, body = get(index_url)
    if status != 200:
        raise RecordingError(f"{spec.key}: index {index_url} answered {status}")
    recorded_at = recording_time(headers)
    items = parse_index(spec.kind, body, index_url, spec.quirks, timezone=spec.timezone, now=recorded_at)
    page_url = _first_article(spec, items, get, recorded_at)
    page_status, _, page = get(page_url)
    if page_status != 200:
        raise RecordingError(f"{spec.key}: page {page_url} answered {page_status}")

    folder = Path(out_dir) / spec.key
    folder.mkdir(parents=True, exist_ok=True)
    (folder / index_name(spec)).write_bytes(body)
    (folder / "page.html").write_bytes(page)
    meta = {
        "url": index_url,
        "status": status,
        "recorded_at": recorded_at.isoformat(),
        "page_url": page_url,
        "headers": dict(headers),
    }
    _write_json(folder / "headers.json", meta)
    _write_json(folder / "expected.json", expected_items(items))
    return folder


def index_name(spec: SourceSpec) -> str:
    return f"index.{INDEX_EXTENSIONS[spec.kind]}"


def recording_time(headers: Mapping[str, str]) -> datetime:
    """The server's ``Date`` anchors relative dates ("Сегодня, 11:45"), so a replay parses alike."""
    value = {name.lower(): v for name, v in headers.items()}.get("date")
    if value:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            moment = None
        if moment is not None:
            return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return datetime.now(timezone.utc).replace(microsecond=0)


def expected_items(items: list[FeedItem]) -> list[dict[str, Any]]:
    """The expected parse as JSON; sitemap-index entries are marked, they name sitemaps."""
    rows = []
    for item in items:
        row = {
            "url": item.url,
            "guid": item.guid,
            "title": item.title,
            "published_at": item.published_at.isoformat() if item.published_at else None,
            "language": item.language,
        }
        if isinstance(item, SitemapRef):
            row["sitemap_ref"] = True
        rows.append(row)
    return rows


def _index_url(spec: SourceSpec, get: Get) -> str:
    if not spec.quirks.get("discover_feed"):
        return spec.url
    from workers.discover import discover

    entry = discover(spec.url, lambda url: _as_text_response(get(url)), country=spec.country, timezone=spec.timezone)
    if entry["kind"] != spec.kind:
        raise RecordingError(f"{spec.key}: discovery found a {entry['kind']} index, the registry says {spec.kind}")
    return entry["url"]


def _first_article(spec: SourceSpec, items: list[FeedItem], get: Get, now: datetime) -> str:
    articles = [item for item in items if not isinstance(item, SitemapRef)]
    if not articles:
        # A sitemap index: the article comes from the first sitemap it names.
        for ref in (item for item in items if isinstance(item, SitemapRef)):
            status, _, body = get(ref.url)
            if status == 200:
                nested = parse_index("sitemap", body, ref.url, spec.quirks, timezone=spec.timezone, now=now)
                articles = [item for item in nested if not isinstance(item, SitemapRef)]
                if articles:
                    break
    if not articles:
        raise RecordingError(f"{spec.key}: the index names no article to record")
    return articles[0].url


def _as_text_response(response: tuple[int, Mapping[str, str], bytes]) -> tuple[int, str]:
    status, headers, body = response
    content_type = {name.lower(): v for name, v in headers.items()}.get("content-type", "")
    charset = content_type.partition("charset=")[2].split(";")[0].strip().strip('"') or "utf-8"
    try:
        return status, body.decode(charset, errors="replace")
    except LookupError:
        return status, body.decode("utf-8", errors="replace")


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def live_get(spec: SourceSpec) -> tuple[Get, Callable[[], None]]:
    """A ``get`` through the project's fetcher with the source's own policy, and its closer."""
    from summitwatch.settings import Settings
    from workers.fetch import Fetcher, FetchPolicy

    fetcher = Fetcher(FetchPolicy.from_settings_and_quirks(Settings(), spec.quirks))

    def get(url: str) -> tuple[int, Mapping[str, str], bytes]:
        result = fetcher.fetch(url)
        if result.error:
            raise RecordingError(f"{spec.key}: {url}: {result.error_kind}: {result.error}")
        return result.status_code or 0, dict(result.headers), result.body

    return get, fetcher.close


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("keys", nargs="*", help="source keys (default: every registered source)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--registry", type=Path, default=None)
    args = parser.parse_args(argv)
    specs = [spec for spec in load_registry(args.registry) if not args.keys or spec.key in args.keys]
    failures = 0
    for spec in specs:
        get, close = live_get(spec)
        try:
            print(f"recorded {spec.key} -> {record(spec, get, args.out)}")
        except (RecordingError, ValueError) as error:
            failures += 1
            print(f"FAILED {spec.key}: {error}", file=sys.stderr)
        finally:
            close()
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
