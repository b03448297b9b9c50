"""The per-person county of ``tests/gaps/test_reach_per_person.py`` for the planning
pages: three LSOAs (Ashby, Brook, Colwall; 5 km squares on northing 240,000), two
wards (West = Ashby, East = Brook + Colwall), five postcodes, the A road and bus X1
of :mod:`.journey_county`, and two free open-access clubs.

By hand, by bus within 30 minutes (walking 4.8 km/h, 80 m a minute; the bus X1
westbound Mon-Fri Colwall 17:35, Brook 17:46, Ashby Youth Club 17:58; eastbound
Tuesdays only, the club 20:02, Colwall 20:25, not calling at Brook):

=========  ======  =====  ============================================================
postcode   where   young  today
=========  ======  =====  ============================================================
A1         Ashby   50     walks 2.5 min to the club, 15 to the Saturday club: both
A2         Ashby   50     walks 25 min to the club (Tue, Thu); 37.5 to the Saturday one
B1         Brook   30     at the Brook stop: a bus there, never one home
B2         Brook   30     2 km off the road: 25 min walk to the stop, 19 km from the club
C1         Colwall 80     the 17:35 there and the Tuesday 20:02 home: the club on Tuesday
=========  ======  =====  ============================================================

Today: Ashby 100 reached; Brook 0 (30 cannot get there, 30 cannot get home);
Colwall 80.  The club's grant ends in 180 days (in the funding cliff); the
Saturday club has no end date.
"""

from __future__ import annotations

from datetime import timedelta

from app.geodata.journeys import run_journeys
from tests.county import County

from .journey_county import add_transport

LIMIT = 45
ASHBY, BROOK, COLWALL = "E01000001", "E01000002", "E01000003"
WEST, EAST = "E05000001", "E05000002"
LSOAS = [(ASHBY, "Ashby", 300_000), (BROOK, "Brook", 320_000), (COLWALL, "Colwall", 340_000)]
YOUNG = {ASHBY: 100, BROOK: 60, COLWALL: 80}
POSTCODES = [("AA1 1AA", 301_200, 240_000, ASHBY), ("AA1 1AB", 299_000, 240_000, ASHBY),
             ("BB1 1AA", 320_000, 240_000, BROOK), ("BB1 1AB", 320_000, 242_000, BROOK),
             ("CC1 1AA", 340_000, 240_000, COLWALL)]
WARD_OF = {ASHBY: WEST, BROOK: EAST, COLWALL: EAST}


def build(session, tmp_path, *, extra=None) -> dict:
    """Build the county, import the roads and buses and compute the journeys.

    ``extra(county)`` may add more before the commit (a service added for real).
    """
    c = County(session, source="hand-built per-person planning county",
               years={"imd_decile": 2025})
    for code, name, x in LSOAS:
        c.lsoa(code, name, centre=(x, 240_000), size=5_000,
               indicators={"population_total": YOUNG[code] * 8,
                           "population_age_13_19": YOUNG[code], "rural": 1,
                           "imd_decile": 3})
    c.ward(WEST, "West", edition="2024", bounds=(295_000, 235_000, 310_000, 250_000))
    c.ward(EAST, "East", edition="2024", bounds=(315_000, 235_000, 345_000, 250_000))
    for pc, x, y, lsoa in POSTCODES:
        c.postcode(pc, x, y, lsoa=lsoa)
    c.building("Brook Stop Hall", 320_000, 240_000, kind="hall", key="hall")
    c.service("Ashby Youth Club", 301_000, 240_000, key="club", service_type="open_access",
              cost_model="free", capacity=30, status="active", funding_source="Youth grant",
              funding_end=timedelta(days=180),
              sessions=[(1, "18:00", "20:00"), (3, "18:00", "20:00")])
    c.service("Ashby Saturday Club", 302_000, 240_000, key="saturday",
              service_type="open_access", cost_model="free", capacity=30, status="active",
              sessions=[(5, "10:00", "12:00")])
    if extra is not None:
        extra(c)
    ids = c.commit()
    add_transport(session, tmp_path)
    run_journeys(session, limit_min=LIMIT)
    session.commit()
    return ids
