"""CSV and GeoJSON: every bad row and column listed, nothing stored; round trips; the CLI."""

from __future__ import annotations

import csv
import io
import json
from datetime import time

from app.directory.io import export_services_csv, import_services_csv
from app.directory.records import COLUMNS, canonical
from app.models import Organisation, Service

from .helpers import make_geography, make_service

HEADER = ",".join(COLUMNS)


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


GOOD = {"name": "Farfield Youth Club", "organisation": "Farfield Village Hall",
        "service_type": "open_access", "cost_model": "free", "postcode": "ZZ3 3CC",
        "sessions": "Mon 18:00-20:00; Thu 19:00-21:00 term-time", "age_min": "11",
        "age_max": "18"}


def test_csv_import_adds_every_row(db):
    make_geography(db.session)
    data = _csv([GOOD, {**GOOD, "name": "Farfield Boxing", "service_type": "Boxing and martial arts",
                        "cost_model": "Per session", "cost_amount": "£3.50",
                        "easting": "354500", "northing": "240500", "postcode": ""}])
    result = import_services_csv(db.session, data)
    assert result.ok and result.created == 2
    db.session.commit()
    club, boxing = db.session.query(Service).order_by(Service.name.desc()).all()
    assert club.lsoa_code == "E01000003" and (club.x, club.y) == (355000, 241000)
    assert [(s.day, s.start, s.term_time_only) for s in club.sessions] == [
        (0, time(18), False), (3, time(19), True)]
    assert boxing.service_type == "boxing_martial_arts" and str(boxing.cost_amount) == "3.50"
    assert boxing.lsoa_code == "E01000003"  # from the point
    assert db.session.query(Organisation).count() == 1


def test_csv_import_lists_every_bad_row_and_column_and_stores_nothing(db):
    make_geography(db.session)
    rows = [
        GOOD,                                                         # row 2: fine
        {**GOOD, "name": "", "cost_model": "daily"},                  # row 3: two problems
        {**GOOD, "postcode": "ZZ8 8ZZ", "age_min": "16", "age_max": "12"},  # row 4
        {**GOOD, "cost_model": "weekly", "sessions": "Funday 10:00-11:00"},  # row 5
        {**GOOD, "funding_end": "31/3/2027", "uniformed": "maybe", "capacity": "-3"},  # row 6
        {**GOOD, "no_fixed_place": "yes"},                            # row 7: postcode too
    ]
    result = import_services_csv(db.session, _csv(rows))
    found = {(p.row, p.column) for p in result.problems}
    assert found == {
        (3, "name"), (3, "cost_model"),
        (4, "postcode"), (4, "age_max"),
        (5, "cost_amount"), (5, "sessions"),
        (6, "funding_end"), (6, "uniformed"), (6, "capacity"),
        (7, "postcode"),
    }
    messages = {(p.row, p.column): p.message for p in result.problems}
    assert messages[(4, "postcode")] == "ZZ8 8ZZ was not found in the postcode directory"
    assert "is required when cost_model is weekly" in messages[(5, "cost_amount")]
    assert "YYYY-MM-DD" in messages[(6, "funding_end")]
    db.session.rollback()
    assert db.session.query(Service).count() == 0
    assert db.session.query(Organisation).count() == 0


def test_csv_header_problems_are_named(db):
    result = import_services_csv(db.session, "name,colour\nA,red\n")
    assert {(p.row, p.column) for p in result.problems} == {
        (1, "colour"), (1, "service_type"), (1, "cost_model")}


