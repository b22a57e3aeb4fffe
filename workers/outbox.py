"""The transactional outbox: alert rows are written in the event change's transaction, then
delivered one by one with a lease, retries and backoff. Dialect-portable (SQLite, PostgreSQL).

Delivery is at-least-once, with a narrow window. ``deliver_one`` runs three steps:

1. claim (one short transaction): a conditional ``UPDATE ... WHERE state IN ('pending',
   'sending') AND next_attempt_at <= now`` moves the row to ``sending``, counts the attempt
   and takes a lease by pushing ``next_attempt_at`` to ``now + lease_s``. Only one worker's
   UPDATE matches, so two workers never send the same row at the same time.
2. send (no transaction open): Apprise delivers the message.
3. acknowledge (one short transaction): ``sent``, or back to ``pending`` with the next
   attempt planned by ``plan_retry``, or ``failed`` with its error.

A worker that dies between 1 and 3 leaves the row ``sending``; when its lease runs out the
row is claimable again, and the message goes out a second time only when the first send had
actually completed before the crash. That window, a crash after the receiver accepted the
message and before step 3 committed, is the only way to a duplicate, and:

- the dedup key (``event:kind:channel:version``, unique in the table) means no retry,
  re-run, re-dated feed item or replay ever creates a second row, so a duplicate can only
  be the same row sent twice, never a new alert;
- the lease keeps a slow but live worker's row from being taken over before ``lease_s``;
- every message carries that key: json://, form:// and xml:// send it as the
  ``X-SummitWatch-Alert-Key`` header and an ``alert_key`` payload field, mailto:// as a mail
  header, so a receiver that remembers keys drops the repeat, closing the window entirely.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage.db import session_scope
from storage.models import Alert
from summitwatch.logging import get_logger
from workers.alerts import (
    AlertDraft,
    Rule,
    channel_name,
    digest_window_end,
    load_rules,
    quiet_until,
    render_digest,
    render_message,
    resolve_channels,
)
from workers.deliver import DeliveryResult, plan_retry, send

log = get_logger(__name__)

DEFAULT_LEASE_S = 300
CLAIMABLE = ("pending", "sending")


def sample_view() -> dict[str, Any]:
    """The event ``summitwatch alerts test`` describes: Kazakh, Russian and Uzbek titles, so
    the channel shows whether it keeps UTF-8 intact."""
    return {
        "title": "Қасым-Жомарт Тоқаев, Шавкат Мирзиёев: state visit to Tashkent (sample)",
        "type": "state_visit",
        "city": "Tashkent",
        "country": "Uzbekistan",
        "date_start": "2025-11-14",
        "date_end": "2025-11-15",
        "status": "held",
        "participants": ["Kassym-Jomart Tokayev", "Shavkat Mirziyoyev"],
        "languages": ["kk", "ru", "uz-Cyrl"],
        "independent_source_count": 3,
        "coverage": [
            {"source": "akorda", "language": "kk",
             "title": "Мемлекет басшысы Жоғары мемлекетаралық кеңестің отырысына қатысты"},
            {"source": "prosud", "language": "ru",
             "title": "Токаев и Мирзиёев провели переговоры в Ташкенте"},
            {"source": "uzdaily", "language": "uz-Cyrl",
             "title": "Олий давлатлараро кенгашнинг иккинчи йиғилиши бўлиб ўтди"},
        ],
    }


# --- writing -------------------------------------------------------------------------------

def write_alerts(session: Session, drafts: Sequence[AlertDraft], *, now: datetime | None = None) -> list[int]:
    """Insert the drafts, skipping any whose dedup key exists; return the ids actually
    inserted. Only these trigger delivery, so a re-planned alert is never sent twice."""
    now = now or datetime.now(timezone.utc)
    rows = {}
    for draft in drafts:
        rows.setdefault(draft.dedup_key, _row(draft, now))
    if not rows:
        return []
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(Alert)
        .values(list(rows.values()))
        .on_conflict_do_nothing(index_elements=["dedup_key"])
        .returning(Alert.id)
    )
    return sorted(row[0] for row in session.execute(statement))


def _row(draft: AlertDraft, now: datetime) -> dict[str, Any]:
    window_s = draft.payload.get("digest_window_s")
    first_attempt = digest_window_end(now, int(window_s)) if window_s else now
    return {
        "event_id": draft.event_id,
        "kind": draft.kind,
        "rule": draft.rule,
        "channel": draft.channel,
        "content_version": draft.content_version,
        "dedup_key": draft.dedup_key,
        "state": "pending",
        "attempts": 0,
        "payload": draft.payload,
        "created_at": _stored(now),
        "next_attempt_at": _stored(first_attempt),
    }


# --- claiming and acknowledging ------------------------------------------------------------

def claim(session: Session, alert_id: int, now: datetime, lease_s: float = DEFAULT_LEASE_S) -> Alert | None:
    """Take the row for delivery: pending and due, or sending with an expired lease (its worker
    died between claim and acknowledgement). None when sent, failed, not yet due, or leased
    by another worker. While ``sending``, ``next_attempt_at`` is the lease's expiry."""
    claimed = _claim_where(session, now, lease_s, Alert.id == alert_id)
    return _fresh(session, alert_id) if claimed else None


