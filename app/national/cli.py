"""``flask national rebuild``: put the national roll-up together now, by hand
(docs/NATIONAL.md, "The stored roll-up")."""

from __future__ import annotations

import click
from flask.cli import AppGroup

cli = AppGroup("national", help="The national picture (every council's published figures).")


@cli.command("rebuild")
@click.option("--queue", "queue", is_flag=True,
              help="Queue it for the job workers instead of building it in this process.")
def rebuild(queue: bool) -> None:
    """Put the national picture (page, CSVs, HSDS file) together again from every
    council's published figures; the page serves it once it is complete."""
    from ..jobs import national as job
    from .rollup import latest

    if queue:
        info = job.queue_rebuild()
        click.echo(f"queued the national rebuild: job {info.id} ({info.state})")
        return
    state = job.build_here()
    stored = latest()
    if state != "finished" or stored is None:
        raise click.ClickException(f"the national rebuild did not finish ({state}); "
                                   "see the job's error in background_job")
    click.echo(f"national picture of {len(stored.picture.councils)} councils put together "
               f"at {stored.built_at:%Y-%m-%d %H:%M:%S} UTC (job {stored.job_id})")
