"""What a process needs to run the stages: settings, the database engine, alert rules, a clock.

One ``Runtime`` per process (a worker process, the embedded runner, a test), passed
explicitly to every stage: no module-level pools or connections.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from sqlalchemy.engine import Engine

from storage.db import make_engine, migrate
from summitwatch import metrics
from summitwatch.settings import Settings, get_settings


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    env: Mapping[str, str]
    clock: Callable[[], datetime] = utc_now
    # Fetchers keep their HTTP connection pools and robots.txt caches for the process's life.
    _fetchers: dict[Any, Any] = field(default_factory=dict, repr=False)
    # Per-stage wall times in milliseconds, for benchmarks and metrics.
    stage_ms: dict[str, list[float]] = field(default_factory=dict, repr=False)
    _rules: Any = field(default=None, repr=False)

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            elapsed_ms = (time.perf_counter() - started) * 1000.0
            self.stage_ms.setdefault(stage, []).append(elapsed_ms)
            metrics.observe_stage(stage, elapsed_ms)

    def fetcher(self, quirks: Mapping[str, Any]):
        from workers.fetch import Fetcher, FetchPolicy

        policy = FetchPolicy.from_settings_and_quirks(self.settings, dict(quirks))
        fetcher = self._fetchers.get(policy)
        if fetcher is None:
            fetcher = self._fetchers[policy] = Fetcher(policy)
        return fetcher

    def alert_rules(self):
        """The rules file, read once per runtime (a changed file takes effect on restart)."""
        if self._rules is None:
            from workers.alerts import load_rules

            self._rules = load_rules(self.settings.alert_rules_file, env=self.env)
        return self._rules

    def close(self) -> None:
        for fetcher in self._fetchers.values():
            fetcher.close()
        self._fetchers.clear()
        self.engine.dispose()


def build_runtime(settings: Settings | None = None, *, migrate_schema: bool = True,
                  clock: Callable[[], datetime] = utc_now) -> Runtime:
    settings = settings or get_settings()
    engine = make_engine(settings.effective_database_url)
    if migrate_schema:
        migrate(engine)
    return Runtime(settings=settings, engine=engine, env=dict(os.environ), clock=clock)


@lru_cache(maxsize=1)
def process_runtime() -> Runtime:
    """The worker process's runtime, built on first use after the fork."""
    return build_runtime(migrate_schema=False)
