"""Partner test set-up: two organisations on the tiny directory geography."""

from __future__ import annotations

from datetime import date, time, timedelta

from app.models import Service
from tests.county import County
from tests.directory.helpers import make_geography, make_service


def two_organisations(db, *, trusted: bool = False):
    """(ours, theirs, our listing, their listing) on the tiny geography."""
    make_geography(db.session)
    county = County(db.session)
    ours = county.organisation("Cityton Boxing Club", kind="volunteer", trusted=trusted)
    theirs = county.organisation("Farfield Youth Trust", kind="charity")
    county.commit()
    mine = make_service(db.session, name="Cityton Boxing", organisation="Cityton Boxing Club",
                        sessions=[(0, time(18), time(20), False)])
    other = make_service(db.session, name="Farfield Drop-in", organisation="Farfield Youth Trust",
                         postcode="ZZ3 3CC", x=355000.0, y=241000.0, lsoa_code="E01000003")
    return ours, theirs, mine, other


def form_for(service: Service, **changes) -> dict:
    """The partner edit form's fields for ``service``, with ``changes``."""
    data = {
        "name": service.name, "description": service.description or "",
        "service_type": service.service_type, "cost_model": service.cost_model,
        "cost_amount": "" if service.cost_amount is None else str(service.cost_amount),
        "place": "postcode", "postcode": service.postcode or "", "venue_name": "",
        "address": service.address or "", "status": service.status,
        "age_min": "" if service.age_min is None else str(service.age_min),
        "age_max": "" if service.age_max is None else str(service.age_max),
    }
    for i, s in enumerate(sorted(service.sessions, key=lambda s: (s.day, s.start))):
        data[f"sessions-{i}-day"] = str(s.day)
        data[f"sessions-{i}-start"] = f"{s.start:%H:%M}"
        data[f"sessions-{i}-end"] = f"{s.end:%H:%M}"
    data.update(changes)
    return data


def make_stale(db, service: Service, days: int = 400) -> None:
    service.last_checked = date.today() - timedelta(days=days)
    db.session.commit()
