"""The attacker against the demo county: every area level of the gap API and the
survey's results tables, as one integer program.  No count from 1 to 7 and no
hidden value comes out exact."""

from __future__ import annotations

import shapely
from sqlalchemy import select

from app.demo import build_demo
from app.models import Answer, Area, Response
from tests.publication.attacker import Attack, results_csv
from tests.publication.model import AGE_LABELS, ALL_AGES, BARRIER_LABELS

KINDS = ("cost", "transport", "nothing_near")


def _truth(db):
    """What the attacker wants: counts per parish (and age), from the database."""
    t: dict[str, int] = {}
    kinds = {}
    for rid, value in db.session.execute(select(Answer.response_id, Answer.value)
                                         .where(Answer.question_id == "barriers")):
        if value in KINDS:
            kinds.setdefault(rid, set()).add(value)
    for rid, code, age in db.session.execute(select(Response.id, Response.area_code,
                                                    Response.age_band)):
        key = f"n|{code}|{age}"
        t[key] = t.get(key, 0) + 1
        for k in kinds.get(rid, ()):
            t[f"c|{code}|{k}"] = t.get(f"c|{code}|{k}", 0) + 1
    return t


def test_demo_county_gives_no_small_or_hidden_count_away(client, db, auth):
    build_demo(db.session, progress=lambda *_a: None)
    auth.login_as("councillor")
    level = "parish"
    parishes = {a.code: a for a in db.session.scalars(select(Area).where(Area.level == level))}
    names = {a.name: a.code for a in parishes.values()}
    attack = Attack(d=4)
    hidden = []

    def pub(terms, value):
        if not terms:  # the age "Not said" row: every demo answer gave an age band
            assert value in (0, None)
            return
        attack.published(terms, value)
        if value is None:
            hidden.append(frozenset(terms))

    # The survey's tables.  Answers with no area are the "Not said" row.
    codes = [*parishes, None]
    for (table, row, col), value in results_csv(
            client.get("/results/youth-voice/tables.csv").get_data(as_text=True)).items():
        area = None if row == "Not said" else names.get(row)
        if table == "Answers by area" and row != "Total":
            pub([f"n|{area}|{g}" for g in ALL_AGES], value)
        elif table == "Answers by age" and row != "Total":
            pub([f"n|{a}|{AGE_LABELS[row]}" for a in codes if row in AGE_LABELS], value)
        elif table == "Answers by area and age" and "Total" not in (row, col):
            pub([f"n|{area}|{AGE_LABELS[col]}"] if col in AGE_LABELS else [], value)
        elif table.startswith("What stops you") and BARRIER_LABELS.get(row) in KINDS:
            pub([f"c|{a}|{BARRIER_LABELS[row]}" for a in codes], value)
        elif table == "Answers by area" and row == "Total":
            pub([f"n|{a}|{g}" for a in codes for g in ALL_AGES], value)
    for a in codes:
        for k in KINDS:
            attack.relation({f"c|{a}|{k}": 1, **{f"n|{a}|{g}": -1 for g in ALL_AGES}},
                            -10**6, 0)
    # The gap API at every level: each area holds the parishes whose centre lies in it.
    for lv in ("parish", "ward", "lsoa"):
        doc = client.get(f"/api/v1/gaps?level={lv}").get_json()
        shapes = {a.code: a.geometry for a in db.session.scalars(
            select(Area).where(Area.level == lv))}
        for row in doc["areas"]:
            shape = shapes[row["code"]]
            members = [c for c, p in parishes.items()
                       if shape.contains(shapely.Point(p.centroid_x, p.centroid_y))]
            pub([f"n|{a}|{g}" for a in members for g in ALL_AGES], row["responses"])
            for k in KINDS:
                pub([f"c|{a}|{k}" for a in members], row[f"cites_{k}"])
    truth = _truth(db)
    assert attack.consistent(truth), "the attacker's model must hold for the true counts"
    small = [frozenset([k]) for k, v in truth.items() if 1 <= v <= 7]
    # (A hidden 0 implied by a published 0 of a larger group singles nobody out.)
    someone = [h for h in hidden if sum(truth.get(t, 0) for t in h) > 0]
    targets = list(dict.fromkeys(small + someone))
    assert len(hidden) > 30 and len(small) > 30
    recovered = [sorted(terms) for terms in targets if attack.pinned(sorted(terms), truth)]
    assert recovered == []
