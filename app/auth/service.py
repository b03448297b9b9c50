"""Signing in and out behind the views in :mod:`app.auth.routes`: the account
look-up, password check, failure count and session tokens, so each view parses,
calls one function here and renders."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update

from ..audit import record
from ..extensions import db
from ..models import User
from ..models.users import new_session_token
from .passwords import dummy_hash, hash_password, needs_rehash, verify_password

# Failed sign-ins to one account before the admin and safeguarding lead are told.
NOTIFY_EVERY = 10


def load_user(user_id: str) -> User | None:
    """Load by "id:token"; a rotated token (logout, new login) ends old sessions."""
    try:
        raw_id, token = user_id.split(":", 1)
        user = db.session.get(User, int(raw_id))
    except (ValueError, TypeError):
        return None
    if user is None or not user.active or user.session_token != token:
        return None
    return user


def sign_in(email: str, password: str, *, now: datetime) -> User | None:
    """The active account with this (lower-case) email and password, with a new
    session token and its sign-in at ``now`` recorded; else ``None``, and a wrong
    try at a real account is counted.  An unknown email costs the same password
    check, so timing does not tell which addresses have accounts."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    ok = verify_password(user.password_hash if user else dummy_hash(), password)
    if user is not None and ok and user.active:
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        signed_in(user, now=now)
        return user
    if user is not None:
        _count_failure(user)
    return None


def signed_in(user: User, *, now: datetime) -> None:
    """What a right password does to the account: its failures forgotten, the sign-in
    at ``now`` recorded and a new session token (every older session of it ends)."""
    user.failed_logins = 0
    user.last_login_at = now
    user.session_token = new_session_token()
    db.session.commit()


def _count_failure(user: User) -> None:
    """Count a failed sign-in; every ``NOTIFY_EVERY``th since the last success is
    put in the audit trail, which the admin and safeguarding lead see on their
    dashboard.  The account is never locked: the rate limits slow guessing down.

    The count goes up in the database in one statement, so failures checked at
    the same moment by several workers are each counted and none skips a 10th."""
    failures = db.session.execute(
        update(User).where(User.id == user.id)
        .values(failed_logins=func.coalesce(User.failed_logins, 0) + 1)
        .returning(User.failed_logins)
        .execution_options(synchronize_session=False)).scalar_one()
    if failures % NOTIFY_EVERY == 0:
        record(db.session, user=None, action="login_failures", obj=user,
               note=f"{failures} failed sign-ins to {user.email} since its last "
                    "successful sign-in")
    db.session.commit()


def end_sessions(user_id: int) -> None:
    """Rotate the account's session token: every cookie made for it so far is dead."""
    user = db.session.get(User, user_id)
    user.session_token = new_session_token()
    db.session.commit()
