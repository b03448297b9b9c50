"""`flask users` commands: create and list staff accounts."""

from __future__ import annotations

import os

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from ..access import STAFF
from ..audit import record
from ..auth.passwords import hash_password, password_problem
from ..extensions import db
from ..models import User
from .council_option import as_council

cli = AppGroup("users", help="Manage staff accounts.")


def create_user(email: str, role: str, password: str) -> User:
    """Create an account, refusing bad input with a clear message."""
    email = email.strip().lower()
    if role not in STAFF:
        raise click.BadParameter(f"role must be one of {', '.join(STAFF)} (partner accounts "
                                 "are made by invitation)", param_hint="--role")
    if "@" not in email:
        raise click.BadParameter("that is not an email address", param_hint="EMAIL")
    problem = password_problem(password, email)
    if problem:
        raise click.BadParameter(problem, param_hint="password")
    if db.session.scalar(select(User).where(func.lower(User.email) == email)):
        raise click.ClickException(f"an account for {email} already exists")
    user = User(email=email, role=role, password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    record(db.session, user="cli", action="create", obj=user, after={"email": email, "role": role})
    db.session.commit()
    return user


@cli.command("create")
@as_council
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(STAFF), help="The account's role.")
def create_command(email: str, role: str) -> None:
    """Create a staff account.  The password is asked for, or read from YVM_PASSWORD."""
    password = os.environ.get("YVM_PASSWORD")
    if not password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = create_user(email, role, password)
    click.echo(f"Created {user.email} ({user.role}).")


@cli.command("list")
@as_council
def list_command() -> None:
    """List staff accounts."""
    for user in db.session.scalars(select(User).order_by(User.email)):
        state = "active" if user.active else "disabled"
        click.echo(f"{user.email}\t{user.role}\t{state}")
