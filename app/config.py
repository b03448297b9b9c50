"""Configuration from environment variables.

Every setting is documented in docs/CONFIGURATION.md.  Values are
read once, when the application is created, never at import time.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"


class ConfigError(RuntimeError):
    """The configuration cannot be used; the message says how to fix it."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(env: dict, name: str, default: int) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from exc


def _float(env: dict, name: str, default: float) -> float:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, not {raw!r}") from exc


def load_config(env: dict | None = None, overrides: dict | None = None) -> dict:
    """Return the Flask config mapping built from ``env`` (default ``os.environ``).

    ``overrides`` (used by tests) wins over the environment.
    """
    env = dict(os.environ if env is None else env)
    overrides = dict(overrides or {})
    app_env = (overrides.get("APP_ENV") or env.get("APP_ENV") or "production").lower()
    testing = bool(overrides.get("TESTING")) or app_env == "testing"
    development = app_env == "development"

    secret = overrides.get("SECRET_KEY") or env.get("SECRET_KEY")
    if not secret:
        if testing or development:
            secret = "dev-and-test-only-not-secret"
        else:
            raise ConfigError(
                "SECRET_KEY is not set. Outside development the app refuses to start "
                "without it. Generate one with\n"
                "    python -c 'import secrets; print(secrets.token_hex(32))'\n"
                "and set it in the environment, for example\n"
                "    export SECRET_KEY=<that value>\n"
                "(or run with APP_ENV=development on your own machine)."
            )

    default_db = f"sqlite:///{INSTANCE / 'youth_voice_map.sqlite'}"
    cfg = {
        "APP_ENV": app_env,
        "TESTING": testing,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL") or default_db,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Council identity, used in signposting and the privacy notice.
        "COUNCIL_NAME": env.get("COUNCIL_NAME", "Herefordshire Council"),
        "COUNCIL_FRONT_DOOR": env.get(
            "COUNCIL_FRONT_DOOR",
            "Herefordshire Children's Services front door: 01432 260800",
        ),
        # Map tiles: a URL template and attribution, or none.
        "MAP_TILES_URL": env.get("MAP_TILES_URL", ""),
        "MAP_TILES_ATTRIBUTION": env.get("MAP_TILES_ATTRIBUTION", ""),
        # Statistical disclosure control (NHS England small-area rule).
        "DISCLOSURE_MIN": _int(env, "DISCLOSURE_MIN", 1),
        "DISCLOSURE_MAX_SUPPRESSED": _int(env, "DISCLOSURE_MAX_SUPPRESSED", 7),
        "DISCLOSURE_ROUND_TO": _int(env, "DISCLOSURE_ROUND_TO", 5),
        # Young people's age band for population figures (s507B: 13-19).
        "YOUTH_AGE_MIN": _int(env, "YOUTH_AGE_MIN", 13),
        "YOUTH_AGE_MAX": _int(env, "YOUTH_AGE_MAX", 19),
        # Directory upkeep.
        "SERVICE_REVIEW_DAYS": _int(env, "SERVICE_REVIEW_DAYS", 180),
        # Privacy: how long free text and safeguarding notes are kept.
        "RETENTION_FREE_TEXT_DAYS": _int(env, "RETENTION_FREE_TEXT_DAYS", 365),
        "RETENTION_SAFEGUARDING_NOTES_DAYS": _int(env, "RETENTION_SAFEGUARDING_NOTES_DAYS", 730),
        "RETENTION_REPORT_MESSAGES_DAYS": _int(env, "RETENTION_REPORT_MESSAGES_DAYS", 365),
        # Rate limits (Flask-Limiter); memory by default, Redis when set.
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _bool(env.get("RATELIMIT_ENABLED"), True),
        # How often each app server re-reads which survey version is current and the
        # data version (areas, postcodes) when serving the public survey: an admin's
        # change shows on every server within this many seconds; 0 checks on every
        # request (the default in tests).
        "SURVEY_RECHECK_SECONDS": _float(env, "SURVEY_RECHECK_SECONDS", 0.0 if testing else 5.0),
        # Analysis defaults.
        "TRAVEL_THRESHOLD_MIN": _float(env, "TRAVEL_THRESHOLD_MIN", 30.0),
        # Sessions and cookies.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool(
            env.get("SESSION_COOKIE_SECURE"), not (testing or development)
        ),
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": _int(env, "MAX_CONTENT_LENGTH", 16 * 1024 * 1024),
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO"),
    }
    cfg.update(overrides)
    if cfg.get("MAP_TILES_URL") and not cfg.get("MAP_TILES_ATTRIBUTION"):
        raise ConfigError(
            "MAP_TILES_URL is set but MAP_TILES_ATTRIBUTION is empty. Tile providers require "
            "their attribution on the map; set it too, for example\n"
            "    export MAP_TILES_ATTRIBUTION='© OpenStreetMap contributors'"
        )
    if testing:
        cfg.setdefault("MAP_TILES_URL", "")
        cfg["MAP_TILES_URL"] = overrides.get("MAP_TILES_URL", "")
    return cfg
