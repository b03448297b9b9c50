"""A partner edits its own listings (reviewed, or live if trusted), confirms them,
pauses and closes them, hears about public reports, and cannot reach another
organisation's listings by id, by form or by import."""

from __future__ import annotations

import csv
import io
from datetime import date, time

from app.models import AuditEvent, ListingChange, Service, ServiceReport

from .helpers import form_for, make_stale, two_organisations


def _sessions(service) -> list[tuple]:
    return [(s.day, s.start, s.end) for s in service.sessions]


def test_an_edit_waits_for_review_then_goes_live_with_an_audit_entry(client, auth, db):
    ours, _, mine, _ = two_organisations(db)
    auth.login_as("partner", organisation=ours)
    resp = client.post(f"/partner/listings/{mine.id}/edit",
                       data=form_for(mine, **{"sessions-0-start": "18:30",
                                              "sessions-0-end": "20:30"}))
    assert resp.status_code == 302
    change = db.session.query(ListingChange).one()
    assert change.status == "pending" and change.service_id == mine.id
    db.session.expire_all()
    # Not live yet: the public page still shows the old time.
    assert _sessions(db.session.get(Service, mine.id)) == [(0, time(18), time(20))]
    assert "18:00 to 20:00" in client.get(f"/directory/{mine.id}").get_data(as_text=True)

    auth.login_as("commissioner")
    queue = client.get("/partners/review").get_data(as_text=True)
    assert "Cityton Boxing" in queue and "1 field changed: Sessions" in queue
    detail = client.get(f"/partners/review/{change.id}").get_data(as_text=True)
    assert "Mon 18:00-20:00" in detail and "Mon 18:30-20:30" in detail  # before and after
    resp = client.post(f"/partners/review/{change.id}", data={"decision": "approve"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert _sessions(db.session.get(Service, mine.id)) == [(0, time(18, 30), time(20, 30))]
    assert db.session.get(ListingChange, change.id).status == "approved"
    event = db.session.query(AuditEvent).filter_by(action="approve partner change").one()
    assert event.before["sessions"] == "Mon 18:00-20:00"
    assert event.after["sessions"] == "Mon 18:30-20:30"
    assert event.object_id == str(mine.id)
    assert "18:30 to 20:30" in client.get(f"/directory/{mine.id}").get_data(as_text=True)


def test_a_rejection_reason_reaches_the_partner(client, auth, db):
    ours, _, mine, _ = two_organisations(db)
    partner = auth.login_as("partner", organisation=ours)
    client.post(f"/partner/listings/{mine.id}/edit",
                data=form_for(mine, cost_model="monthly", cost_amount="30"))
    change = db.session.query(ListingChange).one()
    auth.login_as("commissioner")
    empty = client.post(f"/partners/review/{change.id}", data={"decision": "reject"})
    assert empty.status_code == 400 and "Say why" in empty.get_data(as_text=True)
    client.post(f"/partners/review/{change.id}",
                data={"decision": "reject", "reason": "Your website still says <b>free</b>."})
    db.session.expire_all()
    assert db.session.get(Service, mine.id).cost_model == "free"
    with client.session_transaction() as sess:
        sess["_user_id"] = partner.get_id()
    page = client.get("/partner").get_data(as_text=True)
    assert "Not accepted" in page and "Your website still says &lt;b&gt;free&lt;/b&gt;." in page


def test_a_commissioner_can_edit_a_change_before_approving_it(client, auth, db):
    ours, _, mine, _ = two_organisations(db)
    auth.login_as("partner", organisation=ours)
    client.post(f"/partner/listings/{mine.id}/edit",
                data=form_for(mine, cost_model="per_session", cost_amount="3"))
    change = db.session.query(ListingChange).one()
    auth.login_as("commissioner")
    form = client.get(f"/partners/review/{change.id}/edit").get_data(as_text=True)
    assert 'value="3"' in form or 'value="3.00"' in form
    resp = client.post(f"/partners/review/{change.id}/edit",
                       data=form_for(mine, cost_model="per_session", cost_amount="2.50"))
    assert resp.status_code == 302
    db.session.expire_all()
    live = db.session.get(Service, mine.id)
    assert (live.cost_model, str(live.cost_amount)) == ("per_session", "2.50")
    assert db.session.get(ListingChange, change.id).status == "edited"


def test_a_trusted_organisations_edit_is_live_at_once_and_audited(client, auth, db):
    ours, _, mine, _ = two_organisations(db, trusted=True)
    auth.login_as("partner", organisation=ours)
    resp = client.post(f"/partner/listings/{mine.id}/edit",
                       data=form_for(mine, **{"sessions-0-start": "17:00"}))
    assert resp.status_code == 302
    db.session.expire_all()
    assert _sessions(db.session.get(Service, mine.id)) == [(0, time(17), time(20))]
    assert db.session.query(ListingChange).one().status == "live"
    event = db.session.query(AuditEvent).filter_by(action="partner update").one()
    assert event.before["sessions"] == "Mon 18:00-20:00"
    assert event.after["sessions"] == "Mon 17:00-20:00"
    # A new listing from a trusted partner is live too, and is theirs.
    client.post("/partner/listings/new", data=form_for(mine, name="Cityton Girls' Boxing"))
    new = db.session.query(Service).filter_by(name="Cityton Girls' Boxing").one()
    assert new.organisation_id == ours.id and new.provider_type == "volunteer"


def test_another_organisations_listing_cannot_be_reached(client, auth, db):
    ours, theirs, mine, other = two_organisations(db)
    auth.login_as("partner", organisation=ours)
    before = (other.name, other.status, other.last_checked)
    # By id: every partner URL answers 404, as for a listing that does not exist.
    assert client.get(f"/partner/listings/{other.id}/edit").status_code == 404
    assert client.post(f"/partner/listings/{other.id}/edit",
                       data=form_for(other, name="Hijacked")).status_code == 404
    assert client.post(f"/partner/listings/{other.id}/confirm").status_code == 404
    assert client.post(f"/partner/listings/{other.id}/status",
                       data={"status": "closed"}).status_code == 404
    # By form: naming the other organisation in the form changes nothing about whose it is.
    client.post(f"/partner/listings/{mine.id}/edit",
                data=form_for(mine, organisation=theirs.name, description="Gloves provided"))
    change = db.session.query(ListingChange).one()
    assert change.organisation_id == ours.id and change.after["organisation"] == ours.name
    # By import: a row for the other organisation is refused, with its row and column.
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "organisation", "service_type", "cost_model", "postcode"])
    writer.writerow(["Cityton Boxing", "", "sport", "free", "ZZ1 1AA"])
    writer.writerow(["Farfield Drop-in", theirs.name, "drop_in", "free", "ZZ3 3CC"])
    resp = client.post("/partner/import", data={"file": (io.BytesIO(out.getvalue().encode()),
                                                         "ours.csv")})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "<td>3</td><td>organisation</td>" in page and "is not your organisation" in page
    assert db.session.query(ListingChange).count() == 1  # nothing from the file was kept
    db.session.expire_all()
    other = db.session.get(Service, other.id)
    assert (other.name, other.status, other.last_checked) == before
    # The dashboard and the exports show only our listings.
    assert "Farfield Drop-in" not in client.get("/partner").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(client.get("/partner/export.csv")
                                           .get_data(as_text=True))))
    assert [r["name"] for r in rows] == ["Cityton Boxing"]
    doc = client.get("/partner/export.json").get_json()
    assert [s["name"] for s in doc["contents"]] == ["Cityton Boxing"]
    assert doc["contents"][0]["organization"]["name"] == ours.name


