"""The job layer on both paths: the in-process pool (no REDIS_URL) and RQ workers
on Redis.  The same work is one job; a failing job is retried then marked
failed; a job whose worker (or app process) is killed with SIGKILL is taken up
again and completes exactly once.  Every wait is a bounded poll on an outcome.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app import jobs
from app.models import AuditEvent
from tests.conftest import TEST_CONFIG
from tests.jobs.forked import enqueue_and_hang, start_process
from tests.jobs.rq_support import kill as _kill
from tests.jobs.tasks import admins_only, broken, flaky, held
from tests.polling import poll

LEASE = 2.0


def done_events(db, label: str) -> int:
    db.session.expire_all()
    return db.session.query(AuditEvent).filter_by(action=f"done {label}").count()


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


@pytest.fixture
def app_config():
    return {"JOBS_LEASE_SECONDS": LEASE, "JOBS_MAX_ATTEMPTS": 3}


@pytest.fixture(autouse=True)
def _stop_backend(app):
    yield
    app.extensions["yvm_jobs"].stop()


def finished(jid):
    info = jobs.status(jid)
    return info if info.done else None


# ---- in-process (the embedded default) -------------------------------------------

def test_the_same_work_is_one_job_whose_result_is_kept(app, db, tmp_path):
    assert app.extensions["yvm_jobs"].kind == "inprocess"
    log, release = tmp_path / "log", tmp_path / "go"
    params = {"log": str(log), "release": str(release), "label": "a"}
    first = jobs.enqueue(held, params, key="k-a", user_id=None)
    again = jobs.enqueue(held, params, key="k-a", user_id=None)
    assert again.id == first.id
    running = poll(lambda: (s := jobs.status(first.id)).message == "Half way" and s,
                   what="the job's progress")
    assert running.state == "running" and running.progress == 0.5
    release.touch()
    info = poll(lambda: finished(first.id), what="the job to finish")
    assert info.state == "finished" and info.attempts == 1
    assert jobs.result(first.id) == "result for a"
    assert len(lines(log)) == 1 and done_events(db, "a") == 1
    # Asked again: the kept result, no second run.
    assert jobs.enqueue(held, params, key="k-a", user_id=None).state == "finished"
    assert jobs.result(first.id) == "result for a" and len(lines(log)) == 1
    # Other work (another key) is another job.
    other = jobs.enqueue(held, {**params, "label": "b"}, key="k-b", user_id=None)
    assert other.id != first.id
    poll(lambda: finished(other.id), what="the second job")
    assert done_events(db, "b") == 1 and len(lines(log)) == 2


def test_a_failing_job_is_retried_then_marked_failed_keeping_nothing(app, db, tmp_path):
    log = tmp_path / "flaky"
    info = jobs.enqueue(flaky, {"log": str(log), "label": "f"}, key="flaky", user_id=None)
    info = poll(lambda: finished(info.id), what="the flaky job")
    assert info.state == "finished" and info.attempts == 2
    assert len(lines(log)) == 2 and done_events(db, "f") == 1

    log = tmp_path / "broken"
    info = jobs.enqueue(broken, {"log": str(log)}, key="broken", user_id=None)
    info = poll(lambda: finished(info.id), what="the broken job to give up")
    assert info.state == "failed" and info.attempts == 3 and len(lines(log)) == 3
    db.session.expire_all()
    assert db.session.query(AuditEvent).filter_by(action="must not be kept").count() == 0
    # Asking again for failed work starts it again: the same job, three more attempts.
    # (Its state as enqueue answers can be queued, running or, the in-process pool
    # being quick, failed again already: what shows it ran again is its log.)
    assert jobs.enqueue(broken, {"log": str(log)}, key="broken", user_id=None).id == info.id

    def failed_again():
        again = finished(info.id) if len(lines(log)) == 6 else None
        return again if again is not None and again.state == "failed" else None

    again = poll(failed_again, what="the retried broken job to give up again")
    assert again.attempts == 3 and len(lines(log)) == 6


def test_progress_page_refreshes_itself_and_only_its_audience_sees_it(
        app, db, client, auth, tmp_path):
    log, release = tmp_path / "log", tmp_path / "go"
    info = jobs.enqueue(held, {"log": str(log), "release": str(release), "label": "p"},
                        key="page", user_id=None)
    poll(lambda: jobs.status(info.id).message == "Half way", what="progress")
    auth.login_as("councillor")
    page = client.get(f"/jobs/{info.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Counting test job" in html
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in html
    assert 'value="50"' in html and "Half way" in html
    assert "js/jobs.js" in html and "<script>" not in html  # no inline script
    state = client.get(f"/jobs/{info.id}.json").get_json()
    assert state == {"state": "running", "progress": 0.5, "message": "Half way",
                     "done": False, "ready_url": None}
    release.touch()
    poll(lambda: finished(info.id), what="the job to finish")
    html = client.get(f"/jobs/{info.id}").get_data(as_text=True)
    assert "Ready." in html and "refresh" not in html and "jobs.js" not in html
    secret = jobs.enqueue(admins_only, {}, key="admins", user_id=None)
    assert client.get(f"/jobs/{secret.id}").status_code == 404
    assert client.get(f"/jobs/{secret.id}.json").status_code == 404
    assert client.get("/jobs/" + "0" * 40).status_code == 404
    auth.logout()
    assert client.get(f"/jobs/{info.id}.json").status_code in (302, 401)




def test_a_job_in_a_killed_app_process_completes_once_in_another(
        app, db, database_url, tmp_path):
    log, release = tmp_path / "log", tmp_path / "go"
    params = {"log": str(log), "release": str(release), "label": "killed"}
    config = {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url,
              "JOBS_LEASE_SECONDS": LEASE}
    # An app process of its own (forked from the template, tests/jobs/forked.py), which
    # queues the job on its in-process pool, runs it and holds it until it is killed.
    proc = start_process(enqueue_and_hang, (config, params, "killed"), {"APP_ENV": "testing"})
    try:
        poll(lambda: len(lines(log)) == 1 or proc.poll() is not None,
             what="the first process to start the job")
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
    finally:
        _kill(proc)
    release.touch()
    jid = jobs.ledger.job_id(held.yvm_path, "killed")
    assert jobs.status(jid).state == "running"  # as the killed process left it
    jobs.start(app)  # this process's heartbeat takes it up once the lease lapses
    info = poll(lambda: finished(jid), what="the job to finish in this process")
    assert info.state == "finished" and info.attempts >= 2
    starts = lines(log)
    assert len(starts) == info.attempts and len(set(starts)) >= 2  # two processes ran it
    assert done_events(db, "killed") == 1  # completed exactly once
    assert jobs.result(jid) == "result for killed"


# ---- RQ on Redis (production) -------------------------------------------------------

@pytest.fixture
def rq_settings():
    return {"JOBS_LEASE_SECONDS": LEASE}


def test_rq_workers_run_jobs_and_the_same_work_is_queued_once(rq_app, db, tmp_path):
    rq, start_worker = rq_app
    backend = rq.extensions["yvm_jobs"]
    assert backend.kind == "rq"
    log, release = tmp_path / "log", tmp_path / "go"
    params = {"log": str(log), "release": str(release), "label": "rq"}
    first = jobs.enqueue(held, params, key="rq-a", user_id=None)
    assert jobs.enqueue(held, params, key="rq-a", user_id=None).id == first.id
    assert backend.queue.count == 1  # handed to RQ once
    release.touch()
    worker = start_worker()
    info = poll(lambda: finished(first.id) or worker.poll() is not None,
                what="a worker to run the job")
    assert worker.poll() is None, worker.stderr.read().decode()[-2000:]
    assert info.state == "finished" and jobs.result(first.id) == "result for rq"
    assert len(lines(log)) == 1 and done_events(db, "rq") == 1


def test_a_killed_rq_worker_s_job_is_retried_and_completes_exactly_once(rq_app, db, tmp_path):
    rq, start_worker = rq_app
    log, release = tmp_path / "log", tmp_path / "go"
    info = jobs.enqueue(held, {"log": str(log), "release": str(release), "label": "rqkill"},
                        key="rq-kill", user_id=None)
    first = start_worker()
    poll(lambda: len(lines(log)) == 1 or first.poll() is not None,
         what="the first worker to start the job")
    assert first.poll() is None, first.stderr.read().decode()[-2000:]
    _kill(first)  # SIGKILL mid-job: no chance to clean up
    assert jobs.status(info.id).state == "running"
    release.touch()
    second = start_worker()
    done = poll(lambda: finished(info.id) or second.poll() is not None,
                what="the second worker to finish the job")
    assert second.poll() is None, second.stderr.read().decode()[-2000:]
    assert done.state == "finished" and done.attempts >= 2
    starts = lines(log)
    assert len(starts) == done.attempts and len(set(starts)) >= 2  # both workers ran it
    assert done_events(db, "rqkill") == 1  # completed exactly once
    assert jobs.result(info.id) == "result for rqkill"


def test_the_worker_command_refuses_to_run_without_redis(runner):
    result = runner.invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code != 0 and "REDIS_URL is not set" in result.output
