"""Commissioners keep the directory true: review, edit, close, reports, imports."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import PLANNERS, roles_required
from ..uploads import uploaded_file
from . import bp, import_service
from . import jobs as import_jobs
from . import service as svc
from .forms import ServiceForm, UploadForm


@bp.route("/directory/manage")
@roles_required(*PLANNERS)
def manage():
    """Start page: what needs review, the reports queue, every service."""
    return render_template("directory/manage.html", **svc.manage_overview())


@bp.route("/directory/manage/new", methods=["GET", "POST"])
@roles_required(*PLANNERS)
def new_service():
    form = ServiceForm()
    if form.validate_on_submit():
        service = svc.save_service(form, None, current_user)
        if service is not None:
            flash(f"Added {service.name}.")
            return redirect(url_for("directory.service", service_id=service.id))
    status = 400 if form.errors or any(f.errors for f in form) else 200
    return render_template("directory/edit.html", form=form, service=None), status


def _kept_by_import(reason: str):
    """403: a service in a neighbouring area is refreshed by import, not edited here."""
    return render_template("errors/error.html", code=403, title="This service is kept by import",
                           message=reason), 403


@bp.route("/directory/manage/<int:service_id>/edit", methods=["GET", "POST"])
@roles_required(*PLANNERS)
def edit_service(service_id: int):
    service = svc.service_or_404(service_id)
    if reason := svc.read_only_reason(service):
        return _kept_by_import(reason)
    form = ServiceForm()
    if request.method == "GET":
        svc.fill_service_form(form, service)
    elif form.validate_on_submit() and svc.save_service(form, service, current_user):
        flash(f"Saved {service.name}.")
        return redirect(url_for("directory.manage"))
    status = 400 if request.method == "POST" else 200
    return render_template("directory/edit.html", form=form, service=service), status


@bp.route("/directory/manage/<int:service_id>/close", methods=["POST"])
@roles_required(*PLANNERS)
def close_service(service_id: int):
    service = svc.service_or_404(service_id)
    svc.close_service(service, current_user)
    flash(f"Closed {service.name}. It no longer shows in the public directory.")
    return redirect(url_for("directory.manage"))


@bp.route("/directory/manage/<int:service_id>/checked", methods=["POST"])
@roles_required(*PLANNERS)
def mark_checked(service_id: int):
    service = svc.service_or_404(service_id)
    if reason := svc.read_only_reason(service):
        return _kept_by_import(reason)
    svc.mark_checked(service, current_user)
    flash(f"Marked {service.name} as checked today.")
    return redirect(url_for("directory.manage"))


@bp.route("/directory/manage/reports/<int:report_id>/handle", methods=["POST"])
@roles_required(*PLANNERS)
def handle_report(report_id: int):
    outcome = request.form.get("outcome", "done")
    svc.handle_report(report_id, outcome, current_user)
    flash("Report marked as " + ("dealt with." if outcome == "done" else "dismissed."))
    return redirect(url_for("directory.manage") + "#reports")


@bp.route("/directory/manage/import", methods=["GET", "POST"])
@roles_required(*PLANNERS)
def import_services():
    """Upload CSV, GeoJSON or Open Referral JSON: all rows are added, or none."""
    form = UploadForm()
    result = None
    if form.validate_on_submit():
        upload = uploaded_file(form.file, "Choose a file to import.")
        if upload is not None:
            data = upload.read()
            if len(data) > current_app.config["JOBS_IMPORT_BYTES"]:  # big: in the background
                job = import_jobs.start_import(data, upload.filename, current_user,
                                               submission=form.submission.data)
                return redirect(url_for("jobs.page", job_id=job.id), code=303)
            result = import_service.import_services(data, upload.filename, current_user)
            if result.ok:
                flash(f"Imported {result.created} services from {upload.filename}"
                      + (f"; refreshed {result.refreshed} in neighbouring areas."
                         if result.refreshed else "."))
                return redirect(url_for("directory.manage"))
    status = 400 if (result and not result.ok) or form.file.errors else 200
    if not form.submission.data:
        form.new_submission()
    return render_template("directory/import.html", form=form, result=result,
                           title="Import services"), status


@bp.route("/directory/manage/import/<job_id>")
@roles_required(*PLANNERS)
def import_outcome(job_id: str):
    """What a background import did: the problems to fix, or how many were added."""
    job, result = import_jobs.import_outcome(job_id)
    if job is None:
        abort(404)
    if result is not None and result.ok:
        flash(f"Imported {result.created} services.")
        return redirect(url_for("directory.manage"))
    if result is None:
        return redirect(url_for("jobs.page", job_id=job_id))
    return render_template("directory/import.html", form=UploadForm(), result=result,
                           title="Import services"), 400
