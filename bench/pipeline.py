"""The pipeline benchmark: bare trafilatura vs the whole pipeline on the same pages, stage
times, alert latency to a real local webhook, and peak memory. Prints numbers; asserts none.

The JSON keys are a contract: trafilatura_articles_per_s, pipeline_articles_per_s, ratio,
stages_ms (median and p95 per stage), alert_latency_ms_p50, alert_latency_ms_p95,
worker_peak_rss_mb, seed_extract_vs_trafilatura (the longest seed's page: trafilatura
cleaning it vs our extraction of its cleaned text, median milliseconds, both started as for
a new page).
"""

from __future__ import annotations

import json
import platform
import resource
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import trafilatura

from seeds.site import FixtureSite, load_manifest
from storage import queries
from storage.db import session_scope
from summitwatch.replay import register_site, site_settings
from summitwatch.settings import Settings
from workers.clean import clean
from workers.embedded import EmbeddedRunner
from workers.extract import extract, forget_texts
from workers.runtime import build_runtime

SEED_RUNS = 51


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _page_urls(site: FixtureSite) -> list[str]:
    entries = [site.manifest_entry(key) for key in site.released_keys()]
    return [site.url(entry["outlet"], entry["url"]) for entry in entries]


def bare_trafilatura(pages: list[str]) -> float:
    started = time.perf_counter()
    for html in pages:
        trafilatura.extract(html)
    return len(pages) / (time.perf_counter() - started)


def whole_pipeline(site: FixtureSite, base: Settings, workdir: Path) -> tuple[float, int, dict[str, list[float]]]:
    settings = site_settings(base.model_copy(update={"database_url": f"sqlite:///{workdir / 'bench.db'}"}), site)
    rt = build_runtime(settings)
    try:
        keys = register_site(rt, site)
        with session_scope(rt.engine) as session:
            queries.make_sources_due(session, rt.clock(), keys)
        runner = EmbeddedRunner(rt)
        started = time.perf_counter()
        stats = runner.run_until_idle()
        elapsed = time.perf_counter() - started
        return stats.articles_processed / elapsed, stats.articles_processed, dict(rt.stage_ms)
    finally:
        rt.close()


def longest_seed_key(site: FixtureSite) -> str:
    entries = load_manifest(site.seeds_dir)
    return max(entries, key=lambda e: (site.seeds_dir / e["file"]).stat().st_size)["key"]


def forget_trafilatura_texts() -> None:
    """Empty trafilatura's caches keyed by a text (a line, an element's text), keeping those
    keyed by a character: run after run on one page, they hold that page's own lines, as
    ours would hold its sentences had ``forget_texts`` not emptied them."""
    from trafilatura import utils

    for name in ("line_processing", "trim"):
        cached = getattr(utils, name, None)
        if hasattr(cached, "cache_clear"):
            cached.cache_clear()


def seed_extract_vs_trafilatura(site: FixtureSite, runs: int = SEED_RUNS) -> dict[str, Any]:
    """The longest seed's page as the fixture site serves it: trafilatura cleaning the page
    vs extracting the events from its cleaned text, each the median of ``runs``.

    Each run starts both tools as for a new page: the caches keyed by a text (ours: language,
    paragraph language, sentence bounds, date scans; trafilatura's: lines and element texts)
    emptied, those keyed by a word, a character or the vocabulary warm, as in a worker that
    has read other articles. trafilatura is also timed with its text caches left holding
    this page from the run before (``trafilatura_warm_ms_median``).
    """
    key = longest_seed_key(site)
    entry = site.manifest_entry(key)
    with httpx.Client() as client:
        page = client.get(site.item_url(key)).text
    doc = clean(page, site.item_url(key), timezone=entry.get("timezone") or "UTC",
                published_at=datetime.fromisoformat(entry["published_at"]))
    extract(doc)  # the lexicon and the compiled patterns load once per process
    trafilatura.extract(page)
    warm_ms, trafilatura_ms, extract_ms = [], [], []
    for _ in range(runs):
        warm_ms.append(_timed(trafilatura.extract, page))
        forget_trafilatura_texts()
        trafilatura_ms.append(_timed(trafilatura.extract, page))
        forget_texts()
        extract_ms.append(_timed(extract, doc))
    traf, warm, ours = (statistics.median(v) for v in (trafilatura_ms, warm_ms, extract_ms))
    return {
        "seed": key,
        "page_bytes": len(page.encode()),
        "text_chars": len(doc.text),
        "runs": runs,
        "trafilatura_ms_median": round(traf, 2),
        "trafilatura_warm_ms_median": round(warm, 2),
        "extract_ms_median": round(ours, 2),
        "ratio": round(ours / traf, 3) if traf else None,
        "ratio_to_warm": round(ours / warm, 3) if warm else None,
    }


