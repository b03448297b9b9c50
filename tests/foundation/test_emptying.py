"""Each test starts from empty tables (``_empty_all_tables`` in tests/conftest.py): every
table a test wrote to is empty again, its ids start at 1 again, and only the
deployment's default council is left.  On PostgreSQL the written tables are emptied by
DELETE and their sequences set back, or, for a role that row-level security could hide
rows from, by TRUNCATE: both ways are checked."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from tests.conftest import _empty_all_tables, is_postgres, make_user
from tests.county import County


def _write_everywhere(db) -> None:
    from app.models import Council

    county = County(db.session)
    county.service("Youth club", 100, 100, sessions=[(1, "18:00", "20:00")],
                   organisation="Club Trust")
    county.building("Library", 200, 200, kind="library")
    county.commit()
    make_user(db, "partner")
    db.session.add(Council(code="E06000002", name="Other Council"))
    db.session.commit()


def _rows(db) -> dict[str, int]:
    from app.models import Base

    return {t.name: db.session.scalar(select(func.count()).select_from(t))
            for t in Base.metadata.sorted_tables}


def _check_empty_and_restarted(db) -> None:
    from app.models import Council, Organisation
    from app.models.tenancy import DEFAULT

    rows = _rows(db)
    assert {name: n for name, n in rows.items() if n and name != "council"} == {}
    assert db.session.scalars(select(Council.code)).all() == [DEFAULT["code"]]
    organisation = Organisation(name="First again", kind="charity")
    db.session.add(organisation)
    db.session.commit()
    assert organisation.id == 1


@pytest.mark.parametrize("way", ["as the suite does", "by TRUNCATE"])
def test_every_written_table_is_emptied_and_its_ids_start_again(app, db, monkeypatch, way):
    if way == "by TRUNCATE":
        if not is_postgres():
            pytest.skip("TRUNCATE is the PostgreSQL fallback; SQLite always deletes")
        monkeypatch.setattr("tests.conftest._sees_every_row", lambda db: False)
    _write_everywhere(db)
    written = {name for name, n in _rows(db).items() if n and name != "council"}
    assert {"service", "service_session", "organisation", "user_account", "building"} <= written
    _empty_all_tables(db)
    _check_empty_and_restarted(db)


def test_a_sequence_used_by_a_rolled_back_row_starts_again(app, db):
    """A row added and rolled back leaves no row but a used id: that table is emptied
    (its sequence set back) too."""
    from app.models import Organisation

    db.session.add(Organisation(name="Never kept", kind="charity"))
    db.session.flush()
    db.session.rollback()
    _empty_all_tables(db)
    _check_empty_and_restarted(db)
    if is_postgres():
        assert db.session.scalar(text("SELECT rolsuper OR rolbypassrls FROM pg_roles "
                                      "WHERE rolname = current_user"))
