"""A listing as a row of the documented CSV columns, to and from the edit form, and
the before/after difference a reviewer reads.  No Flask.

A partner's proposed change is kept as such a row (strings), so one set of
checks (:func:`app.directory.records.validate_record`) guards the edit form,
the review queue and the CSV import alike.
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from ..directory.places import from_latlon, to_latlon
from ..directory.records import COLUMNS, DAY_CODES, parse_sessions
from ..models.directory import COST_MODELS, DAYS, JOINING, SERVICE_STATUSES, SERVICE_TYPES

LABELS = {
    "name": "Name", "organisation": "Organisation", "description": "Description",
    "service_type": "Type", "uniformed": "Uniformed", "age_min": "Youngest age",
    "age_max": "Oldest age", "cost_model": "How it charges", "cost_amount": "Amount (£)",
    "concession": "Concession or bursary", "sessions": "Sessions", "venue_name": "Venue",
    "address": "Address", "postcode": "Postcode", "easting": "Easting", "northing": "Northing",
    "lsoa_code": "Small area (LSOA)", "no_fixed_place": "No fixed place",
    "accessibility_notes": "Accessibility", "transport_notes": "Getting there",
    "provider_type": "Provider type", "funding_source": "Funding source",
    "funding_end": "Funding ends", "capacity": "Places per session", "status": "Status",
    "last_checked": "Checked on", "phone": "Phone", "email": "Email", "website": "Website",
    "how_to_join": "How to join", "joining": "Booking", "what_to_bring": "What to bring",
    "send_notes": "SEND support", "outside_council": "In a neighbouring area",
}
# Columns the system fills in, not the partner (the provider type follows the
# organisation's kind): left out of the difference shown.
DERIVED = ("lsoa_code", "last_checked", "easting", "northing", "provider_type",
           "outside_council")
_CHOICES = {"service_type": SERVICE_TYPES, "cost_model": COST_MODELS, "status": SERVICE_STATUSES,
            "joining": JOINING}
# Form fields copied as text, one to one, to the column of the same name.
TEXT_FIELDS = ("name", "description", "venue_name", "address", "accessibility_notes",
               "transport_notes", "funding_source", "phone", "email", "website", "how_to_join",
               "what_to_bring", "send_notes")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def form_to_row(form, *, organisation: str, provider_type: str | None,
                checked: date, session=None) -> dict[str, str]:
    """The partner edit form as a row of the documented columns."""
    row = {c: "" for c in COLUMNS}
    for name in TEXT_FIELDS:
        row[name] = _text(getattr(form, name).data)
    for name in ("service_type", "cost_model", "status", "joining"):
        row[name] = form[name].data or ""
    row["uniformed"] = _text(bool(form.uniformed.data) or form.service_type.data == "uniformed")
    row["concession"] = _text(bool(form.concession.data))
    for name in ("age_min", "age_max", "capacity", "funding_end"):
        row[name] = _text(form[name].data)
    row["cost_amount"] = "" if form.cost_model.data == "free" else _text(form.cost_amount.data)
    row["sessions"] = "; ".join(
        f"{DAY_CODES[int(e.day.data)]} {e.start.data:%H:%M}-{e.end.data:%H:%M}"
        + (" term-time" if e.term_time_only.data else "")
        for e in sorted((e for e in form.sessions if e.day.data),
                        key=lambda e: (int(e.day.data), e.start.data)))
    place = form.place.data
    row["no_fixed_place"] = "yes" if place == "none" else "no"
    if place == "postcode":
        row["postcode"] = _text(form.postcode.data).upper()
    elif place == "point":
        x, y = from_latlon(form.latitude.data, form.longitude.data)
        row["easting"], row["northing"] = f"{x:.0f}", f"{y:.0f}"
    row["organisation"] = organisation
    row["provider_type"] = provider_type or ""
    row["last_checked"] = checked.isoformat()
    return row


def row_to_form(form, row: dict) -> None:
    """Fill the partner edit form from a row (the live listing, or a proposed change)."""
    for name in TEXT_FIELDS:
        form[name].data = row.get(name) or ""
    for name in ("service_type", "cost_model", "status", "joining"):
        form[name].data = row.get(name) or form[name].default
    form.uniformed.data = row.get("uniformed") == "yes"
    form.concession.data = row.get("concession") == "yes"
    for name in ("age_min", "age_max", "capacity"):
        form[name].data = int(row[name]) if (row.get(name) or "").isdigit() else None
    form.cost_amount.data = Decimal(row["cost_amount"]) if row.get("cost_amount") else None
    form.funding_end.data = date.fromisoformat(row["funding_end"]) if row.get("funding_end") \
        else None
    if row.get("no_fixed_place") == "yes":
        form.place.data = "none"
    elif row.get("postcode"):
        form.place.data = "postcode"
        form.postcode.data = row["postcode"]
    elif row.get("easting") and row.get("northing"):
        form.place.data = "point"
        form.latitude.data, form.longitude.data = (
            round(v, 6) for v in to_latlon(float(row["easting"]), float(row["northing"])))
    try:
        sessions = parse_sessions(row.get("sessions"))
    except ValueError:
        sessions = []
    for entry, (day, start, end, term) in zip(form.sessions, sessions, strict=False):
        entry.day.data = str(day)
        entry.start.data, entry.end.data = start, end
        entry.term_time_only.data = term


def _shown(column: str, value: str) -> str:
    if not value:
        return "(empty)"
    if column in _CHOICES:
        return _CHOICES[column].get(value, value)
    if column == "sessions":
        return value.replace("; ", "\n")
    return value


def difference(before: dict | None, after: dict) -> list[dict]:
    """Each column the partner changed: label, before and after, as people read them."""
    before = before or {}
    out = []
    for column in COLUMNS:
        if column in DERIVED and before:
            continue
        old, new = before.get(column, "") or "", after.get(column, "") or ""
        if old != new and (before or new):
            out.append({"column": column, "label": LABELS[column],
                        "before": _shown(column, old) if before else "",
                        "after": _shown(column, new)})
    return out


def changed_columns(before: dict | None, after: dict) -> dict[str, str]:
    """Only the values the partner changed (so a review never undoes a later edit)."""
    before = before or {}
    return {c: after.get(c, "") for c in COLUMNS if (before.get(c) or "") != (after.get(c) or "")}


def session_summary(sessions) -> str:
    """'Monday 18:00 to 20:00, Thursday ...' for a partner's dashboard."""
    return ", ".join(f"{DAYS[s.day]} {s.start:%H:%M} to {s.end:%H:%M}"
                     for s in sorted(sessions, key=lambda s: (s.day, s.start or time())))
