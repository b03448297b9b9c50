"""Fair turns between councils (issue 27): one council's thousand jobs do not hold
up another council's one, on both paths (the in-process pool and RQ workers on
Redis), and each council's jobs still start in the order they were queued.

Every test plays the same story.  Council A's first jobs ("gates") take every
worker and wait; meanwhile A queues a thousand more and then council B queues
one.  The gates are let go.  Each of A's thousand waits, once started, for the
test to let it go too, so a worker that took one of them is stuck on it: B's
job can only finish if a worker took it *before* any second job of A's.  With
first-come-first-served dispatch it would wait behind all thousand and never
finish here (the test fails by timing out, it never measures time).  The order
jobs started in is the order of lines in a log each job appends to as it starts;
the order they finished in is the ledger's ``finished_at``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app import jobs
from app.jobs.fair import FairQueue
from app.jobs.rqfair import in_turn
from app.models import BackgroundJob
from tests.jobs.tasks import tick
from tests.polling import poll

A_JOBS = 1000


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def queue_tick(council: str, label: str, log: Path, wait: Path | None = None,
               user_id: int | None = None):
    params = {"log": str(log), "label": label}
    if wait is not None:
        params["wait"] = str(wait)
    return jobs.enqueue(tick, params, key=f"{council}/{label}", user_id=user_id,
                        council=council)


def finished_ticks(db) -> list[BackgroundJob]:
    """The test jobs that finished, in the order the ledger says they finished."""
    db.session.expire_all()
    return list(db.session.scalars(
        select(BackgroundJob).where(BackgroundJob.task == tick.yvm_path,
                                    BackgroundJob.state == "finished")
        .order_by(BackgroundJob.finished_at, BackgroundJob.id)))


def a_thousand_then_one(db, tmp_path: Path, workers: int, start_workers=None,
                        release: bool = True) -> dict:
    """Play the story with ``workers`` workers; checks B's turn and returns what the
    test needs to check the rest (A's jobs are let go before it returns, unless
    ``release`` is false: then every worker ends up stuck on one of A's jobs)."""
    gates, go, log, more = tmp_path / "gates", tmp_path / "go", tmp_path / "log", tmp_path / "more"
    for g in range(workers):
        queue_tick("A", f"gate{g}", gates, wait=go)
    if start_workers:
        start_workers()
    poll(lambda: len(lines(gates)) == workers, timeout=300,
         what="every worker to take a gate job")
    a_ids = [queue_tick("A", f"A{i}", log, wait=more).id for i in range(A_JOBS)]
    b = queue_tick("B", "B", log)
    assert jobs.status(b.id).state == "queued"
    go.touch()
    # B's job finishes only if a worker took it before a second job of A's: each of
    # the other workers is now stuck on one of A's jobs until `more` appears.
    done = poll(lambda: (s := jobs.status(b.id)).done and s, timeout=180,
                what="council B's one job behind A's thousand")
    assert done.state == "finished" and jobs.result(b.id) == "B"
    started = lines(log)
    before_b = started[:started.index("B")]
    assert len(before_b) <= workers - 1, before_b  # at most one each on the other workers
    assert before_b == [f"A{i}" for i in range(len(before_b))]  # A's oldest first
    if release:
        more.touch()
    return {"a_ids": a_ids, "b": b.id, "log": log}


def all_finished(db, ids: list[str]) -> bool:
    """Every job of ``ids`` finished.  Asked many times while a thousand jobs run, so
    it first asks the ledger the cheap question (is any test job still waiting or
    running?) and reads the thousand ids' states only once none is."""
    db.session.expire_all()
    if db.session.scalar(select(BackgroundJob.id).where(
            BackgroundJob.task == tick.yvm_path,
            BackgroundJob.state.in_(("queued", "running"))).limit(1)) is not None:
        return False
    states = db.session.execute(select(BackgroundJob.state)
                                .where(BackgroundJob.id.in_(ids))).scalars().all()
    return len(states) == len(ids) and all(s == "finished" for s in states)


# ---- the turn itself -----------------------------------------------------------------

def test_the_fair_queue_serves_councils_in_turn_and_each_in_order():
    q: FairQueue[str] = FairQueue()
    for item in ("A1", "A2", "A3", "A4"):
        q.put("A", item)
    assert q.take() == "A1"  # only A waits: A again and again
    for item in ("B1", "C1", "C2"):
        q.put(item[0], item)
    assert q.waiting() == {"A": 3, "B": 1, "C": 2}
    # A was served last, so B (which joined after) goes next, then C, then A.
    assert [q.take() for _ in range(6)] == ["B1", "C1", "A2", "C2", "A3", "A4"]
    assert q.take() is None and len(q) == 0
    q.put(None, "no council")  # a job recorded without a council has a queue too
    assert q.waiting() == {"_": 1} and q.take() == "no council"
    fifo: FairQueue[str] = FairQueue(fair=False)
    for item in ("A1", "A2", "B1", "A3"):
        fifo.put(item[0], item)
    assert [fifo.take() for _ in range(4)] == ["A1", "A2", "B1", "A3"]


def test_an_rq_worker_asks_the_council_after_the_last_served_first():
    names = ["yvm", "yvm:jobs:A", "yvm:jobs:B", "yvm:jobs:C"]
    assert in_turn(names, None) == names
    assert in_turn(names, "yvm:jobs:A") == ["yvm:jobs:B", "yvm:jobs:C", "yvm", "yvm:jobs:A"]
    assert in_turn(names, "yvm:jobs:C") == names
    # A council whose queue was deleted since: the turn goes on from where it was.
    assert in_turn(["yvm", "yvm:jobs:A", "yvm:jobs:C"], "yvm:jobs:B") == [
        "yvm:jobs:C", "yvm", "yvm:jobs:A"]


# ---- in-process pool (no REDIS_URL) ---------------------------------------------------

@pytest.fixture
def app_config(request):
    return {"JOBS_THREADS": getattr(request, "param", 1), "JOBS_WAIT_SECONDS": 0}


@pytest.fixture
def pool(app, tmp_path):
    """The app's in-process pool, emptied and its threads ended after the test."""
    backend = app.extensions["yvm_jobs"]
    assert backend.kind == "inprocess"
    yield backend
    backend.stop()  # nothing queued starts now
    for name in ("go", "more"):
        (tmp_path / name).touch()
    # Wait for the running jobs' last writes before the tables are emptied.
    backend.pool.shutdown(wait=True)


@pytest.mark.parametrize("app_config", [1], indirect=True)
def test_one_thread_runs_b_s_job_next_and_a_s_thousand_in_order(app, db, pool, tmp_path):
    seen = a_thousand_then_one(db, tmp_path, workers=1)
    poll(lambda: all_finished(db, seen["a_ids"]), timeout=300, what="A's thousand jobs")
    assert lines(seen["log"]) == ["B"] + [f"A{i}" for i in range(A_JOBS)]
    order = [job.params["label"] for job in finished_ticks(db)]
    assert order == ["gate0", "B"] + [f"A{i}" for i in range(A_JOBS)]


@pytest.mark.parametrize("app_config", [2], indirect=True)
def test_two_threads_take_b_s_job_before_a_second_of_a_s(app, db, pool, tmp_path):
    a_thousand_then_one(db, tmp_path, workers=2)  # A's thousand: the one-thread test


@pytest.mark.parametrize("app_config", [1], indirect=True)
def test_quotas_still_count_each_council_on_its_own(app, db, pool, tmp_path):
    app.config.update(JOBS_QUOTA_PER_COUNCIL=3, JOBS_QUOTA_PER_USER=10)
    gates, go = tmp_path / "gates", tmp_path / "go"
    queue_tick("system", "gate", gates, wait=go)  # the one thread, busy
    poll(lambda: len(lines(gates)) == 1, what="the gate job to start")
    log = tmp_path / "log"
    for i in range(3):  # two people of council A fill its three places
        queue_tick("A", f"A{i}", log, user_id=1 + i % 2)
    with pytest.raises(jobs.QuotaExceeded, match="The council's background work is full"):
        queue_tick("A", "A3", log, user_id=2)
    # Council B's people are not refused for A's work, and have three places of their own.
    for i in range(3):
        queue_tick("B", f"B{i}", log, user_id=10 + i)
    with pytest.raises(jobs.QuotaExceeded, match="The council's background work is full"):
        queue_tick("B", "B3", log, user_id=13)
    db.session.expire_all()
    queued = db.session.execute(select(BackgroundJob.council)
                                .where(BackgroundJob.state == "queued")).scalars().all()
    assert sorted(queued) == ["A"] * 3 + ["B"] * 3  # nothing refused was left queued
    go.touch()
    poll(lambda: len(finished_ticks(db)) == 7, what="every job to finish")
    # Once A's work is done, A's people may ask again.
    assert queue_tick("A", "A4", log, user_id=2).state in ("queued", "running", "finished")


@pytest.mark.parametrize("app_config", [1], indirect=True)
def test_the_queues_command_shows_each_council_s_waiting_jobs(app, db, pool, runner, tmp_path):
    assert runner.invoke(args=["jobs", "queues"]).output == "No jobs waiting.\n"
    gates, go, log = tmp_path / "gates", tmp_path / "go", tmp_path / "log"
    queue_tick("A", "gate", gates, wait=go)  # the one thread, busy
    poll(lambda: len(lines(gates)) == 1, what="the gate job to start")
    for label in ("A1", "A2", "B1"):
        queue_tick(label[0], label, log)
    assert pool.waiting.waiting() == {"A": 2, "B": 1}
    out = runner.invoke(args=["jobs", "queues"]).output
    assert out.splitlines() == ["council\tqueued (ledger)", "A\t2", "B\t1"]


# ---- RQ workers on Redis ----------------------------------------------------------------

def rq_backend(rq_app):
    """The RQ app's backend; it must be the current app (``db`` is asked for before
    ``rq_app``, so the RQ app's context is pushed last)."""
    from flask import current_app

    rq, start_worker = rq_app
    assert current_app._get_current_object() is rq
    backend = rq.extensions["yvm_jobs"]
    assert backend.kind == "rq"
    return rq, start_worker, backend


def test_one_rq_worker_runs_b_s_job_next_and_a_s_thousand_in_order(db, rq_app, tmp_path):
    rq, start_worker, backend = rq_backend(rq_app)
    seen = a_thousand_then_one(db, tmp_path, workers=1, start_workers=start_worker)
    poll(lambda: all_finished(db, seen["a_ids"]), timeout=600, what="A's thousand jobs")
    assert lines(seen["log"]) == ["B"] + [f"A{i}" for i in range(A_JOBS)]
    order = [job.params["label"] for job in finished_ticks(db)]
    assert order == ["gate0", "B"] + [f"A{i}" for i in range(A_JOBS)]
    assert backend.queue.count == 0


def test_two_rq_workers_take_b_s_job_before_a_second_of_a_s(db, rq_app, tmp_path):
    rq, start_worker, backend = rq_backend(rq_app)

    def two_workers():
        start_worker()
        start_worker()

    a_thousand_then_one(db, tmp_path, workers=2, start_workers=two_workers, release=False)
    # Each council's jobs waited on a queue of its own.
    prefix = rq.config["JOBS_QUEUE"]
    assert backend.queue.names() == sorted([prefix, f"{prefix}:jobs:A", f"{prefix}:jobs:B"])
    # A's jobs are never let go here, so the worker that ran B's goes on to A's next
    # one and sticks there: both workers end up holding one of A's, the rest wait.
    # (It takes that job a moment after B's finishes, so the test waits for it.)
    # A's thousand run to the end in the one-worker test; here the workers are killed.
    # A1 can only start once B's job has, on the worker B's freed; A0 is the other
    # worker's, whose line may come before B's or, on a loaded machine, after A1's
    # (it took A0 off the queue first but wrote its line late: seen on PostgreSQL).
    log = tmp_path / "log"
    poll(lambda: len(lines(log)) == 3, timeout=120,
         what="the worker that ran B's job to start A's next")
    started = lines(log)
    assert sorted(started) == ["A0", "A1", "B"] and started.index("B") < started.index("A1")
    assert backend.queue.waiting() == {"A": A_JOBS - 2}  # one taken by each worker
