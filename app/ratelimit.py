"""Abuse limits for the survey, the public report form and staff sign-in.

Limits are applied here, centrally, by endpoint name, so the views themselves
need no decorator.  They are counted with the ``limits`` library (the engine
under Flask-Limiter): in this process's memory by default, or in Redis when
``RATELIMIT_STORAGE_URI`` names it, so several app servers share one count.

Why these keys.  A whole school reaches us from one public address, so a limit
on the address alone would either let a flood through or lock out a class.
Three kinds of limit work together:

* **per address, every submission** - generous: a class of 30 in one minute
  and a school of 1,000 in a morning fit well inside it;
* **per address, rejected submissions only** - tight: a flood of junk
  (missing or forged submission tokens, nonsense answers) is refused with
  4xx by the view, and after a handful of those the address is slowed down,
  while real pupils, whose submissions succeed, never touch this count;
* **per submission token** - a retry or a double tap reuses its one-time
  token and is harmless, but hammering one token is not.

No client address is stored: every key is an HMAC-SHA256 of the address (or
token, or e-mail) under ``SECRET_KEY``, truncated, and lives only as long as
the longest window (one day at most).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from dataclasses import dataclass, field

from flask import abort, current_app, g, request
from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter

SURVEY_ENDPOINTS = ("survey.take", "survey.campaign")
REPORT_ENDPOINTS = ("directory.report",)
LOGIN_ENDPOINTS = ("auth.login",)

# Form fields that may carry the one-time submission token.
TOKEN_FIELDS = ("token", "submission_token")

# Defaults; each can be overridden in the app config or the environment.
DEFAULTS = {
    # Every survey submission from one address.  A class of 30 in a minute,
    # retries included, and a school of 1,000 in a morning get through.
    "RATELIMIT_SURVEY_PER_ADDRESS": "120 per minute;2500 per hour;6000 per day",
    # Survey submissions the view refused (4xx) from one address: junk, or a
    # pupil's missed question; generous enough for a class making mistakes.
    "RATELIMIT_SURVEY_REJECTED_PER_ADDRESS": "60 per minute;300 per hour",
    # Survey posts with no submission token at all: no real form does that.
    # Only such posts are refused when this runs out.
    "RATELIMIT_SURVEY_NO_TOKEN_PER_ADDRESS": "10 per minute;30 per hour",
    # Submissions carrying the same one-time token (retries, double taps).
    "RATELIMIT_SURVEY_PER_TOKEN": "10 per minute",
    # The public "report a problem with this service" form.
    "RATELIMIT_REPORT_PER_ADDRESS": "20 per minute;200 per hour",
    "RATELIMIT_REPORT_REJECTED_PER_ADDRESS": "10 per minute;50 per hour",
    # Staff sign-in attempts from one address, and failed ones.
    "RATELIMIT_LOGIN_PER_ADDRESS": "20 per minute;200 per hour",
    "RATELIMIT_LOGIN_FAILED_PER_ADDRESS": "10 per minute;40 per hour",
    # Failed sign-ins naming one account, from anywhere (on top of the
    # account lockout in app/auth).
    "RATELIMIT_LOGIN_FAILED_PER_ACCOUNT": "10 per hour",
    "RATELIMIT_KEY_PREFIX": "yvm",
}

EXTENSION = "yvm_ratelimit"


def _digest(secret: str, value: str) -> str:
    return hmac.new(secret.encode(), value.encode("utf-8", "surrogatepass"),
                    hashlib.sha256).hexdigest()[:32]


def client_key() -> str:
    """An HMAC of the client's address; never the address itself."""
    return "a:" + _digest(current_app.config["SECRET_KEY"], request.remote_addr or "unknown")


def token_key() -> str | None:
    for name in TOKEN_FIELDS:
        value = request.form.get(name)
        if value:
            return "t:" + _digest(current_app.config["SECRET_KEY"], value[:200])
    return None


def no_token_client_key() -> str | None:
    """The client key, but only for a post carrying no submission token."""
    if any(request.form.get(name) for name in TOKEN_FIELDS):
        return None
    return client_key()


def account_key() -> str | None:
    email = (request.form.get("email") or "").strip().lower()
    if not email:
        return None
    return "e:" + _digest(current_app.config["SECRET_KEY"], email[:254])


ALL, REJECTED, ACCEPTED = "all", "rejected", "accepted"


@dataclass
class Rule:
    """One limit: which endpoints, which key, and which requests it counts.

    ``counts`` is ``all`` (every request, counted before the view runs),
    ``rejected`` (only those the view refused with a 4xx) or ``accepted``
    (only those it took).  Whatever it counts, a request is refused with 429
    once the count for its key is used up.
    """

    name: str
    endpoints: set[str]
    limits: list
    key: callable
    counts: str = ALL
    methods: tuple[str, ...] = ("POST",)
    rejected_statuses: tuple[int, ...] = field(default=(400, 401, 403, 404, 409, 410, 413, 422))

    def applies(self, endpoint: str | None, method: str) -> bool:
        return endpoint in self.endpoints and method in self.methods


