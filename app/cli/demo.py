"""`flask demo`: load the embedded demo county."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..demo import build_demo, database_has_data, wipe
from ..extensions import db


@click.command("demo")
@click.option("--reset", is_flag=True, help="Delete everything in the database first.")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) if the database has data.")
@with_appcontext
def cli(reset: bool, if_empty: bool) -> None:
    """Build the generated demo county into the configured database."""
    if database_has_data(db.session):
        if if_empty:
            click.echo("The database already has data; leaving it as it is.")
            return
        if not reset:
            raise click.ClickException(
                "The database already holds data. Refusing to touch it; run "
                "`flask --app wsgi demo --reset` to delete everything and load the demo."
            )
        wipe(db.session)
    accounts = build_demo(db.session, progress=click.echo, config=current_app.config)
    click.echo("")
    click.echo("Demo accounts (shown once; passwords are not stored anywhere in clear):")
    for email, password in accounts.items():
        click.echo(f"  {email:45} {password}")
