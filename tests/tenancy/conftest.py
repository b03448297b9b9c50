"""Tenancy fixtures: two councils, and on PostgreSQL an app that connects as a
non-owner NOBYPASSRLS role, so the database (not only the code) keeps them apart.

The leak walks (test_leak.py, test_leak_posts.py) use ``walk_app`` and ``walked``:
the two small counties are built once per worker (as the tables' owner, with the
row-level security policies on and the app role granted what docs/DEPLOYMENT.md
says), copied for each test, and the test's app connects to the copy *as the app
role* on PostgreSQL, so a scoping bug in the code would still be stopped by the
database.  Such a module binds its ``app`` to the walk app::

    @pytest.fixture
    def app(walk_app):
        return walk_app
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tests.conftest import TEST_CONFIG, make_database

APP_ROLE = "yvm_app_rls_test"  # created once per cluster if absent; never a superuser


def ensure_app_role(conn) -> None:
    """The app role, made if missing (another worker on the same server may be
    making it at the same moment: its duplicate is not an error)."""
    conn.execute(text(
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + APP_ROLE +
        "') THEN CREATE ROLE " + APP_ROLE + " LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB "
        "NOCREATEROLE; END IF; EXCEPTION WHEN duplicate_object OR unique_violation THEN "
        "NULL; END $$"))


def as_app_role(url: str) -> str:
    """``url`` with the app role as its user (PostgreSQL); SQLite's unchanged."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return url
    return parsed.set(username=APP_ROLE, password=None).render_as_string(hide_password=False)


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
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": as_app_role(url)})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    drop()


def _build_counties(session, a_id: int, b_id: int) -> tuple[dict, dict]:
    from app.models import use_council
    from tests.tenancy.leak_support import build_county

    with use_council(b_id):
        b_ids = build_county(session, prefix="Zephyrbury", lsoa="E0109990",
                             ward="E05099901", centre=(450_000, 300_000), token="zb")
    with use_council(a_id):
        a_ids = build_county(session, prefix="Ashcombe", lsoa="E0100000",
                             ward="E05000001", centre=(350_000, 250_000), token="ac")
    return a_ids, b_ids


# --- the leak walks: built once per worker, copied per test, run as the app role ------

def build_walk_councils(session, files_dir) -> dict:
    """Both councils and their counties, as the tables' owner; then, on PostgreSQL,
    the policies forced (as the migration does) and the app role granted what
    docs/DEPLOYMENT.md grants it.  Returns what ``walked`` hands the tests."""
    from app.models import Council
    from app.models.tenancy import default_council_id
    from app.tenancy import rls
    from app.tenancy.service import add_council

    a = session.get(Council, default_council_id(session.connection()))
    a.host = "a.example"
    session.commit()
    b = add_council(session, "E06000001", "Bravo Council", host="b.example",
                    path_prefix="bravo")
    councils = [{"id": c.id, "name": c.name, "code": c.code} for c in (a, b)]
    a_ids, b_ids = _build_counties(session, a.id, b.id)
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        rls.enable(connection)
        ensure_app_role(connection)
        rls.grant_app_role(connection, APP_ROLE)
    session.commit()
    return {"a": councils[0], "b": councils[1], "a_ids": a_ids, "b_ids": b_ids}


@pytest.fixture
def walk_copy(demo_templates):
    """A fresh copy of the worker's two built councils: ``.url`` (the owner's),
    ``.values`` (what ``build_walk_councils`` returned); dropped after the test."""
    template = demo_templates.get_built("tenancy.walk", build_walk_councils, {})
    url, drop = demo_templates.copy(template)
    yield SimpleNamespace(url=url, values=template.accounts)
    drop()


@pytest.fixture
def walk_app(walk_copy, app_config):
    """The app on ``walk_copy``, connected as APP_ROLE on PostgreSQL (the owner's
    connection is ``owner``)."""
    from app import create_app
    from app.extensions import db

    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": as_app_role(walk_copy.url),
                      **app_config})

    @app.before_request
    def _forget_cached_user():
        # As tests/conftest.py's ``app``: the test's app context outlives each request.
        from flask import g

        g.pop("_login_user", None)
        g.pop("csrf_token", None)

    @app.teardown_request
    def _end_transaction(exc=None):
        # In production each request's session ends with it; here the requests share
        # the test's.  Ending its transaction gives the next request one of its own,
        # which row-level security sets to that request's council (a sign-in on B's
        # host after a request on A's must not run in A's transaction).
        db.session.rollback()

    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()  # before the copy is dropped


@pytest.fixture
def walked(app, walk_copy):
    """(A, B, A's ids, B's ids) in ``app``'s database: the module's ``app`` must be
    ``walk_app`` (see the module docstring)."""
    assert app.config["SQLALCHEMY_DATABASE_URI"] == as_app_role(walk_copy.url), \
        "bind the module's app fixture to walk_app"
    values = walk_copy.values
    return (SimpleNamespace(**values["a"]), SimpleNamespace(**values["b"]),
            dict(values["a_ids"]), dict(values["b_ids"]))


@pytest.fixture
def owner(walk_copy):
    """An engine on the walk's database as the tables' owner (it sees every council's
    rows on PostgreSQL too): for the tests' own checks, never for the app."""
    from sqlalchemy import create_engine

    engine = create_engine(walk_copy.url)
    yield engine
    engine.dispose()
