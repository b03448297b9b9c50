"""The ``council`` table, kept per process for a short time (issue 27).

No Flask.  Finding a request's council (:mod:`app.tenancy.web`), the header's
name and colours and the council code on log lines all read this copy instead
of asking the database each time.  It is read again when it is older than the
``max_age`` its caller gives (``COUNCIL_CACHE_SECONDS``), and dropped at once
in a process that commits a change to a council through the ORM, a changed
object or an ORM ``update(Council)`` (``flask councils add`` and ``colours``,
the national admin's page: :func:`_forget_after_commit`).
Another process sees the change when its copy runs out (docs/TENANCY.md).

One copy per engine (per database), so two apps in one process (tests) never
see each other's councils.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from time import monotonic  # (a test moves this clock)
from types import MappingProxyType

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ..models.tenancy import DEFAULT, Council
from ..models.watch import watch


@dataclass(frozen=True)
class CouncilInfo:
    """One council as the table held it when it was read (a read-only copy of
    :class:`~app.models.tenancy.Council`'s columns)."""

    id: int
    code: str
    name: str
    host: str | None = None
    path_prefix: str | None = None
    region: str | None = None
    colour_primary: str | None = None
    colour_accent: str | None = None
    settings: Mapping[str, object] = field(default_factory=dict)

    @classmethod
    def of(cls, row) -> CouncilInfo:
        return cls(id=row.id, code=row.code, name=row.name, host=row.host,
                   path_prefix=row.path_prefix, region=row.region,
                   colour_primary=row.colour_primary, colour_accent=row.colour_accent,
                   settings=MappingProxyType(dict(row.settings or {})))

    def setting(self, name: str, default):
        return self.settings.get(name, default)


class CouncilTable:
    """Every council, by id, code, path prefix and host name."""

    def __init__(self, councils: list[CouncilInfo], loaded_at: float):
        self.councils = tuple(councils)
        self.loaded_at = loaded_at
        self._by_id = {c.id: c for c in councils}
        self._by_code = {c.code: c for c in councils}
        self._by_prefix = {c.path_prefix: c for c in councils if c.path_prefix}
        self._by_host = {c.host: c for c in councils if c.host}

    def by_id(self, council_id: int) -> CouncilInfo | None:
        return self._by_id.get(council_id)

    def by_code(self, code: str) -> CouncilInfo | None:
        return self._by_code.get(code)

    def default(self) -> CouncilInfo | None:
        """The deployment's own council (``DEFAULT_COUNCIL_CODE``)."""
        return self._by_code.get(DEFAULT["code"])

    def for_request(self, first_segment: str, host: str) -> tuple[CouncilInfo | None, bool]:
        """The council a request is for, and whether its path prefix said so (else
        its host name, port or not); ``(None, False)``: no council's own."""
        if first_segment and first_segment in self._by_prefix:
            return self._by_prefix[first_segment], True
        found = self._by_host.get(host) or self._by_host.get(host.split(":")[0])
        return found, False


_lock = threading.Lock()
_tables: weakref.WeakKeyDictionary[Engine, CouncilTable] = weakref.WeakKeyDictionary()


def read(engine: Engine) -> CouncilTable | None:
    """The table as it is in the database now (one query); ``None`` before it
    exists (before ``flask db upgrade``)."""
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(Council.__table__)).all()
    except DBAPIError:
        return None
    return CouncilTable([CouncilInfo.of(row) for row in rows], monotonic())


def councils(engine: Engine, max_age: float) -> CouncilTable | None:
    """The council table, read again when the process's copy is older than
    ``max_age`` seconds (0: read every time, keep nothing)."""
    table = _tables.get(engine)
    if table is not None and monotonic() - table.loaded_at < max_age:
        return table
    return refresh(engine, keep=max_age > 0)


def refresh(engine: Engine, *, keep: bool = True) -> CouncilTable | None:
    """Read the table now and (``keep``) make it the process's copy.  A table
    without the deployment's own council is not kept: that council is made on
    first use, by a Core insert that does not drop the copy."""
    table = read(engine)
    if keep and table is not None and table.default() is not None:
        with _lock:
            _tables[engine] = table
    return table


def kept(engine: Engine) -> CouncilTable | None:
    """The process's copy however old it is, without reading the database (a
    council's id and code never change, so it still names them)."""
    return _tables.get(engine)


def forget() -> None:
    """Drop every copy: the next lookup reads the table."""
    with _lock:
        _tables.clear()


def _forget_after_commit(session: Session) -> None:
    forget()


watch((Council,), _forget_after_commit, name="councils")
