"""The admin's survey page: versions listed, open and close dates set, validated, audited."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from app.models import AuditEvent, Response, Survey
from app.survey.store import sync_definitions
from tests.survey.helpers import good_answers, make_geography, token_from

URL = "/survey/youth-voice"


def _survey(db):
    sync_definitions(db.session)
    return db.session.scalars(select(Survey).where(Survey.slug == "youth-voice")).one()


def test_only_admins_can_see_the_survey_page(client, db, auth):
    _survey(db)
    assert client.get("/admin/surveys").status_code in (302, 401, 403)
    auth.login_as("councillor")
    assert client.get("/admin/surveys").status_code == 403
    auth.logout()
    auth.login_as("admin")
    html = client.get("/admin/surveys").get_data(as_text=True)
    assert "youth-voice" in html and "(current)" in html and "Change dates" in html
    assert 'href="/admin/surveys"' in client.get("/results").get_data(as_text=True)


def test_close_before_open_is_refused_beside_the_field(client, db, auth):
    survey = _survey(db)
    auth.login_as("admin")
    resp = client.post(f"/admin/surveys/{survey.id}",
                       data={"opens_on": "2026-09-10", "closes_on": "2026-09-01"})
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "The close date must be on or after the open date" in html
    assert 'id="closes_on-error"' in html and "There is a problem" in html
    resp = client.post(f"/admin/surveys/{survey.id}",
                       data={"opens_on": "10/09/2026", "closes_on": ""})
    assert "Enter the open date as year-month-day" in resp.get_data(as_text=True)
    assert "Not a valid date value" not in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Survey, survey.id).opens_on == date(2026, 1, 1)  # unchanged
    assert db.session.scalar(select(AuditEvent.id).where(
        AuditEvent.action == "survey.dates")) is None


def test_admin_dates_close_the_survey_win_over_the_file_and_are_audited(client, db, auth):
    survey = _survey(db)
    auth.login_as("admin")
    closed_on = date.today() - timedelta(days=2)
    resp = client.post(f"/admin/surveys/{survey.id}",
                       data={"opens_on": "2025-01-01", "closes_on": closed_on.isoformat()})
    assert resp.status_code == 302
    auth.logout()

    page = client.get(URL).get_data(as_text=True)
    assert "This survey has closed" in page
    make_geography(db)
    client.post(URL, data=good_answers("whatever"))
    assert db.session.scalar(select(func.count(Response.id))) == 0

    # Loading the files again keeps the admin's dates.
    sync_definitions(db.session)
    db.session.expire_all()
    row = db.session.get(Survey, survey.id)
    assert (row.opens_on, row.closes_on) == (date(2025, 1, 1), closed_on)
    assert "This survey has closed" in client.get(URL).get_data(as_text=True)

    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "survey.dates")).one()
    assert event.before == {"opens_on": "2026-01-01", "closes_on": None}
    assert event.after == {"opens_on": "2025-01-01", "closes_on": closed_on.isoformat()}

    # Opening it again (no close date) lets young people answer.
    auth.login_as("admin")
    client.post(f"/admin/surveys/{survey.id}", data={"opens_on": "2025-01-01", "closes_on": ""})
    auth.logout()
    page = client.get(URL).get_data(as_text=True)
    assert "This survey has closed" not in page
    client.post(URL, data=good_answers(token_from(page)))
    assert db.session.scalar(select(func.count(Response.id))) == 1
