"""Tenancy fixtures: two councils, and on PostgreSQL an app that connects as a
non-owner NOBYPASSRLS role, so the database (not only the code) keeps them apart."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tests.conftest import TEST_CONFIG, make_database

APP_ROLE = "yvm_app_rls_test"  # created once per cluster if absent; never a superuser


def ensure_app_role(conn) -> None:
    conn.execute(text(
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + APP_ROLE +
        "') THEN CREATE ROLE " + APP_ROLE + " LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB; "
        "END IF; END $$"))


@pytest.fixture
def two_councils(db):
    """(A, B): the default council (A, host a.example) and council B (b.example, /bravo)."""
    from app.models import Council
    from app.models.tenancy import default_council_id
    from app.tenancy.service import add_council

    a = db.session.get(Council, default_council_id(db.session.connection()))
    a.host = "a.example"
    db.session.commit()
    b = add_council(db.session, "E06000001", "Bravo Council", host="b.example",
                    path_prefix="bravo")
    return (SimpleNamespace(id=a.id, name=a.name, code=a.code),
            SimpleNamespace(id=b.id, name=b.name, code=b.code))


@pytest.fixture
def rls_app(tmp_path):
    """An app on a fresh PostgreSQL database with the policies on, connected as
    APP_ROLE (not the tables' owner, no BYPASSRLS)."""
    from app import create_app
    from app.extensions import db
    from app.tenancy import rls

    url, drop = make_database(tmp_path, "rls")
    owner = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with owner.app_context():
        db.create_all()
        with db.engine.begin() as conn:
            rls.enable(conn)
            ensure_app_role(conn)
            rls.grant_app_role(conn, APP_ROLE)
        db.engine.dispose()
    as_role = make_url(url).set(username=APP_ROLE, password=None)
    app = create_app({**TEST_CONFIG,
                      "SQLALCHEMY_DATABASE_URI": as_role.render_as_string(hide_password=False)})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    drop()


@pytest.fixture
def councils(db, two_councils):
    """(A, B, A's ids, B's ids): each council with a small county of its own whose
    names and codes are distinctive (tests/tenancy/leak_support.py)."""
    from app.models import use_council
    from tests.tenancy.leak_support import build_county

    a, b = two_councils
    with use_council(b.id):
        b_ids = build_county(db.session, prefix="Zephyrbury", lsoa="E0109990",
                             ward="E05099901", centre=(450_000, 300_000), token="zb")
    with use_council(a.id):
        a_ids = build_county(db.session, prefix="Ashcombe", lsoa="E0100000",
                             ward="E05000001", centre=(350_000, 250_000), token="ac")
    return a, b, a_ids, b_ids
