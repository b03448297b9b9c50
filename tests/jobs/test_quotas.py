"""Quotas on background work (issue 30): one councillor varying the weights and the
``Host`` header cannot queue forty evidence PDFs, one commissioner cannot queue
thirty-one journey runs, and a colleague can still queue theirs.

The app's one job thread is kept busy by a test job that waits for the test to
let it go, as the workers are when many people ask at once: every job asked for
meanwhile stays queued, so what the quotas let through is counted exactly.
"""

from __future__ import annotations

import html
import re
import threading

import pytest
from sqlalchemy import select

from app import jobs
from app.models import BackgroundJob
from tests.gaps.test_ward_report import NEAR
from tests.gaps.test_ward_report import build as two_wards
from tests.hosts import Curl
from tests.jobs.tasks import held
from tests.polling import poll


@pytest.fixture
def app_config():
    return {"JOBS_WAIT_SECONDS": 0, "JOBS_THREADS": 1, "JOBS_QUOTA_PER_USER": 3,
            "JOBS_QUOTA_PER_COUNCIL": 12, "JOBS_QUOTA_JOURNEYS_PER_COUNCIL": 1}


@pytest.fixture
def busy_worker(app, db, tmp_path):
    """The one job thread taken by a job no person asked for, until the test ends."""
    release = tmp_path / "go"
    info = jobs.enqueue(held, {"log": str(tmp_path / "log"), "release": str(release),
                               "label": "busy"}, key="busy", user_id=None)
    poll(lambda: jobs.status(info.id).message == "Half way", what="the busy job to start")
    yield info
    release.touch()
    backend = app.extensions["yvm_jobs"]
    backend.stop()  # no queued job starts now
    # Wait for the busy job's last writes before the tables are emptied: on PostgreSQL a
    # TRUNCATE racing them deadlocked.
    backend.pool.shutdown(wait=True)


def active_jobs(db, **where) -> list:
    db.session.expire_all()
    query = select(BackgroundJob).where(BackgroundJob.state.in_(("queued", "running")))
    for column, value in where.items():
        query = query.where(getattr(BackgroundJob, column) == value)
    return list(db.session.scalars(query))


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.get_data(as_text=True)))


def pdf_url(i: int) -> str:
    return f"/evidence.pdf?level=lsoa&w_reach={1 + i / 10:.1f}"


def test_forty_pdf_requests_with_varied_weights_and_hosts_make_three_jobs(
        app, client, auth, db, busy_worker):
    pytest.importorskip("weasyprint")
    two_wards(db.session)
    me = auth.login_as("councillor")
    get = Curl(app, client).get
    answers = [get(pdf_url(i), f"evil{i}.example") for i in range(40)]
    assert [r.status_code for r in answers] == [303] * 3 + [429] * 37
    refused = text(answers[-1])
    assert "You already have 3 PDFs being made; wait for one to finish" in refused
    assert answers[-1].headers["Retry-After"] == "30"
    mine = active_jobs(db, user_id=me.id)
    assert len(mine) == 3 and {j.kind for j in mine} == {"pdf"}
    for job in mine:  # the refusal links to each job to follow
        assert f'href="/jobs/{job.id}"' in refused
    # Nothing from the request's Host reached a job's parameters or its key.
    assert not any("evil" in repr(j.params) or "host" in repr(j.params) for j in mine)
    assert {answers[i].headers["Location"] for i in range(3)} == {f"/jobs/{j.id}" for j in mine}

    # The same pack again, from yet another Host, is the same job: never refused.
    again = get(pdf_url(1), "another.example")
    assert again.status_code == 303 and again.headers["Location"] == answers[1].headers[
        "Location"]
    # A ward report is a PDF too: the same quota.
    ward = get(f"/ward/{NEAR}.pdf", "evil.example")
    assert ward.status_code == 429 and "3 PDFs being made" in text(ward)
    assert len(active_jobs(db, user_id=me.id)) == 3

    # A colleague still gets theirs (the quota is per person), up to the same limit.
    colleague = auth.login_as("councillor")
    theirs = [client.get(pdf_url(i)).status_code for i in range(10, 14)]
    assert theirs == [303, 303, 303, 429]
    assert len(active_jobs(db, user_id=colleague.id)) == 3
    assert len(active_jobs(db, kind="pdf")) == 6


def test_a_full_council_queue_refuses_everyone_with_its_own_message(
        app, client, auth, db, busy_worker):
    pytest.importorskip("weasyprint")
    two_wards(db.session)
    app.config["JOBS_QUOTA_PER_COUNCIL"] = 4  # the busy job and three PDFs fill it
    auth.login_as("councillor")
    assert [client.get(pdf_url(i)).status_code for i in range(3)] == [303] * 3
    auth.login_as("commissioner")
    refused = client.get(pdf_url(20))
    assert refused.status_code == 429
    assert "The council's background work is full: 4 jobs waiting or running" in text(refused)
    assert len(active_jobs(db)) == 4


def test_one_journey_run_at_a_time_for_the_council(client, auth, db, busy_worker):
    first = auth.login_as("commissioner")
    answers = [client.post("/planning/travel/journeys", data={"limit": str(30 + i)})
               for i in range(31)]
    assert [r.status_code for r in answers] == [303] + [429] * 30
    assert ("The council already has 1 journey run waiting or running; wait for it to finish"
            in text(answers[-1]))
    runs = active_jobs(db, kind="journeys")
    assert len(runs) == 1 and runs[0].user_id == first.id
    assert f'href="/jobs/{runs[0].id}"' in text(answers[-1])  # the run to follow
    # Another commissioner is told the same, and may follow that run.
    auth.login_as("commissioner")
    other = client.post("/planning/travel/journeys", data={"limit": "120"})
    assert other.status_code == 429 and "1 journey run waiting or running" in text(other)
    assert client.get(f"/jobs/{runs[0].id}").status_code == 200
    assert len(active_jobs(db, kind="journeys")) == 1


def test_requests_at_the_same_moment_cannot_slip_past_the_quota(app, db, make_user_id,
                                                                 busy_worker, tmp_path):
    """Sixteen threads ask at once, each for other work: at most three are kept and
    every other one is refused, leaving nothing queued behind."""
    app.config["JOBS_QUOTA_PER_COUNCIL"] = 100  # only the person's quota is tested here
    results, barrier = [], threading.Barrier(16)

    def ask(n: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                info = jobs.enqueue(held, {"log": str(tmp_path / "log"),
                                           "release": str(tmp_path / "never"),
                                           "label": f"t{n}"}, key=f"t{n}", user_id=make_user_id)
                results.append(info.id)
            except jobs.QuotaExceeded as refused:
                results.append(refused)

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    kept = [r for r in results if isinstance(r, str)]
    assert len(kept) <= 3 and len(results) == 16
    assert sorted(j.id for j in active_jobs(db, user_id=make_user_id)) == sorted(kept)
    assert all("You already have" in r.description for r in results if not isinstance(r, str))


@pytest.fixture
def make_user_id(db):
    from tests.conftest import make_user

    return make_user(db, "councillor").id
