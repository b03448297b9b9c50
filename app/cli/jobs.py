"""`flask jobs worker`: run background jobs from the councils' RQ queues (REDIS_URL).

Run as many as you like, on as many machines as share the database and Redis::

    REDIS_URL=redis://redis.internal:6379/0 flask --app wsgi jobs worker

Each worker takes from the councils' queues in turn (docs/JOBS.md, "Fair
turns"), renews the lease on the job it runs, and queues again any job whose
worker was killed once its lease lapses (JOBS_LEASE_SECONDS).  Without
REDIS_URL, jobs run in the app processes themselves and no worker is needed.

`flask jobs queues` shows how many jobs each council has waiting.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

cli = AppGroup("jobs", help="Background jobs (the evidence PDF, big imports, best sites).")


@cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
def worker(burst: bool) -> None:
    """Run jobs from the councils' RQ queues, in turn, in this process until stopped."""
    backend = current_app.extensions["yvm_jobs"]
    if backend.kind != "rq":
        raise click.ClickException(
            "REDIS_URL is not set, so jobs run inside the app processes and need no worker. "
            "Set REDIS_URL (for example redis://127.0.0.1:6379/0) to use RQ workers.")
    backend.beat_once()  # take up at once what a killed worker left
    backend.start_heartbeat()
    prefix = current_app.config["JOBS_QUEUE"]
    click.echo(f"jobs worker {backend.owner} on the councils' queues {prefix}:jobs:*, in turn")
    backend.worker().work(burst=burst, with_scheduler=False)
    backend.stop()


@cli.command("queues")
def queues() -> None:
    """How many jobs each council has waiting (the ledger; with RQ, also its queues)."""
    from app.jobs.ledger import waiting_by_council

    backend = current_app.extensions["yvm_jobs"]
    ledger = {council or "_": count for council, count in waiting_by_council().items()}
    on_rq = backend.queue.waiting() if backend.kind == "rq" else {}
    if not ledger and not on_rq:
        click.echo("No jobs waiting.")
        return
    click.echo("council\tqueued (ledger)" + ("\ton its RQ queue" if backend.kind == "rq" else ""))
    for council in sorted(set(ledger) | set(on_rq)):
        line = f"{council}\t{ledger.get(council, 0)}"
        if backend.kind == "rq":
            line += f"\t{on_rq.get(council, 0)}"
        click.echo(line)
