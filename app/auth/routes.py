"""Staff sign in and sign out, and staff session expiry.

The views parse the request, call one function of :mod:`app.auth.service` and
render; the session cookie and the known-device cookie are handled here.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from ..access import public
from ..extensions import login_manager
from . import bp, service
from .forms import LoginForm

# A browser that signed in to an account stays "known" to it this long.
DEVICE_DAYS = 180

# Staff sessions end after this long without a request, and this long after
# sign-in whatever happens (OWASP ASVS 5 V7.3).  Config can shorten them.
IDLE_MINUTES = 30
ABSOLUTE_HOURS = 12
EXPIRED_MESSAGE = "You were signed out because your session ended. Please sign in again."


def init_app(app) -> None:
    """Expire staff sessions: idle and absolute timeouts, checked on every request."""
    app.permanent_session_lifetime = timedelta(
        hours=min(ABSOLUTE_HOURS, app.config["SESSION_ABSOLUTE_HOURS"]))
    app.before_request(_expire_staff_session)


def _expire_staff_session():
    endpoint = request.endpoint or ""
    if endpoint == "static" or endpoint.startswith("vendor."):
        return None  # assets: never touch the session (they may be cached)
    if "_user_id" not in session:
        return None
    cfg = current_app.config
    idle = 60 * min(IDLE_MINUTES, cfg["SESSION_IDLE_MINUTES"])
    absolute = 3600 * min(ABSOLUTE_HOURS, cfg["SESSION_ABSOLUTE_HOURS"])
    now = time.time()
    login_at = session.get("login_at")
    last_seen = session.get("last_seen", login_at)
    if (not isinstance(login_at, (int, float)) or not isinstance(last_seen, (int, float))
            or now - login_at > absolute or now - last_seen > idle or login_at > now + 60):
        if current_user.is_authenticated:
            # End it server-side too: a copy of this cookie is now dead.
            service.end_sessions(current_user.id)
        logout_user()
        session.clear()
        flash(EXPIRED_MESSAGE)
        return None  # the view's access check now sends the visitor to sign in
    session["last_seen"] = now
    return None


login_manager.user_loader(service.load_user)


def _start_page() -> str:
    """Partner accounts start on their own listings; council staff on the dashboard."""
    if current_user.is_authenticated and current_user.role == "partner":
        return url_for("partners.dashboard")
    if current_user.is_authenticated and current_user.role == "national_admin":
        return url_for("national_admin.councils")  # adds councils; sees no council's pages
    return url_for("main.dashboard")


def _safe_next(target: str | None) -> str:
    if not target:
        return _start_page()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return _start_page()
    return target


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Sign in page for staff."""
    if current_user.is_authenticated:
        return redirect(_start_page())
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        now = datetime.now(UTC)
        user = service.sign_in(email, form.password.data, now=now)
        if user is not None:
            begin_session(user, now)
            response = redirect(_safe_next(request.args.get("next")))
            _remember_device(response, email)
            return response
        error = "The email address or password is not right."
        current_app.logger.info("login failed")
    return render_template("auth/login.html", form=form, error=error), (401 if error else 200)


def begin_session(user, now: datetime) -> None:
    """The browser's session after a right password: a new one, signed in as ``user``
    at ``now``, kept for the session's lifetime (``permanent``)."""
    session.clear()  # a new session at login
    login_user(user)
    session["login_at"] = session["last_seen"] = now.timestamp()
    session.permanent = True


def _remember_device(response, email: str) -> None:
    """This browser is now a known device for the account: a stranger's failed
    tries elsewhere never slow it down (app/ratelimit.py)."""
    from ..ratelimit import DEVICE_COOKIE, device_cookie_value

    response.set_cookie(DEVICE_COOKIE, device_cookie_value(email), max_age=DEVICE_DAYS * 86400,
                        httponly=True, samesite="Lax",
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
                        path=url_for("auth.login"))


@bp.route("/logout", methods=["POST"])
@public
def logout():
    """Sign out: rotate the account's session token so the old cookie is dead."""
    if current_user.is_authenticated:
        service.end_sessions(current_user.id)
        logout_user()
    session.clear()
    flash("You have signed out.")
    return redirect(url_for("auth.login"))
