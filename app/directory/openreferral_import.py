"""Reading Open Referral UK / HSDS 3 JSON into the directory.  No Flask.

Any HSDS 3 page, list of services or single service is turned into the same
rows as a CSV import (:func:`app.directory.io.import_services_rows`), so the
checks and the all-or-nothing rule are the CSV's.  The ``yvm:`` extensions
written by :mod:`.openreferral` are read when present; otherwise latitude and
longitude, the service-type taxonomy attribute and the HSDS status are used.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from .openreferral import BYDAY, PREFIX, STATUS_FROM_HSDS


def hsds_to_rows(doc) -> tuple[list[tuple[str, dict]], dict[str, dict], list[tuple]]:
    """(rows for :func:`app.directory.io.import_services_rows`, organisations by name,
    problems) from a page, a list of services or one service."""
    if isinstance(doc, dict) and "contents" in doc:
        items = doc["contents"]
    elif isinstance(doc, list):
        items = doc
    elif isinstance(doc, dict) and "name" in doc:
        items = [doc]
    else:
        return [], {}, [("-", "(file)", "is not an HSDS service, list or page of services")]
    rows, orgs, problems = [], {}, []
    for index, item in enumerate(items, start=1):
        label = f"service {index}"
        if not isinstance(item, dict):
            problems.append((label, "(service)", "is not an object"))
            continue
        try:
            rows.append((label, _row_from_service(item, orgs)))
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            problems.append((label, "(service)", f"cannot be read: {exc}"))
    return rows, orgs, problems


def _row_from_service(item: dict, orgs: dict) -> dict:
    ext = lambda obj, key, default=None: obj.get(PREFIX + key, default)  # noqa: E731
    costs = item.get("cost_options") or [{}]
    cost = costs[0]
    model = ext(item, "cost_model") or ext(cost, "cost_model")
    if model is None:
        model = "free" if not cost.get("amount") else "per_session"
    service_type = ext(item, "service_type")
    if service_type is None:
        for attr in item.get("attributes") or []:
            term = attr.get("taxonomy_term") or {}
            if term.get("taxonomy") == "yvm-service-type":
                service_type = term.get("code")
        service_type = service_type or "other"
    status = ext(item, "status") or STATUS_FROM_HSDS.get(item.get("status"), "active")
    org = item.get("organization") or {}
    if org.get("name"):
        orgs[org["name"]] = {"description": org.get("description") or None,
                             "website": org.get("website") or None}
    sessions = []
    for sched in item.get("schedules") or []:
        days = [d.strip() for d in (sched.get("byday") or "").split(",") if d.strip()]
        for day in days:
            text = f"{('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun')[BYDAY.index(day[-2:])]} " \
                   f"{sched['opens_at'][:5]}-{sched['closes_at'][:5]}"
            term = ext(sched, "term_time_only")
            if term is None:
                term = "term time" in (sched.get("notes") or "").lower()
            if term:
                text += " term-time"
            sessions.append(text)
    funding = (item.get("funding") or [{}])[0]
    row = {
        "name": item.get("name"),
        "organisation": org.get("name"),
        "description": item.get("description"),
        "service_type": service_type,
        "uniformed": _yes(ext(item, "uniformed", service_type == "uniformed")),
        "age_min": item.get("minimum_age"),
        "age_max": item.get("maximum_age"),
        "cost_model": model,
        "cost_amount": None if model == "free" else cost.get("amount"),
        "concession": _yes(ext(item, "concession", False)),
        "sessions": "; ".join(sessions),
        "provider_type": ext(item, "provider_type"),
        "funding_source": funding.get("source"),
        "funding_end": ext(funding, "funding_end"),
        "capacity": ext(item, "capacity"),
        "status": status,
        "last_checked": (item.get("assured_date") or "")[:10] or None,
        "no_fixed_place": _yes(ext(item, "no_fixed_place", False)),
    }
    sals = item.get("service_at_locations") or []
    if sals:
        loc = sals[0].get("location") or {}
        row["venue_name"] = loc.get("name")
        row["transport_notes"] = loc.get("transportation")
        acc = loc.get("accessibility") or []
        row["accessibility_notes"] = acc[0].get("description") if acc else None
        row["lsoa_code"] = ext(loc, "lsoa_code")
        if ext(loc, "easting") is not None:
            row["easting"], row["northing"] = ext(loc, "easting"), ext(loc, "northing")
        elif loc.get("latitude") is not None and loc.get("longitude") is not None:
            from .places import from_latlon

            row["easting"], row["northing"] = from_latlon(loc["latitude"], loc["longitude"])
        addresses = loc.get("addresses") or []
        if addresses:
            a = addresses[0]
            row["address"] = ", ".join(p for p in (a.get("address_1"), a.get("address_2"),
                                                   a.get("city")) if p)
            row["postcode"] = a.get("postal_code")
    return {k: (None if v is None else (f"{v}" if not isinstance(v, date) else v.isoformat()))
            for k, v in row.items()}


def _yes(value) -> str:
    return "yes" if value else "no"


def import_openreferral(session, data: bytes | str, *, today: date | None = None):
    """Add every service in an HSDS 3 page/list/service; all-or-nothing.  The caller
    commits.  Returns an :class:`app.directory.io.ImportResult`."""
    from ..models import Organisation
    from .io import ImportResult, Problem, import_services_rows, load_json

    result = ImportResult()
    doc = load_json(data, result)
    if doc is None:
        return result
    rows, orgs, problems = hsds_to_rows(doc)
    if problems:
        result.problems.extend(Problem(*p) for p in problems)
        return result
    result = import_services_rows(session, rows, today=today)
    if result.ok:
        for org in session.scalars(select(Organisation).where(Organisation.name.in_(orgs))):
            details = orgs[org.name]
            org.description = org.description or details["description"]
            org.website = org.website or details["website"]
        session.flush()
    return result
