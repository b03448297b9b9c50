"""Across the boundary (issue 24): a service just outside the council counts for reach,
is shown as "in a neighbouring area", and is never kept or counted as the council's own.

The county: two LSOAs side by side, Borderton (x 500-510 km, its west edge the council's
border) and Eastham (x 510-520 km).  Borderton's young people live at four postcodes;
its only free club within 30 minutes by bus is Fenmouth Youth Club, 3 km over the
border at (497 km, 251 km).  Eastham has a free club of its own at its east end.
"""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import date, timedelta

import pytest

from app.directory.records import COLUMNS
from app.models import Service
from tests.county import County

BORDERTON, EASTHAM, WARD = "E01000101", "E01000102", "E05000101"
# Borderton's postcodes: (postcode, x, y).
HOMES = [("ZZ1 1AA", 500_500, 251_000), ("ZZ1 1AB", 502_000, 251_000),
         ("ZZ1 1AD", 503_000, 251_500), ("ZZ1 1AE", 508_000, 251_000)]
YOUNG = 100.0  # Borderton's young people (13-19), spread evenly over its postcodes
OUTSIDE_CLUB = (497_000, 251_000)  # 3 km west of the border
ROW = {"name": "Fenmouth Youth Club", "organisation": "Fenmouth Youth Trust",
       "service_type": "open_access", "cost_model": "free", "sessions": "Tue 18:00-20:30",
       "easting": str(OUTSIDE_CLUB[0]), "northing": str(OUTSIDE_CLUB[1]),
       "funding_source": "Fenmouth Town Council", "age_min": "11", "age_max": "18"}


def _figures(n: int) -> dict:
    return {"population_total": 1500, "population_age_13_19": YOUNG if n == 1 else 80,
            "imd_score": 20.0, "idaci_score": 0.1, "imd_decile": 5, "rural": 1.0}


def border_county(session, *, today: date | None = None) -> dict:
    county = County(session, today=today, source="Test source")
    county.lsoa(BORDERTON, "Borderton", bounds=(500_000, 250_000, 510_000, 252_000),
                indicators=_figures(1))
    county.lsoa(EASTHAM, "Eastham", bounds=(510_000, 250_000, 520_000, 252_000),
                indicators=_figures(2))
    county.ward(WARD, "Borderton and Eastham", bounds=(500_000, 250_000, 520_000, 252_000))
    for postcode, x, y in HOMES:
        county.postcode(postcode, x, y, lsoa=BORDERTON)
    county.postcode("ZZ2 2AA", 518_000, 251_000, lsoa=EASTHAM)
    county.postcode("ZZ9 9ZZ", 495_000, 251_000)  # a neighbour's postcode, 5 km out
    county.service("Eastham Youth Club", 519_000, 251_000, key="eastham",
                   service_type="open_access", cost_model="free",
                   sessions=[(2, "18:00", "20:00")], funding_end=timedelta(days=60),
                   funding_source="Council grant", last_checked=timedelta(days=-10))
    return county.commit()


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _upload(client, text: str, filename: str = "neighbours.csv"):
    return client.post("/directory/manage/import", data={
        "file": (io.BytesIO(text.encode()), filename), "submission": "f" * 32},
        content_type="multipart/form-data")


def _reach(client, code: str) -> float:
    api = client.get("/api/v1/gaps?level=lsoa").get_json()
    return {a["code"]: a["reach_share"] for a in api["areas"]}[code]


def _expected_share(services: list[tuple[float, float]]) -> float:
    """By hand: a home is reached when the straight line to a club, 1.3 times longer
    by road, takes at most 30 minutes at 18 km/h (docs/GAPS_REACH.md); each of the
    four homes holds a quarter of Borderton's young people."""
    reached = sum(1 for _, hx, hy in HOMES
                  if any(math.hypot(hx - sx, hy - sy) * 1.3 / (18_000 / 60) <= 30
                         for sx, sy in services))
    return reached * (YOUNG / len(HOMES)) / YOUNG


def test_a_club_3_km_over_the_border_reaches_the_border_village(client, auth, db):
    ids = border_county(db.session)
    auth.login_as("commissioner")
    assert _reach(client, BORDERTON) == 0.0
    resp = _upload(client, _csv([ROW]))
    assert resp.status_code == 302, resp.get_data(as_text=True)
    club = db.session.query(Service).filter_by(name="Fenmouth Youth Club").one()
    assert club.outside_council is True
    assert db.session.get(Service, ids["eastham"]).outside_council is False
    expected = _expected_share([OUTSIDE_CLUB, (519_000, 251_000)])
    assert expected == 0.75  # three homes within 6.9 km of Fenmouth, the fourth 11 km
    assert _reach(client, BORDERTON) == pytest.approx(expected)
    # The gap map and the ward report name it as a neighbour's service.
    assert "Fenmouth Youth Club (in a neighbouring area" in client.get(
        "/map?level=lsoa").get_data(as_text=True)
    assert "Fenmouth Youth Club (in a neighbouring area)" in client.get(
        f"/ward/{WARD}").get_data(as_text=True)


