"""The admin page that imports a council's geography (issue 24): the same import as
``flask geodata import-council CODE DIR``, from files an admin uploads, run as a
background job with progress, all or nothing.

"Westshire" (tests/geodata/fakecouncil.py) is cut out of the real Herefordshire files
in the shapes of the national files, two councils' rows in each: the page must find
Westshire's by the code typed in.  What should appear is worked out from the files
there, not by the import.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from flask import g
from sqlalchemy import func, select

from app.geodata.coverage import stored_coverage
from app.models import Area, AuditEvent, BackgroundJob, Postcode
from tests.conftest import HEREFORDSHIRE
from tests.geodata import fakecouncil
from tests.geodata.helpers import snapshot
from tests.polling import poll

pytestmark = pytest.mark.skipif(not HEREFORDSHIRE.is_dir(), reason="real data folder missing")
URL = "/admin/geography"


@pytest.fixture
def app_config():
    return {"JOBS_WAIT_SECONDS": 0}


@pytest.fixture
def uploads(app, tmp_path):
    """Where the page keeps uploaded files (the instance folder, here a temporary one)."""
    app.instance_path = str(tmp_path / "instance")
    yield Path(app.instance_path) / "geodata-uploads"
    app.extensions["yvm_jobs"].stop()


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def files_of(folder: Path) -> list[tuple[io.BytesIO, str]]:
    return [(io.BytesIO(p.read_bytes()), p.name) for p in sorted(folder.iterdir())]


def zipped(folder: Path, top: str = "westshire") -> io.BytesIO:
    """The folder as a person zips it: its files inside one top folder."""
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"{top}/{path.name}")
    data.seek(0)
    return data


def send(client, code: str, files, submission: str = "form-1"):
    return client.post(URL, data={"code": code, "files": files, "submission": submission},
                       content_type="multipart/form-data")


def follow(client, response) -> dict:
    """The job's progress page, followed to the end as its JSON; then its outcome page."""
    assert response.status_code == 303, text(response)[:2000]
    job_url = response.headers["Location"]
    assert job_url.startswith("/jobs/")
    assert "Importing a council&#39;s geography" in client.get(job_url).get_data(as_text=True)
    state = poll(lambda: (s := client.get(job_url + ".json").get_json())["done"] and s,
                 what="the geography import job")
    assert state["state"] == "finished", state
    return {"job_url": job_url, "ready_url": state["ready_url"],
            "outcome": client.get(state["ready_url"])}


def audit(db, action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def codes(db, level: str) -> set[str]:
    db.session.expire_all()
    return set(db.session.scalars(select(Area.code).where(Area.level == level)))


def test_only_admins_may_open_or_post_it(client, auth, db, uploads, tmp_path):
    r = client.get(URL)
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    for role in ("councillor", "commissioner", "safeguarding", "partner"):
        auth.login_as(role)
        assert client.get(URL).status_code == 403, role
        assert send(client, fakecouncil.CODE, [(io.BytesIO(b"a,b\n"), "x.csv")]
                    ).status_code == 403, role
    assert not uploads.exists()  # nothing of theirs was saved
    auth.login_as("admin")
    page = text(client.get(URL))
    assert "Import a council's geography</h1>" in page and 'name="files" multiple' in page
    assert '<a href="/admin/geography"' in page  # in the admin's menu


def test_a_bad_code_is_shown_beside_the_field_and_nothing_is_saved(client, auth, db,
                                                                    uploads):
    auth.login_as("admin")
    for code in ("E6", "E01013995", "X06000019", ""):
        r = send(client, code, [(io.BytesIO(b"a,b\n"), "x.csv")])
        assert r.status_code == 400, code
        page = text(r)
        error = re.search(r'<p class="error-message" id="code-error">(.*?)</p>', page)
        assert error, page[-3000:]
        wanted = "Enter the council&#39;s ONS code." if not code else \
            "Enter a local authority code such as E06000019"
        assert wanted in error.group(1)
        assert 'href="#code"' in page  # the error summary links to the field
    r = send(client, "E07000999", [(io.BytesIO(b"PK"), "council.xlsx")])
    assert r.status_code == 400
    assert re.search(r'id="files-error">.*council.xlsx: is not a file this import reads', text(r))
    r = send(client, "e07000999", [])  # a good code (any case), but no files
    assert r.status_code == 400
    assert re.search(r'id="files-error">.*Choose the council&#39;s files', text(r))
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(BackgroundJob)) == 0
    assert not uploads.exists() or not any(uploads.iterdir())


