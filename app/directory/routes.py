"""The provision directory: public search and service pages, anonymous reports,
commissioner pages to keep it true, council buildings, exports and the Open
Referral (HSDS 3) API."""

from __future__ import annotations

import json
import math
from datetime import date, timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..access import PLANNERS, READERS, public, roles_required
from ..audit import record, snapshot
from ..extensions import db
from ..models import Area, Building, Service, ServiceReport, ServiceSession
from ..models.directory import (
    COST_MODELS,
    DAYS,
    PROVIDER_TYPES,
    SERVICE_STATUSES,
    SERVICE_TYPES,
)
from ..uploads import uploaded_file
from . import openreferral
from .costs import describe_cost, service_monthly_cost
from .forms import REPORT_KINDS, BuildingForm, ReportForm, ServiceForm, UploadForm
from .io import (
    ImportResult,
    Problem,
    export_buildings_csv,
    export_buildings_geojson,
    export_services_csv,
    export_services_geojson,
    import_buildings_csv,
    import_services_csv,
    import_services_geojson,
)
from .places import from_latlon, lsoa_for_point, on_grid, place_postcode, to_latlon
from .records import clean_address, organisation_named
from .search import Filters, find_services

bp = Blueprint("directory", __name__)

PAGE_SIZE = 20
API_PAGE_MAX = 100


def init_app(app) -> None:
    app.jinja_env.globals.update(
        service_types=SERVICE_TYPES, cost_models=COST_MODELS, provider_types=PROVIDER_TYPES,
        service_statuses=SERVICE_STATUSES, day_names=DAYS,
    )
    app.jinja_env.filters["monthly_cost"] = service_monthly_cost
    app.jinja_env.filters["describe_cost"] = describe_cost


def _asset_url(package: str, filename: str) -> str:
    return url_for("vendor.asset", name=package, filename=filename)


def _service_or_404(service_id: int) -> Service:
    service = db.session.get(Service, service_id)
    if service is None:
        abort(404)
    return service


def _scope() -> str:
    return openreferral.scope_for(current_app.config["COUNCIL_NAME"])


def _state_province() -> str:
    return current_app.config["COUNCIL_NAME"].removesuffix(" Council")


def _review_days() -> int:
    return int(current_app.config.get("SERVICE_REVIEW_DAYS", 180))


# ---- public directory -------------------------------------------------------------

def _filters_from_args(args) -> tuple[Filters, dict[str, str]]:
    errors: dict[str, str] = {}
    f = Filters(q=(args.get("q") or "").strip()[:100], near=(args.get("near") or "").strip()[:80])
    t = args.get("type") or ""
    if t and t not in SERVICE_TYPES:
        errors["type"] = "Choose a type from the list."
    else:
        f.service_type = t
    f.free_only = args.get("free") == "1"
    f.not_uniformed = args.get("not_uniformed") == "1"
    raw = (args.get("max_cost") or "").strip().lstrip("£")
    if raw:
        try:
            f.max_monthly = float(raw)
            if not math.isfinite(f.max_monthly) or f.max_monthly < 0:
                raise ValueError
        except ValueError:
            errors["max_cost"] = "Enter the most you would pay a month as a number, like 10."
            f.max_monthly = None
    day = args.get("day") or ""
    if day:
        if day.isdigit() and int(day) < 7:
            f.day = int(day)
        else:
            errors["day"] = "Choose a day from the list."
    age = (args.get("age") or "").strip()
    if age:
        if age.isdigit() and 5 <= int(age) <= 30:
            f.age = int(age)
        else:
            errors["age"] = "Enter an age between 5 and 30."
    return f, errors


@bp.route("/directory")
@public
def index():
    """Find activities: works without JavaScript (a GET form)."""
    filters, errors = _filters_from_args(request.args)
    try:
        page = min(10_000, max(1, int(request.args.get("page", 1))))
    except ValueError:
        page = 1
    found = find_services(db.session, filters, page=page, page_size=PAGE_SIZE)
    if found.near_problem:
        errors["near"] = found.near_problem
    total = found.total
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if page > pages:
        page = pages
        found = find_services(db.session, filters, page=page, page_size=PAGE_SIZE)
    hits = found.hits
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("directory/index.html", filters=filters, errors=errors, hits=hits,
                           total=total, page=page, pages=pages, args=args,
                           origin_label=found.origin_label), (400 if errors else 200)


