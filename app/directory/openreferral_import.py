"""Reading Open Referral UK / HSDS 3 JSON into the directory.  No Flask.

Any HSDS 3 page, list of services or single service is turned into the same
rows as a CSV import (:func:`app.directory.io.import_services_rows`), so the
checks and the all-or-nothing rule are the CSV's.  The ``yvm:`` extensions
written by :mod:`.openreferral` are read when present; otherwise latitude and
longitude, the service-type taxonomy attribute and the HSDS status are used.

Every value is read through :class:`_Node`, which checks its shape first: an
``organization`` that is text, a ``schedules`` that is an object, a name that
is a list are refused naming the service (its number and id) and the field
(``organization``, ``schedules[0].byday``), never raised as ``AttributeError``.
Coordinates are checked as numbers in range, the organisation's website by the
form's own rule (:func:`app.ingest.web_address_problem`).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from .. import ingest
from ..models import Organisation
from .openreferral import BYDAY, PREFIX, STATUS_FROM_HSDS
from .records import DAY_CODES, clean_text

ORG_DESCRIPTION_MAX = 2000  # the organisation form's limit (the column is Text)


class Refused(ValueError):
    """One field of one service that cannot be read: ``field`` is its HSDS path."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def _kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    return {dict: "an object", list: "a list", str: "text"}.get(type(value), "a number")


class _Node:
    """One HSDS object being read, with its path in the service (``''`` for the
    service itself): every value is taken through here, so its shape is checked."""

    def __init__(self, obj: dict, path: str = ""):
        self.obj, self.path = obj, path

    def where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def node(self, key: str) -> _Node:
        """The object at ``key`` (empty when missing or null)."""
        value = self.obj.get(key)
        if value is not None and not isinstance(value, dict):
            raise Refused(self.where(key), f"must be an object, not {_kind(value)}")
        return _Node(value or {}, self.where(key))

    def nodes(self, key: str) -> list[_Node]:
        """The list of objects at ``key`` (empty when missing or null)."""
        value = self.obj.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise Refused(self.where(key), f"must be a list of objects, not {_kind(value)}")
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                raise Refused(f"{self.where(key)}[{i}]", f"must be an object, not {_kind(item)}")
            out.append(_Node(item, f"{self.where(key)}[{i}]"))
        return out

    def value(self, key: str, default=None):
        """Text, a number, true/false or null at ``key``; never an object or a list."""
        value = self.obj.get(key, default)
        if isinstance(value, (dict, list)):
            raise Refused(self.where(key), f"must be text or a number, not {_kind(value)}")
        return value

    def ext(self, key: str, default=None):
        return self.value(PREFIX + key, default)

    def text(self, key: str) -> str | None:
        value = self.value(key)
        return None if value is None else str(value)

    def number(self, key: str, lo: float, hi: float) -> float:
        """A finite number from ``lo`` to ``hi`` at ``key`` (as :func:`app.ingest.number`)."""
        value = self.value(key)
        message = f"must be a number from {lo:g} to {hi:g}"
        if isinstance(value, bool) or clean_text(value) is None:
            raise Refused(self.where(key), message)
        try:
            return ingest.number(value, "file", None, self.where(key), lo, hi)
        except ingest.IngestError:
            raise Refused(self.where(key), message) from None


def hsds_to_rows(doc) -> tuple[list[tuple[str, dict]], dict[str, dict], list[tuple]]:
    """(rows for :func:`app.directory.io.import_services_rows`, organisations by name,
    problems) from a page, a list of services or one service."""
    if isinstance(doc, dict) and "contents" in doc:
        items = doc["contents"]
        if not isinstance(items, list):
            return [], {}, [("-", "contents", f"must be a list of services, not {_kind(items)}")]
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
            problems.append((label, "(service)", f"must be an object, not {_kind(item)}"))
            continue
        ident = item.get("id")
        if isinstance(ident, (str, int)) and not isinstance(ident, bool):
            label += f" (id {str(ident)[:60]!r})"
        try:
            rows.append((label, _row_from_service(_Node(item), orgs)))
        except Refused as exc:
            problems.append((label, exc.field, exc.message))
    return rows, orgs, problems


