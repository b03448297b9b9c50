"""One service as a flat record: the documented columns shared by the CSV and
GeoJSON files, and the checks every import runs.  No Flask.

``validate_record`` turns one raw row (strings, as read from a file) into clean
values plus a list of ``(column, message)`` problems; ``build_service`` makes a
``Service`` from clean values.  Imports check every row first and write only
when no row has a problem (all-or-nothing).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..ingest import column_length
from ..models import Organisation, Service, ServiceSession
from ..models.directory import (
    COST_MODELS,
    JOINING,
    PROVIDER_TYPES,
    SERVICE_STATUSES,
    SERVICE_TYPES,
)
from .places import (
    OUTSIDE_KM,
    lsoa_for_point,
    normalise_postcode,
    place_postcode,
    service_place,
)
from .values import (  # noqa: F401 - the parsers are part of this module's interface
    AGE_LIMITS,
    DAY_CODES,
    MAX_AMOUNT,
    RecordError,
    clean_address,
    clean_text,
    contact_problem,
    format_sessions,
    parse_amount,
    parse_bool,
    parse_choice,
    parse_date,
    parse_float,
    parse_int,
    parse_sessions,
)

# The documented columns, in file order (docs/DIRECTORY.md, "CSV columns").
COLUMNS = (
    "name", "organisation", "description", "service_type", "uniformed", "age_min", "age_max",
    "cost_model", "cost_amount", "concession", "sessions", "venue_name", "address", "postcode",
    "easting", "northing", "lsoa_code", "no_fixed_place", "accessibility_notes",
    "transport_notes", "provider_type", "funding_source", "funding_end", "capacity", "status",
    "last_checked", "phone", "email", "website", "how_to_join", "joining", "what_to_bring",
    "send_notes", "outside_council",
)
REQUIRED = ("name", "service_type", "cost_model")
# Every text column's limit: the database column's length (PostgreSQL refuses a longer
# one half-way through an import), or for a Text column the edit form's limit.
MAX_LENGTH = {
    "organisation": column_length(Organisation, "name"),
    **{c: column_length(Service, c) for c in ("name", "venue_name", "address",
                                               "funding_source", "lsoa_code")},
    "description": 5000, "accessibility_notes": 2000, "transport_notes": 2000,
    "how_to_join": 2000, "what_to_bring": 1000, "send_notes": 2000,
}
# Contact columns, each checked by its own rule (and the column's length).
CONTACT_COLUMNS = ("phone", "email", "website")
def validate_record(session, raw: dict, *, today: date | None = None,
                    outside_km: float = OUTSIDE_KM):
    """(clean values, [(column, message), ...]) for one raw row.

    ``outside_council`` is worked out from the place, whatever the row says: a place
    outside the council's area within ``outside_km`` km (``OUTSIDE_SERVICE_MAX_KM``) is
    marked outside, one farther away is refused (:func:`.places.service_place`)."""
    today = today or date.today()
    errors: list[tuple[str, str]] = []
    clean: dict = {}
    raw = {k: (v if v is None else str(v)) for k, v in raw.items()}

    def take(column, parse, *args):
        try:
            clean[column] = parse(raw.get(column), *args)
        except RecordError as exc:
            errors.append((column, str(exc)))
            clean[column] = None

    for column in REQUIRED:
        if clean_text(raw.get(column)) is None:
            errors.append((column, "is required"))
    for column in ("name", "organisation", "description", "venue_name", "accessibility_notes",
                   "transport_notes", "funding_source", "lsoa_code", "how_to_join",
                   "what_to_bring", "send_notes", *CONTACT_COLUMNS):
        clean[column] = clean_text(raw.get(column))
    for column in CONTACT_COLUMNS:
        problem = contact_problem(column, clean[column])
        if problem:
            errors.append((column, problem))
            clean[column] = None
    clean["address"] = clean_address(raw.get("address"))
    for column, limit in MAX_LENGTH.items():
        value = clean.get(column)
        if value and len(value) > limit:
            errors.append((column, f"is too long ({len(value)} characters; at most {limit})"))

    take("service_type", parse_choice, SERVICE_TYPES)
    take("cost_model", parse_choice, COST_MODELS)
    take("provider_type", parse_choice, PROVIDER_TYPES)
    take("status", parse_choice, SERVICE_STATUSES)
    clean["status"] = clean["status"] or "active"
    take("joining", parse_choice, JOINING)
    take("concession", parse_bool)
    take("no_fixed_place", parse_bool)
    if clean_text(raw.get("uniformed")) is None:
        clean["uniformed"] = clean.get("service_type") == "uniformed"
    else:
        take("uniformed", parse_bool)
    take("age_min", parse_int, *AGE_LIMITS)
    take("age_max", parse_int, *AGE_LIMITS)
    if clean["age_min"] is not None and clean["age_max"] is not None \
            and clean["age_min"] > clean["age_max"]:
        errors.append(("age_max", "must not be below age_min"))
    take("capacity", parse_int, 1, 100_000)
    take("funding_end", parse_date)
    take("last_checked", parse_date)
    if clean["last_checked"] and clean["last_checked"] > today:
        errors.append(("last_checked", "must not be in the future"))
    take("cost_amount", parse_amount)
    if clean["cost_model"] == "free":
        if clean["cost_amount"]:
            errors.append(("cost_amount", "must be empty or 0 when cost_model is free"))
        clean["cost_amount"] = None
    elif clean["cost_model"] and clean["cost_amount"] is None and "cost_amount" not in dict(errors):
        errors.append(("cost_amount", f"is required when cost_model is {clean['cost_model']}"))
    take("sessions", parse_sessions)
    clean["sessions"] = clean["sessions"] or []
    _place(session, raw, clean, errors, outside_km)
    return clean, errors


def _place(session, raw, clean, errors, outside_km: float = OUTSIDE_KM) -> None:
    clean.update(postcode=None, x=None, y=None, outside_council=False)
    easting_given = clean_text(raw.get("easting")) is not None
    northing_given = clean_text(raw.get("northing")) is not None
    postcode_text = clean_text(raw.get("postcode"))
    if clean.get("no_fixed_place"):
        for column, given in (("postcode", postcode_text), ("easting", easting_given),
                              ("northing", northing_given)):
            if given:
                errors.append((column, "must be empty when no_fixed_place is yes"))
        clean["lsoa_code"] = None
        return
    if easting_given or northing_given:
        x = y = None
        try:
            x = parse_float(raw.get("easting"))
        except RecordError as exc:
            errors.append(("easting", str(exc)))
        try:
            y = parse_float(raw.get("northing"))
        except RecordError as exc:
            errors.append(("northing", str(exc)))
        if x is None and easting_given is False:
            errors.append(("easting", "is required with northing"))
        if y is None and northing_given is False:
            errors.append(("northing", "is required with easting"))
        if x is not None and y is not None:
            problem, outside = service_place(session, x, y, outside_km=outside_km)
            if problem:
                errors.append(("easting", problem))
            else:
                clean["x"], clean["y"], clean["outside_council"] = x, y, outside
                if clean.get("lsoa_code") is None:
                    clean["lsoa_code"] = lsoa_for_point(session, x, y)
        if postcode_text:
            clean["postcode"] = normalise_postcode(postcode_text)
            if clean["postcode"] is None:
                errors.append(("postcode", f"'{postcode_text}' is not a UK postcode"))
        return
    if postcode_text:
        placed = place_postcode(session, postcode_text)
        if placed is None:
            shaped = normalise_postcode(postcode_text)
            errors.append(("postcode", f"'{postcode_text}' is not a UK postcode" if shaped is None
                           else f"{shaped} was not found in the postcode directory"))
            return
        clean["postcode"], clean["x"], clean["y"], lsoa = placed
        problem, clean["outside_council"] = service_place(session, clean["x"], clean["y"],
                                                          outside_km=outside_km)
        if problem:
            errors.append(("postcode", f"{clean['postcode']}: {problem}"))
        clean["lsoa_code"] = clean.get("lsoa_code") or lsoa
        return
    errors.append(("postcode", "give a postcode, a point (easting and northing) or "
                               "no_fixed_place = yes"))


FIELDS = (
    "name", "description", "service_type", "uniformed", "age_min", "age_max", "cost_model",
    "cost_amount", "concession", "venue_name", "address", "postcode", "x", "y", "no_fixed_place",
    "lsoa_code", "accessibility_notes", "transport_notes", "provider_type", "funding_source",
    "funding_end", "capacity", "status", "last_checked", "phone", "email", "website",
    "how_to_join", "joining", "what_to_bring", "send_notes", "outside_council",
)


def organisation_named(session, name: str | None, cache: dict | None = None):
    if not name:
        return None
    if cache is not None and name.lower() in cache:
        return cache[name.lower()]
    org = session.scalar(select(Organisation).where(Organisation.name == name))
    if org is None:
        org = Organisation(name=name)
        session.add(org)
    if cache is not None:
        cache[name.lower()] = org
    return org


def apply_values(session, service: Service, clean: dict, org_cache: dict | None = None) -> Service:
    """Copy clean values (as from :func:`validate_record`) onto ``service``."""
    for key in FIELDS:
        setattr(service, key, clean.get(key))
    service.organisation = organisation_named(session, clean.get("organisation"), org_cache)
    service.sessions = [
        ServiceSession(day=d, start=s, end=e, term_time_only=t) for d, s, e, t in clean["sessions"]
    ]
    return service


def service_row(service: Service) -> dict:
    """A service as the documented columns (strings), for CSV and GeoJSON."""
    def text(v):
        if v is None:
            return ""
        if isinstance(v, bool):
            return "yes" if v else "no"
        if isinstance(v, float):
            return f"{v:.0f}" if v == int(v) else repr(v)
        return str(v)

    return {
        "name": service.name,
        "organisation": service.organisation.name if service.organisation else "",
        "description": text(service.description),
        "service_type": service.service_type,
        "uniformed": text(bool(service.uniformed)),
        "age_min": text(service.age_min),
        "age_max": text(service.age_max),
        "cost_model": service.cost_model,
        "cost_amount": text(service.cost_amount),
        "concession": text(bool(service.concession)),
        "sessions": format_sessions(service.sessions),
        "venue_name": text(service.venue_name),
        "address": text(service.address),
        "postcode": text(service.postcode),
        "easting": text(service.x),
        "northing": text(service.y),
        "lsoa_code": text(service.lsoa_code),
        "no_fixed_place": text(bool(service.no_fixed_place)),
        "accessibility_notes": text(service.accessibility_notes),
        "transport_notes": text(service.transport_notes),
        "provider_type": text(service.provider_type),
        "funding_source": text(service.funding_source),
        "funding_end": text(service.funding_end),
        "capacity": text(service.capacity),
        "status": service.status,
        "last_checked": text(service.last_checked),
        **{c: text(getattr(service, c)) for c in ("phone", "email", "website", "how_to_join",
                                                   "joining", "what_to_bring", "send_notes")},
        "outside_council": text(bool(service.outside_council)),
    }


def canonical(service: Service) -> dict:
    """What makes two directory entries the same (for round-trip checks)."""
    row = service_row(service)
    org = service.organisation
    row["organisation_description"] = (org.description or "") if org else ""
    row["organisation_website"] = (org.website or "") if org else ""
    return row

