"""Readiness: can this process reach what it needs right now? Each check returns None when
the dependency answers, else a one-line reason."""

from __future__ import annotations

import redis
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

CHECK_TIMEOUT_S = 2.0


def database_problem(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        return _first_line(exc)
    return None


def broker_problem(redis_url: str) -> str | None:
    client = redis.Redis.from_url(redis_url, socket_timeout=CHECK_TIMEOUT_S, socket_connect_timeout=CHECK_TIMEOUT_S)
    try:
        client.ping()
    except redis.RedisError as exc:
        return _first_line(exc)
    finally:
        client.close()
    return None


def _first_line(exc: Exception) -> str:
    message = str(getattr(exc, "orig", None) or exc).strip()
    return f"{type(exc).__name__}: {message.splitlines()[0] if message else ''}"
