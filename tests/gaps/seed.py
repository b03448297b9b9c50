"""A small hand-made county for the gap pages: six 2 km square LSOAs in a row.

Area E0000001 has a free drop-in 300 m from its centre; E0000006 is 10 km
from everything; E0000004 has a £30-a-month club.  Responses: 12 in area 1
(3 citing cost), 3 in area 6 (small: must never be shown).
"""

from __future__ import annotations

from datetime import date, time, timedelta

from shapely.geometry import box

from app.disclosure import DisclosureRule
from app.models import (
    Answer,
    Area,
    AreaIndicator,
    Building,
    Response,
    Service,
    ServiceSession,
    Survey,
)
from app.publication import CellKeyMethod, Schedule, publish

SRC = "Test source"
CENTRES = {f"E0000{n:03d}": (400_000 + (n - 1) * 2_000, 250_000) for n in range(1, 7)}
CENTRES["E0000006"] = (400_000 + 20_000, 250_000)  # far away


def seed(session, *, today: date | None = None) -> dict:
    today = today or date.today()
    for n, (code, (cx, cy)) in enumerate(CENTRES.items(), start=1):
        a = Area(code=code, name=f"Testshire {n:03d}", level="lsoa", edition="2021")
        a.geometry = box(cx - 1000, cy - 1000, cx + 1000, cy + 1000)
        session.add(a)
        for name, value in (("population_total", 1500), ("population_age_13_19", 100 + n),
                            ("imd_score", 10.0 * n), ("idaci_score", 0.05 * n),
                            ("imd_decile", 11 - n), ("rural", 1.0 if n >= 5 else 0.0)):
            session.add(AreaIndicator(level="lsoa", area_code=code, name=name, value=value,
                                      source=SRC, year=2021))
    (x1, y1), (x4, y4) = CENTRES["E0000001"], CENTRES["E0000004"]
    drop_in = Service(name="Free drop-in", service_type="drop_in", cost_model="free",
                      x=x1, y=y1 + 300, capacity=25, status="active",
                      funding_end=today + timedelta(days=90), funding_source="Lottery")
    drop_in.sessions = [ServiceSession(day=2, start=time(18), end=time(20)),
                        ServiceSession(day=5, start=time(10), end=time(12))]
    club = Service(name="Paid club", service_type="sport", cost_model="monthly",
                   cost_amount=30, x=x4, y=y4, capacity=15, status="active")
    club.sessions = [ServiceSession(day=1, start=time(16), end=time(17))]
    session.add_all([drop_in, club])
    session.add(Building(name="Old library", x=x4 + 200, y=y4, kind="library"))
    survey = Survey(slug="youth", version=1, title="Youth survey", definition={})
    session.add(survey)
    session.flush()
    n = 0
    for code, count, cost in (("E0000001", 12, 3), ("E0000006", 3, 3)):
        for k in range(count):
            n += 1
            r = Response(survey_id=survey.id, survey_slug="youth", survey_version=1,
                         token=f"t{n}", submitted_on=today, area_level="lsoa", area_code=code,
                         record_key=(n * 89) % 256)
            r.answers = [Answer(question_id="barriers",
                                value="too_expensive" if k < cost else "other")]
            session.add(r)
    session.commit()
    publish(session, CellKeyMethod(DisclosureRule()), Schedule(), trigger="test")
    return {"drop_in": drop_in.id, "club": club.id}