def _row_from_service(item: _Node, orgs: dict) -> dict:
    costs = item.nodes("cost_options")
    cost = costs[0] if costs else _Node({}, "cost_options[0]")
    model = item.ext("cost_model") or cost.ext("cost_model")
    if model is None:
        model = "free" if not cost.value("amount") else "per_session"
    service_type = item.ext("service_type")
    if service_type is None:
        for attr in item.nodes("attributes"):
            term = attr.node("taxonomy_term")
            if term.value("taxonomy") == "yvm-service-type":
                service_type = term.value("code")
        service_type = service_type or "other"
    status = item.ext("status") or STATUS_FROM_HSDS.get(item.value("status"), "active")
    org = item.node("organization")
    org_name = clean_text(org.value("name"))
    if org_name:
        orgs[org_name] = {"description": _org_description(org), "website": _website(org)}
    funding = (item.nodes("funding") or [_Node({}, "funding[0]")])[0]
    assured = item.text("assured_date")
    row = {
        "name": item.value("name"),
        "organisation": org_name,
        "description": item.value("description"),
        "service_type": service_type,
        "uniformed": _yes(item.ext("uniformed", service_type == "uniformed")),
        "age_min": item.value("minimum_age"),
        "age_max": item.value("maximum_age"),
        "cost_model": model,
        "cost_amount": None if model == "free" else cost.value("amount"),
        "concession": _yes(item.ext("concession", False)),
        "sessions": "; ".join(_sessions(item)),
        "provider_type": item.ext("provider_type"),
        "funding_source": funding.value("source"),
        "funding_end": funding.ext("funding_end"),
        "capacity": item.ext("capacity"),
        "status": status,
        "last_checked": assured[:10] if assured else None,
        "no_fixed_place": _yes(item.ext("no_fixed_place", False)),
        "website": item.value("url"),
        "email": item.value("email"),
        "phone": next((p.value("number") for p in item.nodes("phones")), None),
        "how_to_join": item.value("application_process"),
        "joining": item.ext("joining"),
        "what_to_bring": item.ext("what_to_bring"),
        "send_notes": item.ext("send_notes"),
    }
    sals = item.nodes("service_at_locations")
    if sals:
        row.update(_location(sals[0].node("location")))
    return {k: (None if v is None else (f"{v}" if not isinstance(v, date) else v.isoformat()))
            for k, v in row.items()}


def _sessions(item: _Node) -> list[str]:
    """'Mon 18:00-20:00 term-time' for each day of each schedule (checked as any
    CSV session is, by :func:`app.directory.records.parse_sessions`)."""
    out = []
    for sched in item.nodes("schedules"):
        days = [d.strip() for d in (sched.text("byday") or "").split(",") if d.strip()]
        for day in days:
            if day[-2:].upper() not in BYDAY:
                raise Refused(sched.where("byday"), f"{day[:20]!r} is not a day: write MO, TU, "
                                                    "WE, TH, FR, SA or SU")
            times = [sched.text(key) for key in ("opens_at", "closes_at")]
            for key, value in zip(("opens_at", "closes_at"), times, strict=True):
                if not value:
                    raise Refused(sched.where(key), "is required with byday")
            text = f"{DAY_CODES[BYDAY.index(day[-2:].upper())]} {times[0][:5]}-{times[1][:5]}"
            term = sched.ext("term_time_only")
            if term is None:
                term = "term time" in (sched.text("notes") or "").lower()
            if term:
                text += " term-time"
            out.append(text)
    return out


def _location(loc: _Node) -> dict:
    from .places import from_latlon

    acc = loc.nodes("accessibility")
    row = {"venue_name": loc.value("name"), "transport_notes": loc.value("transportation"),
           "accessibility_notes": acc[0].value("description") if acc else None,
           "lsoa_code": loc.ext("lsoa_code")}
    if loc.ext("easting") is not None:
        row["easting"], row["northing"] = loc.ext("easting"), loc.ext("northing")
    elif loc.value("latitude") is not None and loc.value("longitude") is not None:
        lat, lon = loc.number("latitude", -90, 90), loc.number("longitude", -180, 180)
        row["easting"], row["northing"] = from_latlon(lat, lon)
    addresses = loc.nodes("addresses")
    if addresses:
        a = addresses[0]
        row["address"] = ", ".join(str(p) for p in (a.value("address_1"), a.value("address_2"),
                                                    a.value("city")) if p)
        row["postcode"] = a.value("postal_code")
    return row


def _org_description(org: _Node) -> str | None:
    text = clean_text(org.value("description"))
    if text and len(text) > ORG_DESCRIPTION_MAX:
        raise Refused(org.where("description"), f"is too long ({len(text):,} characters; at "
                                                f"most {ORG_DESCRIPTION_MAX:,})")
    return text


def _website(org: _Node) -> str | None:
    """The organisation's website, by the organisation form's own rule."""
    text = clean_text(org.value("website"))
    if text is None:
        return None
    problem = ingest.web_address_problem(text, ingest.column_length(Organisation, "website"))
    if problem:
        raise Refused(org.where("website"), problem)
    return text


def _yes(value) -> str:
    """true/false as yes/no; text ("no", "yes") as it is, checked like a CSV cell."""
    if value is None or isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def import_openreferral(session, data: bytes | str, *, today: date | None = None,
                        outside_km: float | None = None):
    """Add every service in an HSDS 3 page/list/service; all-or-nothing.  The caller
    commits.  Returns an :class:`app.directory.io.ImportResult`.  A service outside
    the council's area is marked or refused as in a CSV (``outside_km``,
    :func:`app.directory.io.import_services_rows`); ``yvm:outside_council`` is not read."""
    from .io import ImportResult, Problem, import_services_rows, load_json
    from .places import OUTSIDE_KM

    result = ImportResult()
    doc = load_json(data, result)
    if doc is None:
        return result
    rows, orgs, problems = hsds_to_rows(doc)
    if problems:
        result.problems.extend(Problem(*p) for p in problems)
        return result
    result = import_services_rows(session, rows, today=today,
                                  outside_km=OUTSIDE_KM if outside_km is None else outside_km)
    if result.ok:
        for org in session.scalars(select(Organisation).where(Organisation.name.in_(orgs))):
            details = orgs[org.name]
            org.description = org.description or details["description"]
            org.website = org.website or details["website"]
        session.flush()
    return result
