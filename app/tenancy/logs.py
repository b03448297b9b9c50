"""Every log record names its council (issue 27): ``record.council``.

No Flask.  :func:`install` puts a log record factory in front of the one in
use, so every record made in this process (the app's, SQLAlchemy's, RQ's,
werkzeug's) gets ``council``: the ONS code of the current council (the one
set for the request or job, :func:`~app.models.tenancy.current_council_id`),
or ``-`` when none is set (start-up, most commands).  The app's log format
shows it (``LOG_FORMAT`` in :mod:`app.factory`).

The code comes from the process's copy of the council table
(:mod:`app.tenancy.table`), never from a query of its own but once: a process
whose copy lacks the council (an RQ worker's first job) reads the table, and
a record made while it does so (SQLAlchemy's own) says ``#<id>``.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Engine

from ..models.tenancy import current_council_id
from . import table

NONE = "-"
RETRY_SECONDS = 10.0  # after a read that did not find it, names stay "#<id>" this long

_engine_source: list[Callable[[], Engine | None]] = [lambda: None]
_reading = threading.local()
_lock = threading.Lock()
# engine -> {council id: when a read of the table last failed to name it}
_misses: weakref.WeakKeyDictionary[Engine, dict[int, float]] = weakref.WeakKeyDictionary()


def set_engine_source(source: Callable[[], Engine | None]) -> None:
    """How to find the database of the code that is logging (the app's, set by
    :mod:`app.tenancy.web`; ``None`` outside an app context)."""
    _engine_source[0] = source


def council_code(council_id: int | None) -> str:
    """The code to log for ``council_id``: its ONS code, ``-`` for none, ``#<id>``
    while it cannot be found."""
    if council_id is None:
        return NONE
    try:
        engine = _engine_source[0]()
    except Exception:  # noqa: BLE001 - a log line must never fail for want of a name
        engine = None
    if engine is None:
        return f"#{council_id}"
    kept = table.kept(engine)
    found = kept.by_id(council_id) if kept is not None else None
    if found is None and _may_read(engine, council_id):
        found = _read(engine, council_id)
    return found.code if found is not None else f"#{council_id}"


def _may_read(engine: Engine, council_id: int) -> bool:
    """Not while reading already (SQLAlchemy logs its own query), nor again soon
    after a read that did not find this council."""
    missed = _misses.get(engine, {}).get(council_id)
    recent = missed is not None and time.monotonic() - missed < RETRY_SECONDS
    return not recent and not getattr(_reading, "busy", False)


def _read(engine: Engine, council_id: int) -> table.CouncilInfo | None:
    _reading.busy = True
    try:
        fresh = table.refresh(engine)
        found = fresh.by_id(council_id) if fresh is not None else None
    except Exception:  # noqa: BLE001 - the database is away: log without the name
        found = None
    finally:
        _reading.busy = False
    if found is None:
        with _lock:
            _misses.setdefault(engine, {})[council_id] = time.monotonic()
    return found


def install() -> None:
    """Give every log record made from now on its ``council`` (once per process)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "yvm_council", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        record.council = council_code(current_council_id())
        return record

    factory.yvm_council = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
