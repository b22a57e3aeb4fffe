"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from storage.db import make_engine, migrate


def _diff(url: str) -> list:
    engine = make_engine(url)
    migrate(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    return diff


def test_migrations_match_models_on_sqlite(sqlite_url):
    assert _diff(sqlite_url) == []


def test_migrations_match_models_on_postgresql(pg_url):
    assert _diff(pg_url) == []


def test_migrating_twice_is_a_no_op(pg_url):
    engine = make_engine(pg_url)
    migrate(engine)
    migrate(engine)
    assert {"source", "article", "event", "event_mention", "coverage", "claim", "alert", "fetch_log"} <= set(
        inspect(engine).get_table_names()
    )
    engine.dispose()
