"""One synthetic council for bench/bench_national_scale.py (issue 27): its LSOAs (1 km
squares on a grid in its own BNG box, 3 x 3 to a ward) with population by age and
deprivation, its services with weekly sessions, costs and funding end dates, and its
answers to the real survey (``surveys/youth-voice.yaml``); then its published
snapshot.  Bulk Core inserts (``session.execute(insert(Model), rows)``) with
``council_id`` set, inside ``use_council(id)``; the same index gives the same council.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from datetime import time as dtime
from decimal import Decimal

SIDE = 1_000  # an LSOA's square, metres
WARD = 3  # a ward is WARD x WARD LSOAs
TODAY = date.today()
COST = [("free", None), ("per_session", 2), ("per_session", 5), ("weekly", 4),
        ("monthly", 20), ("monthly", 45), ("termly", 60), ("yearly", 150)]
TYPES = ["open_access", "drop_in", "uniformed", "sport", "arts_music", "outdoor", "detached"]
AGES = (["11-12"] * 18 + ["13-15"] * 36 + ["16-17"] * 28 + ["18-19"] * 12 + ["20-24"] * 3
        + ["not_say"] * 3)
MULTI = {"barriers": ["cost", "transport", "nothing_near", "not_my_thing", "dont_know",
                      "unsafe", "time", "access"],
         "wishes": ["drop_in", "sport", "arts", "music", "outdoor", "skills", "jobs"],
         "now_do": ["youth_club", "sport", "arts", "online", "friends"]}
SINGLE = {"can_pay": ["0", "1-2", "3-5", "6+", "dont_know"],
          "travel_mode": ["walk", "cycle", "bus", "lift", "other"],
          "feel_heard": ["1", "2", "3", "4", "5"]}


def shares(total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` whole numbers that differ by at most one."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]



def host(index: int) -> str:
    return f"c{index}.scale.example"


def build_council(db, index: int, n_lsoa: int, n_services: int, n_responses: int,
                  first_lsoa: int) -> None:
    """One council: areas and figures, services and sessions, answers; then publish."""
    import shapely
    from sqlalchemy import insert

    from app.disclosure import DisclosureRule
    from app.models import Answer, Area, AreaIndicator, Council, Response, Service, ServiceSession
    from app.models.tenancy import default_council_id, use_council
    from app.publication import CellKeyMethod, Schedule, publish
    from app.publication.review import HoldRules
    from app.survey.store import default_survey, sync_definitions
    from app.tenancy.service import add_council

    rng = random.Random(index)  # council i is the same in every database
    region = f"E1200000{1 + index % 9}"
    if index == 0:  # the deployment's own (default) council is council 0
        council = db.session.get(Council, default_council_id(db.session.connection()))
        council.name, council.host, council.region = "Scale Council 0", host(0), region
        db.session.commit()
    else:
        council = add_council(db.session, f"E06{900000 + index}", f"Scale Council {index}",
                              host=host(index), region=region)
    side = math.ceil(n_lsoa ** 0.5)
    x0 = 150_000 + (index % 13) * 40_000
    y0 = 50_000 + (index // 13) * 40_000
    with use_council(council.id):
        session = db.session
        areas, figures, ward_cells = [], [], {}
        for k in range(n_lsoa):
            col, row = k % side, k // side
            x, y = x0 + col * SIDE, y0 + row * SIDE
            lsoa = f"E01{first_lsoa + k:06d}"
            geom = shapely.box(x, y, x + SIDE, y + SIDE)
            ward = f"E05{index:03d}{(row // WARD) * 100 + col // WARD:03d}"
            ward_cells.setdefault(ward, []).append(geom)
            areas.append({"council_id": council.id, "code": lsoa, "name": f"Scale {index} {k}",
                          "level": "lsoa", "edition": "2021", "parent_code": ward,
                          "geom_wkb": shapely.to_wkb(geom), "area_m2": geom.area,
                          "centroid_x": x + SIDE / 2, "centroid_y": y + SIDE / 2})
            young = rng.randint(60, 220)
            for name, value in (("population_total", young * 8 + rng.randint(0, 400)),
                                ("population_age_10_14", young * 0.55),
                                ("population_age_15_19", young * 0.45 + rng.randint(0, 30)),
                                ("population_age_20_24", rng.randint(40, 200)),
                                ("imd_score", round(rng.uniform(3, 60), 1)),
                                ("imd_decile", rng.randint(1, 10)),
                                ("rural", float(rng.random() < 0.2))):
                figures.append({"council_id": council.id, "level": "lsoa", "area_code": lsoa,
                                "name": name, "value": float(value), "source": "bench",
                                "year": 2021})
        for ward, cells in ward_cells.items():
            geom = shapely.union_all(cells).envelope
            c = geom.centroid
            areas.append({"council_id": council.id, "code": ward, "name": f"Ward {ward}",
                          "level": "ward", "edition": "2024", "parent_code": None,
                          "geom_wkb": shapely.to_wkb(geom), "area_m2": geom.area,
                          "centroid_x": c.x, "centroid_y": c.y})
        session.execute(insert(Area), areas)
        session.execute(insert(AreaIndicator), figures)

        width = side * SIDE
        services = []
        for k in range(n_services):
            model, amount = rng.choice(COST)
            end = rng.choice([None, None, TODAY + timedelta(days=rng.randint(-120, 900))])
            services.append({"council_id": council.id, "name": f"Club {index}-{k}",
                             "service_type": rng.choice(TYPES), "cost_model": model,
                             "cost_amount": None if amount is None else Decimal(amount),
                             "x": x0 + rng.uniform(0, width), "y": y0 + rng.uniform(0, width),
                             "status": "active" if rng.random() < 0.92 else "paused",
                             "funding_end": end, "funding_source": "bench" if end else None,
                             "capacity": rng.randint(10, 60), "age_min": 11, "age_max": 19,
                             "uniformed": False, "concession": False, "no_fixed_place": False,
                             "outside_council": False, "last_checked": TODAY})
        ids = session.scalars(insert(Service).returning(Service.id, sort_by_parameter_order=True),
                              services).all()
        sessions = []
        for sid in ids:
            for _ in range(rng.randint(1, 3)):
                start = rng.choice([16, 17, 18, 19])
                sessions.append({"council_id": council.id, "service_id": sid,
                                 "day": rng.randint(0, 6), "start": dtime(start),
                                 "end": dtime(start + 2), "term_time_only": rng.random() < 0.3})
        session.execute(insert(ServiceSession), sessions)

        sync_definitions(session)
        survey = default_survey(session)
        wards = sorted(ward_cells)
        responses = [{"council_id": council.id, "survey_id": survey.id,
                      "survey_slug": survey.slug, "survey_version": survey.version,
                      "token": f"scale-{index}-{k}",
                      "submitted_on": TODAY - timedelta(days=rng.randint(1, 300)),
                      "area_level": "ward", "area_code": rng.choice(wards),
                      "age_band": rng.choice(AGES), "flagged": False,
                      "record_key": rng.randrange(256)} for k in range(n_responses)]
        rids = session.scalars(insert(Response).returning(Response.id,
                                                          sort_by_parameter_order=True),
                               responses).all()
        answers = []
        for rid in rids:
            for question, options in MULTI.items():
                for value in rng.sample(options, rng.randint(1, 2)):
                    answers.append({"council_id": council.id, "response_id": rid,
                                    "question_id": question, "value": value,
                                    "is_free_text": False})
            for question, options in SINGLE.items():
                if rng.random() < 0.85:
                    answers.append({"council_id": council.id, "response_id": rid,
                                    "question_id": question, "value": rng.choice(options),
                                    "is_free_text": False})
        session.execute(insert(Answer), answers)
        session.commit()
        # Bench answers are spread evenly, not made in bulk by one person: nothing held.
        schedule = Schedule(holds=HoldRules(open_per_area_day=10**9, identical=10**9))
        publish(session, CellKeyMethod(DisclosureRule()), schedule, trigger="bench")
        session.commit()
    return len(answers)
