"""How long council B's one job waits behind council A's thousand, with the
councils served in turn (fair) and with one first-come-first-served queue (fifo).

Every worker is busy with one of council A's jobs while A queues ``--a-jobs``
cheap jobs (each returns at once) and then council B queues one; then the
workers are let go.  For each backend and dispatch it prints how many of A's
jobs finished before B's and how long B's job took from then to finished (the
ledger's timestamps).

    .venv/bin/python bench/bench_fair_queues.py                  # in-process pool, SQLite
    .venv/bin/python bench/bench_fair_queues.py --redis-url redis://127.0.0.1:6379/11 \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/yvm_queues   # and RQ

Each run gets an empty database (a new SQLite file, or every table of the given
database emptied: never point it at a database you want to keep).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.jobs import task  # noqa: E402


@task(roles=("admin",), title="Benchmark job", kind="bench")
def noop(label: str) -> str:
    return label


@task(roles=("admin",), title="Benchmark gate", kind="bench")
def gate(release: str) -> str:
    """Hold a worker until ``release`` exists (so A's thousand are all queued first)."""
    deadline = time.monotonic() + 600
    while not os.path.exists(release) and time.monotonic() < deadline:
        time.sleep(0.02)
    return "gate"


def _app(database_url: str, redis_url: str | None, queue: str, threads: int):
    from app import create_app
    from app.extensions import db

    config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "JOBS_THREADS": threads,
              "JOBS_QUEUE": queue}
    if redis_url:
        config["REDIS_URL"] = redis_url
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


def _workers(n: int, database_url: str, redis_url: str, queue: str) -> list[subprocess.Popen]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "APP_ENV": "development",
           "DATABASE_URL": database_url, "REDIS_URL": redis_url, "JOBS_QUEUE": queue}
    return [subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker"],
                             cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
            for _ in range(n)]


def _wait(check, what: str, seconds: float = 900):
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting for {what}")
        time.sleep(0.02)


def _measure(app, a_jobs: int, fair: bool, workers: int, release: Path, start=None) -> dict:
    """Every worker held by one of A's jobs; A queues ``a_jobs`` more, B one; the
    workers are let go.  B's wait counts from then."""
    from sqlalchemy import func, select

    from app import jobs
    from app.extensions import db
    from app.models import BackgroundJob as J
    from app.models.base import utcnow
    from bench.bench_fair_queues import gate as gate_job  # by the names workers import
    from bench.bench_fair_queues import noop as job

    with app.app_context():
        backend = app.extensions["yvm_jobs"]
        backend.fair = fair
        if hasattr(backend, "waiting"):
            backend.waiting.fair = fair
        procs = start() if start else []
        try:
            gates = [jobs.enqueue(gate_job, {"release": str(release)}, key=f"gate{g}",
                                  user_id=None, council="A").id for g in range(workers)]
            _wait(lambda: all(jobs.status(g).state == "running" for g in gates),
                  "every worker to hold a gate job")
            for i in range(a_jobs):
                jobs.enqueue(job, {"label": f"A{i}"}, key=f"A{i}", user_id=None, council="A")
            b = jobs.enqueue(job, {"label": "B"}, key="B", user_id=None, council="B")
            let_go = utcnow()
            release.touch()
            _wait(lambda: jobs.status(b.id).done, "B's job")
            with db.engine.connect() as conn:
                done = conn.execute(select(J.finished_at).where(J.id == b.id)).scalar_one()
                before = conn.execute(select(func.count()).where(
                    J.council == "A", J.task == job.yvm_path, J.state == "finished",
                    J.finished_at < done)).scalar_one()
        finally:
            backend.stop()
            release.touch()
            for proc in procs:
                proc.kill()
                proc.wait()
            if getattr(backend, "pool", None):
                backend.pool.shutdown(wait=True)
        if done.tzinfo is None:  # SQLite keeps no zone; the values are UTC
            done = done.replace(tzinfo=let_go.tzinfo)
        return {"before": before, "wait": (done - let_go).total_seconds()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--a-jobs", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=2, help="in-process pool threads")
    parser.add_argument("--workers", type=int, default=2, help="RQ worker processes")
    parser.add_argument("--database-url", help="default: a new SQLite file per run")
    parser.add_argument("--redis-url", help="also measure RQ workers on this Redis")
    args = parser.parse_args()
    os.environ.setdefault("APP_ENV", "development")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        cases = [("in-process", mode) for mode in ("fifo", "fair")]
        if args.redis_url:
            cases += [("rq", mode) for mode in ("fifo", "fair")]
        for n, (kind, mode) in enumerate(cases):
            url = args.database_url or f"sqlite:///{tmp}/bench{n}.sqlite"
            queue = f"yvm-bench-{uuid.uuid4().hex[:8]}"
            app = _app(url, args.redis_url if kind == "rq" else None, queue, args.threads)
            start = None
            if kind == "rq":
                def start(url=url, queue=queue):
                    return _workers(args.workers, url, args.redis_url, queue)
            try:
                workers = args.threads if kind == "in-process" else args.workers
                got = _measure(app, args.a_jobs, mode == "fair", workers,
                               Path(tmp) / f"release{n}", start)
            finally:
                if kind == "rq":
                    app.extensions["yvm_jobs"].queue.delete(delete_jobs=True)
            label = (f"in-process, {args.threads} threads" if kind == "in-process"
                     else f"RQ, {args.workers} workers")
            rows.append((label, mode, got))
            print(f"{label:24} {mode:5} A's jobs finished before B's: {got['before']:5}   "
                  f"B's wait: {got['wait']:7.2f} s", flush=True)
    print(f"\n| Workers | Dispatch | A's jobs finished before B's (of {args.a_jobs}) | B's wait |")
    print("|---|---|---|---|")
    for label, mode, got in rows:
        print(f"| {label} | {mode} | {got['before']} | {got['wait']:.2f} s |")


if __name__ == "__main__":
    main()
