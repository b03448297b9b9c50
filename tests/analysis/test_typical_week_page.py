"""The travel data page (issue 23): commissioners set the least time to change
buses on the compute form, it reaches the computation (a different margin is a
different job), and the page says which dates' timetables the journeys used."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from sqlalchemy import select

from app.models import AuditEvent

# The travel data page's county with roads and buses, jobs run at once: the journeys
# job test's own fixtures.
from tests.planning.test_journeys_job import app_config, county, text  # noqa: E402,F401
from tests.polling import poll

from .test_typical_week import GOV_UK


def start(client, **data) -> str:
    r = client.post("/planning/travel/journeys", data={"limit": "90", **data})
    assert r.status_code == 303, r.status_code
    return r.headers["Location"]


def finish(client, job_url: str) -> None:
    state = poll(lambda: (s := client.get(job_url + ".json").get_json())["done"] and s,
                 what="the journeys job")
    assert state["state"] == "finished"


def test_the_change_margin_is_set_on_the_form_and_the_dates_are_named(client, auth, db,
                                                                     county):  # noqa: F811
    auth.login_as("commissioner")
    page = text(client.get("/planning/travel"))
    assert "Least time to change buses, minutes" in page
    assert re.search(r'name="min_change"[^>]*value="3"', page)  # JOURNEY_MIN_CHANGE_MIN

    bad = client.post("/planning/travel/journeys", data={"limit": "90", "min_change": "45"})
    assert bad.status_code == 400 and "Between 0 and 30 minutes" in text(bad)

    tight = start(client, min_change="1")
    finish(client, tight)
    db.session.expire_all()
    event = db.session.scalars(select(AuditEvent)
                               .where(AuditEvent.action == "compute journeys")).one()
    assert "1.0" in str(event.after) and "min_change_min" in str(event.after)
    assert start(client, min_change="3") != tight  # another margin: another computation

    page = text(client.get("/planning/travel"))
    said = re.search(r'id="timetable-days">([^<]*)<', page).group(1)
    assert said.startswith("Bus journeys use a typical week&#39;s timetable")
    # The hand-built county's sessions are on Tuesdays and Thursdays: each named
    # date falls on its weekday, in or after this week, and is no bank holiday.
    holidays = {h for year in GOV_UK.values() for h in year}
    monday = date.today() - timedelta(days=date.today().weekday())
    named = re.findall(r"(Tuesday|Thursday) (\d+ \w+ \d{4})", said)
    assert [n for n, _ in named] == ["Tuesday", "Thursday"]
    for name, when in named:
        day = datetime.strptime(when, "%d %B %Y").date()
        assert day.strftime("%A") == name and day >= monday
        assert day.isoformat() not in holidays