def _service_map(service: Service, buildings=()):
    if service.x is None or service.y is None:
        return None
    from ..maps.service_map import point_map
    from ..security import csp_nonce

    lat, lon = to_latlon(service.x, service.y)
    points = [{"lat": lat, "lon": lon, "label": service.venue_name or service.name}]
    for b in buildings:
        blat, blon = to_latlon(b.x, b.y)
        points.append({"lat": blat, "lon": blon, "label": f"Council building: {b.name}",
                       "kind": "building"})
    tiles = current_app.config.get("MAP_TILES_URL", "")
    return point_map(points, asset_url=_asset_url, nonce=csp_nonce(), tiles_url=tiles,
                     attribution=current_app.config.get("MAP_TILES_ATTRIBUTION", ""),
                     context=None if tiles else _nearby_areas(service.x, service.y))


def _nearby_areas(x: float, y: float, radius_m: float = 4000) -> dict | None:
    """Parish (else ward) outlines around a point, for a map with no basemap."""
    import geopandas as gpd
    import shapely

    window = shapely.Point(x, y).buffer(radius_m)
    for level in ("parish", "ward"):
        rows = db.session.execute(
            select(Area.name, Area.geom_wkb).where(Area.level == level)
        ).all()
        if not rows:
            continue
        gdf = gpd.GeoDataFrame(
            {"name": [r.name for r in rows]},
            geometry=shapely.from_wkb([r.geom_wkb for r in rows]), crs=27700,
        )
        gdf = gdf[gdf.intersects(window)]
        if gdf.empty:
            return None
        gdf["geometry"] = gdf.geometry.simplify(15)
        return gdf.to_crs(4326).__geo_interface__
    return None


@bp.route("/directory/<int:service_id>")
@public
def service(service_id: int):
    service = _service_or_404(service_id)
    return _render_service(service, ReportForm(formdata=None))


def _render_service(service, form, status=200):
    return render_template("directory/service.html", service=service, form=form,
                           monthly=service_monthly_cost(service), map=_service_map(service),
                           review_days=_review_days()), status


@bp.route("/directory/<int:service_id>/report", methods=["POST"])
@public
def report(service_id: int):
    """An anonymous report that a listing is out of date.  Stores only the kind and the
    optional message: no name, email, IP address or user agent."""
    service = _service_or_404(service_id)
    form = ReportForm()
    if not form.validate_on_submit():
        return _render_service(service, form, 400)
    db.session.add(ServiceReport(service_id=service.id, kind=form.kind.data,
                                 message=(form.message.data or "").strip() or None))
    db.session.commit()
    flash("Thank you. A council officer will check this listing.")
    return redirect(url_for("directory.service", service_id=service.id))


@bp.route("/directory/export.<fmt>")
@public
def export(fmt: str):
    """The public directory (active, paused and closed) as CSV, GeoJSON or Open Referral."""
    services = _all_services()
    if fmt == "csv":
        return Response(export_services_csv(services), mimetype="text/csv",
                        headers={"Content-Disposition": "attachment; filename=services.csv"})
    if fmt == "geojson":
        doc = export_services_geojson(services, monthly_cost=service_monthly_cost)
        return Response(json.dumps(doc), mimetype="application/geo+json",
                        headers={"Content-Disposition": "attachment; filename=services.geojson"})
    if fmt == "json":
        doc = openreferral.export_directory(services, scope=_scope(),
                                            state_province=_state_province(),
                                            monthly_cost=service_monthly_cost)
        return Response(json.dumps(doc), mimetype="application/json",
                        headers={"Content-Disposition":
                                 "attachment; filename=services-openreferral.json"})
    abort(404)


