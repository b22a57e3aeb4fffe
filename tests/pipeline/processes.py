"""Start the project's own entry commands as real processes (the ones the image runs)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]


def service_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUMMITWATCH_") and k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(values)
    env.setdefault("SUMMITWATCH_LOG_FORMAT", "json")
    return env


@contextmanager
def running(args: list[str], env: dict[str, str], log_path: Path) -> Iterator[subprocess.Popen]:
    """Run ``summitwatch ARGS`` until the block ends; its output goes to ``log_path``."""
    with log_path.open("wb") as log:
        process = subprocess.Popen([str(BIN / "summitwatch"), *args], env=env, cwd=ROOT, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        try:
            yield process
        finally:
            stop(process)


def stop(process: subprocess.Popen, timeout_s: float = 20.0) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout_s)


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
