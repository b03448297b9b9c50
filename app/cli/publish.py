"""`flask publish`: make the published snapshot of figures about people."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from ..publication import CellKeyMethod, Schedule, is_due, publish, release, status
from .council_option import as_council, for_each_council

cli = AppGroup("publish", help="Publish the disclosure-controlled snapshot of survey figures.")


@cli.command("run")
@click.option("--if-due", is_flag=True,
              help="Only when the scheduled run is due (PUBLISH_EVERY_DAYS at PUBLISH_HOUR, "
                   "UTC): for an hourly cron.")
@for_each_council
def run(if_due: bool, council: str, prefix: str) -> None:
    """Publish a new snapshot now (each figure keeps its value until enough people
    changed it; answers held for review are left out): every council's, each in
    its own transaction (or --council's)."""
    schedule = Schedule.from_config(current_app.config)
    if if_due and not is_due(db.session, schedule):
        click.echo(f"{prefix}Not due yet; nothing published.")
        return
    snap = publish(db.session, CellKeyMethod.from_config(current_app.config), schedule,
                   trigger="schedule" if if_due else "cli")
    click.echo(f"{prefix}Published snapshot of {snap.published_at:%d %B %Y %H:%M} UTC.")


@cli.command("status")
@as_council
def show_status() -> None:
    """When the last snapshot was published, when the next is due, and the answers
    held for review."""
    s = status(db.session, Schedule.from_config(current_app.config), datetime.now(UTC))
    last = f"{s['last']:%d %B %Y %H:%M} UTC" if s["last"] else "never"
    click.echo(f"Last published: {last}")
    click.echo(f"Next due: {s['next_due']:%d %B %Y %H:%M} UTC")
    for g in s["held"]:
        click.echo(f"Held for review: {g.size} answers, {g.link_name}, {g.day:%d %B %Y}, "
                   f"{g.area_name} (release with: flask publish release '{g.key}')")


@cli.command("release")
@as_council
@click.argument("group")
def release_group(group: str) -> None:
    """Let a group of held answers (as `publish status` names it) count from the
    next snapshot."""
    n = release(db.session, group)
    if not n:
        db.session.rollback()
        raise click.ClickException(f"No held answers in group {group!r} "
                                   "(see flask publish status).")
    db.session.commit()
    click.echo(f"Released {n} answers; they count from the next snapshot.")
