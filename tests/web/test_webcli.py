"""`summitwatch web` as a real process: serving, the demo's check when not on a terminal, and
the demo serving until Ctrl-C on a terminal."""

from __future__ import annotations

import os
import pty
import re
import signal
import sqlite3
import subprocess
import time

import httpx
import pytest

from summitwatch.webcli import dashboard_url
from tests.conftest import free_port
from tests.pipeline.processes import BIN, ROOT, running, service_env, summitwatch

URL = re.compile(r"SummitWatch dashboard: (http://\S+)")


@pytest.mark.parametrize("host,port,url", [
    ("127.0.0.1", 8000, "http://127.0.0.1:8000/"),
    ("0.0.0.0", 8080, "http://127.0.0.1:8080/"),
    ("::", 8000, "http://[::1]:8000/"),
    ("::1", 9000, "http://[::1]:9000/"),
    ("dashboard.internal", 80, "http://dashboard.internal:80/"),
])
def test_dashboard_url(host, port, url):
    assert dashboard_url(host, port) == url


def test_demo_off_a_terminal_checks_health_and_exits(tmp_path):
    env = service_env(SUMMITWATCH_DATA_DIR=str(tmp_path))
    result = summitwatch(["web", "--demo", "--port", "0"], env, timeout_s=120)
    assert result.returncode == 0, result.stderr[-3000:]
    [url] = URL.findall(result.stdout)
    assert url.startswith("http://127.0.0.1:") and not url.endswith(":0/")
    assert "healthz answered 200" in result.stdout
    with sqlite3.connect(tmp_path / "summitwatch.db") as db:  # the embedded database was migrated
        assert db.execute("SELECT COUNT(*) FROM event").fetchone() == (0,)


def test_web_serves_until_stopped(tmp_path):
    port = free_port()
    env = service_env(SUMMITWATCH_DATA_DIR=str(tmp_path))
    with running(["web", "--port", str(port)], env, tmp_path / "web.log") as process:
        page = _first_answer(f"http://127.0.0.1:{port}/", process)
        assert page.status_code == 200 and "Diplomatic events" in page.text
        assert httpx.get(f"http://127.0.0.1:{port}/api/events").json()["total"] == 0
        process.send_signal(signal.SIGTERM)
        # uvicorn shuts down, then re-raises the signal so a supervisor sees why it ended.
        assert process.wait(timeout=20) in (0, -signal.SIGTERM)


def test_demo_on_a_terminal_serves_until_ctrl_c(tmp_path):
    env = service_env(SUMMITWATCH_DATA_DIR=str(tmp_path))
    leader, follower = pty.openpty()
    process = subprocess.Popen([str(BIN / "summitwatch"), "web", "--demo", "--port", "0"], env=env, cwd=ROOT,
                               stdout=follower, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    os.close(follower)
    try:
        url = _read_url(leader)
        assert httpx.get(f"{url}healthz").status_code == 200
        assert process.poll() is None, "on a terminal the demo keeps serving"
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(leader)


def _read_url(fd: int, timeout_s: float = 60.0) -> str:
    seen = b""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        seen += os.read(fd, 1024)
        found = URL.search(seen.decode(errors="replace"))
        if found:
            return found.group(1)
    raise AssertionError(f"no dashboard URL on the terminal: {seen!r}")


def _first_answer(url: str, process: subprocess.Popen, timeout_s: float = 60.0) -> httpx.Response:
    deadline = time.monotonic() + timeout_s
    while True:
        assert process.poll() is None, "the web process died"
        try:
            return httpx.get(url, timeout=5)
        except httpx.TransportError:
            assert time.monotonic() < deadline, f"{url} never answered"
            time.sleep(0.1)
