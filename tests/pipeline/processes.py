"""Start the project's own entry commands as real processes (the ones the image runs)."""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

from bench.processes import BIN, service, stop  # noqa: F401 (re-exported for the tests)

ROOT = Path(__file__).resolve().parents[2]


def service_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUMMITWATCH_") and k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(values)
    env.setdefault("SUMMITWATCH_LOG_FORMAT", "json")
    return env


def running(args: list[str], env: dict[str, str], log_path: Path):
    """Run ``summitwatch ARGS`` until the block ends; its output goes to ``log_path``."""
    return service(args, env, log_path, cwd=ROOT)


WORKER_READY = r"celery@\S+ ready\."


def wait_for_log(log_path: Path, pattern: str, timeout_s: float = 120.0) -> None:
    """Wait for a line matching the regular expression ``pattern`` in the process's log."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if log_path.exists() and re.search(pattern, log_path.read_text(errors="replace")):
            return
        time.sleep(0.2)
    raise TimeoutError(f"{pattern!r} not in {log_path} after {timeout_s} s:\n{log_path.read_text(errors='replace')[-3000:]}")


def summitwatch(args: list[str], env: dict[str, str], timeout_s: float = 300.0) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "summitwatch"), *args], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout_s, stdin=subprocess.DEVNULL)


def send_task(redis_url: str, name: str, *args, queue: str = "fetch") -> None:
    """Enqueue a task by name on the given broker (a client of its own, like beat)."""
    from celery import Celery

    client = Celery("summitwatch-test-client", broker=redis_url)
    try:
        # A tick that waited longer than a tick interval is stale: the next one replaces it.
        client.send_task(name, args=list(args), queue=queue, expires=5)
    finally:
        client.close()
