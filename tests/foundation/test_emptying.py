"""How each test's database is emptied (``_empty_all_tables``, tests/conftest.py), and
what a test leaves of its connections (``end_app``).

Every table is emptied but for the deployment's default council, ids start at 1 again,
and on PostgreSQL the emptying waits for a transaction that another connection left
open on a table it empties (a job of the previous test still writing): that row is
emptied too, never left behind for the next test to count.  The worker's
database keeps its pooled connections from one test's app to the next; a copy's are
closed, so it can be dropped.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, event, func, select, text

from ..conftest import TEST_CONFIG, _empty_all_tables, end_app, is_postgres, make_user
from ..polling import poll


def _rows(db) -> dict[str, int]:
    from app.models import Base

    return {t.name: db.session.scalar(select(func.count()).select_from(t))
            for t in Base.metadata.sorted_tables}


def test_every_table_is_emptied_and_ids_start_at_one_again(app, db):
    from app.models import Council, Organisation, User
    from app.models.tenancy import DEFAULT

    make_user(db, "partner")  # an organisation and the user who belongs to it
    make_user(db, "partner")
    db.session.add(Organisation(name="Never kept", kind="charity"))
    db.session.flush()  # takes an id from the sequence...
    db.session.rollback()  # ...and leaves no row: the sequence is used all the same
    db.session.add(Council(code="E06000099", name="Another council"))
    db.session.commit()
    assert _rows(db)["user_account"] == 2

    _empty_all_tables(db)

    rows = _rows(db)
    assert rows.pop("council") == 1
    assert set(rows.values()) == {0}, {name: n for name, n in rows.items() if n}
    assert db.session.scalars(select(Council.code)).all() == [DEFAULT["code"]]
    user = make_user(db, "partner")
    assert (user.organisation.id, user.id) == (1, 1)
    assert db.session.get(User, 1).email == user.email


@pytest.mark.skipif(not is_postgres(), reason="locks between connections: PostgreSQL's")
def test_emptying_waits_for_a_transaction_left_open_and_empties_its_row(app, db):
    from app.models import Organisation

    db.session.add(Organisation(name="Written by the test", kind="charity"))
    db.session.commit()
    other = create_engine(db.engine.url)
    left_open = other.connect()
    try:
        left_open.execute(text(
            "INSERT INTO organisation (name, kind, trusted, council_id) "
            "SELECT 'Written by a job still running', 'charity', false, id FROM council"))
        done = threading.Event()
        failed: list[BaseException] = []

        def empty():
            try:
                with app.app_context():
                    _empty_all_tables(db)
                    db.session.remove()
            except BaseException as exc:  # noqa: BLE001 - reported below
                failed.append(exc)
            finally:
                done.set()

        emptier = threading.Thread(target=empty)
        emptier.start()
        waiting = "SELECT count(*) FROM pg_locks WHERE NOT granted AND database = " \
                  "(SELECT oid FROM pg_database WHERE datname = current_database())"
        with other.connect() as watch:
            poll(lambda: watch.execute(text(waiting)).scalar(),
                 what="the emptying to wait for the open transaction", timeout=30)
        assert not done.is_set()
        left_open.commit()
        assert done.wait(60) and not failed, failed
    finally:
        left_open.close()
        other.dispose()
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0


def test_the_next_tests_app_takes_the_connections_the_last_one_left(app, db, database_url):
    from app import create_app

    assert db.session.scalar(select(func.count()).select_from(text("council"))) == 1
    engine = db.engine
    end_app(app, keep_connections=True)  # as the ``app`` fixture ends a test
    assert engine.pool.checkedin() >= 1
    made: list[object] = []

    def connected(dbapi_connection, record):
        made.append(dbapi_connection)

    event.listen(engine, "connect", connected)
    try:
        following = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url})
        with following.app_context():
            assert db.engine is engine
            _empty_all_tables(db)
            assert following.test_client().get("/").status_code == 200
            end_app(following, keep_connections=False)  # as a copy's app ends
        assert made == []  # the following app used the connections left to it
        assert engine.pool.checkedin() == 0  # and a copy's are closed
    finally:
        event.remove(engine, "connect", connected)
