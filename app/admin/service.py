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


def publishing(config, by, *, publish_now: bool) -> dict:
    """The publishing page: publish a snapshot now when asked (audited; refused while
    too few answers are new), and when the last was made and the next is due."""
    from datetime import UTC, datetime

    from .. import publication
    from ..audit import record

    schedule = publication.Schedule.from_config(config)
    method = publication.CellKeyMethod.from_config(config)
    problem, published = None, False
    if publish_now:
        try:
            snap = publication.publish(db.session, method, schedule, trigger="admin")
        except publication.PublishRefused as exc:
            db.session.rollback()
            problem = str(exc)
        else:
            record(db.session, user=by, action="publish", object_type="PublishedSnapshot",
                   object_id=snap.id, note="published a snapshot of survey figures")
            db.session.commit()
            published = True
    return {"state": publication.status(db.session, schedule, datetime.now(UTC)),
            "problem": problem, "published": published, "method": method.describe(),
            "hour": schedule.hour}
