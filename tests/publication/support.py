"""Publishing a snapshot from tests, as the nightly job or an admin would, and
sending answers through the public survey form, as anyone can."""

from __future__ import annotations

from flask import current_app, g

from app.publication import CellKeyMethod, Schedule, publish
from tests.survey.helpers import forget_visitor, good_answers, token_from

# The release model and holds switched off: every cell recomputed at every snapshot
# from everything that arrived, as snapshots were made before issue 29.
UNPROTECTED_OVER_TIME = {"PUBLISH_CELL_MIN_CHANGED": 0, "PUBLISH_CELL_MAX_OPEN": 0,
                         "PUBLISH_BREAKDOWN_MIN": 0, "DISCLOSURE_ZERO_MIN_MARGIN": 0,
                         "SURVEY_HOLD_OPEN_PER_AREA_DAY": 10**6,
                         "SURVEY_HOLD_IDENTICAL": 10**6}


def publish_now(db, **config):
    """Publish a snapshot with the app's settings (``config`` overrides some)."""
    settings = {**current_app.config, **config}
    return publish(db.session, CellKeyMethod.from_config(settings),
                   Schedule.from_config(settings), trigger="test")


def submit(client, area, barriers, *, age="13-15", pay="0", code=None, **more):
    """One answer through the public survey form (or campaign ``code``'s link)."""
    url = "/survey/youth-voice" + (f"/c/{code}" if code else "")
    token = token_from(client.get(url).get_data(as_text=True))
    resp = client.post(url, data=good_answers(token, area=area, barriers=barriers,
                                              age_band=age, can_pay=pay, anything_else=None,
                                              **more))
    assert resp.status_code == 200 and "Thank you" in resp.get_data(as_text=True)


def switch(auth, role):
    """Sign out and in again as ``role`` (the test client keeps one session)."""
    auth.logout()
    forget_visitor()
    g.pop("_login_user", None)
    auth.login_as(role)