def test_csv_round_trip_gives_the_same_directory(db):
    make_geography(db.session)
    make_service(db.session, name="A", organisation="Org One", description="Line one, line two",
                 cost_model="termly", cost_amount=45, concession=True, funding_source="Lottery",
                 provider_type="charity", capacity=20,
                 sessions=[(5, time(10), time(12), True), (1, time(18), time(19, 30), False)])
    make_service(db.session, name="B", no_fixed_place=True, postcode=None, x=None, y=None,
                 lsoa_code=None, service_type="detached", sessions=[])
    make_service(db.session, name="C", postcode=None, x=354321.0, y=240123.0,
                 lsoa_code="E01000003", status="paused")
    services = db.session.query(Service).order_by(Service.id).all()
    before = [canonical(s) | {"organisation_description": ""} for s in services]
    text = export_services_csv(services)
    for s in services:
        db.session.delete(s)
    db.session.commit()
    result = import_services_csv(db.session, text)
    assert result.ok, result.problems
    db.session.commit()
    after = [canonical(s) | {"organisation_description": ""}
             for s in db.session.query(Service).order_by(Service.id)]
    assert after == before


def test_cli_import_reports_file_row_and_column_and_exit_code(db, runner, tmp_path):
    make_geography(db.session)
    bad = tmp_path / "bad.csv"
    bad.write_text(_csv([GOOD, {**GOOD, "cost_model": "monthly"}, {**GOOD, "age_min": "x"}]))
    result = runner.invoke(args=["services", "import", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}: row 3, column cost_amount: is required when cost_model is monthly" in \
        result.output
    assert f"{bad}: row 4, column age_min: must be a whole number" in result.output
    assert db.session.query(Service).count() == 0
    good = tmp_path / "good.csv"
    good.write_text(_csv([GOOD]))
    result = runner.invoke(args=["services", "import", str(good)])
    assert result.exit_code == 0, result.output
    assert "Imported 1 services" in result.output
    out = tmp_path / "out.geojson"
    result = runner.invoke(args=["services", "export", "--format", "geojson", "-o", str(out)])
    assert result.exit_code == 0
    doc = json.loads(out.read_text())
    feature = doc["features"][0]
    assert feature["properties"]["name"] == "Farfield Youth Club"
    lon, lat = feature["geometry"]["coordinates"]
    assert 49 < lat < 61 and -9 < lon < 2


def test_geojson_round_trip(db, runner, tmp_path):
    make_geography(db.session)
    make_service(db.session, name="Geo Club", cost_model="monthly", cost_amount=12)
    out = tmp_path / "s.geojson"
    assert runner.invoke(args=["services", "export", "--format", "geojson", "-o",
                               str(out)]).exit_code == 0
    before = [canonical(s) for s in db.session.query(Service)]
    for s in db.session.query(Service):
        db.session.delete(s)
    db.session.commit()
    result = runner.invoke(args=["services", "import", str(out)])
    assert result.exit_code == 0, result.output
    assert [canonical(s) for s in db.session.query(Service)] == before


def test_web_import_lists_problems(client, db, auth):
    make_geography(db.session)
    auth.login_as("commissioner")
    data = _csv([GOOD, {**GOOD, "name": ""}, {**GOOD, "status": "gone"}])
    resp = client.post("/directory/manage/import", data={
        "file": (io.BytesIO(data.encode()), "services.csv")},
        content_type="multipart/form-data")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "Nothing was imported: 2 problems to fix" in html
    assert "<td>3</td><td>name</td>" in html and "<td>4</td><td>status</td>" in html
    assert db.session.query(Service).count() == 0


def test_a_service_already_listed_or_repeated_in_the_file_is_refused(db):
    make_geography(db.session)
    make_service(db.session, name="Farfield Youth Club", postcode="ZZ3 3CC", x=355000.0,
                 y=241000.0, lsoa_code="E01000003")
    rows = [GOOD, {**GOOD, "name": "Farfield Boxing"}, {**GOOD, "name": "farfield  boxing"},
            {**GOOD, "name": "Farfield Boxing", "postcode": "ZZ2 2BB"}]
    result = import_services_csv(db.session, _csv(rows))
    assert [(p.row, p.column) for p in result.problems] == [(2, "name"), (4, "name")]
    assert "already in the directory at the same place" in result.problems[0].message
    assert result.problems[1].message == "repeats row 3 (same name and place)"
    db.session.rollback()
    assert db.session.query(Service).count() == 1
