"""Contact and joining: phone, email, website, how to join, booking, what to bring and
SEND notes, in the forms, every file format and on the public page; the Local Offer
link; the warning on a listing nobody has checked for a year."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from app.config import ConfigError, load_config
from app.demo import DemoContext
from app.demo import directory as demo_directory
from app.directory import openreferral
from app.directory.io import (
    export_services_csv,
    export_services_geojson,
    import_services_csv,
    import_services_geojson,
)
from app.directory.openreferral_import import import_openreferral
from app.directory.records import canonical
from app.directory.values import stale_warning
from app.models import ListingChange, Service

from ..conftest import OPENREFERRAL
from ..partners.helpers import form_for, two_organisations
from .demo_geo import make_demo_geography
from .helpers import make_geography, make_service
from .test_import_export import GOOD, _csv
from .test_manage import VALID

CONTACT = {"phone": "01632 960123", "email": "hello@example.org",
           "website": "https://example.org/juniors", "joining": "drop_in",
           "how_to_join": "Just turn up; a parent fills in a form on the first night.",
           "what_to_bring": "Trainers", "send_notes": "Quiet room; 1:1 support on request."}


@pytest.fixture
def app_config():
    return {"LOCAL_OFFER_URL": "https://www.example.gov.uk/localoffer"}


def test_the_staff_form_keeps_contact_details(client, db, auth):
    make_geography(db.session)
    auth.login_as("commissioner")
    resp = client.post("/directory/manage/new", data={**VALID, **CONTACT})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    service = db.session.query(Service).one()
    assert {k: getattr(service, k) for k in CONTACT} == CONTACT
    form = client.get(f"/directory/manage/{service.id}/edit").get_data(as_text=True)
    assert 'value="01632 960123"' in form and "Quiet room; 1:1 support" in form


@pytest.mark.parametrize("field,value,message", [
    ("website", "javascript:alert(1)", "The web address must start with https://"),
    ("website", "https://exa mple.org", "The web address must not contain spaces"),
    ("email", "hello at example", "The email address must be an email address like"),
    ("email", "a@b.org\" onmouseover=\"x", "The email address must be an email address like"),
    ("phone", "call us", "The phone number must be a phone number like"),
    ("phone", "12", "The phone number must be a phone number like"),
])
def test_a_bad_contact_is_refused_beside_its_field(client, db, auth, field, value, message):
    make_geography(db.session)
    auth.login_as("commissioner")
    resp = client.post("/directory/manage/new", data={**VALID, field: value})
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert f'<p class="error-message" id="{field}-error">' in html and message in html
    assert f'href="#{field}"' in html  # the summary links to the field
    assert db.session.query(Service).count() == 0


def test_csv_and_geojson_carry_contact_details_and_refuse_bad_ones(db):
    make_geography(db.session)
    result = import_services_csv(db.session, _csv([{**GOOD, **CONTACT}]))
    assert result.ok, result.problems
    service = db.session.query(Service).one()
    assert {k: getattr(service, k) for k in CONTACT} == CONTACT
    text = export_services_csv([service])
    assert "01632 960123" in text and "https://example.org/juniors" in text
    doc = export_services_geojson([service])
    assert doc["features"][0]["properties"]["email"] == "hello@example.org"
    db.session.rollback()
    bad = {**GOOD, "website": "javascript:alert(1)", "email": "nope", "joining": "maybe"}
    result = import_services_csv(db.session, _csv([bad]))
    assert {(p.row, p.column) for p in result.problems} == {
        (2, "website"), (2, "email"), (2, "joining")}
    geo = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": None, "properties": {**GOOD, "phone": "ring us"}}]}
    result = import_services_geojson(db.session, json.dumps(geo))
    assert [(p.row, p.column) for p in result.problems] == [("feature 1", "phone")]
    assert db.session.query(Service).count() == 0


def test_open_referral_uses_hsds_contact_fields_validates_and_round_trips(db):
    make_geography(db.session)
    service = make_service(db.session, **CONTACT)
    doc = openreferral.export_directory([service], scope="abcd1234")
    item = doc["contents"][0]
    assert item["url"] == CONTACT["website"] and item["email"] == CONTACT["email"]
    assert item["phones"][0]["number"] == CONTACT["phone"]
    assert item["application_process"] == CONTACT["how_to_join"]
    assert item["yvm:joining"] == "drop_in" and item["yvm:send_notes"] == CONTACT["send_notes"]
    assert openreferral.validation_errors(doc, OPENREFERRAL / "schema") == []
    before = canonical(service)
    db.session.delete(service)
    db.session.commit()
    result = import_openreferral(db.session, json.dumps(doc))
    assert result.ok, result.problems
    assert canonical(db.session.query(Service).one()) == before
    db.session.rollback()
    item["url"] = "javascript:alert(1)"
    result = import_openreferral(db.session, json.dumps(doc))
    assert [p.column for p in result.problems] == ["website"]


def test_the_public_page_says_how_to_contact_and_join(client, db):
    make_geography(db.session)
    service = make_service(db.session, **CONTACT)
    html = client.get(f"/directory/{service.id}").get_data(as_text=True)
    assert '<a class="contact-phone" href="tel:01632960123">01632 960123</a>' in html
    assert 'href="mailto:hello@example.org"' in html
    assert 'href="https://example.org/juniors"' in html
    assert "Drop in: just turn up" in html and "Trainers" in html
    assert '<span class="tag tag-green">Drop in</span>' in client.get("/directory").get_data(
        as_text=True)
    assert 'href="https://www.example.gov.uk/localoffer"' in html and "Quiet room" in html
    bare = make_service(db.session, name="Quiet Club", organisation="Quiet Trust")
    html = client.get(f"/directory/{bare.id}").get_data(as_text=True)
    assert "No contact details yet: ask Quiet Trust" in html


def test_hostile_text_is_escaped_on_the_page(client, db):
    make_geography(db.session)
    service = make_service(db.session, how_to_join="<script>alert(1)</script>",
                           what_to_bring='"><img src=x onerror=alert(1)>')
    html = client.get(f"/directory/{service.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_listing_unchecked_for_a_year_warns_before_you_go(client, db):
    make_geography(db.session)
    today = date.today()
    old = make_service(db.session, name="Old Club", last_checked=today - timedelta(days=490))
    make_service(db.session, name="Fresh Club")
    listing = client.get("/directory").get_data(as_text=True)
    months = stale_warning(old.last_checked)
    assert months.startswith(("Last checked 16 months ago", "Last checked 15 months ago"))
    assert listing.count(": call before you go.") == 1 and months in listing
    assert months in client.get(f"/directory/{old.id}").get_data(as_text=True)
    assert stale_warning(today - timedelta(days=364), today) is None
    assert stale_warning(date(2024, 1, 10), date(2025, 5, 10)) == \
        "Last checked 16 months ago: call before you go."
    assert stale_warning(date(2022, 1, 10), date(2025, 5, 10)) == \
        "Last checked 3 years ago: call before you go."
    assert stale_warning(None, today) == "Not checked yet: call before you go."


def test_a_partner_sends_contact_details_for_review(client, db, auth):
    ours, _, mine, _ = two_organisations(db)
    auth.login_as("partner", organisation=ours)
    resp = client.post(f"/partner/listings/{mine.id}/edit", data=form_for(mine, **CONTACT))
    assert resp.status_code == 302
    change = db.session.query(ListingChange).one()
    assert {k: change.after[k] for k in CONTACT} == CONTACT
    resp = client.post(f"/partner/listings/{mine.id}/edit",
                       data=form_for(mine, website="javascript:alert(1)"))
    assert resp.status_code == 400
    assert "The web address must start with https://" in resp.get_data(as_text=True)


def test_every_demo_service_says_how_to_reach_it_and_join(db):
    make_demo_geography(db.session)
    demo_directory.build(db.session, DemoContext(seed=7))
    db.session.commit()
    services = db.session.query(Service).all()
    assert all(s.phone and s.email and s.how_to_join and s.joining for s in services)
    detached = next(s for s in services if s.name == "Countywide Detached Youth Team")
    assert detached.phone.startswith("01632 960") and "Text or call" in detached.how_to_join
    doc = openreferral.export_directory(services, scope="abcd1234")
    assert openreferral.validation_errors(doc, OPENREFERRAL / "schema") == []
    assert all(item.get("phones") and item.get("email") for item in doc["contents"])


def test_a_local_offer_that_is_not_a_web_address_stops_the_app():
    with pytest.raises(ConfigError, match="LOCAL_OFFER_URL must start with https://"):
        load_config({"APP_ENV": "testing", "LOCAL_OFFER_URL": "javascript:alert(1)"})