def test_a_council_imports_through_the_page_then_a_bad_file_changes_nothing(
        app, client, auth, db, uploads, tmp_path):
    folder = fakecouncil.write(tmp_path / "files" if not (tmp_path / "files").mkdir() else None)
    auth.login_as("admin")
    first = send(client, fakecouncil.CODE, files_of(folder), submission="form-1")
    # A double click sends the same form again: the same job, nothing saved twice.
    again = send(client, fakecouncil.CODE, files_of(folder), submission="form-1")
    assert again.status_code == 303 and again.headers["Location"] == first.headers["Location"]
    got = follow(client, first)
    assert got["ready_url"].startswith("/admin/geography/")
    page = text(got["outcome"])
    assert got["outcome"].status_code == 200
    assert f"Council {fakecouncil.CODE} imported" in page
    # Westshire's areas, worked out from the source files (the LSOAs mostly in its wards).
    ward_codes, lsoa_codes = fakecouncil.split()
    assert codes(db, "lsoa") == lsoa_codes and codes(db, "ward") == ward_codes
    assert f"{len(lsoa_codes)} LSOAs, {len(ward_codes)} wards" in page
    # The command's summary: what each file is, postcode coverage, LSOAs covered.
    assert f"Your files: council {fakecouncil.CODE}" in page
    assert "WD25_UK_BGC.gpkg: ward boundaries 2025: used" in page
    assert "NSPL November 2021, HR area:" in page
    assert f"placed in {len(lsoa_codes)} of {len(lsoa_codes)} LSOAs" in page
    nspl = pd.read_csv(folder / "NSPL_NOV_2021_UK.csv", dtype=str, keep_default_na=False)
    ours = nspl[nspl["laua"] == fakecouncil.CODE]
    assert f"NSPL_NOV_2021_UK.csv: postcodes (NSPL November 2021), {len(ours)} rows" in page
    stored = set(db.session.scalars(select(Postcode.postcode)))
    assert set(ours["pcds"]) <= stored
    assert "No LSOA is uncertain" in page  # Code-Point Open filled the other areas
    events = audit(db, "import geography")
    assert len(events) == 1 and events[0].after["council"] == fakecouncil.CODE
    assert events[0].after["lsoa"] == len(lsoa_codes)
    assert events[0].actor.startswith("admin-")
    assert not any(uploads.iterdir())  # the uploaded files are deleted after the job
    # The form page now says what is imported and links the last import.
    form = text(client.get(URL))
    assert f'id="now-lsoa">{len(lsoa_codes)}<' in form
    assert f"council {fakecouncil.CODE}, imported" in form
    before = snapshot(db.session)

    # A bad grid reference in one of Westshire's postcode rows, sent as a zipped folder.
    row = int(ours.index[-1])
    nspl.loc[row, "oseast1m"] = "east"
    nspl.to_csv(folder / "NSPL_NOV_2021_UK.csv", index=False)
    refused = follow(client, send(client, fakecouncil.CODE,
                                  [(zipped(folder), "westshire.zip")], submission="form-2"))
    assert refused["outcome"].status_code == 400
    page = text(refused["outcome"])
    assert (f"NSPL_NOV_2021_UK.csv, row {row + 2}, column &#39;oseast1m&#39;: &#39;east&#39; "
            "is not a number") in page
    assert 'id="refusal-file">NSPL_NOV_2021_UK.csv<' in page
    assert f'id="refusal-row">{row + 2:,}<' in page
    assert 'id="refusal-column">oseast1m<' in page
    assert "Nothing was imported; the database is unchanged." in page
    db.session.expire_all()
    assert snapshot(db.session) == before  # the old areas, postcodes and figures
    assert codes(db, "lsoa") == lsoa_codes
    assert len(audit(db, "refuse geography import")) == 1
    assert len(audit(db, "import geography")) == 1
    assert not any(uploads.iterdir())
    assert "council E07000999, refused" in text(client.get(URL))


