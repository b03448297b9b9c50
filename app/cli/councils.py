"""`flask councils`: add and list the councils (tenants) of this deployment."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from ..tenancy.service import (
    CouncilError,
    add_council,
    change_settings,
    list_councils,
    set_colours,
)

cli = AppGroup("councils", help="Add and list councils (docs/TENANCY.md).")


@cli.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--host", help="Its own host name, e.g. youth.herefordshire.gov.uk.")
@click.option("--path", "path_prefix", help="Its path prefix, e.g. herefordshire.")
@click.option("--region", help="Its ONS region code, e.g. E12000005 (the West Midlands).")
@click.option("--colour", "colour_primary",
              help="Its header's colour, e.g. #1d70b8 (text on it must reach 4.5:1).")
@click.option("--accent", "colour_accent",
              help="The strip above and below its header (default: a shade of --colour).")
@click.option("--settings", "settings_json", default="{}",
              help='Settings it overrides, as JSON, e.g. {"COUNCIL_FRONT_DOOR": "..."}.')
def add(code, name, host, path_prefix, region, colour_primary, colour_accent, settings_json):
    """Add council CODE (its ONS code, e.g. E06000019) called NAME."""
    try:
        settings = json.loads(settings_json)
    except ValueError as exc:
        raise click.BadParameter(f"not JSON: {exc}", param_hint="--settings") from None
    try:
        council = add_council(db.session, code, name, host=host, path_prefix=path_prefix,
                              colour_primary=colour_primary, colour_accent=colour_accent,
                              settings=settings, region=region, deployment=current_app.config)
    except CouncilError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Added {council.code} {council.name} (id {council.id}).")


@cli.command("settings")
@click.argument("code")
@click.argument("settings_json")
def settings_(code, settings_json):
    """Replace council CODE's settings with SETTINGS_JSON (the whole object). A
    disclosure threshold may only be raised; when one changes, a new snapshot is
    published for the council at once (docs/DISCLOSURE.md)."""
    from ..models.tenancy import use_council
    from ..publication import CellKeyMethod, Schedule, publish

    try:
        settings = json.loads(settings_json)
    except ValueError as exc:
        raise click.BadParameter(f"not JSON: {exc}", param_hint="SETTINGS_JSON") from None
    try:
        council, changed = change_settings(db.session, code, settings, current_app.config)
    except CouncilError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Settings of {council.code} {council.name}: {json.dumps(council.settings)}")
    if changed:
        with use_council(council.id):
            db.session.rollback()
            publish(db.session, CellKeyMethod.from_config(current_app.config),
                    Schedule.from_config(current_app.config), trigger="settings")
        click.echo(f"{', '.join(changed)} changed: published a new snapshot for {council.code}.")


@cli.command("colours")
@click.argument("code")
@click.option("--colour", "colour_primary", help="Its header's colour, e.g. #1d70b8.")
@click.option("--accent", "colour_accent", help="The strip above and below its header.")
def colours(code, colour_primary, colour_accent):
    """Set council CODE's colours; without any, it goes back to the app's own."""
    try:
        council = set_colours(db.session, code, colour_primary, colour_accent)
    except CouncilError as exc:
        raise click.ClickException(str(exc)) from None
    shown = " and ".join(c for c in (council.colour_primary, council.colour_accent) if c)
    click.echo(f"{council.code} {council.name}: " + (shown or "the app's own colours") + ".")


@cli.command("list")
def list_():
    """List the councils: code, name, host, path."""
    for c in list_councils(db.session):
        click.echo(f"{c.code}\t{c.name}\t{c.host or '-'}\t/{c.path_prefix or ''}")


@cli.command("add-admin")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Asked for when not given.")
def add_admin(email, password):
    """Add a national admin account EMAIL (on the deployment's own council): it may add
    councils (/national-admin/councils) and reads no council's data."""
    from sqlalchemy import func, select

    from ..auth.passwords import hash_password, password_problem
    from ..models import User

    email = email.strip().lower()
    problem = password_problem(password, email) if "@" in email else "that is not an email"
    if problem:
        raise click.BadParameter(problem)
    if db.session.scalar(select(User).where(func.lower(User.email) == email)):
        raise click.ClickException(f"an account for {email} already exists")
    db.session.add(User(email=email, role="national_admin", password_hash=hash_password(password)))
    db.session.commit()
    click.echo(f"Added national admin {email}.")
