"""Processes for the job tests, forked from a template that imported the app once.

A ``flask jobs worker`` started from nothing spends 6-8 s of CPU importing the app
(pandas, geopandas, scipy, mapclassify...) before it takes a job, and the job tests
start about ten workers and app processes.  So, as gunicorn's ``--preload`` does,
:func:`start_process` forks each from one template process per test process
(``multiprocessing``'s fork server, with :func:`preload`'s modules imported and nothing else
done: no app made, no connection opened, no thread started).  The child is a process
of its own, in a session of its own, with stdout to nowhere and stderr to a file; it
sets the environment it was given and then runs its target, for a worker the very
command a deployment runs (``flask --app wsgi jobs worker``: the app is made in the
child, from that environment).  It is killed with ``kill -9`` like any other.

This module imports nothing heavy itself: the fork server imports it in every child.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_CONTEXT: list = []


def preload() -> list[str]:
    """What the template imports once: every module ``create_app`` imports (its
    blueprints, commands and extensions), the worker's and the test tasks' modules;
    not ``wsgi``, which makes the app from the environment, so is the child's to import
    (``create_app`` then costs about 0.15 s of CPU instead of 7 s)."""
    from app.factory import BLUEPRINTS, CLI_MODULES, INIT_MODULES

    return ["app.factory", *INIT_MODULES, *BLUEPRINTS, *CLI_MODULES, "app.main.routes",
            "app.dataversion", "app.sqlite_wal", "app.disclosure", "app.tenancy.web",
            "app.jobs.runner", "app.jobs.rqfair", "flask.cli", "rq", "tests.jobs.tasks",
            "tests.jobs.forked"]


def _template():
    """The fork server's context, its modules preloaded (started at the first process,
    one per test process; it ends with the test process)."""
    if not _CONTEXT:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(preload())
        _CONTEXT.append(ctx)
    return _CONTEXT[0]


def _child(env: dict, stderr_path: str, target, args: tuple) -> None:
    """In the forked process: a session of its own, stdin and stdout to nowhere, stderr
    to a file, the given environment and folder, then ``target(*args)``."""
    os.setsid()
    null = os.open(os.devnull, os.O_RDWR)
    err = os.open(stderr_path, os.O_WRONLY | os.O_APPEND)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.dup2(err, 2)
    os.environ.clear()
    os.environ.update(env)
    os.chdir(ROOT)
    target(*args)


def run_cli(argv: list[str]) -> None:
    """``flask ...`` in this process, as the command line runs it."""
    from flask.cli import main

    sys.argv = list(argv)
    main()


def enqueue_and_hang(config: dict, params: dict, key: str) -> None:
    """An app process that queues the ``held`` test job on its in-process pool, runs
    it, and holds it until it is killed."""
    import signal

    from app import create_app, jobs
    from tests.jobs.tasks import held

    app = create_app(config)
    with app.app_context():
        jobs.enqueue(held, params, key=key, user_id=None)
        signal.pause()


class Forked:
    """A forked process with what the tests use of :class:`subprocess.Popen`: ``pid``,
    ``poll()``, ``wait()`` and ``stderr`` (a file, so a chatty process never blocks on
    a full pipe)."""

    def __init__(self, process, stderr_path: str):
        self.process = process
        self.pid = process.pid
        self.stderr = open(stderr_path, "rb")  # noqa: SIM115 - closed by close()

    def poll(self) -> int | None:
        return self.process.exitcode

    def wait(self, timeout: float | None = None) -> int:
        self.process.join(timeout)
        code = self.process.exitcode
        if code is None:
            raise subprocess.TimeoutExpired("forked process", timeout or 0)
        return code

    def close(self) -> None:
        self.stderr.close()
        Path(self.stderr.name).unlink(missing_ok=True)


def start_process(target, args: tuple, env_extra: dict) -> Forked:
    """``target(*args)`` in a process of its own (a session of its own, the environment
    ``os.environ`` with ``env_extra``), forked from the template."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **env_extra}
    fd, stderr_path = tempfile.mkstemp(prefix="yvm-process-", suffix=".stderr")
    os.close(fd)
    process = _template().Process(target=_child, args=(env, stderr_path, target, args),
                                  daemon=True)
    process.start()
    return Forked(process, stderr_path)
