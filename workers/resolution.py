"""Persisting resolution: a mention joins an event (or founds one), with its coverage, claims,
conflicts and the alert outbox rows, all in the caller's transaction.

The decisions themselves are pure functions elsewhere: ``workers.resolve`` (which event),
``workers.lifecycle`` (how the record changes), ``workers.claimgroups`` (conflicts),
``workers.neardup`` (syndicated copies), ``workers.alerts`` (what to send).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields as dc_fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Text, case, cast, distinct, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from storage import queries
from storage.models import (
    Alert,
    Article,
    Claim,
    Coverage,
    Event,
    EventMentionRow,
    Source,
    as_utc,
    utcnow,
)
from summitwatch import metrics
from workers import claimgroups, lifecycle, neardup
from workers.alerts import AlertDraft, plan_alerts
from workers.outbox import write_alerts
from workers.records import CleanDoc, EventChange, EventMention
from workers.resolve import EventSnapshot, candidate_query, resolve
from workers.views import alert_view, rule_view

STATE_FIELDS = tuple(f.name for f in dc_fields(lifecycle.EventState))
MATERIAL_FIELDS = {"type", "format", "ordinal", "city", "country", "date_start", "date_end", "status",
                   "participants", "documents"}
NEAR_DUPLICATE_WINDOW = timedelta(days=14)
RESOLUTION_LOCK = 0x5357  # one advisory lock: resolution is serialised across workers


def lock(session: Session) -> None:
    """Serialise resolution so two workers never found the same event twice (PostgreSQL).
    SQLite serialises writers by itself."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": RESOLUTION_LOCK})


def apply_mentions(session: Session, article: Article, source: Source, doc: CleanDoc,
                   mentions: Sequence[EventMention], rules: Sequence[Any], env: Mapping[str, str],
                   *, now: datetime | None = None) -> list[int]:
    independent = _mark_near_duplicate(session, article, doc)
    alert_ids: list[int] = []
    # The article's own event first: in-passing mentions must not found it by accident.
    for mention in sorted(mentions, key=lambda m: m.role != "reported"):
        outcome = apply_mention(session, article, source, doc, mention, independent=independent)
        if outcome is None:
            continue
        change, event = outcome
        alert_ids += write_alerts(session, _plan_alerts(session, change, event, rules, env), now=now)
    return alert_ids


def _plan_alerts(session: Session, change: EventChange, event: Event, rules: Sequence[Any],
                 env: Mapping[str, str]) -> list[AlertDraft]:
    """The drafts of the alerts this change raises that the outbox does not hold yet.

    Most changes to a known event plan only alerts already in the outbox (its ``new_event``
    above all), so they are first planned on the view without the coverage list, which grows
    with every article; the full view is read only when a draft is new. A rule with a digest
    plans on the coverage itself, so it always gets the full view."""
    if change.role != "reported" or not rules:
        return []  # an event seen only in passing never alerts
    if all(getattr(rule, "digest", None) is None for rule in rules):
        with_languages = any(getattr(rule, "languages", ()) for rule in rules)
        drafts = plan_alerts(change, rule_view(session, event, with_languages=with_languages), rules, env)
        keys = [draft.dedup_key for draft in drafts]
        stored = set(session.scalars(select(Alert.dedup_key).where(Alert.dedup_key.in_(keys)))) if keys else set()
        if stored.issuperset(keys):
            return []
    return plan_alerts(change, alert_view(session, event), rules, env)


