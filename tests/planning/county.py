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

from datetime import date, time, timedelta

from shapely.geometry import box

from app.models import Area, AreaIndicator, Building, Service, ServiceSession

SRC = "hand-built test county"
AREAS = [
    # code, name, centre x, centre y, young people, decile, rural
    ("E01000001", "Ashby", 300_000, 240_000, 100, 1, 1),
    ("E01000002", "Brook", 320_000, 240_000, 50, 5, 0),
    ("E01000003", "Colwall", 340_000, 240_000, 80, 2, 1),
    ("E01000004", "Dunmore", 300_500, 246_000, 40, None, 0),
]


def build_county(session, *, today: date | None = None) -> dict:
    today = today or date.today()
    for code, name, x, y, young, decile, rural in AREAS:
        area = Area(code=code, name=name, level="lsoa", edition="2021")
        area.geometry = box(x - 2_500, y - 2_500, x + 2_500, y + 2_500)
        session.add(area)
        rows = [("population_total", young * 8), ("population_age_13_19", young),
                ("rural", rural)]
        if decile is not None:
            rows.append(("imd_decile", decile))
        for ind, value in rows:
            session.add(AreaIndicator(level="lsoa", area_code=code, name=ind, value=value,
                                      source=SRC, year=2021 if ind != "imd_decile" else 2025))
    for code, name, x0, x1 in (("E05000001", "West", 295_000, 310_000),
                               ("E05000002", "East", 315_000, 345_000)):
        ward = Area(code=code, name=name, level="ward", edition="2024")
        ward.geometry = box(x0, 235_000, x1, 250_000)
        session.add(ward)
    library = Building(name="Brook Library", x=320_500, y=240_000, kind="library")
    hall = Building(name="Far Hall", x=400_000, y=300_000, kind="hall")
    club = Service(name="Ashby Youth Club", service_type="open_access", x=301_000, y=240_000,
                   cost_model="free", capacity=30, status="active",
                   funding_source="Youth grant", funding_end=today + timedelta(days=180))
    club.sessions = [ServiceSession(day=1, start=time(18), end=time(20)),
                     ServiceSession(day=3, start=time(18), end=time(20))]
    boxing = Service(name="Colwall Boxing", service_type="boxing_martial_arts", x=340_000,
                     y=241_000, cost_model="per_session", cost_amount=3, capacity=15,
                     status="active")
    boxing.sessions = [ServiceSession(day=2, start=time(17), end=time(18))]
    scouts = Service(name="Ashby Scouts", service_type="uniformed", uniformed=True, x=300_200,
                     y=240_100, cost_model="termly", cost_amount=45, capacity=24,
                     status="active", funding_end=today + timedelta(days=365 * 4))
    scouts.sessions = [ServiceSession(day=4, start=time(19), end=time(21))]
    session.add_all([library, hall, club, boxing, scouts])
    session.commit()
    return {"library": library.id, "hall": hall.id, "club": club.id, "boxing": boxing.id,
            "scouts": scouts.id}
