"""The outbox on real databases (SQLite and PostgreSQL) delivering to real receivers."""

from __future__ import annotations

import threading
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session

from storage.db import session_scope
from storage.models import Alert
from tests.alerts.conftest import PEOPLE, Mailbox, Webhook, add_event, plain_text
from tests.alerts.samples import E1_VIEW, E2_VIEW, change, first_article_view, view
from workers.alerts import Digest, QuietHours, Rule, channel_name, plan_alerts
from workers.deliver import ALERT_KEY_HEADER
from workers.outbox import (
    DEFAULT_LEASE_S,
    claim,
    deliver_one,
    due_alerts,
    list_alerts,
    mark_failed_attempt,
    mark_sent,
    send_test,
    write_alerts,
)

NOW = datetime(2025, 11, 15, 6, 0, tzinfo=timezone.utc)
DEFAULT = [Rule(name="default")]


def env_for(*urls: str) -> dict[str, str]:
    return {"SUMMITWATCH_ALERT_URLS": " ".join(urls)}


def new_event_drafts(event_id: int, env: dict[str, str], rules=DEFAULT, base=E1_VIEW):
    return plan_alerts(change(event_id, created=True, status_before=None), first_article_view(view(base, id=event_id)),
                       rules, env, people=PEOPLE)


def write(engine, drafts, now=NOW) -> list[int]:
    with session_scope(engine) as session:
        return write_alerts(session, drafts, now=now)


def alert(engine, alert_id: int) -> Alert:
    with Session(engine) as session:
        return session.get(Alert, alert_id)


def utc(moment: datetime | None) -> datetime | None:
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=timezone.utc)


# --- writing ----------------------------------------------------------------------------------

def test_writing_the_same_alerts_twice_keeps_one_row_and_returns_only_new_ids(engine, webhook: Webhook):
    env = env_for(webhook.url())
    event_id = add_event(engine)
    first = write(engine, new_event_drafts(event_id, env))
    again = write(engine, new_event_drafts(event_id, env) + new_event_drafts(event_id, env))
    assert len(first) == 1 and again == []
    with Session(engine) as session:
        rows = session.execute(select(Alert)).scalars().all()
    assert [(r.kind, r.state, r.attempts, r.dedup_key) for r in rows] == [
        ("new_event", "pending", 0, f"{event_id}:new_event:{channel_name(webhook.url())}:1")
    ]
    assert rows[0].payload["view"]["coverage"][0]["title"] == E1_VIEW["coverage"][0]["title"]


def test_only_new_keys_are_inserted_from_a_mixed_batch(engine, webhook: Webhook):
    env = env_for(webhook.url())
    e1, e2 = add_event(engine), add_event(engine, "summit")
    [old] = write(engine, new_event_drafts(e1, env))
    mixed = new_event_drafts(e1, env) + new_event_drafts(e2, env, base=E2_VIEW)
    [new] = write(engine, mixed)
    assert new != old and alert(engine, new).event_id == e2


# --- claiming ---------------------------------------------------------------------------------

def test_of_many_concurrent_claims_exactly_one_wins(engine, webhook: Webhook):
    [alert_id] = write(engine, new_event_drafts(add_event(engine), env_for(webhook.url())))
    workers = 6
    start = threading.Barrier(workers)
    winners: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            with session_scope(engine) as session:
                if claim(session, alert_id, NOW) is not None:
                    winners.append(threading.get_ident())
        except BaseException as exc:  # the test reports any worker's failure below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(winners) == 1
    row = alert(engine, alert_id)
    assert (row.state, row.attempts) == ("sending", 1)
    assert utc(row.next_attempt_at) == NOW + timedelta(seconds=DEFAULT_LEASE_S)


def test_claim_refuses_what_is_not_due_leased_sent_or_failed(engine, webhook: Webhook):
    env = env_for(webhook.url())
    ids = write(engine, new_event_drafts(add_event(engine), env) + new_event_drafts(add_event(engine), env))
    with session_scope(engine) as session:
        assert claim(session, ids[0], NOW - timedelta(seconds=1)) is None  # written at NOW: not due before
        assert claim(session, ids[0], NOW) is not None
        assert claim(session, ids[0], NOW + timedelta(seconds=10)) is None  # leased
        mark_sent(session, ids[0], NOW)
        assert claim(session, ids[0], NOW + timedelta(days=1)) is None  # sent
        assert claim(session, ids[1], NOW) is not None
        for attempt in range(6):
            mark_failed_attempt(session, ids[1], "HTTP 500", NOW)
            if attempt < 5:
                assert claim(session, ids[1], NOW + timedelta(days=1)) is not None
        assert claim(session, ids[1], NOW + timedelta(days=30)) is None  # failed
    assert alert(engine, ids[1]).state == "failed"


