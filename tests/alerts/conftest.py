"""Real receivers for alert delivery (an HTTP webhook, an SMTP server) and real databases."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email import message_from_bytes
from email.header import decode_header, make_header
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import psycopg
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import text
from sqlalchemy.engine import Engine

from storage.db import make_engine, migrate
from tests.conftest import PG_ADMIN_URL, free_port

TOKAYEV, MIRZIYOYEV, JAPAROV, PUTIN, ERDOGAN = "tokayev", "mirziyoyev", "japarov", "putin", "erdogan"


@dataclass(frozen=True)
class Directory:
    """Who is who for rule matching: the part of the lexicon the rules read."""

    countries: dict[str, str]
    heads_of_state: frozenset[str]

    def person_country(self, person_id: str) -> str | None:
        return self.countries.get(person_id)

    def is_central_asian_leader(self, person_id: str) -> bool:
        return person_id in self.heads_of_state and self.countries.get(person_id) in {"KZ", "UZ", "KG", "TJ", "TM"}


PEOPLE = Directory(
    countries={TOKAYEV: "KZ", MIRZIYOYEV: "UZ", JAPAROV: "KG", PUTIN: "RU", ERDOGAN: "TR"},
    heads_of_state=frozenset({TOKAYEV, MIRZIYOYEV, JAPAROV, PUTIN, ERDOGAN}),
)


# --- an HTTP webhook receiver -------------------------------------------------------------------

@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class Webhook:
    """Records every POST. Paths under /fail answer 500; everything else 200."""

    port: int
    requests: list[Received] = field(default_factory=list)

    def url(self, path: str = "/hook") -> str:
        return f"json://127.0.0.1:{self.port}{path}"

    def on(self, path: str) -> list[Received]:
        return [r for r in self.requests if r.path.split("?")[0] == path]


def _handler(webhook: Webhook, lock: threading.Lock) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            size = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(size) or b"{}")
            with lock:
                webhook.requests.append(Received(self.path, dict(self.headers), body))
            status = 500 if self.path.startswith("/fail") else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return

    return Handler


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    lock = threading.Lock()
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    hook = Webhook(port=server.server_address[1])
    server.RequestHandlerClass = _handler(hook, lock)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield hook
    server.shutdown()
    server.server_close()
    thread.join()


# --- an SMTP server -----------------------------------------------------------------------------

@dataclass
class Mailbox:
    port: int
    messages: list[tuple[str, list[str], Message]] = field(default_factory=list)

    def url(self, to: str = "analyst@example.org") -> str:
        return (f"mailto://127.0.0.1:{self.port}?smtp=127.0.0.1&mode=insecure"
                f"&from=alerts@summitwatch.test&to={to}")

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"


def subject(message: Message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def plain_text(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    raise AssertionError("no text/plain part")


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox(port=free_port())
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    yield box
    controller.stop()


# --- databases ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pg_module_url() -> Iterator[str]:
    """One PostgreSQL database for the test module, migrated, dropped afterwards."""
    name = f"sw_alerts_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL at {PG_ADMIN_URL} is not reachable: {exc}")
    url = f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    yield url
    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path) -> Iterator[Engine]:
    """A migrated, empty database: SQLite in a file, and the module's PostgreSQL database."""
    if request.param == "sqlite":
        db = make_engine(f"sqlite:///{tmp_path / 'alerts.db'}")
        migrate(db)
    else:
        db = make_engine(request.getfixturevalue("pg_module_url"))
        with db.begin() as connection:
            connection.execute(text("TRUNCATE alert, event RESTART IDENTITY CASCADE"))
    yield db
    db.dispose()


def add_event(db: Engine, event_type: str = "state_visit") -> int:
    """An event row for alerts to point at (the outbox's foreign key)."""
    seen = datetime(2025, 11, 15, 10, 0)
    with db.begin() as connection:
        return connection.execute(
            text(
                "INSERT INTO event (type, status, role, article_count, independent_source_count, has_conflict,"
                " content_version, first_seen_at, last_seen_at)"
                " VALUES (:type, 'held', 'reported', 1, 1, :no, 1, :seen, :seen) RETURNING id"
            ),
            {"type": event_type, "no": False, "seen": seen},
        ).scalar_one()


UTC = timezone.utc
