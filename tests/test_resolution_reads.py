"""What resolution reads from the database, read the cheap way, decides the same: figures
grouped once per source and figure, alerts planned on the event's fields before its coverage
is read. Each is checked against the plain reading on a real SQLite database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, select
from sqlmodel import Session

from storage.db import make_engine, migrate, session_scope
from storage.models import Alert, Article, Claim, Coverage, Event, Source
from workers import claimgroups, resolution
from workers.alerts import Digest, Rule, plan_alerts
from workers.outbox import write_alerts
from workers.records import EventChange
from workers.views import alert_view

NOW = datetime(2025, 11, 16, 12, tzinfo=UTC)
# (source, article number, measure, value, unit, count): the same figures restated by every
# article of an outlet, and two outlets that disagree on the projects launched.
FIGURES = [
    (source, article, measure, value, unit, count)
    for source, articles in (("uzdaily", 3), ("kazpravda", 4), ("prosud", 2))
    for article in range(articles)
    for measure, value, unit, count in (
        ("projects", 1.7e9, "USD", 78),
        ("jobs", 15000.0, "count", None),
        ("projects_launched", 1.3e9 if source == "uzdaily" else 1.2e9, "USD", None if source == "uzdaily" else 7),
        ("trade_target", 10e9, "USD", None),
    )
]


@pytest.fixture
def session(tmp_path) -> Iterator[Session]:
    engine = make_engine(f"sqlite:///{tmp_path / 'resolution.db'}")
    migrate(engine)
    with session_scope(engine) as opened:
        yield opened
    engine.dispose()


def stored_event(session: Session) -> Event:
    event = Event(type="state_visit", status="held", country="UZ", city="tashkent",
                  participants=["kz-tokayev", "uz-mirziyoyev"], date_start=date(2025, 11, 14),
                  date_end=date(2025, 11, 15), article_count=12, independent_source_count=3)
    session.add(event)
    session.flush()
    articles: dict[tuple[str, int], Article] = {}
    for source_key in ("uzdaily", "kazpravda", "prosud"):
        source = Source(key=source_key, kind="rss", url=f"http://{source_key}.example/rss", host=f"{source_key}.example")
        session.add(source)
        session.flush()
        for number in range(4):
            article = Article(source_id=source.id, url=f"http://{source_key}.example/{number}",
                              canonical_url=f"http://{source_key}.example/{number}", state="processed",
                              language="ru" if source_key != "uzdaily" else "uz-Cyrl")
            session.add(article)
            session.flush()
            articles[(source_key, number)] = article
            session.add(Coverage(event_id=event.id, article_id=article.id, fields=["type"]))
    for position, (source_key, number, measure, value, unit, count) in enumerate(FIGURES):
        session.add(Claim(event_id=event.id, article_id=articles[(source_key, number)].id, measure=measure,
                          value=value, unit=unit, currency="USD" if unit == "USD" else None, count=count,
                          sentence="...", span_start=position, span_end=position + 1))
    session.flush()
    return event


def groups_claim_by_claim(session: Session, event: Event) -> dict[int, str | None]:
    """The plain reading: every claim its own fact, grouped together."""
    rows = session.execute(
        select(Claim, Source.key).join(Article, Article.id == Claim.article_id)
        .join(Source, Source.id == Article.source_id).where(Claim.event_id == event.id)
    ).all()
    facts = [claimgroups.ClaimFact(claim_id=c.id, article_id=c.article_id, source_key=key, independent=True,
                                   measure=c.measure, value=c.value, unit=c.unit, currency=c.currency,
                                   target_year=c.target_year, qualifier=c.qualifier, count=c.count)
             for c, key in rows]
    conflict_of = {fact.claim_id: group.key for group in claimgroups.group_claims(facts) if group.conflict
                   for fact in group.facts}
    return {claim.id: conflict_of.get(claim.id) for claim, _ in rows}


def stored_groups(session: Session, event: Event) -> dict[int, str | None]:
    return dict(session.execute(select(Claim.id, Claim.conflict_group).where(Claim.event_id == event.id)).all())


def test_figures_grouped_once_per_source_group_every_claim_as_one_by_one(session: Session) -> None:
    event = stored_event(session)
    new_conflicts = resolution._regroup_claims(session, event)
    expected = groups_claim_by_claim(session, event)
    assert stored_groups(session, event) == expected
    conflicting = {group for group in expected.values() if group}
    assert new_conflicts == sorted(conflicting) and len(conflicting) == 1
    assert event.has_conflict
    assert resolution._regroup_claims(session, event) == []  # nothing new the second time


def test_a_conflict_that_loses_its_side_is_cleared(session: Session) -> None:
    event = stored_event(session)
    resolution._regroup_claims(session, event)
    uzdaily = select(Article.id).join(Source, Source.id == Article.source_id).where(Source.key == "uzdaily")
    session.execute(delete(Claim).where(Claim.article_id.in_(uzdaily), Claim.measure == "projects_launched"))
    assert resolution._regroup_claims(session, event) == []
    assert set(stored_groups(session, event).values()) == {None}
    assert not event.has_conflict


KINDS = ("new_event", "status_changed", "new_facts", "conflict")
RULES = {
    "any event": [Rule(name="any", kinds=KINDS)],
    "Russian coverage only": [Rule(name="ru", languages=("ru",), kinds=KINDS)],
    "Kazakh coverage only": [Rule(name="kk", languages=("kk",), kinds=KINDS)],
    "with a digest": [Rule(name="digest", kinds=KINDS, digest=Digest(window_s=3600))],
}
CHANGES = {
    "nothing new": {"status_before": "held", "coverage_added": True},
    "status moved": {"status_before": "announced", "coverage_added": True},
    "a new conflict": {"status_before": "held", "new_conflicts": ["projects_launched|USD|*"]},
}
ENV = {"SUMMITWATCH_ALERT_URLS": "json://127.0.0.1:9/hook"}


@pytest.mark.parametrize("change_name", sorted(CHANGES))
@pytest.mark.parametrize("rules_name", sorted(RULES))
def test_alerts_planned_without_the_coverage_are_the_ones_the_full_view_plans(
        session: Session, rules_name: str, change_name: str) -> None:
    event = stored_event(session)
    rules = RULES[rules_name]
    first = EventChange(event_id=event.id, created=True, role="reported", status_before=None, status_after="held",
                        content_version=1, article_id=1)
    write_alerts(session, plan_alerts(first, alert_view(session, event), rules, ENV), now=NOW)
    change = EventChange(event_id=event.id, created=False, role="reported", status_after="held",
                         content_version=2, article_id=2, **CHANGES[change_name])
    stored = set(session.scalars(select(Alert.dedup_key)))
    expected = [d for d in plan_alerts(change, alert_view(session, event), rules, ENV) if d.dedup_key not in stored]
    planned = resolution._plan_alerts(session, change, event, rules, ENV)
    assert {d.dedup_key for d in planned if d.dedup_key not in stored} == {d.dedup_key for d in expected}
    for draft in planned:
        if draft.dedup_key not in stored:
            assert draft.payload == next(d.payload for d in expected if d.dedup_key == draft.dedup_key)
