"""The demo county's answers: deterministic, following the geography, with a few flags."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import delete, func, select

from app.demo import DemoContext
from app.demo import responses as demo_responses
from app.models import Answer, Campaign, Response, SafeguardingFlag
from tests.survey.helpers import make_geography


def _summary(db):
    rows = db.session.execute(select(Response.token, Response.area_code, Response.age_band,
                                     Answer.question_id, Answer.value)
                              .join(Answer).order_by(Response.token, Answer.question_id,
                                                     Answer.value)).all()
    return [tuple(r) for r in rows]


def test_demo_answers_follow_deprivation_and_rurality(db):
    make_geography(db, with_indicators=True)
    ctx = DemoContext(seed=5)
    demo_responses.build(db.session, ctx)
    db.session.commit()
    n = db.session.scalar(select(func.count()).select_from(Response))
    assert n == 1500
    flags = db.session.scalars(select(SafeguardingFlag)).all()
    assert 3 <= len(flags) <= 10
    assert all(f.response.flagged for f in flags)
    assert db.session.scalar(select(func.count()).select_from(Campaign)) >= 4
    assert db.session.scalar(select(func.count()).select_from(Response)
                             .where(Response.campaign_id.is_not(None))) > 50

    def share(area, value):
        total = db.session.scalar(select(func.count()).select_from(Response)
                                  .where(Response.area_code == area))
        hits = db.session.scalar(select(func.count()).select_from(Answer).join(Response)
                                 .where(Response.area_code == area,
                                        Answer.question_id == "barriers", Answer.value == value))
        return hits / total

    # E04000001: least deprived and urban; E04000003: most deprived and most rural.
    assert share("E04000003", "cost") > share("E04000001", "cost") + 0.15
    assert share("E04000003", "transport") > share("E04000001", "transport") + 0.2
    ages = Counter(db.session.scalars(select(Response.age_band)))
    assert ages["13-15"] > ages["18-19"] > 0
    # No free text from under-13s.
    assert not db.session.scalar(select(func.count()).select_from(Answer).join(Response).where(
        Response.age_band == "11-12", Answer.is_free_text.is_(True)))


def test_demo_answers_are_deterministic(db):
    make_geography(db, with_indicators=True)
    ctx = DemoContext(seed=9, info={"survey_responses_wanted": 300})
    demo_responses.build(db.session, ctx)
    db.session.commit()
    first = _summary(db)
    for model in (SafeguardingFlag, Answer, Response, Campaign):
        db.session.execute(delete(model))
    db.session.commit()
    demo_responses.build(db.session, DemoContext(seed=9, info={"survey_responses_wanted": 300}))
    db.session.commit()
    assert len(first) > 3000
    assert _summary(db) == first
