"""A small hand-built county in the database for the planning view and browser tests.

Four LSOAs on an east-west line (5 km squares), three services and one council
building.  With the default 30 minutes by bus (about 6.9 km in a straight line):

* Ashby (100 young people, decile 1, rural) and Dunmore (40, no decile, urban)
  are reached by Ashby Youth Club (free, funding ends within 24 months) and
  Ashby Scouts (termly).
* Brook (50, decile 5, urban) is reached by nothing: a gap.  Brook Library, a
  council building, is in it.
* Colwall (80, decile 2, rural) is reached only by Colwall Boxing (£3 a session).
"""

from __future__ import annotations

from datetime import date, timedelta

from tests.county import County

SRC = "hand-built test county"
AREAS = [
    # code, name, centre x, centre y, young people, decile, rural
    ("E01000001", "Ashby", 300_000, 240_000, 100, 1, 1),
    ("E01000002", "Brook", 320_000, 240_000, 50, 5, 0),
    ("E01000003", "Colwall", 340_000, 240_000, 80, 2, 1),
    ("E01000004", "Dunmore", 300_500, 246_000, 40, None, 0),
]
WARDS = [  # code, name, west and east edges (all from 235 to 250 km north)
    ("E05000001", "West", 295_000, 310_000),
    ("E05000002", "East", 315_000, 345_000),
]


def areas_and_wards(session, *, today: date | None = None) -> County:
    """The county's four LSOAs and two wards, with nothing in them yet."""
    county = County(session, today=today, source=SRC, years={"imd_decile": 2025})
    for code, name, x, y, young, decile, rural in AREAS:
        county.lsoa(code, name, centre=(x, y), size=5_000, indicators={
            "population_total": young * 8, "population_age_13_19": young, "rural": rural,
            "imd_decile": decile})
    for code, name, x0, x1 in WARDS:
        county.ward(code, name, edition="2024", bounds=(x0, 235_000, x1, 250_000))
    return county


def build_county(session, *, today: date | None = None) -> dict:
    """Build the county; return the ids of its buildings and services by short name."""
    county = areas_and_wards(session, today=today)
    county.building("Brook Library", 320_500, 240_000, kind="library", key="library")
    county.building("Far Hall", 400_000, 300_000, kind="hall", key="hall")
    county.service("Ashby Youth Club", 301_000, 240_000, key="club",
                   service_type="open_access", cost_model="free", capacity=30,
                   status="active", funding_source="Youth grant",
                   funding_end=timedelta(days=180),
                   sessions=[(1, "18:00", "20:00"), (3, "18:00", "20:00")])
    county.service("Colwall Boxing", 340_000, 241_000, key="boxing",
                   service_type="boxing_martial_arts", cost_model="per_session",
                   cost_amount=3, capacity=15, status="active",
                   sessions=[(2, "17:00", "18:00")])
    county.service("Ashby Scouts", 300_200, 240_100, key="scouts", service_type="uniformed",
                   uniformed=True, cost_model="termly", cost_amount=45, capacity=24,
                   status="active", funding_end=timedelta(days=365 * 4),
                   sessions=[(4, "19:00", "21:00")])
    return county.commit()