def _claim_where(session: Session, now: datetime, lease_s: float, *criteria: Any) -> list[int]:
    statement = (
        update(Alert)
        .where(*criteria, Alert.state.in_(CLAIMABLE), Alert.next_attempt_at <= _stored(now))
        .values(state="sending", attempts=Alert.attempts + 1,
                next_attempt_at=_stored(now + timedelta(seconds=lease_s)))
        .returning(Alert.id)
        .execution_options(synchronize_session=False)
    )
    return [row[0] for row in session.execute(statement)]


def mark_sent(session: Session, alert_id: int, now: datetime) -> None:
    session.execute(
        update(Alert)
        .where(Alert.id == alert_id, Alert.state == "sending")
        .values(state="sent", sent_at=_stored(now), last_error=None)
        .execution_options(synchronize_session=False)
    )


def mark_failed_attempt(session: Session, alert_id: int, error: str, now: datetime) -> str:
    """Plan the next attempt, or give up and keep the error. Returns the new state."""
    alert = _fresh(session, alert_id)
    if alert is None or alert.state != "sending":
        return alert.state if alert is not None else "missing"
    retry_at = plan_retry(alert.attempts, now)
    state = "pending" if retry_at is not None else "failed"
    session.execute(
        update(Alert)
        .where(Alert.id == alert_id, Alert.state == "sending")
        .values(state=state, last_error=error, next_attempt_at=_stored(retry_at or now))
        .execution_options(synchronize_session=False)
    )
    return state


def _defer(session: Session, alert_ids: Sequence[int], until: datetime) -> None:
    """Give a claim back without counting it as an attempt (quiet hours)."""
    session.execute(
        update(Alert)
        .where(Alert.id.in_(list(alert_ids)), Alert.state == "sending")
        .values(state="pending", attempts=Alert.attempts - 1, next_attempt_at=_stored(until))
        .execution_options(synchronize_session=False)
    )


def due_alerts(session: Session, now: datetime, limit: int = 200) -> list[int]:
    """Alerts to hand to ``deliver_one``: pending and due, or leased by a worker that died."""
    rows = session.execute(
        select(Alert.id)
        .where(Alert.state.in_(CLAIMABLE), Alert.next_attempt_at <= _stored(now))
        .order_by(Alert.next_attempt_at, Alert.id)
        .limit(limit)
    )
    return [row[0] for row in rows]


# --- delivering ----------------------------------------------------------------------------

def deliver_one(engine: Engine, alert_id: int, *, env: Mapping[str, str], now: datetime,
                rules: Sequence[Rule] | None = None, lease_s: float = DEFAULT_LEASE_S) -> str:
    """Claim, send, acknowledge one alert (with its digest window's siblings); return the
    alert's state afterwards. Safe to call for any id, any number of times, from any worker:
    anything not claimable is left alone and its current state returned."""
    with session_scope(engine) as session:
        batch = _claim_batch(session, alert_id, now, lease_s)
        if not batch:
            return _state(session, alert_id)
        held_until = quiet_until(batch[0].payload.get("quiet_hours"), now)
        if held_until is not None:
            _defer(session, [a.id for a in batch], held_until)
            log.info("alert_deferred", alert_id=alert_id, channel=batch[0].channel, reason="quiet_hours")
            return "pending"
        channel, key, (title, body) = batch[0].channel, batch[0].dedup_key, _message(batch)
        batch_ids = [a.id for a in batch]
    result = _send_to_channel(channel, title, body, key, rules=rules, env=env)
    with session_scope(engine) as session:
        states = [_acknowledge(session, i, result, now) for i in batch_ids]
    log.info("alert_delivered" if result.ok else "alert_attempt_failed", alert_id=alert_id, channel=channel,
             batch_size=len(batch_ids), state=states[0], error=result.error)
    return states[0]


