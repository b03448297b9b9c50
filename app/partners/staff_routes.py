"""The council's partner pages: the partners overview (commissioners and
councillors); organisations, contacts, invitations and the review queue
(commissioners)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import PLANNERS, READERS, roles_required
from . import bp
from . import service as svc
from .forms import ContactForm, OrganisationForm, PartnerServiceForm, RejectForm
from .invites import InviteRefused


@bp.route("/partners")
@roles_required(*READERS)
def overview():
    """Which organisations run what, where, for whom, at what cost and until when; how
    current each keeps its listings; which areas rest on a single partner."""
    return render_template("partners/overview.html", data=svc.overview())


@bp.route("/partners/organisations", methods=["GET", "POST"])
@roles_required(*PLANNERS)
def organisations():
    form = OrganisationForm()
    org = svc.save_org(form, None, current_user)
    if org is not None:
        flash(f"Added {org.name}. Now add a contact and invite them.")
        return redirect(url_for("partners.organisation", org_id=org.id))
    status = 400 if form.errors else 200
    return render_template("partners/organisations.html", form=form,
                           rows=svc.organisation_rows()), status


def _render_org(org, form=None, contact_form=None, status=200):
    return render_template("partners/organisation.html", page=svc.org_page(org),
                           form=form or OrganisationForm(formdata=None, obj=org),
                           contact_form=contact_form or ContactForm(formdata=None)), status


@bp.route("/partners/organisations/<int:org_id>", methods=["GET", "POST"])
@roles_required(*PLANNERS)
def organisation(org_id: int):
    org = svc.organisation(org_id)
    if request.method == "GET":
        return _render_org(org)
    form = OrganisationForm()
    if svc.save_org(form, org, current_user) is not None:
        flash(f"Saved {org.name}.")
        return redirect(url_for("partners.organisation", org_id=org.id))
    return _render_org(org, form=form, status=400)


@bp.route("/partners/organisations/<int:org_id>/contacts", methods=["POST"])
@roles_required(*PLANNERS)
def add_contact_view(org_id: int):
    org = svc.organisation(org_id)
    form = ContactForm()
    if form.validate_on_submit():
        svc.new_contact(org, form.data, current_user)
        flash("Contact added. Make an invitation link when they are ready to sign up.")
        return redirect(url_for("partners.organisation", org_id=org.id) + "#contacts")
    return _render_org(org, contact_form=form, status=400)


@bp.route("/partners/organisations/<int:org_id>/buildings", methods=["POST"])
@roles_required(*PLANNERS)
def link_building_view(org_id: int):
    org = svc.set_building(org_id, request.form.get("building_id", type=int),
                           request.form.get("action") != "remove", current_user)
    return redirect(url_for("partners.organisation", org_id=org.id) + "#buildings")


@bp.route("/partners/contacts/<int:contact_id>/invite", methods=["POST"])
@roles_required(*PLANNERS)
def invite(contact_id: int):
    """A new one-time invitation link, shown once (to copy, or print as a QR code)."""
    contact = svc.contact(contact_id)
    try:
        link = svc.invitation(contact, current_user)
    except InviteRefused as exc:
        flash(str(exc))
        return redirect(url_for("partners.organisation", org_id=contact.organisation_id))
    return render_template("partners/link.html", **link)


@bp.route("/partners/organisations/<int:org_id>/check-in-link", methods=["POST"])
@roles_required(*PLANNERS)
def checkin_link(org_id: int):
    """A new check-in link for the organisation (the old one stops working)."""
    return render_template("partners/link.html", **svc.checkin_link(org_id, current_user))


@bp.route("/partners/review")
@roles_required(*PLANNERS)
def review():
    """Partners' changes waiting for review, oldest first, each with before and after."""
    return render_template("partners/review.html", items=svc.review_items())


@bp.route("/partners/review/<int:change_id>", methods=["GET", "POST"])
@roles_required(*PLANNERS)
def review_change(change_id: int):
    """One change: approve as it is, or reject with a reason (POST ``decision``)."""
    change = svc.change(change_id)
    form = RejectForm(formdata=None)
    if request.method == "POST":
        decision = request.form.get("decision", "")
        form = RejectForm()
        if svc.decide(change, decision, form, current_user):
            flash("Approved: it is live now." if decision == "approve"
                  else "Rejected. The organisation sees your reason.")
            return redirect(url_for("partners.review"))
    status = 400 if request.method == "POST" else 200
    return render_template("partners/review_change.html", change=change, form=form,
                           diff=svc.change_diff(change)), status


@bp.route("/partners/review/<int:change_id>/edit", methods=["GET", "POST"])
@roles_required(*PLANNERS)
def edit_change(change_id: int):
    """Edit a partner's change, then approve it as edited."""
    change = svc.change(change_id)
    form = PartnerServiceForm()
    if request.method == "GET":
        svc.fill_change_form(form, change)
    elif form.validate_on_submit() and svc.approve_edited(form, change, current_user):
        flash("Approved with your edits: it is live now.")
        return redirect(url_for("partners.review"))
    return render_template("partners/edit.html", form=form, service=change.service,
                           change=change), (400 if request.method == "POST" else 200)
