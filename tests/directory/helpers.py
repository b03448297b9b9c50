"""A tiny made-up geography for directory tests: three LSOAs, a ward, postcodes."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import shapely

from app.models import Area, Organisation, Postcode, Service, ServiceSession

# Three 2 km squares in a row, west to east, on the national grid.
SQUARES = {
    "E01000001": ("Cityton Centre", 350000, 240000),
    "E01000002": ("Marketbury", 352000, 240000),
    "E01000003": ("Farfield", 354000, 240000),
}
POSTCODES = {
    "ZZ1 1AA": (351000, 241000, "E01000001"),
    "ZZ1 1AB": (351200, 241200, "E01000001"),
    "ZZ2 2BB": (353000, 241000, "E01000002"),
    "ZZ3 3CC": (355000, 241000, "E01000003"),
}


def make_geography(session) -> None:
    for code, (name, x0, y0) in SQUARES.items():
        area = Area(code=code, name=name, level="lsoa", edition="2021")
        area.geometry = shapely.box(x0, y0, x0 + 2000, y0 + 2000)
        session.add(area)
    ward = Area(code="E05000001", name="Cityton Ward", level="ward", edition="2023")
    ward.geometry = shapely.box(350000, 240000, 352000, 242000)
    session.add(ward)
    parish = Area(code="E04000003", name="Farfield", level="parish", edition="2023")
    parish.geometry = shapely.box(354000, 240000, 356000, 242000)
    session.add(parish)
    for pc, (x, y, lsoa) in POSTCODES.items():
        session.add(Postcode(postcode=pc, x=x, y=y, lsoa_code=lsoa))
    session.add(Postcode(postcode="ZZ9 9ZZ", x=351000, y=241000, lsoa_code="E01000001",
                         terminated=date(2020, 1, 1)))
    session.commit()


def make_service(session, **overrides) -> Service:
    org = overrides.pop("organisation", None)
    sessions = overrides.pop("sessions", [(0, time(18), time(20), False)])
    values = dict(name="Cityton Youth Club", service_type="open_access", cost_model="free",
                  postcode="ZZ1 1AA", x=351000.0, y=241000.0, lsoa_code="E01000001",
                  status="active", age_min=11, age_max=18, last_checked=date.today())
    values.update(overrides)
    if "cost_amount" in values and values["cost_amount"] is not None:
        values["cost_amount"] = Decimal(str(values["cost_amount"]))
    service = Service(**values)
    if org:
        service.organisation = session.query(Organisation).filter_by(name=org).first() \
            or Organisation(name=org)
    service.sessions = [ServiceSession(day=d, start=s, end=e, term_time_only=t)
                        for d, s, e, t in sessions]
    session.add(service)
    session.commit()
    return service
