"""Abuse limits for the survey, the public report form and staff sign-in, on Flask-Limiter.

Limits are applied here, centrally, by endpoint name, so the views need no
decorator: each rule below is a Flask-Limiter application limit that applies
only to its endpoints and methods, counted in a store every worker shares:

* Redis when ``RATELIMIT_STORAGE_URI`` (or ``REDIS_URL``) names it, so several
  machines share one count;
* otherwise one SQLite file in the instance folder
  (:mod:`app.ratelimit_store`), shared by every worker on the machine (the
  ``memory://`` store counts per process, so three workers allowed three
  times the limit).  ``memory://`` is still accepted for tests.

Why these keys.  A whole school reaches us from one public address, so a limit
on the address alone would either let a flood through or lock out a class:

* **per address, accepted submissions** - generous: a class of 30 in one minute
  and a school of 1,000 in a morning fit well inside it;
* **per address, rejected submissions only** - tight: junk is refused with 4xx
  by the view, and after a handful of those the address is slowed down;
* **per submission token** - a retry or a double tap is harmless, hammering is not.

Sign-in never locks an account.  Failures slow down, with growing waits
(stacked windows: a few a minute, fewer a quarter hour, an hour, a day).
Each sign-in *takes a slot* in these counts before the password is looked at
(one atomic increment in the shared store; over the limit, the request is
refused and the password never checked), and gives it back unless it failed:
so guesses sent at the same moment to several workers cannot all slip through
a check made before any of them was counted.  The counts:

* per (account, client): the client is the browser's *device cookie* for that
  account (set at a successful sign-in) or else the address;
* per client, whatever accounts it tries;
* per account from clients it has never signed in from: a generous ceiling
  that slows a stranger down but never the account's own known browser, so
  nobody can lock the safeguarding lead out by knowing her address.

No client address is stored: every key is an HMAC-SHA256 of the address (or
token, e-mail or device) under ``SECRET_KEY``, truncated, living only as long
as the longest window.  If the store is down, requests are let through and
the failure is logged (a pupil is never turned away because Redis is down).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app, g, request
from flask_limiter import ApplicationLimit, Limiter, RateLimitExceeded
from werkzeug.exceptions import TooManyRequests

from . import ratelimit_store  # registers the sqlite:// store with limits

SURVEY_ENDPOINTS = ("survey.take", "survey.campaign")
REPORT_ENDPOINTS = ("directory.report",)
LOGIN_ENDPOINTS = ("auth.login",)
TOKEN_FIELDS = ("token", "submission_token")
DEVICE_COOKIE = "yvm_device"

DEFAULTS = {
    "RATELIMIT_SURVEY_PER_ADDRESS": "120 per minute;2500 per hour;6000 per day",
    "RATELIMIT_SURVEY_REJECTED_PER_ADDRESS": "60 per minute;300 per hour",
    "RATELIMIT_SURVEY_NO_TOKEN_PER_ADDRESS": "10 per minute;30 per hour",
    "RATELIMIT_SURVEY_PER_TOKEN": "10 per minute",
    "RATELIMIT_REPORT_PER_ADDRESS": "20 per minute;200 per hour",
    "RATELIMIT_REPORT_REJECTED_PER_ADDRESS": "10 per minute;50 per hour",
    "RATELIMIT_LOGIN_PER_ADDRESS": "20 per minute;200 per hour",
    "RATELIMIT_LOGIN_FAILED_PER_ADDRESS": "10 per minute;40 per hour",
    # One account from one client: growing waits, never a lock.
    "RATELIMIT_LOGIN_FAILED_PER_ACCOUNT_CLIENT": "3 per minute;6 per 15 minutes;10 per hour;"
                                                 "20 per day",
    # One account from clients it never signed in from: a ceiling that slows.
    "RATELIMIT_LOGIN_FAILED_PER_ACCOUNT": "30 per hour;100 per day",
    "RATELIMIT_KEY_PREFIX": "yvm",
}
EXTENSION = "yvm_ratelimit"
REJECTED_STATUSES = (400, 401, 403, 404, 409, 410, 413, 422)
ALL, REJECTED, ACCEPTED, FAILED = "all", "rejected", "accepted", "failed"


def _digest(value: str) -> str:
    secret = current_app.config["SECRET_KEY"]
    return hmac.new(secret.encode(), value.encode("utf-8", "surrogatepass"),
                    hashlib.sha256).hexdigest()[:32]


def client_key() -> str:
    """An HMAC of the client's address; never the address itself."""
    return "a:" + _digest(request.remote_addr or "unknown")


def token_key() -> str | None:
    for name in TOKEN_FIELDS:
        value = request.form.get(name)
        if value:
            return "t:" + _digest(value[:200])
    return None


def no_token_client_key() -> str | None:
    """The client key, but only for a post carrying no submission token."""
    if any(request.form.get(name) for name in TOKEN_FIELDS):
        return None
    return client_key()


