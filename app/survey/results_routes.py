"""Staff pages: published results, exports, campaigns (the safeguarding queue is in
:mod:`.safeguarding_routes`).  Each view parses the request, calls one function of
:mod:`.results_service` and renders."""

from __future__ import annotations

from flask import (
    Response as FlaskResponse,
)
from flask import (
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from ..access import PLANNERS, READERS, roles_required
from . import bp
from . import results_service as svc


@bp.route("/results")
@roles_required(*READERS)
def results_index():
    """Every survey with its published number of answers (from the latest snapshot)."""
    return render_template("survey/results_index.html", **svc.results_index())


@bp.route("/results/<slug>")
@roles_required(*READERS)
def results(slug):
    """A survey's answers as published in the latest snapshot: headline findings,
    one chart per question, the area breakdown last."""
    return render_template("survey/results.html", **svc.results_page(
        slug, request.args.get("area"), request.args.get("age"), request.args.get("sort")))


def _csv(text: str, filename: str) -> FlaskResponse:
    return FlaskResponse(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/results/<slug>/tables.csv")
@roles_required(*READERS)
def results_csv(slug):
    """The published tables as CSV."""
    return _csv(*svc.tables_csv(slug, request.args.get("area"), request.args.get("age")))


@bp.route("/results/<slug>/responses.csv")
@roles_required("admin")
def export_full(slug):
    """Every response, anonymous, one row each, for admins (the data controller's
    record-level export, not a publication).  No free text, no ids, shuffled."""
    return _csv(*svc.record_level_export(slug, current_user))


# --- campaigns ---------------------------------------------------------------

@bp.route("/results/<slug>/campaigns", methods=["GET", "POST"])
@roles_required(*PLANNERS)
def campaigns(slug):
    """Campaign links and QR codes; add one, or one per school from the GIAS CSV."""
    post = None
    if request.method == "POST":
        post = svc.CampaignPost(action=request.form.get("action"),
                                name=request.form.get("name") or "",
                                kind=request.form.get("kind") or "event",
                                upload=request.files.get("gias"),
                                phases=tuple(request.form.getlist("phase")))
    page = svc.campaigns_page(slug, post, current_user)
    if page.done:
        flash(page.done)
        return redirect(url_for("survey.campaigns", slug=slug))
    return render_template("survey/campaigns.html", survey=page.survey,
                           campaigns=page.campaigns, errors=page.errors, phases=page.phases,
                           default_phases=page.default_phases), page.status


@bp.route("/results/<slug>/campaigns/<code>/qr.<fmt>")
@roles_required(*PLANNERS)
def campaign_qr(slug, code, fmt):
    """A campaign link's QR code, PNG or SVG."""
    url = url_for("survey.campaign", slug=slug, code=code, _external=True)
    data, mime = svc.campaign_qr(slug, code, fmt, url)
    return FlaskResponse(data, mimetype=mime, headers={
        "Content-Disposition": f'inline; filename="{slug}-{code}.{fmt}"'})
