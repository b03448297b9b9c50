"""A small hand-made county for the gap pages: six 2 km square LSOAs in a row.

Area E0000001 has a free drop-in 300 m from its centre; E0000006 is 10 km
from everything; E0000004 has a £30-a-month club.  Responses: 12 in area 1
(3 citing cost), 3 in area 6 (small: must never be shown).
"""

from __future__ import annotations

from datetime import date, timedelta

from tests.county import County

SRC = "Test source"
CENTRES = {f"E0000{n:03d}": (400_000 + (n - 1) * 2_000, 250_000) for n in range(1, 7)}
CENTRES["E0000006"] = (400_000 + 20_000, 250_000)  # far away
RESPONSES = [  # area, responses, how many of them cite cost as a barrier
    ("E0000001", 12, 3),
    ("E0000006", 3, 3),
]


def indicators(n: int) -> dict:
    """Area number ``n``'s figures: deprivation rises and the decile falls with n;
    areas 5 and 6 are rural."""
    return {"population_total": 1500, "population_age_13_19": 100 + n, "imd_score": 10.0 * n,
            "idaci_score": 0.05 * n, "imd_decile": 11 - n, "rural": 1.0 if n >= 5 else 0.0}


def seed(session, *, today: date | None = None) -> dict:
    """Build the county, publish its answers; return the services' ids."""
    county = County(session, today=today, source=SRC)
    for n, (code, centre) in enumerate(CENTRES.items(), start=1):
        county.lsoa(code, f"Testshire {n:03d}", centre=centre, size=2_000,
                    indicators=indicators(n))
    (x1, y1), (x4, y4) = CENTRES["E0000001"], CENTRES["E0000004"]
    county.service("Free drop-in", x1, y1 + 300, key="drop_in", service_type="drop_in",
                   cost_model="free", capacity=25, status="active",
                   funding_end=timedelta(days=90), funding_source="Lottery",
                   sessions=[(2, "18:00", "20:00"), (5, "10:00", "12:00")])
    county.service("Paid club", x4, y4, key="club", service_type="sport",
                   cost_model="monthly", cost_amount=30, capacity=15, status="active",
                   sessions=[(1, "16:00", "17:00")])
    county.building("Old library", x4 + 200, y4, kind="library")
    county.survey("youth", title="Youth survey")
    for code, count, cost in RESPONSES:
        county.responses("youth", code, count, answers=[
            {"barriers": "too_expensive" if k < cost else "other"} for k in range(count)])
    county.publish()
    return county.ids