def _all_services():
    return db.session.scalars(
        select(Service).options(selectinload(Service.sessions),
                                selectinload(Service.organisation)).order_by(Service.id)
    ).all()


# ---- Open Referral API ------------------------------------------------------------

def _api_error(status: int, reason: str):
    return jsonify({"error": reason, "status": status}), status


@bp.route("/api/v1/services")
@public
def api_services():
    """HSDS 3 paginated list of services (``page``, ``per_page``, ``search``)."""
    try:
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", 25))
    except ValueError:
        return _api_error(400, "page and per_page must be whole numbers")
    if page < 1:
        return _api_error(400, "page must be 1 or more")
    if not 1 <= per_page <= API_PAGE_MAX:
        return _api_error(400, f"per_page must be between 1 and {API_PAGE_MAX}")
    stmt = select(Service)
    search = (request.args.get("search") or "").strip()
    if search:
        stmt = stmt.where(func.lower(Service.name).like(f"%{search.lower()}%"))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.session.scalars(
        stmt.options(selectinload(Service.sessions), selectinload(Service.organisation))
        .order_by(Service.id).offset((page - 1) * per_page).limit(per_page)
    ).all()
    contents = [openreferral.service_to_hsds(s, scope=_scope(), state_province=_state_province(),
                                             monthly=service_monthly_cost(s)) for s in rows]
    return jsonify(openreferral.page(contents, total_items=total, page_number=page,
                                     per_page=per_page))


@bp.route("/api/v1/services/<service_ref>")
@public
def api_service(service_ref: str):
    """One fully nested HSDS 3 service, by its UUID (as the list gives) or its number."""
    number = int(service_ref) if service_ref.isdigit() else openreferral.parse_uuid(
        service_ref, "service", _scope())
    if number is None:
        return _api_error(404, f"no service has the id {service_ref!r}")
    service = db.session.get(Service, number)
    if service is None:
        return _api_error(404, f"no service has the id {service_ref!r}")
    return jsonify(openreferral.service_to_hsds(service, scope=_scope(),
                                                state_province=_state_province(),
                                                monthly=service_monthly_cost(service)))


# ---- keeping it true (commissioners) ------------------------------------------------

def _review_cutoff() -> date:
    return date.today() - timedelta(days=_review_days())


@bp.route("/directory/manage")
@roles_required(*PLANNERS)
def manage():
    """Start page: what needs review, the reports queue, every service."""
    cutoff = _review_cutoff()
    services = db.session.scalars(
        select(Service).options(selectinload(Service.organisation)).order_by(Service.name)
    ).all()
    review = [s for s in services if s.status != "closed"
              and (s.last_checked is None or s.last_checked < cutoff)]
    review.sort(key=lambda s: (s.last_checked is not None, s.last_checked or date.min))
    reports = db.session.scalars(
        select(ServiceReport).where(ServiceReport.status == "open")
        .options(selectinload(ServiceReport.service)).order_by(ServiceReport.created_at)
    ).all()
    soon = date.today() + timedelta(days=365)
    ending = [s for s in services if s.status != "closed" and s.funding_end
              and date.today() <= s.funding_end <= soon]
    ending.sort(key=lambda s: s.funding_end)
    return render_template("directory/manage.html", services=services, review=review,
                           reports=reports, report_kinds=dict(REPORT_KINDS), ending=ending,
                           review_days=_review_days(), cutoff=cutoff)


def _service_snapshot(service: Service) -> dict:
    data = snapshot(service, exclude=("created_at", "updated_at"))
    data["organisation"] = service.organisation.name if service.organisation else None
    data["sessions"] = [
        {"day": s.day, "start": s.start.strftime("%H:%M"), "end": s.end.strftime("%H:%M"),
         "term_time_only": bool(s.term_time_only)}
        for s in sorted(service.sessions, key=lambda s: (s.day, s.start))
    ]
    return data


