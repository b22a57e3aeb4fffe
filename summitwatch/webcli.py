"""``summitwatch web``: the API and the dashboard under uvicorn."""

from __future__ import annotations

import sys
import threading
import time

import click
import httpx
import uvicorn

from summitwatch.settings import Settings, get_settings

STARTUP_TIMEOUT_S = 30.0


@click.command()
@click.option("--host", default=None, help="Interface to listen on (default SUMMITWATCH_WEB_HOST).")
@click.option("--port", type=int, default=None, help="Port (default SUMMITWATCH_WEB_PORT; 0 picks a free one).")
@click.option("--demo", is_flag=True,
              help="Print the dashboard's URL. On a terminal, serve until Ctrl-C; otherwise (CI, a pipe) "
                   "check that /healthz answers and exit 0, so `make demo` ends cleanly.")
def web(host: str | None, port: int | None, demo: bool) -> None:
    """Serve the API (/api/, /docs) and the dashboard.

    On the embedded SQLite database the schema is migrated first; with DATABASE_URL set,
    `summitwatch migrate` does that (in Docker, the migrate service)."""
    try:
        settings = get_settings()
    except ValueError as exc:
        raise click.ClickException(f"invalid settings: {exc}") from exc
    host = host or settings.web_host
    port = settings.web_port if port is None else port
    server = uvicorn.Server(uvicorn.Config(_app(settings), host=host, port=port, log_level="warning",
                                           proxy_headers=True, server_header=False))
    if not demo:
        server.run()
        return
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    url = dashboard_url(host, _bound_port(server, thread))
    click.echo(f"SummitWatch dashboard: {url}")
    if sys.stdout.isatty():
        _serve_until_interrupted(server, thread)
        return
    try:
        answer = httpx.get(f"{url}healthz", timeout=5.0)
    finally:
        _stop(server, thread)
    if answer.status_code != 200:
        raise click.ClickException(f"{url}healthz answered {answer.status_code}")
    click.echo(f"{url}healthz answered 200; not a terminal, so not serving on (run `summitwatch web` to keep it up)")


def _app(settings: Settings):
    from storage.db import make_engine, migrate
    from web.app import create_app

    engine = make_engine(settings.effective_database_url)
    if engine.url.get_backend_name() == "sqlite":
        migrate(engine)  # embedded mode: no migrate service runs before us
    engine.dispose()
    return create_app(settings)


def dashboard_url(host: str, port: int) -> str:
    """The URL a person opens: a wildcard address is reached through loopback."""
    shown = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}.get(host, host)
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def _bound_port(server: uvicorn.Server, thread: threading.Thread) -> int:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not server.started:
        if not thread.is_alive():
            raise click.ClickException("the web server did not start (is the port in use?)")
        if time.monotonic() > deadline:
            raise click.ClickException(f"the web server did not start within {STARTUP_TIMEOUT_S:.0f} s")
        time.sleep(0.05)
    return server.servers[0].sockets[0].getsockname()[1]


def _serve_until_interrupted(server: uvicorn.Server, thread: threading.Thread) -> None:
    click.echo("Ctrl-C stops it.")
    try:
        while thread.is_alive():
            thread.join(timeout=0.5)
    except KeyboardInterrupt:
        pass
    finally:
        _stop(server, thread)


def _stop(server: uvicorn.Server, thread: threading.Thread) -> None:
    server.should_exit = True
    thread.join(timeout=10)