def _zip(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> io.BytesIO:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", method) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    data.seek(0)
    return data


@pytest.mark.parametrize("members, message", [
    ({"westshire/ok.csv": b"a,b\n", "../../evil.csv": b"a,b\n"},
     "member &#39;../../evil.csv&#39; points outside the zip (&#39;..&#39; in its path)"),
    ({"/etc/cron.d/evil": b"x"}, "member &#39;/etc/cron.d/evil&#39; is an absolute path"),
    ({"bomb.csv": b"0" * (30 * 1024 * 1024)},
     "member &#39;bomb.csv&#39; expands 1,0"),  # about a thousand times: a zip bomb
    ({"big.csv": random.Random(1).randbytes(768 * 1024).hex().encode()},  # 1.5 MB of text
     "council.zip: the files in the zip expand to 1.5 MB, over the 1.0 MB left of the "
     "upload limit (GEODATA_UPLOAD_MAX_MB)"),
])
def test_a_hostile_zip_is_refused_with_a_clear_message(app, client, auth, db, uploads,
                                                       members, message):
    app.config["GEODATA_UPLOAD_MAX_MB"] = 1
    auth.login_as("admin")
    r = send(client, fakecouncil.CODE, [(_zip(members), "council.zip")])
    assert r.status_code == 400
    page = text(r)
    error = re.search(r'id="files-error">(.*?)</p>', page)
    assert error and message in error.group(1), page[-2000:]
    assert "council.zip" in error.group(1)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(BackgroundJob)) == 0
    assert not any(uploads.iterdir())


def test_a_zip_whose_header_lies_is_stopped_while_unpacking(client, auth, db, uploads):
    body = b"LSOA21CD,x\n" + b"E01000001,1\n" * 200_000  # 2.4 MB, compresses well
    data = _zip({"pop.csv": body}).getvalue()
    # Its directory says 1,000 bytes: it passes the checks, then expands past them.
    at = data.rfind(b"PK\x01\x02")
    data = data[:at + 24] + (1000).to_bytes(4, "little") + data[at + 28:]
    auth.login_as("admin")
    got = follow(client, send(client, fakecouncil.CODE, [(io.BytesIO(data), "lying.zip")]))
    page = text(got["outcome"])
    assert "lying.zip: member &#39;pop.csv&#39; expands past the 1,000 bytes its zip header " \
           "declares" in page
    assert "Nothing was imported; the database is unchanged." in page
    assert not any(uploads.iterdir())


def test_only_an_admins_upload_here_may_pass_max_content_length(app, client, auth, db,
                                                                uploads):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    app.config["GEODATA_UPLOAD_MAX_MB"] = 1
    body = [(io.BytesIO(b"x" * (200 * 1024)), "big.csv")]
    auth.login_as("commissioner")  # not theirs: the body is refused before it is read
    assert send(client, fakecouncil.CODE, body).status_code == 413
    auth.login_as("admin")
    g.pop("_login_user", None)  # the test's app context outlives requests; a server's does not
    r = send(client, "E6", [(io.BytesIO(b"x" * (200 * 1024)), "big.csv")])
    assert r.status_code == 400 and 'id="code-error"' in text(r)  # read, then checked
    other = client.post("/directory/manage/import", content_type="multipart/form-data",
                        data={"file": (io.BytesIO(b"x" * (200 * 1024)), "big.csv")})
    assert other.status_code == 413  # every other page keeps MAX_CONTENT_LENGTH
    r = send(client, fakecouncil.CODE, [(io.BytesIO(b"x" * (2 * 1024 * 1024)), "big.csv")])
    assert r.status_code == 413  # over GEODATA_UPLOAD_MAX_MB
    assert not uploads.exists() or not any(uploads.iterdir())


