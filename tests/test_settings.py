"""Settings refuse unknown or invalid values with a clear message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from summitwatch.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_defaults_are_embedded_on_sqlite():
    settings = Settings()
    assert settings.embedded
    assert settings.effective_database_url.startswith("sqlite:///")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SUMMITWATCH_LOG_LEVEL", "LOUD", "SUMMITWATCH_LOG_LEVEL must be"),
        ("REDIS_URL", "http://127.0.0.1:6379", "REDIS_URL must be a redis:// URL"),
        ("SUMMITWATCH_PER_HOST_CONCURRENCY", "0", "greater than or equal to 1"),
        ("SUMMITWATCH_DISPATCH_INTERVL_S", "30", "unknown settings: SUMMITWATCH_DISPATCH_INTERVL_S"),
    ],
)
def test_invalid_values_fail_loudly(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match=re.escape(message)):
        Settings()


def test_env_example_lists_every_setting():
    listed = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), flags=re.M))
    names = {f.validation_alias for f in Settings.model_fields.values()}
    assert names == listed
