"""Every log record names its council (app/tenancy/logs.py): the ONS code of the
council whose request or job made it, `-` when none, and the app's log lines show it
(``LOG_FORMAT`` in app/factory.py)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from app import jobs
from app.extensions import db as _db
from app.factory import LOG_FORMAT
from app.jobs import task
from app.models import Service, use_council
from tests.polling import poll

START, END = "tenancy log test: job starts", "tenancy log test: job ends"


@task(roles=("admin",), title="Log test job", kind="test")
def logging_job() -> int:
    """Log a line, read the database (SQLAlchemy logs the query), log again."""
    log = logging.getLogger("app.tests.tenancy")
    log.info(START)
    count = _db.session.scalar(select(func.count(Service.id)))
    log.info(END)
    return count


@pytest.fixture(autouse=True)
def _stop_backend(app):
    yield
    app.extensions["yvm_jobs"].stop()


@pytest.fixture
def every_record(caplog):
    """Every record at DEBUG, the database's statements among them."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # (put back after the test)
    # A connection logs if its engine's logger was on when it was opened: end the
    # fixtures' transaction, so the test's statements come on a new one.
    _db.session.rollback()
    return caplog


def the_apps_line(record: logging.LogRecord) -> str:
    """The record as the app's own handler writes it."""
    handler = next(h for h in logging.getLogger("app").handlers
                   if getattr(h, "yvm_council", False))
    assert handler.formatter._fmt == LOG_FORMAT
    return handler.format(record)


def test_records_during_a_request_name_its_council(app, db, client, two_councils,
                                                   every_record):
    a, b = two_councils

    @app.before_request
    def _serving():  # a line of the app's and a query of its own in every request
        logging.getLogger("app.tests.tenancy").info("serving")
        db.session.scalar(select(func.count(Service.id)))

    client.get("/static/css/app.css")  # (the process reads the council table)
    for council, host, path in ((a, "a.example", "/directory"), (b, "b.example", "/directory"),
                                (b, "a.example", "/bravo/directory")):
        every_record.clear()
        page = client.get(path, base_url=f"http://{host}")
        assert page.status_code == 200
        records = every_record.records
        assert any(r.getMessage() == "serving" for r in records)
        assert any(r.name.startswith("sqlalchemy.engine") for r in records)
        assert {r.council for r in records} == {council.code}, path
        served = next(r for r in records if r.getMessage() == "serving")
        assert f"INFO {council.code} app.tests.tenancy: serving" in the_apps_line(served)


def test_records_during_a_job_name_its_council(app, db, two_councils, every_record):
    a, b = two_councils
    with use_council(b.id):
        jobs.enqueue(logging_job, {}, key="log-test", user_id=None)
    # Waits for the task's last line: what this test is about (on this branch's base the
    # runner could not yet mark another council's job finished; fixed on main, 4045f01).
    poll(lambda: any(r.getMessage() == END for r in every_record.records),
         what="the job's last line")
    records = list(every_record.records)
    start = next(i for i, r in enumerate(records) if r.getMessage() == START)
    thread = records[start].thread
    end = next(i for i, r in enumerate(records) if r.getMessage() == END)
    inside = [r for r in records[start:end + 1] if r.thread == thread]
    assert any(r.name.startswith("sqlalchemy.engine") for r in inside)  # the task's query
    assert {r.council for r in inside} == {b.code}
    assert f"INFO {b.code} app.tests.tenancy: {START}" in the_apps_line(records[start])


def test_a_record_with_no_council_says_so(app):
    record = logging.getLogRecordFactory()("app.tests.tenancy", logging.WARNING, __file__, 1,
                                           "outside", (), None)
    assert record.council == "-"
    assert "WARNING - app.tests.tenancy: outside" in the_apps_line(record)