def test_without_code_point_open_the_summary_names_the_uncertain_lsoas(client, auth, db,
                                                                        uploads, tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    fakecouncil.write(folder, mix_other=False)
    directory_only = [f for f in files_of(folder) if len(f[1]) > 6]  # not hr.csv, sy.csv...
    assert {"hr.csv", "sy.csv"}.isdisjoint(name for _f, name in directory_only)
    auth.login_as("admin")
    page = text(follow(client, send(client, fakecouncil.CODE, directory_only))["outcome"])
    table = stored_coverage(db.session)
    uncertain = sorted(table.index[table["status"].isin(["partial", "none"])])
    assert uncertain  # the HR directory alone misses the Welsh-border postcodes
    many = len(uncertain) != 1
    assert (f"{len(uncertain)} LSOA{'s' if many else ''} with partial or no postcode coverage "
            f"{'are' if many else 'is'} marked uncertain: {', '.join(uncertain)}.") in page
    assert (f'id="import-coverage"><li>NSPL November 2021, HR area; {len(uncertain)} LSOAs '
            'with partial or no postcode coverage marked uncertain</li>') in page  # the sentence /about/data shows


def test_over_the_quota_nothing_is_queued_or_kept(app, client, auth, db, uploads):
    app.config["JOBS_QUOTA_PER_USER"] = 0
    auth.login_as("admin")
    r = send(client, fakecouncil.CODE, [(io.BytesIO(b"a,b\n"), "x.csv")])
    assert r.status_code == 429 and "wait for one to finish" in text(r)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(BackgroundJob)) == 0
    assert not any(uploads.iterdir())


def test_the_import_says_each_step_and_what_the_last_one_imported(db, tmp_path):
    """The hook the job reports through: each step in order, with the step before's rows."""
    from app.geodata.council_import import import_council

    fakecouncil.write(tmp_path)
    said: list[tuple[float, str]] = []
    import_council(db.session, tmp_path, fakecouncil.CODE,
                   progress=lambda f, m: said.append((f, m)))
    db.session.rollback()
    fractions = [f for f, _m in said]
    assert fractions == sorted(fractions) and 0 < fractions[0] and fractions[-1] < 1
    steps = [m.split(". Done:")[0] for _f, m in said]
    assert steps[0] == f"Recognised {len(list(tmp_path.iterdir()))} files by their columns; " \
                       f"council {fakecouncil.CODE}"
    assert steps[1:4] == ["Reading the LSOA boundaries (LSOA_2021_EW_BGC.geojson)",
                          "Reading the LSOA lookup (LSOA11_LSOA21_LAD22_EW_LU.csv)",
                          "Reading the ward boundaries (WD25_UK_BGC.gpkg)"]
    _wards, lsoas = fakecouncil.split()
    assert f"Done: LSOA_2021_EW_BGC.geojson, {len(lsoas)} rows" in said[2][1]
    last = said[-1][1]
    assert last.startswith("Working out the ward and parish figures. Done: postcode coverage")


def test_an_rq_worker_imports_from_the_folder_the_app_saved(db, rq_app, tmp_path):
    """Production's path: the page queues the job on Redis and a worker process (another
    interpreter, as on another machine sharing the instance folder) imports it."""
    from app import jobs
    from tests.conftest import make_user, sign_in_client

    rq, start_worker = rq_app
    rq.instance_path = str(tmp_path / "instance")
    folder = tmp_path / "files"
    folder.mkdir()
    fakecouncil.write(folder, mix_other=False)
    admin = make_user(db, "admin")
    client = sign_in_client(rq.test_client(), admin)
    r = send(client, fakecouncil.CODE, files_of(folder))
    assert r.status_code == 303, text(r)[-2000:]
    jid = r.headers["Location"].rsplit("/", 1)[-1]
    assert send(client, fakecouncil.CODE, files_of(folder)).headers["Location"] == \
        r.headers["Location"]
    assert rq.extensions["yvm_jobs"].queue.count == 1  # handed to RQ once
    worker = start_worker()
    info = poll(lambda: ((s := jobs.status(jid)).done and s) or worker.poll() is not None,
                what="the worker to import the geography")
    assert worker.poll() is None, worker.stderr.read().decode()[-2000:]
    assert info.state == "finished", info
    assert jobs.result(jid)["ok"] is True
    ward_codes, lsoa_codes = fakecouncil.split()
    assert codes(db, "lsoa") == lsoa_codes and codes(db, "ward") == ward_codes
    assert len(audit(db, "import geography")) == 1
    assert not any((tmp_path / "instance" / "geodata-uploads").iterdir())
