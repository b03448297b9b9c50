"""The ORM scoping (app/tenancy/scoping.py), on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, update

from app.models import Area, Service, User, use_council
from app.tenancy.scoping import CrossCouncilWrite


def _service(db, name):
    row = Service(name=name, service_type="sport")
    db.session.add(row)
    db.session.commit()
    return row.id


def test_a_council_sees_and_changes_only_its_own_rows(db, two_councils):
    a, b = two_councils
    with use_council(a.id):
        mine = _service(db, "Alpha club")
    with use_council(b.id):
        theirs = _service(db, "Bravo club")
    db.session.expunge_all()
    with use_council(a.id):
        assert db.session.scalars(select(Service.name)).all() == ["Alpha club"]
        assert db.session.scalar(select(func.count()).select_from(Service)) == 1
        assert db.session.get(Service, theirs) is None
        assert db.session.execute(update(Service).values(status="closed")).rowcount == 1
        assert db.session.execute(delete(Service).where(Service.id == theirs)).rowcount == 0
        db.session.commit()
    with use_council(b.id):
        row = db.session.get(Service, theirs)
        assert (row.name, row.status, row.council_id) == ("Bravo club", "active", b.id)
        assert db.session.get(Service, mine) is None


def test_unset_means_the_default_council(db, two_councils):
    a, b = two_councils
    with use_council(b.id):
        _service(db, "Bravo club")
    _service(db, "Default club")
    rows = db.session.execute(select(Service.name, Service.council_id)).all()
    assert rows == [("Default club", a.id)]


def test_a_row_of_another_council_is_refused(db, two_councils):
    a, b = two_councils
    with use_council(b.id):
        theirs = _service(db, "Bravo club")
        row = db.session.get(Service, theirs)
    with use_council(a.id):
        row.name = "Renamed by A"
        with pytest.raises(CrossCouncilWrite):
            db.session.commit()
        db.session.rollback()
        db.session.add(Service(name="Smuggled", service_type="sport", council_id=b.id))
        with pytest.raises(CrossCouncilWrite):
            db.session.commit()
        db.session.rollback()


def test_codes_and_emails_are_unique_per_council_not_globally(db, two_councils):
    from shapely.geometry import box

    a, b = two_councils
    for council in (a, b):
        with use_council(council.id):
            area = Area(code="E05000001", name=f"Ward of {council.name}", level="ward")
            area.geometry = box(0, 0, 10, 10)
            db.session.add(area)
            db.session.add(User(email="admin@example.org", role="admin", password_hash="x"))
            db.session.commit()
    with use_council(b.id):
        assert db.session.scalars(select(Area.name)).all() == ["Ward of Bravo Council"]


def test_requests_find_their_council_by_host_and_by_path(app, db, two_councils):
    a, b = two_councils
    client = app.test_client()
    assert "Bravo Council" in client.get("/", base_url="http://b.example").get_data(True)
    page = client.get("/bravo/", base_url="http://a.example")
    assert page.status_code == 200 and "Bravo Council" in page.get_data(True)
    own = client.get("/", base_url="http://a.example").get_data(True)
    assert "Bravo Council" not in own and app.config["COUNCIL_NAME"] in own


def test_demo_wipe_keeps_other_councils(db, two_councils):
    from app.demo import wipe

    a, b = two_councils
    with use_council(b.id):
        _service(db, "Bravo club")
    _service(db, "Alpha club")
    with use_council(a.id):
        wipe(db.session)
    with use_council(b.id):
        assert db.session.scalars(select(Service.name)).all() == ["Bravo club"]


def test_councils_commands(runner, db):
    from app.models import Council

    done = runner.invoke(args=["councils", "add", "E06000002", "Middlesbrough Council",
                               "--host", "youth.herefordshire.example", "--path", "hfd"])
    assert done.exit_code == 0, done.output
    again = runner.invoke(args=["councils", "add", "e06000002", "Another"])
    assert again.exit_code != 0 and "already" in again.output
    bad = runner.invoke(args=["councils", "add", "X1", "Bad", "--settings", '{"SECRET_KEY": 1}'])
    assert bad.exit_code != 0 and "ONS code" in bad.output and "SECRET_KEY" in bad.output
    listed = runner.invoke(args=["councils", "list"])
    assert "E06000002\tMiddlesbrough Council\tyouth.herefordshire.example\t/hfd" in listed.output
    # (on PostgreSQL the default council is also there: every transaction names one)
    assert db.session.scalar(select(func.count()).select_from(Council).where(
        Council.code == "E06000002")) == 1


def test_analysis_cache_entries_are_per_council(app, db, two_councils):
    """Two councils at the same data version (and no snapshot) never share an entry."""
    from app.cache import cached

    a, b = two_councils
    with use_council(a.id):
        assert cached("tenancy-test", db.session, {}, lambda: "A's figures") == "A's figures"
    with use_council(b.id):
        assert cached("tenancy-test", db.session, {}, lambda: "B's figures") == "B's figures"
    with use_council(a.id):
        assert cached("tenancy-test", db.session, {}, lambda: "again") == "A's figures"


def test_a_national_admin_adds_councils_and_reads_no_council_pages(app, db, auth, client):
    from app.models import Council

    auth.login_as("national_admin")
    page = client.get("/national-admin/councils")
    assert page.status_code == 200 and "Add a council" in page.get_data(True)
    done = client.post("/national-admin/councils", data={
        "code": "E06000003", "name": "Redcar <b>and</b> Cleveland", "path": "redcar"})
    assert done.status_code == 302
    listed = client.get("/national-admin/councils").get_data(True)
    assert "Redcar &lt;b&gt;and&lt;/b&gt; Cleveland" in listed and "/redcar" in listed
    assert db.session.scalar(select(Council.name).where(Council.code == "E06000003"))
    bad = client.post("/national-admin/councils", data={"code": "nope", "name": "x"})
    assert "not an ONS code" in bad.get_data(True)
    for url in ("/dashboard", "/results", "/admin/users", "/gaps.csv", "/safeguarding"):
        assert client.get(url).status_code in (403, 404), url


def test_a_job_is_its_councils_and_the_same_work_is_two_jobs(app, db, two_councils):
    from app import jobs
    from app.jobs import ledger

    a, b = two_councils
    made = {}
    for council in (a, b):
        with use_council(council.id):
            made[council.id], new = ledger.create(
                "tests.nowhere:task", {}, "same-key", owner=None, lease_until=None,
                result_ttl=60, asker={"council_id": council.id, "council": council.code})
            assert new
    assert made[a.id] != made[b.id]
    with use_council(a.id):
        assert jobs.status(made[a.id]) is not None
        assert jobs.status(made[b.id]) is None and jobs.result(made[b.id]) is None
    with use_council(b.id):
        assert jobs.status(made[b.id]).id == made[b.id]
