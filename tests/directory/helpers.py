"""A tiny made-up geography for directory tests: three LSOAs, a ward, postcodes."""

from __future__ import annotations

from datetime import date, time

from app.models import Service
from tests.county import County

# Three 2 km squares in a row, west to east, on the national grid.
SQUARES = {  # code: (name, south-west corner x, y)
    "E01000001": ("Cityton Centre", 350000, 240000),
    "E01000002": ("Marketbury", 352000, 240000),
    "E01000003": ("Farfield", 354000, 240000),
}
WARD = ("E05000001", "Cityton Ward", 350000, 240000)  # the same square as Cityton Centre
PARISH = ("E04000003", "Farfield", 354000, 240000)  # the same square as Farfield
POSTCODES = {
    "ZZ1 1AA": (351000, 241000, "E01000001"),
    "ZZ1 1AB": (351200, 241200, "E01000001"),
    "ZZ2 2BB": (353000, 241000, "E01000002"),
    "ZZ3 3CC": (355000, 241000, "E01000003"),
}
TERMINATED = ("ZZ9 9ZZ", 351000, 241000, "E01000001", date(2020, 1, 1))
# A listing in Cityton Centre: what make_service makes unless told otherwise.
SERVICE = dict(name="Cityton Youth Club", service_type="open_access", cost_model="free",
               postcode="ZZ1 1AA", x=351000.0, y=241000.0, lsoa_code="E01000001",
               status="active", age_min=11, age_max=18)


def make_geography(session) -> None:
    county = County(session)
    for code, (name, x0, y0) in SQUARES.items():
        county.lsoa(code, name, corner=(x0, y0), size=2000)
    code, name, x0, y0 = WARD
    county.ward(code, name, edition="2023", corner=(x0, y0), size=2000)
    code, name, x0, y0 = PARISH
    county.parish(code, name, edition="2023", corner=(x0, y0), size=2000)
    for pc, (x, y, lsoa) in POSTCODES.items():
        county.postcode(pc, x, y, lsoa=lsoa)
    pc, x, y, lsoa, ended = TERMINATED
    county.postcode(pc, x, y, lsoa=lsoa, terminated=ended)
    county.commit()


def make_service(session, **overrides) -> Service:
    """A listing (committed): SERVICE with ``overrides``, one Monday 18:00-20:00
    session unless ``sessions`` says otherwise, checked today."""
    values = {**SERVICE, "last_checked": date.today(),
              "sessions": [(0, time(18), time(20), False)], **overrides}
    county = County(session)
    service = county.service(**values)
    county.commit()
    return service
