"""What the national admin's page does: list the councils and add one.  Only the
``council`` table is read or written here (a national admin reads no council's data)."""

from __future__ import annotations

from ..extensions import db
from ..models.tenancy import Council
from ..tenancy.service import CouncilError, add_council, list_councils

__all__ = ["CouncilError", "add", "councils"]


def councils() -> list[Council]:
    """Every council of the deployment, by ONS code."""
    return list_councils(db.session)


def add(code: str, name: str, host: str | None, path: str | None,
        region: str | None) -> Council:
    """Add a council (raises :class:`CouncilError` saying what is wrong)."""
    return add_council(db.session, code, name, host=host, path_prefix=path, region=region)
