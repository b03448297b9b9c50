"""The council's partner pages: the partners overview (commissioners and
councillors); organisations, contacts, invitations and the review queue
(commissioners)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import PLANNERS, READERS, roles_required
from ..extensions import db
from ..models import Building, ListingChange, Organisation, OrganisationContact
from . import bp, review_days
from .changes import ChangeProblem, approve, reject
from .forms import ContactForm, OrganisationForm, PartnerServiceForm, RejectForm
from .invites import InviteRefused, create_invite, new_checkin_link, qr_svg
from .organisations import (
    DuplicateName,
    add_contact,
    all_organisations,
    link_building,
    organisation_page,
    review_queue,
    save_organisation,
)
from .overview import build_overview
from .rows import difference, form_to_row, row_to_form


def _get(model, ident):
    return db.session.get(model, ident) or abort(404)


@bp.route("/partners")
@roles_required(*READERS)
def overview():
    """Which organisations run what, where, for whom, at what cost and until when; how
    current each keeps its listings; which areas rest on a single partner."""
    data = build_overview(db.session, review_days=review_days())
    return render_template("partners/overview.html", data=data)


def _saved(form, org):
    """Save a valid organisation form; the organisation, or ``None`` (errors on the form)."""
    if not form.validate_on_submit():
        return None
    try:
        org = save_organisation(db.session, org, form.data, user=current_user)
    except DuplicateName as exc:
        db.session.rollback()
        form.name.errors = [*form.name.errors, str(exc)]
        return None
    db.session.commit()
    return org


@bp.route("/partners/organisations", methods=["GET", "POST"])
@roles_required(*PLANNERS)
def organisations():
    form = OrganisationForm()
    org = _saved(form, None)
    if org is not None:
        flash(f"Added {org.name}. Now add a contact and invite them.")
        return redirect(url_for("partners.organisation", org_id=org.id))
    status = 400 if form.errors else 200
    return render_template("partners/organisations.html", form=form,
                           rows=all_organisations(db.session)), status


def _render_org(org, form=None, contact_form=None, status=200):
    page = organisation_page(db.session, org, review_days=review_days())
    return render_template("partners/organisation.html", page=page,
                           form=form or OrganisationForm(formdata=None, obj=org),
                           contact_form=contact_form or ContactForm(formdata=None)), status


@bp.route("/partners/organisations/<int:org_id>", methods=["GET", "POST"])
@roles_required(*PLANNERS)
def organisation(org_id: int):
    org = _get(Organisation, org_id)
    if request.method == "GET":
        return _render_org(org)
    form = OrganisationForm()
    if _saved(form, org) is not None:
        flash(f"Saved {org.name}.")
        return redirect(url_for("partners.organisation", org_id=org.id))
    return _render_org(org, form=form, status=400)


@bp.route("/partners/organisations/<int:org_id>/contacts", methods=["POST"])
@roles_required(*PLANNERS)
def add_contact_view(org_id: int):
    org = _get(Organisation, org_id)
    form = ContactForm()
    if form.validate_on_submit():
        add_contact(db.session, org, form.data, user=current_user)
        db.session.commit()
        flash("Contact added. Make an invitation link when they are ready to sign up.")
        return redirect(url_for("partners.organisation", org_id=org.id) + "#contacts")
    return _render_org(org, contact_form=form, status=400)


@bp.route("/partners/organisations/<int:org_id>/buildings", methods=["POST"])
@roles_required(*PLANNERS)
def link_building_view(org_id: int):
    org = _get(Organisation, org_id)
    building_id = request.form.get("building_id", type=int)
    if building_id is None:
        abort(400, description="Choose a building.")
    building = _get(Building, building_id)
    link_building(db.session, org, building, keep=request.form.get("action") != "remove",
                  user=current_user)
    db.session.commit()
    return redirect(url_for("partners.organisation", org_id=org.id) + "#buildings")


@bp.route("/partners/contacts/<int:contact_id>/invite", methods=["POST"])
@roles_required(*PLANNERS)
def invite(contact_id: int):
    """A new one-time invitation link, shown once (to copy, or print as a QR code)."""
    contact = _get(OrganisationContact, contact_id)
    try:
        invite, token = create_invite(db.session, contact, by=current_user,
                                      days=current_app.config["PARTNER_INVITE_DAYS"])
    except InviteRefused as exc:
        flash(str(exc))
        return redirect(url_for("partners.organisation", org_id=contact.organisation_id))
    db.session.commit()
    url = url_for("partners.accept_invite_page", token=token, _external=True)
    return render_template("partners/link.html", kind="invite", url=url, contact=contact,
                           org=contact.organisation, expires=invite.expires_at,
                           qr=qr_svg(url, "QR code of the invitation link"))


@bp.route("/partners/organisations/<int:org_id>/check-in-link", methods=["POST"])
@roles_required(*PLANNERS)
def checkin_link(org_id: int):
    """A new check-in link for the organisation (the old one stops working)."""
    org = _get(Organisation, org_id)
    token = new_checkin_link(db.session, org, by=current_user)
    db.session.commit()
    url = url_for("partners.checkin", token=token, _external=True)
    return render_template("partners/link.html", kind="checkin", url=url, org=org,
                           qr=qr_svg(url, "QR code of the check-in link"))


@bp.route("/partners/review")
@roles_required(*PLANNERS)
def review():
    """Partners' changes waiting for review, oldest first, each with before and after."""
    return render_template("partners/review.html", items=review_queue(db.session))


