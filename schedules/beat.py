"""The beat schedule: one periodic task. The tick dispatches due sources (one query applies
the due time, the per-host limit and the error limit) and re-enqueues work whose message was
lost; it never schedules one task per feed."""

from __future__ import annotations

from typing import Any

from summitwatch.settings import Settings


def beat_schedule(settings: Settings) -> dict[str, dict[str, Any]]:
    return {
        "tick": {
            "task": "workers.tasks.tick",
            "schedule": settings.dispatch_interval_s,
            "options": {"queue": "dispatch", "expires": settings.dispatch_interval_s},
        }
    }