def _timed(step: Callable[[Any], Any], argument: Any) -> float:
    started = time.perf_counter()
    step(argument)
    return (time.perf_counter() - started) * 1000.0


class _Receiver(BaseHTTPRequestHandler):
    arrivals: list[tuple[float, bytes]]

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.arrivals.append((time.perf_counter(), body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_args: Any) -> None:
        return


@contextmanager
def webhook_receiver() -> Iterator[tuple[str, list[tuple[float, bytes]]]]:
    arrivals: list[tuple[float, bytes]] = []
    handler = type("Receiver", (_Receiver,), {"arrivals": arrivals})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"json://127.0.0.1:{server.server_address[1]}/hook", arrivals
    finally:
        server.shutdown()
        server.server_close()


def alert_latencies(base: Settings, workdir: Path, runs: int) -> list[float]:
    """From the poll that sees a new item to the alert arriving at a local webhook, per alert."""
    latencies: list[float] = []
    with webhook_receiver() as (hook_url, arrivals):
        for run in range(runs):
            with FixtureSite(ordered=True) as site:
                settings = site_settings(base.model_copy(update={"database_url": f"sqlite:///{workdir / f'latency-{run}.db'}"}), site)
                rt = build_runtime(settings)
                rt.env = {**rt.env, "SUMMITWATCH_ALERT_URLS": hook_url}
                try:
                    keys = register_site(rt, site)
                    runner = EmbeddedRunner(rt)
                    while site.release_next() is not None:
                        with session_scope(rt.engine) as session:
                            queries.make_sources_due(session, rt.clock(), keys)
                        seen = len(arrivals)
                        started = time.perf_counter()
                        runner.run_until_idle()
                        latencies += [(at - started) * 1000.0 for at, _ in arrivals[seen:]]
                finally:
                    rt.close()
    return latencies


def run(corpus_size: int = 500, latency_runs: int = 5) -> dict[str, Any]:
    base = Settings()
    with tempfile.TemporaryDirectory(prefix="summitwatch-bench-") as tmp, FixtureSite(corpus_size=corpus_size) as site:
        workdir = Path(tmp)
        with httpx.Client() as client:
            pages = [client.get(url).text for url in _page_urls(site)]
        trafilatura_rate = bare_trafilatura(pages)
        pipeline_rate, processed, stage_ms = whole_pipeline(site, base, workdir)
        seed_bar = seed_extract_vs_trafilatura(site)
        latencies = alert_latencies(base, workdir, latency_runs)
    return {
        "pages": len(pages),
        "articles_processed": processed,
        "trafilatura_articles_per_s": round(trafilatura_rate, 1),
        "pipeline_articles_per_s": round(pipeline_rate, 1),
        "ratio": round(pipeline_rate / trafilatura_rate, 3) if trafilatura_rate else None,
        "stages_ms": {
            stage: {"median": round(statistics.median(values), 2), "p95": round(percentile(values, 0.95), 2),
                    "count": len(values)}
            for stage, values in sorted(stage_ms.items())
        },
        "seed_extract_vs_trafilatura": seed_bar,
        "alert_latency_ms_p50": round(percentile(latencies, 0.5), 1),
        "alert_latency_ms_p95": round(percentile(latencies, 0.95), 1),
        "alerts_measured": len(latencies),
        # ru_maxrss is in KiB on Linux: the embedded worker is this process.
        "worker_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "machine": {"python": platform.python_version(), "cpus": _cpus(), "platform": platform.platform()},
    }


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
