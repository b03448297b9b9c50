"""A partner's own pages: listings, changes, check-ins, reports, buildings, files.

Every record is looked up through :mod:`.service`, scoped to the signed-in
partner's organisation; another organisation's record is 404, exactly like a
record that does not exist.
"""

from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import PARTNER, roles_required
from ..directory.forms import BuildingForm, UploadForm
from ..uploads import uploaded_file
from . import bp
from . import service as svc
from .forms import PartnerServiceForm


@bp.route("/partner")
@roles_required(*PARTNER)
def dashboard():
    """The partner's start page: listings to confirm, changes, reports."""
    return render_template("partners/dashboard.html", **svc.dashboard(current_user))


@bp.route("/partner/listings/new", methods=["GET", "POST"])
@bp.route("/partner/listings/<int:service_id>/edit", methods=["GET", "POST"])
@roles_required(*PARTNER)
def edit_listing(service_id: int | None = None):
    service = svc.own_listing(current_user, service_id)
    form = PartnerServiceForm()
    if request.method == "GET" and service is not None:
        if svc.fill_listing_form(form, service):
            flash("A change to this listing is waiting for review; you are editing that change.")
    elif form.validate_on_submit():
        change = svc.save_listing(form, service, current_user)
        if change is not None:
            flash("Saved: it is live now." if change.status == "live"
                  else "Sent to the council for review. It will show once approved.")
            return redirect(url_for("partners.dashboard"))
    status = 400 if request.method == "POST" else 200
    return render_template("partners/edit.html", form=form, service=service,
                           trusted=svc.my_organisation(current_user).trusted), status


@bp.route("/partner/listings/<int:service_id>/confirm", methods=["POST"])
@roles_required(*PARTNER)
def confirm(service_id: int):
    """One click: "still right"."""
    service = svc.confirm_listing(current_user, service_id)
    flash(f"Thank you: {service.name} is marked as checked today.")
    return redirect(url_for("partners.dashboard") + f"#listing-{service.id}")


@bp.route("/partner/listings/<int:service_id>/close")
@roles_required(*PARTNER)
def confirm_close(service_id: int):
    """"Are you sure?" before closing: a page, so it works without JavaScript."""
    return render_template("partners/close.html", service=svc.own_listing(current_user,
                                                                          service_id))


@bp.route("/partner/listings/<int:service_id>/status", methods=["POST"])
@roles_required(*PARTNER)
def set_status(service_id: int):
    """Pause at once; close only from the confirmation page (reopening needs review)."""
    status = request.form.get("status", "")
    if status == "closed" and request.form.get("confirmed") != "yes":
        svc.own_listing(current_user, service_id)  # 404 for another organisation's
        return redirect(url_for("partners.confirm_close", service_id=service_id))
    service = svc.set_listing_status(current_user, service_id, status)
    flash(f"{service.name} is now {status}. The public directory shows it at once.")
    return redirect(url_for("partners.dashboard") + f"#listing-{service.id}")


@bp.route("/partner/changes/<int:change_id>")
@roles_required(*PARTNER)
def sent_change(change_id: int):
    """What the partner sent, while it waits for review (and after)."""
    return render_template("partners/sent.html", **svc.sent_change(current_user, change_id))


@bp.route("/partner/reports/<int:report_id>/handle", methods=["POST"])
@roles_required(*PARTNER)
def handle_report(report_id: int):
    outcome = request.form.get("outcome", "")
    svc.handle_report(current_user, report_id, outcome)
    flash("Report marked as " + ("dealt with." if outcome == "done" else "dismissed."))
    return redirect(url_for("partners.dashboard") + "#reports")


@bp.route("/partner/export.<fmt>")
@roles_required(*PARTNER)
def export(fmt: str):
    """The organisation's own listings: CSV (the import's columns) or Open Referral."""
    body, mimetype, filename = svc.export_listings(current_user, fmt)
    return Response(body if isinstance(body, str) else json.dumps(body), mimetype=mimetype,
                    headers={"Content-Disposition": f"attachment; filename={filename}"})


@bp.route("/partner/import", methods=["GET", "POST"])
@roles_required(*PARTNER)
def import_listings():
    """A CSV of the organisation's listings: every row checked, all or nothing."""
    org = svc.my_organisation(current_user)
    form = UploadForm()
    result = None
    if form.validate_on_submit():
        upload = uploaded_file(form.file, "Choose a CSV file to import.")
        if upload is not None:
            result = svc.import_listings(current_user, upload)
            if result.ok:
                flash(f"Imported {result.created} listing{'s' if result.created != 1 else ''}"
                      + (": live now." if org.trusted else ": sent to the council for review."))
                return redirect(url_for("partners.dashboard"))
    status = 400 if (result and not result.ok) or form.file.errors else 200
    return render_template("partners/import.html", form=form, result=result,
                           organisation=org), status


@bp.route("/partner/buildings/<int:building_id>/edit", methods=["GET", "POST"])
@roles_required(*PARTNER)
def edit_building(building_id: int):
    """A building the organisation looks after (live at once, audited)."""
    building = svc.own_building(current_user, building_id)
    form = BuildingForm()
    if request.method == "GET":
        form.name.data, form.uprn.data = building.name, building.uprn
        form.easting.data, form.northing.data = building.x, building.y
        form.kind.data, form.notes.data = building.kind, building.notes
    elif form.validate_on_submit():
        problem = svc.save_building(building, form.data, current_user)
        if problem is None:
            flash(f"Saved {building.name}.")
            return redirect(url_for("partners.dashboard") + "#buildings")
        form.easting.errors = [*form.easting.errors, problem]
    status = 400 if request.method == "POST" else 200
    return render_template("partners/building_edit.html", form=form, building=building), status


