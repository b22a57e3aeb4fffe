"""The pipeline benchmark: bare trafilatura vs the whole pipeline on the same pages, stage
times, alert latency to a real local webhook, and peak memory. Prints numbers; asserts none.

The JSON keys are a contract: trafilatura_articles_per_s, pipeline_articles_per_s, ratio,
stages_ms (median and p95 per stage), alert_latency_ms_p50, alert_latency_ms_p95,
worker_peak_rss_mb.
"""

from __future__ import annotations

import json
import platform
import resource
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import trafilatura

from seeds.site import FixtureSite
from storage.db import session_scope
from storage import queries
from summitwatch.replay import register_site, site_settings
from summitwatch.settings import Settings
from workers.embedded import EmbeddedRunner
from workers.runtime import build_runtime


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
