"""PostgreSQL row-level security: the database itself keeps councils apart, even
for SQL that bypasses the ORM scoping, when the app connects as a non-owner,
NOBYPASSRLS role (as docs/DEPLOYMENT.md says to)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from tests.conftest import is_postgres

pytestmark = pytest.mark.skipif(
    not is_postgres(), reason="row-level security is PostgreSQL's; SQLite is the "
    "single-council embedded default (set TEST_DATABASE_URL to a PostgreSQL server)")


def _councils(db):
    from app.models import Council, Service, use_council
    from app.models.tenancy import default_council_id

    a_id = default_council_id(db.session.connection())
    db.session.commit()
    b = Council(code="E06000001", name="Bravo Council")
    db.session.add(b)
    db.session.commit()
    for council_id, name in ((a_id, "Alpha club"), (b.id, "Bravo club")):
        with use_council(council_id):
            db.session.add(Service(name=name, service_type="sport"))
            db.session.commit()
    return a_id, b.id


def test_the_app_role_cannot_bypass_row_level_security(rls_app):
    from app.extensions import db

    role = db.session.execute(text(
        "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")).one()
    assert tuple(role) == (False, False)


def test_raw_sql_of_council_a_sees_nothing_of_council_b(rls_app):
    from app.extensions import db
    from app.models import Service, use_council

    a_id, b_id = _councils(db)
    for council_id, name in ((a_id, "Alpha club"), (b_id, "Bravo club")):
        with use_council(council_id):
            # ORM scoping bypassed: plain SQL, and an ORM query with scoping turned off.
            assert db.session.execute(text("SELECT count(*) FROM service")).scalar() == 1
            assert db.session.execute(text("SELECT name FROM service")).scalars().all() == [name]
            assert db.session.scalars(select(Service.name).execution_options(
                all_councils=True)).all() == [name]
            db.session.commit()


def test_no_council_set_sees_nothing_and_writes_nothing(rls_app):
    from app.extensions import db

    a_id, b_id = _councils(db)
    with db.engine.connect() as conn:  # a connection no session named a council on
        assert conn.execute(text("SELECT count(*) FROM service")).scalar() == 0
        with pytest.raises(DBAPIError):
            conn.execute(text("INSERT INTO service (council_id, name, service_type, uniformed, "
                              "cost_model, concession, no_fixed_place, status, outside_council,"
                              " created_at, updated_at) VALUES (:c, 'Smuggled', 'sport', false,"
                              " 'free', false, false, 'active', false, now(), now())"),
                         {"c": b_id})


def test_council_a_cannot_write_a_row_into_council_b(rls_app):
    from app.extensions import db
    from app.models import use_council

    a_id, b_id = _councils(db)
    with use_council(a_id), pytest.raises(DBAPIError):
        db.session.execute(text("UPDATE service SET council_id = :b"), {"b": b_id})
    db.session.rollback()
    with use_council(b_id):
        assert db.session.execute(text("SELECT name FROM service")).scalars().all() == [
            "Bravo club"]


def test_the_migration_turns_row_level_security_on(tmp_path):
    """`flask db upgrade` (run as the owner) makes the default council and forces the
    policies on every council table but the job ledger."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.models import Base
    from app.tenancy.rls import NOT_POLICED
    from tests.conftest import TEST_CONFIG, make_database

    url, drop = make_database(tmp_path, "mig")
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url,
                      "DEFAULT_COUNCIL_CODE": "E06000001", "COUNCIL_NAME": "Bravo Council"})
    try:
        with app.app_context():
            upgrade()
            forced = set(db.session.execute(text(
                "SELECT relname FROM pg_class WHERE relrowsecurity AND relforcerowsecurity"
            )).scalars())
            policies = set(db.session.execute(text(
                "SELECT tablename FROM pg_policies WHERE policyname = 'council_isolation'")
            ).scalars())
            councils = db.session.execute(text("SELECT code, name FROM council")).all()
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()
    owned = {t.name for t in Base.metadata.sorted_tables if "council_id" in t.c}
    assert owned - set(NOT_POLICED) == forced == policies
    # All but the deployment-wide tables: the councils and the national roll-up (built
    # from every council's published release, by design: app/models/national.py).
    assert {t.name for t in Base.metadata.sorted_tables} - owned == {"council",
                                                                     "national_rollup"}
    assert [tuple(c) for c in councils] == [("E06000001", "Bravo Council")]


def _statements(engine, work):
    from sqlalchemy import event

    seen = []
    listen = lambda *args: seen.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listen)
    try:
        result = work()
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    return seen, result


def test_a_transaction_for_the_default_council_names_it_in_one_statement(rls_app):
    """No council set (a command, a job): each transaction's first statement both finds
    the default council and names it for row-level security, and the rest of the
    transaction uses the id it found."""
    from app.extensions import db

    a_id, _ = _councils(db)
    db.session.commit()
    seen, rows = _statements(db.engine, lambda: (
        db.session.execute(text("SELECT name FROM service")).scalars().all(),
        db.session.execute(text("SELECT current_setting('app.council_id')")).scalar()))
    assert rows == (["Alpha club"], str(a_id))
    assert len(seen) == 3 and "set_config" in seen[0] and "council" in seen[0]
    db.session.commit()


def test_a_missing_default_council_is_made_and_named(db):
    """The default council's row gone (a fresh database before `flask db upgrade`): the
    transaction that needs it makes it and names it, never no council at all."""
    from app.models import Council
    from app.models.tenancy import DEFAULT

    gone = db.session.scalar(select(Council.id).where(Council.code == DEFAULT["code"]))
    db.session.execute(Council.__table__.delete())
    db.session.commit()
    named = db.session.execute(text("SELECT current_setting('app.council_id')")).scalar()
    made = db.session.scalar(select(Council.id).where(Council.code == DEFAULT["code"]))
    assert made is not None and made != gone and named == str(made)
    db.session.commit()
