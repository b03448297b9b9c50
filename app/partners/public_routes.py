"""Pages reached by a link rather than a sign-in: setting a password from an
invitation, and an organisation's check-in page ("still right?").

The check-in page shows only what the public directory shows (each listing's
name, status and checked-on date) and can do one thing: mark a listing of that
organisation as checked today.  Anything else needs the partner to sign in.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, session, url_for

from ..access import public
from . import bp
from . import service as svc
from .forms import SetPasswordForm


@bp.route("/partners/invite/<token>", methods=["GET", "POST"])
@public
def accept_invite_page(token: str):
    """An invited contact sets their password (once; the link then stops working)."""
    invite, refused = svc.invite_for(token)
    if invite is None:
        return render_template("partners/invite_refused.html", reason=refused), 410
    form = SetPasswordForm()
    if form.validate_on_submit():
        problem = svc.set_password(invite, form.password.data)
        if problem is None:
            flash("Your password is set. Sign in with your email address and that password.")
            # The sign-in page fills in their email (kept in the session, not the URL).
            session["sign_in_email"] = invite.contact.email.strip().lower()
            return redirect(url_for("auth.login"))
        form.password.errors = [*form.password.errors, problem]
    status = 400 if form.errors else 200
    return render_template("partners/invite.html", form=form, invite=invite), status


@bp.route("/partners/check-in/<token>")
@public
def checkin(token: str):
    return render_template("partners/checkin.html", **svc.checkin_board(token))


@bp.route("/partners/check-in/<token>/<int:service_id>", methods=["POST"])
@public
def checkin_confirm(token: str, service_id: int):
    """One click from the check-in link: this listing is still right."""
    service = svc.checkin_confirm(token, service_id)
    flash(f"Thank you: {service.name} is marked as checked today.")
    return redirect(url_for("partners.checkin", token=token) + f"#listing-{service.id}")
