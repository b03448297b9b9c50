"""Gap maps, the ranked table, downloads, the evidence pack and the JSON API.

The views parse the request, call one function of the gaps' service layer and
render: :mod:`app.gaps.service` (map and table), :mod:`.downloads` (CSV, GeoJSON,
API), :mod:`.evidence` (the evidence pack and its PDF) and :mod:`.travel_import`.
The six gap views share the query parameters of :mod:`app.gaps.params`.  Every
count of people comes from the published snapshot (:mod:`app.publication`).
``/travel-times`` (planners) imports a routing engine's travel-time matrix.
"""

from __future__ import annotations

from flask import (
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField

from ..access import PLANNERS, READERS, roles_required
from ..uploads import uploaded_file
from . import bp, downloads, service, travel_import
from .evidence import evidence_page, request_pdf
from .params import MODE_LABELS
from .ward import request_ward_pdf, ward_page


def _status(errors) -> int:
    return 400 if errors else 200


@bp.route("/map")
@roles_required(*READERS)
def map_page():
    ctx, errors = service.map_page(request.args)
    return render_template("gaps/map.html", **ctx), _status(errors)


@bp.route("/gaps")
@roles_required(*READERS)
def table():
    ctx, errors = service.table_page(request.args)
    return render_template("gaps/table.html", **ctx), _status(errors)


def _bad_request_json(errors):
    response = jsonify({"errors": errors, "message": "Some parameters could not be used."})
    response.status_code = 400
    return response


def _refused(errors: dict) -> Response:
    """A download's bad parameters, each named with its problem, as a plain-text 400."""
    return Response("; ".join(f"{k}: {v}" for k, v in errors.items()) + "\n",
                    status=400, mimetype="text/plain")


@bp.route("/gaps.csv")
@roles_required(*READERS)
def csv():
    made = downloads.gaps_csv(request.args)
    if made.errors:
        return _refused(made.errors)
    return Response(made.body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{made.filename}"'})


@bp.route("/gaps.geojson")
@roles_required(*READERS)
def geojson():
    made = downloads.gaps_geojson(request.args)
    if made.errors:
        return _bad_request_json(made.errors)
    response = Response(made.body, mimetype="application/geo+json")
    if request.args.get("download"):
        response.headers["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    return response


@bp.route("/evidence")
@roles_required(*READERS)
def evidence():
    ctx, errors = evidence_page(request.args)
    return render_template("gaps/evidence.html", **ctx), _status(errors)


@bp.route("/evidence.pdf")
@roles_required(*READERS)
def evidence_pdf():
    """The evidence pack as an A4 PDF, made in the background and kept per data
    version and parameters: served at once when ready, else its progress page."""
    made = request_pdf(request.args, current_user.id)
    if not made.available:
        return Response("The PDF maker (WeasyPrint) is not available on this server. "
                        "Open the evidence pack page and use your browser's Print "
                        "or Save as PDF instead.\n", status=503, mimetype="text/plain")
    if made.errors:
        return _refused(made.errors)
    pdf = made.ready
    if pdf is None:
        return redirect(url_for("jobs.page", job_id=made.job.id), code=303)
    return Response(pdf["body"], mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{pdf["filename"]}"'})


@bp.route("/ward/<code>")
@roles_required(*READERS)
def ward(code):
    """One ward on one page, for a councillor to take to a parish council meeting."""
    ctx = ward_page(code, request.args)
    if ctx is None:
        abort(404, description="There is no ward with that code.")
    return render_template("gaps/ward.html", **ctx), _status(ctx["errors"])


@bp.route("/ward/<code>.pdf")
@roles_required(*READERS)
def ward_pdf(code):
    """The ward report as a one-page A4 PDF, made in the background like the evidence pack."""
    made = request_ward_pdf(code, request.args, current_user.id)
    if not made.available:
        return Response("The PDF maker (WeasyPrint) is not available on this server. "
                        "Open the ward report and use your browser's Print instead.\n",
                        status=503, mimetype="text/plain")
    if not made.found:
        abort(404, description="There is no ward with that code.")
    pdf = made.ready
    if pdf is None:
        return redirect(url_for("jobs.page", job_id=made.job.id), code=303)
    return Response(pdf["body"], mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{pdf["filename"]}"'})


@bp.route("/api/v1/gaps")
@roles_required(*READERS)
def api():
    payload, errors = downloads.api_payload(request.args)
    if errors:
        return _bad_request_json(errors)
    return jsonify(payload)


class TravelTimesForm(FlaskForm):
    file = FileField("Travel-time CSV")
    mode = SelectField("Way of travelling, for rows without a mode column",
                       choices=[(k, v) for k, v in MODE_LABELS.items()], default="bus")


@bp.route("/travel-times", methods=["GET", "POST"])
@roles_required(*PLANNERS)
def travel_times():
    """Upload a routing engine's travel-time matrix (all rows or none)."""
    form = TravelTimesForm()
    if form.validate_on_submit():
        upload = uploaded_file(form.file, "Choose a CSV file to import.")
        if upload is not None:
            result, problem = travel_import.import_upload(upload, default_mode=form.mode.data,
                                                          user=current_user)
            if problem:
                form.file.errors.append(problem)
            else:
                flash(f"Imported {result.rows:,} travel times for "
                      f"{', '.join(result.modes)} (replacing {result.replaced:,}).")
                return redirect(url_for("gaps.travel_times"))
    status = 400 if form.file.errors or form.errors else 200
    return render_template("gaps/travel_times.html", form=form,
                           summary=travel_import.summary()), status
