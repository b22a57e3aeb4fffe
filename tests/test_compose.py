"""docker-compose.yml defines the whole system, and every command it runs is one these tests
start as a real process: `--help` for each, and migrate, sources load, the three workers,
beat, the web app and Flower actually running against the local PostgreSQL and Redis."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest
import yaml
from sqlalchemy import text

from storage.db import make_engine
from summitwatch.settings import Settings
from tests.conftest import ROOT, free_port
from tests.pipeline.processes import BIN, service_env, stop, wait_for_log

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
REQUIRED = {"redis", "postgres", "worker-fetch", "worker-process", "worker-alerts", "beat", "web", "flower"}
APP_SERVICES = sorted(name for name, spec in SERVICES.items() if spec.get("image", "").startswith("summitwatch"))
WORKERS = ["worker-fetch", "worker-process", "worker-alerts"]
ONE_SHOT = ["migrate", "sources"]


def dockerfile_entrypoint() -> list[str]:
    line = next(l for l in (ROOT / "Dockerfile").read_text().splitlines() if l.startswith("ENTRYPOINT"))
    return json.loads(line.removeprefix("ENTRYPOINT"))


def argv(service: str) -> list[str]:
    """What the container runs: its entrypoint (the image's unless overridden) and command."""
    spec = SERVICES[service]
    return [*(spec.get("entrypoint") or dockerfile_entrypoint()), *spec.get("command", [])]


def test_every_service_is_defined():
    assert REQUIRED <= set(SERVICES)
    assert set(APP_SERVICES) >= {"worker-fetch", "worker-process", "worker-alerts", "beat", "web", "flower", "migrate"}


@pytest.mark.parametrize("service", ["redis", "postgres", *WORKERS, "web", "flower"])
def test_long_running_services_have_healthchecks(service):
    check = SERVICES[service]["healthcheck"]["test"]
    assert check[0] in {"CMD", "CMD-SHELL"} and len(check) > 1


def test_migrations_run_before_every_app_service():
    assert argv("migrate") == ["summitwatch", "migrate"]
    assert SERVICES["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert SERVICES["migrate"]["restart"] == "no"
    for service in set(APP_SERVICES) - {"migrate"}:
        assert SERVICES[service]["depends_on"]["migrate"]["condition"] == "service_completed_successfully", service


def test_state_lives_on_named_volumes():
    named = set(COMPOSE["volumes"])
    mounts = {service: {m.split(":")[1]: m.split(":")[0] for m in SERVICES[service].get("volumes", [])}
              for service in SERVICES}
    assert mounts["postgres"]["/var/lib/postgresql/data"] in named
    assert mounts["redis"]["/data"] in named and "--appendonly" in SERVICES["redis"]["command"]
    for service in APP_SERVICES:
        assert mounts[service]["/data"] in named, service


def test_workers_scale_out():
    for service in WORKERS:
        spec = SERVICES[service]
        assert "container_name" not in spec and "ports" not in spec, f"{service} could not run twice"


def test_every_setting_in_compose_is_known():
    known = {field.validation_alias for field in Settings.model_fields.values()}
    for service in APP_SERVICES:
        names = set(SERVICES[service].get("environment", {}))
        assert {n for n in names if n.startswith("SUMMITWATCH_") or n.endswith("_URL")} <= known, service


@pytest.mark.parametrize("service", APP_SERVICES)
def test_each_command_answers_help_as_a_process(service):
    """The installed program accepts the service's whole command line: an unknown command or
    option would fail before --help is reached."""
    program, *args = argv(service)
    result = subprocess.run([str(BIN / program), *args, "--help"], cwd=ROOT, env=service_env(), capture_output=True,
                            text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "usage" in (result.stdout + result.stderr).lower()


@contextmanager
def started(args: list[str], env: dict[str, str], log_path: Path) -> Iterator[subprocess.Popen]:
    program, *rest = args
    with log_path.open("wb") as log:
        process = subprocess.Popen([str(BIN / program), *rest], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            yield process
        finally:
            stop(process)


def with_port(args: list[str], port: int) -> list[str]:
    """The compose command on a free local port instead of the container's fixed one."""
    replaced = [re.sub(r"^--port=\d+$", f"--port={port}", a) for a in args]
    if "--port" in replaced:
        replaced[replaced.index("--port") + 1] = str(port)
    if "--host" in replaced:
        replaced[replaced.index("--host") + 1] = "127.0.0.1"
    return replaced


def answers(url: str, log_path: Path, process: subprocess.Popen, timeout_s: float = 60.0) -> httpx.Response:
    """The first answer of a starting server at ``url``."""
    deadline = time.monotonic() + timeout_s
    while True:
        assert process.poll() is None, log_path.read_text(errors="replace")[-3000:]
        try:
            return httpx.get(url, timeout=5)
        except httpx.TransportError:
            assert time.monotonic() < deadline, f"{url} never answered:\n{log_path.read_text(errors='replace')[-3000:]}"
            time.sleep(0.2)


@pytest.mark.integration
@pytest.mark.slow
def test_the_fleet_starts_as_compose_starts_it(pg_url, redis_url, tmp_path):
    # Beat's first tick would come after an hour: the fleet never polls the registry's real sources.
    env = service_env(DATABASE_URL=pg_url, REDIS_URL=redis_url, SUMMITWATCH_DATA_DIR=str(tmp_path / "data"),
                      SUMMITWATCH_DISPATCH_INTERVAL_S="3600", HOSTNAME=socket.gethostname())
    for service in ONE_SHOT:
        result = subprocess.run([str(BIN / argv(service)[0]), *argv(service)[1:]], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
        assert result.returncode == 0, f"{service}: {result.stderr[-3000:]}"
    engine = make_engine(pg_url)
    with engine.begin() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM source")).scalar_one() > 0  # `sources load` loaded them
        connection.execute(text("UPDATE source SET disabled = TRUE"))  # and no test touches the internet
    engine.dispose()

    web_port, flower_port = free_port(), free_port()
    with ExitStack() as stack:
        running = {
            service: stack.enter_context(started(with_port(argv(service), port), env, tmp_path / f"{service}.log"))
            for service, port in [*((w, 0) for w in WORKERS), ("beat", 0), ("web", web_port), ("flower", flower_port)]
        }
        web = answers(f"http://127.0.0.1:{web_port}/healthz", tmp_path / "web.log", running["web"])
        assert web.status_code == 200
        assert httpx.get(f"http://127.0.0.1:{web_port}/readyz").json()["checks"] == {"database": "ok", "broker": "ok"}
        flower = answers(f"http://127.0.0.1:{flower_port}/healthcheck", tmp_path / "flower.log", running["flower"])
        assert flower.status_code == 200
        assert httpx.get(f"http://127.0.0.1:{flower_port}/").status_code == 200
        for service in WORKERS:
            wait_for_log(tmp_path / f"{service}.log", "ready.", 120)
        wait_for_log(tmp_path / "beat.log", "beat: Starting", 60)
        health = subprocess.run(SERVICES["worker-process"]["healthcheck"]["test"][1].replace("$$", "$"), shell=True,
                                cwd=ROOT, env={**env, "PATH": f"{BIN}:{os.environ['PATH']}"}, capture_output=True,
                                text=True, timeout=60)
        assert health.returncode == 0, health.stdout + health.stderr
        assert "pong" in health.stdout