def test_a_service_40_km_outside_is_refused_naming_file_row_and_column(client, auth, db,
                                                                     runner, tmp_path):
    border_county(db.session)
    auth.login_as("commissioner")
    far = {**ROW, "name": "Far Away Club", "easting": "460000"}  # 40 km west of the border
    resp = _upload(client, _csv([ROW, far]), filename="neighbours.csv")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "in neighbours.csv" in html
    assert "<tr><td>3</td><td>easting</td><td>easting and northing are 40.0 km" in html
    assert "40.0 km from the council&#39;s area" in html and "within 15 km" in html
    assert db.session.query(Service).count() == 1  # nothing imported, not even row 2
    # The command line says the same, as FILE: row N, column C.
    path = tmp_path / "far.csv"
    path.write_text(_csv([ROW, far]))
    out = runner.invoke(args=["services", "import", str(path)])
    assert out.exit_code == 1
    assert f"{path}: row 3, column easting: easting and northing are 40.0 km" in out.output
    # A GeoJSON point names its geometry.
    geo = {"type": "FeatureCollection", "features": [{
        "type": "Feature", "geometry": {"type": "Point", "coordinates": [0.9, 52.0]},
        "properties": {k: v for k, v in far.items() if k not in ("easting", "northing")}}]}
    resp = _upload(client, json.dumps(geo), filename="far.geojson")
    assert resp.status_code == 400
    assert "<tr><td>feature 1</td><td>geometry</td><td>easting and northing are" in \
        resp.get_data(as_text=True)


def test_the_limit_is_a_setting(client, auth, db, app):
    border_county(db.session)
    auth.login_as("commissioner")
    app.config["OUTSIDE_SERVICE_MAX_KM"] = 2.0
    resp = _upload(client, _csv([ROW]))
    assert resp.status_code == 400 and "within 2 km" in resp.get_data(as_text=True)
    app.config["OUTSIDE_SERVICE_MAX_KM"] = 50.0
    far = {**ROW, "name": "Far Away Club", "easting": "460000"}
    assert _upload(client, _csv([far])).status_code == 302
    assert db.session.query(Service).filter_by(name="Far Away Club").one().outside_council


def test_staff_cannot_edit_an_outside_service_and_it_is_listed_apart(client, auth, db):
    ids = border_county(db.session)
    auth.login_as("commissioner")
    assert _upload(client, _csv([ROW])).status_code == 302
    club = db.session.query(Service).filter_by(name="Fenmouth Youth Club").one()
    edit = f"/directory/manage/{club.id}/edit"
    page = client.get(edit)
    assert page.status_code == 403
    assert "is in a neighbouring area" in page.get_data(as_text=True)
    assert "import it again" in page.get_data(as_text=True)
    sent = client.post(edit, data={"name": "Renamed", "service_type": "sport",
                                   "cost_model": "free", "place": "none"})
    assert sent.status_code == 403
    assert client.post(f"/directory/manage/{club.id}/checked").status_code == 403
    db.session.expire_all()
    assert db.session.get(Service, club.id).name == "Fenmouth Youth Club"
    # The council's own service is still edited as before.
    assert client.get(f"/directory/manage/{ids['eastham']}/edit").status_code == 200
    # The list: the council's own services and, apart, the neighbours'.
    html = client.get("/directory/manage").get_data(as_text=True)
    own, neighbours = html.split('id="neighbours"')
    assert "Fenmouth Youth Club" not in own and "Fenmouth Youth Club" in neighbours
    assert edit not in html
    assert "<dt><a href=\"#all\">Services listed</a></dt><dd>1</dd>" in own
    # The staff form does not add one: error beside the place.
    new = client.post("/directory/manage/new", data={
        "name": "Over the line", "service_type": "sport", "cost_model": "free",
        "place": "point", "latitude": "52.0", "longitude": "0.9", "status": "active"})
    assert new.status_code == 400
    assert "more than 15 km outside the council" in new.get_data(as_text=True)
    near = client.post("/directory/manage/new", data={
        "name": "Over the line", "service_type": "sport", "cost_model": "free",
        "place": "postcode", "postcode": "ZZ9 9ZZ", "status": "active"})
    assert near.status_code == 400
    assert "added by importing a file" in near.get_data(as_text=True)
    assert db.session.query(Service).count() == 2