def _fill_form(form: ServiceForm, service: Service) -> None:
    for name in ("name", "description", "service_type", "uniformed", "age_min", "age_max",
                 "cost_model", "cost_amount", "concession", "venue_name", "address",
                 "postcode", "accessibility_notes", "transport_notes", "funding_source",
                 "funding_end", "capacity", "status", "last_checked"):
        getattr(form, name).data = getattr(service, name)
    form.organisation.data = service.organisation.name if service.organisation else ""
    form.provider_type.data = service.provider_type or ""
    if service.no_fixed_place:
        form.place.data = "none"
    elif service.postcode:
        form.place.data = "postcode"
    elif service.x is not None:
        form.place.data = "point"
        form.latitude.data, form.longitude.data = to_latlon(service.x, service.y)
    for entry, s in zip(form.sessions, sorted(service.sessions, key=lambda s: (s.day, s.start)),
                        strict=False):
        entry.day.data = str(s.day)
        entry.start.data, entry.end.data = s.start, s.end
        entry.term_time_only.data = s.term_time_only


def _apply_form(form: ServiceForm, service: Service) -> bool:
    """Copy the form onto ``service``; False (with errors on the form) if the place fails."""
    if form.place.data == "postcode":
        placed = place_postcode(db.session, form.postcode.data)
        if placed is None:
            form.postcode.errors.append("We could not find that postcode. Check it, or give a "
                                        "point on the map instead.")
            return False
        service.postcode, service.x, service.y, service.lsoa_code = placed
        service.no_fixed_place = False
    elif form.place.data == "point":
        x, y = from_latlon(form.latitude.data, form.longitude.data)
        if not on_grid(x, y):
            form.latitude.errors.append("That point is not in Great Britain.")
            return False
        service.x, service.y = x, y
        service.postcode = None
        service.lsoa_code = lsoa_for_point(db.session, x, y)
        service.no_fixed_place = False
    else:
        service.x = service.y = None
        service.postcode = service.lsoa_code = None
        service.no_fixed_place = True
    for name in ("name", "description", "service_type", "age_min", "age_max", "cost_model",
                 "venue_name", "accessibility_notes", "transport_notes", "funding_source",
                 "funding_end", "capacity", "status"):
        value = getattr(form, name).data
        if isinstance(value, str):
            value = value.strip() or None
        setattr(service, name, value)
    service.name = form.name.data.strip()
    service.address = clean_address(form.address.data)
    service.uniformed = bool(form.uniformed.data) or form.service_type.data == "uniformed"
    service.concession = bool(form.concession.data)
    service.cost_amount = None if form.cost_model.data == "free" else form.cost_amount.data
    service.provider_type = form.provider_type.data or None
    service.last_checked = form.last_checked.data or date.today()
    service.organisation = organisation_named(db.session, (form.organisation.data or "").strip()
                                              or None)
    service.sessions = [
        ServiceSession(day=int(e.day.data), start=e.start.data, end=e.end.data,
                       term_time_only=bool(e.term_time_only.data))
        for e in form.sessions if e.day.data
    ]
    return True


@bp.route("/directory/manage/new", methods=["GET", "POST"])
@roles_required(*PLANNERS)
def new_service():
    form = ServiceForm()
    if form.validate_on_submit():
        service = Service()
        if _apply_form(form, service):
            db.session.add(service)
            db.session.flush()
            record(db.session, user=current_user, action="create", obj=service,
                   after=_service_snapshot(service))
            db.session.commit()
            flash(f"Added {service.name}.")
            return redirect(url_for("directory.service", service_id=service.id))
        db.session.rollback()
    status = 400 if form.errors or any(f.errors for f in form) else 200
    return render_template("directory/edit.html", form=form, service=None), status


@bp.route("/directory/manage/<int:service_id>/edit", methods=["GET", "POST"])
@roles_required(*PLANNERS)
def edit_service(service_id: int):
    service = _service_or_404(service_id)
    form = ServiceForm()
    if request.method == "GET":
        _fill_form(form, service)
    elif form.validate_on_submit():
        before = _service_snapshot(service)
        if _apply_form(form, service):
            db.session.flush()
            record(db.session, user=current_user, action="update", obj=service, before=before,
                   after=_service_snapshot(service))
            db.session.commit()
            flash(f"Saved {service.name}.")
            return redirect(url_for("directory.manage"))
        db.session.rollback()
        service = _service_or_404(service_id)
    status = 400 if request.method == "POST" else 200
    return render_template("directory/edit.html", form=form, service=service), status


