"""Real RQ workers on the Redis at 127.0.0.1:6379 for the job-layer tests: the app, a
queue of its own per test, worker processes, and their clean-up.

Use the fixture with ``from tests.jobs.rq_support import rq_app  # noqa: F401`` and set
extra settings for the app and its workers by overriding the ``rq_settings`` fixture.

Worker processes are forked from a template that imported the app once
(:mod:`tests.jobs.forked`), then run ``flask --app wsgi jobs worker`` as a deployment
does; ``YVM_TEST_SPAWN_WORKERS=1`` starts each from nothing instead (``python -m flask
...``), as before.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.conftest import TEST_CONFIG
from tests.jobs.forked import Forked, run_cli, start_process

ROOT = Path(__file__).resolve().parents[2]
# A database of its own (YVM_TEST_REDIS_URL picks another); queue names are per test.
REDIS_URL = os.environ.get("YVM_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
WORKER = ["flask", "--app", "wsgi", "jobs", "worker"]


def redis_or_skip():
    """A client for the test Redis, or skip the test when there is none."""
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    return client


def spawn(args, env_extra):
    """A process of the app's own (a worker, a script) in a session of its own."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **env_extra}
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)


def start_worker_process(env_extra: dict):
    """A ``flask --app wsgi jobs worker`` process with ``env_extra`` in its environment."""
    if os.environ.get("YVM_TEST_SPAWN_WORKERS"):
        return spawn([sys.executable, "-m", *WORKER], env_extra)
    return start_process(run_cli, (WORKER,), env_extra)


def kill(proc) -> None:
    """Kill a spawned process and everything it started, and wait for it."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:  # forked a moment ago: not yet in a session of its own
            os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    if isinstance(proc, Forked):
        proc.close()


@pytest.fixture
def rq_settings() -> dict:
    """Extra settings for the RQ app and its workers (override in a test module)."""
    return {}


@pytest.fixture
def rq_app(database_url, rq_settings):
    """``(app, start_worker)``: an app whose jobs go to RQ on a queue of its own, and a
    way to start worker processes on that queue (killed, queue deleted, afterwards)."""
    redis_or_skip()
    from app import create_app
    from app.extensions import db as _db

    queue = f"yvm-test-{uuid.uuid4().hex[:10]}"
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url,
                      "REDIS_URL": REDIS_URL, "JOBS_QUEUE": queue, **rq_settings})
    workers = []

    def start_worker():
        proc = start_worker_process({
            "APP_ENV": "development", "DATABASE_URL": database_url, "REDIS_URL": REDIS_URL,
            "JOBS_QUEUE": queue, **{k: str(v) for k, v in rq_settings.items()}})
        workers.append(proc)
        return proc

    with app.app_context():
        yield app, start_worker
        backend = app.extensions["yvm_jobs"]
        for proc in workers:
            kill(proc)
        backend.stop()
        backend.queue.delete(delete_jobs=True)  # every council's queue
        _db.session.remove()
