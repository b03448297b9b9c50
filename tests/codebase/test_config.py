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


# -- defaults only in app/config.py (issue 28) -------------------------------------------

def repeated_defaults(paths) -> list[str]:
    """Calls ``<x>.get("SETTING", default)`` outside app/config.py: a default written
    again beside the call, which drifts when the setting's own default changes.
    (``.get("SETTING") or fallback`` for an empty value is a different rule, allowed.)"""
    import ast

    names = {s.name for s in SETTINGS} | {s.variable for s in SETTINGS}
    found = []
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("get", "setdefault") and node.args
                    and isinstance(node.args[0], ast.Constant) and node.args[0].value in names
                    and (len(node.args) > 1 or node.keywords)):
                default = node.args[1] if len(node.args) > 1 else node.keywords[0].value
                if not (isinstance(default, ast.Constant) and default.value is None):
                    found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_module_repeats_a_settings_default():
    """The Flask config holds every setting (index it); a function given a config
    mapping that may be partial reads it with ``app.config_values.setting_value``."""
    paths = [p for p in sorted((ROOT / "app").rglob("*.py"))
             if p.relative_to(ROOT).as_posix() != "app/config.py"]
    assert repeated_defaults(paths) == []


def test_the_default_check_finds_a_repeated_default(tmp_path):
    from app.config_values import setting_value

    mod = tmp_path / "m.py"
    mod.write_text('a = config.get("PUBLISH_HOUR", 2)\nb = config.get("PUBLISH_HOUR")\n'
                   'c = config.get("NOT_A_SETTING", 1)\nd = cfg.get("LOG_LEVEL", default="INFO")\n')
    assert repeated_defaults([mod]) == ['m.py:1: config.get(\'PUBLISH_HOUR\', 2)',
                                        'm.py:4: cfg.get(\'LOG_LEVEL\', default=\'INFO\')']
    assert setting_value({}, "PUBLISH_HOUR") == 2 and setting_value({"PUBLISH_HOUR": 5},
                                                                    "PUBLISH_HOUR") == 5
    with pytest.raises(KeyError):
        setting_value({}, "NOT_A_SETTING")
