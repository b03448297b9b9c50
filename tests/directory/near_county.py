"""A county whose journey times to one youth club are known by hand.

The roads and buses are :mod:`tests.planning.journey_county`'s (one A road along
northing 240,000 with a node every kilometre; bus X1 westbound Monday to Friday
Colwall 17:35, Brook 17:46, Ashby Youth Club 17:58; eastbound Tuesdays only, Ashby
Youth Club 20:02, Colwall 20:25, not calling at Brook) on the planning county's
four LSOAs.  The club (at the stop "Ashby Youth Club", easting 301,000) meets
Tuesday and Thursday 18:00-20:00 and Saturday 10:00-12:00.  Each live postcode
below is a population point of the journey run:

* CW1 1AA, on Colwall's stop (340,000): Tuesday, the 17:35 gets to the club at
  17:58, so 18:00 - 17:35 = **25 minutes** door to door, and the 20:02 gets home
  at 20:25 (**bus home**).  Thursday: the same 25 minutes there but no bus back,
  and walking home (39 km) is beyond the 90-minute limit: **no bus home**.
  Saturday: no bus; cycling 39 km at 16 km/h is 146 minutes, beyond the limit.
  Straight line 39.0 km = 24.2 miles.
* BR1 1AA, on Brook's stop (320,000): Tuesday 18:00 - 17:46 = **14 minutes**, never
  a bus home.  Saturday: **no bus at that time**; 19 km by bike at 16 km/h is
  19,000 / (16 / 3.6) = 4,275 s = **71.25 minutes** (72 said, rounded up);
  11.8 miles (19.0 km).
* AS1 1AA at Ashby's centre (300,000), 1 km from the club: **12.5 minutes** on foot
  at 4.8 km/h (13 said), no bus quicker; 0.6 miles (1.0 km).
* CW1 1AB, 100 m east of CW1 1AA, has no LSOA, so it is not a run point: within
  200 m of one, it takes CW1 1AA's times.
* ZZ9 9ZZ, 20 km north of the road with no LSOA: no run point within 200 m, so times
  are not known there.
"""

from __future__ import annotations

from datetime import datetime

from tests.planning.county import areas_and_wards
from tests.planning.journey_county import add_transport

CLUB_XY = (301_000.0, 240_000.0)
POSTCODES = {  # postcode: (x, y, LSOA)
    "CW1 1AA": (340_000.0, 240_000.0, "E01000003"),
    "BR1 1AA": (320_000.0, 240_000.0, "E01000002"),
    "AS1 1AA": (300_000.0, 240_000.0, "E01000001"),
    "CW1 1AB": (340_100.0, 240_000.0, None),
    "ZZ9 9ZZ": (320_000.0, 260_000.0, None),
}
# Times the tests fix the clock at (Monday 30 November 2026 is a Monday).
MONDAY_NOON = datetime(2026, 11, 30, 12, 0)
WEDNESDAY_NOON = datetime(2026, 12, 2, 12, 0)
SATURDAY_MORNING = datetime(2026, 12, 5, 9, 0)


def build(session, tmp_path, *, journeys: bool = True) -> dict[str, int]:
    """The county, its roads and buses and (with ``journeys``) a journey run."""
    county = areas_and_wards(session)
    for postcode, (x, y, lsoa) in POSTCODES.items():
        county.postcode(postcode, x, y, lsoa=lsoa)
    county.service("Ashby Youth Club", *CLUB_XY, key="club", service_type="open_access",
                   cost_model="free", status="active",
                   sessions=[(1, "18:00", "20:00"), (3, "18:00", "20:00"),
                             (5, "10:00", "12:00")])
    county.service("Online Chat", key="online", service_type="online", no_fixed_place=True,
                   cost_model="free", status="active", sessions=[(0, "19:00", "20:00")])
    county.service("Ashby Climbing Wall", 300_500.0, 240_000.0, key="wall",
                   service_type="sport", cost_model="free", status="active")
    ids = county.commit()
    add_transport(session, tmp_path)
    if journeys:
        from app.geodata.journeys import run_journeys

        run_journeys(session, limit_min=90)
        session.commit()
    return ids
