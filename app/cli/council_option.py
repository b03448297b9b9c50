"""Which council a command works as (docs/TENANCY.md, "Commands").

Every command that reads or changes a council's data takes ``--council CODE``:

* :func:`as_council` — the command works as that one council (default: the
  deployment's own council, so a single-council deployment never names it);
* :func:`for_each_council` — for the scheduled commands (``retention run``,
  ``publish run``): every council in turn, each in its own transaction, unless
  ``--council`` names one.  A nightly job that only did the deployment's own
  council would leave every other council's due free text undeleted.

Click has no notion of a tenant, so this is ours: a decorator adding one option
and running the command inside :func:`app.models.tenancy.use_council`, after
ending the session's transaction (a rollback: what a command keeps it
commits itself) so the next one begins as that council (on
PostgreSQL the row-level-security setting is made when a transaction begins).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click
from sqlalchemy import select

from ..extensions import db
from ..models.tenancy import Council, use_council
from ..tenancy.service import council_by_code

COUNCIL_HELP = ("Work as this council (its ONS code, as `flask councils list` shows). "
                "Default: the deployment's own council.")
EACH_HELP = ("Only this council (its ONS code). Default: every council in turn, "
             "each in its own transaction.")


def _council(code: str) -> Council:
    council = council_by_code(db.session, code)
    if council is None:
        raise click.BadParameter(f"no council {code.strip().upper()!r} "
                                 "(`flask councils list` shows them).",
                                 param_hint="'--council'")
    return council


def as_council(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--council CODE`` to ``command`` and run it as that council."""

    @click.option("--council", "council_code", default=None, metavar="CODE", help=COUNCIL_HELP)
    @functools.wraps(command)
    def run(*args: Any, council_code: str | None, **kwargs: Any) -> Any:
        if not council_code:
            return command(*args, **kwargs)
        council_id = _council(council_code).id
        db.session.rollback()  # the next transaction begins as the council
        try:
            with use_council(council_id):
                return command(*args, **kwargs)
        finally:
            db.session.rollback()

    return run


def every_council(code: str | None) -> list[tuple[int, str]]:
    """(id, code) of the council ``code`` names, or of every council by code."""
    if code:
        council = _council(code)
        found = [(council.id, council.code)]
    else:
        found = [(c.id, c.code) for c in db.session.scalars(select(Council).order_by(Council.code))]
    db.session.rollback()
    return found


def for_each_council(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--council CODE`` to ``command`` and run it once for each council (or
    the one named), as that council; ``command`` gets ``council`` (its code) and
    ``prefix`` (``"CODE: "`` when there is more than one council, for its output).
    One council's failure does not stop the others: it is reported, and the
    command exits non-zero naming every council that failed."""

    @click.option("--council", "council_code", default=None, metavar="CODE", help=EACH_HELP)
    @functools.wraps(command)
    def run(*args: Any, council_code: str | None, **kwargs: Any) -> None:
        councils = every_council(council_code)
        failed: list[str] = []
        for n, (council_id, code) in enumerate(councils):
            prefix = f"{code}: " if len(councils) > 1 else ""
            if n:  # nothing loaded as the last council is handed out as this one
                db.session.expunge_all()
            with use_council(council_id):
                try:
                    command(*args, council=code, prefix=prefix, **kwargs)
                except click.ClickException as err:
                    if len(councils) == 1:
                        raise
                    click.echo(f"{prefix}Error: {err.format_message()}", err=True)
                    failed.append(code)
                except Exception as err:  # noqa: BLE001 - the other councils still run
                    if len(councils) == 1:
                        raise
                    click.echo(f"{prefix}Error: {type(err).__name__}: {err}", err=True)
                    failed.append(code)
                finally:
                    db.session.rollback()
        if failed:
            raise click.ClickException(f"failed for {', '.join(failed)}; "
                                       "the other councils' runs are done.")

    return run
