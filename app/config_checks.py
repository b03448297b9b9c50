"""Checks of settings whose values need more than a type: the public address, the
trusted hosts, map tiles' attribution and the Local Offer link.  Kept beside
:mod:`app.config` (which holds every setting and reads them) so that the table stays short enough to read; no setting is defined here.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit


class ConfigError(RuntimeError):
    """The configuration cannot be used; the message says how to fix it."""


def public_base_url(raw: str) -> str:
    """``PUBLIC_BASE_URL`` checked: ``http(s)://host[:port][/path]``, no trailing slash."""
    if not raw:
        raise ConfigError(
            "PUBLIC_BASE_URL is not set. Outside development the app refuses to start without "
            "the address people reach it at, because every link it sends (invitations, "
            "check-in links, QR codes, PDFs) is built from it, never from the request. Set it, "
            "for example\n    export PUBLIC_BASE_URL=https://youthvoice.example.gov.uk")
    parts = urlsplit(raw.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query \
            or parts.fragment or parts.username or parts.password:
        raise ConfigError(
            f"PUBLIC_BASE_URL must be an http or https address such as "
            f"https://youthvoice.example.gov.uk (a path is allowed; no query), not {raw!r}")
    return f"{parts.scheme}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


def trusted_hosts(raw, base_url: str, *, any_host: bool) -> list[str] | None:
    """Flask's ``TRUSTED_HOSTS``: the list given (a list, or text separated by
    commas), else the host of ``base_url`` outside development and tests
    (``None``, any host, there or for ``*``)."""
    if isinstance(raw, (list, tuple)):
        return list(raw)
    names = [n.strip().lower() for n in (raw or "").split(",") if n.strip()]
    if names == ["*"]:
        return None
    if names:
        return names
    return None if any_host else [urlsplit(base_url).hostname]


def check_links(cfg: dict) -> None:
    """Map tiles need their attribution; the Local Offer link must be a web address."""
    if cfg.get("MAP_TILES_URL") and not cfg.get("MAP_TILES_ATTRIBUTION"):
        raise ConfigError(
            "MAP_TILES_URL is set but MAP_TILES_ATTRIBUTION is empty. Tile providers require "
            "their attribution on the map; set it too, for example\n"
            "    export MAP_TILES_ATTRIBUTION='© OpenStreetMap contributors'"
        )
    if cfg.get("LOCAL_OFFER_URL"):
        from .ingest import web_address_problem

        problem = web_address_problem(cfg["LOCAL_OFFER_URL"], 2000)
        if problem:
            raise ConfigError(f"LOCAL_OFFER_URL {problem}, for example "
                              "https://www.example.gov.uk/localoffer")


def secret_key(secret: str, relaxed: bool) -> str:
    """``SECRET_KEY``, or a fixed one in development and tests; outside them, none stops the app."""
    if secret:
        return secret
    if relaxed:
        return "dev-and-test-only-not-secret"
    raise ConfigError(
        "SECRET_KEY is not set. Outside development the app refuses to start "
        "without it. Generate one with\n"
        "    python -c 'import secrets; print(secrets.token_hex(32))'\n"
        "and set it in the environment, for example\n"
        "    export SECRET_KEY=<that value>\n"
        "(or run with APP_ENV=development on your own machine).")


def parse_value(variable: str, kind: type, raw: str) -> Any:
    """A setting's text from the environment as ``kind`` (bool, int, float or str)."""
    if kind is bool:
        value = raw.strip().lower()
        if value in {"1", "true", "yes", "on"}:
            return True
        if value in {"0", "false", "no", "off"}:
            return False
        raise ConfigError(f"{variable} must be true or false, not {raw!r}")
    if kind is int:
        try:
            return int(raw)
        except ValueError as exc:
            raise ConfigError(f"{variable} must be a whole number, not {raw!r}") from exc
    if kind is float:
        try:
            return float(raw)
        except ValueError as exc:
            raise ConfigError(f"{variable} must be a number, not {raw!r}") from exc
    return raw