def _claim_batch(session: Session, alert_id: int, now: datetime, lease_s: float) -> list[Alert]:
    alert = claim(session, alert_id, now, lease_s)
    if alert is None:
        return []
    if alert.kind != "coverage_digest":
        return [alert]
    # A digest window goes out as one message: take every due update of the same rule and
    # channel along, so the other rows' own deliveries find nothing left to claim.
    siblings = _claim_where(session, now, lease_s, Alert.kind == "coverage_digest", Alert.rule == alert.rule,
                            Alert.channel == alert.channel, Alert.id != alert.id)
    return [alert] + [_fresh(session, i) for i in sorted(siblings)]


def _message(batch: Sequence[Alert]) -> tuple[str, str]:
    if batch[0].kind == "coverage_digest":
        return render_digest([a.payload for a in sorted(batch, key=lambda a: a.id)])
    alert = batch[0]
    return render_message(alert.payload.get("view") or {}, alert.kind, alert.payload)


def _send_to_channel(channel: str, title: str, body: str, key: str, *, rules: Sequence[Rule] | None,
                     env: Mapping[str, str]) -> DeliveryResult:
    rules = rules if rules is not None else load_rules(env=env)
    found = resolve_channels(channel, rules, env)
    if not found:
        return DeliveryResult(ok=False, error=f"channel {channel} is no longer configured")
    return send(title, body, found[0].urls, channel=channel, alert_key=key)


def _acknowledge(session: Session, alert_id: int, result: DeliveryResult, now: datetime) -> str:
    if result.ok:
        mark_sent(session, alert_id, now)
        return _state(session, alert_id)
    return mark_failed_attempt(session, alert_id, result.error or "delivery failed", now)


def send_test(channel_urls: Sequence[str], now: datetime) -> DeliveryResult:
    """A sample message (Kazakh, Russian and Uzbek text) to check a channel end to end."""
    payload = {"changes": {}}
    title, body = render_message(sample_view(), "new_event", payload)
    title = f"SummitWatch test — {title}"
    sent_at = now.astimezone(timezone.utc).isoformat(timespec="seconds")
    body = f"Sent at {sent_at} by `summitwatch alerts test`.\n\n{body}"
    name = channel_name(channel_urls[0]) if channel_urls else "log"
    return send(title, body, channel_urls, channel=name, alert_key=f"test:{now.timestamp():.0f}")


# --- reading -------------------------------------------------------------------------------

def list_alerts(session: Session, limit: int = 50) -> list[dict[str, Any]]:
    """The newest outbox rows, for ``summitwatch alerts list`` and the API. No URLs in here."""
    alerts = session.execute(select(Alert).order_by(Alert.id.desc()).limit(limit)).scalars().all()
    return [
        {
            "id": a.id,
            "event_id": a.event_id,
            "kind": a.kind,
            "rule": a.rule,
            "channel": a.channel,
            "state": a.state,
            "attempts": a.attempts,
            "last_error": a.last_error,
            "dedup_key": a.dedup_key,
            "title": ((a.payload or {}).get("view") or {}).get("title"),
            "created_at": _iso(a.created_at),
            "next_attempt_at": _iso(a.next_attempt_at) if a.state in CLAIMABLE else None,
            "sent_at": _iso(a.sent_at),
        }
        for a in alerts
    ]


def _state(session: Session, alert_id: int) -> str:
    state = session.execute(select(Alert.state).where(Alert.id == alert_id)).scalar_one_or_none()
    return state or "missing"


def _fresh(session: Session, alert_id: int) -> Alert | None:
    return session.get(Alert, alert_id, populate_existing=True)


@lru_cache(maxsize=1)
def _zoned_columns() -> bool:
    """Whether the alert table keeps time zones (an aware column type) or naive UTC."""
    column_type = Alert.__table__.c.next_attempt_at.type
    impl = getattr(column_type, "impl", column_type)
    return bool(getattr(column_type, "timezone", False) or getattr(impl, "timezone", False))


def _stored(moment: datetime | None) -> datetime | None:
    """A timestamp as the alert table stores it: UTC, aware or naive as the column wants."""
    if moment is None:
        return None
    utc = moment.astimezone(timezone.utc) if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return utc if _zoned_columns() else utc.replace(tzinfo=None)


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).isoformat()
