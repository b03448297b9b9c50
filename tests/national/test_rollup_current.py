"""The national roll-up kept current (NATIONAL_KEEP_CURRENT): a council's committed
change queues one rebuild on the in-process pool; the stored roll-up is served until
it is complete (docs/NATIONAL.md, "The stored roll-up")."""

from __future__ import annotations

import pytest

from app.jobs.national import CHANGED, rebuild_national_job
from app.models import BackgroundJob
from tests.directory.helpers import make_service
from tests.polling import poll

from .test_rollup import services_shown


@pytest.fixture
def app_config():
    return {"NATIONAL_KEEP_CURRENT": True, "NATIONAL_SETTLE_SECONDS": 0}


def test_a_change_queues_a_rebuild_and_the_page_shows_the_last_one_meanwhile(app, db,
                                                                            client):
    # The fixture emptied the tables through this test's session (a change of councils):
    # forget it, so the only change is the one below.
    db.session.info.pop(CHANGED, None)
    assert services_shown(client) == 0  # the first roll-up: made by the request
    with app.app_context():  # a change committed in a context of its own (a request)
        make_service(db.session, name="First Club")
        make_service(db.session, name="Second Club")
    # The in-process pool rebuilds it in the background; the stored one is served until
    # then (the page says a newer one is coming while it is built).
    poll(lambda: services_shown(client) == 2
         and "A newer one" not in client.get("/national").get_data(as_text=True),
         what="the rebuilt national picture")
    jobs = db.session.query(BackgroundJob).filter_by(task=rebuild_national_job.yvm_path)
    assert jobs.count() == 2 and {j.state for j in jobs} == {"finished"}  # one rebuild


def test_no_rebuild_before_anyone_asked_for_the_national_picture(app, db, client):
    with app.app_context():
        make_service(db.session, name="A Club")
    assert db.session.query(BackgroundJob).count() == 0
    assert services_shown(client) == 1


