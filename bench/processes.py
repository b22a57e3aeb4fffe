"""The project's own entry commands as real processes: used by the scale simulation and by
the tests that run workers the way the image runs them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

BIN = Path(sys.executable).parent


@contextmanager
def service(args: list[str], env: Mapping[str, str], log_path: Path, *,
            cwd: Path | None = None) -> Iterator[subprocess.Popen]:
    """``summitwatch ARGS`` in a process group of its own, stopped (TERM, then KILL) at the end."""
    with log_path.open("wb") as log:
        process = subprocess.Popen([str(BIN / "summitwatch"), *args], env=dict(env), cwd=cwd, stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            yield process
        finally:
            stop(process)


def stop(process: subprocess.Popen, timeout_s: float = 30.0) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout_s)
