"""PostgreSQL row-level security for every council-owned table (issue 27).

Run by the migration (as the tables' owner) and by the test fixtures; a no-op on
SQLite.  Each council table gets ENABLE and FORCE ROW LEVEL SECURITY and one
policy: a row is seen, inserted or changed only when its ``council_id`` is the
transaction's ``app.council_id`` (set by :mod:`app.tenancy.scoping`).  With no
council set nothing is visible and nothing can be written.  The app's database
role must not own the tables nor have BYPASSRLS (docs/DEPLOYMENT.md).

``background_job`` is the one council-owned table without a policy: it is the
workers' ledger, which every worker reads across councils to claim, renew and
share out jobs fairly; its rows carry ``council_id`` and the runner works as that
council, and a job's status and result are shown only to its own council.
"""

from __future__ import annotations

from sqlalchemy import text

POLICY = "council_isolation"
NOT_POLICED = ("background_job",)
CONDITION = "council_id = NULLIF(current_setting('app.council_id', true), '')::int"


def council_tables(metadata) -> list[str]:
    return [t.name for t in metadata.sorted_tables
            if "council_id" in t.c and t.name not in NOT_POLICED]


def statements(tables: list[str]) -> list[str]:
    out = []
    for name in tables:
        out += [f'ALTER TABLE "{name}" ENABLE ROW LEVEL SECURITY',
                f'ALTER TABLE "{name}" FORCE ROW LEVEL SECURITY',
                f'DROP POLICY IF EXISTS {POLICY} ON "{name}"',
                f'CREATE POLICY {POLICY} ON "{name}" USING ({CONDITION}) '
                f'WITH CHECK ({CONDITION})']
    return out


def enable(connection, metadata=None) -> list[str]:
    """Enable the policies on ``connection`` (PostgreSQL only); the tables done."""
    if connection.dialect.name != "postgresql":
        return []
    if metadata is None:
        from ..models import Base

        metadata = Base.metadata
    tables = council_tables(metadata)
    for sql in statements(tables):
        connection.execute(text(sql))
    return tables


def grant_app_role(connection, role: str) -> None:
    """Let ``role`` (a NOBYPASSRLS, non-owner login) read and write every table."""
    quoted = '"' + role.replace('"', '""') + '"'
    connection.execute(text(f"GRANT USAGE ON SCHEMA public TO {quoted}"))
    connection.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "
                            f"public TO {quoted}"))
    connection.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}"))


def after_upgrade(op) -> None:
    """Called at the end of the migration: the deployment's own council (from the
    config: ``DEFAULT_COUNCIL_CODE``, ``COUNCIL_NAME``) and, on PostgreSQL, the
    row-level security policies."""
    from flask import current_app

    from ..models.tenancy import DEFAULT, default_council_id

    DEFAULT["code"] = current_app.config.get("DEFAULT_COUNCIL_CODE") or DEFAULT["code"]
    DEFAULT["name"] = current_app.config.get("COUNCIL_NAME") or DEFAULT["name"]
    connection = op.get_bind()
    default_council_id(connection, separate=False)
    enable(connection)