def _email() -> str:
    return (request.form.get("email") or "").strip().lower()[:254]


def account_key() -> str | None:
    email = _email()
    return "e:" + _digest(email) if email else None


def known_device() -> str | None:
    """The device id this browser got at a successful sign-in to the named account."""
    from itsdangerous import BadSignature, URLSafeSerializer

    raw, email = request.cookies.get(DEVICE_COOKIE), _email()
    if not raw or not email:
        return None
    try:
        data = URLSafeSerializer(current_app.config["SECRET_KEY"], salt="device").loads(raw)
    except BadSignature:
        return None
    if isinstance(data, dict) and data.get("e") == _digest(email):
        return str(data.get("d"))[:64]
    return None


def device_cookie_value(email: str) -> str:
    """A signed device id for ``email`` (see :func:`known_device`)."""
    import secrets

    from itsdangerous import URLSafeSerializer

    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="device").dumps(
        {"e": _digest(email.strip().lower()[:254]), "d": secrets.token_urlsafe(12)})


def account_client_key() -> str | None:
    account = account_key()
    if account is None:
        return None
    device = known_device()
    return account + "|" + ("d:" + _digest(device) if device else client_key())


def stranger_account_key() -> str | None:
    """The account, only when this client is not one of its known devices."""
    return None if known_device() else account_key()


@dataclass
class Rule:
    """One limit: which endpoints, which key, which requests it counts.

    ``counts``: ``all`` (every request), ``rejected`` (only those the view
    refused with a 4xx, counted after the view), ``accepted``, or ``failed``
    (every request takes a slot before the view runs and gives it back unless
    the view refused it or crashed: see :func:`_give_back`).  Whatever it
    counts, a request is refused with 429 once the count for its key is used up.
    """

    name: str
    endpoints: set[str]
    text: str
    key: callable
    counts: str = ALL
    methods: tuple[str, ...] = ("POST",)

    @property
    def limits(self):
        from limits import parse_many

        return parse_many(self.text)

    @limits.setter
    def limits(self, value):
        self.text = ";".join(str(v) for v in value) if not isinstance(value, str) else value

    def applies(self) -> bool:
        return request.endpoint in self.endpoints and request.method in self.methods

    def as_limit(self, owner: YvmLimiter) -> ApplicationLimit:
        def exempt() -> bool:
            if not owner.enabled or not self.applies():
                return True
            g.setdefault("_yvm_keys", {})[self.name] = self.key()
            return g._yvm_keys[self.name] is None

        def deduct(response) -> bool:
            if response.status_code == 429:
                return False
            rejected = _rejected(response)
            return rejected if self.counts == REJECTED else (not rejected
                                                             and response.status_code < 400)

        return ApplicationLimit(
            limit_provider=lambda: self.text, scope=self.name,
            key_function=lambda: g._yvm_keys[self.name], exempt_when=exempt,
            deduct_when=None if self.counts in (ALL, FAILED) else deduct)


def _rejected(response) -> bool:
    return (response.status_code in REJECTED_STATUSES
            or bool(getattr(g, "submission_rejected", False)))


def _give_back(owner: YvmLimiter, response):
    """After a request under ``failed`` rules: keep the slots it took if it failed
    (refused by the view, or crashed: its password may have been checked), else
    give them back: it succeeded, or was refused with 429 before any check.

    A slot taken and given back never let a request through that the limit would
    have refused, so the count can only be too high while requests are in
    flight, never too low."""
    if not owner.enabled or (response.status_code != 429
                             and (_rejected(response) or response.status_code >= 500)):
        return response
    names = {rule.name for rule in owner.rules if rule.counts == FAILED}
    try:
        for hit in owner.limiter.current_limits:
            if hit.request_args[-1] in names:
                ratelimit_store.give_back(owner.storage, hit.key)
    except Exception:  # noqa: BLE001 - the store is down: fail open, as the limiter does
        current_app.logger.exception("Failed to give a rate-limit slot back")
    return response


@dataclass
class YvmLimiter:
    """Flask-Limiter plus the rule list (tests and plugins add endpoints)."""

    limiter: Limiter
    rules: list[Rule] = field(default_factory=list)
    enabled: bool = True

    @property
    def storage(self):
        return self.limiter.storage

    def add_endpoint(self, rule_prefix: str, endpoint: str) -> None:
        """Put ``endpoint`` under every rule whose name starts with ``rule_prefix``."""
        for rule in self.rules:
            if rule.name == rule_prefix or rule.name.startswith(rule_prefix + "-"):
                rule.endpoints.add(endpoint)

    def reset(self) -> None:
        """Forget every count (tests, and an admin after a false alarm)."""
        self.limiter.reset()


def storage_uri(config) -> str:
    """Redis if configured, else the shared SQLite file in the instance folder."""
    from .config import INSTANCE

    uri = config.get("RATELIMIT_STORAGE_URI") or config.get("REDIS_URL") or ""
    if uri:
        return uri
    path = Path(config.get("RATELIMIT_SQLITE_PATH") or INSTANCE / "ratelimit.sqlite")
    path.parent.mkdir(parents=True, exist_ok=True)
    return "sqlite:///" + str(path.resolve())


