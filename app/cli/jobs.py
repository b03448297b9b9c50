"""`flask jobs worker`: run background jobs from the RQ queue (REDIS_URL).

Run as many as you like, on as many machines as share the database and Redis::

    REDIS_URL=redis://redis.internal:6379/0 flask --app wsgi jobs worker

Each worker renews the lease on the job it runs; a job whose worker was killed
is queued again by any other worker once its lease lapses (JOBS_LEASE_SECONDS).
Without REDIS_URL, jobs run in the app processes themselves and no worker is
needed.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

cli = AppGroup("jobs", help="Background jobs (the evidence PDF, big imports, best sites).")


@cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst: bool) -> None:
    """Run jobs from the RQ queue in this process until stopped."""
    backend = current_app.extensions["yvm_jobs"]
    if backend.kind != "rq":
        raise click.ClickException(
            "REDIS_URL is not set, so jobs run inside the app processes and need no worker. "
            "Set REDIS_URL (for example redis://127.0.0.1:6379/0) to use RQ workers.")
    backend.beat_once()  # take up at once what a killed worker left
    backend.start_heartbeat()
    click.echo(f"jobs worker {backend.owner} on queue {current_app.config['JOBS_QUEUE']}")
    backend.worker().work(burst=burst, with_scheduler=False)
    backend.stop()
