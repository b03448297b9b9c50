"""A partner's own pages: listings, changes, check-ins, reports, buildings, files.

Every record is looked up through :mod:`.listings`, scoped to the signed-in
partner's organisation; another organisation's record is 404, exactly like a
record that does not exist.
"""

from __future__ import annotations

import json
from datetime import date

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import PARTNER, roles_required
from ..directory.forms import BuildingForm, UploadForm
from ..directory.records import service_row
from ..extensions import db
from ..uploads import uploaded_file
from . import bp, listings, review_days
from .changes import ChangeProblem, pending_for, propose
from .forms import PartnerServiceForm
from .rows import form_to_row, row_to_form


def _org():
    org = current_user.organisation if current_user.organisation_id else None
    if org is None:
        abort(403, description="Your account is not linked to an organisation. Ask the council.")
    return org


@bp.route("/partner")
@roles_required(*PARTNER)
def dashboard():
    """The partner's start page: listings to confirm, changes, reports."""
    board = listings.dashboard(db.session, _org(), review_days=review_days())
    return render_template("partners/dashboard.html", board=board, review_days=review_days(),
                           today=date.today())


def _save(form, service):
    """Propose the form's listing; (change, None) or (None, problems on the form)."""
    org = _org()
    row = form_to_row(form, organisation=org.name, provider_type=org.kind, checked=date.today())
    try:
        change = propose(db.session, user=current_user, org=org, service=service, row=row)
    except ChangeProblem as exc:
        db.session.rollback()
        for column, message in exc.problems:
            target = {"easting": "latitude", "northing": "longitude", "sessions": "name"}.get(
                column, column)
            field = form[target] if target in form else form.name
            field.errors = [*field.errors, message]
        return None
    db.session.commit()
    flash("Saved: it is live now." if change.status == "live"
          else "Sent to the council for review. It will show once approved.")
    return change


@bp.route("/partner/listings/new", methods=["GET", "POST"])
@bp.route("/partner/listings/<int:service_id>/edit", methods=["GET", "POST"])
@roles_required(*PARTNER)
def edit_listing(service_id: int | None = None):
    org = _org()
    service = None
    if service_id is not None:
        service = listings.own_service(db.session, org.id, service_id) or abort(404)
    form = PartnerServiceForm()
    if request.method == "GET" and service is not None:
        waiting = pending_for(db.session, service.id)
        row_to_form(form, waiting.after if waiting else service_row(service))
        if waiting:
            flash("A change to this listing is waiting for review; you are editing that change.")
    elif form.validate_on_submit() and _save(form, service):
        return redirect(url_for("partners.dashboard"))
    status = 400 if request.method == "POST" else 200
    return render_template("partners/edit.html", form=form, service=service,
                           trusted=org.trusted), status


@bp.route("/partner/listings/<int:service_id>/confirm", methods=["POST"])
@roles_required(*PARTNER)
def confirm(service_id: int):
    """One click: "still right"."""
    service = listings.own_service(db.session, _org().id, service_id) or abort(404)
    listings.confirm(db.session, service, user=current_user)
    db.session.commit()
    flash(f"Thank you: {service.name} is marked as checked today.")
    return redirect(url_for("partners.dashboard") + f"#listing-{service.id}")


@bp.route("/partner/listings/<int:service_id>/status", methods=["POST"])
@roles_required(*PARTNER)
def set_status(service_id: int):
    """One click: pause or close (live at once)."""
    service = listings.own_service(db.session, _org().id, service_id) or abort(404)
    status = request.form.get("status", "")
    if status not in listings.ONE_CLICK_STATUSES:
        abort(400, description="Choose pause or close.")
    listings.set_status(db.session, service, status, user=current_user)
    db.session.commit()
    flash(f"{service.name} is now {status}. The public directory shows it at once.")
    return redirect(url_for("partners.dashboard") + f"#listing-{service.id}")


@bp.route("/partner/reports/<int:report_id>/handle", methods=["POST"])
@roles_required(*PARTNER)
def handle_report(report_id: int):
    report = listings.own_report(db.session, _org().id, report_id) or abort(404)
    outcome = request.form.get("outcome", "")
    if outcome not in ("done", "dismissed"):
        abort(400, description="Say whether the report was dealt with or dismissed.")
    listings.handle_report(db.session, report, outcome, user=current_user)
    db.session.commit()
    flash("Report marked as " + ("dealt with." if outcome == "done" else "dismissed."))
    return redirect(url_for("partners.dashboard") + "#reports")


@bp.route("/partner/export.<fmt>")
@roles_required(*PARTNER)
def export(fmt: str):
    """The organisation's own listings: CSV (the import's columns) or Open Referral."""
    org = _org()
    body, mimetype, filename = listings.export_own(db.session, org, fmt,
                                                   council=current_app.config["COUNCIL_NAME"])
    if body is None:
        abort(404)
    return Response(body if isinstance(body, str) else json.dumps(body), mimetype=mimetype,
                    headers={"Content-Disposition": f"attachment; filename={filename}"})


@bp.route("/partner/import", methods=["GET", "POST"])
@roles_required(*PARTNER)
def import_listings():
    """A CSV of the organisation's listings: every row checked, all or nothing."""
    org = _org()
    form = UploadForm()
    result = None
    if form.validate_on_submit():
        upload = uploaded_file(form.file, "Choose a CSV file to import.")
        if upload is not None:
            result = listings.import_file(db.session, org, upload.read(), upload.filename,
                                          user=current_user)
            if result.ok:
                db.session.commit()
                flash(f"Imported {result.created} listing{'s' if result.created != 1 else ''}"
                      + (": live now." if org.trusted else ": sent to the council for review."))
                return redirect(url_for("partners.dashboard"))
            db.session.rollback()
    status = 400 if (result and not result.ok) or form.file.errors else 200
    return render_template("partners/import.html", form=form, result=result,
                           organisation=org), status


@bp.route("/partner/buildings/<int:building_id>/edit", methods=["GET", "POST"])
@roles_required(*PARTNER)
def edit_building(building_id: int):
    """A building the organisation looks after (live at once, audited)."""
    building = listings.own_building(db.session, _org().id, building_id) or abort(404)
    form = BuildingForm()
    if request.method == "GET":
        form.name.data, form.uprn.data = building.name, building.uprn
        form.easting.data, form.northing.data = building.x, building.y
        form.kind.data, form.notes.data = building.kind, building.notes
    elif form.validate_on_submit():
        problem = listings.save_building(db.session, building, form.data, user=current_user)
        if problem is None:
            db.session.commit()
            flash(f"Saved {building.name}.")
            return redirect(url_for("partners.dashboard") + "#buildings")
        db.session.rollback()
        form.easting.errors = [*form.easting.errors, problem]
    status = 400 if request.method == "POST" else 200
    return render_template("partners/building_edit.html", form=form, building=building), status
