"""Staff sign in and sign out."""

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
from sqlalchemy import func, select

from ..access import public
from ..extensions import db, login_manager
from ..models import User
from ..models.users import new_session_token
from . import bp
from .forms import LoginForm
from .passwords import DUMMY_HASH, hash_password, needs_rehash, verify_password

# Failed sign-ins to one account before the admin and safeguarding lead are told.
NOTIFY_EVERY = 10
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
        hours=min(ABSOLUTE_HOURS, app.config.get("SESSION_ABSOLUTE_HOURS", ABSOLUTE_HOURS)))
    app.before_request(_expire_staff_session)


def _expire_staff_session():
    endpoint = request.endpoint or ""
    if endpoint == "static" or endpoint.startswith("vendor."):
        return None  # assets: never touch the session (they may be cached)
    if "_user_id" not in session:
        return None
    cfg = current_app.config
    idle = 60 * min(IDLE_MINUTES, cfg.get("SESSION_IDLE_MINUTES", IDLE_MINUTES))
    absolute = 3600 * min(ABSOLUTE_HOURS, cfg.get("SESSION_ABSOLUTE_HOURS", ABSOLUTE_HOURS))
    now = time.time()
    login_at = session.get("login_at")
    last_seen = session.get("last_seen", login_at)
    if (not isinstance(login_at, (int, float)) or not isinstance(last_seen, (int, float))
            or now - login_at > absolute or now - last_seen > idle or login_at > now + 60):
        if current_user.is_authenticated:
            # End it server-side too: a copy of this cookie is now dead.
            user = db.session.get(User, current_user.id)
            user.session_token = new_session_token()
            db.session.commit()
        logout_user()
        session.clear()
        flash(EXPIRED_MESSAGE)
        return None  # the view's access check now sends the visitor to sign in
    session["last_seen"] = now
    return None


@login_manager.user_loader
def load_user(user_id: str):
    """Load by "id:token"; a rotated token (logout, new login) ends old sessions."""
    try:
        raw_id, token = user_id.split(":", 1)
        user = db.session.get(User, int(raw_id))
    except (ValueError, TypeError):
        return None
    if user is None or not user.active or user.session_token != token:
        return None
    return user


def _start_page() -> str:
    """Partner accounts start on their own listings; council staff on the dashboard."""
    if current_user.is_authenticated and current_user.role == "partner":
        return url_for("partners.dashboard")
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
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        now = datetime.now(UTC)
        ok = verify_password(user.password_hash if user else DUMMY_HASH, form.password.data)
        if user is not None and ok and user.active:
            if needs_rehash(user.password_hash):
                user.password_hash = hash_password(form.password.data)
            user.failed_logins = 0
            user.last_login_at = now
            user.session_token = new_session_token()
            db.session.commit()
            session.clear()  # a new session at login
            login_user(user)
            session["login_at"] = session["last_seen"] = now.timestamp()
            session.permanent = True
            response = redirect(_safe_next(request.args.get("next")))
            _remember_device(response, email)
            return response
        if user is not None:
            _count_failure(user)
        error = "The email address or password is not right."
        current_app.logger.info("login failed")
    return render_template("auth/login.html", form=form, error=error), (401 if error else 200)


def _remember_device(response, email: str) -> None:
    """This browser is now a known device for the account: a stranger's failed
    tries elsewhere never slow it down (app/ratelimit.py)."""
    from ..ratelimit import DEVICE_COOKIE, device_cookie_value

    response.set_cookie(DEVICE_COOKIE, device_cookie_value(email), max_age=DEVICE_DAYS * 86400,
                        httponly=True, samesite="Lax",
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
                        path=url_for("auth.login"))


def _count_failure(user: User) -> None:
    """Count a failed sign-in; every ``NOTIFY_EVERY``th since the last success is
    put in the audit trail, which the admin and safeguarding lead see on their
    dashboard.  The account is never locked: the rate limits slow guessing down."""
    from ..audit import record

    user.failed_logins = (user.failed_logins or 0) + 1
    if user.failed_logins % NOTIFY_EVERY == 0:
        record(db.session, user=None, action="login_failures", obj=user,
               note=f"{user.failed_logins} failed sign-ins to {user.email} since its last "
                    "successful sign-in")
    db.session.commit()


@bp.route("/logout", methods=["POST"])
@public
def logout():
    """Sign out: rotate the account's session token so the old cookie is dead."""
    if current_user.is_authenticated:
        user = db.session.get(User, current_user.id)
        user.session_token = new_session_token()
        db.session.commit()
        logout_user()
    session.clear()
    flash("You have signed out.")
    return redirect(url_for("auth.login"))
