"""A hand-built small county where attacks are easiest: two wards of two parishes
each, one parish with only a handful of answers, and its shared reading code."""

from __future__ import annotations

import json
import random
from datetime import date

import shapely
from sqlalchemy import select

from app.models import Answer, Area, Response, Survey
from app.survey.store import sync_definitions

PARISHES = {  # code: (name, ward, x)
    "E04000011": ("Aston", "E05000001", 350000),
    "E04000012": ("Bodenham", "E05000001", 352000),
    "E04000013": ("Clee", "E05000002", 354000),
    "E04000014": ("Dorstone", "E05000002", 356000),
}
WARDS = {"E05000001": "North ward", "E05000002": "South ward"}
SIZES = {"E04000011": 3, "E04000012": 21, "E04000013": 9, "E04000014": 14}
AGES = ("11-12", "13-15", "16-17")
BARRIERS = ("cost", "transport", "nothing_near", "time")
PAY = ("0", "1-2", "3-5", "6+")


def build(db, seed: int) -> list[dict]:
    """The county and its responses; returns the true records (what the attacker
    wants to learn)."""
    for code, (name, _ward, x) in PARISHES.items():
        a = Area(code=code, name=name, level="parish", edition="2019")
        a.geometry = shapely.box(x, 250000, x + 2000, 252000)
        db.session.add(a)
    for n, (code, name) in enumerate(WARDS.items()):
        a = Area(code=code, name=name, level="ward", edition="2019")
        a.geometry = shapely.box(350000 + 4000 * n, 250000, 354000 + 4000 * n, 252000)
        db.session.add(a)
    db.session.commit()
    sync_definitions(db.session)
    survey = db.session.scalars(select(Survey)).one()
    rng = random.Random(seed)
    truth = []
    k = 0
    for code, size in SIZES.items():
        for _ in range(size):
            k += 1
            rec = {"area": code, "age": rng.choice(AGES),
                   "barriers": sorted(rng.sample(BARRIERS, rng.randint(0, 2))),
                   "pay": rng.choice(PAY + (None,))}
            r = Response(survey_id=survey.id, survey_slug=survey.slug, survey_version=1,
                         token=f"c{seed}-{k}", submitted_on=date(2026, 3, 1),
                         area_level="parish", area_code=code, age_band=rec["age"],
                         record_key=rng.randrange(256))
            r.answers = [Answer(question_id="barriers", value=b) for b in rec["barriers"]]
            if rec["pay"]:
                r.answers.append(Answer(question_id="can_pay", value=rec["pay"]))
            db.session.add(r)
            truth.append(rec)
    db.session.commit()
    return truth


def read_everything(client) -> dict:
    """Every published output about people, as a reader downloads them."""
    out = {"csv": {}, "api": {}}
    out["csv"][(None, None)] = client.get("/results/youth-voice/tables.csv").get_data(True)
    for code in PARISHES:
        out["csv"][(code, None)] = client.get(
            f"/results/youth-voice/tables.csv?area={code}").get_data(True)
        for age in AGES:
            out["csv"][(code, age)] = client.get(
                f"/results/youth-voice/tables.csv?area={code}&age={age}").get_data(True)
    for age in AGES:
        out["csv"][(None, age)] = client.get(
            f"/results/youth-voice/tables.csv?age={age}").get_data(True)
    voice_only = "&".join(f"w_{k}=0" for k in ("deprivation", "rurality", "reach",
                                                "provision", "funding")) + "&w_voice=1"
    for level in ("parish", "ward"):
        for label, extra in (("default", ""), ("voice", "&" + voice_only)):
            resp = client.get(f"/api/v1/gaps?level={level}{extra}")
            assert resp.status_code == 200, resp.get_data(True)
            out["api"][(level, label)] = json.loads(resp.get_data(True))
    out["dashboard"] = client.get("/dashboard").get_data(True)
    out["index"] = client.get("/results").get_data(True)
    return out
