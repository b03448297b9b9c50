"""`flask db upgrade` builds exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from ..conftest import make_database


def test_upgrade_from_empty_matches_models(tmp_path):
    from app import create_app
    from app.models import Base

    url, drop = make_database(tmp_path, "migrations")
    try:
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
        result = app.test_cli_runner().invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, (result.output, repr(result.exception))
        # Running it again is a no-op.
        assert app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
        engine = create_engine(url)
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        engine.dispose()
        with app.app_context():
            from app.extensions import db

            db.engine.dispose()
        assert diff == [], f"models and migrations differ: {diff}"
    finally:
        drop()
