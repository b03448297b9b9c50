"""The campaign table lists the least-heard schools first, from published figures only."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from app.models import Campaign, Response, Survey
from app.survey.store import sync_definitions
from app.survey.tables import Table, sort_campaign_table
from tests.publication.support import publish_now
from tests.survey.helpers import make_geography


def _table():
    rows = ["Alpha High", "Beacon Academy", "Castle School", "Dale College", "Eden Club",
            "Fern School", "No campaign link"]
    values = [40, None, 0, 10, 25, None, 100]
    extra = {"Alpha High": {"pupils": 400, "rate": 10},
             "Beacon Academy": {"pupils": 300, "rate": None},
             "Castle School": {"pupils": 200, "rate": 0},
             "Dale College": {"pupils": 1000, "rate": 1},
             "Eden Club": {"pupils": None, "rate": None},
             "Fern School": {"pupils": 900, "rate": None}}
    return Table("campaign", "By campaign", rows, values, 175, extra=extra)


def test_least_heard_first_by_default_and_no_link_last():
    t = _table()
    assert sort_campaign_table(t, "nonsense") == "least-heard"
    assert t.rows == ["Castle School", "Fern School", "Beacon Academy", "Dale College",
                      "Alpha High", "Eden Club", "No campaign link"]
    # Values move with their rows.
    assert t.values == [0, None, None, 10, 40, 25, 100]


def test_other_sorts():
    t = _table()
    sort_campaign_table(t, "answers")
    assert t.rows[:4] == ["Alpha High", "Eden Club", "Dale College", "Castle School"]
    assert t.rows[-1] == "No campaign link"
    sort_campaign_table(t, "pupils")
    assert t.rows[:3] == ["Dale College", "Fern School", "Alpha High"]
    sort_campaign_table(t, "name")
    assert t.rows == sorted(t.rows[:-1]) + ["No campaign link"]


def test_results_page_lists_the_least_heard_school_first(client, db, auth):
    make_geography(db)
    sync_definitions(db.session)
    survey = db.session.scalars(select(Survey)).one()
    heard = Campaign(survey_slug="youth-voice", code="aaa2345", name="Aardvark High",
                     kind="school", pupils=100)
    quiet = Campaign(survey_slug="youth-voice", code="zzz2345", name="Zebra High",
                     kind="school", pupils=900)
    db.session.add_all([heard, quiet])
    db.session.flush()
    for k in range(60):
        camp = heard.id if k < 30 else quiet.id if k < 50 else None
        db.session.add(Response(survey_id=survey.id, survey_slug="youth-voice",
                                survey_version=1, token=f"s{k}", submitted_on=date(2026, 3, 1),
                                age_band="13-15", campaign_id=camp,
                                record_key=(k * 97) % 256))
    db.session.commit()
    publish_now(db)
    auth.login_as("councillor")
    html = client.get("/results/youth-voice").get_data(as_text=True)
    section = html[html.index('id="t-campaign"'):]
    # Zebra: 20 answers from 900 pupils (2 per 100) is heard less than Aardvark (30 per 100).
    assert section.index("Zebra High") < section.index("Aardvark High")
    assert re.search(r'<strong aria-current="true">Least heard first</strong>', section)
    html = client.get("/results/youth-voice?sort=name").get_data(as_text=True)
    section = html[html.index('id="t-campaign"'):]
    assert section.index("Aardvark High") < section.index("Zebra High")