def _setting(app, name: str, default: str) -> str:
    return str(app.config.get(name) or default)


def get_limiter(app=None) -> YvmLimiter:
    return (app or current_app).extensions[EXTENSION]


def init_app(app) -> None:
    cfg = {name: _setting(app, name, default) for name, default in DEFAULTS.items()}
    rules = [
        Rule("survey", set(SURVEY_ENDPOINTS), cfg["RATELIMIT_SURVEY_PER_ADDRESS"], client_key,
             counts=ACCEPTED),
        Rule("survey-rejected", set(SURVEY_ENDPOINTS),
             cfg["RATELIMIT_SURVEY_REJECTED_PER_ADDRESS"], client_key, counts=REJECTED),
        Rule("survey-token", set(SURVEY_ENDPOINTS), cfg["RATELIMIT_SURVEY_PER_TOKEN"], token_key),
        Rule("survey-notoken", set(SURVEY_ENDPOINTS),
             cfg["RATELIMIT_SURVEY_NO_TOKEN_PER_ADDRESS"], no_token_client_key),
        Rule("report", set(REPORT_ENDPOINTS), cfg["RATELIMIT_REPORT_PER_ADDRESS"], client_key),
        Rule("report-rejected", set(REPORT_ENDPOINTS),
             cfg["RATELIMIT_REPORT_REJECTED_PER_ADDRESS"], client_key, counts=REJECTED),
        Rule("login", set(LOGIN_ENDPOINTS), cfg["RATELIMIT_LOGIN_PER_ADDRESS"], client_key),
        Rule("login-failed", set(LOGIN_ENDPOINTS), cfg["RATELIMIT_LOGIN_FAILED_PER_ADDRESS"],
             client_key, counts=FAILED),
        Rule("login-failed-account-client", set(LOGIN_ENDPOINTS),
             cfg["RATELIMIT_LOGIN_FAILED_PER_ACCOUNT_CLIENT"], account_client_key,
             counts=FAILED),
        Rule("login-failed-account", set(LOGIN_ENDPOINTS),
             cfg["RATELIMIT_LOGIN_FAILED_PER_ACCOUNT"], stranger_account_key, counts=FAILED),
    ]
    owner = YvmLimiter(limiter=None, rules=rules,  # type: ignore[arg-type]
                       enabled=bool(app.config["RATELIMIT_ENABLED"]))
    # RATELIMIT_ENABLED is ours (owner.enabled, switchable at run time); Flask-Limiter
    # reads the same name at init and would never install its hooks if it were off.
    limiter = Limiter(
        client_key, storage_uri=storage_uri(app.config), strategy="fixed-window",
        key_prefix=cfg["RATELIMIT_KEY_PREFIX"], headers_enabled=True, swallow_errors=True,
        fail_on_first_breach=False,
        application_limits=[rule.as_limit(owner) for rule in rules])
    owner.limiter = limiter

    @limiter.request_filter
    def _no_rule_applies() -> bool:
        """Most requests (every page, every GET) are under none of the rules: Flask-Limiter
        then skips resolving and parsing all ten limits only to find each exempt."""
        return not owner.enabled or not any(rule.applies() for rule in owner.rules)

    app.config["RATELIMIT_ENABLED"] = True  # Flask-Limiter's own switch; ours is owner.enabled
    limiter.init_app(app)
    app.extensions[EXTENSION] = owner
    # First in line, before CSRF checking: a flood of forms with no CSRF token is
    # refused by CSRFProtect with 400, and must still be counted and limited.
    hooks = app.before_request_funcs.setdefault(None, [])
    check = next(f for f in hooks if getattr(f, "__self__", None) is limiter)
    hooks.remove(check)
    hooks.insert(0, check)
    app.after_request(lambda response: _give_back(owner, response))

    @app.errorhandler(RateLimitExceeded)
    def _refused(_exc):
        """The app's own 429 page, saying how long to wait."""
        breached = [lim for lim in limiter.current_limits if lim.breached]
        reset_at = max((lim.reset_at for lim in breached), default=time.time() + 60)
        wait = max(1, math.ceil(reset_at - time.time()))
        handler = app.error_handler_spec[None][429][TooManyRequests]
        response = app.make_response(handler(TooManyRequests(description=_wait_text(wait))))
        # The longest of the windows used up: the client can really try again then.
        response.headers["Retry-After"] = str(wait)
        return response


def _wait_text(seconds: int) -> str:
    if seconds <= 90:
        return "Please wait about a minute, then try again."
    minutes = math.ceil(seconds / 60)
    if minutes < 90:
        return f"Please wait about {minutes} minutes, then try again."
    return f"Please wait about {math.ceil(minutes / 60)} hours, then try again."
