"""The public directory: search, filters, near a postcode, the service page, reports."""

from __future__ import annotations

from datetime import time

from app.models import ServiceReport

from ..foundation.test_access import external_refs
from .helpers import make_geography, make_service


def _names(resp) -> list[str]:
    import re

    html = resp.get_data(as_text=True)
    return re.findall(r'<h3 class="heading-s"><a href="/directory/\d+[^"]*">([^<]+)</a>', html)


def _setup(db):
    make_geography(db.session)
    make_service(db.session, name="Cityton Drop-in", service_type="drop_in")
    make_service(db.session, name="Marketbury Boxing", service_type="boxing_martial_arts",
                 cost_model="per_session", cost_amount=4, postcode="ZZ2 2BB", x=353000.0,
                 y=241000.0, lsoa_code="E01000002", sessions=[(2, time(19), time(21), False)])
    make_service(db.session, name="Farfield Scouts", service_type="uniformed", uniformed=True,
                 cost_model="termly", cost_amount=45, postcode="ZZ3 3CC", x=355000.0,
                 y=241000.0, lsoa_code="E01000003", age_min=10, age_max=14,
                 sessions=[(4, time(18, 30), time(20), True)])
    make_service(db.session, name="Closed Club", status="closed")
    make_service(db.session, name="Online Art Club", service_type="online", postcode=None,
                 x=None, y=None, lsoa_code=None, no_fixed_place=True, cost_model="monthly",
                 cost_amount=5, sessions=[])


def test_directory_lists_active_services_only(client, db):
    _setup(db)
    names = _names(client.get("/directory"))
    assert "Closed Club" not in names
    assert set(names) == {"Cityton Drop-in", "Marketbury Boxing", "Farfield Scouts",
                          "Online Art Club"}


def test_near_a_postcode_sorts_by_distance_and_shows_it(client, db):
    _setup(db)
    resp = client.get("/directory?near=zz3+3cc")
    assert resp.status_code == 200
    names = _names(resp)
    assert names[:3] == ["Farfield Scouts", "Marketbury Boxing", "Cityton Drop-in"]
    assert names[-1] == "Online Art Club"  # no fixed place: after the placed ones
    html = resp.get_data(as_text=True)
    assert "0.0 miles (0.0 km) away" in html and "1.2 miles (2.0 km) away" in html
    assert "nearest ZZ3 3CC first" in html


def test_near_an_area_name(client, db):
    _setup(db)
    names = _names(client.get("/directory?near=farfield"))
    assert names[0] == "Farfield Scouts"


def test_unknown_postcode_and_bad_filters_are_explained(client, db):
    _setup(db)
    resp = client.get("/directory?near=ZZ8+8ZZ&age=200&max_cost=lots")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "We could not find the postcode ZZ8 8ZZ" in html
    assert "Enter an age between 5 and 30." in html
    assert "Enter the most you would pay a month as a number" in html
    # A terminated postcode is not a place any more.
    assert "could not find the postcode ZZ9 9ZZ" in client.get(
        "/directory?near=ZZ9 9ZZ").get_data(as_text=True)


def test_filters_free_type_day_age_cost_and_not_uniformed(client, db):
    _setup(db)
    assert set(_names(client.get("/directory?free=1"))) == {"Cityton Drop-in"}
    assert _names(client.get("/directory?type=uniformed")) == ["Farfield Scouts"]
    assert _names(client.get("/directory?day=2")) == ["Marketbury Boxing"]
    assert "Farfield Scouts" not in _names(client.get("/directory?age=16"))
    assert "Farfield Scouts" not in _names(client.get("/directory?not_uniformed=1"))
    # Boxing: £4 x 52 / 12 = £17.33 a month; Scouts: £45 x 3 / 12 = £11.25; online £5.
    under_12 = set(_names(client.get("/directory?max_cost=12")))
    assert under_12 == {"Cityton Drop-in", "Farfield Scouts", "Online Art Club"}
    assert set(_names(client.get("/directory?q=boxing"))) == {"Marketbury Boxing"}


def test_service_page_shows_cost_times_place_and_map(client, db):
    _setup(db)
    service = make_service(db.session, name="Ledton Music", service_type="arts_music",
                           cost_model="weekly", cost_amount=6, concession=True,
                           venue_name="Ledton Hall", address="1 High Street, Ledton",
                           sessions=[(1, time(17), time(19), True)])
    resp = client.get(f"/directory/{service.id}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "£6.00 a week" in html and "about £19.50 a month" in html
    assert "Tuesday 17:00 to 19:00 (term time only)" in html
    assert "concession or bursary" in html
    assert "Ledton Hall" in html and "ZZ1 1AA" in html
    assert "folium-map" in html and "/vendor/leaflet/leaflet.js" in html
    assert external_refs(html) == []
    # The inline map script carries this response's CSP nonce.
    nonce = resp.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in html
    assert client.get("/directory/99999").status_code == 404


def test_anonymous_report_reaches_the_commissioner_queue(client, db, auth):
    _setup(db)
    service = make_service(db.session, name="Report Me Club")
    resp = client.post(f"/directory/{service.id}/report",
                       data={"kind": "price", "message": "It is £2 a session now"},
                       headers={"User-Agent": "Mozilla/5.0 test-agent"},
                       environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert resp.status_code == 302
    row = db.session.query(ServiceReport).one()
    assert (row.kind, row.message, row.status) == ("price", "It is £2 a session now", "open")
    # Nothing identifying is kept anywhere on the row.
    stored = " ".join(str(getattr(row, c.key)) for c in row.__table__.columns)
    assert "203.0.113.9" not in stored and "test-agent" not in stored
    auth.login_as("commissioner")
    html = client.get("/directory/manage").get_data(as_text=True)
    assert "Report Me Club" in html and "The price has changed" in html
    assert "It is £2 a session now" in html
    resp = client.post(f"/directory/manage/reports/{row.id}/handle", data={"outcome": "done"})
    assert resp.status_code == 302
    db.session.refresh(row)
    assert row.status == "done" and row.handled_by is not None
    assert "It is £2 a session now" not in client.get("/directory/manage").get_data(as_text=True)


def test_report_without_a_kind_is_refused_with_a_reason(client, db):
    _setup(db)
    service = make_service(db.session, name="Report Me Club")
    resp = client.post(f"/directory/{service.id}/report", data={"message": "hmm"})
    assert resp.status_code == 400
    assert "Choose what is wrong with this listing." in resp.get_data(as_text=True)
    assert db.session.query(ServiceReport).count() == 0


def test_results_are_paged_twenty_at_a_time_with_or_without_a_place(client, db):
    make_geography(db.session)
    for i in range(25):
        make_service(db.session, name=f"Club {i:02d}", sessions=[])
    for query in ("", "near=ZZ1+1AA&"):
        first = _names(client.get(f"/directory?{query}"))
        second = _names(client.get(f"/directory?{query}page=2"))
        assert len(first) == 20 and len(second) == 5
        assert sorted(first + second) == [f"Club {i:02d}" for i in range(25)]
        assert _names(client.get(f"/directory?{query}page=99")) == second
    assert "25 activities" in client.get("/directory").get_data(as_text=True)
