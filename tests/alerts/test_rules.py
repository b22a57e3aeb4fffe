"""Rules as data: the bundled default, validation, and channels named without secrets."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from workers.alerts import (
    CENTRAL_ASIAN_HEADS_OF_STATE,
    Channel,
    QuietHours,
    Rule,
    RulesError,
    channel_name,
    channels_for,
    load_rules,
    resolve_channels,
)

SLACK = "slack://T1234ABCD/B5678EFGH/hunter2secretwebhooktoken"
TELEGRAM = "tgram://123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/-1001234567890"


def test_default_rule_is_new_summits_and_visits_of_central_asian_heads_of_state():
    [rule] = load_rules()
    assert rule.name == "default"
    assert set(rule.event_types) == {"summit", "state_visit", "official_visit", "working_visit", "council_session"}
    assert rule.leaders == (CENTRAL_ASIAN_HEADS_OF_STATE,)
    assert rule.countries == () and rule.formats == () and rule.languages == ()
    assert rule.kinds == ("new_event", "status_changed")
    assert rule.channels == ("default",)
    assert rule.min_independent_sources == 1
    assert rule.quiet_hours is None and rule.digest is None


def test_rules_file_comes_from_the_environment_when_no_path_is_given(tmp_path: Path):
    path = tmp_path / "rules.yaml"
    path.write_text(
        "rules:\n"
        "  - name: ca-conflicts\n"
        "    kinds: [conflict, new_facts]\n"
        "    languages: [uz, kk]\n"
        "    countries_of_leaders: [uz]\n"
        "    channels: [env:TEAM_ALERT_URLS, log]\n"
        "    quiet_hours: {start: '22:00', end: '07:30', timezone: Asia/Tashkent}\n"
        "    digest: {window_s: 900}\n",
        encoding="utf-8",
    )
    [rule] = load_rules(env={"SUMMITWATCH_ALERT_RULES": str(path)})
    assert rule.name == "ca-conflicts"
    assert rule.kinds == ("conflict", "new_facts")
    assert rule.languages == ("uz", "kk")
    assert rule.countries_of_leaders == ("UZ",)
    assert rule.channels == ("env:TEAM_ALERT_URLS", "log")
    assert rule.quiet_hours == QuietHours(time(22, 0), time(7, 30), "Asia/Tashkent")
    assert rule.digest is not None and rule.digest.window_s == 900


@pytest.mark.parametrize(
    "body, complaint",
    [
        pytest.param("rules: {}", "rules:", id="rules-not-a-list"),
        pytest.param("rules:\n  - kinds: [new_event]", "name", id="rule-without-name"),
        pytest.param("rules:\n  - name: a\n    colour: red", "unknown fields ['colour']", id="unknown-field"),
        pytest.param("rules:\n  - name: a\n    kinds: [new_summit]", "new_summit", id="unknown-kind"),
        pytest.param("rules:\n  - name: a\n    event_types: [banquet]", "banquet", id="unknown-event-type"),
        pytest.param("rules:\n  - name: a\n    channels: []", "channel", id="no-channel"),
        pytest.param("rules:\n  - name: a\n    quiet_hours: {start: late}", "quiet_hours", id="bad-quiet-hours"),
        pytest.param("rules:\n  - name: a\n    quiet_hours: {start: '22:00', end: '07:00', timezone: Mars/Olympus}",
                     "quiet_hours", id="unknown-time-zone"),
        pytest.param("rules:\n  - name: a\n    digest: {window_s: 0}", "window_s", id="empty-digest-window"),
        pytest.param("rules:\n  - name: a\n  - name: a", "unique", id="duplicate-names"),
    ],
)
def test_a_wrong_rules_file_fails_loudly(tmp_path: Path, body: str, complaint: str):
    path = tmp_path / "rules.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(RulesError, match=complaint.replace("[", r"\[").replace("]", r"\]")):
        load_rules(path)


@pytest.mark.parametrize(
    "channels, env, expected",
    [
        pytest.param(("default",), {}, [Channel("log", ())], id="default-without-urls-is-the-log"),
        pytest.param(("default",), {"SUMMITWATCH_ALERT_URLS": f"  {SLACK}\n {TELEGRAM} "},
                     [Channel(channel_name(SLACK), (SLACK,)), Channel(channel_name(TELEGRAM), (TELEGRAM,))],
                     id="default-is-one-channel-per-url"),
        pytest.param(("env:TEAM_ALERT_URLS",), {"TEAM_ALERT_URLS": TELEGRAM},
                     [Channel(channel_name(TELEGRAM), (TELEGRAM,))], id="named-variable"),
        pytest.param(("env:TEAM_ALERT_URLS",), {}, [Channel("log", ())], id="unset-variable-is-the-log"),
        pytest.param((SLACK, "log"), {}, [Channel(channel_name(SLACK), (SLACK,)), Channel("log", ())],
                     id="literal-url-and-log"),
        pytest.param(("default", "env:SUMMITWATCH_ALERT_URLS"), {"SUMMITWATCH_ALERT_URLS": SLACK},
                     [Channel(channel_name(SLACK), (SLACK,))], id="same-url-twice-is-one-channel"),
    ],
)
def test_channels_for(channels, env, expected):
    assert channels_for(Rule(name="r", channels=channels), env) == expected


@pytest.mark.parametrize("url", [SLACK, TELEGRAM, "mailto://user:s3cretpass@mail.example.org?to=a@example.org"])
def test_channel_names_are_stable_and_reveal_nothing_of_the_url(url: str):
    name = channel_name(url)
    assert name == channel_name(url)
    assert name.split("-")[0] == url.split("://")[0]
    assert len(name.split("-")[1]) == 6
    secrets = [part for part in url.replace("://", "/").replace(":", "/").replace("@", "/").split("/")[1:] if len(part) > 5]
    assert secrets and not any(secret in name for secret in secrets)


def test_resolve_channels_finds_a_stored_channel_name_through_the_rules():
    env = {"SUMMITWATCH_ALERT_URLS": f"{SLACK} {TELEGRAM}"}
    rules = [Rule(name="default")]
    assert resolve_channels(channel_name(TELEGRAM), rules, env) == [Channel(channel_name(TELEGRAM), (TELEGRAM,))]
    assert len(resolve_channels("default", rules, env)) == 2
    assert resolve_channels("log", rules, env) == [Channel("log", ())]
    assert resolve_channels("json-000000", rules, env) == []
