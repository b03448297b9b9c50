"""The national rebuild on RQ (REDIS_URL): a run of council changes is one job in the
national queue, which a worker process runs (each council's feed read as that
council); the page serves the last roll-up, saying a newer one is coming (or, before
any worker has been seen, that none has), until then."""

from __future__ import annotations

import pytest

from app.jobs import ledger
from app.jobs.national import CHANGED, rebuild_national_job
from app.models import BackgroundJob
from tests.directory.helpers import make_service
from tests.jobs.rq_support import rq_app  # noqa: F401
from tests.polling import poll

from .test_rollup import services_shown


@pytest.fixture
def rq_settings():
    return {"NATIONAL_KEEP_CURRENT": "true", "NATIONAL_SETTLE_SECONDS": "0"}


def test_three_changes_are_one_rebuild_that_a_worker_runs(db, rq_app):  # noqa: F811
    app, start_worker = rq_app
    app.config.update(NATIONAL_KEEP_CURRENT=True, NATIONAL_SETTLE_SECONDS=0.0)
    backend = app.extensions["yvm_jobs"]
    client = app.test_client()
    db.session.info.pop(CHANGED, None)  # the fixture emptied the tables: not a change
    assert services_shown(client) == 0  # the first roll-up: made by the request itself
    for name in ("One Club", "Two Club", "Three Club"):
        with app.app_context():  # each committed in a context of its own, as by a request
            make_service(db.session, name=name)
    waiting = ledger.active(kind="national")
    assert len(waiting) == 1  # three changes, one rebuild waiting
    assert backend.queue.for_council("national").count == 1  # in a queue of its own
    # No worker has been seen (RQ's register of workers): the page says so rather than
    # that the newer one is being put together.
    html = client.get("/national").get_data(as_text=True)
    assert "no background worker has been seen running" in html
    assert "being put together from" not in html and services_shown(client) == 0

    worker = start_worker()
    poll(lambda: worker.poll() is not None or (
        services_shown(client) == 3
        and "A newer one" not in client.get("/national").get_data(as_text=True)),
        what="the worker's rebuild")
    assert worker.poll() is None, worker.stderr.read().decode()[-2000:]
    rows = db.session.query(BackgroundJob).filter_by(task=rebuild_national_job.yvm_path)
    assert sorted(r.state for r in rows) == ["finished", "finished"]
    assert backend.queue.count == 0
    from app.jobs.national import worker_seen

    assert worker_seen() is True  # the worker that ran it is in RQ's register