@bp.route("/directory/manage/<int:service_id>/close", methods=["POST"])
@roles_required(*PLANNERS)
def close_service(service_id: int):
    service = _service_or_404(service_id)
    before = _service_snapshot(service)
    service.status = "closed"
    service.last_checked = date.today()
    record(db.session, user=current_user, action="close", obj=service, before=before,
           after=_service_snapshot(service))
    db.session.commit()
    flash(f"Closed {service.name}. It no longer shows in the public directory.")
    return redirect(url_for("directory.manage"))


@bp.route("/directory/manage/<int:service_id>/checked", methods=["POST"])
@roles_required(*PLANNERS)
def mark_checked(service_id: int):
    service = _service_or_404(service_id)
    before = {"last_checked": service.last_checked.isoformat() if service.last_checked else None}
    service.last_checked = date.today()
    record(db.session, user=current_user, action="checked", obj=service, before=before,
           after={"last_checked": service.last_checked.isoformat()})
    db.session.commit()
    flash(f"Marked {service.name} as checked today.")
    return redirect(url_for("directory.manage"))


@bp.route("/directory/manage/reports/<int:report_id>/handle", methods=["POST"])
@roles_required(*PLANNERS)
def handle_report(report_id: int):
    report_row = db.session.get(ServiceReport, report_id)
    if report_row is None:
        abort(404)
    outcome = request.form.get("outcome", "done")
    if outcome not in ("done", "dismissed"):
        abort(400)
    before = snapshot(report_row)
    report_row.status = outcome
    report_row.handled_by = current_user.id
    from ..models.base import utcnow

    report_row.handled_at = utcnow()
    record(db.session, user=current_user, action=f"report {outcome}", obj=report_row,
           before=before, after=snapshot(report_row))
    db.session.commit()
    flash("Report marked as " + ("dealt with." if outcome == "done" else "dismissed."))
    return redirect(url_for("directory.manage") + "#reports")


def _import_file(data: bytes, filename: str):
    name = (filename or "").lower()
    if name.endswith(".csv"):
        return import_services_csv(db.session, data)
    if name.endswith(".geojson"):
        return import_services_geojson(db.session, data)
    if name.endswith(".json"):
        return openreferral.import_openreferral(db.session, data)
    result = ImportResult()
    result.problems.append(Problem("-", "(file)", "must end in .csv, .geojson or .json "
                                                  "(Open Referral)"))
    return result


def _run_import(load) -> ImportResult:
    """Run an all-or-nothing importer; a file it cannot read at all is one problem."""
    try:
        return load()
    except ValueError as exc:
        return ImportResult([Problem("-", "(file)", str(exc))])


def _keep_import(result: ImportResult, object_type: str, what: str) -> bool:
    """Commit a clean import with its audit record, or roll the whole file back."""
    if not result.ok:
        db.session.rollback()
        return False
    record(db.session, user=current_user, action="import", object_type=object_type,
           note=f"{result.created} {what}")
    db.session.commit()
    flash(f"Imported {result.created} {what}.")
    return True


@bp.route("/directory/manage/import", methods=["GET", "POST"])
@roles_required(*PLANNERS)
def import_services():
    """Upload CSV, GeoJSON or Open Referral JSON: all rows are added, or none."""
    form = UploadForm()
    result = None
    if form.validate_on_submit():
        upload = uploaded_file(form.file, "Choose a file to import.")
        if upload is not None:
            result = _run_import(lambda: _import_file(upload.read(), upload.filename))
            if _keep_import(result, "Service", f"services from {upload.filename}"):
                return redirect(url_for("directory.manage"))
    status = 400 if (result and not result.ok) or form.file.errors else 200
    return render_template("directory/import.html", form=form, result=result,
                           title="Import services"), status