class Limiter:
    """The limiter for one app: storage, strategy and rules."""

    def __init__(self, app):
        cfg = {name: _setting(app, name, default) for name, default in DEFAULTS.items()}
        self.enabled = bool(app.config.get("RATELIMIT_ENABLED", True))
        self.storage_uri = app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
        self.prefix = cfg["RATELIMIT_KEY_PREFIX"]
        self.storage = storage_from_string(self.storage_uri)
        self.strategy = SlidingWindowCounterRateLimiter(self.storage)
        L = parse_many  # noqa: N806 - short alias
        self.rules = [
            # Survey: what an address may store; junk; one token; no token.
            Rule("survey", set(SURVEY_ENDPOINTS), L(cfg["RATELIMIT_SURVEY_PER_ADDRESS"]),
                 client_key, counts=ACCEPTED),
            Rule("survey-rejected", set(SURVEY_ENDPOINTS),
                 L(cfg["RATELIMIT_SURVEY_REJECTED_PER_ADDRESS"]), client_key, counts=REJECTED),
            Rule("survey-token", set(SURVEY_ENDPOINTS), L(cfg["RATELIMIT_SURVEY_PER_TOKEN"]),
                 token_key),
            Rule("survey-notoken", set(SURVEY_ENDPOINTS),
                 L(cfg["RATELIMIT_SURVEY_NO_TOKEN_PER_ADDRESS"]), no_token_client_key),
            # The public report form.
            Rule("report", set(REPORT_ENDPOINTS), L(cfg["RATELIMIT_REPORT_PER_ADDRESS"]),
                 client_key),
            Rule("report-rejected", set(REPORT_ENDPOINTS),
                 L(cfg["RATELIMIT_REPORT_REJECTED_PER_ADDRESS"]), client_key, counts=REJECTED),
            # Staff sign-in: per client, failures per client, failures per account.
            Rule("login", set(LOGIN_ENDPOINTS), L(cfg["RATELIMIT_LOGIN_PER_ADDRESS"]), client_key),
            Rule("login-failed", set(LOGIN_ENDPOINTS),
                 L(cfg["RATELIMIT_LOGIN_FAILED_PER_ADDRESS"]), client_key, counts=REJECTED),
            Rule("login-failed-account", set(LOGIN_ENDPOINTS),
                 L(cfg["RATELIMIT_LOGIN_FAILED_PER_ACCOUNT"]), account_key, counts=REJECTED),
        ]

    def add_endpoint(self, rule_prefix: str, endpoint: str) -> None:
        """Put ``endpoint`` under every rule whose name starts with ``rule_prefix``."""
        for rule in self.rules:
            if rule.name == rule_prefix or rule.name.startswith(rule_prefix + "-"):
                rule.endpoints.add(endpoint)

    # -- request hooks -------------------------------------------------
    def before(self):
        if not self.enabled:
            return None
        endpoint, method = request.endpoint, request.method
        matched = [r for r in self.rules if r.applies(endpoint, method)]
        if not matched:
            return None
        keyed = []
        try:
            for rule in matched:
                key = rule.key()
                if key is not None:
                    keyed.append((rule, (self.prefix, rule.name, key)))
            # First look, touching nothing: is any count for this request used up?
            for rule, ident in keyed:
                for item in rule.limits:
                    if not self.strategy.test(item, *ident):
                        self._refuse(item, ident)
            # Then count the rules that count every request.
            for rule, ident in keyed:
                if rule.counts == ALL:
                    for item in rule.limits:
                        if not self.strategy.hit(item, *ident):
                            self._refuse(item, ident)
        except _Refused:
            abort(429, description=g._ratelimit_refused)
        except Exception as exc:  # noqa: BLE001 - storage down: fail open, say so
            current_app.logger.warning("rate limit storage unavailable (%s); not limiting",
                                       type(exc).__name__)
            return None
        g._ratelimit_keys = [(r, i) for r, i in keyed if r.counts != ALL]
        return None

    def after(self, response):
        retry = getattr(g, "_ratelimit_retry_after", None)
        if retry is not None and response.status_code == 429:
            response.headers["Retry-After"] = str(retry)
        keys = getattr(g, "_ratelimit_keys", None)
        if not keys or response.status_code == 429:
            return response
        status = response.status_code
        try:
            for rule, ident in keys:
                rejected = (status in rule.rejected_statuses
                            or bool(getattr(g, "submission_rejected", False)))
                if (rule.counts == REJECTED and rejected) or (
                        rule.counts == ACCEPTED and not rejected and status < 400):
                    for item in rule.limits:
                        self.strategy.hit(item, *ident)
        except Exception as exc:  # noqa: BLE001
            current_app.logger.warning("rate limit storage unavailable (%s)", type(exc).__name__)
        return response

    def _refuse(self, item, ident):
        try:
            reset_at = self.strategy.get_window_stats(item, *ident).reset_time
            retry = max(1, math.ceil(reset_at - time.time()))
        except Exception:  # noqa: BLE001
            retry = item.get_expiry()
        retry = min(retry, item.get_expiry())
        g._ratelimit_retry_after = retry
        g._ratelimit_refused = _wait_text(retry)
        raise _Refused

    def reset(self) -> None:
        """Forget every count (tests, and an admin after a false alarm)."""
        self.storage.reset()


class _Refused(Exception):
    pass


def _wait_text(seconds: int) -> str:
    if seconds <= 90:
        return "Please wait about a minute, then try again."
    minutes = math.ceil(seconds / 60)
    if minutes < 90:
        return f"Please wait about {minutes} minutes, then try again."
    hours = math.ceil(minutes / 60)
    return f"Please wait about {hours} hours, then try again."


def _setting(app, name: str, default: str) -> str:
    return str(app.config.get(name) or default)


def get_limiter(app=None) -> Limiter:
    return (app or current_app).extensions[EXTENSION]


def init_app(app) -> None:
    limiter = Limiter(app)
    app.extensions[EXTENSION] = limiter

    # First in line, before CSRF checking: a flood of forms with no CSRF token
    # is refused by CSRFProtect with 400, and must still be counted and limited.
    app.before_request_funcs.setdefault(None, []).insert(0, limiter.before)
    app.after_request(limiter.after)
