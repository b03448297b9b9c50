"""What a partner organisation may see and do with its own listings.  No Flask.

Every look-up here is scoped by organisation: a listing, building, report or
change of another organisation is ``None`` (the view answers 404, exactly as
for a record that does not exist).  Confirming "still right", pausing and
closing go live at once for every organisation (a young person must not travel
to a club that has stopped); they are audited like every other change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..audit import record, snapshot
from ..directory.io import ImportResult, Problem, read_file, read_service_rows
from ..directory.records import service_row
from ..models import Building, ListingChange, Organisation, Service, ServiceReport
from .changes import ChangeProblem, adds_to_queue, check_queue_room, check_row, propose

ONE_CLICK_STATUSES = ("paused", "closed")


def is_stale(service: Service, cutoff: date) -> bool:
    """Not confirmed since ``cutoff`` (closed listings never need checking)."""
    return service.status != "closed" and (service.last_checked is None
                                           or service.last_checked < cutoff)


def review_cutoff(review_days: int, today: date | None = None) -> date:
    return (today or date.today()) - timedelta(days=review_days)


def own_services(session, org_id: int) -> list[Service]:
    return list(session.scalars(
        select(Service).where(Service.organisation_id == org_id)
        .options(selectinload(Service.sessions), selectinload(Service.organisation))
        .order_by(Service.name, Service.id)))


def own_service(session, org_id: int, service_id: int) -> Service | None:
    service = session.get(Service, service_id)
    return service if service is not None and service.organisation_id == org_id else None


def own_building(session, org_id: int, building_id: int) -> Building | None:
    building = session.get(Building, building_id)
    return building if building is not None and building.organisation_id == org_id else None


def own_report(session, org_id: int, report_id: int) -> ServiceReport | None:
    report = session.get(ServiceReport, report_id)
    if report is None or report.service is None or report.service.organisation_id != org_id:
        return None
    return report


def own_change(session, org_id: int, change_id: int) -> ListingChange | None:
    change = session.get(ListingChange, change_id)
    return change if change is not None and change.organisation_id == org_id else None


@dataclass
class PartnerDashboard:
    organisation: Organisation
    services: list
    stale: list
    pending: dict  # service id (None for new listings) -> [ListingChange]
    decided: list  # recent decisions, newest first
    reports: list
    buildings: list
    cutoff: date
    pending_new: list = field(default_factory=list)


def dashboard(session, org: Organisation, *, review_days: int,
              today: date | None = None) -> PartnerDashboard:
    cutoff = review_cutoff(review_days, today)
    services = own_services(session, org.id)
    changes = list(session.scalars(select(ListingChange).where(
        ListingChange.organisation_id == org.id).order_by(ListingChange.id.desc()).limit(200)))
    pending: dict = {}
    for c in changes:
        if c.status == "pending":
            pending.setdefault(c.service_id, []).append(c)
    reports = list(session.scalars(
        select(ServiceReport).join(Service).where(Service.organisation_id == org.id,
                                                  ServiceReport.status == "open")
        .options(selectinload(ServiceReport.service)).order_by(ServiceReport.created_at)))
    buildings = list(session.scalars(select(Building).where(Building.organisation_id == org.id)
                                     .order_by(Building.name)))
    return PartnerDashboard(
        organisation=org, services=services,
        stale=[s for s in services if is_stale(s, cutoff)],
        pending=pending, pending_new=[c for c in changes if c.status == "pending"
                                     and c.kind == "create"],
        decided=[c for c in changes if c.status in ("approved", "edited", "rejected", "live")][:10],
        reports=reports, buildings=buildings, cutoff=cutoff)


def confirm(session, service: Service, *, user, via: str = "dashboard",
            today: date | None = None) -> None:
    """"Still right": the listing is checked today."""
    before = service.last_checked.isoformat() if service.last_checked else None
    service.last_checked = today or date.today()
    record(session, user=user, action="confirm listing", obj=service,
           before={"last_checked": before},
           after={"last_checked": service.last_checked.isoformat()},
           note=f"still right, from the {via}")


def set_status(session, service: Service, status: str, *, user,
               today: date | None = None) -> None:
    """Pause or close a listing at once (reopening is a change like any other)."""
    if status not in ONE_CLICK_STATUSES:
        raise ValueError(f"status must be one of {ONE_CLICK_STATUSES}")
    before = service_row(service)
    service.status = status
    service.last_checked = today or date.today()
    session.flush()
    record(session, user=user, action=f"partner {status[:-1] if status == 'paused' else 'close'}",
           obj=service, before=before, after=service_row(service))


def handle_report(session, report: ServiceReport, outcome: str, *, user) -> None:
    if outcome not in ("done", "dismissed"):
        raise ValueError("outcome must be done or dismissed")
    before = snapshot(report)
    report.status, report.handled_by, report.handled_at = outcome, user.id, datetime.now(UTC)
    record(session, user=user, action=f"report {outcome}", obj=report, before=before,
           after=snapshot(report), note="by the organisation that runs the listing")


PLACE_COLUMNS = ("postcode", "easting", "northing", "no_fixed_place", "lsoa_code")


def _over_listing(service: Service | None, raw: dict) -> dict:
    """The file's columns on top of the listing they change: a column the file leaves
    out keeps its value (a file that gives any place column gives the place anew)."""
    base = service_row(service) if service is not None else {}
    base.pop("last_checked", None)
    if any(c in raw for c in PLACE_COLUMNS):
        for c in PLACE_COLUMNS:
            base.pop(c, None)
    return {**base, **{k: (v or "") for k, v in raw.items()}}


def import_csv(session, org: Organisation, data: bytes | str, *, user,
               today: date | None = None, max_rows: int | None = None,
               pending_cap: int | None = None) -> ImportResult:
    """The organisation's CSV through the directory's all-or-nothing import, scoped.

    A row whose ``organisation`` names another organisation is refused (row and
    column named); an empty one means this organisation.  A row whose name
    matches one of the organisation's listings changes that listing; any other
    row is a new listing.  Every row is checked first; nothing is proposed
    unless every row passes.  Changes then go to review, or live if trusted.
    A file of more than ``max_rows`` rows, or one that would put more than
    ``pending_cap`` changes in the review queue, is refused whole.
    """
    rows, result = read_service_rows(data)
    if max_rows is not None and len(rows) > max_rows:
        return ImportResult([Problem("-", "(file)", (
            f"has {len(rows)} rows, more than the {max_rows} a partner's import may have. "
            f"Send it in files of {max_rows} rows or fewer, or ask the council to import it."))])
    if result.problems:
        return result
    mine = {" ".join(s.name.lower().split()): s for s in own_services(session, org.id)}
    planned, seen = [], {}
    for number, raw in rows:
        named = (raw.get("organisation") or "").strip()
        if named and named.lower() != org.name.lower():
            result.problems.append(Problem(number, "organisation",
                                           f"'{named}' is not your organisation ({org.name}); "
                                           "you can only import your own listings"))
            continue
        key = " ".join((raw.get("name") or "").lower().split())
        row = _over_listing(mine.get(key), raw)
        row.update(organisation=org.name,
                   provider_type=org.kind or row.get("provider_type") or "",
                   last_checked=row.get("last_checked") or (today or date.today()).isoformat())
        if key in seen:
            result.problems.append(Problem(number, "name", f"repeats row {seen[key]}"))
            continue
        seen[key] = number
        try:
            check_row(session, row, today=today)
        except ChangeProblem as exc:
            result.problems.extend(Problem(number, c, m) for c, m in exc.problems)
            continue
        planned.append((mine.get(key), row))
    if result.problems:
        return result
    try:
        check_queue_room(session, org, sum(adds_to_queue(session, org, service)
                                           for service, _ in planned), pending_cap)
    except ChangeProblem as exc:
        return ImportResult([Problem("-", "(file)", m) for _, m in exc.problems])
    for service, row in planned:
        propose(session, user=user, org=org, service=service, row=row, today=today)
    result.created = len(planned)
    return result


def import_file(session, org: Organisation, data: bytes, filename: str, *, user,
                max_rows: int | None = None, pending_cap: int | None = None) -> ImportResult:
    if not (filename or "").lower().endswith(".csv"):
        return ImportResult([Problem("-", "(file)", "must be a .csv file (export your listings "
                                                    "as CSV to see the columns)")])
    return read_file(lambda: import_csv(session, org, data, user=user, max_rows=max_rows,
                                        pending_cap=pending_cap), filename)


def export_own(session, org: Organisation, fmt: str, *, council: str):
    """(body, mimetype, filename) of the organisation's listings, or (None, ...).
    ``council`` (the council's name) scopes the Open Referral ids."""
    from ..directory import openreferral
    from ..directory.costs import service_monthly_cost
    from ..directory.io import export_services_csv

    services = own_services(session, org.id)
    slug = "".join(c if c.isalnum() else "-" for c in org.name.lower()).strip("-")[:60]
    if fmt == "csv":
        return export_services_csv(services), "text/csv", f"{slug}-listings.csv"
    if fmt == "json":
        doc = openreferral.export_directory(services, scope=openreferral.scope_for(council),
                                            state_province=council.removesuffix(" Council"),
                                            monthly_cost=service_monthly_cost)
        return doc, "application/json", f"{slug}-openreferral.json"
    return None, None, None


def save_building(session, building: Building, values: dict, *, user) -> str | None:
    """Save a partner's building form; a problem to show, or ``None``."""
    from ..directory.places import on_grid

    if not on_grid(values["easting"], values["northing"]):
        return ("Easting and northing must be a place in Great Britain (British National Grid "
                "metres).")
    uprn = (values.get("uprn") or "").strip() or None
    if uprn:
        other = session.scalar(select(Building).where(Building.uprn == uprn))
        if other is not None and other is not building:
            return "Another building has this UPRN."
    before = snapshot(building)
    building.name = values["name"].strip()
    building.uprn = uprn
    building.x, building.y = values["easting"], values["northing"]
    building.kind = (values.get("kind") or "").strip() or None
    building.notes = (values.get("notes") or "").strip() or None
    session.flush()
    record(session, user=user, action="partner update", obj=building, before=before,
           after=snapshot(building))
    return None