def test_a_csv_import_of_own_listings_is_all_or_nothing_and_reviewed(client, auth, db):
    ours, _, mine, _ = two_organisations(db)
    auth.login_as("partner", organisation=ours)
    exported = client.get("/partner/export.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(exported)))
    rows[0]["sessions"] = "Tue 18:00-20:00"
    rows[0].update(easting="", northing="", lsoa_code="")  # placed by its postcode
    new = dict(rows[0], name="Cityton Youth Boxing Squad", sessions="Sat 10:00-12:00")
    bad = dict(rows[0], name="Broken", age_min="nine")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows([rows[0], new, bad])
    resp = client.post("/partner/import", data={"file": (io.BytesIO(out.getvalue().encode()),
                                                         "ours.csv")})
    assert resp.status_code == 400 and "<td>4</td><td>age_min</td>" in resp.get_data(as_text=True)
    assert db.session.query(ListingChange).count() == 0
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows([rows[0], new])
    resp = client.post("/partner/import", data={"file": (io.BytesIO(out.getvalue().encode()),
                                                         "ours.csv")})
    assert resp.status_code == 302
    changes = db.session.query(ListingChange).order_by(ListingChange.id).all()
    assert [(c.kind, c.status, c.service_id) for c in changes] == [
        ("update", "pending", mine.id), ("create", "pending", None)]
    assert changes[0].after["sessions"] == "Tue 18:00-20:00"


def test_still_right_clears_the_stale_flag(client, auth, db):
    ours, _, mine, other = two_organisations(db)
    make_stale(db, mine)
    make_stale(db, other)
    auth.login_as("partner", organisation=ours)
    page = client.get("/partner").get_data(as_text=True)
    assert "Needs confirming" in page and 'id="stale-count">1<' in page
    assert client.post(f"/partner/listings/{mine.id}/confirm").status_code == 302
    page = client.get("/partner").get_data(as_text=True)
    assert "Needs confirming" not in page and 'id="stale-count">0<' in page
    db.session.expire_all()
    assert db.session.get(Service, mine.id).last_checked == date.today()
    assert db.session.query(AuditEvent).filter_by(action="confirm listing").count() == 1
    # The commissioner's dashboard counts what is still stale (the other organisation's).
    auth.login_as("commissioner")
    dash = client.get("/dashboard").get_data(as_text=True)
    assert "<strong>1</strong> listing not confirmed for more than 180 days" in dash


def test_the_check_in_link_confirms_only_that_organisations_listings(client, auth, db):
    import re

    ours, theirs, mine, other = two_organisations(db)
    make_stale(db, mine)
    make_stale(db, other)
    auth.login_as("commissioner")
    page = client.post(f"/partners/organisations/{ours.id}/check-in-link").get_data(as_text=True)
    path = re.search(r'value="http://localhost(/partners/check-in/[^"]+)"', page)[1]
    auth.logout()
    listing = client.get(path).get_data(as_text=True)
    assert "Cityton Boxing" in listing and "Farfield Drop-in" not in listing
    assert client.post(f"{path}/{other.id}").status_code == 404
    assert client.post(f"{path}/{mine.id}").status_code == 302
    db.session.expire_all()
    assert db.session.get(Service, mine.id).last_checked == date.today()
    assert db.session.get(Service, other.id).last_checked < date.today()
    assert client.post(f"/partners/check-in/wrong/{mine.id}").status_code == 404


def test_pause_is_one_click_close_asks_first_and_both_are_live_at_once(client, auth, db):
    ours, _, mine, _ = two_organisations(db)
    auth.login_as("partner", organisation=ours)
    assert client.post(f"/partner/listings/{mine.id}/status",
                       data={"status": "paused"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Service, mine.id).status == "paused"
    assert "This is paused at the moment" in client.get(f"/directory/{mine.id}").get_data(
        as_text=True)
    assert client.post(f"/partner/listings/{mine.id}/status",
                       data={"status": "active"}).status_code == 400
    # Close asks first (a page, no JavaScript needed): straight from the dashboard it
    # only leads to the question.
    resp = client.post(f"/partner/listings/{mine.id}/status", data={"status": "closed"})
    assert resp.status_code == 302 and resp.location.endswith(f"/partner/listings/{mine.id}/close")
    db.session.expire_all()
    assert db.session.get(Service, mine.id).status == "paused"
    question = client.get(resp.location).get_data(as_text=True)
    assert "Close Cityton Boxing?" in question and "council reviews the change" in question
    client.post(f"/partner/listings/{mine.id}/status",
                data={"status": "closed", "confirmed": "yes"})
    db.session.expire_all()
    assert db.session.get(Service, mine.id).status == "closed"
    assert db.session.query(AuditEvent).filter(AuditEvent.action.like("partner %")).count() == 2


def test_a_public_report_of_a_stale_listing_reaches_the_partner(client, auth, db):
    ours, _, mine, other = two_organisations(db)
    client.post(f"/directory/{mine.id}/report", data={"kind": "times",
                                                      "message": "It moved to Tuesdays"})
    client.post(f"/directory/{other.id}/report", data={"kind": "price",
                                                       "message": "It costs £2 now"})
    assert db.session.query(ServiceReport).count() == 2
    auth.login_as("partner", organisation=ours)
    page = client.get("/partner").get_data(as_text=True)
    assert "It moved to Tuesdays" in page and "It costs £2 now" not in page
    mine_report = db.session.query(ServiceReport).filter_by(service_id=mine.id).one()
    theirs_report = db.session.query(ServiceReport).filter_by(service_id=other.id).one()
    assert client.post(f"/partner/reports/{theirs_report.id}/handle",
                       data={"outcome": "done"}).status_code == 404
    assert client.post(f"/partner/reports/{mine_report.id}/handle",
                       data={"outcome": "done"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(ServiceReport, mine_report.id).status == "done"
    assert db.session.get(ServiceReport, theirs_report.id).status == "open"
    # The commissioner still sees the report too, until someone deals with it.
    auth.login_as("commissioner")
    assert "It costs £2 now" in client.get("/directory/manage").get_data(as_text=True)