def test_a_worker_killed_between_claim_and_acknowledgement_is_taken_over_after_its_lease(engine, webhook: Webhook):
    [alert_id] = write(engine, new_event_drafts(add_event(engine), env_for(webhook.url())))
    with session_scope(engine) as session:
        assert claim(session, alert_id, NOW) is not None  # ... and the worker died here
    env = env_for(webhook.url())
    assert deliver_one(engine, alert_id, env=env, now=NOW + timedelta(seconds=60), rules=DEFAULT) == "sending"
    assert webhook.requests == []
    assert due_alerts_at(engine, NOW + timedelta(seconds=DEFAULT_LEASE_S)) == [alert_id]
    assert deliver_one(engine, alert_id, env=env, now=NOW + timedelta(seconds=DEFAULT_LEASE_S), rules=DEFAULT) == "sent"
    assert len(webhook.requests) == 1
    row = alert(engine, alert_id)
    assert (row.state, row.attempts) == ("sent", 2)


def due_alerts_at(engine, now: datetime) -> list[int]:
    with session_scope(engine) as session:
        return due_alerts(session, now, limit=100)


# --- delivering -------------------------------------------------------------------------------

def test_an_alert_is_delivered_once_however_often_delivery_runs(engine, webhook: Webhook):
    env = env_for(webhook.url())
    event_id = add_event(engine)
    [alert_id] = write(engine, new_event_drafts(event_id, env))
    states = [deliver_one(engine, alert_id, env=env, now=NOW + timedelta(seconds=s), rules=DEFAULT) for s in (0, 1, 600)]
    assert states == ["sent", "sent", "sent"]
    assert write(engine, new_event_drafts(event_id, env)) == []  # a replay plans it again: nothing new
    [request] = webhook.requests
    assert request.headers[ALERT_KEY_HEADER] == alert(engine, alert_id).dedup_key
    assert request.body["title"].startswith("New event: State visit")
    assert "Тоқаев" not in request.body["title"] and E1_VIEW["coverage"][0]["title"] in request.body["message"]
    row = alert(engine, alert_id)
    assert (row.state, row.attempts, utc(row.sent_at), row.last_error) == ("sent", 1, NOW, None)
    assert due_alerts_at(engine, NOW + timedelta(days=1)) == []


def test_a_failing_channel_backs_off_then_fails_without_holding_back_the_others(engine, webhook: Webhook,
                                                                                mailbox: Mailbox):
    failing, healthy = webhook.url("/fail/receiver"), webhook.url("/hook")
    env = env_for(failing, mailbox.url(), healthy)
    ids = write(engine, new_event_drafts(add_event(engine), env))
    channels = {alert(engine, i).channel: i for i in ids}
    bad = channels[channel_name(failing)]
    first = {i: deliver_one(engine, i, env=env, now=NOW, rules=DEFAULT) for i in ids}
    assert first == {i: ("pending" if i == bad else "sent") for i in ids}
    assert len(webhook.on("/hook")) == 1 and len(mailbox.messages) == 1
    assert "Tashkent" in plain_text(mailbox.messages[0][2])

    now, waits = NOW, []
    while (row := alert(engine, bad)).state == "pending":
        waits.append((utc(row.next_attempt_at) - now).total_seconds())
        assert deliver_one(engine, bad, env=env, now=now + timedelta(seconds=waits[-1] - 1), rules=DEFAULT) == "pending"
        now = utc(row.next_attempt_at)
        deliver_one(engine, bad, env=env, now=now, rules=DEFAULT)
    assert waits == [30, 60, 120, 240, 480]
    assert (row.state, row.attempts) == ("failed", 6)
    assert "500" in row.last_error and "/fail/receiver" not in row.last_error
    assert len(webhook.on("/fail/receiver")) == 6
    assert len(webhook.on("/hook")) == 1 and len(mailbox.messages) == 1


def test_a_channel_removed_from_the_settings_fails_with_a_clear_error(engine, webhook: Webhook):
    [alert_id] = write(engine, new_event_drafts(add_event(engine), env_for(webhook.url())))
    assert deliver_one(engine, alert_id, env={}, now=NOW, rules=DEFAULT) == "pending"
    assert alert(engine, alert_id).last_error == f"channel {channel_name(webhook.url())} is no longer configured"
    assert webhook.requests == []


def test_the_log_channel_marks_alerts_sent(engine):
    [alert_id] = write(engine, new_event_drafts(add_event(engine), {}))
    assert alert(engine, alert_id).channel == "log"
    assert deliver_one(engine, alert_id, env={}, now=NOW, rules=DEFAULT) == "sent"


