"""Council buildings: register, edit (audited), import all-or-nothing, map layer."""

from __future__ import annotations

import io

from app.models import AuditEvent, Building


def _upload(client, text):
    return client.post("/directory/buildings/import",
                       data={"file": (io.BytesIO(text.encode()), "buildings.csv")},
                       content_type="multipart/form-data")


def test_add_edit_and_show_buildings(client, db, auth):
    auth.login_as("commissioner")
    resp = client.post("/directory/buildings/new", data={
        "name": "Old Library", "uprn": "100012345678", "easting": "351000",
        "northing": "240000", "kind": "former library", "notes": "Needs heating"})
    assert resp.status_code == 302
    building = db.session.query(Building).one()
    resp = client.post(f"/directory/buildings/{building.id}/edit", data={
        "name": "The Old Library", "uprn": "100012345678", "easting": "351000",
        "northing": "240000", "kind": "former library"})
    assert resp.status_code == 302
    event = db.session.query(AuditEvent).filter_by(action="update").one()
    assert event.before["name"] == "Old Library" and event.after["name"] == "The Old Library"
    html = client.get("/directory/buildings").get_data(as_text=True)
    assert "The Old Library" in html and "folium-map" in html
    layer = client.get("/directory/buildings.geojson").get_json()
    lon, lat = layer["features"][0]["geometry"]["coordinates"]
    assert 51 < lat < 53 and -3.5 < lon < -2
    assert layer["features"][0]["properties"]["uprn"] == "100012345678"


def test_building_form_errors(client, db, auth):
    auth.login_as("admin")
    resp = client.post("/directory/buildings/new", data={
        "name": "", "uprn": "12AB", "easting": "9999999", "northing": "1"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "Enter the building&#39;s name." in html
    assert "The UPRN must be digits only" in html
    assert "must be a place in Great Britain" in html
    assert db.session.query(Building).count() == 0


def test_import_is_all_or_nothing_and_updates_by_uprn(client, db, auth):
    auth.login_as("commissioner")
    good = ("name,uprn,easting,northing,kind,notes\n"
            "Hall A,1001,351000,240000,village hall,\n"
            "Library B,1002,352000,241000,library,Open late\n")
    assert _upload(client, good).status_code == 302
    assert db.session.query(Building).count() == 2
    bad = ("name,uprn,easting,northing,kind,notes\n"
           "Hall A renamed,1001,351000,240000,village hall,\n"
           ",1003,abc,240000,,\n"
           "Depot,1001,351500,240500,depot,\n")
    resp = _upload(client, bad)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "<td>3</td><td>name</td>" in html and "<td>3</td><td>easting</td>" in html
    assert "<td>4</td><td>uprn</td><td>repeats row 2</td>" in html
    assert {b.name for b in db.session.query(Building)} == {"Hall A", "Library B"}
    update = "name,uprn,latitude,longitude\nHall A renamed,1001,52.05,-2.71\n"
    assert _upload(client, update).status_code == 302
    assert {b.name for b in db.session.query(Building)} == {"Hall A renamed", "Library B"}


def test_councillors_see_buildings_but_cannot_change_them(client, db, auth):
    auth.login_as("councillor")
    assert client.get("/directory/buildings").status_code == 200
    assert client.get("/directory/buildings/new").status_code == 403
