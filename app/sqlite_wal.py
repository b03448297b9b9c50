"""SQLite in write-ahead-log mode, so survey pages can be read while answers are written.

In SQLite's default (rollback journal) mode a writer locks readers out: under
load, every survey GET waited for the POSTs being stored, which gave p99
latencies of seconds (bench/load_survey.py).  WAL lets readers and one writer
work at once.  ``synchronous`` stays at SQLite's default (FULL), so an answer
acknowledged with "Thank you" is on disk.  PostgreSQL is not touched.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine


@event.listens_for(Engine, "connect")
def _sqlite_wal(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    try:
        row = cursor.execute("PRAGMA journal_mode").fetchone()
        if row and row[0] not in ("wal", "memory"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
    finally:
        cursor.close()
