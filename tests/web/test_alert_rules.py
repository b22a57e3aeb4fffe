"""The alert rules endpoints: read freely, write only with the token, never write invalid rules."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from summitwatch.settings import Settings
from tests.web.conftest import serve
from web.app import create_app
from workers.alerts import DEFAULT_RULES_FILE, load_rules

TOKEN = "s3cret-token"
NEW_RULES = """rules:
  - name: summits-only
    event_types: [summit]
    kinds: [new_event]
    channels: [log]
"""


@pytest.fixture
def rules_file(tmp_path) -> Path:
    path = tmp_path / "alert_rules.yaml"
    path.write_text(DEFAULT_RULES_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def client_for(sqlite_url: str, rules_file: Path, token: str):
    app = create_app(Settings(database_url=sqlite_url, alert_rules_file=rules_file, api_token=token))
    return serve(app)


def test_read_the_rules(sqlite_url, rules_file):
    with client_for(sqlite_url, rules_file, TOKEN) as url:
        body = httpx.get(f"{url}/api/alert-rules").json()
    assert body["path"] == str(rules_file)
    assert body["content"] == rules_file.read_text(encoding="utf-8")
    assert [rule["name"] for rule in body["rules"]] == ["default"]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN},
                                     {"Authorization": f"Basic {TOKEN}"}],
                         ids=["no header", "wrong token", "no scheme", "wrong scheme"])
def test_writes_without_the_token_are_forbidden(sqlite_url, rules_file, headers):
    before = rules_file.read_text(encoding="utf-8")
    with client_for(sqlite_url, rules_file, TOKEN) as url:
        answer = httpx.put(f"{url}/api/alert-rules", json={"content": NEW_RULES}, headers=headers)
    assert answer.status_code == 403
    assert rules_file.read_text(encoding="utf-8") == before


def test_writes_are_refused_when_no_token_is_configured(sqlite_url, rules_file):
    with client_for(sqlite_url, rules_file, "") as url:
        answer = httpx.put(f"{url}/api/alert-rules", json={"content": NEW_RULES},
                           headers={"Authorization": "Bearer anything"})
    assert answer.status_code == 403
    assert "SUMMITWATCH_API_TOKEN" in answer.json()["detail"]


@pytest.mark.parametrize("content,message", [
    ("rules:\n  - name: x\n    colour: red\n", "unknown fields"),
    ("rules:\n  - name: x\n    kinds: [fireworks]\n", "kinds"),
    ("rules: [\n", "invalid rules"),
    ("just text\n", "rules"),
], ids=["unknown field", "unknown kind", "broken YAML", "no rules list"])
def test_invalid_rules_are_refused_and_the_file_kept(sqlite_url, rules_file, content, message):
    before = rules_file.read_text(encoding="utf-8")
    with client_for(sqlite_url, rules_file, TOKEN) as url:
        answer = httpx.put(f"{url}/api/alert-rules", json={"content": content},
                           headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 422
    assert message in answer.json()["detail"]
    assert rules_file.read_text(encoding="utf-8") == before
    assert [p.name for p in rules_file.parent.iterdir()] == [rules_file.name]  # no temporary left behind


def test_valid_rules_replace_the_file(sqlite_url, rules_file):
    with client_for(sqlite_url, rules_file, TOKEN) as url:
        answer = httpx.put(f"{url}/api/alert-rules", json={"content": NEW_RULES},
                           headers={"Authorization": f"Bearer {TOKEN}"})
        assert answer.status_code == 200
        assert httpx.get(f"{url}/api/alert-rules").json()["content"] == NEW_RULES
    assert rules_file.read_text(encoding="utf-8") == NEW_RULES
    [rule] = load_rules(rules_file)
    assert (rule.name, rule.event_types, rule.channels) == ("summits-only", ("summit",), ("log",))
