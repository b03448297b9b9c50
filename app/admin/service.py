"""Staff accounts and the audit trail: the queries and changes behind
:mod:`app.admin.routes`."""

from __future__ import annotations

from flask import abort
from sqlalchemy import func, select

from ..audit import commit_change, snapshot
from ..auth.passwords import hash_password
from ..extensions import db
from ..models import AuditEvent, User
from ..models.users import new_session_token

AUDIT_PAGE_SIZE = 50
_HIDDEN = ("password_hash", "session_token")


def accounts() -> list[User]:
    return db.session.scalars(select(User).order_by(User.email)).all()


def create_account(email: str, role: str, password: str, by) -> User | None:
    """A new account with its audit event; ``None`` if the email is taken."""
    email = email.strip().lower()
    if db.session.scalar(select(User).where(func.lower(User.email) == email)):
        return None
    user = User(email=email, role=role, password_hash=hash_password(password))
    db.session.add(user)
    return commit_change(db.session, user=by, action="create", obj=user,
                         after={"email": email, "role": role})


def toggle_account(user_id: int, by) -> User | None:
    """Disable or re-enable an account, ending its sessions; ``None`` (nothing
    changed) for the signed-in admin's own account.  404 if there is no such user."""
    user = db.session.get(User, user_id) or abort(404)
    if user.id == by.id:
        return None
    before = snapshot(user, exclude=_HIDDEN)
    user.active = not user.active
    user.session_token = new_session_token()
    return commit_change(db.session, user=by, action="enable" if user.active else "disable",
                         obj=user, before=before, after=lambda: snapshot(user, exclude=_HIDDEN))


def audit_page(page: int):
    """One page of the audit trail, newest first (a Flask-SQLAlchemy pagination)."""
    return db.paginate(select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()),
                       page=page, per_page=AUDIT_PAGE_SIZE, max_per_page=AUDIT_PAGE_SIZE,
                       error_out=False)


def publishing(config, by, *, publish_now: bool, release: str | None = None) -> dict:
    """The publishing page: publish a snapshot now, or release a group of answers
    held for review, when asked (both audited); when the last snapshot was made,
    when the next is due and what is held."""
    from datetime import UTC, datetime

    from .. import publication
    from ..audit import record

    schedule = publication.Schedule.from_config(config)
    method = publication.CellKeyMethod.from_config(config)
    problem, done = None, None
    if release is not None:
        n = publication.release(db.session, release)
        if n:
            record(db.session, user=by, action="release", object_type="Response",
                   note=f"released {n} answers held for review")
            db.session.commit()
            done = f"Released {n} answers; they count from the next snapshot."
        else:
            db.session.rollback()
            problem = "Those answers are no longer held (someone may have released them)."
    elif publish_now:
        snap = publication.publish(db.session, method, schedule, trigger="admin")
        record(db.session, user=by, action="publish", object_type="PublishedSnapshot",
               object_id=snap.id, note="published a snapshot of survey figures")
        db.session.commit()
        done = "Published a new snapshot of survey figures."
    return {"state": publication.status(db.session, schedule, datetime.now(UTC)),
            "problem": problem, "done": done, "published": done is not None,
            "method": method.describe(), "hour": schedule.hour}
