"""A hand-built small county where attacks are easiest: two wards of two parishes
each, one parish with only a handful of answers, and its shared reading code."""

from __future__ import annotations

import json
import random
from datetime import date

from tests.county import County

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
    wants to learn).  Each parish is a 2 km square on a row at 250 km north; each
    ward covers its two parishes."""
    county = County(db.session, today=date(2026, 3, 1), token_prefix=f"c{seed}-")
    for code, (name, _ward, x) in PARISHES.items():
        county.parish(code, name, edition="2019", corner=(x, 250000), size=2000)
    for n, (code, name) in enumerate(WARDS.items()):
        county.ward(code, name, edition="2019", corner=(350000 + 4000 * n, 250000),
                    size=(4000, 2000))
    (survey,) = county.load_surveys()
    rng = random.Random(seed)
    truth = []
    for code, size in SIZES.items():
        for _ in range(size):
            rec = {"area": code, "age": rng.choice(AGES),
                   "barriers": sorted(rng.sample(BARRIERS, rng.randint(0, 2))),
                   "pay": rng.choice(PAY + (None,))}
            county.response(survey.slug, code, age_band=rec["age"],
                            record_key=rng.randrange(256),
                            answers={"barriers": rec["barriers"], "can_pay": rec["pay"]})
            truth.append(rec)
    county.commit()
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
