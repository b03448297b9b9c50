"""The provision directory's service layer: every query, change and audit step
behind the views in the ``*routes`` modules, which only parse, call one
function here and render.

Changes to a service go through :func:`app.directory.records.apply_values`,
the same step the file imports use, so a form and a file cannot drift apart.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from flask import abort, current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..audit import commit_change, snapshot
from ..extensions import db
from ..models import Service, ServiceReport
from ..models.base import utcnow
from . import openreferral
from .costs import service_monthly_cost
from .forms import REPORT_KINDS, ServiceForm
from .io import export_services_csv, export_services_geojson
from .outside import form_place_problem, outside_km, read_only_reason  # noqa: F401
from .places import from_latlon, lsoa_for_point, on_grid, place_postcode, to_latlon
from .records import apply_values, clean_address
from .search import Filters, find_services
from .words import load_synonyms

PAGE_SIZE = 20
SHARE_SIZE = 100  # the printable list: every result a parent might want, on one page
API_PAGE_MAX = 100
# Beyond this a page is surely empty, and the offset would overflow a database integer.
API_PAGE_NUMBER_MAX = 1_000_000
# Service ids are 32-bit in every database we run on; a longer number names no service.
SERVICE_ID_MAX = 2**31 - 1


def review_days() -> int:
    return int(current_app.config["SERVICE_REVIEW_DAYS"])


def _scope() -> str:
    return openreferral.scope_for(current_app.config["COUNCIL_NAME"])


def _state_province() -> str:
    return current_app.config["COUNCIL_NAME"].removesuffix(" Council")


def service_or_404(service_id: int) -> Service:
    service = db.session.get(Service, service_id)
    if service is None:
        abort(404)
    return service


# ---- public directory -------------------------------------------------------------

@dataclass
class SearchPage:
    hits: list
    total: int
    page: int
    pages: int
    origin_label: str | None
    corrections: list
    map: dict | None = None
    # One sentence on what the times (or distances) rest on, when near a place.
    near_note: str | None = None


def synonyms():
    """The search synonyms in use (``SEARCH_SYNONYMS_FILE``, else the shipped file)."""
    return load_synonyms(current_app.config.get("SEARCH_SYNONYMS_FILE") or None)


def search(filters: Filters, page: int, errors: dict[str, str], *, with_map: bool = True,
           page_size: int = PAGE_SIZE, with_times: bool = True) -> SearchPage:
    """One page of matching services (with a map of them and, near a postcode, the
    times from there to each one's next session); a page past the end shows the last
    one.  A place that cannot be found adds its message to ``errors["near"]``."""
    from .maps import results_map
    from .near import times_near

    words = synonyms()
    found = find_services(db.session, filters, page=page, page_size=page_size, synonyms=words)
    if found.near_problem:
        errors["near"] = found.near_problem
    pages = max(1, math.ceil(found.total / page_size))
    if page > pages:
        page = pages
        found = find_services(db.session, filters, page=page, page_size=page_size,
                              synonyms=words)
    near = times_near(filters.near, found.origin, [h.service for h in found.hits]) \
        if with_times else None
    for hit in found.hits:
        hit.times = None if near is None else near.lines.get(hit.service.id)
    return SearchPage(found.hits, found.total, page, pages, found.origin_label,
                      found.corrections,
                      results_map(found.hits, found.origin) if with_map else None,
                      near_note=None if near is None else near.note)


def service_page(service: Service, near: str | None = None) -> dict:
    """What a service's public page shows beside the service itself: the monthly cost,
    the map, the parish or ward it is in (in words), a directions link and, reached
    from a search near a postcode, the times from there to its next session."""
    from .maps import directions_url, place_name, service_map
    from .near import times_for_service

    times = times_for_service(service, near) if service.status == "active" else None
    return {"near": times, "near_time": None if times is None else times.lines.get(service.id),
            "near_from": None if times is None else times.heading,
            "monthly": service_monthly_cost(service), "map": service_map(service),
            "review_days": review_days(), "place": place_name(service),
            "directions": directions_url(service),
            "local_offer": current_app.config.get("LOCAL_OFFER_URL") or None}


def add_report(service: Service, kind: str, message: str | None) -> None:
    """Store an anonymous report: only the kind and the optional message."""
    db.session.add(ServiceReport(service_id=service.id, kind=kind,
                                 message=(message or "").strip() or None))
    db.session.commit()


EXPORTS = {
    "csv": ("text/csv", "services.csv"),
    "geojson": ("application/geo+json", "services.geojson"),
    "json": ("application/json", "services-openreferral.json"),
}


def export_directory(fmt: str) -> tuple[str, str, str]:
    """(body, mimetype, filename) of the whole directory in ``fmt``; 404 for others."""
    if fmt not in EXPORTS:
        abort(404)
    services = db.session.scalars(
        select(Service).options(selectinload(Service.sessions),
                                selectinload(Service.organisation)).order_by(Service.id)
    ).all()
    if fmt == "csv":
        body = export_services_csv(services)
    elif fmt == "geojson":
        body = json.dumps(export_services_geojson(services, monthly_cost=service_monthly_cost))
    else:
        body = json.dumps(openreferral.export_directory(
            services, scope=_scope(), state_province=_state_province(),
            monthly_cost=service_monthly_cost))
    return (body, *EXPORTS[fmt])


# ---- Open Referral API ------------------------------------------------------------

def api_page(page: int, per_page: int, search_text: str) -> dict:
    """One HSDS 3 page of services whose name contains ``search_text``."""
    stmt = select(Service)
    if search_text:
        stmt = stmt.where(func.lower(Service.name).like(f"%{search_text.lower()}%"))
    stmt = stmt.options(selectinload(Service.sessions), selectinload(Service.organisation))
    result = db.paginate(stmt.order_by(Service.id), page=page, per_page=per_page,
                         max_per_page=API_PAGE_MAX, error_out=False)
    contents = [_hsds(s) for s in result.items]
    return openreferral.page(contents, total_items=result.total, page_number=page,
                             per_page=per_page)


def api_service(service_ref: str) -> dict | None:
    """One nested HSDS 3 service by UUID or number, or ``None``."""
    number = int(service_ref) if service_ref.isdigit() else openreferral.parse_uuid(
        service_ref, "service", _scope())
    if number is None or not 0 < number <= SERVICE_ID_MAX:
        return None
    service = db.session.get(Service, number)
    return None if service is None else _hsds(service)


def _hsds(service: Service) -> dict:
    return openreferral.service_to_hsds(service, scope=_scope(),
                                        state_province=_state_province(),
                                        monthly=service_monthly_cost(service))


# ---- keeping it true (commissioners) ------------------------------------------------

def manage_overview() -> dict:
    """Everything on the commissioners' start page: review, reports, funding ending."""
    cutoff = date.today() - timedelta(days=review_days())
    services = db.session.scalars(
        select(Service).options(selectinload(Service.organisation)).order_by(Service.name)
    ).all()
    # Services in a neighbouring area are the neighbour's to keep: listed apart, never
    # reviewed or counted as the council's own (app.directory.outside).
    neighbours = [s for s in services if s.outside_council]
    services = [s for s in services if not s.outside_council]
    review = [s for s in services if s.status != "closed"
              and (s.last_checked is None or s.last_checked < cutoff)]
    review.sort(key=lambda s: (s.last_checked is not None, s.last_checked or date.min))
    reports = db.session.scalars(
        select(ServiceReport).where(ServiceReport.status == "open")
        .options(selectinload(ServiceReport.service)).order_by(ServiceReport.created_at)
    ).all()
    # The same rule as the dashboard, the evidence pack and the funding cliff
    # (app.analysis.services.funding_at_risk and funding_status): active services
    # whose funding ends today or within 12 months; funding that has already ended
    # is "lapsed – needs a check", a group of its own.
    from ..analysis.services import LAPSED, LAPSED_LABEL, funding_status

    today = date.today()
    soon = today + relativedelta(months=12)
    shown = {s.id: funding_status(s.status, s.funding_end, today) for s in services}
    ending = [s for s in services if shown[s.id] == "active" and s.funding_end
              and s.funding_end <= soon]
    ending.sort(key=lambda s: s.funding_end)
    lapsed = sorted((s for s in services if shown[s.id] == LAPSED), key=lambda s: s.funding_end)
    return {"services": services, "neighbours": neighbours, "review": review,
            "reports": reports,
            "report_kinds": dict(REPORT_KINDS), "ending": ending, "lapsed": lapsed,
            "shown_status": shown, "lapsed_label": LAPSED_LABEL,
            "review_days": review_days(), "cutoff": cutoff, "today": date.today()}


def service_snapshot(service: Service) -> dict:
    """A service, its organisation's name and its sessions, for the audit trail."""
    data = snapshot(service, exclude=("created_at", "updated_at"))
    data["organisation"] = service.organisation.name if service.organisation else None
    data["sessions"] = [
        {"day": s.day, "start": s.start.strftime("%H:%M"), "end": s.end.strftime("%H:%M"),
         "term_time_only": bool(s.term_time_only)}
        for s in sorted(service.sessions, key=lambda s: (s.day, s.start))
    ]
    return data


def fill_service_form(form: ServiceForm, service: Service) -> None:
    """Show ``service`` in the edit form."""
    for name in ("name", "description", "service_type", "uniformed", "age_min", "age_max",
                 "cost_model", "cost_amount", "concession", "venue_name", "address",
                 "postcode", "accessibility_notes", "transport_notes", "funding_source",
                 "funding_end", "capacity", "status", "last_checked", *CONTACT_FIELDS):
        getattr(form, name).data = getattr(service, name)
    form.joining.data = service.joining or ""
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


# The contact and joining fields, copied as text between the form and the service.
CONTACT_FIELDS = ("phone", "email", "website", "how_to_join", "what_to_bring", "send_notes")


def _text(value):
    return (value.strip() or None) if isinstance(value, str) else value


def _form_place(form: ServiceForm) -> dict | None:
    """Where the form says the service happens, or ``None`` with the error on the form."""
    if form.place.data == "postcode":
        placed = place_postcode(db.session, form.postcode.data)
        if placed is None:
            form.postcode.errors.append("We could not find that postcode. Check it, or give a "
                                        "point on the map instead.")
            return None
        postcode, x, y, lsoa = placed
        if problem := form_place_problem(db.session, x, y):  # a neighbour's: by import
            form.postcode.errors.append(problem)
            return None
        return {"postcode": postcode, "x": x, "y": y, "lsoa_code": lsoa, "no_fixed_place": False,
                "outside_council": False}
    if form.place.data == "point":
        x, y = from_latlon(form.latitude.data, form.longitude.data)
        problem = "That point is not in Great Britain." if not on_grid(x, y) \
            else form_place_problem(db.session, x, y)
        if problem:
            form.latitude.errors.append(problem)
            return None
        return {"postcode": None, "x": x, "y": y, "lsoa_code": lsoa_for_point(db.session, x, y),
                "no_fixed_place": False, "outside_council": False}
    return {"postcode": None, "x": None, "y": None, "lsoa_code": None, "no_fixed_place": True,
            "outside_council": False}


def service_values(form: ServiceForm) -> dict | None:
    """The form as the clean values :func:`records.apply_values` takes (the import
    path's format), or ``None`` with an error on the form if the place fails."""
    clean = _form_place(form)
    if clean is None:
        return None
    for name in ("description", "service_type", "age_min", "age_max", "cost_model",
                 "venue_name", "accessibility_notes", "transport_notes", "funding_source",
                 "funding_end", "capacity", "status", "joining", *CONTACT_FIELDS):
        clean[name] = _text(getattr(form, name).data)
    clean.update(
        name=form.name.data.strip(),
        address=clean_address(form.address.data),
        uniformed=bool(form.uniformed.data) or form.service_type.data == "uniformed",
        concession=bool(form.concession.data),
        cost_amount=None if form.cost_model.data == "free" else form.cost_amount.data,
        provider_type=form.provider_type.data or None,
        last_checked=form.last_checked.data or date.today(),
        organisation=_text(form.organisation.data or ""),
        sessions=[(int(e.day.data), e.start.data, e.end.data, bool(e.term_time_only.data))
                  for e in form.sessions if e.day.data],
    )
    return clean


def save_service(form: ServiceForm, service: Service | None, user) -> Service | None:
    """Create (``service`` is None) or update a service from a valid form, with its
    audit event.  ``None`` (nothing written, error on the form) if the place fails."""
    clean = service_values(form)
    if clean is None:
        return None
    before = None if service is None else service_snapshot(service)
    if service is None:
        service = Service()
        db.session.add(service)
    apply_values(db.session, service, clean)
    return commit_change(db.session, user=user, action="update" if before else "create",
                         obj=service, before=before, after=lambda: service_snapshot(service))


def close_service(service: Service, user) -> None:
    before = service_snapshot(service)
    service.status = "closed"
    service.last_checked = date.today()
    commit_change(db.session, user=user, action="close", obj=service, before=before,
                  after=lambda: service_snapshot(service))


def mark_checked(service: Service, user) -> None:
    before = {"last_checked": service.last_checked.isoformat() if service.last_checked else None}
    service.last_checked = date.today()
    commit_change(db.session, user=user, action="checked", obj=service, before=before,
                  after={"last_checked": service.last_checked.isoformat()})


def handle_report(report_id: int, outcome: str, user) -> None:
    """Mark an open report dealt with or dismissed (404 no report, 400 bad outcome)."""
    report = db.session.get(ServiceReport, report_id)
    if report is None:
        abort(404)
    if outcome not in ("done", "dismissed"):
        abort(400)
    before = snapshot(report)
    report.status = outcome
    report.handled_by = user.id
    report.handled_at = utcnow()
    commit_change(db.session, user=user, action=f"report {outcome}", obj=report,
                  before=before, after=lambda: snapshot(report))