# ---- council buildings ----------------------------------------------------------------

@bp.route("/directory/buildings")
@roles_required(*READERS)
def buildings():
    rows = db.session.scalars(select(Building).order_by(Building.name)).all()
    the_map = None
    if rows:
        from ..maps.service_map import point_map
        from ..security import csp_nonce

        points = []
        for s in db.session.scalars(select(Service).where(Service.status == "active",
                                                          Service.x.is_not(None))):
            lat, lon = to_latlon(s.x, s.y)
            points.append({"lat": lat, "lon": lon, "label": s.name, "kind": "service"})
        for b in rows:  # drawn last, so buildings sit on top of services
            lat, lon = to_latlon(b.x, b.y)
            points.append({"lat": lat, "lon": lon, "label": b.name, "kind": "building"})
        the_map = point_map(points, asset_url=_asset_url, nonce=csp_nonce(),
                            tiles_url=current_app.config.get("MAP_TILES_URL", ""),
                            attribution=current_app.config.get("MAP_TILES_ATTRIBUTION", ""),
                            height="420px")
    can_edit = current_user.role in PLANNERS
    return render_template("directory/buildings.html", buildings=rows, map=the_map,
                           can_edit=can_edit, form=UploadForm())


@bp.route("/directory/buildings.<fmt>")
@roles_required(*READERS)
def buildings_export(fmt: str):
    rows = db.session.scalars(select(Building).order_by(Building.name)).all()
    if fmt == "geojson":
        return Response(json.dumps(export_buildings_geojson(rows)),
                        mimetype="application/geo+json")
    if fmt == "csv":
        return Response(export_buildings_csv(rows), mimetype="text/csv",
                        headers={"Content-Disposition": "attachment; filename=buildings.csv"})
    abort(404)


def _building_form_ok(form: BuildingForm, building: Building | None) -> bool:
    ok = True
    if form.easting.data is not None and form.northing.data is not None \
            and not on_grid(form.easting.data, form.northing.data):
        form.easting.errors.append("Easting and northing must be a place in Great Britain "
                                   "(British National Grid metres).")
        ok = False
    uprn = (form.uprn.data or "").strip() or None
    if uprn:
        other = db.session.scalar(select(Building).where(Building.uprn == uprn))
        if other is not None and other is not building:
            form.uprn.errors.append(f"Another building ({other.name}) has this UPRN.")
            ok = False
    return ok


@bp.route("/directory/buildings/new", methods=["GET", "POST"])
@bp.route("/directory/buildings/<int:building_id>/edit", methods=["GET", "POST"])
@roles_required(*PLANNERS)
def edit_building(building_id: int | None = None):
    building = None
    if building_id is not None:
        building = db.session.get(Building, building_id)
        if building is None:
            abort(404)
    form = BuildingForm(obj=None)
    if request.method == "GET" and building is not None:
        form.name.data, form.uprn.data = building.name, building.uprn
        form.easting.data, form.northing.data = building.x, building.y
        form.kind.data, form.notes.data = building.kind, building.notes
    valid = form.validate_on_submit()
    if request.method == "POST":
        valid = _building_form_ok(form, building) and valid
    if valid:
        before = snapshot(building) if building is not None else None
        if building is None:
            building = Building()
            db.session.add(building)
        building.name = form.name.data.strip()
        building.uprn = (form.uprn.data or "").strip() or None
        building.x, building.y = form.easting.data, form.northing.data
        building.kind = (form.kind.data or "").strip() or None
        building.notes = (form.notes.data or "").strip() or None
        db.session.flush()
        record(db.session, user=current_user, action="update" if before else "create",
               obj=building, before=before, after=snapshot(building))
        db.session.commit()
        flash(f"Saved {building.name}.")
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
        result = _run_import(lambda: import_buildings_csv(db.session, upload.read()))
        if _keep_import(result, "Building", f"buildings from {upload.filename}"):
            return redirect(url_for("directory.buildings"))
    return render_template("directory/import.html", form=form, result=result,
                           title="Import council buildings"), 400

