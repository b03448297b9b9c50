"""The council table is read once per process for ``COUNCIL_CACHE_SECONDS``, not once
per request (app/tenancy/table.py), and a council added in this process is seen at
once; one changed by another process is seen when the copy runs out."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, update

from app.models import Council

COUNCIL_QUERY = re.compile(r"\bFROM council\b", re.IGNORECASE)


@pytest.fixture
def app_config():
    # An hour: nothing in a test may depend on how fast the machine is.
    return {"COUNCIL_CACHE_SECONDS": 3600}


@pytest.fixture
def council_queries(db):
    """The statements on the ``council`` table sent to the database from now on."""
    sent: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        if COUNCIL_QUERY.search(statement):
            sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    yield sent
    event.remove(db.engine, "before_cursor_execute", note)


@pytest.fixture
def clock(monkeypatch):
    """The cache's clock, moved by hand."""
    from app.tenancy import table

    now = [1000.0]
    monkeypatch.setattr(table, "monotonic", lambda: now[0])
    return now


def test_many_requests_read_the_council_table_once(app, db, client, two_councils,
                                                   council_queries):
    for _ in range(3):
        assert "Bravo Council" in client.get("/", base_url="http://b.example").get_data(True)
        assert "Bravo Council" in client.get("/bravo/directory").get_data(True)
        own = client.get("/", base_url="http://a.example").get_data(True)
        assert "Bravo Council" not in own and app.config["COUNCIL_NAME"] in own
        assert client.get("/static/css/app.css").status_code == 200
        assert client.get("/bravo/static/css/app.css").status_code == 200
    assert len(council_queries) == 1, council_queries


def test_a_council_added_by_the_command_is_seen_at_once(app, db, client, runner, two_councils,
                                                        council_queries):
    assert "Charlie" not in client.get("/", base_url="http://c.example").get_data(True)
    assert len(council_queries) == 1
    done = runner.invoke(args=["councils", "add", "E06000002", "Charlie Council",
                               "--host", "c.example", "--colour", "#4c2c92"])
    assert done.exit_code == 0, done.output
    council_queries.clear()  # (the command's own: is the code taken, the new row)
    page = client.get("/", base_url="http://c.example").get_data(True)
    assert "Charlie Council" in page and "--header-bg: #4c2c92" in page
    assert client.get("/", base_url="http://c.example").status_code == 200
    assert len(council_queries) == 1  # the command dropped the copy: read once again


def test_a_council_added_on_the_national_admin_page_is_seen_at_once(app, db, client, auth):
    auth.login_as("national_admin")
    assert client.get("/delta/", base_url="http://localhost").status_code == 404
    done = client.post("/national-admin/councils", data={
        "code": "E06000003", "name": "Delta Council", "path": "delta"})
    assert done.status_code == 302
    assert "Delta Council" in client.get("/delta/privacy").get_data(True)


def test_another_process_s_change_is_seen_when_the_copy_runs_out(app, db, client,
                                                                 two_councils, clock):
    a, b = two_councils
    assert "Bravo Council" in client.get("/bravo/").get_data(True)
    # Another process renames it: a plain UPDATE this process's session never saw.
    with db.engine.begin() as conn:
        conn.execute(update(Council.__table__).where(Council.__table__.c.id == b.id)
                     .values(name="Bravo Borough Council"))
    clock[0] += 3599
    assert "Bravo Borough Council" not in client.get("/bravo/").get_data(True)
    clock[0] += 2
    assert "Bravo Borough Council" in client.get("/bravo/").get_data(True)


@pytest.mark.parametrize("app_config", [{"COUNCIL_CACHE_SECONDS": 0}])
def test_no_copy_kept_at_zero_seconds(app, db, client, two_councils, council_queries):
    for _ in range(3):
        assert "Bravo Council" in client.get("/bravo/").get_data(True)
    assert len(council_queries) == 3  # once a request, static files too
