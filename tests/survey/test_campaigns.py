"""Campaigns from the DfE schools list, QR codes, and all-or-nothing imports."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from app.models import Campaign
from tests.conftest import HEREFORDSHIRE

GIAS = HEREFORDSHIRE / "schools_gias_2025_herefordshire.csv"
needs_gias = pytest.mark.skipif(not GIAS.exists(), reason="shared data not present")


def _count(db):
    return db.session.scalar(select(func.count()).select_from(Campaign))


@needs_gias
def test_cli_makes_one_campaign_per_secondary_school_and_is_idempotent(runner, db):
    runner.invoke(args=["surveys", "load"])
    result = runner.invoke(args=["surveys", "campaigns-from-gias", str(GIAS)])
    assert result.exit_code == 0, result.output
    # Herefordshire: 13 secondary, 1 all-through, 3 sixteen-plus, 18 special/other.
    assert "35 school campaigns added, 0 updated" in result.output
    camp = db.session.scalars(select(Campaign).where(Campaign.school_urn == "116883")).first() \
        or db.session.scalars(select(Campaign)).first()
    assert camp.kind == "school" and camp.pupils and camp.area_code
    again = runner.invoke(args=["surveys", "campaigns-from-gias", str(GIAS)])
    assert "0 school campaigns added, 35 updated" in again.output
    assert _count(db) == 35
    every = runner.invoke(args=["surveys", "campaigns-from-gias", str(GIAS), "--all-phases"])
    assert "78 school campaigns added, 35 updated" in every.output


@needs_gias
def test_a_bad_row_names_file_row_and_column_and_changes_nothing(runner, db, tmp_path):
    runner.invoke(args=["surveys", "load"])
    lines = GIAS.read_text().splitlines()
    header = lines[0].split(",")
    col = header.index("number_of_pupils")
    bad_line = None
    for n, line in enumerate(lines[1:], start=2):
        if ",Secondary," in line and n > 20:
            bad_line = n
            break
    rows = list(lines)
    import csv

    parsed = list(csv.reader(io.StringIO(rows[bad_line - 1])))[0]
    parsed[col] = "lots"
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(parsed)
    rows[bad_line - 1] = out.getvalue()
    path = tmp_path / "schools.csv"
    path.write_text("\n".join(rows) + "\n")
    result = runner.invoke(args=["surveys", "campaigns-from-gias", str(path)])
    assert result.exit_code != 0
    assert f"schools.csv: row {bad_line}, column number_of_pupils: 'lots' is not a number" \
        in result.output
    assert _count(db) == 0


def test_missing_columns_are_named(runner, db, tmp_path):
    runner.invoke(args=["surveys", "load"])
    path = tmp_path / "other.csv"
    path.write_text("urn,name\n123456,A school\n")
    result = runner.invoke(args=["surveys", "campaigns-from-gias", str(path)])
    assert result.exit_code != 0
    assert "missing column(s) establishment_name, education_phase, number_of_pupils" \
        in result.output


@needs_gias
def test_admin_page_uploads_gias_and_serves_qr_codes(client, db, auth):
    client.get("/survey/youth-voice")  # loads the survey definitions
    from tests.survey.helpers import forget_visitor

    forget_visitor()
    auth.login_as("commissioner")
    resp = client.post("/results/youth-voice/campaigns", data={
        "action": "gias", "phase": ["16 plus"],
        "gias": (io.BytesIO(GIAS.read_bytes()), "gias.csv")},
        content_type="multipart/form-data")
    assert resp.status_code == 302
    assert _count(db) == 3
    page = client.get("/results/youth-voice/campaigns").get_data(as_text=True)
    code = db.session.scalars(select(Campaign)).first().code
    assert f"/survey/youth-voice/c/{code}" in page
    png = client.get(f"/results/youth-voice/campaigns/{code}/qr.png")
    assert png.status_code == 200 and png.data[:8] == b"\x89PNG\r\n\x1a\n"
    svg = client.get(f"/results/youth-voice/campaigns/{code}/qr.svg")
    assert svg.status_code == 200 and b"<svg" in svg.data
    # One more by hand; an empty name is refused beside the field.
    bad = client.post("/results/youth-voice/campaigns", data={"action": "add", "name": ""})
    assert bad.status_code == 400 and "Enter a name" in bad.get_data(as_text=True)
    ok = client.post("/results/youth-voice/campaigns",
                     data={"action": "add", "name": "Ledbury skate jam", "kind": "event"})
    assert ok.status_code == 302 and _count(db) == 4


def test_councillors_cannot_manage_campaigns(client, db, auth):
    client.get("/survey/youth-voice")
    from tests.survey.helpers import forget_visitor

    forget_visitor()
    auth.login_as("councillor")
    assert client.get("/results/youth-voice/campaigns").status_code == 403


def test_campaign_page_refusals_store_nothing_and_an_added_link_is_audited(client, db, auth):
    from app.models import AuditEvent

    client.get("/survey/youth-voice")
    from tests.survey.helpers import forget_visitor

    forget_visitor()
    auth.login_as("commissioner")
    url = "/results/youth-voice/campaigns"
    assert client.post(url, data={"action": "delete-everything"}).status_code == 400
    assert client.post(url, data={"action": "add", "name": "x" * 201}).status_code == 400
    assert client.post(url, data={"action": "add", "name": "Fair", "kind": "party"}).status_code == 400
    latin1 = client.post(url, data={"action": "gias", "phase": ["Secondary"],
                                    "gias": (io.BytesIO("urn,établissement\n".encode("latin-1")),
                                             "schools.csv")},
                         content_type="multipart/form-data")
    assert latin1.status_code == 400
    assert "schools.csv: is not a UTF-8 CSV file" in latin1.get_data(as_text=True)
    no_file = client.post(url, data={"action": "gias"}, content_type="multipart/form-data")
    assert "Choose the schools CSV file" in no_file.get_data(as_text=True)
    assert _count(db) == 0
    assert client.post("/results/no-such-survey/campaigns",
                       data={"action": "add", "name": "Fair"}).status_code == 404
    assert _count(db) == 0

    ok = client.post(url, data={"action": "add", "name": "  Ross youth bus ", "kind": "club"})
    assert ok.status_code == 302
    camp = db.session.scalars(select(Campaign)).one()
    assert (camp.name, camp.kind, camp.survey_slug) == ("Ross youth bus", "club", "youth-voice")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "create")).one()
    assert event.after["code"] == camp.code and event.after["id"] == camp.id
    assert "Campaign &#39;Ross youth bus&#39; added." in client.get(url).get_data(as_text=True)
    qr = f"/results/youth-voice/campaigns/{camp.code}/qr"
    assert client.get(qr + ".gif").status_code == 404
    assert client.get("/results/youth-voice/campaigns/nope234/qr.png").status_code == 404
    assert client.get(qr + ".svg").status_code == 200
