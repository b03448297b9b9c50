"""Every figure a snapshot stores, pinned by a digest.

Why digests committed here: publishing was made faster (issue 28: the survey
tables' cells counted with arrays over the survey's answers instead of a list of
people per cell), and that must not change a single published figure, nor the
release model's bookkeeping, on any county.  The digests below were computed
with the code *before* that change (7 December 2026) on two fixed counties: the
small county of the attack tests, over two snapshots (the second after answers
through a campaign link and the open link, so some cells are kept and some worked
out again), and the demo county (its first snapshot, made when its template is
built, and a second after 40 more answers).  A change that moves any stored value
changes a digest: if a change is *meant* to move figures, it is a change of
method (docs/DISCLOSURE.md), not of speed, and the digests are recomputed with it.
"""

from __future__ import annotations

import hashlib
import json
import random
from datetime import date

import numpy as np
from sqlalchemy import select

from app.models import Answer, Campaign, PublishedFigure, ReleaseState, Response
from tests.county import County
from tests.publication.county import PARISHES, build
from tests.publication.support import publish_now

ASTON, BODENHAM, CLEE, DORSTONE = PARISHES

SMALL = ("3c6c636544a5aec0", "b8163f71222250a7")
DEMO = ("adfd3a1b4e8f6f81", "34418328d185e530")


def digest(session, snapshot_id: int) -> str:
    """sha256 of every figure stored with the snapshot and of its release state."""
    rows = session.execute(select(PublishedFigure.dataset, PublishedFigure.key,
                                  PublishedFigure.payload)
                           .where(PublishedFigure.snapshot_id == snapshot_id)).all()
    state = session.scalar(select(ReleaseState.cells)
                           .where(ReleaseState.snapshot_id == snapshot_id))
    text = json.dumps([sorted([d, k, p] for d, k, p in rows), state], sort_keys=True,
                      default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def test_the_small_county_publishes_the_same_figures(db):
    build(db, 7)
    db.session.add(Campaign(survey_slug="youth-voice", code="bod2345", name="Bodenham School",
                            kind="school", pupils=300, area_code=BODENHAM))
    db.session.commit()
    first = publish_now(db)
    campaign = db.session.scalar(select(Campaign.id))
    county = County(db.session, today=date(2026, 3, 9), token_prefix="more-")
    rng = random.Random(3)
    for k in range(30):  # 18 through the school's link, 12 through the open link
        area = (BODENHAM, CLEE, DORSTONE, ASTON)[k % 4] if k % 5 else BODENHAM
        county.response("youth-voice", area, age_band=("11-12", "13-15", "16-17")[k % 3],
                        record_key=rng.randrange(256),
                        answers={"barriers": sorted(rng.sample(
                            ["cost", "transport", "nothing_near", "time"], rng.randint(0, 3))),
                                 "can_pay": ("0", "1-2", "3-5", "6+")[k % 4]},
                        campaign_id=campaign if k < 18 else None,
                        review=None if k < 18 else "counted")
    county.commit()
    second = publish_now(db)
    assert (digest(db.session, first.id), digest(db.session, second.id)) == SMALL


def test_the_demo_county_publishes_the_same_figures(db, demo_county):
    # Its own copy of the demo: the test adds answers and publishes.
    first = db.session.scalar(select(ReleaseState.snapshot_id))
    rng = random.Random(5)
    ids = db.session.scalars(select(Response.id).where(Response.review.is_(None))
                             .order_by(Response.id)).all()
    for k in range(40):  # copies of demo answers, as bench/release_cost.py adds a week
        src = db.session.get(Response, rng.choice(ids))
        copy = Response(survey_id=src.survey_id, survey_slug=src.survey_slug,
                        survey_version=src.survey_version, token=f"digest-{k}",
                        submitted_on=src.submitted_on, area_level=src.area_level,
                        area_code=src.area_code, age_band=src.age_band,
                        campaign_id=src.campaign_id, record_key=rng.randrange(256),
                        review="counted" if k % 2 else None)
        copy.answers = [Answer(question_id=a.question_id, value=a.value)
                        for a in db.session.scalars(select(Answer).where(
                            Answer.response_id == src.id, Answer.is_free_text.is_(False))
                            .order_by(Answer.id))]
        db.session.add(copy)
    db.session.commit()
    second = publish_now(db)
    assert (digest(db.session, first), digest(db.session, second.id)) == DEMO


def test_a_cell_of_masks_is_the_cell_of_its_people():
    """The release model decides a cell given as a mask over a survey's arrays
    (``Selection``) exactly as the same people given one by one, first and later."""
    from app.disclosure import DisclosureRule
    from app.publication import CellKeyMethod
    from app.publication.cohort import Cohort
    from app.publication.release import Member, Releaser, ReleaseRule

    rng = random.Random(11)
    records = [{"id": i, "record_key": rng.randrange(256), "open": rng.random() < 0.4,
                "area_code": rng.choice(["A", "B", None]), "age_band": rng.choice(["x", "y"]),
                "campaign_id": rng.choice([1, 2, None])} for i in range(1, 301)]
    answers = [(r["id"], "q", v) for r in records for v in rng.sample("abc", rng.randint(0, 2))]
    cohort = Cohort(records, answers)
    method, rule = CellKeyMethod(DisclosureRule()), ReleaseRule()
    first_list, first_mask = (Releaser(method, rule, None, 200) for _ in range(2))
    later_list, later_mask = (Releaser(method, rule, {}, 300) for _ in range(2))
    masks = []
    for n in range(400):  # the first snapshot read through response 200
        mask = np.array([rng.random() < rng.choice([0.01, 0.05, 0.3]) for _ in records])
        mask &= cohort.ids <= 200
        masks.append(mask)
        members = [Member(r["id"], r["record_key"], r["open"])
                   for r, m in zip(records, mask, strict=True) if m]
        assert first_list.cell(f"c{n}", members, 20) == first_mask.cell(
            f"c{n}", cohort.where(mask), 20)
    for rel in (later_list, later_mask):
        rel.previous = dict(first_list.state)
    for n in range(400):  # some people joined (some through the open link), some left
        mask = masks[n].copy()
        mask[rng.sample(range(len(records)), rng.randint(0, 30))] ^= True
        members = [Member(r["id"], r["record_key"], r["open"])
                   for r, m in zip(records, mask, strict=True) if m]
        assert later_list.cell(f"c{n}", members, 20) == later_mask.cell(
            f"c{n}", cohort.where(mask), 20)
    assert later_list.state == later_mask.state and later_list.kept == later_mask.kept > 0
    chose = [r["id"] for r in records if any(a == (r["id"], "q", "a") for a in answers)]
    assert cohort.ids[cohort.chose("q", "a")].tolist() == chose
