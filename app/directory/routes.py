"""Public directory pages, exports and the Open Referral API.  The
commissioners' pages are in :mod:`.manage_routes` and :mod:`.building_routes`;
importing this module registers them all on :data:`app.directory.bp`."""

from __future__ import annotations

from datetime import date

from flask import Response, flash, jsonify, redirect, render_template, request, url_for

from ..access import public
from ..i18n import gettext
from ..models.directory import (
    COST_MODELS,
    DAYS,
    JOINING,
    PROVIDER_TYPES,
    SERVICE_STATUSES,
    SERVICE_TYPES,
)
from ..number_input import ParamError, arg_int
from . import bp, near_words
from . import service as svc
from .costs import service_monthly_cost
from .forms import ReportForm, filters_from_args, page_number, search_args

__all__ = ["bp", "init_app"]


def init_app(app) -> None:
    app.jinja_env.globals.update(
        service_types=SERVICE_TYPES, cost_models=COST_MODELS, provider_types=PROVIDER_TYPES,
        service_statuses=SERVICE_STATUSES, day_names=DAYS, joining_choices=JOINING,
    )
    app.jinja_env.filters["monthly_cost"] = service_monthly_cost
    # In the reader's language (app/directory/near_words.py; issue 25).
    app.jinja_env.filters["describe_cost"] = near_words.describe_cost
    app.jinja_env.filters["stale_warning"] = near_words.stale_warning


@bp.route("/directory")
@public
def index():
    """Find activities: works without JavaScript (a GET form)."""
    filters, errors = filters_from_args(request.args)
    found = svc.search(filters, page_number(request.args), errors)
    args = {k: v for k, v in search_args(request.args).items() if k != "page"}
    back = {**args, "page": str(found.page)} if found.page > 1 else args
    return render_template("directory/index.html", filters=filters, errors=errors,
                           hits=found.hits, total=found.total, page=found.page,
                           pages=found.pages, args=args, back=back,
                           corrections=found.corrections, map=found.map,
                           origin_label=found.origin_label,
                           near_note=found.near_note), (400 if errors else 200)


@bp.route("/directory/share")
@public
def share():
    """The same search as a plain page to print or send to a parent: every result (up
    to 100) with its times, cost, place and how to get in touch."""
    filters, errors = filters_from_args(request.args)
    # No "next session" times: a printed list outlives "today" and "tomorrow".
    found = svc.search(filters, 1, errors, with_map=False, page_size=svc.SHARE_SIZE,
                       with_times=False)
    args = {k: v for k, v in search_args(request.args).items() if k != "page"}
    return render_template("directory/share.html", filters=filters, errors=errors,
                           hits=found.hits, total=found.total, args=args, today=date.today(),
                           corrections=found.corrections,
                           origin_label=found.origin_label), (400 if errors else 200)


@bp.route("/directory/<int:service_id>")
@public
def service(service_id: int):
    return _render_service(svc.service_or_404(service_id), ReportForm(formdata=None))


def _render_service(service, form, status=200):
    back = search_args(request.args)
    return render_template("directory/service.html", service=service, form=form, back=back,
                           **svc.service_page(service, back.get("near"))), status


@bp.route("/directory/<int:service_id>/report", methods=["POST"])
@public
def report(service_id: int):
    """An anonymous report that a listing is out of date.  Stores only the kind and the
    optional message: no name, email, IP address or user agent."""
    service = svc.service_or_404(service_id)
    form = ReportForm()
    if not form.validate_on_submit():
        return _render_service(service, form, 400)
    svc.add_report(service, form.kind.data, form.message.data)
    flash(gettext("Thank you. A council officer will check this listing."))
    return redirect(url_for("directory.service", service_id=service.id,
                            **search_args(request.args)))


@bp.route("/directory/export.<fmt>")
@public
def export(fmt: str):
    """The public directory (active, paused and closed) as CSV, GeoJSON or Open Referral."""
    body, mimetype, filename = svc.export_directory(fmt)
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f"attachment; filename={filename}"})


# ---- Open Referral API ------------------------------------------------------------

def _api_error(status: int, reason: str):
    return jsonify({"error": reason, "status": status}), status


@bp.route("/api/v1/services")
@public
def api_services():
    """HSDS 3 paginated list of services (``page``, ``per_page``, ``search``)."""
    try:
        page = arg_int(request.args, "page", 1, 1, svc.API_PAGE_NUMBER_MAX,
                       f"page must be a whole number from 1 to {svc.API_PAGE_NUMBER_MAX:,}")
        per_page = arg_int(request.args, "per_page", 25, 1, svc.API_PAGE_MAX,
                           f"per_page must be between 1 and {svc.API_PAGE_MAX}")
    except ParamError as exc:
        return _api_error(400, str(exc))
    search = (request.args.get("search") or "").strip()
    return jsonify(svc.api_page(page, per_page, search))


@bp.route("/api/v1/services/<service_ref>")
@public
def api_service(service_ref: str):
    """One fully nested HSDS 3 service, by its UUID (as the list gives) or its number."""
    doc = svc.api_service(service_ref)
    if doc is None:
        return _api_error(404, f"no service has the id {service_ref!r}")
    return jsonify(doc)


from . import building_routes, manage_routes  # noqa: E402,F401 - register their views
