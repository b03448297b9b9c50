"""Pages reached by a link rather than a sign-in: setting a password from an
invitation, and an organisation's check-in page ("still right?").

The check-in page shows only what the public directory shows (each listing's
name, status and checked-on date) and can do one thing: mark a listing of that
organisation as checked today.  Anything else needs the partner to sign in.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from ..access import public
from ..extensions import db
from . import bp, listings, review_days
from .forms import SetPasswordForm
from .invites import InviteRefused, accept_invite, organisation_for_checkin, usable_invite


@bp.route("/partners/invite/<token>", methods=["GET", "POST"])
@public
def accept_invite_page(token: str):
    """An invited contact sets their password (once; the link then stops working)."""
    try:
        invite = usable_invite(db.session, token)
    except InviteRefused as refused:
        return render_template("partners/invite_refused.html", reason=str(refused)), 410
    form = SetPasswordForm()
    if form.validate_on_submit():
        user, problem = accept_invite(db.session, invite, form.password.data)
        if user is not None:
            db.session.commit()
            flash("Your password is set. Sign in with your email address and that password.")
            return redirect(url_for("auth.login"))
        db.session.rollback()
        form.password.errors = [*form.password.errors, problem]
    status = 400 if form.errors else 200
    return render_template("partners/invite.html", form=form, invite=invite), status


@bp.route("/partners/check-in/<token>")
@public
def checkin(token: str):
    org = organisation_for_checkin(db.session, token) or abort(404)
    board = listings.dashboard(db.session, org, review_days=review_days())
    return render_template("partners/checkin.html", board=board, token=token,
                           review_days=review_days())


@bp.route("/partners/check-in/<token>/<int:service_id>", methods=["POST"])
@public
def checkin_confirm(token: str, service_id: int):
    """One click from the check-in link: this listing is still right."""
    org = organisation_for_checkin(db.session, token) or abort(404)
    service = listings.own_service(db.session, org.id, service_id) or abort(404)
    listings.confirm(db.session, service, user=f"check-in link ({org.name})",
                     via="organisation's check-in link")
    db.session.commit()
    flash(f"Thank you: {service.name} is marked as checked today.")
    return redirect(url_for("partners.checkin", token=token) + f"#listing-{service.id}")
