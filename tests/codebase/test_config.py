"""Settings: typed, documented once (in app/config.py), read from the environment there only."""

from __future__ import annotations

import pytest

from app.config import SETTINGS, ConfigError, load_config, markdown

from ..conftest import ROOT


def test_configuration_doc_is_generated_from_the_settings_table():
    doc = (ROOT / "docs" / "CONFIGURATION.md").read_text(encoding="utf-8")
    assert doc == markdown(), "run: .venv/bin/python -m app.config > docs/CONFIGURATION.md"
    for setting in SETTINGS:
        assert f"| `{setting.variable}` |" in doc


def test_cache_settings_come_from_the_environment():
    cfg = load_config(env={"APP_ENV": "testing", "CACHE_REDIS_URL": "redis://127.0.0.1:6379/3",
                           "CACHE_TTL_SECONDS": "60", "CACHE_MAX_ENTRIES": "8",
                           "CACHE_ENABLED": "false"})
    assert cfg["CACHE_REDIS_URL"] == "redis://127.0.0.1:6379/3"
    assert (cfg["CACHE_TTL_SECONDS"], cfg["CACHE_MAX_ENTRIES"], cfg["CACHE_ENABLED"]) == (60, 8,
                                                                                         False)
    defaults = load_config(env={"APP_ENV": "testing"})
    assert (defaults["CACHE_REDIS_URL"], defaults["CACHE_TTL_SECONDS"]) == ("", 3600)


def test_cache_redis_url_chooses_the_redis_backend():
    from app.cache import RedisCache, backend_for

    cfg = load_config(env={"APP_ENV": "testing", "CACHE_REDIS_URL": "redis://127.0.0.1:6379/3"})
    assert isinstance(backend_for(cfg), RedisCache)
    assert not isinstance(backend_for(load_config(env={"APP_ENV": "testing"})), RedisCache)


def test_values_are_typed_and_a_bad_one_names_its_variable():
    cfg = load_config(env={"APP_ENV": "testing", "TRUSTED_PROXY_COUNT": "1",
                           "TRAVEL_THRESHOLD_MIN": "45", "RATELIMIT_ENABLED": "no",
                           "DATABASE_URL": "sqlite:///x.sqlite"})
    assert cfg["TRUSTED_PROXY_COUNT"] == 1 and cfg["TRAVEL_THRESHOLD_MIN"] == 45.0
    assert cfg["RATELIMIT_ENABLED"] is False
    assert cfg["SQLALCHEMY_DATABASE_URI"] == "sqlite:///x.sqlite"
    for name, bad in (("TRUSTED_PROXY_COUNT", "one"), ("TRAVEL_THRESHOLD_MIN", "soon"),
                      ("CACHE_ENABLED", "maybe")):
        with pytest.raises(ConfigError, match=name):
            load_config(env={"APP_ENV": "testing", name: bad})


def test_trusted_proxy_count_from_the_environment_reaches_the_app(monkeypatch):
    from app.factory import create_app

    monkeypatch.setenv("TRUSTED_PROXY_COUNT", "1")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    seen = {}

    @app.get("/_client")
    def _client():
        from flask import request

        seen["addr"] = request.remote_addr
        return "ok"

    app.test_client().get("/_client", headers={"X-Forwarded-For": "203.0.113.9"})
    assert seen["addr"] == "203.0.113.9"
