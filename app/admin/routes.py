"""Admin pages: staff accounts and the audit trail."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField
from wtforms.validators import DataRequired, Email, ValidationError

from ..access import STAFF, roles_required
from ..auth.passwords import password_problem
from ..form_limits import LengthFirst
from ..models import ROLE_LABELS
from ..number_input import arg_int
from . import bp, geodata_routes, service  # noqa: F401 - geodata_routes: its views


class NewUserForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter an email address."),
                                                     LengthFirst(max=254),
                                                     Email("Enter a valid email address.")])
    # Partner accounts are made by invitation from the partners pages, tied to an organisation.
    role = SelectField("Role", choices=[(r, ROLE_LABELS[r]) for r in STAFF])
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
        user = service.create_account(form.email.data, form.role.data, form.password.data,
                                      current_user)
        if user is None:
            form.email.errors.append("An account with that email address already exists.")
        else:
            flash(f"Created an account for {user.email}.")
            return redirect(url_for("admin.users"))
    return render_template("admin/users.html", form=form, accounts=service.accounts())


@bp.route("/users/<int:user_id>/toggle", methods=["POST"])
@roles_required("admin")
def toggle_user(user_id: int):
    """Disable or re-enable an account (disabling ends its sessions)."""
    if service.toggle_account(user_id, current_user) is None:
        flash("You cannot disable your own account.")
    return redirect(url_for("admin.users"))


@bp.route("/audit")
@roles_required("admin")
def audit():
    """The audit trail, newest first."""
    page = arg_int(request.args, "page", 1, 1, 1_000_000, errors={})
    return render_template("admin/audit.html", events=service.audit_page(page))


@bp.route("/publish", methods=["GET", "POST"])
@roles_required("admin")
def publish():
    """When survey figures were last published and when the next snapshot is due;
    publish now; release answers held for review."""
    posting = request.method == "POST"
    page = service.publishing(current_app.config, current_user, publish_now=posting,
                              release=request.form.get("release") if posting else None)
    if page["done"]:
        flash(page["done"])
        return redirect(url_for("admin.publish"))
    return render_template("admin/publish.html", **page), (409 if page["problem"] else 200)
