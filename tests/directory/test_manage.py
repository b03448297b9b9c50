"""Commissioner pages: add, edit (audited), close, review list; each field's validation."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from app.models import AuditEvent, Service

from .helpers import make_geography, make_service

VALID = {
    "name": "Ledton Youth Café",
    "organisation": "Ledton Youth Trust",
    "provider_type": "charity",
    "description": "A warm place after school.",
    "service_type": "drop_in",
    "age_min": "11",
    "age_max": "18",
    "cost_model": "per_session",
    "cost_amount": "1.50",
    "place": "postcode",
    "venue_name": "Ledton Hall",
    "address": "1 High Street ,Ledton",
    "postcode": "zz2 2bb",
    "funding_source": "Council grant",
    "funding_end": "2027-03-31",
    "capacity": "30",
    "status": "active",
    "sessions-0-day": "2",
    "sessions-0-start": "16:00",
    "sessions-0-end": "18:00",
    "sessions-0-term_time_only": "y",
    "sessions-1-day": "",
    "sessions-2-day": "",
    "sessions-3-day": "",
}


@pytest.fixture
def commissioner(client, db, auth):
    make_geography(db.session)
    return auth.login_as("commissioner")


def test_add_a_service_places_it_by_postcode_and_audits_it(client, db, commissioner):
    resp = client.post("/directory/manage/new", data=VALID)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    service = db.session.query(Service).one()
    assert (service.postcode, service.x, service.y, service.lsoa_code) == (
        "ZZ2 2BB", 353000, 241000, "E01000002")
    assert service.address == "1 High Street, Ledton"
    assert service.organisation.name == "Ledton Youth Trust"
    assert [(s.day, s.start, s.end, s.term_time_only) for s in service.sessions] == [
        (2, time(16), time(18), True)]
    assert service.last_checked == date.today()
    event = db.session.query(AuditEvent).one()
    assert event.action == "create" and event.after["name"] == "Ledton Youth Café"
    assert event.user_id == commissioner.id


def test_edit_is_audited_with_before_and_after(client, db, commissioner):
    service = make_service(db.session, name="Old Name", cost_model="free")
    page = client.get(f"/directory/manage/{service.id}/edit").get_data(as_text=True)
    assert 'value="Old Name"' in page
    resp = client.post(f"/directory/manage/{service.id}/edit",
                       data={**VALID, "name": "New Name", "cost_model": "weekly",
                             "cost_amount": "5"})
    assert resp.status_code == 302
    event = db.session.query(AuditEvent).filter_by(action="update").one()
    assert event.object_type == "Service" and event.object_id == str(service.id)
    assert event.before["name"] == "Old Name" and event.after["name"] == "New Name"
    assert event.before["cost_model"] == "free" and event.after["cost_model"] == "weekly"
    assert event.before["sessions"][0]["day"] == 0
    assert event.after["sessions"] == [
        {"day": 2, "start": "16:00", "end": "18:00", "term_time_only": True}]
    assert event.actor == commissioner.email


def test_close_and_mark_checked_are_audited(client, db, commissioner):
    service = make_service(db.session, last_checked=date.today() - timedelta(days=400))
    html = client.get("/directory/manage").get_data(as_text=True)
    assert "Not checked for more than 180 days" in html
    review = html.split('id="review"')[1].split('id="all"')[0]
    assert service.name in review
    client.post(f"/directory/manage/{service.id}/checked")
    db.session.refresh(service)
    assert service.last_checked == date.today()
    review = client.get("/directory/manage").get_data(as_text=True).split('id="review"')[1]
    assert service.name not in review.split('id="all"')[0]
    client.post(f"/directory/manage/{service.id}/close")
    db.session.refresh(service)
    assert service.status == "closed"
    actions = [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.id)]
    assert actions == ["checked", "close"]


@pytest.mark.parametrize("app_config", [{"SERVICE_REVIEW_DAYS": 30}])
def test_review_period_is_configurable(client, db, commissioner, app_config):
    make_service(db.session, name="Checked Last Month", last_checked=date.today() - timedelta(40))
    html = client.get("/directory/manage").get_data(as_text=True)
    assert "Not checked for more than 30 days" in html
    assert "Checked Last Month" in html.split('id="review"')[1].split('id="all"')[0]


FIELD_ERRORS = [
    ({"name": ""}, "Enter the name of the service."),
    ({"name": "x" * 201}, "The name must be 200 characters or fewer."),
    ({"organisation": "x" * 201}, "The organisation must be 200 characters or fewer."),
    ({"service_type": "circus"}, "Not a valid choice"),
    ({"age_min": "-1"}, "The youngest age must be between 0 and 30."),
    ({"age_max": "99"}, "The oldest age must be between 0 and 30."),
    ({"age_min": "16", "age_max": "12"}, "The oldest age must not be below the youngest age."),
    ({"age_min": "eleven"}, "The youngest age must be between 0 and 30."),
    ({"age_min": "1e309"}, "The youngest age must be between 0 and 30."),
    ({"cost_model": "daily"}, "Not a valid choice"),
    ({"cost_amount": ""}, "Enter the amount in pounds (per session)."),
    ({"cost_amount": "20000"}, "The amount must be between £0 and £10,000."),
    ({"cost_amount": "lots"}, "The amount must be between £0 and £10,000."),
    ({"cost_amount": "NaN"}, "The amount must be between £0 and £10,000."),
    ({"cost_model": "free", "cost_amount": "3"}, "A free service has no amount"),
    ({"postcode": ""}, "Enter the postcode where it happens"),
    ({"postcode": "ZZ8 8ZZ"}, "We could not find that postcode."),
    ({"place": "point"}, "Enter the latitude of the place."),
    ({"place": "point", "latitude": "40", "longitude": "-2.7"},
     "The latitude must be in Great Britain"),
    ({"place": "point", "latitude": "52", "longitude": "20"},
     "The longitude must be in Great Britain"),
    ({"provider_type": "pirates"}, "Not a valid choice"),
    ({"funding_end": "31/03/2027"}, "Not a valid date value."),
    ({"capacity": "0"}, "Places must be from 1 to 100,000."),
    ({"capacity": "9" * 40}, "Places must be from 1 to 100,000."),
    ({"status": "gone"}, "Not a valid choice"),
    ({"last_checked": (date.today() + timedelta(days=3)).isoformat()},
     "The last-checked date cannot be in the future."),
    ({"sessions-0-end": "15:00"}, "The session must end after it starts."),
    ({"sessions-0-start": ""}, "Enter the time the session starts, like 18:00."),
    ({"sessions-1-start": "10:00"}, "Choose the day of this session, or clear its times."),
    ({"sessions-0-start": "25:00"}, "Not a valid time value."),
]


def test_each_field_is_validated_with_a_clear_message(client, db, commissioner):
    """One bad value at a time: a 400, the message beside the field and in the summary,
    nothing stored and nothing audited."""
    for change, message in FIELD_ERRORS:
        resp = client.post("/directory/manage/new", data={**VALID, **change})
        html = resp.get_data(as_text=True)
        assert resp.status_code == 400, change
        assert message in html, change
        assert "There is a problem" in html  # the error summary
        assert 'class="error-message"' in html
    assert db.session.query(Service).count() == 0
    assert db.session.query(AuditEvent).count() == 0


def test_point_and_no_fixed_place(client, db, commissioner):
    resp = client.post("/directory/manage/new", data={
        **VALID, "place": "point", "postcode": "", "latitude": "52.0567",
        "longitude": "-2.7160"})
    assert resp.status_code == 302
    service = db.session.query(Service).one()
    assert service.postcode is None and 340000 < service.x < 360000
    resp = client.post(f"/directory/manage/{service.id}/edit", data={
        **VALID, "place": "none", "service_type": "detached"})
    assert resp.status_code == 302
    db.session.refresh(service)
    assert service.no_fixed_place and service.x is None and service.lsoa_code is None


def test_only_planners_may_manage(client, db, auth):
    auth.login_as("councillor")
    assert client.get("/directory/manage").status_code == 403
    assert client.post("/directory/manage/new", data=VALID).status_code == 403


def test_each_summary_figure_links_to_its_list(client, db, commissioner):
    """The four figures at the top of the manage page take the commissioner to the list
    they count."""
    make_service(db.session, name="Old Listing", last_checked=date.today() - timedelta(400))
    html = client.get("/directory/manage").get_data(as_text=True)
    stats = html.split('class="summary-stats"')[1].split("</dl>")[0]
    for anchor in ("all", "review", "reports", "funding"):
        assert f'href="#{anchor}"' in stats and f'id="{anchor}"' in html
