"""A big directory file is imported as a background job: the commissioner follows
its progress, then sees the outcome; a file sent twice is imported once; a bad
file stores nothing and lists every problem, and the job finishes first time
(never failed and retried on the same bytes)."""

from __future__ import annotations

import io
import json
import re

import pytest

from app import jobs
from app.models import AuditEvent, Service
from tests.polling import poll
from tests.trust.sweep import table_counts
from tests.trust.test_upload_corpus import hsds_with

from .helpers import make_geography
from .test_import_export import GOOD, _csv


@pytest.fixture
def app_config():
    return {"JOBS_IMPORT_BYTES": 0}  # every file counts as big


@pytest.fixture
def commissioner(app, client, db, auth):
    make_geography(db.session)
    auth.login_as("commissioner")
    yield
    app.extensions["yvm_jobs"].stop()


def _form_token(client) -> str:
    """The submission token of a freshly shown import form."""
    html = client.get("/directory/manage/import").get_data(as_text=True)
    return re.search(r'name="submission" type="hidden" value="([0-9a-f]{32})"', html).group(1)


def _upload(client, text: str, submission: str | None = None, filename: str = "services.csv"):
    return client.post("/directory/manage/import", data={
        "file": (io.BytesIO(text.encode()), filename),
        "submission": submission if submission is not None else _form_token(client)},
        content_type="multipart/form-data")


def _follow(client, response) -> dict:
    assert response.status_code == 303 and response.headers["Location"].startswith("/jobs/")
    job = response.headers["Location"]
    state = poll(lambda: (s := client.get(job + ".json").get_json())["done"] and s,
                 what="the import job")
    assert state["state"] == "finished"
    return state


def test_a_big_file_is_imported_once_in_the_background(client, db, commissioner):
    text = _csv([GOOD, {**GOOD, "name": "Farfield Boxing"}])
    token = _form_token(client)
    first = _upload(client, text, token)
    again = _upload(client, text, token)  # a second click, done or not yet: the same job
    assert again.headers["Location"] == first.headers["Location"]
    state = _follow(client, first)
    # Sent once more after it finished (back button, resubmit): still the same job.
    assert _upload(client, text, token).headers["Location"] == first.headers["Location"]
    outcome = client.get(state["ready_url"], follow_redirects=True)
    assert "Imported 2 services." in outcome.get_data(as_text=True)
    db.session.expire_all()
    assert sorted(s.name for s in db.session.query(Service)) == [
        "Farfield Boxing", "Farfield Youth Club"]
    notes = [e.note for e in db.session.query(AuditEvent).filter_by(action="import")]
    assert notes == ["2 services from services.csv"]


def test_a_bad_big_file_stores_nothing_and_lists_every_problem(client, db, commissioner):
    state = _follow(client, _upload(client, _csv([GOOD, {**GOOD, "name": ""},
                                                  {**GOOD, "status": "gone"}])))
    page = client.get(state["ready_url"])
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and "Nothing was imported: 2 problems to fix" in html
    assert "<td>3</td><td>name</td>" in html and "<td>4</td><td>status</td>" in html
    db.session.expire_all()
    assert db.session.query(Service).count() == 0
    assert db.session.query(AuditEvent).filter_by(action="import").count() == 0


def _bad_open_referral_job(client, db) -> tuple[dict, str]:
    """A page of Open Referral services, one with its organization as text (a 500, or a
    job failed three times, before issue 30): (the job's state, its outcome page)."""
    before = table_counts(db)
    page = {"contents": [hsds_with(("name",), f"Club {n}") for n in range(40)]
            + [hsds_with(("organization",), "Cityton Youth Trust")]}
    response = _upload(client, json.dumps(page), filename="other-council.json")
    state = _follow(client, response)
    job = jobs.status(response.headers["Location"].removeprefix("/jobs/"))
    assert job.attempts == 1
    outcome = client.get(state["ready_url"])
    assert outcome.status_code == 400
    assert table_counts(db) == {**before, "background_job": before["background_job"] + 1}
    return state, outcome.get_data(as_text=True)


def test_a_bad_open_referral_file_finishes_its_job_with_the_problem_listed(client, db,
                                                                          commissioner):
    _, html = _bad_open_referral_job(client, db)
    assert "Nothing was imported: 1 problem to fix" in html and "in other-council.json" in html
    assert ("<td>service 41 (id &#39;svc-1&#39;)</td><td>organization</td>"
            "<td>must be an object, not text</td>") in html


def test_an_importer_error_is_a_listed_problem_not_a_retried_job(client, db, commissioner,
                                                                 monkeypatch, caplog):
    """Should an importer still trip over some file, the job finishes with that listed
    (and the traceback logged) instead of failing three times on the same bytes."""
    from app.directory import openreferral_import

    def trips(session, data, **kw):
        raise AttributeError("'str' object has no attribute 'get'")

    monkeypatch.setattr(openreferral_import, "import_openreferral", trips)
    _, html = _bad_open_referral_job(client, db)
    assert "could not be read (AttributeError in the importer); please report it" in html
    assert any("other-council.json failed in the importer" in r.getMessage()
               for r in caplog.records)
