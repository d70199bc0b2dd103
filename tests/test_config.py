"""Settings named in the README come from the environment."""

import importlib

import pytest

import config


@pytest.fixture
def reload_config(monkeypatch):
    def reload(**environment):
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        return importlib.reload(config)

    yield reload
    monkeypatch.undo()
    importlib.reload(config)


def test_limits_and_sizes_come_from_the_environment(reload_config):
    settings = reload_config(
        FEEDBACK_RATE_LIMIT="5 per hour",
        TRACKING_RATE_LIMIT="20 per hour",
        LOGIN_RATE_LIMIT="3 per minute",
        MAX_PHOTO_BYTES="1000000",
        MAX_ATTACHMENT_BYTES="5000000",
        AUDIT_RANKING_MIN_ITEMS="25",
        AUDIT_PUBLIC_SUMMARY_SECONDS="60",
        RATELIMIT_ENABLED="false",
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0",
    ).Config

    assert settings.FEEDBACK_RATE_LIMIT == "5 per hour"
    assert settings.TRACKING_RATE_LIMIT == "20 per hour"
    assert settings.LOGIN_RATE_LIMIT == "3 per minute"
    assert settings.MAX_PHOTO_BYTES == 1_000_000
    assert settings.MAX_ATTACHMENT_BYTES == 5_000_000
    assert settings.AUDIT_RANKING_MIN_ITEMS == 25
    assert settings.AUDIT_PUBLIC_SUMMARY_SECONDS == 60
    assert settings.RATELIMIT_ENABLED is False
    assert settings.RATELIMIT_STORAGE_URI == "redis://127.0.0.1:6379/0"


def test_postgres_urls_use_psycopg_3(reload_config):
    settings = reload_config(DATABASE_URL="postgres://congkhai@db.internal/congkhai").Config

    assert settings.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://congkhai@db.internal/congkhai"


def test_public_base_url_defaults_to_where_make_run_serves(reload_config, monkeypatch):
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    settings = reload_config(HOST="0.0.0.0", PORT="8080").Config  # noqa: S104

    assert settings.PUBLIC_BASE_URL == "http://0.0.0.0:8080"