def test_quiet_hours_hold_an_alert_until_they_end_without_spending_an_attempt(engine, webhook: Webhook):
    almaty = ZoneInfo("Asia/Almaty")
    rules = [Rule(name="night", quiet_hours=QuietHours(time(22), time(7), "Asia/Almaty"))]
    env = env_for(webhook.url())
    late = datetime(2025, 11, 15, 23, 30, tzinfo=almaty)
    [alert_id] = write(engine, new_event_drafts(add_event(engine), env, rules), now=late)
    assert deliver_one(engine, alert_id, env=env, now=late, rules=rules) == "pending"
    row = alert(engine, alert_id)
    morning = datetime(2025, 11, 16, 7, 0, tzinfo=almaty)
    assert (row.state, row.attempts, utc(row.next_attempt_at)) == ("pending", 0, morning)
    assert due_alerts_at(engine, morning - timedelta(seconds=1)) == []
    assert deliver_one(engine, alert_id, env=env, now=morning, rules=rules) == "sent"
    assert len(webhook.requests) == 1 and alert(engine, alert_id).attempts == 1


def test_a_digest_window_goes_out_as_one_message(engine, webhook: Webhook):
    rules = [Rule(name="digest", kinds=(), digest=Digest(window_s=3600))]
    env = env_for(webhook.url())
    e1, e2 = add_event(engine), add_event(engine, "summit")
    third = view(E1_VIEW, id=e1, article_count=3, coverage=E1_VIEW["coverage"][:3])
    second_outlet = dict(E2_VIEW["coverage"][0], article_id=6, url="https://kazinform.kz/6", source="kazinform",
                         language="ru", title="В Астане прошла Консультативная встреча глав государств")
    updates = [
        (NOW + timedelta(minutes=5), change(e1, coverage_added=True), third),
        (NOW + timedelta(minutes=20), change(e2, coverage_added=True),
         view(E2_VIEW, id=e2, coverage=E2_VIEW["coverage"] + [second_outlet], languages=["kk", "ru"])),
        (NOW + timedelta(minutes=40), change(e1, coverage_added=True), view(E1_VIEW, id=e1)),
        (NOW + timedelta(minutes=65), change(e1, coverage_added=True),
         view(E1_VIEW, id=e1, coverage=E1_VIEW["coverage"] + [dict(second_outlet, article_id=7, url="https://x.kz/7")])),
    ]
    ids = [i for at, ch, v in updates for i in write(engine, plan_alerts(ch, v, rules, env, people=PEOPLE), now=at)]
    assert len(ids) == 4
    assert deliver_one(engine, ids[0], env=env, now=NOW + timedelta(minutes=50), rules=rules) == "pending"
    window_end = NOW + timedelta(hours=1)
    assert due_alerts_at(engine, window_end) == ids[:3]
    assert [deliver_one(engine, i, env=env, now=window_end, rules=rules) for i in ids[:3]] == ["sent"] * 3
    [message] = webhook.requests
    assert message.body["title"] == "New coverage: 3 articles on 2 events"
    assert "Олий давлатлараро кенгашнинг" in message.body["message"]
    assert "В Астане прошла Консультативная встреча" in message.body["message"]
    assert alert(engine, ids[3]).state == "pending"  # the next window
    assert deliver_one(engine, ids[3], env=env, now=window_end + timedelta(hours=1), rules=rules) == "sent"
    assert webhook.requests[-1].body["title"] == "New coverage: 1 article on 1 event"


# --- reading and testing channels ----------------------------------------------------------------

def test_list_alerts_shows_the_outbox_with_states_and_no_urls(engine, webhook: Webhook):
    env = env_for(webhook.url("/fail/s3cretpath"), webhook.url())
    ids = write(engine, new_event_drafts(add_event(engine), env))
    for alert_id in ids:
        deliver_one(engine, alert_id, env=env, now=NOW, rules=DEFAULT)
    with Session(engine) as session:
        rows = list_alerts(session, limit=10)
    assert [r["id"] for r in rows] == sorted(ids, reverse=True)
    assert sorted(r["state"] for r in rows) == ["pending", "sent"]
    pending = next(r for r in rows if r["state"] == "pending")
    assert pending["attempts"] == 1 and "500" in pending["last_error"]
    assert pending["next_attempt_at"] == (NOW + timedelta(seconds=30)).isoformat()
    assert all(r["title"] == E1_VIEW["title"] and r["kind"] == "new_event" for r in rows)
    assert "s3cretpath" not in repr(rows) and str(webhook.port) not in repr(rows)


def test_send_test_reaches_the_channel(webhook: Webhook):
    result = send_test([webhook.url("/hook")], NOW)
    assert result.ok
    [request] = webhook.requests
    assert request.body["title"].startswith("SummitWatch test")
    assert "Қасым-Жомарт" in request.body["title"] and "Олий давлатлараро" in request.body["message"]
    assert send_test([], NOW).ok
