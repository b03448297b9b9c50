"""Gap maps, the ranked table, downloads, the evidence pack and the JSON API.

The six gap views share the query parameters of :mod:`app.gaps.params` and the
cached analysis of :mod:`app.gaps.service`.  Every count of people is
published through disclosure control (:func:`app.analysis.publish_frame`).
``/travel-times`` (planners) imports a routing engine's travel-time matrix.
"""

from __future__ import annotations

import io
import json
from datetime import date

from flask import (
    Response,
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

from .. import csvsafe
from ..access import PLANNERS, READERS, roles_required
from ..analysis import FIGURES, TABLE_COLUMNS, records
from ..analysis.figures import edition, labelled
from ..analysis.travel import SPEEDS_KMH
from ..extensions import db
from ..uploads import uploaded_file
from . import bp
from .evidence import evidence_page, request_pdf
from .params import MODE_LABELS
from .service import (
    build_map,
    funding_risk_rows,
    geojson_payload,
    load_view,
    page_context,
    sort_table,
)


def _status(errors) -> int:
    return 400 if errors else 200


@bp.route("/map")
@roles_required(*READERS)
def map_page():
    view, errors = load_view(db.session, request.args)
    ctx = page_context(view, errors)
    ctx["folium"] = build_map(view) if view.has_areas else None
    return render_template("gaps/map.html", **ctx), _status(errors)


@bp.route("/gaps")
@roles_required(*READERS)
def table():
    view, errors = load_view(db.session, request.args)
    ctx = page_context(view, errors)
    ctx["rows"] = sort_table(view)
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
    view, errors = load_view(db.session, request.args)
    if errors:
        return _refused(errors)
    out = io.StringIO()
    cols = ["code", *[c for c in TABLE_COLUMNS if c in view.published.columns]]
    writer = csvsafe.writer(out)
    writer.writerow([c if not edition(c, view.sources) else f"{c} ({edition(c, view.sources)})"
                     for c in cols])
    for row in records(view.published.sort_values(["rank", "name"]), cols[1:]):
        writer.writerow(["" if row[c] is None else row[c] for c in cols])
    name = f"gaps-{view.params.level}-{date.today().isoformat()}.csv"
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})



@bp.route("/gaps.geojson")
@roles_required(*READERS)
def geojson():
    view, errors = load_view(db.session, request.args)
    if errors:
        return _bad_request_json(errors)
    payload = geojson_payload(view)
    response = Response(json.dumps(payload, separators=(",", ":")),
                        mimetype="application/geo+json")
    if request.args.get("download"):
        response.headers["Content-Disposition"] = (
            f'attachment; filename="gaps-{view.params.level}.geojson"')
    return response


@bp.route("/evidence")
@roles_required(*READERS)
def evidence():
    ctx, errors = evidence_page(request.args, request.host_url)
    return render_template("gaps/evidence.html", **ctx), _status(errors)


@bp.route("/evidence.pdf")
@roles_required(*READERS)
def evidence_pdf():
    """The evidence pack as an A4 PDF, made in the background and kept per data
    version and parameters: served at once when ready, else its progress page."""
    from .pdf import pdf_available

    if not pdf_available():
        return Response("The PDF maker (WeasyPrint) is not available on this server. "
                        "Open the evidence pack page and use your browser's Print "
                        "or Save as PDF instead.\n", status=503, mimetype="text/plain")
    made = request_pdf(request.args, request.host_url)
    if made.errors:
        return _refused(made.errors)
    pdf = made.ready
    if pdf is None:
        return redirect(url_for("jobs.page", job_id=made.job.id), code=303)
    return Response(pdf["body"], mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{pdf["filename"]}"'})


@bp.route("/api/v1/gaps")
@roles_required(*READERS)
def api():
    view, errors = load_view(db.session, request.args)
    if errors:
        return _bad_request_json(errors)
    p = view.params
    cols = [c for c in TABLE_COLUMNS if c in view.published.columns]
    return jsonify({
        "level": p.level,
        "parameters": {"threshold_minutes": p.threshold, "mode": p.mode,
                       "speed_kmh": SPEEDS_KMH[p.mode], "circuity": 1.3,
                       "filter": p.filter, "max_monthly": p.max_monthly,
                       "weights": p.weights},
        "data_version": list(view.version),
        "travel": {"basis": view.travel.get("basis"), "sentence": view.travel_basis,
                   "network": view.travel.get("network"),
                   "timetable": view.travel.get("timetable"),
                   "computed_at": view.travel.get("computed_at")},
        "disclosure": {**view.disclosure,
                       "applies_to": ["responses", "cites_*", "share_*", "c_voice",
                                      "gap_score", "rank"]},
        "figures": {k: {"label": labelled(k, view.sources), "source": v["source"]}
                    for k, v in FIGURES.items()},
        "sources": view.sources,
        "areas": records(view.published.sort_values(["rank", "name"]), cols),
        "funding_at_risk": funding_risk_rows(view),
        "links": {"csv": url_for("gaps.csv", **p.query()),
                  "geojson": url_for("gaps.geojson", **p.query())},
    })



class TravelTimesForm(FlaskForm):
    file = FileField("Travel-time CSV")
    mode = SelectField("Way of travelling, for rows without a mode column",
                       choices=[(k, v) for k, v in MODE_LABELS.items()], default="bus")


@bp.route("/travel-times", methods=["GET", "POST"])
@roles_required(*PLANNERS)
def travel_times():
    """Upload a routing engine's travel-time matrix (all rows or none)."""
    from ..analysis.travel import MatrixError
    from ..audit import record
    from .travel_import import import_matrix, matrix_summary

    form = TravelTimesForm()
    problem = None
    if form.validate_on_submit():
        upload = uploaded_file(form.file, "Choose a CSV file to import.")
        if upload is not None:
            try:
                result = import_matrix(db.session, upload.stream, name=upload.filename,
                                       default_mode=form.mode.data)
            except (MatrixError, UnicodeDecodeError) as exc:
                db.session.rollback()
                problem = (str(exc) if isinstance(exc, MatrixError)
                           else f"{upload.filename}: not a UTF-8 text file")
                form.file.errors.append(problem)
            else:
                record(db.session, user=current_user, action="import",
                       object_type="TravelTime",
                       note=f"{result.rows} travel times ({', '.join(result.modes)}) from "
                            f"{upload.filename}, replacing {result.replaced}")
                db.session.commit()
                flash(f"Imported {result.rows:,} travel times for "
                      f"{', '.join(result.modes)} (replacing {result.replaced:,}).")
                return redirect(url_for("gaps.travel_times"))
    status = 400 if form.file.errors or form.errors else 200
    return render_template("gaps/travel_times.html", form=form,
                           summary=matrix_summary(db.session)), status
