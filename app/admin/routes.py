"""Admin pages: staff accounts and the audit trail."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import EmailField, PasswordField, SelectField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from ..access import roles_required
from ..audit import record, snapshot
from ..auth.passwords import hash_password, password_problem
from ..extensions import db
from ..models import ROLE_LABELS, AuditEvent, User
from ..models.users import new_session_token

bp = Blueprint("admin", __name__, url_prefix="/admin")


class NewUserForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter an email address."),
                                                     Email("Enter a valid email address."),
                                                     Length(max=254)])
    role = SelectField("Role", choices=list(ROLE_LABELS.items()))
    password = PasswordField("Password", validators=[DataRequired("Enter a password.")])

    def validate_password(self, field):
        problem = password_problem(field.data or "", self.email.data)
        if problem:
            raise ValidationError(problem)


@bp.route("/users", methods=["GET", "POST"])
@roles_required("admin")
def users():
    """List accounts and create new ones."""
    form = NewUserForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        if db.session.scalar(select(User).where(func.lower(User.email) == email)):
            form.email.errors.append("An account with that email address already exists.")
        else:
            user = User(email=email, role=form.role.data,
                        password_hash=hash_password(form.password.data))
            db.session.add(user)
            db.session.flush()
            record(db.session, user=current_user, action="create", obj=user,
                   after={"email": email, "role": user.role})
            db.session.commit()
            flash(f"Created an account for {email}.")
            return redirect(url_for("admin.users"))
    accounts = db.session.scalars(select(User).order_by(User.email)).all()
    return render_template("admin/users.html", form=form, accounts=accounts)


@bp.route("/users/<int:user_id>/toggle", methods=["POST"])
@roles_required("admin")
def toggle_user(user_id: int):
    """Disable or re-enable an account (disabling ends its sessions)."""
    user = db.session.get(User, user_id) or abort(404)
    if user.id == current_user.id:
        flash("You cannot disable your own account.")
        return redirect(url_for("admin.users"))
    before = snapshot(user, exclude=("password_hash", "session_token"))
    user.active = not user.active
    user.session_token = new_session_token()
    record(db.session, user=current_user, action="disable" if not user.active else "enable",
           obj=user, before=before, after=snapshot(user, exclude=("password_hash", "session_token")))
    db.session.commit()
    return redirect(url_for("admin.users"))


@bp.route("/audit")
@roles_required("admin")
def audit():
    """The audit trail, newest first."""
    page = max(1, request.args.get("page", 1, type=int))
    per_page = 50
    events = db.session.scalars(
        select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return render_template("admin/audit.html", events=events, page=page, per_page=per_page)
