"""`flask demo`: load the embedded demo county."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..demo import build_demo, database_has_data, wipe
from ..extensions import db
from ..models.tenancy import use_council
from ..tenancy.service import council_by_code


@click.command("demo")
@click.option("--reset", is_flag=True, help="Delete everything in the database first.")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) if the database has data.")
@click.option("--council", "council_code", default=None,
              help="Build it into this council's slot (its ONS code; `flask councils add` "
                   "first).  Default: the deployment's own council.")
@with_appcontext
def cli(reset: bool, if_empty: bool, council_code: str | None) -> None:
    """Build the generated demo county into the configured database (one council's
    slot: --reset and --if-empty look at that council's data only)."""
    council_id = None
    if council_code:
        council = council_by_code(db.session, council_code)
        if council is None:
            raise click.ClickException(f"No council {council_code}: add it with "
                                       "`flask councils add CODE NAME` first.")
        council_id = council.id
    with use_council(council_id):
        _build(reset, if_empty)


def _build(reset: bool, if_empty: bool) -> None:
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