def test_it_is_not_counted_as_the_council_s_provision(client, auth, db):
    border_county(db.session)
    auth.login_as("commissioner")
    soon = (date.today() + timedelta(days=45)).isoformat()
    assert _upload(client, _csv([{**ROW, "funding_end": soon}])).status_code == 302
    # Funding cliff, the directory's "funding ends within a year" and the dashboard.
    cliff = client.get("/planning/funding-cliff").get_data(as_text=True)
    assert "Eastham Youth Club" in cliff and "Fenmouth Youth Club" not in cliff
    manage = client.get("/directory/manage").get_data(as_text=True)
    ending = manage.split('id="funding"')[1].split('id="all"')[0]
    assert "Eastham Youth Club" in ending and "Fenmouth" not in ending
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "<dt>Open youth services in the directory</dt><dd>1</dd>" in dashboard
    # But the public find it, labelled.
    found = client.get("/directory?near=ZZ1+1AA").get_data(as_text=True)
    item = found.split("Fenmouth Youth Club</a></h3>")[1].split("</li>")[0]
    assert "In a neighbouring area" in item
    assert "In a neighbouring area" not in found.split("Eastham Youth Club</a></h3>")[1] \
        .split("</li>")[0]
    assert "Fenmouth Youth Club (in a neighbouring area)" in found  # the results map
    club = db.session.query(Service).filter_by(name="Fenmouth Youth Club").one()
    assert "In a neighbouring area" in client.get(f"/directory/{club.id}").get_data(
        as_text=True)


@pytest.mark.parametrize("fmt", ["csv", "geojson", "json"])
def test_export_and_import_again_keep_the_mark(client, auth, db, fmt):
    border_county(db.session)
    auth.login_as("commissioner")
    assert _upload(client, _csv([ROW])).status_code == 302
    body = client.get(f"/directory/export.{fmt}").get_data(as_text=True)
    if fmt == "csv":
        marks = {r["name"]: r["outside_council"] for r in csv.DictReader(io.StringIO(body))}
        assert marks == {"Eastham Youth Club": "no", "Fenmouth Youth Club": "yes"}
    elif fmt == "geojson":
        marks = {f["properties"]["name"]: f["properties"]["outside_council"]
                 for f in json.loads(body)["features"]}
        assert marks == {"Eastham Youth Club": "no", "Fenmouth Youth Club": "yes"}
    else:
        marks = {s["name"]: s["yvm:outside_council"] for s in json.loads(body)["contents"]}
        assert marks == {"Eastham Youth Club": False, "Fenmouth Youth Club": True}
    db.session.query(Service).delete()
    db.session.commit()
    assert _upload(client, body, filename=f"directory.{fmt}").status_code == 302
    assert {s.name: s.outside_council for s in db.session.query(Service)} == {
        "Eastham Youth Club": False, "Fenmouth Youth Club": True}


def test_importing_it_again_refreshes_or_closes_it(client, auth, db):
    border_county(db.session)
    auth.login_as("commissioner")
    assert _upload(client, _csv([ROW])).status_code == 302
    club_id = db.session.query(Service).filter_by(name="Fenmouth Youth Club").one().id
    again = _upload(client, _csv([{**ROW, "sessions": "Thu 19:00-21:00", "status": "closed"}]))
    assert again.status_code == 302
    db.session.expire_all()
    club = db.session.query(Service).filter_by(name="Fenmouth Youth Club").one()
    assert club.id == club_id and club.status == "closed"
    assert [(s.day, s.start.hour) for s in club.sessions] == [(3, 19)]
    assert db.session.query(Service).count() == 2
    # The council's own service is never overwritten by a file.
    own = {**ROW, "name": "Eastham Youth Club", "easting": "519000", "northing": "251000"}
    refused = _upload(client, _csv([own]))
    assert refused.status_code == 400
    assert "already in the directory" in refused.get_data(as_text=True)


def test_the_demo_puts_two_services_just_over_its_border(db):
    from app.demo import DemoContext
    from app.demo import outside as demo_outside
    from app.geodata.council_area import distance_outside

    from .demo_geo import make_demo_geography

    make_demo_geography(db.session)
    ctx = DemoContext(seed=7)
    ctx.info["geography"] = {"villages": [{"name": "Stonyford", "x": 361_000, "y": 201_000},
                                          {"name": "Upper Farfield", "x": 331_000,
                                           "y": 201_000}]}
    assert demo_outside.build(db.session, ctx) == 2
    db.session.commit()
    placed = db.session.query(Service).order_by(Service.id).all()
    assert [s.name for s in placed] == ["Fenmouth Youth Club", "Saltgate Drop-in"]
    for s in placed:
        assert s.outside_council and s.status == "active"
        # 3 km beyond the edge nearest its village (1 km from the village's centre).
        assert distance_outside(db.session, s.x, s.y) == pytest.approx(3_000, abs=1)
