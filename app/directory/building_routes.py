"""Council buildings that could host provision: list, map, edit, import, export."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import PLANNERS, READERS, roles_required
from ..uploads import uploaded_file
from . import bp
from . import building_service as svc
from .forms import BuildingForm, UploadForm


@bp.route("/directory/buildings")
@roles_required(*READERS)
def buildings():
    return render_template("directory/buildings.html", **svc.buildings_page(),
                           can_edit=current_user.role in PLANNERS, form=UploadForm())


@bp.route("/directory/buildings.<fmt>")
@roles_required(*READERS)
def buildings_export(fmt: str):
    body, mimetype, filename = svc.export_buildings(fmt)
    headers = {"Content-Disposition": f"attachment; filename={filename}"} if filename else {}
    return Response(body, mimetype=mimetype, headers=headers)


@bp.route("/directory/buildings/new", methods=["GET", "POST"])
@bp.route("/directory/buildings/<int:building_id>/edit", methods=["GET", "POST"])
@roles_required(*PLANNERS)
def edit_building(building_id: int | None = None):
    building = svc.building_or_404(building_id)
    form = BuildingForm(obj=None)
    if request.method == "GET":
        if building is not None:
            svc.fill_building_form(form, building)
    else:
        saved = svc.save_building(form, building, current_user)
        if saved is not None:
            flash(f"Saved {saved.name}.")
            return redirect(url_for("directory.buildings"))
    status = 400 if request.method == "POST" else 200
    return render_template("directory/building_edit.html", form=form, building=building), status


@bp.route("/directory/buildings/import", methods=["POST"])
@roles_required(*PLANNERS)
def import_buildings():
    form = UploadForm()
    result = None
    if not form.validate_on_submit():
        form.file.data = None  # a refused form (bad CSRF token) imports nothing
    upload = uploaded_file(form.file, "Choose a CSV file of buildings to import.")
    if upload is not None:
        result = svc.import_buildings(upload.read(), upload.filename, current_user)
        if result.ok:
            flash(f"Imported {result.created} buildings from {upload.filename}.")
            return redirect(url_for("directory.buildings"))
    return render_template("directory/import.html", form=form, result=result,
                           title="Import council buildings"), 400