def apply_mention(session: Session, article: Article, source: Source, doc: CleanDoc, mention: EventMention,
                  *, independent: bool = True) -> tuple[EventChange, Event] | None:
    fingerprint = mention.fingerprint()
    known = session.scalars(
        select(EventMentionRow).where(EventMentionRow.article_id == article.id,
                                      EventMentionRow.fingerprint == fingerprint)
    ).first()
    if known is not None and known.event_id is not None:
        return None  # a retried task: this mention already joined its event
    published = doc.published_at
    decision = _decide(session, mention, published)
    if decision.event_id is None:
        event, changed, status_before = _found_event(session, mention, source, published), set(MATERIAL_FIELDS), None
        metrics.count_events_created()
    else:
        event = queries.live_event(session, decision.event_id)
        status_before = event.status
        old_documents = {d.get("title") for d in (event.documents or [])}
        changed = _fold_into(event, mention, source, published)
    merged = [_merge(session, event, other_id) for other_id in decision.merge_ids if other_id != event.id]
    row = known or EventMentionRow(article_id=article.id, fingerprint=fingerprint)
    _fill_mention_row(row, mention, event.id, decision)
    session.add(row)
    session.flush()
    coverage_added = _add_coverage(session, event, article, row, mention, independent)
    new_claims = _add_claims(session, event, article, row, mention)
    new_conflicts = _regroup_claims(session, event)
    _recount(session, event)
    new_documents = [] if decision.event_id is None else [
        d.get("title") for d in event.documents if d.get("title") not in old_documents
    ]
    if decision.event_id is not None and (changed & MATERIAL_FIELDS or new_conflicts):
        event.content_version += 1
    event.last_seen_at = utcnow()
    session.add(event)
    session.flush()
    change = EventChange(
        event_id=event.id,
        created=decision.event_id is None,
        role=event.role,
        status_before=status_before,
        status_after=event.status,
        content_version=event.content_version,
        new_documents=new_documents,
        new_claims=new_claims,
        new_conflicts=new_conflicts,
        coverage_added=coverage_added,
        merged_event_ids=[m for m in merged if m is not None],
        article_id=article.id,
    )
    return change, event


def _decide(session: Session, mention: EventMention, published: datetime | None):
    anchor = published.date() if published else None
    events = queries.candidate_events(session, candidate_query(mention, anchor))
    return resolve(mention, [snapshot(e) for e in events], published=anchor)


def snapshot(event: Event) -> EventSnapshot:
    return EventSnapshot(
        id=event.id, type=event.type, format=event.format, ordinal=event.ordinal, city=event.city,
        country=event.country, date_start=event.date_start, date_end=event.date_end, status=event.status,
        participants=frozenset(event.participants or ()), role=event.role,
    )


def _found_event(session: Session, mention: EventMention, source: Source, published: datetime | None) -> Event:
    state = lifecycle.new_state(mention, source_role=source.role, published=published)
    event = Event(**_state_values(state))
    session.add(event)
    session.flush()
    return event


def _state_of(event: Event) -> lifecycle.EventState:
    return lifecycle.EventState(**{name: _copy(getattr(event, name)) for name in STATE_FIELDS})


def _fold_into(event: Event, mention: EventMention, source: Source, published: datetime | None) -> set[str]:
    state = _state_of(event)
    new_state, changed = lifecycle.fold(state, mention, source_role=source.role, published=published)
    for name, value in _state_values(new_state).items():
        setattr(event, name, value)
    return set(changed)


def _state_values(state: lifecycle.EventState) -> dict[str, Any]:
    values = {name: getattr(state, name) for name in STATE_FIELDS}
    values["documents"] = [dict(d) for d in values.get("documents") or []]
    values["status_history"] = [dict(h) for h in values.get("status_history") or []]
    values["participants"] = list(values.get("participants") or [])
    values["topics"] = list(values.get("topics") or [])
    values["field_sources"] = dict(values.get("field_sources") or {})
    return values


def _copy(value: Any) -> Any:
    if isinstance(value, list):
        return [dict(v) if isinstance(v, dict) else v for v in value]
    if isinstance(value, dict):
        return dict(value)
    return value


def _fill_mention_row(row: EventMentionRow, mention: EventMention, event_id: int, decision) -> None:
    data = mention.to_json()
    row.event_id = event_id
    row.role, row.type, row.status = mention.role, mention.type, mention.status
    row.format, row.ordinal = mention.format, mention.ordinal
    row.city, row.country = mention.city, mention.country
    row.date_start, row.date_end = mention.date_start, mention.date_end
    row.participants = list(mention.participants)
    row.data = {k: data[k] for k in ("documents", "documents_count", "claims", "topics", "spans", "script", "confidence")}
    row.language = mention.language
    row.extractor_version = mention.extractor_version
    row.evidence = {"score": decision.score, **(decision.evidence or {})}


