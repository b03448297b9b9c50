"""`flask publish`: make the published snapshot of figures about people."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from ..publication import CellKeyMethod, PublishRefused, Schedule, is_due, publish, status

cli = AppGroup("publish", help="Publish the disclosure-controlled snapshot of survey figures.")


@cli.command("run")
@click.option("--if-due", is_flag=True,
              help="Only when the nightly run is due (PUBLISH_HOUR, UTC): for an hourly cron.")
def run(if_due: bool) -> None:
    """Publish a new snapshot now (refused while too few responses are new)."""
    schedule = Schedule.from_config(current_app.config)
    if if_due and not is_due(db.session, schedule):
        click.echo("Not due yet; nothing published.")
        return
    try:
        snap = publish(db.session, CellKeyMethod.from_config(current_app.config), schedule,
                       trigger="schedule" if if_due else "cli")
    except PublishRefused as exc:
        db.session.rollback()
        if if_due:  # a scheduled run waits for more responses: not an error
            click.echo(str(exc))
            return
        raise click.ClickException(str(exc)) from None
    click.echo(f"Published snapshot of {snap.published_at:%d %B %Y %H:%M} UTC.")


@cli.command("status")
def show_status() -> None:
    """When the last snapshot was published and when the next is due."""
    s = status(db.session, Schedule.from_config(current_app.config), datetime.now(UTC))
    last = f"{s['last']:%d %B %Y %H:%M} UTC" if s["last"] else "never"
    click.echo(f"Last published: {last}")
    click.echo(f"Next due: {s['next_due']:%d %B %Y %H:%M} UTC")
    if not s["ready"]:
        click.echo(f"Waiting for at least {s['min_new']} new responses before publishing again.")
