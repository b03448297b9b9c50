"""The blank survey and thank-you pages are rendered once and shared by anonymous
visitors: each visitor still gets their own tokens, staff still see their own
navigation, a waiting message still shows, and an edit still reaches the page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.models import Area, Response, Survey
from tests.survey.helpers import good_answers, make_geography, token_from

URL = "/survey/youth-voice"


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def geo(db):
    make_geography(db)


def _csrf(html):
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert found, "no CSRF token on the form"
    return found.group(1)


def _count(db):
    return db.session.scalar(select(func.count()).select_from(Response))


def test_every_visitor_gets_their_own_tokens_and_each_can_send(app, db, geo):
    clients = [app.test_client() for _ in range(3)]
    pages = [c.get(URL).get_data(as_text=True) for c in clients]
    tokens = [token_from(p) for p in pages]
    csrfs = [_csrf(p) for p in pages]
    assert len(set(tokens)) == 3 and len(set(csrfs)) == 3
    # Apart from the tokens, the pages are the same page.
    blank = {re.sub(r'(name="(?:csrf|submission)_token" type="hidden" value=")[^"]*"', r'\1"', p)
             for p in pages}
    assert len(blank) == 1
    for c, token, csrf in zip(clients, tokens, csrfs, strict=True):
        resp = c.post(URL, data=good_answers(token, csrf_token=csrf))
        assert resp.status_code == 200 and "Thank you" in resp.get_data(as_text=True)
    assert _count(db) == 3
    # Another visitor's CSRF token does not work with my session.
    other = app.test_client()
    other.get(URL)
    resp = other.post(URL, data=good_answers(token_from(other.get(URL).get_data(as_text=True)),
                                             csrf_token=csrfs[0]))
    assert resp.status_code == 400 and _count(db) == 3


def test_staff_see_their_own_navigation_and_young_people_never_do(app, db, geo, auth):
    young = app.test_client()
    assert "Staff sign in" in young.get(URL).get_data(as_text=True)  # shared copy made
    auth.login_as("admin")
    staff_page = auth.client.get(URL).get_data(as_text=True)
    assert "Sign out" in staff_page and "Accounts" in staff_page
    again = young.get(URL).get_data(as_text=True)
    assert "Sign out" not in again and "Accounts" not in again
    assert "Staff sign in" in again


def test_a_waiting_message_still_shows(app, client, db, geo):
    client.get(URL)  # the shared copy exists
    with client.session_transaction() as sess:
        sess["_flashes"] = [("message", "You have signed out.")]
    assert "You have signed out." in client.get(URL).get_data(as_text=True)
    assert "You have signed out." not in client.get(URL).get_data(as_text=True)


def test_new_areas_reach_the_shared_page_at_once(app, client, db, geo):
    import shapely

    assert "Dilwyn" not in client.get(URL).get_data(as_text=True)
    area = Area(code="E04000009", name="Dilwyn", level="parish", edition="2019")
    area.geometry = shapely.box(360000, 250000, 362000, 252000)
    db.session.add(area)
    db.session.commit()
    assert "Dilwyn" in client.get(URL).get_data(as_text=True)


def test_every_change_to_a_survey_row_raises_its_revision(db, geo, client):
    client.get(URL)  # loads the definitions
    survey = db.session.scalars(select(Survey)).one()
    first = survey.revision
    survey.title = "Have your say about youth clubs"
    db.session.commit()
    assert survey.revision == first + 1
    assert "Have your say about youth clubs" in client.get(URL).get_data(as_text=True)


class TestRecheckInterval:
    @pytest.fixture
    def app_config(self):
        return {"SURVEY_RECHECK_SECONDS": 5}

    def test_an_edit_reaches_every_server_within_the_interval(self, app, client, db, geo,
                                                             monkeypatch):
        import app.survey.service as service

        now = [1000.0]
        monkeypatch.setattr(service.time, "monotonic", lambda: now[0])
        assert "Send my answers" in client.get(URL).get_data(as_text=True)
        survey = db.session.scalars(select(Survey)).one()
        survey.definition = {**survey.definition, "opens_on": "2020-01-01",
                             "closes_on": "2020-01-31"}
        db.session.commit()
        now[0] += 2  # within the interval this server has not looked again
        assert "Send my answers" in client.get(URL).get_data(as_text=True)
        now[0] += 4  # past it: the survey has closed here too
        html = client.get(URL).get_data(as_text=True)
        assert "has closed" in html and "Send my answers" not in html