def _add_coverage(session: Session, event: Event, article: Article, row: EventMentionRow,
                  mention: EventMention, independent: bool) -> bool:
    inserted = _insert_new(
        session,
        Coverage,
        [{
            "event_id": event.id,
            "article_id": article.id,
            "mention_id": row.id,
            "role": mention.role,
            "fields": sorted(mention.spans),
            "independent": independent,
            "created_at": utcnow(),
        }],
        conflict=["event_id", "article_id"],
    )
    return inserted > 0


def _add_claims(session: Session, event: Event, article: Article, row: EventMentionRow,
                mention: EventMention) -> list[str]:
    if mention.role != "reported":
        return []  # figures in a passing reference belong to the article's own event
    rows = [
        {
            "event_id": event.id,
            "article_id": article.id,
            "mention_id": row.id,
            "measure": claim.measure,
            "value": claim.value,
            "unit": claim.unit,
            "currency": claim.currency,
            "target_year": claim.target_year,
            "qualifier": claim.qualifier,
            "count": claim.count,
            "sentence": claim.span.text,
            "span_start": claim.span.start,
            "span_end": claim.span.end,
            "created_at": utcnow(),
        }
        for claim in mention.claims
    ]
    inserted = _insert_new(session, Claim, rows, conflict=["article_id", "measure", "value", "span_start"])
    return [f"{r['measure']}: {r['value']:g} {r['unit']}" for r in rows][:inserted]


def _insert_new(session: Session, model: type, rows: list[dict[str, Any]], *, conflict: list[str]) -> int:
    """INSERT ... ON CONFLICT DO NOTHING; the number of rows inserted. The rows go as
    parameter sets of one statement, so it is compiled once per process, not once per row
    count as a multi-row VALUES clause would be."""
    if not rows:
        return 0
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(model).on_conflict_do_nothing(index_elements=conflict).returning(model.id)
    return len(session.execute(statement, rows).all())


# What a figure states, apart from who states it: the fields grouping and conflicts read.
_FIGURE = (Claim.measure, Claim.value, Claim.unit, Claim.currency, Claim.target_year, Claim.qualifier, Claim.count)


def _regroup_claims(session: Session, event: Event) -> list[str]:
    """Regroup every figure of the event by what it measures; return newly conflicting groups.

    A figure repeated by one source neither makes nor settles a conflict, and an event
    covered for weeks collects the same figures many times over: each distinct (source,
    figure) is grouped once, in the order its first claim was stored, and its group applied
    to all its claims."""
    rows = session.execute(
        select(Source.key, *_FIGURE, Claim.conflict_group, func.min(Claim.id))
        .join(Article, Article.id == Claim.article_id)
        .join(Source, Source.id == Article.source_id)
        .where(Claim.event_id == event.id)
        .group_by(Source.key, *_FIGURE, Claim.conflict_group)
    ).all()
    first_claim: dict[tuple, int] = {}
    for row in rows:
        stated = tuple(row[: 1 + len(_FIGURE)])
        first_claim[stated] = min(first_claim.get(stated, row[-1]), row[-1])
    stated_figures = sorted(first_claim, key=first_claim.__getitem__)
    facts = [
        # claim_id indexes ``stated_figures``: a fact here stands for every claim of its figure.
        claimgroups.ClaimFact(
            claim_id=number, article_id=0, source_key=source_key, independent=True,
            measure=measure, value=value, unit=unit, currency=currency,
            target_year=target_year, qualifier=qualifier, count=count,
        )
        for number, (source_key, measure, value, unit, currency, target_year, qualifier, count)
        in enumerate(stated_figures)
    ]
    conflict_of: dict[tuple, str] = {}
    for group in claimgroups.group_claims(facts):
        if group.conflict:
            for fact in group.facts:
                conflict_of[stated_figures[fact.claim_id]] = group.key
    before = {row.conflict_group for row in rows if row.conflict_group}
    for row in rows:
        stated = tuple(row[: 1 + len(_FIGURE)])
        if row.conflict_group != conflict_of.get(stated):
            _set_conflict_group(session, event.id, stated, row.conflict_group, conflict_of.get(stated))
    event.has_conflict = bool(conflict_of)
    return sorted(set(conflict_of.values()) - before)


