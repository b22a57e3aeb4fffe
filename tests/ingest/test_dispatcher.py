"""The dispatcher's one query (``storage.queries.lease_due_sources``) on SQLite and PostgreSQL:
due sources are leased, everything else waits, and no source is ever leased twice at once."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from storage import queries
from storage.db import make_engine, session_scope
from storage.models import Source

NOW = datetime(2025, 11, 15, 12, 0, tzinfo=timezone.utc)
MINUTE = timedelta(minutes=1)
MAX_ERRORS = 10


@dataclass(frozen=True)
class Row:
    key: str
    host: str = "a.example"
    due_in: timedelta = -MINUTE  # next_poll_at relative to NOW; negative is overdue
    disabled: bool = False
    errors: int = 0
    leased_for: timedelta | None = None  # lease_until relative to NOW


@dataclass(frozen=True)
class Case:
    rows: tuple[Row, ...]
    leased: list[str]
    per_host: int = 2


CASES = {
    "an overdue source is leased": Case((Row("a"),), ["a"]),
    "a source due this very moment is leased": Case((Row("a", due_in=timedelta(0)),), ["a"]),
    "a source not yet due waits": Case((Row("a", due_in=timedelta(seconds=1)),), []),
    "a disabled source is never leased": Case((Row("a", disabled=True),), []),
    "a source at the error limit is left alone": Case((Row("a", errors=MAX_ERRORS),), []),
    "a source just under the error limit is leased": Case((Row("a", errors=MAX_ERRORS - 1),), ["a"]),
    "per host, only the longest-waiting sources go out": Case(
        (Row("c", due_in=-MINUTE), Row("a", due_in=-3 * MINUTE), Row("b", due_in=-2 * MINUTE)), ["a", "b"]
    ),
    "sources already in flight count against their host's limit": Case(
        (Row("busy", due_in=timedelta(hours=1), leased_for=3 * MINUTE), Row("b", due_in=-2 * MINUTE),
         Row("c", due_in=-MINUTE)),
        ["b"],
    ),
    "a host at its limit sends nothing more": Case(
        (Row("x", leased_for=MINUTE), Row("y", leased_for=MINUTE), Row("z")), []
    ),
    "hosts are limited separately": Case(
        (Row("a1", host="a.example", due_in=-2 * MINUTE), Row("a2", host="a.example", due_in=-MINUTE),
         Row("b1", host="b.example", due_in=-MINUTE)),
        ["a1", "b1"],
        per_host=1,
    ),
    "a source whose poll is in flight is not dispatched again": Case((Row("a", leased_for=MINUTE),), []),
    "an expired lease frees the source and stops counting against its host": Case(
        (Row("stuck", leased_for=-timedelta(seconds=1)), Row("b", due_in=-timedelta(seconds=30))),
        ["stuck"],
        per_host=1,
    ),
    "the batch is in due order across hosts": Case(
        (Row("late", host="b.example", due_in=-MINUTE), Row("early", host="c.example", due_in=-5 * MINUTE)),
        ["early", "late"],
    ),
}


def add_sources(engine: Engine, rows: tuple[Row, ...] | list[Row]) -> None:
    with session_scope(engine) as session:
        for row in rows:
            session.add(
                Source(
                    key=row.key, name=row.key, kind="rss", url=f"https://{row.host}/{row.key}.xml", host=row.host,
                    next_poll_at=NOW + row.due_in, disabled=row.disabled, error_count=row.errors,
                    lease_until=NOW + row.leased_for if row.leased_for is not None else None,
                )
            )


def lease(engine: Engine, now: datetime = NOW, *, per_host: int = 2) -> list[str]:
    with session_scope(engine) as session:
        ids = queries.lease_due_sources(session, now, per_host=per_host, max_errors=MAX_ERRORS)
        keys = {source.id: source.key for source in session.scalars(select(Source)).all()}
    return [keys[source_id] for source_id in ids]


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_lease_due_sources(engine: Engine, case: Case) -> None:
    add_sources(engine, case.rows)
    assert lease(engine, per_host=case.per_host) == case.leased


def test_a_lease_lasts_until_it_expires_then_the_source_is_due_again(engine: Engine) -> None:
    add_sources(engine, [Row("a")])
    assert lease(engine) == ["a"]
    with session_scope(engine) as session:
        leased_until = session.scalars(select(Source)).one().lease_until
    assert leased_until.astimezone(timezone.utc) == NOW + queries.POLL_LEASE

    # The poll never reported back (its worker died): the source waits out the lease...
    assert lease(engine, NOW + queries.POLL_LEASE - timedelta(seconds=1)) == []
    # ...and is dispatched again once the lease has run out.
    assert lease(engine, NOW + queries.POLL_LEASE) == ["a"]


def test_two_dispatchers_never_lease_the_same_source(db_url: str, engine: Engine) -> None:
    hosts = [f"h{n}.example" for n in range(20)]
    add_sources(engine, [Row(f"{host}-{n}", host=host) for host in hosts for n in range(3)])
    # Two dispatcher processes: separate engines and connections, started together.
    engines = [make_engine(db_url), make_engine(db_url)]
    start = threading.Barrier(len(engines))
    results: dict[int, list[str]] = {}
    failures: list[BaseException] = []

    def dispatch(index: int) -> None:
        try:
            start.wait()
            results[index] = lease(engines[index], per_host=3)
        except BaseException as error:  # reported to the test thread below
            failures.append(error)

    threads = [threading.Thread(target=dispatch, args=(index,)) for index in range(len(engines))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for each in engines:
        each.dispose()
    assert not failures, failures
    first, second = results[0], results[1]
    assert not set(first) & set(second)
    assert sorted(first + second) == sorted(f"{host}-{n}" for host in hosts for n in range(3))
    # Everything is leased now: a third dispatcher finds nothing.
    assert lease(engine, per_host=3) == []
