"""Open Referral UK / HSDS 3 JSON for the directory.  No Flask.

Each service is written as a fully nested HSDS 3 ``service`` object: its
``organization``, ``service_at_locations[].location`` (with ``addresses`` and
``accessibility``), ``cost_options``, ``schedules`` and ``funding``; its contact
details as HSDS's own ``url``, ``email``, ``phones[]`` and
``application_process`` (how to join).  A whole
directory is one HSDS "Page" (``total_items``, ``contents``...), the form the
HSDS API returns from ``/services``.

Fields HSDS 3 lacks are carried as extension properties whose names start with
``yvm:`` (namespace :data:`NAMESPACE`, documented in docs/DIRECTORY.md):

* on the service: ``yvm:service_type``, ``yvm:uniformed``, ``yvm:cost_model``,
  ``yvm:concession``, ``yvm:provider_type``, ``yvm:capacity``,
  ``yvm:no_fixed_place``, ``yvm:outside_council`` (in a neighbouring area, from its
  place; not read back), ``yvm:status`` (active/paused/closed, exact),
  ``yvm:last_checked`` (ISO date or null), ``yvm:joining`` (book/drop_in or
  null), ``yvm:what_to_bring`` and ``yvm:send_notes``; on the organization
  ``yvm:kind``;
* on a funding entry ``yvm:funding_end`` (ISO date); on a cost option
  ``yvm:cost_model``; on a schedule ``yvm:term_time_only``;
* on a location: ``yvm:easting``, ``yvm:northing`` (exact British National
  Grid metres; latitude/longitude are rounded) and ``yvm:lsoa_code``.

HSDS 3 allows extra properties, so the output still validates against the
published schema.  Identifiers are UUIDs built from the row id, a per-kind
code and a per-council scope, so they are stable between exports and the API
can read them back (:func:`parse_uuid`).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from datetime import UTC
from decimal import Decimal
from pathlib import Path

from ..ingest import web_address_problem
from ..models.directory import SERVICE_TYPES as _TYPE_ORDER
from .places import to_latlon
from .records import format_sessions, service_row

NAMESPACE = "https://youthvoicemap.example/ns/hsds-extension/1"
PREFIX = "yvm:"
KINDS = {
    "service": 1, "organization": 2, "location": 3, "service_at_location": 4, "schedule": 5,
    "cost_option": 6, "funding": 7, "address": 8, "accessibility": 9, "attribute": 10,
    "taxonomy_term": 11, "phone": 12,
}
STATUS_TO_HSDS = {"active": "active", "paused": "temporarily closed", "closed": "inactive"}
STATUS_FROM_HSDS = {"active": "active", "temporarily closed": "paused", "inactive": "closed",
                    "defunct": "closed"}
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_UUID = re.compile(r"^([0-9a-f]{8})-([0-9a-f]{4})-4000-8000-([0-9a-f]{12})$")


def scope_for(council_name: str) -> str:
    return hashlib.sha1(council_name.encode()).hexdigest()[:8]


def make_uuid(kind: str, number: int, scope: str) -> str:
    return f"{scope}-{KINDS[kind]:04x}-4000-8000-{number:012x}"


def parse_uuid(value: str, kind: str, scope: str) -> int | None:
    """The row id inside one of our UUIDs, or ``None`` if it is not ours."""
    match = _UUID.match(str(value).lower())
    if not match or match[1] != scope or int(match[2], 16) != KINDS[kind]:
        return None
    return int(match[3], 16)


def _amount(value: Decimal | None) -> float | int:
    if value is None:
        return 0
    number = float(value)
    return int(number) if number == int(number) else number


def service_to_hsds(service, *, scope: str, state_province: str = "",
                    monthly: float | None = None) -> dict:
    """One service as a fully nested HSDS 3 service object."""
    sid = make_uuid("service", service.id, scope)
    row = service_row(service)
    out: dict = {
        "id": sid,
        "name": service.name,
        "status": STATUS_TO_HSDS.get(service.status, "active"),
    }
    org = service.organisation
    if org is not None:
        out["organization_id"] = make_uuid("organization", org.id, scope)
        organization = {"id": out["organization_id"], "name": org.name,
                        "description": org.description or "", PREFIX + "kind": org.kind}
        if org.website and web_address_problem(org.website, len(org.website)) is None:
            # Stored before imports checked it? Still never serve a javascript: link.
            organization["website"] = org.website
        out["organization"] = organization
    if service.description:
        out["description"] = service.description
    if service.age_min is not None:
        out["minimum_age"] = service.age_min
    if service.age_max is not None:
        out["maximum_age"] = service.age_max
    if service.age_min is not None or service.age_max is not None:
        out["eligibility_description"] = _ages(service.age_min, service.age_max)
    if service.last_checked:
        out["assured_date"] = service.last_checked.isoformat()
    if service.updated_at:
        stamp = service.updated_at
        if stamp.tzinfo is None:  # SQLite drops the zone; the app stores UTC
            stamp = stamp.replace(tzinfo=UTC)
        out["last_modified"] = stamp.isoformat()
    fees = _fees(service, monthly)
    if fees:
        out["fees_description"] = fees
    _contact(out, service, sid, scope)

    cost = {"id": make_uuid("cost_option", service.id, scope), "service_id": sid,
            "option": row["cost_model"].replace("_", " "), "currency": "GBP",
            "amount": _amount(service.cost_amount),
            PREFIX + "cost_model": service.cost_model}
    if fees:
        cost["amount_description"] = fees
    out["cost_options"] = [cost]

    out["schedules"] = []
    for s in sorted(service.sessions, key=lambda s: (s.day, s.start)):
        sched = {
            "id": make_uuid("schedule", s.id, scope), "service_id": sid,
            "freq": "WEEKLY", "interval": 1, "byday": BYDAY[s.day], "wkst": "MO",
            "opens_at": s.start.strftime("%H:%M"), "closes_at": s.end.strftime("%H:%M"),
            "attending_type": "online" if service.service_type == "online" else "in person",
            "description": format_sessions([s]) + ("" if s.term_time_only else " all year"),
            PREFIX + "term_time_only": bool(s.term_time_only),
        }
        if s.term_time_only:
            sched["notes"] = "Term time only"
        out["schedules"].append(sched)

    if service.funding_source or service.funding_end:
        funding = {"id": make_uuid("funding", service.id, scope), "service_id": sid,
                   "source": service.funding_source or ""}
        if service.funding_end:
            funding[PREFIX + "funding_end"] = service.funding_end.isoformat()
        out["funding"] = [funding]

    if not service.no_fixed_place and (service.x is not None or service.postcode
                                       or service.venue_name or service.address):
        out["service_at_locations"] = [_service_at_location(service, sid, scope, state_province)]

    out["attributes"] = [{
        "id": make_uuid("attribute", service.id, scope),
        "link_id": sid, "link_type": "service", "link_entity": "service",
        "value": service.service_type,
        "taxonomy_term": {
            "id": make_uuid("taxonomy_term", list(_TYPE_ORDER).index(service.service_type) + 1
                            if service.service_type in _TYPE_ORDER else 0, scope),
            "code": service.service_type,
            "name": _TYPE_ORDER.get(service.service_type, service.service_type),
            "description": "Youth Voice Map service type",
            "taxonomy": "yvm-service-type",
        },
    }]
    out.update({
        PREFIX + "service_type": service.service_type,
        PREFIX + "uniformed": bool(service.uniformed),
        PREFIX + "cost_model": service.cost_model,
        PREFIX + "concession": bool(service.concession),
        PREFIX + "provider_type": service.provider_type,
        PREFIX + "capacity": service.capacity,
        PREFIX + "no_fixed_place": bool(service.no_fixed_place),
        PREFIX + "outside_council": bool(service.outside_council),
        PREFIX + "status": service.status,
        PREFIX + "last_checked": service.last_checked and service.last_checked.isoformat(),
        PREFIX + "joining": service.joining,
        PREFIX + "what_to_bring": service.what_to_bring,
        PREFIX + "send_notes": service.send_notes,
    })
    return out


def _contact(out: dict, service, sid: str, scope: str) -> None:
    """HSDS's own contact fields; a stored value that fails today's rule is left out."""
    from .values import contact_problem

    if service.website and contact_problem("website", service.website) is None:
        out["url"] = service.website
    if service.email and contact_problem("email", service.email) is None:
        out["email"] = service.email
    if service.phone:
        out["phones"] = [{"id": make_uuid("phone", service.id, scope), "service_id": sid,
                          "number": service.phone, "type": "voice"}]
    if service.how_to_join:
        out["application_process"] = service.how_to_join


def _ages(low, high) -> str:
    if low is not None and high is not None:
        return f"Young people aged {low} to {high}"
    if low is not None:
        return f"Young people aged {low} and over"
    return f"Young people aged up to {high}"


def _fees(service, monthly) -> str:
    from .costs import describe_cost

    text = describe_cost(service)
    if service.cost_model not in ("free", "monthly") and monthly is not None:
        text += f" (about £{monthly:,.2f} a month)"
    if service.concession:
        text += "; concessions or bursaries available"
    return text


def _service_at_location(service, sid: str, scope: str, state_province: str) -> dict:
    lid = make_uuid("location", service.id, scope)
    location: dict = {"id": lid, "location_type": "physical"}
    if service.venue_name:
        location["name"] = service.venue_name
    if service.transport_notes:
        location["transportation"] = service.transport_notes
    if service.x is not None and service.y is not None:
        lat, lon = to_latlon(service.x, service.y)
        location.update({"latitude": lat, "longitude": lon,
                         PREFIX + "easting": service.x, PREFIX + "northing": service.y})
    if service.lsoa_code:
        location[PREFIX + "lsoa_code"] = service.lsoa_code
    if service.address or service.postcode:
        parts = (service.address or "").split(", ")
        address = {"id": make_uuid("address", service.id, scope), "location_id": lid,
                   "address_1": parts[0] if parts else "", "city": "",
                   "state_province": state_province, "postal_code": service.postcode or "",
                   "country": "GB", "address_type": "physical"}
        if len(parts) >= 2:
            address["city"] = parts[-1]
        if len(parts) >= 3:
            address["address_2"] = ", ".join(parts[1:-1])
        location["addresses"] = [address]
    if service.accessibility_notes:
        location["accessibility"] = [{"id": make_uuid("accessibility", service.id, scope),
                                      "location_id": lid,
                                      "description": service.accessibility_notes}]
    return {"id": make_uuid("service_at_location", service.id, scope), "service_id": sid,
            "location_id": lid, "location": location}


def page(contents: list[dict], *, total_items: int, page_number: int, per_page: int) -> dict:
    total_pages = max(1, math.ceil(total_items / per_page)) if per_page else 1
    return {
        "total_items": total_items,
        "total_pages": total_pages,
        "page_number": page_number,
        "size": len(contents),
        "first_page": page_number == 1,
        "last_page": page_number >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def export_directory(services, *, scope: str, state_province: str = "",
                     monthly_cost=None) -> dict:
    services = list(services)
    contents = [service_to_hsds(s, scope=scope, state_province=state_province,
                                monthly=monthly_cost(s) if monthly_cost else None)
                for s in services]
    doc = page(contents, total_items=len(contents), page_number=1,
               per_page=max(1, len(contents)))
    doc[PREFIX + "namespace"] = NAMESPACE
    return doc


# ---- schema validation ------------------------------------------------------------

def schema_validator(schema_dir: Path, name: str = "service.json"):
    """A Draft 2020-12 validator for one HSDS schema file with its ``$ref``s resolved
    from the other files in ``schema_dir`` (via a ``referencing`` registry)."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resources = []
    for path in sorted(Path(schema_dir).glob("*.json")):
        contents = json.loads(path.read_text())
        if path.name == "openapi.json":
            continue
        resources.append((path.name, Resource(contents=contents, specification=DRAFT202012)))
    registry = Registry().with_resources(resources)
    schema = json.loads((Path(schema_dir) / name).read_text())
    return Draft202012Validator(schema, registry=registry,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def validation_errors(doc: dict, schema_dir: Path) -> list[str]:
    """Every schema error in an exported page or a single service, as text."""
    validator = schema_validator(schema_dir)
    items = doc["contents"] if "contents" in doc else [doc]
    out = []
    for index, item in enumerate(items):
        for error in validator.iter_errors(item):
            where = "/".join(str(p) for p in error.absolute_path) or "(service)"
            out.append(f"service {index + 1} {item.get('name', '')!r} at {where}: "
                       f"{error.message}")
    for key in ("total_items", "total_pages", "page_number", "size"):
        if "contents" in doc and not isinstance(doc.get(key), int):
            out.append(f"page: {key} must be an integer")
    return out