def _set_conflict_group(session: Session, event_id: int, stated: tuple, old: str | None, new: str | None) -> None:
    source_key, *figure = stated
    of_source = select(Article.id).join(Source, Source.id == Article.source_id).where(Source.key == source_key)
    session.execute(
        update(Claim)
        .where(Claim.event_id == event_id, Claim.article_id.in_(of_source),
               Claim.conflict_group.is_not_distinct_from(old),
               *(column.is_not_distinct_from(value) for column, value in zip(_FIGURE, figure, strict=True)))
        .values(conflict_group=new)
        .execution_options(synchronize_session=False)
    )


def _recount(session: Session, event: Event) -> None:
    articles, independent_sources = session.execute(
        select(func.count(), func.count(distinct(case((Coverage.independent, Article.source_id)))))
        .select_from(Coverage)
        .join(Article, Article.id == Coverage.article_id)
        .where(Coverage.event_id == event.id, Coverage.role == "reported")
    ).one()
    event.article_count = articles
    event.independent_source_count = independent_sources


def _merge(session: Session, survivor: Event, other_id: int) -> int | None:
    """Fold another event into the survivor: coverage, mentions, claims and alerts move over."""
    other = session.get(Event, other_id)
    if other is None or other.merged_into_id is not None or other.id == survivor.id:
        return None
    taken = {a for (a,) in session.execute(select(Coverage.article_id).where(Coverage.event_id == survivor.id))}
    for coverage in session.scalars(select(Coverage).where(Coverage.event_id == other.id)).all():
        if coverage.article_id in taken:
            session.delete(coverage)
        else:
            coverage.event_id = survivor.id
            session.add(coverage)
    session.execute(update(EventMentionRow).where(EventMentionRow.event_id == other.id).values(event_id=survivor.id))
    session.execute(update(Claim).where(Claim.event_id == other.id).values(event_id=survivor.id))
    session.execute(update(Alert).where(Alert.event_id == other.id).values(event_id=survivor.id))
    merged, _ = lifecycle.merge_states(_state_of(survivor), _state_of(other))
    for name, value in _state_values(merged).items():
        setattr(survivor, name, value)
    other.merged_into_id = survivor.id
    session.add(other)
    session.flush()
    return other.id


def _mark_near_duplicate(session: Session, article: Article, doc: CleanDoc) -> bool:
    """Record a syndicated copy or reprint; return whether the article is independent."""
    signature = neardup.signature(doc.text)
    article.minhash = list(signature)
    since = as_utc(datetime.now().astimezone()) - NEAR_DUPLICATE_WINDOW
    others = session.execute(
        # The signatures as JSON text: decoding is cached on the text (neardup.stored_signature).
        select(Article.id, Article.text_hash, cast(Article.minhash, Text))
        .where(Article.id != article.id, Article.minhash.is_not(None), Article.discovered_at >= since)
        .order_by(Article.id)
        .limit(2000)
    ).all()
    signatures = [neardup.stored_signature(raw) for _, _, raw in others]
    near = neardup.near_duplicates(signature, signatures)
    for (other_id, text_hash, _), other_sig, is_near in zip(others, signatures, near, strict=True):
        if other_sig is None or not other_sig.size:
            continue  # a JSON null: processed before signatures existed
        if (text_hash and text_hash == article.text_hash) or is_near:
            article.duplicate_of_id = other_id
            return False
    return True
