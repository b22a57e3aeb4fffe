"""Delivery through Apprise to a real HTTP webhook receiver and a real SMTP server."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import pytest
from structlog.testing import capture_logs

from tests.alerts.conftest import Mailbox, Webhook, plain_text, subject
from tests.conftest import free_port
from workers.deliver import ALERT_KEY_HEADER, DeliveryResult, plan_retry, redact, send

TITLE = "New event: Тоқаев пен Мирзиёев — Олий давлатлараро кенгаш, o‘zbek"
BODY = "A new event appeared in the coverage.\n\n- Akorda [kk]: Мемлекет басшысы — <https://www.akorda.kz/kz/1>\n"
NOW = datetime(2025, 11, 15, 10, 0, tzinfo=timezone.utc)


def test_webhook_receives_title_body_and_the_alert_key(webhook: Webhook):
    result = send(TITLE, BODY, [webhook.url("/hook")], channel="json-abc123", alert_key="7:new_event:json-abc123:1")
    assert result == DeliveryResult(ok=True)
    [request] = webhook.on("/hook")
    assert request.body["title"] == TITLE
    assert request.body["message"] == BODY.rstrip("\n")  # Apprise trims the final newline
    assert request.body["alert_key"] == "7:new_event:json-abc123:1"
    assert request.headers[ALERT_KEY_HEADER] == "7:new_event:json-abc123:1"
    assert request.headers["Content-Type"] == "application/json"


def test_mail_arrives_over_smtp_in_utf8_with_the_alert_key(mailbox: Mailbox):
    result = send(TITLE, BODY, [mailbox.url()], channel="mailto-abc123", alert_key="7:new_event:mailto-abc123:1")
    assert result.ok, result.error
    [(sender, recipients, message)] = mailbox.messages
    assert sender == "alerts@summitwatch.test" and recipients == ["analyst@example.org"]
    assert subject(message) == TITLE
    assert message[ALERT_KEY_HEADER] == "7:new_event:mailto-abc123:1"
    assert "Мемлекет басшысы" in plain_text(message)
    html = next(p for p in message.walk() if p.get_content_type() == "text/html")
    assert '<a href="https://www.akorda.kz/kz/1">' in html.get_payload(decode=True).decode("utf-8")


def test_a_receiver_answering_500_is_a_failure_with_its_status(webhook: Webhook):
    result = send(TITLE, BODY, [webhook.url("/fail")], channel="json-abc123")
    assert not result.ok
    assert "500" in result.error
    assert len(webhook.on("/fail")) == 1


def test_a_receiver_that_is_down_is_a_failure():
    result = send(TITLE, BODY, [f"json://127.0.0.1:{free_port()}/hook"], channel="json-abc123")
    assert not result.ok
    assert "connection" in result.error.lower()


def test_an_url_apprise_cannot_use_is_a_failure_not_a_crash():
    result = send(TITLE, BODY, ["nosuchservice://token"], channel="x-1")
    assert result == DeliveryResult(ok=False, error="not a usable Apprise URL (scheme nosuchservice://)")


def test_the_log_channel_writes_alert_sent_instead_of_sending():
    with capture_logs() as logs:
        result = send(TITLE, BODY, [], channel="log", alert_key="7:new_event:log:1")
    assert result.ok
    [entry] = [e for e in logs if e["event"] == "alert_sent"]
    assert entry["channel"] == "log" and entry["title"] == TITLE and entry["body"] == BODY
    assert entry["alert_key"] == "7:new_event:log:1"


def test_urls_and_their_secrets_never_reach_the_logs_or_the_error(webhook: Webhook, caplog):
    secret = "s3cr3tW3bh00kT0ken"
    url = f"json://bot:{secret}@127.0.0.1:{webhook.port}/fail/{secret}?-token={secret}"
    caplog.set_level(logging.DEBUG)
    with capture_logs() as logs:
        failed = send(TITLE, BODY, [url], channel="json-abc123")
        unusable = send(TITLE, BODY, [f"nosuchservice://{secret}"], channel="x-1")
    assert not failed.ok and not unusable.ok
    assert webhook.on(f"/fail/{secret}"), "the request did go out"
    assert secret not in failed.error and secret not in unusable.error
    assert secret not in repr(logs)
    assert secret not in caplog.text
    assert any(e["event"] == "alert_delivery_failed" and e["channel"] == "json-abc123" for e in logs)


@pytest.mark.parametrize(
    "text, urls, expected",
    [
        pytest.param("Failed to send to tgram://123456789:AAHdqTcvCH1vGWJxf/-100123 (AAHdqTcvCH1vGWJxf)",
                     ["tgram://123456789:AAHdqTcvCH1vGWJxf/-100123"], "Failed to send to *** (***)",
                     id="telegram-token"),
        pytest.param("login failed for user: hunter22secret at mail.example.org:587",
                     ["mailto://alerts:hunter22secret@mail.example.org:587"],
                     "login failed for user: *** at mail.example.org:587", id="smtp-password-keeps-host"),
        pytest.param("Failed to send JSON POST notification: Internal Server Error, error=500.",
                     ["json://127.0.0.1:8080/hooks/alerts"],
                     "Failed to send JSON POST notification: Internal Server Error, error=500.",
                     id="nothing-secret-nothing-removed"),
    ],
)
def test_redact(text, urls, expected):
    assert redact(text, urls) == expected


@pytest.mark.parametrize(
    "attempts, delay_s",
    [
        pytest.param(1, 30, id="first-failure"),
        pytest.param(2, 60, id="second"),
        pytest.param(3, 120, id="third"),
        pytest.param(5, 480, id="fifth"),
        pytest.param(6, None, id="sixth-gives-up"),
        pytest.param(9, None, id="past-the-limit"),
    ],
)
def test_plan_retry_backs_off_exponentially_then_gives_up(attempts, delay_s):
    expected = NOW + timedelta(seconds=delay_s) if delay_s is not None else None
    assert plan_retry(attempts, NOW) == expected


def test_plan_retry_is_capped():
    assert plan_retry(12, NOW, max_attempts=20, base_s=30, cap_s=3600) == NOW + timedelta(seconds=3600)
