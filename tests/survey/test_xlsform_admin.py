"""The admin's survey page: each version downloaded as an XLSForm, an XLSForm uploaded as a
survey version (all or nothing, audited), problems shown beside the field."""

from __future__ import annotations

from io import BytesIO

from sqlalchemy import select

from app.models import AuditEvent, Survey
from app.survey.store import sync_definitions
from tests.survey.xlsform_helpers import SURVEY, sheet_rows, workbook


def _upload(client, data: bytes, name: str = "clubs.xlsx"):
    return client.post("/admin/surveys", data={"xlsform": (BytesIO(data), name)},
                       content_type="multipart/form-data", follow_redirects=True)


def test_an_admin_downloads_a_version_as_an_xlsform(client, db, auth):
    sync_definitions(db.session)
    survey = db.session.scalars(select(Survey).where(Survey.slug == "youth-voice")).one()
    auth.login_as("admin")
    page = client.get("/admin/surveys").get_data(as_text=True)
    link = f"/admin/surveys/{survey.id}/xlsform.xlsx"
    assert f'href="{link}"' in page and "Download as XLSForm" in page
    resp = client.get(link)
    assert resp.status_code == 200
    assert resp.headers["Content-Disposition"] == "attachment; filename=youth-voice-v1.xlsx"
    rows = sheet_rows(resp.data, "survey")
    assert ("area", "select_one_from_file areas.csv") in [(r["name"], r["type"]) for r in rows]
    assert sheet_rows(resp.data, "settings")[0]["form_id"] == "youth-voice"
    assert client.get("/admin/surveys/999999/xlsform.xlsx").status_code == 404
    auth.logout()
    auth.login_as("commissioner")
    assert client.get(link).status_code == 403


def test_an_uploaded_xlsform_becomes_a_survey_version_and_is_audited(client, db, auth):
    auth.login_as("admin")
    resp = _upload(client, workbook())
    assert resp.status_code == 200
    assert "Survey clubs, version 3: loaded from clubs.xlsx." in resp.get_data(as_text=True)
    row = db.session.scalars(select(Survey).where(Survey.slug == "clubs")).one()
    assert (row.version, row.is_current, row.title) == (3, True, "Clubs near you")
    event = db.session.scalars(select(AuditEvent)
                               .where(AuditEvent.action == "survey.import_xlsform")).one()
    assert event.note == "clubs.xlsx: clubs version 3"


def test_a_bad_upload_is_refused_beside_the_field_and_stores_nothing(client, db, auth):
    auth.login_as("admin")
    bad = workbook([*SURVEY, ["text", "why", "Again?"]])
    resp = _upload(client, bad)
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    message = ("clubs.xlsx: survey sheet, row 6, column name: the name &#39;why&#39; is "
               "already used in row 5")
    assert 'class="error-summary"' in html and f'<a href="#xlsform">{message}</a>' in html
    assert f'id="xlsform-error"><span class="visually-hidden">Error:</span> {message}' in html
    assert "<title>Error: Surveys" in html
    not_xlsx = _upload(client, b"<html>not a spreadsheet</html>", "form.xlsx")
    assert "form.xlsx: the file is not an .xlsx workbook" in not_xlsx.get_data(as_text=True)
    none = client.post("/admin/surveys", data={}, content_type="multipart/form-data")
    assert none.status_code == 400
    assert "Choose an XLSForm .xlsx file to upload" in none.get_data(as_text=True)
    assert db.session.scalars(select(Survey).where(Survey.slug == "clubs")).all() == []
    assert db.session.scalars(select(AuditEvent)
                              .where(AuditEvent.action == "survey.import_xlsform")).all() == []