@bp.route("/partners/review/<int:change_id>", methods=["GET", "POST"])
@roles_required(*PLANNERS)
def review_change(change_id: int):
    """One change: approve as it is, or reject with a reason (POST ``decision``)."""
    change = _get(ListingChange, change_id)
    form = RejectForm(formdata=None)
    if request.method == "POST":
        decision = request.form.get("decision")
        form = RejectForm()
        try:
            if decision == "approve":
                approve(db.session, change, user=current_user)
            elif decision == "reject" and form.validate_on_submit():
                reject(db.session, change, user=current_user, reason=form.reason.data)
            elif decision != "reject":
                abort(400, description="Choose approve or reject.")
        except ChangeProblem as exc:
            db.session.rollback()
            form.reason.errors = [*form.reason.errors, *(m for _, m in exc.problems)]
        if not form.errors:
            db.session.commit()
            flash("Approved: it is live now." if decision == "approve"
                  else "Rejected. The organisation sees your reason.")
            return redirect(url_for("partners.review"))
    return render_template("partners/review_change.html", change=change, form=form,
                           diff=difference(change.before, change.after)), \
        (400 if form.errors else 200)


@bp.route("/partners/review/<int:change_id>/edit", methods=["GET", "POST"])
@roles_required(*PLANNERS)
def edit_change(change_id: int):
    """Edit a partner's change, then approve it as edited."""
    change = _get(ListingChange, change_id)
    if change.status != "pending":
        abort(409, description="This change has already been dealt with.")
    form = PartnerServiceForm()
    if request.method == "GET":
        row_to_form(form, change.after)
    elif form.validate_on_submit():
        org = change.organisation
        row = form_to_row(form, organisation=org.name, provider_type=org.kind,
                          checked=_checked_on(change))
        try:
            approve(db.session, change, user=current_user, edited_row=row)
        except ChangeProblem as exc:
            db.session.rollback()
            form.name.errors = [*form.name.errors, *(f"{c}: {m}" for c, m in exc.problems)]
        else:
            db.session.commit()
            flash("Approved with your edits: it is live now.")
            return redirect(url_for("partners.review"))
    return render_template("partners/edit.html", form=form, service=change.service,
                           change=change), (400 if request.method == "POST" else 200)


def _checked_on(change):
    from datetime import date

    raw = (change.after or {}).get("last_checked")
    return date.fromisoformat(raw) if raw else change.submitted_at.date()
